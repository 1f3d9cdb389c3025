// node --import tsx bench/forecast.ts — how well the cohort forecast (marts/cohort_maturity.sql)
// predicts final return rates, measured by the backtest (src/pipelines/metrics/backtest.ts) on the
// demo sample at its default size and at 60,000 order lines.
//
// For each size: generate the sample, ingest it, build the marts, backtest every 7 days back from
// the as-of date where 60 days of history exist, and print the error of the published forecast
// (Bornhuetter–Ferguson), of the plain completion factor and of no forecast at all (the rate observed
// at the cut), in rate points, with the 95% interval's coverage. Results go to bench/out/forecast.json.
// Options: --orders N[,N…] (default: the sample's default and 60000), --keep (keep the scratch dirs).
import {mkdir, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {defaultConfig} from "../src/pipelines/config.js";
import {ingest} from "../src/pipelines/ingest/ingest.js";
import {silentLogger} from "../src/pipelines/logger.js";
import {
  backtestForecast,
  BACKTEST_LEVELS,
  type BacktestResult,
  type ErrorSummary,
} from "../src/pipelines/metrics/backtest.js";
import {MATURITY_MODELS} from "../src/pipelines/metrics/maturity.js";
import {MART_MODELS, refreshMarts} from "../src/pipelines/metrics/refresh.js";
import {generateSample, SAMPLE_DEFAULTS} from "../src/pipelines/sample/generate.js";
import {readModel, Warehouse} from "../src/pipelines/warehouse.js";

const outDir = fileURLToPath(new URL("./out/", import.meta.url));

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const seconds = (start: number) => (performance.now() - start) / 1000;
const points = (value: number | null, signed = false) =>
  value === null ? "    -" : `${signed && value >= 0 ? "+" : ""}${value.toFixed(2)}`.padStart(6);
const share = (value: number | null) => (value === null ? "   -" : `${Math.round(value * 100)}%`.padStart(4));

function row(label: string, s: ErrorSummary): string {
  return [
    label.padEnd(15),
    String(s.cohorts).padStart(5),
    points(s.forecast.meanAbsoluteError),
    points(s.forecast.meanError, true),
    share(s.forecast.coverage),
    points(s.forecast.meanIntervalWidth),
    "  │",
    points(s.chainLadder.meanAbsoluteError),
    points(s.chainLadder.forecastMeanAbsoluteError),
    String(s.chainLadder.cohorts).padStart(5),
    "  │",
    points(s.observed.meanAbsoluteError),
    points(s.observed.meanError, true),
  ].join(" ");
}

const HEADER =
  `${"".padEnd(15)} ${"n".padStart(5)} ${"MAE".padStart(6)} ${"bias".padStart(6)} ${"cov".padStart(4)} ${"width".padStart(6)}   │` +
  ` ${"CL MAE".padStart(6)} ${"BF MAE".padStart(6)} ${"n".padStart(5)}   │ ${"MAE".padStart(6)} ${"bias".padStart(6)}\n` +
  `${"".padEnd(15)} ${"forecast (Bornhuetter–Ferguson)".padEnd(34)}│ completion factor vs BF │ observed at cut`;

function print(result: BacktestResult): void {
  console.log(`  as of ${result.asOf}; cuts ${result.cuts.join(", ")}`);
  console.log(
    "  errors in rate points (forecast − actual); cov = share of actual rates inside the 95% interval",
  );
  for (const level of BACKTEST_LEVELS) {
    const {overall, byAge, byCut} = result.levels[level];
    console.log(`\n  ${level}\n${HEADER.replace(/^/gm, "  ")}`);
    console.log(`  ${row("all", overall)}`);
    for (const bucket of byAge) console.log(`  ${row(`age ${bucket.ages}`, bucket)}`);
    if (level === "shop-week") for (const cut of byCut) console.log(`  ${row(`cut ${cut.cut}`, cut)}`);
  }
}

async function run(orders: number, keep: boolean) {
  const dir = join(outDir, `forecast-${orders}`);
  await rm(dir, {recursive: true, force: true});
  await mkdir(dir, {recursive: true});
  let start = performance.now();
  const sample = await generateSample({outDir: dir, orders});
  const generateSeconds = seconds(start);
  const config = {...defaultConfig(), warehouse: join(dir, "warehouse.duckdb"), inbox: join(dir, "inbox")};
  const warehouse = await Warehouse.open(config.warehouse);
  try {
    start = performance.now();
    const summary = await ingest(warehouse, {config, logger: silentLogger});
    if (summary.failed > 0) throw new Error(`ingest of the sample failed: ${JSON.stringify(summary.files)}`);
    const ingestSeconds = seconds(start);
    start = performance.now();
    await refreshMarts(warehouse);
    // Until the maturity marts are in MART_MODELS, build them here.
    for (const model of MATURITY_MODELS)
      if (!MART_MODELS.includes(model)) await warehouse.run(await readModel(model));
    const martSeconds = seconds(start);
    start = performance.now();
    const result = await backtestForecast(warehouse);
    const backtestSeconds = seconds(start);
    console.log(
      `\nDemo sample, ${orders.toLocaleString("en-US")} order lines, ${sample.afterSales.toLocaleString("en-US")} after-sales` +
        ` (generate ${generateSeconds.toFixed(1)} s, ingest ${ingestSeconds.toFixed(1)} s,` +
        ` marts ${martSeconds.toFixed(1)} s, backtest ${backtestSeconds.toFixed(1)} s)`,
    );
    print(result);
    const {cohorts: _cohorts, ...summaryOnly} = result;
    return {orders, afterSales: sample.afterSales, backtestSeconds, ...summaryOnly};
  } finally {
    warehouse.close();
    if (!keep) await rm(dir, {recursive: true, force: true});
  }
}

const sizes = (option("orders") ?? `${SAMPLE_DEFAULTS.orders},60000`).split(",").map(Number);
for (const size of sizes)
  if (!Number.isInteger(size) || size < 10)
    throw new Error(`--orders: expected whole numbers >= 10, got ${size}`);
await mkdir(outDir, {recursive: true});
const results = [];
for (const size of sizes) results.push(await run(size, process.argv.includes("--keep")));
await writeFile(join(outDir, "forecast.json"), `${JSON.stringify(results, null, 2)}\n`);
