// npm run bench — the whole pipeline at scale: a full build (ingest of every export + marts) and an
// incremental one (the newest exports only), with time and peak memory of each, measured in child
// processes in the same run, and the forecast backtest error beside them.
//
// Targets (metrics issue, 2-core machine): at 10M order lines and ~3M after-sales, full build
// ≤ 90 s and ≤ 6 GB; adding one day's exports ≤ 20% of the full build.
// Then the dashboard built from that warehouse (bench/site.ts): build time, data per page, render
// time in Chromium; --no-site skips it.
// It then times a rebuild of that warehouse's core and marts from what it has loaded, without
// ingesting (--rebuild-only: just that, on the warehouse the last run left). --write-floor then
// times writing the tables the rebuild persists, each copied as it is: what no rebuild that persists
// them can go below.
// Options: --orders N (order lines; default 1,000,000 — the generator writes ~8,000 lines/s, so the
// 10M of the target takes ~20 minutes to generate; pass --orders 10000000 for it).
import {execFile} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, rm} from "node:fs/promises";
import {join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {promisify} from "node:util";
import type {Warehouse} from "../src/pipelines/warehouse.js";
import {newestFiles} from "./newest.js";

const outDir = fileURLToPath(new URL("./out/", import.meta.url));
const self = fileURLToPath(import.meta.url);

interface Measurement {
  seconds: number;
  maxRssMb: number;
  files: number;
  rows: number;
  extra?: Record<string, unknown>;
}

interface ErrorSummary {
  cohorts: number;
  meanAbsoluteError: number;
  meanError: number;
  coverage: number;
}

interface BacktestSummary {
  asOf: string;
  cuts: string[];
  levels: Record<string, {overall: {forecast: ErrorSummary; observed: ErrorSummary}}>;
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function child(...args: string[]): Promise<Measurement> {
  const {stdout} = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", self, "--child", ...args],
    {
      maxBuffer: 1 << 24,
      env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"},
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop()!) as Measurement;
}

/** Rebuilds core (from staging) and every mart of an ingested warehouse, ingesting nothing. */
async function rebuildChild(warehousePath: string, floor: boolean): Promise<void> {
  const {defaultConfig} = await import("../src/pipelines/config.js");
  const {rebuildCore} = await import("../src/pipelines/refresh.js");
  const {refreshMarts} = await import("../src/pipelines/metrics/refresh.js");
  const {Warehouse} = await import("../src/pipelines/warehouse.js");
  const config = {...defaultConfig(), warehouse: warehousePath};
  const start = performance.now();
  const warehouse = await Warehouse.open(config.warehouse);
  await rebuildCore(warehouse, config);
  const coreSeconds = (performance.now() - start) / 1000;
  await refreshMarts(warehouse);
  await warehouse.run("checkpoint");
  const seconds = (performance.now() - start) / 1000;
  const count = async (table: string) =>
    Number((await warehouse.one(`select count(*)::bigint as n from ${table}`))!.n);
  // Order lines (子订单) in core: the scale the 10M targets speak of.
  const rows = await count("core.order_line_states");
  const files = await count("meta.ingest_log where status = 'loaded'");
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const writeFloor = floor ? await writeSeconds(warehouse) : undefined;
  warehouse.close();
  console.log(JSON.stringify({seconds, maxRssMb, files, rows, extra: {coreSeconds, writeFloor}}));
}

/**
 * What writing the rebuild's tables costs alone: each table of core, intermediate and marts copied
 * as it is into a new table (compressed and written like any other), in a transaction rolled back.
 * A rebuild writes all of them, so it can't take less while the models persist these tables.
 */
async function writeSeconds(warehouse: Warehouse) {
  const tables = await warehouse.all(
    `select schema_name || '.' || table_name as name from duckdb_tables()
     where schema_name in ('core', 'intermediate', 'marts') and not temporary order by name`,
  );
  const seconds: Record<string, number> = {};
  await warehouse.run(`set memory_limit = '${warehouse.memoryCeiling}'`);
  for (const name of tables.map((row) => String(row.name))) {
    await warehouse.run("begin transaction");
    const start = performance.now();
    await warehouse.run(`create table meta.write_floor_probe as select * from ${name}`);
    seconds[name] = (performance.now() - start) / 1000;
    await warehouse.run("rollback");
  }
  return seconds;
}

async function runChild(args: string[]): Promise<void> {
  const [mode, inbox, warehousePath] = args as [string, string, string];
  if (mode === "rebuild") return rebuildChild(warehousePath, args[3] === "write-floor");
  const {defaultConfig} = await import("../src/pipelines/config.js");
  const {ingest} = await import("../src/pipelines/ingest/ingest.js");
  const {discoverInbox} = await import("../src/pipelines/ingest/discover.js");
  const {silentLogger} = await import("../src/pipelines/logger.js");
  const {Warehouse} = await import("../src/pipelines/warehouse.js");
  const config = {...defaultConfig(), warehouse: warehousePath, inbox};
  const newest = await newestFiles(inbox);
  const all = await discoverInbox(inbox, "default");
  const files =
    mode === "full" ? all.filter((f) => !newest.has(f.path)) : all.filter((f) => newest.has(f.path));
  const start = performance.now();
  const warehouse = await Warehouse.open(config.warehouse);
  const summary = await ingest(warehouse, {config, logger: silentLogger, files});
  const seconds = (performance.now() - start) / 1000;
  let extra: Record<string, unknown> | undefined;
  if (mode === "incremental") {
    const backtest = await import("../src/pipelines/metrics/backtest.js").catch(() => null);
    if (backtest && "backtestForecast" in backtest) {
      extra = {
        backtest: await (backtest.backtestForecast as (w: unknown, o: unknown) => Promise<unknown>)(
          warehouse,
          {},
        ),
      };
    }
  }
  warehouse.close();
  if (summary.failed > 0) throw new Error(`${summary.failed} file(s) failed`);
  const rows = summary.files.reduce((n, f) => n + f.rows_loaded, 0);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({seconds, maxRssMb, files: summary.loaded, rows, ...(extra ? {extra} : {})}));
}

async function main(): Promise<void> {
  const orders = argument("orders", 1_000_000);
  const work = join(outDir, "refresh");
  const warehouseOption = process.argv.indexOf("--warehouse");
  const warehouse =
    warehouseOption > 0 ? resolve(process.argv[warehouseOption + 1]!) : join(work, "warehouse.duckdb");
  const line = (label: string, m: Measurement) =>
    `  ${label.padEnd(34)} ${m.seconds.toFixed(1).padStart(7)} s  ${m.files.toString().padStart(4)} files  ${m.rows.toLocaleString("en-US").padStart(11)} rows  peak ${Math.round(m.maxRssMb).toString().padStart(5)} MB`;
  // 10M in the targets' sense: a warehouse scaled ten times from the 1M sample without its newest
  // exports (bench/scale-incremental.ts) holds 9.94M 子订单.
  const verdict = (m: Measurement, lines = orders) =>
    lines >= 9_500_000
      ? `≤ 90 s: ${m.seconds <= 90 ? "met" : "NOT met"}; ≤ 6 GB: ${m.maxRssMb <= 6144 ? "met" : "NOT met"}`
      : "(the 90 s / 6 GB targets are set for 10M lines: run with --orders 10000000)";
  // --rebuild-only: time the rebuild of the warehouse the last run left (or --warehouse <file>,
  // e.g. one made by bench/scale-up.ts), ingesting nothing.
  const rebuildOnly = process.argv.includes("--rebuild-only") || warehouseOption > 0;
  let incremental: Measurement | undefined;
  if (!rebuildOnly) {
    const sampleDir = join(outDir, `sample_${orders}`);
    if (!existsSync(join(sampleDir, "truth.json"))) {
      console.log(`generating ${orders.toLocaleString("en-US")} order lines into ${sampleDir} …`);
      const {generateSample} = await import("../src/pipelines/sample/generate.js");
      const start = performance.now();
      const result = await generateSample({outDir: sampleDir, orders});
      console.log(
        `  ${result.files.length} files, ${result.afterSales.toLocaleString("en-US")} after-sales in ${((performance.now() - start) / 1000).toFixed(0)} s`,
      );
    }
    await rm(work, {recursive: true, force: true});
    await mkdir(work, {recursive: true});
    const inbox = join(sampleDir, "inbox");
    const full = await child("full", inbox, warehouse);
    incremental = await child("incremental", inbox, warehouse);
    console.log(`\nPipeline at ${orders.toLocaleString("en-US")} order lines`);
    console.log(line("full build (all but the newest)", full));
    console.log(line("incremental (newest exports)", incremental));
    const ratio = incremental.seconds / full.seconds;
    console.log(
      `  incremental / full build: ${(ratio * 100).toFixed(1)}%  (target ≤ 20%: ${ratio <= 0.2 ? "met" : "NOT met"})`,
    );
    console.log(`  full build from the exports ${verdict(full)}`);
  }
  // The same warehouse rebuilt from what it has loaded: core from staging, then every mart.
  const floor = process.argv.includes("--write-floor");
  const rebuild = await child("rebuild", "", warehouse, ...(floor ? ["write-floor"] : []));
  console.log(line("rebuild core + marts (no ingest)", rebuild));
  console.log(
    `  of which core ${Number(rebuild.extra?.coreSeconds).toFixed(1)} s; ${verdict(rebuild, rebuild.rows)}`,
  );
  const writes = rebuild.extra?.writeFloor as Record<string, number> | undefined;
  if (writes) {
    const total = Object.values(writes).reduce((a, b) => a + b, 0);
    console.log(
      `  writing the ${Object.keys(writes).length} tables it persists, each copied as it is: ${total.toFixed(1)} s` +
        ` (${((total / rebuild.seconds) * 100).toFixed(0)}% of the rebuild; no rebuild that persists them is faster)`,
    );
    for (const [table, seconds] of Object.entries(writes).sort((a, b) => b[1] - a[1]))
      if (seconds >= 0.5) console.log(`    ${table.padEnd(44)} ${seconds.toFixed(1).padStart(6)} s`);
  }
  if (incremental) {
    const ratio = incremental.seconds / rebuild.seconds;
    console.log(`  incremental / rebuild: ${(ratio * 100).toFixed(1)}%`);
  }
  const backtest = incremental?.extra?.backtest as BacktestSummary | undefined;
  if (backtest) {
    console.log(`\nForecast backtest (as of ${backtest.asOf}, ${backtest.cuts.length} cuts; rate points)`);
    console.log("  level                cohorts  mean abs error   bias  coverage  no-forecast error");
    for (const [level, {overall}] of Object.entries(backtest.levels)) {
      const f = overall.forecast;
      console.log(
        `  ${level.padEnd(20)} ${String(f.cohorts).padStart(7)}  ${f.meanAbsoluteError.toFixed(2).padStart(14)}  ${f.meanError.toFixed(2).padStart(5)}  ${(f.coverage * 100).toFixed(0).padStart(7)}%  ${overall.observed.meanAbsoluteError.toFixed(2).padStart(17)}`,
      );
    }
  }
  if (!process.argv.includes("--no-site")) {
    const {benchSite, printSite} = await import("./site.js");
    // The order lines the warehouse holds: --orders, unless it was given with --warehouse.
    printSite(await benchSite(warehouse, join(work, "site")), rebuildOnly ? rebuild.rows : orders);
  }
  // The warehouse stays (bench/out/refresh/) for `npm run bench:site` and for a look at the data.
}

const childIndex = process.argv.indexOf("--child");
if (childIndex > 0) await runChild(process.argv.slice(childIndex + 1));
else await main();
