/**
 * Every assumption the cost, platform-estimate and risk marts rest on, in one table that the marts
 * read and that every printed figure can show beside it: marts.cost_assumptions, one row per
 * parameter (and key), with its value and whether it is a default or came from the config file.
 *
 * The `platform` and `risk` config sections are normalized here; `costs` in costConfig.ts,
 * `commentThemes` in commentThemeConfig.ts.
 */
import {createHash} from "node:crypto";
import type {Warehouse} from "../warehouse.js";
import {
  COST_REASON_GROUPS,
  DEFAULT_COST_CONFIG,
  specChoices,
  specFail,
  specKnownKeys,
  specNumber,
  specObject,
  type CostConfig,
  type CostReasonGroup,
  type FreightRates,
} from "./costConfig.js";
import {SUBJECTIVE_KEYWORDS} from "./riskKeywords.js";
import {
  commentThemeParameters,
  DEFAULT_COMMENT_THEMES_CONFIG,
  type CommentThemesConfig,
} from "./commentThemeConfig.js";

/** A score band: rates up to and including `upTo` score `score`; null upTo = no upper limit. */
export interface ScoreBand {
  upTo: number | null;
  /** null: the source gives no score for this band. */
  score: number | null;
}

export const PLATFORM_METRICS = ["product_quality_return_rate", "logistics_quality_return_rate"] as const;
export type PlatformMetric = (typeof PLATFORM_METRICS)[number];

export interface PlatformConfig {
  /** 近30天: the rolling window of the platform's metrics, in days. */
  windowDays: number;
  /** 签收 is not exported: it is taken as 发货时间 + this many days, or 订单完成时间 if earlier. */
  signDelayDays: number;
  /** Reason groups that count as 商品品质 when the reason carries no （…原因） tag. */
  qualityReasonGroups: readonly CostReasonGroup[];
  /** Reason groups that count as 物流品质 when the reason carries no （…原因） tag. */
  logisticsReasonGroups: readonly CostReasonGroup[];
  /** Below this many orders in the window the platform shows no score: rows are flagged low_volume. */
  minOrders: number;
  bands: Readonly<Record<PlatformMetric, readonly ScoreBand[]>>;
  /**
   * The time an after-sale should be handled in (review, and refund of a refund-only claim), in
   * hours: the reference line of the 售后时效 page. The platform publishes none; ~48 h is the
   * commonly cited figure (domain.md §4.3 [U]).
   */
  handlingTargetHours: number;
  configured: readonly string[];
}

export interface RiskConfig {
  /** A buyer with at least this many returned 子订单 has "many returns". */
  minReturns: number;
  /** A buyer with at least this many shipped 子订单 with a 已发货仅退款 claim … */
  minRefundOnlyOrders: number;
  /** … making up at least this share of the buyer's shipped 子订单 has a "high refund-only share". */
  minRefundOnlyShare: number;
  /** 七天无理由: days after 签收 (estimated as in PlatformConfig.signDelayDays) a buyer may apply. */
  lateWindowDays: number;
  /** Words in 用户售后说明 that make a quality claim look subjective (riskKeywords.ts). */
  subjectiveKeywords: readonly string[];
  /** A return parcel in transit (shipped back, not yet received) longer than this many days is stuck. */
  stuckParcelDays: number;
  configured: readonly string[];
}

export const DEFAULT_PLATFORM_CONFIG: PlatformConfig = Object.freeze({
  windowDays: 30,
  signDelayDays: 3,
  qualityReasonGroups: ["质量问题", "描述不符"],
  logisticsReasonGroups: ["物流"],
  minOrders: 30,
  // [C] domain.md §3.1, from a 2026-02 screenshot: ≤0.26% 100, ≤1.31% 60, above 50; logistics
  // ≤0.026% 100, ≤0.180% 70, >0.334% 50 (the source names no score between 0.180% and 0.334%).
  bands: {
    product_quality_return_rate: [
      {upTo: 0.0026, score: 100},
      {upTo: 0.0131, score: 60},
      {upTo: null, score: 50},
    ],
    logistics_quality_return_rate: [
      {upTo: 0.00026, score: 100},
      {upTo: 0.0018, score: 70},
      {upTo: 0.00334, score: null},
      {upTo: null, score: 50},
    ],
  },
  handlingTargetHours: 48,
  configured: [],
} satisfies PlatformConfig);

export const DEFAULT_RISK_CONFIG: RiskConfig = Object.freeze({
  minReturns: 5,
  minRefundOnlyOrders: 3,
  minRefundOnlyShare: 0.5,
  lateWindowDays: 7,
  subjectiveKeywords: SUBJECTIVE_KEYWORDS,
  stuckParcelDays: 5,
  configured: [],
} satisfies RiskConfig);

export interface Assumptions {
  costs: CostConfig;
  platform: PlatformConfig;
  risk: RiskConfig;
  /** The comment-theme lexicon and growth rule (commentThemeConfig.ts); the defaults when left out. */
  commentThemes?: CommentThemesConfig;
}

export const DEFAULT_ASSUMPTIONS: Assumptions = Object.freeze({
  costs: DEFAULT_COST_CONFIG,
  platform: DEFAULT_PLATFORM_CONFIG,
  risk: DEFAULT_RISK_CONFIG,
  commentThemes: DEFAULT_COMMENT_THEMES_CONFIG,
});

// ------------------------------------------------------------------------------------------------
// Normalizers of the `platform` and `risk` sections.

const camel = (metric: PlatformMetric) => metric.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

function scoreBands(source: string, key: string, value: unknown): ScoreBand[] {
  if (!Array.isArray(value) || value.length === 0)
    specFail(source, `${key} must be a non-empty array of {upTo, score}: ${JSON.stringify(value)}`);
  let previous = -Infinity;
  return value.map((item: unknown, i: number) => {
    const at = `${key}[${i}]`;
    const band = specObject(source, at, item);
    specKnownKeys(source, at, band, ["upTo", "score"]);
    const last = i === value.length - 1;
    if (last !== (band.upTo === null))
      specFail(
        source,
        `${at}.upTo must be null on the last band only (no upper limit): ${JSON.stringify(band.upTo)}`,
      );
    const upTo = band.upTo === null ? null : specNumber(source, `${at}.upTo`, band.upTo, 0, 1);
    if (upTo !== null && upTo <= previous)
      specFail(source, `${at}.upTo must be above the band before it: ${upTo}`);
    previous = upTo ?? Infinity;
    const score = band.score === null ? null : specNumber(source, `${at}.score`, band.score);
    return {upTo, score};
  });
}

const PLATFORM_KEYS = [
  "windowDays",
  "signDelayDays",
  "qualityReasonGroups",
  "logisticsReasonGroups",
  "minOrders",
  "bands",
  "handlingTargetHours",
] as const;

/** Normalizes the `platform` section: windows, the 签收 stand-in, quality reasons, score bands. */
export function normalizePlatformConfig(spec: unknown, source: string, key = "platform"): PlatformConfig {
  const input = specObject(source, key, spec);
  specKnownKeys(source, key, input, PLATFORM_KEYS);
  const config: PlatformConfig = {
    ...DEFAULT_PLATFORM_CONFIG,
    configured: PLATFORM_KEYS.filter((name) => input[name] !== undefined),
  };
  const wholeDays = (name: string, value: unknown, min: number) => {
    const days = specNumber(source, `${key}.${name}`, value, min, 365);
    if (!Number.isInteger(days)) specFail(source, `${key}.${name} must be a whole number: ${days}`);
    return days;
  };
  if (input.windowDays !== undefined) config.windowDays = wholeDays("windowDays", input.windowDays, 1);
  if (input.signDelayDays !== undefined)
    config.signDelayDays = specNumber(source, `${key}.signDelayDays`, input.signDelayDays, 0, 60);
  for (const name of ["qualityReasonGroups", "logisticsReasonGroups"] as const)
    if (input[name] !== undefined)
      config[name] = specChoices(source, `${key}.${name}`, input[name], COST_REASON_GROUPS);
  if (input.minOrders !== undefined) config.minOrders = wholeDays("minOrders", input.minOrders, 0);
  if (input.handlingTargetHours !== undefined)
    config.handlingTargetHours = specNumber(
      source,
      `${key}.handlingTargetHours`,
      input.handlingTargetHours,
      1,
      24 * 60,
    );
  if (input.bands !== undefined) {
    const bands = specObject(source, `${key}.bands`, input.bands);
    specKnownKeys(source, `${key}.bands`, bands, PLATFORM_METRICS.map(camel));
    config.bands = {...DEFAULT_PLATFORM_CONFIG.bands};
    for (const metric of PLATFORM_METRICS) {
      const value = bands[camel(metric)];
      if (value !== undefined)
        config.bands = {
          ...config.bands,
          [metric]: scoreBands(source, `${key}.bands.${camel(metric)}`, value),
        };
    }
  }
  return config;
}

const RISK_KEYS = [
  "minReturns",
  "minRefundOnlyOrders",
  "minRefundOnlyShare",
  "lateWindowDays",
  "subjectiveKeywords",
  "stuckParcelDays",
] as const;

/** Normalizes the `risk` section: the thresholds of the risk lists and the subjective words. */
export function normalizeRiskConfig(spec: unknown, source: string, key = "risk"): RiskConfig {
  const input = specObject(source, key, spec);
  specKnownKeys(source, key, input, RISK_KEYS);
  const config: RiskConfig = {
    ...DEFAULT_RISK_CONFIG,
    configured: RISK_KEYS.filter((name) => input[name] !== undefined),
  };
  const count = (name: string, value: unknown) => {
    const n = specNumber(source, `${key}.${name}`, value, 1);
    if (!Number.isInteger(n)) specFail(source, `${key}.${name} must be a whole number: ${n}`);
    return n;
  };
  if (input.minReturns !== undefined) config.minReturns = count("minReturns", input.minReturns);
  if (input.minRefundOnlyOrders !== undefined)
    config.minRefundOnlyOrders = count("minRefundOnlyOrders", input.minRefundOnlyOrders);
  if (input.minRefundOnlyShare !== undefined)
    config.minRefundOnlyShare = specNumber(
      source,
      `${key}.minRefundOnlyShare`,
      input.minRefundOnlyShare,
      0,
      1,
    );
  if (input.lateWindowDays !== undefined)
    config.lateWindowDays = specNumber(source, `${key}.lateWindowDays`, input.lateWindowDays, 0, 365);
  if (input.stuckParcelDays !== undefined)
    config.stuckParcelDays = specNumber(source, `${key}.stuckParcelDays`, input.stuckParcelDays, 0, 365);
  if (input.subjectiveKeywords !== undefined) {
    const words = input.subjectiveKeywords;
    if (!Array.isArray(words) || words.length === 0)
      specFail(
        source,
        `${key}.subjectiveKeywords must be a non-empty array of words: ${JSON.stringify(words)}`,
      );
    config.subjectiveKeywords = [
      ...new Set(
        words.map((word: unknown, i: number) => {
          if (typeof word !== "string" || word.trim() === "")
            specFail(
              source,
              `${key}.subjectiveKeywords[${i}] must be a non-empty string: ${JSON.stringify(word)}`,
            );
          return word.trim();
        }),
      ),
    ];
  }
  return config;
}

// ------------------------------------------------------------------------------------------------
// The table.

export type AssumptionArea = "costs" | "platform" | "risk" | "comments";

/** One row of marts.cost_assumptions. */
export interface AssumptionRow {
  area: AssumptionArea;
  parameter: string;
  /** "*" for a single value or the default; else a province code, reason group, band or word. */
  key: string;
  value: number | null;
  text_value: string | null;
  unit: string;
  source: "default" | "config";
  /** Reliability of the default (domain.md §0): [A] official … [U] unconfirmed. */
  tag: string;
  note: string;
}

/** `source` overrides the parameter's (config when its config key was set) for one entry. */
type Entry = {key?: string; value?: number | null; text?: string; source?: "default" | "config"};

/** One parameter: the config key it comes from, its entries (one per key), and how to read it. */
interface Parameter {
  configKey: string;
  parameter: string;
  entries: Entry[];
  unit: string;
  tag: string;
  note: string;
}

const rates = (r: FreightRates): Entry[] => [
  {value: r.perParcel},
  ...Object.entries(r.byProvince).map(([key, value]) => ({key, value})),
];

/** Members of a list: the key alone; an empty list says so, so that the parameter still shows. */
const members = (list: readonly string[]): Entry[] =>
  list.length ? list.map((key) => ({key})) : [{key: "-", text: "无 none"}];

function costParameters(costs: CostConfig): Parameter[] {
  return [
    {
      configKey: "outboundFreight",
      parameter: "outbound_freight_per_parcel",
      entries: rates(costs.outboundFreight),
      unit: "元/包裹",
      tag: "[U]",
      note: "出库运费，每个主订单一个包裹（§5：2.5–5 元）· outbound freight per parcel, one parcel per 主订单",
    },
    {
      configKey: "returnFreight",
      parameter: "return_freight_per_parcel",
      entries: rates(costs.returnFreight),
      unit: "元/包裹",
      tag: "[U]",
      note: "退货运费，每个退货包裹（§5：8–15 元）· return freight per return parcel",
    },
    {
      configKey: "merchantPaysReturnFreightFor",
      parameter: "merchant_pays_return_freight",
      entries: members(costs.merchantPaysReturnFreightFor),
      unit: "原因分组",
      tag: "[U]",
      note: "商家承担退货运费的原因分组 · reason groups whose return parcel the merchant pays",
    },
    {
      configKey: "merchantPaysQualityFlagged",
      parameter: "merchant_pays_quality_flagged",
      entries: [{value: costs.merchantPaysQualityFlagged ? 1 : 0}],
      unit: "是/否",
      tag: "[U]",
      note: "原因带（商品品质/物流品质原因）时商家承担退货运费 · merchant pays when the reason is tagged 品质",
    },
    {
      configKey: "otherReturnFreightPaidBy",
      parameter: "other_return_freight_paid_by",
      entries: [{text: costs.otherReturnFreightPaidBy}],
      unit: "buyer|merchant|insurance",
      tag: "[A]",
      note: "其他原因的退货运费由谁承担（法定：消费者）· who pays other return parcels (by law: the buyer)",
    },
    {
      configKey: "freightInsurancePremiumPerOrder",
      parameter: "freight_insurance_premium_per_order",
      entries: [
        {value: costs.otherReturnFreightPaidBy === "insurance" ? costs.freightInsurancePremiumPerOrder : 0},
      ],
      unit: "元/主订单",
      tag: "[C]",
      note: "运费险保费，每个已发货主订单（仅 insurance 时计入；§5：3–8 元）· 运费险 premium per shipped 主订单",
    },
    {
      configKey: "unitCostShareOfPrice",
      parameter: "unit_cost_share_of_price",
      entries: [{value: costs.unitCostShareOfPrice}],
      unit: "占单价比例",
      tag: "[U]",
      note: "商品档案无成本价时，成本 = 单价 × 此比例 · unit cost as a share of price when the SKU master has none",
    },
    {
      configKey: "unsellableRate",
      parameter: "unsellable_rate",
      entries: [
        {value: costs.unsellableRate.default},
        ...Object.entries(costs.unsellableRate.byReasonGroup).map(([key, value]) => ({key, value})),
      ],
      unit: "比例",
      tag: "[C]",
      note: "退回商品不能再售的比例（§5：约 30%）· share of returned goods that cannot be resold",
    },
    {
      configKey: "handlingCostPerReturn",
      parameter: "handling_cost_per_return",
      entries: [{value: costs.handlingCostPerReturn}],
      unit: "元/退货",
      tag: "[C]",
      note: "质检与重新包装，每个退回商品的售后（§5：3.2 + 1.8 元）· QC and repacking per return whose goods come back",
    },
  ];
}

function platformParameters(platform: PlatformConfig): Parameter[] {
  const bands = (metric: PlatformMetric, pick: (band: ScoreBand) => number | null, none: string) =>
    platform.bands[metric].map((band, i) => {
      const value = pick(band);
      return {key: `${metric}:${i + 1}`, value, ...(value === null ? {text: none} : {})};
    });
  return [
    {
      configKey: "windowDays",
      parameter: "window_days",
      entries: [{value: platform.windowDays}],
      unit: "天",
      tag: "[B]",
      note: "近30天滚动窗口 · rolling window",
    },
    {
      configKey: "signDelayDays",
      parameter: "sign_delay_days",
      entries: [{value: platform.signDelayDays}],
      unit: "天",
      tag: "[U]",
      note: "签收 ≈ min(订单完成时间, 发货时间 + N 天) · 签收 estimated as the earlier of 订单完成时间 and shipment + N days",
    },
    {
      configKey: "qualityReasonGroups",
      parameter: "quality_reason_group",
      entries: members(platform.qualityReasonGroups),
      unit: "原因分组",
      tag: "[U]",
      note: "无（…原因）标记时算作商品品质的原因分组 · reason groups counted as 商品品质 when untagged",
    },
    {
      configKey: "logisticsReasonGroups",
      parameter: "logistics_reason_group",
      entries: members(platform.logisticsReasonGroups),
      unit: "原因分组",
      tag: "[U]",
      note: "无（…原因）标记时算作物流品质的原因分组 · reason groups counted as 物流品质 when untagged",
    },
    {
      configKey: "minOrders",
      parameter: "min_orders",
      entries: [{value: platform.minOrders}],
      unit: "单",
      tag: "[B]",
      note: "订单少于此数时平台不展示体验分 · below this many orders the platform shows no score",
    },
    {
      configKey: "bands",
      parameter: "band_upper_bound",
      entries: PLATFORM_METRICS.flatMap((metric) => bands(metric, (b) => b.upTo, "无上限 none")),
      unit: "比例",
      tag: "[C]",
      note: "分档上限（含），空 = 无上限 · band upper bound (inclusive), empty = none",
    },
    {
      configKey: "bands",
      parameter: "band_score",
      entries: PLATFORM_METRICS.flatMap((metric) => bands(metric, (b) => b.score, "未给出 not given")),
      unit: "分",
      tag: "[C]",
      note: "分档得分，空 = 来源未给出 · band score, empty = not in the source",
    },
    {
      configKey: "handlingTargetHours",
      parameter: "handling_target_hours",
      entries: [{value: platform.handlingTargetHours}],
      unit: "小时",
      tag: "[U]",
      note: "售后处理时限参考（审核、仅退款的退款）：平台未公布，常见说法 48 小时（§4.3）· after-sale handling target",
    },
  ];
}

function riskParameters(risk: RiskConfig): Parameter[] {
  return [
    {
      configKey: "minReturns",
      parameter: "min_returns",
      entries: [{value: risk.minReturns}],
      unit: "子订单",
      tag: "[U]",
      note: "退货多的买家：退货子订单数下限 · many returns: returned 子订单 at least",
    },
    {
      configKey: "minRefundOnlyOrders",
      parameter: "min_refund_only_orders",
      entries: [{value: risk.minRefundOnlyOrders}],
      unit: "子订单",
      tag: "[U]",
      note: "仅退款多的买家：已发货仅退款子订单数下限 · high refund-only: 子订单 with a 已发货仅退款 claim at least",
    },
    {
      configKey: "minRefundOnlyShare",
      parameter: "min_refund_only_share",
      entries: [{value: risk.minRefundOnlyShare}],
      unit: "比例",
      tag: "[U]",
      note: "且占已发货子订单的比例下限 · and at least this share of the buyer's shipped 子订单",
    },
    {
      configKey: "lateWindowDays",
      parameter: "late_window_days",
      entries: [{value: risk.lateWindowDays}],
      unit: "天",
      tag: "[A]",
      note: "签收后可无理由退货的天数（§4.1：7 天）· days after 签收 for a no-reason return (by law 7)",
    },
    {
      configKey: "subjectiveKeywords",
      parameter: "subjective_keyword",
      entries: members(risk.subjectiveKeywords),
      unit: "词",
      tag: "[U]",
      note: "品质原因售后说明中的主观词（4 个来自 §3.2 [B]）· subjective words in a quality claim's comment (riskKeywords.ts)",
    },
    {
      configKey: "stuckParcelDays",
      parameter: "stuck_parcel_days",
      entries: [{value: risk.stuckParcelDays}],
      unit: "天",
      tag: "[U]",
      note: "退货包裹寄出后超过此天数仍未签收（在途）即为卡住；平台未公布时限 · a return parcel in transit longer than this is stuck",
    },
  ];
}

/** The rows of marts.cost_assumptions for the assumptions in force. */
export function assumptionRows(assumptions: Assumptions): AssumptionRow[] {
  const areas: [AssumptionArea, readonly string[], Parameter[]][] = [
    ["costs", assumptions.costs.configured, costParameters(assumptions.costs)],
    ["platform", assumptions.platform.configured, platformParameters(assumptions.platform)],
    ["risk", assumptions.risk.configured, riskParameters(assumptions.risk)],
    [
      "comments",
      (assumptions.commentThemes ?? DEFAULT_COMMENT_THEMES_CONFIG).configured,
      commentThemeParameters(assumptions.commentThemes ?? DEFAULT_COMMENT_THEMES_CONFIG),
    ],
  ];
  return areas.flatMap(([area, configured, parameters]) =>
    parameters.flatMap(({configKey, parameter, entries, unit, tag, note}) =>
      entries.map((entry) => ({
        area,
        parameter,
        key: entry.key ?? "*",
        value: entry.value ?? null,
        text_value: entry.text ?? null,
        unit,
        source: entry.source ?? (configured.includes(configKey) ? ("config" as const) : ("default" as const)),
        tag,
        note,
      })),
    ),
  );
}

/** A hash of the assumptions in force: a refresh can compare it with the last build's. */
export function assumptionsFingerprint(assumptions: Assumptions): string {
  return createHash("sha256")
    .update(JSON.stringify(assumptionRows(assumptions)))
    .digest("hex");
}

const COLUMNS = ["area", "parameter", "key", "value", "text_value", "unit", "source", "tag", "note"] as const;

/**
 * Writes marts.cost_assumptions; the marts built after it read their parameters from it. Call it
 * before the mart models, in the same transaction, so that the table and the figures agree.
 */
export async function writeCostAssumptions(
  warehouse: Warehouse,
  config: CostConfig,
  others: Partial<Omit<Assumptions, "costs">> = {},
): Promise<void> {
  const rows = assumptionRows({
    costs: config,
    platform: others.platform ?? DEFAULT_PLATFORM_CONFIG,
    risk: others.risk ?? DEFAULT_RISK_CONFIG,
    commentThemes: others.commentThemes ?? DEFAULT_COMMENT_THEMES_CONFIG,
  });
  await warehouse.run("create schema if not exists marts");
  await warehouse.run(
    `create or replace table marts.cost_assumptions (
        area varchar not null,
        parameter varchar not null,
        key varchar not null,
        value double,
        text_value varchar,
        unit varchar not null,
        source varchar not null,
        tag varchar not null,
        note varchar not null,
        primary key (area, parameter, key)
    )`,
  );
  const params: Record<string, string | number | null> = {};
  const tuples = rows.map((row, i) => {
    for (const column of COLUMNS) params[`${column}_${i}`] = row[column];
    return `(${COLUMNS.map((column) => `$${column}_${i}`).join(", ")})`;
  });
  await warehouse.run(`insert into marts.cost_assumptions values ${tuples.join(", ")}`, params);
}

/** One line per parameter, for printing beside a figure: `name = value unit (source, tag)`. */
export function formatAssumptions(rows: readonly AssumptionRow[]): string[] {
  const lines = new Map<string, string[]>();
  for (const row of rows) {
    const name = `${row.area}.${row.parameter}`;
    const shown = row.text_value ?? (row.value === null ? null : String(row.value));
    const entry = row.key === "*" ? (shown ?? "-") : shown === null ? row.key : `${row.key}=${shown}`;
    const head = `${name} (${row.source}, ${row.tag}, ${row.unit}):`;
    lines.set(head, [...(lines.get(head) ?? []), entry]);
  }
  return [...lines].map(([head, entries]) => `${head} ${entries.join(", ")}`);
}
