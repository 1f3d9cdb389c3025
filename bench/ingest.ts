// npm run bench:ingest — whole-ingest speed and memory against baselines measured in the same run.
//
// 1. A 1,000,000-line order CSV: Returnscope's ingest (hash, raw, checks, staging, current state)
//    against DuckDB's bare read_csv of the same file into a table. Target: ≤ 1.5× the bare read.
//    The marts rebuild that `returnscope ingest` runs next (the metrics issue's work, with its own
//    benchmark, npm run bench) is timed apart and printed beside it; peak memory covers both.
// 2. A 200,000-row after-sale XLSX: Returnscope's ingest against the exceljs streaming reader
//    merely reading the same file. Target: ours ≥ 3× faster than that reader alone.
// Beside each, a floor: the time to write the three layers the issue asks for (raw text, typed
// staging, current-state core) with plain casts and copies and nothing else — no cleaning, checks,
// row numbers, normalizing or merging (layersFloor). No ingest of this design can beat it.
// Every measurement runs in a child process of its own, so peak memory (maxRSS) is its own.
// Options: --orders N (default 1000000), --after-sales N (default 200000), --runs N (default 1).
import {execFile} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {promisify} from "node:util";

const outDir = fileURLToPath(new URL("./out/", import.meta.url));
const self = fileURLToPath(import.meta.url);

interface Measurement {
  seconds: number;
  maxRssMb: number;
  rows: number;
  /** Seconds per load phase (our ingest) or per layer (the floor); the marts rebuilt afterwards. */
  phases?: Record<string, number>;
  martsSeconds?: number;
}

function argument(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function child(mode: string, ...args: string[]): Promise<Measurement> {
  const {stdout} = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", self, "--child", mode, ...args],
    {
      maxBuffer: 1 << 20,
      env: {...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true"},
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop()!) as Measurement;
}

function floorLine(m: Measurement, baseline: number, better: "lower" | "higher"): string {
  const steps = Object.entries(m.phases ?? {})
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`)
    .join(", ");
  const ratio = better === "lower" ? m.seconds / baseline : baseline / m.seconds;
  return `    floor, writing the three layers and nothing else: ${m.seconds.toFixed(2)} s (${steps}) = ${ratio.toFixed(2)}× ${better === "lower" ? "the bare read" : "faster than the reader"}`;
}

/** Times fn; `after` runs outside the timing (its result is reported too) before peak memory is read. */
async function measure(
  fn: () => Promise<number>,
  after?: () => Promise<Partial<Measurement>>,
): Promise<void> {
  const start = performance.now();
  const rows = await fn();
  const seconds = (performance.now() - start) / 1000;
  const extra = after ? await after() : {};
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({seconds, maxRssMb, rows, ...extra}));
}

async function runChild(mode: string, args: string[]): Promise<void> {
  const [file, scratch] = args as [string, string];
  if (mode === "duckdb-read-csv") {
    const {DuckDBInstance} = await import("@duckdb/node-api");
    await measure(async () => {
      const instance = await DuckDBInstance.create(join(scratch, "baseline.duckdb"));
      const connection = await instance.connect();
      await connection.run(
        `create table orders as select * from read_csv('${file}', all_varchar = true, header = true)`,
      );
      const reader = await connection.runAndReadAll("select count(*)::integer from orders");
      const rows = Number(reader.getRows()[0]![0]);
      connection.closeSync();
      instance.closeSync();
      return rows;
    });
  } else if (mode === "exceljs-stream") {
    const {default: ExcelJS} = await import("exceljs");
    await measure(async () => {
      let rows = 0;
      let cells = 0;
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, {
        sharedStrings: "cache",
        worksheets: "emit",
      });
      for await (const sheet of reader) {
        for await (const row of sheet as AsyncIterable<{values: unknown[]}>) {
          rows++;
          for (const value of row.values) if (value !== undefined) cells++;
        }
      }
      if (cells === 0) throw new Error("exceljs read no cells");
      return rows - 1;
    });
  } else if (mode === "returnscope-ingest") {
    const {defaultConfig} = await import("../src/pipelines/config.js");
    const {ingest} = await import("../src/pipelines/ingest/ingest.js");
    const {ensureMartsFresh} = await import("../src/pipelines/refresh.js");
    const {silentLogger} = await import("../src/pipelines/logger.js");
    const {Warehouse} = await import("../src/pipelines/warehouse.js");
    const config = {...defaultConfig(), warehouse: join(scratch, "warehouse.duckdb"), inbox: scratch};
    const warehouse = await Warehouse.open(config.warehouse);
    // Seconds per phase of loadFile, as its progress reports them (the load transaction's commit
    // falls in "updating", with the current-state models).
    const phases: Record<string, number> = {};
    let phase = "opening";
    let since = performance.now();
    const enter = (next: string) => {
      if (next === phase) return;
      const now = performance.now();
      phases[phase] = (phases[phase] ?? 0) + (now - since) / 1000;
      phase = next;
      since = now;
    };
    await measure(
      async () => {
        const summary = await ingest(warehouse, {
          config,
          logger: silentLogger,
          files: [{path: file, displayPath: file, shop: "bench"}],
          refreshMarts: false,
          onProgress: (_file, next) => enter(next === "loading" ? "reading" : next),
        });
        enter("done");
        const result = summary.files[0]!;
        if (result.status !== "loaded") throw new Error(`ingest failed: ${result.message}`);
        return result.rows_loaded;
      },
      async () => {
        const start = performance.now();
        await ensureMartsFresh(warehouse, config);
        warehouse.close();
        return {phases, martsSeconds: (performance.now() - start) / 1000};
      },
    );
  } else if (mode === "floor") {
    let phases: Record<string, number> = {};
    await measure(
      async () => {
        const floor = await layersFloor(file, scratch);
        phases = floor.steps;
        return floor.rows;
      },
      async () => ({phases}),
    );
  } else throw new Error(`unknown child mode ${mode}`);
}

/**
 * The least an ingest that keeps the three layers the foundation issue asks for can take: the file
 * as text into a table (raw), that table typed into a second one (staging, with plain casts and no
 * cleaning, checks or normalizing), and a copy of that (core, with no merging of versions), in a
 * warehouse with our settings. An XLSX is first converted to CSV with our converter.
 */
async function layersFloor(
  file: string,
  scratch: string,
): Promise<{rows: number; steps: Record<string, number>}> {
  const {DuckDBInstance, quotedIdentifier, quotedString} = await import("@duckdb/node-api");
  const {detectKind, mapHeaders} = await import("../src/pipelines/ingest/headers.js");
  const {stagingColumn} = await import("../src/pipelines/ingest/sql.js");
  const {prepareSource} = await import("../src/pipelines/ingest/source.js");
  const steps: Record<string, number> = {};
  let since = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    steps[name] = (now - since) / 1000;
    since = now;
  };
  const source = await prepareSource(file, file, scratch);
  if (source.format === "xlsx") step("convert");
  const mapping = mapHeaders(detectKind(source.headers)!, source.headers);
  const instance = await DuckDBInstance.create(join(scratch, "floor.duckdb"), {
    memory_limit: "1536MB",
    checkpoint_threshold: "4GB",
  });
  const connection = await instance.connect();
  const columns = [
    ...(source.hasRowColumn ? [`'__source_row': 'BIGINT'`] : []),
    ...source.headers.map((_, i) => `'c${i}': 'VARCHAR'`),
  ];
  await connection.run(
    `create table raw as select * from read_csv(${quotedString(source.csvPath)}, columns = {${columns.join(", ")}},
       header = true, delim = ${quotedString(source.delimiter)}, quote = '"', escape = '"', auto_detect = false)`,
  );
  step("raw");
  const typed = mapping.columns.flatMap((spec, i) => {
    if (!spec || spec.type === "raw") return [];
    const {name, type} = stagingColumn(spec);
    const value = type === "varchar" ? `c${i}` : `try_cast(c${i} as ${type})`;
    return [`${value} as ${quotedIdentifier(name)}`];
  });
  await connection.run(`create table staging as select ${typed.join(", ")} from raw`);
  step("staging");
  await connection.run("create table core as select * from staging");
  step("core");
  await connection.run("checkpoint");
  step("checkpoint");
  const reader = await connection.runAndReadAll("select count(*)::integer from core");
  connection.closeSync();
  instance.closeSync();
  return {rows: Number(reader.getRows()[0]![0]), steps};
}

async function fresh(name: string): Promise<string> {
  const dir = join(outDir, name);
  await rm(dir, {recursive: true, force: true});
  await mkdir(dir, {recursive: true});
  return dir;
}

function line(label: string, m: Measurement): string {
  const rate = Math.round(m.rows / m.seconds).toLocaleString("en-US");
  return `  ${label.padEnd(34)} ${m.seconds.toFixed(2).padStart(7)} s  ${rate.padStart(10)} rows/s  peak ${Math.round(m.maxRssMb).toString().padStart(5)} MB`;
}

/** Where the ingest's time went, and the marts rebuild that follows it (not in the ratio). */
function breakdown(m: Measurement): string {
  const phases = Object.entries(m.phases ?? {})
    .filter(([, seconds]) => seconds >= 0.05)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(1)}`)
    .join(", ");
  return `    phases (s): ${phases}\n    then the marts rebuild (metrics issue, outside the ratio): ${(m.martsSeconds ?? 0).toFixed(1)} s`;
}

async function best(runs: number, fn: () => Promise<Measurement>): Promise<Measurement> {
  let result: Measurement | undefined;
  for (let i = 0; i < runs; i++) {
    const m = await fn();
    if (!result || m.seconds < result.seconds) result = m;
  }
  return result!;
}

async function main(): Promise<void> {
  const orders = argument("orders", 1_000_000);
  const afterSales = argument("after-sales", 200_000);
  const runs = argument("runs", 1);
  await mkdir(outDir, {recursive: true});
  const {writeScaleOrderCsv, writeScaleAfterSaleXlsx} = await import("../src/pipelines/sample/scale.js");
  const csv = join(outDir, `orders_${orders}.csv`);
  const xlsx = join(outDir, `after_sales_${afterSales}.xlsx`);
  if (!existsSync(csv)) {
    console.log(`generating ${csv} …`);
    await writeScaleOrderCsv(csv, orders);
  }
  if (!existsSync(xlsx)) {
    console.log(`generating ${xlsx} …`);
    await writeScaleAfterSaleXlsx(xlsx, afterSales);
  }

  console.log(`\nOrder CSV, ${orders.toLocaleString("en-US")} lines (best of ${runs})`);
  const bare = await best(runs, async () => child("duckdb-read-csv", csv, await fresh("baseline")));
  console.log(line("DuckDB read_csv → table (baseline)", bare));
  const ours = await best(runs, async () => child("returnscope-ingest", csv, await fresh("ingest-csv")));
  console.log(line("returnscope ingest", ours));
  console.log(breakdown(ours));
  const csvFloor = await best(runs, async () => child("floor", csv, await fresh("floor-csv")));
  console.log(floorLine(csvFloor, bare.seconds, "lower"));
  const csvRatio = ours.seconds / bare.seconds;
  console.log(
    `  ratio ingest / bare read: ${csvRatio.toFixed(2)}×  (target ≤ 1.50×: ${csvRatio <= 1.5 ? "met" : "NOT met"})`,
  );

  console.log(`\nAfter-sale XLSX, ${afterSales.toLocaleString("en-US")} rows (best of ${runs})`);
  const excel = await best(runs, async () => child("exceljs-stream", xlsx, await fresh("exceljs")));
  console.log(line("exceljs streaming reader (baseline)", excel));
  const oursXlsx = await best(runs, async () =>
    child("returnscope-ingest", xlsx, await fresh("ingest-xlsx")),
  );
  console.log(line("returnscope ingest", oursXlsx));
  console.log(breakdown(oursXlsx));
  const xlsxFloor = await best(runs, async () => child("floor", xlsx, await fresh("floor-xlsx")));
  console.log(floorLine(xlsxFloor, excel.seconds, "higher"));
  const xlsxRatio = excel.seconds / oursXlsx.seconds;
  console.log(
    `  speed-up over the reader alone: ${xlsxRatio.toFixed(2)}×  (target ≥ 3×: ${xlsxRatio >= 3 ? "met" : "NOT met"})`,
  );

  const peak = Math.max(ours.maxRssMb, oursXlsx.maxRssMb);
  console.log(
    `\nPeak memory of our ingest: ${Math.round(peak)} MB (target ≤ 2048 MB: ${peak <= 2048 ? "met" : "NOT met"})`,
  );
  await writeFile(
    join(outDir, "ingest.json"),
    JSON.stringify(
      {
        orders,
        afterSales,
        csv: {bare, ours, ratio: csvRatio, floor: csvFloor},
        xlsx: {exceljs: excel, ours: oursXlsx, speedup: xlsxRatio, floor: xlsxFloor},
      },
      null,
      2,
    ),
  );
  for (const dir of ["baseline", "ingest-csv", "floor-csv", "exceljs", "ingest-xlsx", "floor-xlsx"])
    await rm(join(outDir, dir), {recursive: true, force: true});
}

const childIndex = process.argv.indexOf("--child");
if (childIndex > 0) await runChild(process.argv[childIndex + 1]!, process.argv.slice(childIndex + 2));
else await main();
