// npm run bench:ingest — whole-ingest speed and memory against baselines measured in the same run.
//
// 1. A 1,000,000-line order CSV: Returnscope's ingest (hash, raw, checks, staging, current state)
//    against DuckDB's bare read_csv of the same file into a table. Target: ≤ 1.5× the bare read.
//    The marts rebuild that `returnscope ingest` runs next (the metrics issue's work, with its own
//    benchmark, npm run bench) is timed apart and printed beside it; peak memory covers both.
// 2. A 200,000-row after-sale XLSX: Returnscope's ingest against the exceljs streaming reader
//    merely reading the same file. Target: ours ≥ 3× faster than that reader alone.
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
  /** Returnscope's ingest only: seconds per load phase, and the marts rebuilt afterwards. */
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
  } else throw new Error(`unknown child mode ${mode}`);
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
        csv: {bare, ours, ratio: csvRatio},
        xlsx: {exceljs: excel, ours: oursXlsx, speedup: xlsxRatio},
      },
      null,
      2,
    ),
  );
  for (const dir of ["baseline", "ingest-csv", "exceljs", "ingest-xlsx"])
    await rm(join(outDir, dir), {recursive: true, force: true});
}

const childIndex = process.argv.indexOf("--child");
if (childIndex > 0) await runChild(process.argv[childIndex + 1]!, process.argv.slice(childIndex + 2));
else await main();
