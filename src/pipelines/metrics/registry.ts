/**
 * The published metrics: what each counts, which mart it reads and by which dimensions it may be cut.
 * The definitions themselves live in SQL (models/intermediate, models/marts) and docs/metrics.md;
 * this registry only names the mart columns, so that the query layer never takes an identifier from
 * its caller.
 */

export interface Bilingual {
  zh: string;
  en: string;
}

export type MartName = "return_rates_daily" | "after_sales_applied_daily" | "cohort_maturity";

export interface MartSpec {
  /** Qualified table name. */
  table: string;
  /** The date column that --from/--to, week and month refer to. */
  dateColumn: string;
  dateBasis: Bilingual;
}

export const MARTS: Record<MartName, MartSpec> = {
  return_rates_daily: {
    table: "marts.return_rates_daily",
    dateColumn: "cohort_date",
    dateBasis: {zh: "支付日期（订单批次）", en: "payment date (order cohort)"},
  },
  after_sales_applied_daily: {
    table: "marts.after_sales_applied_daily",
    dateColumn: "applied_date",
    dateBasis: {zh: "售后申请日期", en: "after-sale application date"},
  },
  cohort_maturity: {
    table: "marts.cohort_maturity",
    dateColumn: "cohort_date",
    dateBasis: {zh: "支付日期（订单批次）", en: "payment date (order cohort)"},
  },
};

export const DIMENSION_NAMES = [
  "week",
  "month",
  "shop",
  "reason_group",
  "reason",
  "product",
  "sku",
  "size",
  "color",
  "category",
  "province",
  "city",
  "channel",
  "influencer",
  "format",
  "app",
  "traffic_type",
  "type",
  "status",
] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];

export interface DimensionColumn {
  /** Name of the output column. */
  name: string;
  /** SQL over one mart row; `date` is the mart's date column (a known identifier). */
  sql: (date: string) => string;
}

export interface DimensionSpec {
  name: DimensionName;
  description: Bilingual;
  columns: readonly DimensionColumn[];
  /** A reason dimension: for the return rates it slices the numerator only (docs/metrics.md). */
  isReason?: boolean;
}

const column = (name: string, mart: string): DimensionColumn => ({name, sql: () => mart});

export const DIMENSIONS: Record<DimensionName, DimensionSpec> = {
  week: {
    name: "week",
    description: {
      zh: "ISO 周（北京时间日期），如 2026-W47",
      en: "ISO week of the Beijing date, e.g. 2026-W47",
    },
    columns: [{name: "week", sql: (date) => `strftime(${date}, '%G-W%V')`}],
  },
  month: {
    name: "month",
    description: {zh: "月份（北京时间日期），如 2026-11", en: "month of the Beijing date, e.g. 2026-11"},
    columns: [{name: "month", sql: (date) => `strftime(${date}, '%Y-%m')`}],
  },
  shop: {name: "shop", description: {zh: "店铺", en: "shop"}, columns: [column("shop", "shop_id")]},
  reason_group: {
    name: "reason_group",
    description: {zh: "售后原因分组", en: "reason group"},
    columns: [column("reason_group", "reason_group")],
    isReason: true,
  },
  reason: {
    name: "reason",
    description: {zh: "售后原因（规范化原文）", en: "reason text (normalized)"},
    columns: [column("reason", "reason")],
    isReason: true,
  },
  product: {
    name: "product",
    description: {zh: "商品ID", en: "product ID"},
    columns: [column("product", "product_id")],
  },
  sku: {
    name: "sku",
    description: {zh: "商家编码", en: "SKU code (商家编码)"},
    columns: [column("sku", "sku_code")],
  },
  size: {name: "size", description: {zh: "尺码", en: "size"}, columns: [column("size", "size")]},
  color: {name: "color", description: {zh: "颜色", en: "colour"}, columns: [column("color", "color")]},
  category: {
    name: "category",
    description: {zh: "品类（商品档案）", en: "category (SKU master)"},
    columns: [column("category", "category")],
  },
  province: {
    name: "province",
    description: {zh: "收货省份（GB/T 2260）", en: "province of the recipient (GB/T 2260)"},
    columns: [column("province", "province_name"), column("province_code", "province_code")],
  },
  city: {
    name: "city",
    description: {zh: "收货城市", en: "city of the recipient"},
    columns: [column("city", "city")],
  },
  channel: {
    name: "channel",
    description: {
      zh: "流量来源（如 精选联盟、小店自卖）",
      en: "traffic source, 流量来源 (e.g. 精选联盟, 小店自卖)",
    },
    columns: [column("channel", "traffic_source")],
  },
  influencer: {
    name: "influencer",
    description: {zh: "达人昵称", en: "influencer nickname (达人昵称)"},
    columns: [column("influencer", "influencer_name")],
  },
  format: {
    name: "format",
    description: {
      zh: "流量体裁（直播、短视频、商品卡…）",
      en: "traffic format, 流量体裁 (直播, 短视频, 商品卡, …)",
    },
    columns: [column("format", "traffic_format")],
  },
  app: {
    name: "app",
    description: {zh: "APP渠道", en: "app (APP渠道)"},
    columns: [column("app", "app_channel")],
  },
  traffic_type: {
    name: "traffic_type",
    description: {zh: "流量类型（广告、非广告）", en: "traffic type, 流量类型 (广告 / 非广告)"},
    columns: [column("traffic_type", "traffic_type")],
  },
  type: {
    name: "type",
    description: {zh: "售后类型", en: "after-sale type"},
    columns: [column("type", "after_sale_type")],
  },
  status: {
    name: "status",
    description: {zh: "售后状态分组", en: "after-sale status group"},
    columns: [column("status", "after_sale_status_group")],
  },
};

/** Dimensions of every 子订单 fact, shared by all metrics. */
const LINE_DIMENSIONS: readonly DimensionName[] = [
  "week",
  "month",
  "shop",
  "product",
  "sku",
  "size",
  "color",
  "category",
  "province",
  "city",
  "channel",
  "influencer",
  "format",
  "app",
  "traffic_type",
];
const REASON_DIMENSIONS: readonly DimensionName[] = ["reason_group", "reason"];
/** In the order the issue lists them, then the extra ones. */
const withReasons = (extra: readonly DimensionName[] = []): DimensionName[] =>
  DIMENSION_NAMES.filter(
    (d) => LINE_DIMENSIONS.includes(d) || REASON_DIMENSIONS.includes(d) || extra.includes(d),
  );

export interface MetricSpec {
  name: string;
  kind: "rate" | "count";
  label: Bilingual;
  description: Bilingual;
  mart: MartName;
  /** Mart column summed for the numerator (or the count); also the output column name. */
  numerator: string;
  /** Mart column summed for the denominator; also the output column name. */
  denominator?: string;
  dimensions: readonly DimensionName[];
  /**
   * Reason dimensions attribute each counted 子订单 to one reason: they slice the numerator, and the
   * denominator of a slice is the whole group's (the same rows without the reason dimensions).
   */
  reasonSlicesNumerator?: boolean;
  /** The numerator is an estimate with a fractional part (summed as double, not bigint). */
  fractional?: boolean;
}

const EFFECTIVE_EN =
  "an effective after-sale (退货退款 or 已发货仅退款 whose latest status is not closed, failed, rejected or cancelled)";
const EFFECTIVE_ZH = "有效售后（退货退款或已发货仅退款，且最新状态不是关闭、失败、拒绝或取消）";

export const METRICS: readonly MetricSpec[] = [
  {
    name: "unit-return-rate",
    kind: "rate",
    label: {zh: "件数退货率", en: "Unit return rate"},
    description: {
      zh: `有${EFFECTIVE_ZH}的已发货子订单的商品数量之和 ÷ 已发货子订单的商品数量之和；按支付日期分批次。`,
      en: `Units of shipped 子订单 with ${EFFECTIVE_EN} ÷ units of shipped 子订单; by payment date (order cohort).`,
    },
    mart: "return_rates_daily",
    numerator: "returned_units",
    denominator: "shipped_units",
    dimensions: withReasons(),
    reasonSlicesNumerator: true,
  },
  {
    name: "order-return-rate",
    kind: "rate",
    label: {zh: "子订单退货率", en: "Order return rate"},
    description: {
      zh: `有${EFFECTIVE_ZH}的已发货子订单数 ÷ 已发货子订单数；按支付日期分批次。`,
      en: `Shipped 子订单 with ${EFFECTIVE_EN} ÷ shipped 子订单; by payment date (order cohort).`,
    },
    mart: "return_rates_daily",
    numerator: "returned_orders",
    denominator: "shipped_orders",
    dimensions: withReasons(),
    reasonSlicesNumerator: true,
  },
  {
    name: "return-refund-rate",
    kind: "rate",
    label: {zh: "退货退款率", en: "Return-and-refund rate"},
    description: {
      zh: "有未关闭的退货退款售后的已发货子订单数 ÷ 已发货子订单数；按支付日期分批次。",
      en: "Shipped 子订单 with a 退货退款 after-sale that is not closed, failed, rejected or cancelled ÷ shipped 子订单; by payment date.",
    },
    mart: "return_rates_daily",
    numerator: "return_refund_orders",
    denominator: "shipped_orders",
    dimensions: LINE_DIMENSIONS,
  },
  {
    name: "shipped-refund-only-rate",
    kind: "rate",
    label: {zh: "已发货仅退款率", en: "Refund-only-after-shipment rate"},
    description: {
      zh: "有未关闭的已发货仅退款售后的已发货子订单数 ÷ 已发货子订单数；按支付日期分批次。",
      en: "Shipped 子订单 with a 已发货仅退款 after-sale that is not closed, failed, rejected or cancelled ÷ shipped 子订单; by payment date.",
    },
    mart: "return_rates_daily",
    numerator: "shipped_refund_only_orders",
    denominator: "shipped_orders",
    dimensions: LINE_DIMENSIONS,
  },
  {
    name: "exchange-rate",
    kind: "rate",
    label: {zh: "换货率", en: "Exchange rate"},
    description: {
      zh: "有未关闭的换货售后的已发货子订单数 ÷ 已发货子订单数；按支付日期分批次。",
      en: "Shipped 子订单 with a 换货 after-sale that is not closed, failed, rejected or cancelled ÷ shipped 子订单; by payment date.",
    },
    mart: "return_rates_daily",
    numerator: "exchange_orders",
    denominator: "shipped_orders",
    dimensions: LINE_DIMENSIONS,
  },
  {
    name: "pre-shipment-refund-rate",
    kind: "rate",
    label: {zh: "发货前退款率", en: "Pre-shipment refund rate"},
    description: {
      zh: "有未关闭的未发货仅退款售后的已支付子订单数 ÷ 已支付子订单数；按支付日期分批次。",
      en: "Paid 子订单 with a 未发货仅退款 after-sale that is not closed, failed, rejected or cancelled ÷ paid 子订单; by payment date.",
    },
    mart: "return_rates_daily",
    numerator: "unshipped_refund_only_orders",
    denominator: "paid_orders",
    dimensions: LINE_DIMENSIONS,
  },
  {
    name: "after-sales-applied",
    kind: "count",
    label: {zh: "售后申请量", en: "After-sales applied"},
    description: {
      zh: "按售后申请日期统计的售后单数（全部类型、全部状态），用于工作量视图。",
      en: "After-sales by the day they were applied for (every type and status): the workload view.",
    },
    mart: "after_sales_applied_daily",
    numerator: "after_sale_count",
    dimensions: withReasons(["type", "status"]),
  },
  {
    name: "forecast-return-rate",
    kind: "rate",
    label: {zh: "预测件数退货率", en: "Forecast unit return rate"},
    description: {
      zh: "预计最终退货件数 ÷ 已发货件数；未成熟批次按滞后曲线预测（Bornhuetter–Ferguson），扣除预计会关闭的处理中售后；按支付日期分批次。",
      en: "Expected final returned units ÷ shipped units: immature cohorts forecast from the lag curve (Bornhuetter–Ferguson), net of open returns expected to close; by payment date.",
    },
    mart: "cohort_maturity",
    numerator: "forecast_returned_units",
    denominator: "shipped_units",
    dimensions: ["week", "month", "shop", "category"],
    fractional: true,
  },
];

export const METRIC_NAMES: readonly string[] = METRICS.map((m) => m.name);
