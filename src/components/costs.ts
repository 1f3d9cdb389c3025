/**
 * The arithmetic of the costs page (and of the regions page's cost columns), kept free of the DOM
 * so that tests can check it: turning the column-wise loader output back into rows, summing the
 * cost components (every amount is additive: per order and share of GMV are Σ ÷ Σ), grouping by
 * component, reason group, week, SKU and province, and describing the assumptions in force
 * (marts.cost_assumptions) in words a merchant can check the figures against.
 */
import {fromColumns} from "./columnar.js";
import {formatPercent, formatYuan} from "./format.js";

// ------------------------------------------------------------------------------------------------
// Column-wise loader output.

export {fromColumns} from "./columnar.js";

// ------------------------------------------------------------------------------------------------
// Components.

export type ComponentKey =
  | "outbound_freight_amount"
  | "return_freight_amount"
  | "refunded_freight_amount"
  | "freight_insurance_amount"
  | "goods_loss_amount"
  | "handling_amount";

export interface Component {
  key: ComponentKey;
  label: string;
  en: string;
  part: "logistics" | "loss";
}

/** The cost components of marts.return_costs, logistics first (docs/metrics.md §9.2). */
export const COST_COMPONENTS: readonly Component[] = [
  {
    key: "outbound_freight_amount",
    label: "出库运费（已损失）",
    en: "Outbound freight lost",
    part: "logistics",
  },
  {key: "return_freight_amount", label: "退货运费（商家承担）", en: "Return freight paid", part: "logistics"},
  {key: "refunded_freight_amount", label: "退还买家运费", en: "Freight refunded", part: "logistics"},
  {key: "freight_insurance_amount", label: "运费险保费", en: "Freight insurance", part: "logistics"},
  {key: "goods_loss_amount", label: "货损（不可再售）", en: "Unsellable goods", part: "loss"},
  {key: "handling_amount", label: "处理费（质检与包装）", en: "Handling", part: "loss"},
];

type Components = Record<ComponentKey, number>;

/** src/data/return_costs/reasons.json, one row per (week, shop, category, channel, reason group). */
export interface CostReasonRow extends Components {
  week_start: string;
  week: string;
  week_days: number;
  shop_id: string;
  category: string | null;
  channel: string | null;
  /** NULL: 子订单 that were not returned (GMV, and the 运费险 premium when it applies). */
  reason_group: string | null;
  paid_orders: number;
  returned_orders: number;
  /** Returned with 退货退款 (goods come back): one handling fee each. */
  return_refund_orders: number;
  /** Returned 子订单 whose return parcel the merchant pays. */
  merchant_freight_orders: number;
  gmv_amount: number;
  refund_goods_amount: number;
}

export const COST_REASON_COLUMNS: readonly (keyof CostReasonRow & string)[] = [
  "week_start",
  "week",
  "week_days",
  "shop_id",
  "category",
  "channel",
  "reason_group",
  "paid_orders",
  "returned_orders",
  "return_refund_orders",
  "merchant_freight_orders",
  "gmv_amount",
  "refund_goods_amount",
  ...COST_COMPONENTS.map((c) => c.key),
];

export const costReasonRows = (payload: unknown) => fromColumns<CostReasonRow>(payload, COST_REASON_COLUMNS);

export interface CostTotals extends Components {
  paid_orders: number;
  returned_orders: number;
  return_refund_orders: number;
  merchant_freight_orders: number;
  gmv_amount: number;
  refund_goods_amount: number;
  logistics_cost_amount: number;
  loss_amount: number;
  total_cost_amount: number;
}

const COUNT_KEYS = [
  "paid_orders",
  "returned_orders",
  "return_refund_orders",
  "merchant_freight_orders",
  "gmv_amount",
  "refund_goods_amount",
] as const;

/** Rounds sums of amounts in 元 to the fen: adding many doubles leaves 0.30000000000000004s. */
const fen = (value: number) => Math.round(value * 100) / 100;

/** Σ of every measure of the rows, with the logistics, loss and total subtotals. */
export function costTotals(rows: readonly Partial<CostReasonRow>[]): CostTotals {
  const totals = Object.fromEntries(
    [...COUNT_KEYS, ...COST_COMPONENTS.map((c) => c.key)].map((key) => [key, 0]),
  ) as Record<(typeof COUNT_KEYS)[number] | ComponentKey, number>;
  for (const row of rows)
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += Number(row[key]) || 0;
  for (const key of [...COST_COMPONENTS.map((c) => c.key), "gmv_amount", "refund_goods_amount"] as const)
    totals[key] = fen(totals[key]);
  const part = (name: Component["part"]) =>
    fen(COST_COMPONENTS.filter((c) => c.part === name).reduce((sum, c) => sum + totals[c.key], 0));
  const logistics = part("logistics");
  const loss = part("loss");
  return {
    ...totals,
    logistics_cost_amount: logistics,
    loss_amount: loss,
    total_cost_amount: fen(logistics + loss),
  };
}

function groupBy<R>(rows: readonly R[], keyOf: (row: R) => string): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const members = groups.get(key);
    if (members) members.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}

const share = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

export interface ComponentLine {
  key: ComponentKey | "logistics_cost_amount" | "loss_amount" | "total_cost_amount" | "refund_goods_amount";
  label: string;
  en: string;
  /** component, a subtotal (logistics, loss), the total, or the refund (not a cost). */
  kind: "component" | "subtotal" | "total" | "refund";
  amount: number;
  /** ÷ returned 子订单 (每单成本). */
  per_return: number | null;
  /** ÷ paid 子订单. */
  per_order: number | null;
  /** ÷ GMV. */
  share_of_gmv: number | null;
  /** ÷ total cost (null for the refund, which is not part of it). */
  share_of_cost: number | null;
}

/** One line per component, the logistics and loss subtotals, the total, and the refund apart. */
export function componentLines(totals: CostTotals): ComponentLine[] {
  const line = (
    key: ComponentLine["key"],
    label: string,
    en: string,
    kind: ComponentLine["kind"],
  ): ComponentLine => {
    const amount = totals[key];
    return {
      key,
      label,
      en,
      kind,
      amount,
      per_return: share(amount, totals.returned_orders),
      per_order: share(amount, totals.paid_orders),
      share_of_gmv: share(amount, totals.gmv_amount),
      share_of_cost: kind === "refund" ? null : share(amount, totals.total_cost_amount),
    };
  };
  const of = (part: Component["part"]) =>
    COST_COMPONENTS.filter((c) => c.part === part).map((c) => line(c.key, c.label, c.en, "component"));
  return [
    ...of("logistics"),
    line("logistics_cost_amount", "物流成本小计", "Logistics cost", "subtotal"),
    ...of("loss"),
    line("loss_amount", "损耗小计", "Loss", "subtotal"),
    line("total_cost_amount", "退货成本合计", "Total return cost", "total"),
    line("refund_goods_amount", "退款（退商品金额，不计入成本）", "Refund: revenue given back", "refund"),
  ];
}

// ------------------------------------------------------------------------------------------------
// By reason group and by week.

/** The label of rows that were not returned (they carry only the 运费险 premium). */
export const NOT_RETURNED = "未退货（运费险保费）";

export interface ReasonCosts extends CostTotals {
  reason_group: string;
  per_return: number | null;
  /** The reason's cost ÷ the GMV of the whole selection (docs/metrics.md §9.2). */
  share_of_gmv: number | null;
  share_of_cost: number | null;
}

/**
 * Cost by reason group, most costly first. Rows that were not returned appear (as NOT_RETURNED)
 * only when they carry a cost (the 运费险 premium); their GMV is part of every share's denominator.
 */
export function costsByReason(rows: readonly CostReasonRow[]): ReasonCosts[] {
  const all = costTotals(rows);
  const groups = groupBy(rows, (row) => row.reason_group ?? NOT_RETURNED);
  return [...groups]
    .map(([reason_group, members]) => {
      const totals = costTotals(members);
      return {
        ...totals,
        reason_group,
        per_return: share(totals.total_cost_amount, totals.returned_orders),
        share_of_gmv: share(totals.total_cost_amount, all.gmv_amount),
        share_of_cost: share(totals.total_cost_amount, all.total_cost_amount),
      };
    })
    .filter((group) => group.reason_group !== NOT_RETURNED || group.total_cost_amount > 0)
    .sort(
      (a, b) => b.total_cost_amount - a.total_cost_amount || a.reason_group.localeCompare(b.reason_group),
    );
}

export interface WeekCosts extends CostTotals {
  week_start: string;
  week: string;
  week_days: number;
  share_of_gmv: number | null;
  per_return: number | null;
}

/** Cost by cohort week, oldest first. */
export function costsByWeek(rows: readonly CostReasonRow[]): WeekCosts[] {
  return [...groupBy(rows, (row) => row.week_start)]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([week_start, members]) => {
      const totals = costTotals(members);
      return {
        ...totals,
        week_start,
        week: members[0]!.week,
        week_days: Math.max(...members.map((m) => m.week_days)),
        share_of_gmv: share(totals.total_cost_amount, totals.gmv_amount),
        per_return: share(totals.total_cost_amount, totals.returned_orders),
      };
    });
}

/** Long rows for a stacked chart: one per (group, component) with a non-zero amount. */
export function componentStack<G extends Components>(
  groups: readonly G[],
  keyOf: (group: G) => string,
): {key: string; component: string; part: Component["part"]; amount: number}[] {
  return groups.flatMap((group) =>
    COST_COMPONENTS.filter((c) => group[c.key] !== 0).map((c) => ({
      key: keyOf(group),
      component: c.label,
      part: c.part,
      amount: group[c.key],
    })),
  );
}

// ------------------------------------------------------------------------------------------------
// By SKU.

/** src/data/return_costs/skus.json: one row per (week, shop, category, channel, listed SKU). */
export interface CostSkuRow {
  week_start: string;
  shop_id: string;
  category: string | null;
  channel: string | null;
  /** 1–100 within the shop by return cost over all weeks; NULL: the other SKUs together. */
  sku_rank: number | null;
  sku_code: string | null;
  paid_orders: number;
  returned_orders: number;
  gmv_amount: number;
  refund_goods_amount: number;
  logistics_cost_amount: number;
  loss_amount: number;
  total_cost_amount: number;
}

export interface ListedSku {
  shop_id: string;
  sku_rank: number;
  sku_code: string | null;
  product_id: string | null;
  product_name: string | null;
  color: string | null;
  size: string | null;
}

const SKU_MEASURES = [
  "paid_orders",
  "returned_orders",
  "gmv_amount",
  "refund_goods_amount",
  "logistics_cost_amount",
  "loss_amount",
  "total_cost_amount",
] as const;

export const COST_SKU_COLUMNS: readonly (keyof CostSkuRow & string)[] = [
  "week_start",
  "shop_id",
  "category",
  "channel",
  "sku_rank",
  "sku_code",
  ...SKU_MEASURES,
];

/** The SKU loader's rows and the listed SKUs' names. */
export function costSkuData(payload: unknown): {rows: CostSkuRow[]; listed: ListedSku[]} {
  const table = (Array.isArray(payload) ? payload[0] : payload) as {listed_skus?: ListedSku[] | null} | null;
  return {rows: fromColumns<CostSkuRow>(payload, COST_SKU_COLUMNS), listed: table?.listed_skus ?? []};
}

type SkuMeasures = Record<(typeof SKU_MEASURES)[number], number>;

export interface SkuCosts extends SkuMeasures {
  shop_id: string;
  sku_rank: number;
  sku_code: string | null;
  product_id: string | null;
  product_name: string | null;
  color: string | null;
  size: string | null;
  per_return: number | null;
  /** The SKU's cost ÷ its own GMV. */
  share_of_gmv: number | null;
}

function sumSkuMeasures(rows: readonly CostSkuRow[]): SkuMeasures {
  const totals = Object.fromEntries(SKU_MEASURES.map((key) => [key, 0])) as SkuMeasures;
  for (const row of rows) for (const key of SKU_MEASURES) totals[key] += Number(row[key]) || 0;
  for (const key of SKU_MEASURES) if (key.endsWith("_amount")) totals[key] = fen(totals[key]);
  return totals;
}

/**
 * The listed SKUs of the (already filtered) rows, most costly first (ties by shop and rank), and
 * the other SKUs summed as `rest`. SKUs without returns or cost in the selection are left out.
 */
export function costsBySku(
  rows: readonly CostSkuRow[],
  listed: readonly ListedSku[],
): {skus: SkuCosts[]; rest: SkuMeasures} {
  const names = new Map(listed.map((sku) => [`${sku.shop_id}\u0000${sku.sku_rank}`, sku]));
  const bySku = groupBy(
    rows.filter((row) => row.sku_rank !== null),
    (row) => `${row.shop_id}\u0000${row.sku_rank}`,
  );
  const rest = rows.filter((row) => row.sku_rank === null);
  const skus = [...bySku]
    .map(([key, members]): SkuCosts => {
      const totals = sumSkuMeasures(members);
      const first = members[0]!;
      const name = names.get(key);
      return {
        ...totals,
        shop_id: first.shop_id,
        sku_rank: first.sku_rank!,
        sku_code: first.sku_code,
        product_id: name?.product_id ?? null,
        product_name: name?.product_name ?? null,
        color: name?.color ?? null,
        size: name?.size ?? null,
        per_return: share(totals.total_cost_amount, totals.returned_orders),
        share_of_gmv: share(totals.total_cost_amount, totals.gmv_amount),
      };
    })
    .filter((sku) => sku.returned_orders > 0 || sku.total_cost_amount > 0)
    .sort(
      (a, b) =>
        b.total_cost_amount - a.total_cost_amount ||
        a.shop_id.localeCompare(b.shop_id) ||
        a.sku_rank - b.sku_rank,
    );
  return {skus, rest: sumSkuMeasures(rest)};
}

// ------------------------------------------------------------------------------------------------
// By province (the regions page).

/** src/data/return_costs/provinces.json: one row per (week, shop, category, channel, province). */
export interface CostProvinceRow {
  week_start: string;
  shop_id: string;
  category: string | null;
  channel: string | null;
  province_code: string | null;
  paid_orders: number;
  returned_orders: number;
  gmv_amount: number;
  logistics_cost_amount: number;
  total_cost_amount: number;
}

export const COST_PROVINCE_COLUMNS: readonly (keyof CostProvinceRow & string)[] = [
  "week_start",
  "shop_id",
  "category",
  "channel",
  "province_code",
  "paid_orders",
  "returned_orders",
  "gmv_amount",
  "logistics_cost_amount",
  "total_cost_amount",
];

export const costProvinceRows = (payload: unknown) =>
  fromColumns<CostProvinceRow>(payload, COST_PROVINCE_COLUMNS);

export interface ProvinceCosts {
  province_code: string | null;
  paid_orders: number;
  returned_orders: number;
  gmv_amount: number;
  logistics_cost_amount: number;
  total_cost_amount: number;
  /** 每单成本: total cost ÷ returned 子订单. */
  cost_per_return: number | null;
  /** Logistics share: logistics cost ÷ GMV. */
  logistics_share: number | null;
}

/** Cost by province of the (already filtered) rows, keyed by province code ("" for 未知). */
export function costsByProvince(rows: readonly CostProvinceRow[]): Map<string, ProvinceCosts> {
  const byCode = new Map<string, ProvinceCosts>();
  for (const row of rows) {
    const key = row.province_code ?? "";
    const known = byCode.get(key) ?? {
      province_code: row.province_code,
      paid_orders: 0,
      returned_orders: 0,
      gmv_amount: 0,
      logistics_cost_amount: 0,
      total_cost_amount: 0,
      cost_per_return: null,
      logistics_share: null,
    };
    known.paid_orders += row.paid_orders;
    known.returned_orders += row.returned_orders;
    known.gmv_amount += row.gmv_amount;
    known.logistics_cost_amount += row.logistics_cost_amount;
    known.total_cost_amount += row.total_cost_amount;
    byCode.set(key, known);
  }
  for (const province of byCode.values()) {
    province.gmv_amount = fen(province.gmv_amount);
    province.logistics_cost_amount = fen(province.logistics_cost_amount);
    province.total_cost_amount = fen(province.total_cost_amount);
    province.cost_per_return = share(province.total_cost_amount, province.returned_orders);
    province.logistics_share = share(province.logistics_cost_amount, province.gmv_amount);
  }
  return byCode;
}

// ------------------------------------------------------------------------------------------------
// The assumptions in force.

/** src/data/cost_assumptions.json: marts.cost_assumptions, area costs. */
export interface CostAssumption {
  parameter: string;
  key: string;
  value: number | null;
  text_value: string | null;
  unit: string;
  source: string;
  tag: string;
  note: string;
}

const PAYERS: Record<string, string> = {buyer: "买家", merchant: "商家", insurance: "运费险"};

/** The parameters the cost model reads, in a usable form. */
export interface CostSettings {
  outboundRate: number | null;
  outboundByProvince: {key: string; value: number}[];
  returnRate: number | null;
  returnByProvince: {key: string; value: number}[];
  merchantPaysFor: string[];
  merchantPaysQualityFlagged: boolean;
  otherPayer: string | null;
  premium: number;
  unitCostShare: number | null;
  unsellableRate: number | null;
  unsellableByGroup: {key: string; value: number}[];
  handlingCost: number | null;
}

export function costSettings(rows: readonly CostAssumption[]): CostSettings {
  const of = (parameter: string) => rows.filter((r) => r.parameter === parameter);
  const single = (parameter: string) => of(parameter).find((r) => r.key === "*");
  const keyed = (parameter: string) =>
    of(parameter)
      .filter((r) => r.key !== "*" && r.value !== null)
      .map((r) => ({key: r.key, value: r.value!}));
  return {
    outboundRate: single("outbound_freight_per_parcel")?.value ?? null,
    outboundByProvince: keyed("outbound_freight_per_parcel"),
    returnRate: single("return_freight_per_parcel")?.value ?? null,
    returnByProvince: keyed("return_freight_per_parcel"),
    merchantPaysFor: of("merchant_pays_return_freight")
      .map((r) => r.key)
      .filter((key) => key !== "-"),
    merchantPaysQualityFlagged: single("merchant_pays_quality_flagged")?.value === 1,
    otherPayer: single("other_return_freight_paid_by")?.text_value ?? null,
    premium: single("freight_insurance_premium_per_order")?.value ?? 0,
    unitCostShare: single("unit_cost_share_of_price")?.value ?? null,
    unsellableRate: single("unsellable_rate")?.value ?? null,
    unsellableByGroup: keyed("unsellable_rate"),
    handlingCost: single("handling_cost_per_return")?.value ?? null,
  };
}

/** Who pays the return parcel of a 退货退款 with this reason group (NOT_RETURNED: nobody). */
export function returnFreightPayer(settings: CostSettings, reasonGroup: string): string {
  if (reasonGroup === NOT_RETURNED) return "—";
  if (settings.merchantPaysFor.includes(reasonGroup)) return "商家";
  const other = PAYERS[settings.otherPayer ?? ""] ?? settings.otherPayer ?? "—";
  return settings.merchantPaysQualityFlagged && other !== "商家" ? `${other}（带品质标记的：商家）` : other;
}

/** The unsellable share of a 退货退款's goods with this reason group (已发货仅退款: always 1). */
export function unsellableRateFor(settings: CostSettings, reasonGroup: string): number | null {
  if (reasonGroup === NOT_RETURNED) return null;
  return settings.unsellableByGroup.find((r) => r.key === reasonGroup)?.value ?? settings.unsellableRate;
}

const yuan = (value: number | null) => (value === null ? "—" : formatYuan(value));
const listed = (
  entries: {key: string; value: number}[],
  name: (key: string) => string,
  format: (v: number) => string,
) => (entries.length ? `；${entries.map((e) => `${name(e.key)} ${format(e.value)}`).join("、")}` : "");

/**
 * How each component is computed, in words and with the parameters in force, so that a figure can
 * be checked against the printed assumptions (the handling fee exactly: fee × 退货退款 count).
 */
export function componentMethods(
  settings: CostSettings,
  totals: CostTotals,
  provinceName: (code: string) => string = (code) => code,
): Record<ComponentLine["key"], string> {
  const otherPayer = PAYERS[settings.otherPayer ?? ""] ?? settings.otherPayer ?? "—";
  const unsellable = (v: number) => formatPercent(v, 0);
  return {
    outbound_freight_amount:
      `每个主订单一个出库包裹 ${yuan(settings.outboundRate)}${listed(settings.outboundByProvince, provinceName, yuan)}，` +
      `在其已发货子订单间平分；已退货子订单的份额计入（${totals.returned_orders} 个已退货子订单）`,
    return_freight_amount:
      `仅退货退款：每个退货包裹 ${yuan(settings.returnRate)}${listed(settings.returnByProvince, provinceName, yuan)}，` +
      `商家承担 ${settings.merchantPaysFor.join("、") || "无"}${settings.merchantPaysQualityFlagged ? "及带品质标记的原因" : ""}，` +
      `其他由${otherPayer}承担（本选择中商家承担 ${totals.merchant_freight_orders} 个子订单的包裹）`,
    refunded_freight_amount: "归因售后的“退运费金额”（导出数据，不是假设）",
    freight_insurance_amount:
      settings.otherPayer === "insurance"
        ? `每个已发货主订单 ${yuan(settings.premium)}，在其已发货子订单间平分（退货与否都有）`
        : `未启用：其他原因的退货运费由${otherPayer}承担（启用运费险时每个已发货主订单计保费）`,
    goods_loss_amount:
      `单位成本 × 件数 × 不可再售比例。单位成本：商品档案成本价，没有时为售价 × ${settings.unitCostShare ?? "—"}；` +
      `比例：退货退款 ${settings.unsellableRate === null ? "—" : unsellable(settings.unsellableRate)}` +
      `${listed(settings.unsellableByGroup, (k) => k, unsellable)}，已发货仅退款 100%（货未退回）`,
    handling_amount: `每个退货退款 ${yuan(settings.handlingCost)} × ${totals.return_refund_orders} 个 = ${yuan(
      settings.handlingCost === null ? null : fen(settings.handlingCost * totals.return_refund_orders),
    )}`,
    logistics_cost_amount: "以上四项之和",
    loss_amount: "以上两项之和",
    total_cost_amount: "物流成本小计 + 损耗小计",
    refund_goods_amount: "归因售后的“退商品金额”：退还给买家的货款，是收入的减少，不计入退货成本",
  };
}

export interface AssumptionLine {
  parameter: string;
  label: string;
  value: string;
  source: string;
  tag: string;
  note: string;
}

const PARAMETER_LABELS: Record<string, string> = {
  outbound_freight_per_parcel: "出库运费 · 每包裹",
  return_freight_per_parcel: "退货运费 · 每包裹",
  merchant_pays_return_freight: "商家承担退货运费的原因",
  merchant_pays_quality_flagged: "带品质标记时商家承担",
  other_return_freight_paid_by: "其他原因的退货运费由谁承担",
  freight_insurance_premium_per_order: "运费险保费 · 每主订单",
  unit_cost_share_of_price: "无成本价时：成本 = 售价 ×",
  unsellable_rate: "不可再售比例（退货退款）",
  handling_cost_per_return: "处理费 · 每个退货退款",
};

/** One printable line per parameter, in the order of PARAMETER_LABELS, unknown parameters last. */
export function assumptionLines(
  rows: readonly CostAssumption[],
  provinceName: (code: string) => string = (code) => code,
): AssumptionLine[] {
  const order = Object.keys(PARAMETER_LABELS);
  const parameters = [...new Set(rows.map((r) => r.parameter))].sort(
    (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  return parameters.map((parameter) => {
    const entries = rows.filter((r) => r.parameter === parameter);
    const show = (r: CostAssumption): string => {
      if (r.text_value !== null) return PAYERS[r.text_value] ?? r.text_value;
      if (r.value === null) return r.key;
      if (r.unit.startsWith("元")) return `${formatYuan(r.value)}${r.unit.slice(1)}`;
      if (r.unit === "是/否") return r.value === 1 ? "是" : "否";
      if (r.unit === "比例") return formatPercent(r.value, 0);
      return String(r.value);
    };
    const keyName = (key: string) => (parameter.endsWith("_per_parcel") ? provinceName(key) : key);
    const value = entries
      .map((r) => (r.key === "*" || r.value === null ? show(r) : `${keyName(r.key)} ${show(r)}`))
      .join("、");
    const first = entries[0]!;
    return {
      parameter,
      label: PARAMETER_LABELS[parameter] ?? parameter,
      value,
      source: entries.some((r) => r.source === "config") ? "配置" : "默认",
      tag: first.tag,
      note: first.note,
    };
  });
}
