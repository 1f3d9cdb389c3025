/**
 * buildReportData: the weekly report of one ISO week, read from the marts only (never raw or core),
 * as a plain object of mart values. Brings the marts up to date first when given the config.
 */
import {formatWeek} from "../../components/format.js";
import type {Config} from "../config.js";
import {PipelineError} from "../errors.js";
import {martsExist} from "../metrics/refresh.js";
import {ensureMartsFresh} from "../refresh.js";
import type {Row, Warehouse} from "../warehouse.js";
import {figuresOf, trendOf, weeklyRows, weeksUpTo} from "./figures.js";
import {count, num, reportQuery, text} from "./queries.js";
import {
  REPORT_DEFAULTS,
  type BacklogShop,
  type CommentThemeGrowth,
  type CommentThemeSection,
  type HandlingTimes,
  type ParcelShop,
  type PlatformScore,
  type ProvinceSection,
  type ProvinceShift,
  type ReasonSection,
  type ReportData,
  type ReportSettings,
  type RiskSignal,
  type RiskSignalName,
  type ScoreBand,
  type ShopCoverage,
  type SizeVerdict,
  type SkuReturns,
  type SkuSpike,
} from "./types.js";
import {shiftWeek, type IsoWeek} from "./week.js";

export interface ReportOptions extends Partial<ReportSettings> {
  /** When given, the marts are rebuilt first if core or the assumptions changed (ensureMartsFresh). */
  config?: Config;
}

/** A province's rate moved beyond noise when its own change is this many standard errors out. */
const PROVINCE_Z = 1.96;

const share = (value: number) => value > 0 && value <= 1;
const whole = (min: number, max: number) => (value: number) =>
  Number.isInteger(value) && value >= min && value <= max;
const RULES: Record<Exclude<keyof ReportSettings, "shop">, [(value: number) => boolean, string]> = {
  reasonShareThreshold: [share, "a share above 0 and at most 1"],
  minReturnedUnits: [whole(0, 1e9), "a whole number >= 0"],
  provinceThreshold: [share, "a share above 0 and at most 1"],
  minVolume: [whole(0, 1e9), "a whole number >= 0"],
  topSkus: [whole(1, 100), "a whole number from 1 to 100"],
  trendWeeks: [whole(2, 104), "a whole number from 2 to 104"],
};

/** Options over the defaults; a bad value throws naming the option, what was expected and what came. */
export function reportSettings(options: Partial<ReportSettings> = {}): ReportSettings {
  const settings: ReportSettings = {...REPORT_DEFAULTS};
  if (options.shop !== undefined && options.shop !== null) {
    if (typeof options.shop !== "string" || options.shop === "")
      throw new PipelineError(`report: shop must be a shop id: ${JSON.stringify(options.shop)}`);
    settings.shop = options.shop;
  }
  for (const key of Object.keys(RULES) as (keyof typeof RULES)[]) {
    const value = options[key];
    if (value === undefined) continue;
    const [valid, expected] = RULES[key];
    if (typeof value !== "number" || !valid(value))
      throw new PipelineError(`report: ${key} must be ${expected}: ${JSON.stringify(value)}`);
    settings[key] = value;
  }
  return settings;
}

function coverageOf(rows: Row[], week: IsoWeek): ReportData["coverage"] {
  const shops: ShopCoverage[] = rows.map((row) => ({
    shopId: String(row.shop_id),
    firstCohortDate: String(row.first_cohort_date),
    lastCohortDate: String(row.last_cohort_date),
    asOfDate: text(row.as_of_date),
  }));
  const asOf = shops.map((s) => s.asOfDate).filter((d) => d !== null);
  return {
    shops,
    asOfDate: asOf.length ? asOf.reduce((a, b) => (a > b ? a : b)) : null,
    isWeekComplete: shops.some((s) => s.lastCohortDate >= week.end),
  };
}

function reasonSection(rows: Row[], settings: ReportSettings): ReasonSection {
  const current = new Map<string, number>();
  const prior = new Map<string, number>();
  for (const row of rows)
    (row.period === "current" ? current : prior).set(String(row.reason_group), count(row.returned_units));
  const total = (units: Map<string, number>) => [...units.values()].reduce((a, b) => a + b, 0);
  const currentTotal = total(current);
  const priorTotal = total(prior);
  const comparable =
    currentTotal > 0 &&
    priorTotal > 0 &&
    currentTotal >= settings.minReturnedUnits &&
    priorTotal >= settings.minReturnedUnits;
  const groups = [...new Set([...current.keys(), ...prior.keys()])].sort();
  const moved = comparable
    ? groups
        .map((reasonGroup) => {
          const currentUnits = current.get(reasonGroup) ?? 0;
          const priorUnits = prior.get(reasonGroup) ?? 0;
          const currentShare = currentUnits / currentTotal;
          const priorShare = priorUnits / priorTotal;
          return {
            reasonGroup,
            currentUnits,
            currentShare,
            priorUnits,
            priorShare,
            change: currentShare - priorShare,
          };
        })
        .filter((shift) => Math.abs(shift.change) >= settings.reasonShareThreshold)
        .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.reasonGroup.localeCompare(b.reasonGroup))
    : [];
  return {currentReturnedUnits: currentTotal, priorReturnedUnits: priorTotal, comparable, moved};
}

function provinceSection(rows: Row[], settings: ReportSettings): ProvinceSection {
  type Units = {name: string; code: string | null; shipped: number; returned: number};
  const current = new Map<string, Units>();
  const prior = new Map<string, Units>();
  for (const row of rows) {
    const code = text(row.province_code);
    (row.period === "current" ? current : prior).set(code ?? "", {
      name: String(row.province_name),
      code,
      shipped: count(row.shipped_units),
      returned: count(row.returned_units),
    });
  }
  const rate = (units: Iterable<Units>) => {
    let shipped = 0;
    let returned = 0;
    for (const u of units) {
      shipped += u.shipped;
      returned += u.returned;
    }
    return shipped > 0 ? returned / shipped : null;
  };
  const currentRate = rate(current.values());
  const priorRate = rate(prior.values());
  const change = currentRate !== null && priorRate !== null ? currentRate - priorRate : null;
  const compared: ProvinceShift[] = [];
  if (change !== null)
    for (const [key, now] of current) {
      const before = prior.get(key);
      if (!before || now.shipped < settings.minVolume || before.shipped < settings.minVolume) continue;
      if (now.shipped === 0 || before.shipped === 0) continue;
      const rc = now.returned / now.shipped;
      const rp = before.returned / before.shipped;
      const excess = rc - rp - change;
      const se = Math.sqrt((rc * (1 - rc)) / now.shipped + (rp * (1 - rp)) / before.shipped);
      compared.push({
        provinceCode: now.code,
        provinceName: now.name,
        currentShippedUnits: now.shipped,
        currentReturnedUnits: now.returned,
        currentRate: rc,
        priorShippedUnits: before.shipped,
        priorReturnedUnits: before.returned,
        priorRate: rp,
        change: rc - rp,
        excessChange: excess,
        zScore: se > 0 ? excess / se : 0,
      });
    }
  const moved = compared
    .filter((p) => Math.abs(p.excessChange) >= settings.provinceThreshold && Math.abs(p.zScore) >= PROVINCE_Z)
    .sort(
      (a, b) =>
        Math.abs(b.excessChange) - Math.abs(a.excessChange) || a.provinceName.localeCompare(b.provinceName),
    );
  return {currentRate, priorRate, change, compared: compared.length, moved};
}

const spikeOf = (row: Row): SkuSpike => ({
  shopId: String(row.shop_id),
  skuCode: String(row.sku_code),
  productId: text(row.product_id),
  productName: text(row.product_name),
  week: String(row.week),
  shippedUnits: count(row.shipped_units),
  returnedUnitsByDay14: count(row.returned_units_by_day14),
  returnRateByDay14: num(row.return_rate_by_day14),
  priorShippedUnits: count(row.prior_shipped_units),
  priorReturnRateByDay14: num(row.prior_return_rate_by_day14),
  zScore: num(row.z_score),
  previousSpikeWeek: text(row.previous_spike_week),
  problemRank: num(row.problem_rank),
});

const skuReturnsOf = (row: Row): SkuReturns => ({
  shopId: String(row.shop_id),
  skuCode: String(row.sku_code),
  productId: text(row.product_id),
  productName: text(row.product_name),
  shippedUnits: count(row.shipped_units),
  returnedUnits: count(row.returned_units),
  returnRate: num(row.return_rate),
  problemRank: num(row.problem_rank),
  shrunkRate: num(row.shrunk_rate),
  topReasonGroup: text(row.top_reason_group),
  lowVolume: row.low_volume === true,
});

const verdictOf = (row: Row): SizeVerdict => {
  const verdict = row.verdict === "偏小" ? "偏小" : "偏大";
  return {
    shopId: String(row.shop_id),
    productId: String(row.product_id),
    productName: text(row.product_name),
    verdict,
    sizeReturnedOrders: count(row.size_returned_orders),
    smallMentionOrders: count(row.small_mention_orders),
    largeMentionOrders: count(row.large_mention_orders),
    share: num(verdict === "偏小" ? row.small_share : row.large_share),
    sizesReturningMore: text(row.sizes_returning_more),
  };
};

const themeGrowthOf = (row: Row): CommentThemeGrowth => ({
  shopId: String(row.shop_id),
  skuCode: String(row.sku_code),
  productId: text(row.product_id),
  productName: text(row.product_name),
  theme: String(row.theme),
  afterSaleCount: count(row.after_sale_count),
  commentedCount: count(row.commented_count),
  shareOfComments: num(row.share_of_comments),
  priorAverageCount: num(row.prior_average_count),
  priorShareOfComments: num(row.prior_share_of_comments),
  shareIncrease: num(row.share_increase),
});

function commentThemeSection(week: Row | undefined, growing: Row[]): CommentThemeSection {
  return {
    commentedCount: count(week?.commented_count),
    themedCount: count(week?.themed_count),
    priorWeeks: count(week?.prior_weeks),
    minCountIncrease: count(week?.min_count_increase),
    minShareIncrease: count(week?.min_share_increase),
    growing: growing.map(themeGrowthOf),
  };
}

const scoreOf = (row: Row): PlatformScore => ({
  shopId: String(row.shop_id),
  metric: String(row.metric),
  metricLabel: String(row.metric_label),
  unit: String(row.unit),
  date: String(row.date),
  isFullWindow: row.is_full_window === true,
  numerator: num(row.numerator),
  denominator: count(row.denominator),
  value: num(row.value),
  band: num(row.band),
  bandScore: num(row.band_score),
  lowVolume: row.low_volume === true,
  previousValue: num(row.previous_value),
  previousBandScore: num(row.previous_band_score),
});

function bandsOf(rows: Row[]): Record<string, ScoreBand[]> {
  const bands: Record<string, ScoreBand[]> = {};
  for (const row of rows)
    (bands[String(row.metric)] ??= []).push({
      band: count(row.band),
      upperBound: num(row.upper_bound),
      score: num(row.score),
    });
  return bands;
}

const backlogOf = (row: Row): BacklogShop => ({
  shopId: String(row.shop_id),
  asOfAt: String(row.as_of_at),
  openCount: count(row.open_count),
  overdueCount: count(row.overdue_count),
  overdueInWeekCount: count(row.overdue_in_week_count),
  due24hCount: count(row.due_24h_count),
  staleCount: count(row.stale_count),
});

function timesOf(rows: Row[]): HandlingTimes[] {
  const mean = (total: unknown, n: unknown) => (count(n) > 0 ? count(total) / count(n) : null);
  return rows
    .filter((row) => row.period === "current")
    .map((row) => {
      const prior = rows.find((r) => r.period === "prior" && r.shop_id === row.shop_id);
      return {
        shopId: String(row.shop_id),
        afterSaleCount: count(row.after_sale_count),
        reviewedCount: count(row.reviewed_count),
        reviewHoursP50: num(row.review_hours_p50),
        reviewHoursP90: num(row.review_hours_p90),
        refundedCount: count(row.refunded_count),
        refundHoursP50: num(row.refund_hours_p50),
        refundHoursP90: num(row.refund_hours_p90),
        priorReviewHoursMean: prior ? mean(prior.review_hours_total, prior.reviewed_count) : null,
        priorRefundHoursMean: prior ? mean(prior.refund_hours_total, prior.refunded_count) : null,
      };
    });
}

const parcelOf = (row: Row): ParcelShop => ({
  shopId: String(row.shop_id),
  asOfAt: String(row.as_of_at),
  inTransitCount: count(row.in_transit_count),
  stuckCount: count(row.stuck_count),
  stuckInWeekCount: count(row.stuck_in_week_count),
  exceptionInWeekCount: count(row.exception_in_week_count),
});

const riskOf = (row: Row): RiskSignal => ({
  signal: String(row.signal) as RiskSignalName,
  count: count(row.signal_count),
  notableCount: num(row.notable_count),
});

export function reportTitle(week: IsoWeek, shop: string | null): string {
  return `退货周报${shop ? ` · ${shop}` : ""} ${formatWeek(week.start, week.week)}`;
}

export async function buildReportData(
  warehouse: Warehouse,
  week: IsoWeek,
  options: ReportOptions = {},
): Promise<ReportData> {
  const {config, ...rest} = options;
  const settings = reportSettings(rest);
  if (config) await ensureMartsFresh(warehouse, config);
  else if (!(await martsExist(warehouse)))
    throw new PipelineError("the warehouse has no marts yet: run `returnscope ingest` first", {
      step: "report",
    });

  const shop = settings.shop ?? "";
  const coverageRows = await reportQuery(warehouse, "data_range", {shop});
  if (coverageRows.length === 0)
    throw new PipelineError(
      settings.shop ? `no orders of shop ${settings.shop} in the warehouse` : "no orders in the warehouse",
      {step: "report"},
    );
  const coverage = coverageOf(coverageRows, week);

  const trendWeeks = weeksUpTo(week, settings.trendWeeks);
  const priorWeeks = weeksUpTo(shiftWeek(week, -1), 4);
  const first = trendWeeks[0]!.start < priorWeeks[0]!.start ? trendWeeks[0]! : priorWeeks[0]!;
  const rows = await weeklyRows(warehouse, first, week, settings.shop);
  const current = figuresOf(rows, [week]);
  if (current.weeksWithData === 0) {
    const from = coverage.shops.map((s) => s.firstCohortDate).reduce((a, b) => (a < b ? a : b));
    const to = coverage.shops.map((s) => s.lastCohortDate).reduce((a, b) => (a > b ? a : b));
    throw new PipelineError(
      `no orders in ${week.week} (${week.start} to ${week.end}): the marts hold cohorts from ${from} to ${to}`,
      {step: "report"},
    );
  }

  const params = {week_start: week.start, shop};
  // One after another: the queries share the warehouse's single connection.
  const query = (name: Parameters<typeof reportQuery>[1], extra: Record<string, string | number> = {}) =>
    reportQuery(warehouse, name, {...params, ...extra});
  const reasons = await query("reasons");
  const provinces = await query("provinces");
  const spikes = await query("sku_spikes", {spike_week_start: shiftWeek(week, -3).start});
  const top = await query("sku_top", {limit: settings.topSkus});
  const sizes = await query("size_verdicts");
  const themeWeek = await query("comment_theme_week");
  const themes = await query("comment_themes");
  const scores = await query("platform_scores");
  const bands = await query("platform_bands");
  const backlog = await query("backlog");
  const times = await query("handling_times");
  const parcels = await query("parcels");
  const risks = await query("risks");

  return {
    week,
    title: reportTitle(week, settings.shop),
    settings,
    coverage,
    headline: {
      current,
      previous: figuresOf(rows, [shiftWeek(week, -1)]),
      prior4: figuresOf(rows, priorWeeks),
    },
    trend: trendOf(rows, trendWeeks),
    reasons: reasonSection(reasons, settings),
    provinces: provinceSection(provinces, settings),
    skus: {spikeWeek: shiftWeek(week, -3), spikes: spikes.map(spikeOf), top: top.map(skuReturnsOf)},
    sizes: sizes.map(verdictOf),
    commentThemes: commentThemeSection(themeWeek[0], themes),
    platform: {scores: scores.map(scoreOf), bands: bandsOf(bands)},
    sla: {backlog: backlog.map(backlogOf), times: timesOf(times)},
    parcels: {stuckDays: num(parcels[0]?.stuck_parcel_days), shops: parcels.map(parcelOf)},
    risks: risks.map(riskOf),
  };
}
