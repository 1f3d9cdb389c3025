/**
 * Backtest of the cohort forecast (marts/cohort_maturity.sql): cut the warehouse at past dates,
 * rebuild the curve and the forecast from what was known at each cut with the very same models,
 * and compare each cohort that was immature then and is mature now with the rate it actually
 * reached. Nothing in the caller's warehouse changes: every build happens in an attached in-memory
 * database. Method and measured results: docs/metrics.md §7.
 *
 * Known at a cut D (the whole Beijing day D included): 子订单 paid (or, lacking a payment time,
 * submitted) by D, shipped if 发货时间 is by D (a shipped 子订单 without 发货时间 counts as shipped);
 * after-sales applied by D, and an after-sale that is closed now but closed after D was still open
 * at D (a closed one without a close time is taken as closed already). Event times after D are
 * removed, so that the as-of date of the cut warehouse is D.
 */
import {quotedIdentifier} from "@duckdb/node-api";
import {PipelineError} from "../errors.js";
import {readModel, type Warehouse} from "../warehouse.js";
import {MATURITY_MODELS, maturitySettings, writeMaturitySettings, type MaturityOptions} from "./maturity.js";

export type BacktestLevel = "shop-day" | "shop-week" | "shop-category-week";
export const BACKTEST_LEVELS: readonly BacktestLevel[] = ["shop-day", "shop-week", "shop-category-week"];

export interface BacktestOptions extends MaturityOptions {
  /** Cut dates (YYYY-MM-DD); by default every `stepDays` back from the latest as-of date. */
  cuts?: readonly string[];
  stepDays?: number;
  maxCuts?: number;
  /** A default cut needs this many days of cohorts before it (default: the horizon). */
  minHistoryDays?: number;
}

/** Errors in rate points (percentage points): forecast rate − actual rate, × 100. */
export interface MethodError {
  /** Cohorts the method gave a value for. */
  cohorts: number;
  meanAbsoluteError: number | null;
  /** Mean of forecast − actual: above 0, the method forecasts too high. */
  meanError: number | null;
}

export interface ErrorSummary {
  cohorts: number;
  /** The published forecast (Bornhuetter–Ferguson), with its 95% interval's coverage. */
  forecast: MethodError & {coverage: number | null; meanIntervalWidth: number | null};
  /**
   * The plain completion factor, kept ÷ F, undefined where F = 0; beside it the published forecast's
   * error on the same cohorts, for a like-for-like comparison.
   */
  chainLadder: MethodError & {forecastMeanAbsoluteError: number | null};
  /** No forecast at all: the rate observed at the cut. */
  observed: MethodError;
}

export interface BacktestCohort {
  level: BacktestLevel;
  cut: string;
  shopId: string;
  category: string | null;
  /** Cohort date (shop-day) or ISO week (the weeks' days up to the cut). */
  cohort: string;
  /** Days from the cohort's latest day to the cut. */
  ageDays: number;
  shippedUnits: number;
  observedRate: number;
  forecastRate: number;
  forecastRateLow: number;
  forecastRateHigh: number;
  chainLadderRate: number | null;
  actualRate: number;
}

export interface LevelResult {
  overall: ErrorSummary;
  byCut: (ErrorSummary & {cut: string})[];
  byAge: (ErrorSummary & {ages: string})[];
}

export interface BacktestResult {
  /** Latest as-of date of the warehouse ("now"). */
  asOf: string;
  cuts: string[];
  levels: Record<BacktestLevel, LevelResult>;
  cohorts: BacktestCohort[];
}

interface MaturityRow {
  shopId: string;
  category: string | null;
  cohortDate: string;
  isMature: boolean;
  shippedUnits: number;
  returnedUnits: number;
  openReturnedUnits: number;
  forecastUnits: number;
  chainLadderUnits: number | null;
  processVariance: number;
  remainingExposure: number;
  rateVariance: number;
}

const CUT_DATABASE = "returnscope_backtest";
const Z = 1.959964;
const AGE_BUCKETS: readonly [string, number, number][] = [
  ["0–6", 0, 6],
  ["7–13", 7, 13],
  ["14–20", 14, 20],
  ["21–27", 21, 27],
  ["28+", 28, Infinity],
];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export async function backtestForecast(
  warehouse: Warehouse,
  options: BacktestOptions = {},
): Promise<BacktestResult> {
  const {cuts: givenCuts, stepDays = 7, maxCuts = 8, minHistoryDays, ...maturity} = options;
  const settings = maturitySettings(maturity);
  for (const [name, value] of Object.entries({stepDays, maxCuts, minHistoryDays: minHistoryDays ?? 0}))
    if (!Number.isInteger(value) || value < (name === "minHistoryDays" ? 0 : 1))
      throw new PipelineError(
        `backtest: ${name} must be a whole number >= ${name === "minHistoryDays" ? 0 : 1}: ${value}`,
      );
  for (const cut of givenCuts ?? [])
    if (!DATE.test(cut) || addDays(cut, 0) !== cut)
      throw new PipelineError(`backtest: a cut must be a date YYYY-MM-DD: ${JSON.stringify(cut)}`);

  const main = quotedIdentifier(String((await warehouse.one("select current_database() as db"))?.db));
  const span = await warehouse.one(
    `select
        greatest(
            max(greatest(created_at, paid_at, shipped_at, completed_at)),
            (select max(greatest(applied_at, approved_at, return_shipped_at, refunded_at,
                refund_arrived_at, closed_at, finalized_at)) from core.after_sales)
        )::date::varchar as as_of,
        min(coalesce(paid_at, created_at))::date::varchar as first_cohort
     from core.order_lines`,
  );
  const asOf = span?.as_of;
  const firstCohort = span?.first_cohort;
  if (typeof asOf !== "string" || typeof firstCohort !== "string")
    throw new PipelineError("backtest: the warehouse has no orders");

  const history = minHistoryDays ?? settings.horizonDays;
  const cuts = givenCuts
    ? [...givenCuts].sort()
    : Array.from({length: maxCuts}, (_, i) => addDays(asOf, -stepDays * (i + 1)))
        .filter((cut) => daysBetween(firstCohort, cut) >= history)
        .sort();

  await warehouse.run(`attach ':memory:' as ${CUT_DATABASE} (read_only false)`);
  try {
    const build = async (cut: string) => {
      await warehouse.run(`use ${CUT_DATABASE}`);
      try {
        await buildAsOf(warehouse, main, cut);
        await writeMaturitySettings(warehouse, settings);
        await warehouse.run(await readModel("intermediate/int_order_line_returns.sql"));
        for (const model of MATURITY_MODELS) await warehouse.run(await readModel(model));
        return await readMaturity(warehouse);
      } finally {
        await warehouse.run(`use ${main}`);
      }
    };
    // "Now" is built the same way, cut at the latest date, so that it uses the same settings.
    const now = new Map((await build(asOf)).map((row) => [rowKey(row), row]));
    const cohorts: BacktestCohort[] = [];
    for (const cut of cuts) {
      const atCut = await build(cut);
      for (const level of BACKTEST_LEVELS) cohorts.push(...evaluate(level, cut, atCut, now));
    }
    const levels = Object.fromEntries(
      BACKTEST_LEVELS.map((level) => [level, summarizeLevel(cohorts.filter((c) => c.level === level))]),
    ) as Record<BacktestLevel, LevelResult>;
    return {asOf, cuts, levels, cohorts};
  } finally {
    await warehouse.run(`detach ${CUT_DATABASE}`);
  }
}

// The columns of core that intermediate/int_order_line_returns.sql and the maturity models read:
// copying only these keeps a cut small, and a model that starts reading another fails loudly here.
const ORDER_LINE_COLUMNS = [
  "order_item_id",
  "order_id",
  "shop_id",
  "category",
  "quantity",
  "created_at",
  "paid_at",
  "shipped_at",
  "completed_at",
  "is_shipped",
];
const AFTER_SALE_COLUMNS = [
  "after_sale_id",
  "order_item_id",
  "shop_id",
  "after_sale_type",
  "after_sale_status_group",
  "applied_at",
  "approved_at",
  "return_shipped_at",
  "refunded_at",
  "refund_arrived_at",
  "closed_at",
  "finalized_at",
  "reason_group",
  "reason_text",
  "reason_raw",
];
const LATER_EVENTS = [
  "approved_at",
  "return_shipped_at",
  "refunded_at",
  "refund_arrived_at",
  "closed_at",
  "finalized_at",
];

/** Core as it was known at the end of `cut`, in the current (attached) database. */
async function buildAsOf(warehouse: Warehouse, main: string, cut: string): Promise<void> {
  const end = `(date '${cut}' + interval 1 day)`;
  const before = (column: string) => `case when ${column} < ${end} then ${column} end as ${column}`;
  await warehouse.run(`
    create schema if not exists core;
    create schema if not exists meta;
    create schema if not exists intermediate;
    create schema if not exists marts;
    create or replace table meta.settings (key varchar primary key, value varchar not null);
    create or replace table core.order_lines as
    select * replace (
        ${before("shipped_at")},
        ${before("completed_at")},
        coalesce(shipped_at < ${end}, is_shipped) as is_shipped
    )
    from (select ${ORDER_LINE_COLUMNS.join(", ")} from ${main}.core.order_lines)
    where coalesce(paid_at, created_at) < ${end};
    create or replace table core.after_sales as
    select * replace (
        ${LATER_EVENTS.map(before).join(",\n        ")},
        case
            when after_sale_status_group in ('closed', 'failed', 'rejected', 'cancelled')
                and coalesce(closed_at, finalized_at) >= ${end}
                then 'in_progress'
            when after_sale_status_group = 'succeeded'
                and coalesce(finalized_at, refunded_at, refund_arrived_at) >= ${end}
                then 'in_progress'
            else after_sale_status_group
        end as after_sale_status_group
    )
    from (select ${AFTER_SALE_COLUMNS.join(", ")} from ${main}.core.after_sales)
    where applied_at < ${end};
  `);
}

async function readMaturity(warehouse: Warehouse): Promise<MaturityRow[]> {
  const rows = await warehouse.all(`
    select
        shop_id, category, cohort_date::varchar as cohort_date, is_mature,
        shipped_units::double as shipped_units, returned_units::double as returned_units,
        open_returned_units::double as open_returned_units,
        forecast_returned_units, chain_ladder_returned_units, process_variance_units,
        remaining_exposure_units, expected_return_rate_variance
    from marts.cohort_maturity`);
  return rows.map((r) => ({
    shopId: String(r.shop_id),
    category: r.category === null ? null : String(r.category),
    cohortDate: String(r.cohort_date),
    isMature: r.is_mature === true,
    shippedUnits: Number(r.shipped_units),
    returnedUnits: Number(r.returned_units),
    openReturnedUnits: Number(r.open_returned_units),
    forecastUnits: Number(r.forecast_returned_units),
    chainLadderUnits: r.chain_ladder_returned_units === null ? null : Number(r.chain_ladder_returned_units),
    processVariance: Number(r.process_variance_units),
    remainingExposure: Number(r.remaining_exposure_units),
    rateVariance: Number(r.expected_return_rate_variance),
  }));
}

const rowKey = (row: MaturityRow) => JSON.stringify([row.shopId, row.category, row.cohortDate]);

/** The evaluated cohorts of one level at one cut: immature at the cut, every day of them mature now. */
function evaluate(
  level: BacktestLevel,
  cut: string,
  atCut: readonly MaturityRow[],
  now: ReadonlyMap<string, MaturityRow>,
): BacktestCohort[] {
  const units = new Map<
    string,
    {shopId: string; category: string | null; cohort: string; rows: MaturityRow[]}
  >();
  for (const row of atCut) {
    const cohort = level === "shop-day" ? row.cohortDate : isoWeek(row.cohortDate);
    const category = level === "shop-category-week" ? row.category : null;
    const key = JSON.stringify([row.shopId, category, cohort]);
    const unit = units.get(key) ?? {shopId: row.shopId, category, cohort, rows: []};
    unit.rows.push(row);
    units.set(key, unit);
  }
  const result: BacktestCohort[] = [];
  for (const unit of units.values()) {
    const later = unit.rows.map((row) => now.get(rowKey(row)));
    if (unit.rows.every((row) => row.isMature)) continue;
    if (!later.every((row) => row?.isMature)) continue;
    const sum = (rows: readonly (MaturityRow | undefined)[], f: (row: MaturityRow) => number) =>
      rows.reduce((total, row) => total + (row ? f(row) : 0), 0);
    const shipped = sum(unit.rows, (r) => r.shippedUnits);
    const shippedNow = sum(later, (r) => r.shippedUnits);
    if (shipped === 0 || shippedNow === 0) continue;
    const forecast = sum(unit.rows, (r) => r.forecastUnits);
    const observed = sum(unit.rows, (r) => r.returnedUnits);
    const settled = observed - sum(unit.rows, (r) => r.openReturnedUnits);
    // Rows of one (shop, category) share their expected rate, so its uncertainty adds up linearly.
    const exposureByGroup = new Map<string, {exposure: number; variance: number}>();
    for (const row of unit.rows) {
      const key = JSON.stringify([row.shopId, row.category]);
      const group = exposureByGroup.get(key) ?? {exposure: 0, variance: row.rateVariance};
      group.exposure += row.remainingExposure;
      exposureByGroup.set(key, group);
    }
    const variance =
      sum(unit.rows, (r) => r.processVariance) +
      [...exposureByGroup.values()].reduce((total, g) => total + g.exposure ** 2 * g.variance, 0);
    const chainLadder = unit.rows.every((r) => r.chainLadderUnits !== null)
      ? sum(unit.rows, (r) => r.chainLadderUnits ?? 0)
      : null;
    const latest = unit.rows.reduce((max, r) => (r.cohortDate > max ? r.cohortDate : max), "");
    result.push({
      level,
      cut,
      shopId: unit.shopId,
      category: unit.category,
      cohort: unit.cohort,
      ageDays: daysBetween(latest, cut),
      shippedUnits: shipped,
      observedRate: observed / shipped,
      forecastRate: forecast / shipped,
      // As in the mart: never below the settled returns, never above the shipped units.
      forecastRateLow: Math.max(settled, forecast - Z * Math.sqrt(variance)) / shipped,
      forecastRateHigh: Math.min(shipped, forecast + Z * Math.sqrt(variance)) / shipped,
      chainLadderRate: chainLadder === null ? null : chainLadder / shipped,
      actualRate: sum(later, (r) => r.returnedUnits) / shippedNow,
    });
  }
  return result.sort((a, b) => a.shopId.localeCompare(b.shopId) || a.cohort.localeCompare(b.cohort));
}

function summarizeLevel(cohorts: readonly BacktestCohort[]): LevelResult {
  const cuts = [...new Set(cohorts.map((c) => c.cut))].sort();
  return {
    overall: summarize(cohorts),
    byCut: cuts.map((cut) => ({cut, ...summarize(cohorts.filter((c) => c.cut === cut))})),
    byAge: AGE_BUCKETS.map(([ages, min, max]) => ({
      ages,
      ...summarize(cohorts.filter((c) => c.ageDays >= min && c.ageDays <= max)),
    })),
  };
}

function summarize(cohorts: readonly BacktestCohort[]): ErrorSummary {
  const covered = cohorts.filter(
    (c) => c.forecastRateLow <= c.actualRate && c.actualRate <= c.forecastRateHigh,
  );
  const widths = cohorts.map((c) => (c.forecastRateHigh - c.forecastRateLow) * 100);
  return {
    cohorts: cohorts.length,
    forecast: {
      ...methodError(cohorts.map((c) => c.forecastRate - c.actualRate)),
      coverage: cohorts.length ? covered.length / cohorts.length : null,
      meanIntervalWidth: mean(widths),
    },
    chainLadder: {
      ...methodError(
        cohorts.flatMap((c) => (c.chainLadderRate === null ? [] : [c.chainLadderRate - c.actualRate])),
      ),
      forecastMeanAbsoluteError: methodError(
        cohorts.flatMap((c) => (c.chainLadderRate === null ? [] : [c.forecastRate - c.actualRate])),
      ).meanAbsoluteError,
    },
    observed: methodError(cohorts.map((c) => c.observedRate - c.actualRate)),
  };
}

function methodError(errors: readonly number[]): MethodError {
  const points = errors.map((e) => e * 100);
  return {
    cohorts: points.length,
    meanAbsoluteError: mean(points.map(Math.abs)),
    meanError: mean(points),
  };
}

function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

const DAY_MS = 86_400_000;
const toDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const daysBetween = (from: string, to: string) => Math.round(toDay(to) - toDay(from));
const addDays = (date: string, days: number) =>
  new Date((toDay(date) + days) * DAY_MS).toISOString().slice(0, 10);

/** ISO week of a date, e.g. 2026-W47 (as the week dimension of the metrics writes it). */
export function isoWeek(date: string): string {
  const day = toDay(date);
  const weekday = (((day + 3) % 7) + 7) % 7; // 0 = Monday (1970-01-01 was a Thursday)
  const thursday = day - weekday + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const week = Math.floor((thursday - toDay(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
