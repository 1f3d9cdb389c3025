/**
 * The weekly report as plain data: every figure is a mart value or a sum of mart values, kept
 * unformatted, so that each number a renderer prints can be traced back to its mart.
 */
import type {IsoWeek} from "./week.js";

export interface ReportSettings {
  /** One shop, or null for every shop together. */
  shop: string | null;
  /** A reason group moved when its share of returned units changed by at least this (0.05 = 5 points). */
  reasonShareThreshold: number;
  /** Below this many returned units in the week, the reason mix is not compared. */
  minReturnedUnits: number;
  /** A province moved when its rate changed by at least this more than the whole shop's did. */
  provinceThreshold: number;
  /** Shipped units a province needs in the week and in the four weeks before to be compared. */
  minVolume: number;
  /** SKUs listed under "most returned this week". */
  topSkus: number;
  /** Weeks in the return-rate trend, the report week included. */
  trendWeeks: number;
}

export const REPORT_DEFAULTS: Readonly<ReportSettings> = {
  shop: null,
  reasonShareThreshold: 0.05,
  minReturnedUnits: 20,
  provinceThreshold: 0.05,
  minVolume: 30,
  topSkus: 5,
  trendWeeks: 12,
};

/** The forecast of a set of cohort weeks (marts.cohort_maturity, summed; docs/metrics.md §7.4.3). */
export interface Forecast {
  shippedUnits: number;
  returnedUnits: number;
  /** Returned units whose after-sale is no longer open: the floor of the interval. */
  settledUnits: number;
  /** Σ shipped × F ÷ Σ shipped. */
  completionShare: number | null;
  /** Every daily cohort of every (shop, category) mature. */
  isMature: boolean;
  forecastUnits: number;
  varianceUnits: number;
  lowUnits: number;
  highUnits: number;
  rate: number | null;
  rateLow: number | null;
  rateHigh: number | null;
}

/** Sums over one or more cohort weeks (by Beijing payment date). */
export interface Figures {
  weeks: string[];
  /** Weeks among them with any order in marts.return_rates_daily. */
  weeksWithData: number;
  /** Days with orders (for a single week: 7 when the week is complete in the data). */
  daysWithData: number;
  paidOrders: number;
  shippedUnits: number;
  returnedUnits: number;
  /** returnedUnits ÷ shippedUnits, null for 0 ÷ 0. */
  unitReturnRate: number | null;
  forecast: Forecast | null;
  /** marts.return_costs, by cohort date. */
  gmvAmount: number;
  refundAmount: number;
  logisticsCostAmount: number;
  lossAmount: number;
}

export interface TrendPoint extends Figures {
  week: string;
  start: string;
}

export interface ShopCoverage {
  shopId: string;
  firstCohortDate: string;
  lastCohortDate: string;
  /** The forecast's as-of date (the shop's latest event), null before the marts have one. */
  asOfDate: string | null;
}

export interface ReasonShift {
  reasonGroup: string;
  currentUnits: number;
  currentShare: number | null;
  priorUnits: number;
  priorShare: number | null;
  /** currentShare − priorShare, a fraction (0.05 = 5 points). */
  change: number;
}

export interface ReasonSection {
  currentReturnedUnits: number;
  priorReturnedUnits: number;
  /** Enough returns in both periods to compare the mix. */
  comparable: boolean;
  moved: ReasonShift[];
}

export interface ProvinceShift {
  provinceCode: string | null;
  provinceName: string;
  currentShippedUnits: number;
  currentReturnedUnits: number;
  currentRate: number;
  priorShippedUnits: number;
  priorReturnedUnits: number;
  priorRate: number;
  change: number;
  /** change − the whole selection's change: what is the province's own. */
  excessChange: number;
  /** excessChange over its standard error (both periods' binomial variance). */
  zScore: number;
}

export interface ProvinceSection {
  currentRate: number | null;
  priorRate: number | null;
  change: number | null;
  /** Provinces with enough volume in both periods. */
  compared: number;
  moved: ProvinceShift[];
}

export interface SkuSpike {
  shopId: string;
  skuCode: string;
  productId: string | null;
  productName: string | null;
  week: string;
  shippedUnits: number;
  returnedUnitsByDay14: number;
  returnRateByDay14: number | null;
  priorShippedUnits: number;
  priorReturnRateByDay14: number | null;
  zScore: number | null;
  /** The SKU's spike before this one; null: the first. */
  previousSpikeWeek: string | null;
  problemRank: number | null;
}

export interface SkuReturns {
  shopId: string;
  skuCode: string;
  productId: string | null;
  productName: string | null;
  shippedUnits: number;
  returnedUnits: number;
  returnRate: number | null;
  /** Rank in marts.problem_skus (within the shop, all loaded data). */
  problemRank: number | null;
  shrunkRate: number | null;
  topReasonGroup: string | null;
  lowVolume: boolean;
}

export interface SkuSection {
  /** The cohort week whose spike test first became possible in the report week (three weeks before). */
  spikeWeek: IsoWeek;
  spikes: SkuSpike[];
  top: SkuReturns[];
}

export interface SizeVerdict {
  shopId: string;
  productId: string;
  productName: string | null;
  verdict: "偏小" | "偏大";
  sizeReturnedOrders: number;
  smallMentionOrders: number;
  largeMentionOrders: number;
  /** The leaning side's share of small + large mentions. */
  share: number | null;
  sizesReturningMore: string | null;
}

export interface ScoreBand {
  band: number;
  upperBound: number | null;
  score: number | null;
}

export interface PlatformScore {
  shopId: string;
  metric: string;
  metricLabel: string;
  unit: string;
  date: string;
  isFullWindow: boolean;
  numerator: number | null;
  denominator: number;
  value: number | null;
  band: number | null;
  bandScore: number | null;
  lowVolume: boolean;
  /** The last day of the week before. */
  previousValue: number | null;
  previousBandScore: number | null;
}

export interface BacklogShop {
  shopId: string;
  asOfAt: string;
  openCount: number;
  overdueCount: number;
  overdueInWeekCount: number;
  due24hCount: number;
  staleCount: number;
}

export interface HandlingTimes {
  shopId: string;
  afterSaleCount: number;
  reviewedCount: number;
  reviewHoursP50: number | null;
  reviewHoursP90: number | null;
  refundedCount: number;
  refundHoursP50: number | null;
  refundHoursP90: number | null;
  /** Means over the four weeks before, from the additive totals; null without any. */
  priorReviewHoursMean: number | null;
  priorRefundHoursMean: number | null;
}

/** Return parcels of one shop (marts.return_parcels). */
export interface ParcelShop {
  shopId: string;
  asOfAt: string;
  /** Shipped back by the buyer, not yet received, as of the shop's latest data. */
  inTransitCount: number;
  /** …of which in transit longer than the stuck threshold. */
  stuckCount: number;
  /** Stuck parcels whose threshold passed in the report week. */
  stuckInWeekCount: number;
  /** Parcels with a 退货异常 shipped back in the report week. */
  exceptionInWeekCount: number;
}

/** A theme of buyer comments that grew in the report week (marts.sku_comment_themes, by application week). */
export interface CommentThemeGrowth {
  shopId: string;
  skuCode: string;
  productId: string | null;
  productName: string | null;
  theme: string;
  /** After-sales applied in the week whose comment carries the theme. */
  afterSaleCount: number;
  /** The SKU's after-sales with a comment in the week: the share's denominator. */
  commentedCount: number;
  shareOfComments: number | null;
  /** The theme's after-sales per week over the prior weeks. */
  priorAverageCount: number | null;
  priorShareOfComments: number | null;
  shareIncrease: number | null;
}

export interface CommentThemeSection {
  /** After-sales applied in the week with a comment, and those naming at least one theme. */
  commentedCount: number;
  themedCount: number;
  /** The growth rule in force (docs/metrics.md §10). */
  priorWeeks: number;
  minCountIncrease: number;
  minShareIncrease: number;
  growing: CommentThemeGrowth[];
}

export type RiskSignalName = "late_applications" | "appeal_candidates" | "shared_tracking" | "risk_buyers";

export interface RiskSignal {
  signal: RiskSignalName;
  count: number;
  /** The sharper subset: no-reason late returns, waybills shared by different buyers, high refund-only buyers. */
  notableCount: number | null;
}

export interface ReportData {
  week: IsoWeek;
  title: string;
  settings: ReportSettings;
  coverage: {
    shops: ShopCoverage[];
    /** The latest as-of date over the shops. */
    asOfDate: string | null;
    /** The data reaches the week's Sunday (for at least one shop). */
    isWeekComplete: boolean;
  };
  headline: {current: Figures; previous: Figures; prior4: Figures};
  trend: TrendPoint[];
  reasons: ReasonSection;
  provinces: ProvinceSection;
  skus: SkuSection;
  sizes: SizeVerdict[];
  commentThemes: CommentThemeSection;
  platform: {scores: PlatformScore[]; bands: Record<string, ScoreBand[]>};
  sla: {backlog: BacklogShop[]; times: HandlingTimes[]};
  /** Return parcels in transit, stuck and flagged; stuckDays from marts.cost_assumptions. */
  parcels: {stuckDays: number | null; shops: ParcelShop[]};
  risks: RiskSignal[];
}
