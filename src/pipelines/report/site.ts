/**
 * The weekly reports on the dashboard: which weeks get a page (observablehq.config.ts dynamicPaths),
 * and the two data loaders of src/reports/ — one week's report ([week].json.ts) and the list of
 * recent weeks (weeks.json.ts). All read the warehouse read-only, after the build refreshed it.
 */
import {existsSync} from "node:fs";
import {PipelineError, errorMessage} from "../errors.js";
import {martsExist} from "../metrics/refresh.js";
import {warehousePath, type LoaderIo} from "../site/loader.js";
import {Warehouse} from "../warehouse.js";
import {buildReportData} from "./data.js";
import {trendOf, weeklyRows, weeksUpTo} from "./figures.js";
import {REPORT_CSS, renderReportBody} from "./html.js";
import {reportQuery} from "./queries.js";
import {renderText} from "./text.js";
import {lastWeekEndingBy, parseWeek, type IsoWeek} from "./week.js";

/** How many of the latest complete weeks get a page of their own (default DEFAULT_REPORT_PAGES). */
export const REPORT_PAGES_ENV = "RETURNSCOPE_REPORT_PAGES";
export const DEFAULT_REPORT_PAGES = 4;
/** Weeks listed on /reports/. */
export const INDEX_WEEKS = 12;

export function reportPageCount(env: Record<string, string | undefined>): number {
  const value = env[REPORT_PAGES_ENV];
  if (value === undefined || value === "") return DEFAULT_REPORT_PAGES;
  if (!/^\d+$/.test(value))
    throw new PipelineError(`${REPORT_PAGES_ENV} must be a whole number >= 0: ${JSON.stringify(value)}`);
  return Number(value);
}

/** The last complete week of the data: the last week whose Sunday the latest cohort date reaches. */
export async function lastReportWeek(
  warehouse: Warehouse,
  shop: string | null = null,
): Promise<IsoWeek | null> {
  const shops = await reportQuery(warehouse, "data_range", {shop: shop ?? ""});
  const last = shops
    .map((s) => String(s.last_cohort_date))
    .reduce<string | null>((a, b) => (a && a > b ? a : b), null);
  return last === null ? null : lastWeekEndingBy(last);
}

/** Complete weeks with orders, newest first: at most `limit`, up to the last complete one. */
export async function reportWeeks(
  warehouse: Warehouse,
  limit: number,
  shop: string | null = null,
): Promise<IsoWeek[]> {
  const last = await lastReportWeek(warehouse, shop);
  if (!last || limit <= 0) return [];
  const weeks = weeksUpTo(last, limit);
  const rows = await reportQuery(warehouse, "rates_weekly", {
    from: weeks[0]!.start,
    to: last.start,
    shop: shop ?? "",
  });
  const withData = new Set(rows.map((r) => String(r.week_start)));
  return weeks.filter((w) => withData.has(w.start)).reverse();
}

async function openReadOnly(path: string): Promise<Warehouse | null> {
  if (!existsSync(path)) return null;
  const warehouse = await Warehouse.open(path, {readOnly: true});
  if (await martsExist(warehouse)) return warehouse;
  warehouse.close();
  return null;
}

/** The pages of the weekly reports: /reports/<week> for the latest complete weeks; none without a warehouse or marts. */
export async function reportPagePaths(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): Promise<string[]> {
  const limit = reportPageCount(env);
  const warehouse = await openReadOnly(warehousePath(env, cwd));
  if (!warehouse) return [];
  try {
    return (await reportWeeks(warehouse, limit)).map((w) => `/reports/${w.week}`);
  } finally {
    warehouse.close();
  }
}

/** observablehq.config.ts dynamicPaths (Framework iterates what the function returns). */
export async function* dynamicReportPaths(
  env: Record<string, string | undefined> = process.env,
): AsyncGenerator<string> {
  yield* await reportPagePaths(env);
}

const processIo: LoaderIo = {
  env: process.env,
  write: (text) => void process.stdout.write(text),
  fail: (message) => {
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  },
};

async function emit(
  name: string,
  io: LoaderIo,
  fn: (warehouse: Warehouse) => Promise<unknown>,
): Promise<void> {
  try {
    const path = warehousePath(io.env);
    if (!existsSync(path))
      throw new PipelineError(
        `no warehouse at ${path}: run \`returnscope demo\` or \`returnscope ingest\` first`,
      );
    const warehouse = await Warehouse.open(path, {readOnly: true});
    try {
      io.write(JSON.stringify(await fn(warehouse)));
    } finally {
      warehouse.close();
    }
  } catch (error) {
    io.fail(`data loader ${name}: ${errorMessage(error)}`);
  }
}

/** The week a parameterized loader was called for: Framework passes `--week=2026-W47`. */
export function weekArgument(argv: readonly string[]): IsoWeek {
  const arg = argv.find((a) => a.startsWith("--week="));
  if (!arg)
    throw new PipelineError(`expected --week=YYYY-Www, got ${JSON.stringify(argv.slice(2).join(" "))}`);
  return parseWeek(arg.slice("--week=".length));
}

/** src/reports/[week].json.ts: the report of one week, as the HTML the page shows and as data. */
export async function emitReportWeek(argv: readonly string[] = process.argv, io = processIo): Promise<void> {
  await emit("reports/[week]", io, async (warehouse) => {
    const data = await buildReportData(warehouse, weekArgument(argv));
    return {
      week: data.week.week,
      title: data.title,
      css: REPORT_CSS,
      html: renderReportBody(data),
      text: renderText(data),
      data,
    };
  });
}

/** src/reports/weeks.json.ts: the latest complete weeks, newest first, with their headline figures. */
export async function emitReportIndex(io = processIo): Promise<void> {
  await emit("reports/weeks", io, async (warehouse) => {
    const paged = new Set((await reportWeeks(warehouse, reportPageCount(io.env))).map((w) => w.week));
    const last = await lastReportWeek(warehouse);
    if (!last) return {weeks: []};
    const weeks = weeksUpTo(last, INDEX_WEEKS);
    const rows = await weeklyRows(warehouse, weeks[0]!, last, null);
    return {
      weeks: trendOf(rows, weeks)
        .filter((point) => point.weeksWithData > 0)
        .reverse()
        .map((point) => ({
          week: point.week,
          start: point.start,
          has_page: paged.has(point.week),
          paid_orders: point.paidOrders,
          shipped_units: point.shippedUnits,
          returned_units: point.returnedUnits,
          unit_return_rate: point.unitReturnRate,
          forecast_rate: point.forecast?.rate ?? null,
          forecast_rate_low: point.forecast?.rateLow ?? null,
          forecast_rate_high: point.forecast?.rateHigh ?? null,
          is_mature: point.forecast?.isMature ?? null,
          refund_amount: point.refundAmount,
          logistics_cost_amount: point.logisticsCostAmount,
          loss_amount: point.lossAmount,
        })),
    };
  });
}
