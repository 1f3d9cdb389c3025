/**
 * Headline figures by cohort week: orders and unit returns (marts.return_rates_daily), costs
 * (marts.return_costs) and the forecast (marts.cohort_maturity), for single weeks and for sums of
 * weeks. Every measure is additive except the forecast interval, which is formed from the mart's
 * variance components as docs/metrics.md §7.4.3 prescribes for sums of rows.
 */
import type {Warehouse} from "../warehouse.js";
import {count, reportQuery, text} from "./queries.js";
import type {Figures, Forecast, TrendPoint} from "./types.js";
import {shiftWeek, type IsoWeek} from "./week.js";

/** The 95% normal quantile the mart uses (cohort_maturity.sql, settings.z). */
const Z = 1.959964;

interface RateWeek {
  daysWithData: number;
  paidOrders: number;
  shippedUnits: number;
  returnedUnits: number;
}

interface CostWeek {
  gmvAmount: number;
  refundAmount: number;
  logisticsCostAmount: number;
  lossAmount: number;
}

interface MaturityGroup {
  weekStart: string;
  /** (shop, category): the rows that share one expected rate and so one prior variance. */
  group: string;
  shippedUnits: number;
  returnedUnits: number;
  openReturnedUnits: number;
  exposedUnits: number;
  forecastUnits: number;
  processVariance: number;
  remainingExposure: number;
  rateVariance: number;
  isMature: boolean;
}

/** The mart rows of a run of weeks, from which figures for any subset of them are formed. */
export interface WeeklyRows {
  rates: Map<string, RateWeek>;
  costs: Map<string, CostWeek>;
  maturity: MaturityGroup[];
}

export async function weeklyRows(
  warehouse: Warehouse,
  first: IsoWeek,
  last: IsoWeek,
  shop: string | null,
): Promise<WeeklyRows> {
  const params = {from: first.start, to: last.start, shop: shop ?? ""};
  const rates = new Map<string, RateWeek>();
  for (const row of await reportQuery(warehouse, "rates_weekly", params))
    rates.set(String(row.week_start), {
      daysWithData: count(row.days_with_data),
      paidOrders: count(row.paid_orders),
      shippedUnits: count(row.shipped_units),
      returnedUnits: count(row.returned_units),
    });
  const costs = new Map<string, CostWeek>();
  for (const row of await reportQuery(warehouse, "costs_weekly", params))
    costs.set(String(row.week_start), {
      gmvAmount: count(row.gmv_amount),
      refundAmount: count(row.refund_goods_amount),
      logisticsCostAmount: count(row.logistics_cost_amount),
      lossAmount: count(row.loss_amount),
    });
  const maturity = (await reportQuery(warehouse, "maturity_groups", params)).map((row) => ({
    weekStart: String(row.week_start),
    group: JSON.stringify([text(row.shop_id), text(row.category)]),
    shippedUnits: count(row.shipped_units),
    returnedUnits: count(row.returned_units),
    openReturnedUnits: count(row.open_returned_units),
    exposedUnits: count(row.exposed_units),
    forecastUnits: count(row.forecast_returned_units),
    processVariance: count(row.process_variance_units),
    remainingExposure: count(row.remaining_exposure_units),
    rateVariance: count(row.expected_return_rate_variance),
    isMature: row.is_mature === true,
  }));
  return {rates, costs, maturity};
}

const ratio = (numerator: number, denominator: number) => (denominator > 0 ? numerator / denominator : null);

/** The forecast of the maturity rows given: sums, and the interval of the sum. */
export function poolForecast(rows: readonly MaturityGroup[]): Forecast | null {
  if (rows.length === 0) return null;
  let shipped = 0;
  let returned = 0;
  let settled = 0;
  let exposed = 0;
  let forecast = 0;
  let processVariance = 0;
  const groups = new Map<string, {exposure: number; variance: number}>();
  for (const row of rows) {
    shipped += row.shippedUnits;
    returned += row.returnedUnits;
    settled += row.returnedUnits - row.openReturnedUnits;
    exposed += row.exposedUnits;
    forecast += row.forecastUnits;
    processVariance += row.processVariance;
    const group = groups.get(row.group) ?? {exposure: 0, variance: row.rateVariance};
    group.exposure += row.remainingExposure;
    groups.set(row.group, group);
  }
  let variance = processVariance;
  for (const group of groups.values()) variance += group.exposure ** 2 * group.variance;
  const low = Math.max(settled, forecast - Z * Math.sqrt(variance));
  const high = Math.min(shipped, forecast + Z * Math.sqrt(variance));
  return {
    shippedUnits: shipped,
    returnedUnits: returned,
    settledUnits: settled,
    completionShare: ratio(exposed, shipped),
    isMature: rows.every((row) => row.isMature),
    forecastUnits: forecast,
    varianceUnits: variance,
    lowUnits: low,
    highUnits: high,
    rate: ratio(forecast, shipped),
    rateLow: ratio(low, shipped),
    rateHigh: ratio(high, shipped),
  };
}

/** Figures over the given weeks. */
export function figuresOf(rows: WeeklyRows, weeks: readonly IsoWeek[]): Figures {
  const starts = new Set(weeks.map((w) => w.start));
  const figures: Figures = {
    weeks: weeks.map((w) => w.week),
    weeksWithData: 0,
    daysWithData: 0,
    paidOrders: 0,
    shippedUnits: 0,
    returnedUnits: 0,
    unitReturnRate: null,
    forecast: poolForecast(rows.maturity.filter((row) => starts.has(row.weekStart))),
    gmvAmount: 0,
    refundAmount: 0,
    logisticsCostAmount: 0,
    lossAmount: 0,
  };
  for (const week of weeks) {
    const rate = rows.rates.get(week.start);
    if (rate) {
      figures.weeksWithData += 1;
      figures.daysWithData += rate.daysWithData;
      figures.paidOrders += rate.paidOrders;
      figures.shippedUnits += rate.shippedUnits;
      figures.returnedUnits += rate.returnedUnits;
    }
    const cost = rows.costs.get(week.start);
    if (cost) {
      figures.gmvAmount += cost.gmvAmount;
      figures.refundAmount += cost.refundAmount;
      figures.logisticsCostAmount += cost.logisticsCostAmount;
      figures.lossAmount += cost.lossAmount;
    }
  }
  figures.unitReturnRate = ratio(figures.returnedUnits, figures.shippedUnits);
  return figures;
}

/** The `count` weeks up to and including `last`, oldest first. */
export function weeksUpTo(last: IsoWeek, count: number): IsoWeek[] {
  return Array.from({length: count}, (_, i) => shiftWeek(last, i - count + 1));
}

export function trendOf(rows: WeeklyRows, weeks: readonly IsoWeek[]): TrendPoint[] {
  return weeks.map((week) => ({week: week.week, start: week.start, ...figuresOf(rows, [week])}));
}

/** A per-week average of a sum over `figures.weeksWithData` weeks (null without any). */
export function perWeek(total: number, figures: Figures): number | null {
  return figures.weeksWithData > 0 ? total / figures.weeksWithData : null;
}
