/**
 * The overview's arithmetic, kept free of the DOM so that tests can check it: filtering the weekly
 * loader rows, summing them (every measure is additive; a rate is Σ numerator ÷ Σ denominator) and
 * the week-over-week and four-week comparisons of the KPI cards.
 */
import {ALL, type Choice} from "./controls.js";
import {formatDelta, formatNumber, formatPercent, formatYuan, type Delta, type DeltaKind} from "./format.js";

/** src/data/return_rates_daily.json: one row per (week_start, shop_id, category, channel). */
export interface RateWeek {
  week_start: string;
  week: string;
  week_days: number;
  shop_id: string;
  category: string | null;
  channel: string | null;
  paid_orders: number;
  shipped_orders: number;
  shipped_units: number;
  returned_orders: number;
  returned_units: number;
}

/** src/data/return_costs.json (null while the warehouse has no marts.return_costs). */
export interface CostWeek {
  week_start: string;
  shop_id: string;
  category: string | null;
  channel: string | null;
  gmv_amount: number;
  refund_goods_amount: number;
  logistics_cost_amount: number;
  loss_amount: number;
  total_cost_amount: number;
}

/** src/data/cohort_maturity.json: by week, for one shop or all (all_shops), one category or all. */
export interface MaturityWeek {
  week_start: string;
  week: string;
  shop_id: string | null;
  category: string | null;
  all_shops: boolean;
  all_categories: boolean;
  shipped_units: number;
  returned_units: number;
  is_mature: boolean;
  completion_share: number | null;
  observed_rate: number | null;
  forecast_rate: number | null;
  forecast_rate_low: number | null;
  forecast_rate_high: number | null;
}

export interface Filters {
  shop: Choice<string>;
  category: Choice<string | null>;
  channel: Choice<string | null>;
  /** First and last cohort week (week_start, a Monday), inclusive. */
  from: string;
  to: string;
}

export interface WeekInfo {
  week_start: string;
  week: string;
  week_days: number;
}

const chosen = <T>(choice: Choice<T>, value: T) => choice === ALL || choice === value;

/** Rows of the chosen shop, category and channel (any week). */
export function filterDimensions<
  R extends {shop_id: string; category: string | null; channel: string | null},
>(rows: readonly R[], filters: Pick<Filters, "shop" | "category" | "channel">): R[] {
  return rows.filter(
    (row) =>
      chosen(filters.shop, row.shop_id) &&
      chosen(filters.category, row.category) &&
      chosen(filters.channel, row.channel),
  );
}

/** The rows of cohort_maturity.json that stand for exactly the chosen shop and category. */
export function maturityFor(
  rows: readonly MaturityWeek[],
  filters: Pick<Filters, "shop" | "category">,
): MaturityWeek[] {
  return rows.filter(
    (row) =>
      (filters.shop === ALL ? row.all_shops : !row.all_shops && row.shop_id === filters.shop) &&
      (filters.category === ALL
        ? row.all_categories
        : !row.all_categories && row.category === filters.category),
  );
}

/** The distinct weeks of the rows, oldest first. */
export function weeksOf(rows: readonly WeekInfo[]): WeekInfo[] {
  const byStart = new Map<string, WeekInfo>();
  for (const {week_start, week, week_days} of rows) {
    const known = byStart.get(week_start);
    if (!known || week_days > known.week_days) byStart.set(week_start, {week_start, week, week_days});
  }
  return [...byStart.values()].sort((a, b) => a.week_start.localeCompare(b.week_start));
}

/** The week the KPI cards show by default: the last complete week (the last week when none is). */
export function defaultWeek(weeks: readonly WeekInfo[]): WeekInfo | undefined {
  return [...weeks].reverse().find((week) => week.week_days === 7) ?? weeks[weeks.length - 1];
}

/** The Monday `n` weeks before (negative: after) the Monday `weekStart`, as YYYY-MM-DD. */
export function shiftWeek(weekStart: string, n: number): string {
  const time = new Date(`${weekStart}T00:00:00Z`).getTime() - n * 7 * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

/** Sums the numeric fields `keys` of the rows whose week_start is in `weekStarts`. */
export function sumWeeks<R extends {week_start: string}, K extends keyof R & string>(
  rows: readonly R[],
  keys: readonly K[],
  weekStarts: ReadonlySet<string>,
): Record<K, number> {
  const totals = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const row of rows) {
    if (!weekStarts.has(row.week_start)) continue;
    for (const key of keys) totals[key] += Number(row[key]) || 0;
  }
  return totals;
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

export interface Kpi {
  key: string;
  label: string;
  sublabel: string;
  value: number | null;
  text: string;
  /** Week over week, and the four weeks up to the anchor against the four before. */
  weekOverWeek: Delta;
  fourWeeks: Delta;
  /** Whether a rise is bad news (return rate, costs): the delta is coloured accordingly. */
  riseIsBad: boolean;
  /** A line under the deltas (the forecast of an immature week's return rate). */
  note?: string;
}

interface KpiSpec<R> {
  key: string;
  label: string;
  sublabel: string;
  kind: DeltaKind;
  riseIsBad: boolean;
  measure: (totals: R) => number | null;
  format: (value: number | null) => string;
}

const weekSet = (anchor: string, from: number, count: number) =>
  new Set(Array.from({length: count}, (_, i) => shiftWeek(anchor, from + i)));

/** Current week, the week before, the four weeks up to the anchor and the four before them. */
function periods(anchor: string) {
  return {
    current: weekSet(anchor, 0, 1),
    previous: weekSet(anchor, 1, 1),
    last4: weekSet(anchor, 0, 4),
    prior4: weekSet(anchor, 4, 4),
  };
}

function kpisOf<R extends {week_start: string}, K extends keyof R & string>(
  rows: readonly R[],
  keys: readonly K[],
  anchor: string,
  specs: readonly KpiSpec<Record<K, number>>[],
): Kpi[] {
  const p = periods(anchor);
  const totals = {
    current: sumWeeks(rows, keys, p.current),
    previous: sumWeeks(rows, keys, p.previous),
    last4: sumWeeks(rows, keys, p.last4),
    prior4: sumWeeks(rows, keys, p.prior4),
  };
  return specs.map((spec) => {
    const value = spec.measure(totals.current);
    return {
      key: spec.key,
      label: spec.label,
      sublabel: spec.sublabel,
      value,
      text: spec.format(value),
      weekOverWeek: formatDelta(value, spec.measure(totals.previous), spec.kind),
      fourWeeks: formatDelta(spec.measure(totals.last4), spec.measure(totals.prior4), spec.kind),
      riseIsBad: spec.riseIsBad,
    };
  });
}

const RATE_KEYS = ["paid_orders", "shipped_units", "returned_units"] as const;
const COST_KEYS = [
  "gmv_amount",
  "refund_goods_amount",
  "logistics_cost_amount",
  "loss_amount",
  "total_cost_amount",
] as const;

/** Orders and the unit return rate of the anchor week, from return_rates_daily.json rows. */
export function rateKpis(rows: readonly RateWeek[], anchor: string): Kpi[] {
  return kpisOf(rows, RATE_KEYS, anchor, [
    {
      key: "orders",
      label: "订单数",
      sublabel: "Orders · 已支付子订单",
      kind: "relative",
      riseIsBad: false,
      measure: (t) => t.paid_orders,
      format: formatNumber,
    },
    {
      key: "unit_return_rate",
      label: "件数退货率",
      sublabel: "Unit return rate",
      kind: "points",
      riseIsBad: true,
      measure: (t) => ratio(t.returned_units, t.shipped_units),
      format: (v) => formatPercent(v),
    },
  ]);
}

/** Refunds, logistics cost, loss and the cost share of GMV, from return_costs.json rows. */
export function costKpis(rows: readonly CostWeek[], anchor: string): Kpi[] {
  return kpisOf(rows, COST_KEYS, anchor, [
    {
      key: "refund_amount",
      label: "退款金额",
      sublabel: "Refunds · 退商品金额",
      kind: "relative",
      riseIsBad: true,
      measure: (t) => t.refund_goods_amount,
      format: formatYuan,
    },
    {
      key: "logistics_cost",
      label: "物流成本",
      sublabel: "Logistics cost",
      kind: "relative",
      riseIsBad: true,
      measure: (t) => t.logistics_cost_amount,
      format: formatYuan,
    },
    {
      key: "loss",
      label: "损耗",
      sublabel: "Loss · 货损与处理",
      kind: "relative",
      riseIsBad: true,
      measure: (t) => t.loss_amount,
      format: formatYuan,
    },
    {
      key: "cost_share_of_gmv",
      label: "退货成本占GMV",
      sublabel: "Return cost / GMV",
      kind: "points",
      riseIsBad: true,
      measure: (t) => ratio(t.total_cost_amount, t.gmv_amount),
      format: (v) => formatPercent(v, 2),
    },
  ]);
}

/**
 * For the return-rate card: when the anchor week is immature, its forecast final rate and interval
 * (only without a channel filter: the forecast is not split by channel).
 */
export function maturityNote(
  maturity: readonly MaturityWeek[],
  filters: Pick<Filters, "shop" | "category" | "channel">,
  anchor: string,
): string | undefined {
  const row = maturityFor(maturity, filters).find((r) => r.week_start === anchor);
  if (!row || row.is_mature) return undefined;
  if (filters.channel !== ALL) return "未成熟：退货仍在发生";
  return `未成熟 · 预测最终 ${formatPercent(row.forecast_rate)}（${formatPercent(row.forecast_rate_low)}–${formatPercent(row.forecast_rate_high)}）`;
}

export interface CohortPoint {
  week_start: string;
  week: string;
  shipped_units: number;
  returned_units: number;
  observed_rate: number | null;
  is_mature: boolean | null;
  forecast_rate: number | null;
  forecast_rate_low: number | null;
  forecast_rate_high: number | null;
}

/**
 * One point per cohort week in [from, to]: the observed unit return rate of the filtered rows, and,
 * when no channel is chosen, the maturity and forecast of the chosen shop and category (the
 * forecast is not split by channel).
 */
export function cohortSeries(
  rates: readonly RateWeek[],
  maturity: readonly MaturityWeek[],
  filters: Filters,
): CohortPoint[] {
  const rows = filterDimensions(rates, filters).filter(
    (r) => r.week_start >= filters.from && r.week_start <= filters.to,
  );
  const forecast = new Map(maturityFor(maturity, filters).map((row) => [row.week_start, row]));
  const byWeek = new Map<string, CohortPoint>();
  for (const row of rows) {
    let point = byWeek.get(row.week_start);
    if (!point) {
      point = {
        week_start: row.week_start,
        week: row.week,
        shipped_units: 0,
        returned_units: 0,
        observed_rate: null,
        is_mature: null,
        forecast_rate: null,
        forecast_rate_low: null,
        forecast_rate_high: null,
      };
      byWeek.set(row.week_start, point);
    }
    point.shipped_units += row.shipped_units;
    point.returned_units += row.returned_units;
  }
  const points = [...byWeek.values()].sort((a, b) => a.week_start.localeCompare(b.week_start));
  for (const point of points) {
    point.observed_rate = ratio(point.returned_units, point.shipped_units);
    const f = forecast.get(point.week_start);
    if (!f) continue;
    point.is_mature = f.is_mature;
    if (filters.channel === ALL) {
      point.forecast_rate = f.forecast_rate;
      point.forecast_rate_low = f.forecast_rate_low;
      point.forecast_rate_high = f.forecast_rate_high;
    }
  }
  return points;
}

/** src/data/problem_skus.json. */
export interface ProblemSku {
  rank: number;
  shop_id: string;
  sku_code: string;
  product_id: string | null;
  product_name: string | null;
  category: string | null;
  color: string | null;
  size: string | null;
  shipped_units: number;
  returned_units: number;
  return_rate: number | null;
  shrunk_rate: number | null;
  interval_low: number | null;
  interval_high: number | null;
  baseline_rate: number | null;
  excess_returned_units: number | null;
  refund_amount: number | null;
  excess_refund_amount: number | null;
  top_reason_group: string | null;
  top_reason_group_share: number | null;
  latest_spike_week: string | null;
  low_volume: boolean;
}

/**
 * The SKUs of the chosen shop and category in the mart's order (interval_low, then shrunk_rate,
 * descending; the mart ranks within a shop, this ranks across the chosen shops the same way).
 */
export function rankProblemSkus(
  rows: readonly ProblemSku[],
  filters: Pick<Filters, "shop" | "category">,
): ProblemSku[] {
  return rows
    .filter((row) => chosen(filters.shop, row.shop_id) && chosen(filters.category, row.category))
    .sort(
      (a, b) =>
        (b.interval_low ?? -1) - (a.interval_low ?? -1) ||
        (b.shrunk_rate ?? -1) - (a.shrunk_rate ?? -1) ||
        a.shop_id.localeCompare(b.shop_id) ||
        a.sku_code.localeCompare(b.sku_code),
    );
}
