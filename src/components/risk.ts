/**
 * The 风险 page's arithmetic and wording, free of the DOM: the thresholds in force (from
 * src/data/cost_assumptions.json, the values the marts were built with), the rule each list applies
 * stated with those numbers, and the counts of the capped lists against their totals.
 */
import {formatPercent} from "./format.js";
import {assumptionKeys, assumptionValue, type Assumption} from "./platform.js";

export interface RiskThresholds {
  minReturns: number | null;
  minRefundOnlyOrders: number | null;
  minRefundOnlyShare: number | null;
  lateWindowDays: number | null;
  signDelayDays: number | null;
  qualityReasonGroups: string[];
  subjectiveKeywords: string[];
}

export function riskThresholds(rows: readonly Assumption[]): RiskThresholds {
  return {
    minReturns: assumptionValue(rows, "risk", "min_returns"),
    minRefundOnlyOrders: assumptionValue(rows, "risk", "min_refund_only_orders"),
    minRefundOnlyShare: assumptionValue(rows, "risk", "min_refund_only_share"),
    lateWindowDays: assumptionValue(rows, "risk", "late_window_days"),
    signDelayDays: assumptionValue(rows, "platform", "sign_delay_days"),
    qualityReasonGroups: assumptionKeys(rows, "platform", "quality_reason_group"),
    subjectiveKeywords: assumptionKeys(rows, "risk", "subjective_keyword"),
  };
}

const n = (value: number | null) => (value === null ? "?" : String(value));

/** The rules of the four lists, in Chinese, with the thresholds in force. */
export function riskRules(t: RiskThresholds): {
  buyers: string;
  tracking: string;
  late: string;
  appeal: string;
} {
  return {
    buyers:
      `标记两类买家：退货多——已退货子订单 ≥ ${n(t.minReturns)} 个；仅退款多——有“已发货仅退款”申请（任何状态，被拒的也算）的已发货子订单 ≥ ${n(t.minRefundOnlyOrders)} 个，` +
      `且占其已发货子订单 ≥ ${t.minRefundOnlyShare === null ? "?" : formatPercent(t.minRefundOnlyShare, 0)}。` +
      `买家以散列键表示（脱敏的收件人、手机号、地址的加盐散列，再与市、区一起散列），不能还原，也不能跨仓库比对；脱敏信息相同的不同买家会被合并。排序：先仅退款多，再按仅退款数、退货数。`,
    tracking:
      "同一个退货物流单号出现在两张及以上售后单上。单号本身不发布（只有加盐散列键），用售后单号回查。" +
      "按可疑程度排序：不同买家（不能证明是同一买家的不同主订单，最可疑）→ 同一买家的不同主订单 → 同一子订单反复申请 → 同一主订单的几个子订单同包退回（正常）。",
    late:
      `申请时间晚于估计签收时间超过 ${n(t.lateWindowDays)} 天（七天无理由期限）的 退货退款、已发货仅退款、换货 售后（任何状态）。` +
      `导出中没有签收时间：签收取“订单完成时间”与“发货时间 + ${n(t.signDelayDays)} 天”中较早者，估计偏早会产生误报（承运慢时调大 platform.signDelayDays）。` +
      "七天无理由 的超期申请可以拒绝；其他原因不受七天限制，但同一买家反复出现值得关注。排序：仍在处理中的在前，再按是否七天无理由、超出天数。",
    appeal:
      `计入商品品质退货率的售后（退货退款或已发货仅退款、未关闭；原因带“商品品质原因”标记，或无标记且原因分组为 ${t.qualityReasonGroups.join("、") || "—"}），` +
      `其用户售后说明含主观词（${t.subjectiveKeywords.join("、") || "—"}；按字面匹配，不理解否定）：可申诉“品质退货与事实不符”，使其不计入商品品质退货率。按申请时间从新到旧。`,
  };
}

/** Per shop, how many rows a capped list holds in all (its rows carry shop_count). */
export function shopTotals(rows: readonly {shop_id: string; shop_count: number}[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.shop_id, row.shop_count);
  return totals;
}

/** Σ of the totals of the chosen shops (all shops: every shop that appears). */
export function totalFor(totals: ReadonlyMap<string, number>, shops: (shop: string) => boolean): number {
  let total = 0;
  for (const [shop, count] of totals) if (shops(shop)) total += count;
  return total;
}

/** "共 1,234 条，列表显示其中 500 条" — or "共 12 条" when the list holds them all. */
export function listNote(shown: number, total: number): string {
  const all = `共 ${total.toLocaleString("zh-CN")} 条`;
  return shown < total ? `${all}，列表显示其中 ${shown.toLocaleString("zh-CN")} 条` : all;
}

/** The first characters of a hash key, enough to tell keys apart on screen (the CSV has all 64). */
export function shortKey(key: string | null, length = 12): string {
  return key === null ? "—" : key.slice(0, length);
}

export const SHARING_LABELS: Readonly<Record<string, string>> = {
  different_buyers: "不同买家",
  same_buyer: "同一买家不同订单",
  same_item: "同一子订单反复申请",
  same_order: "同一主订单同包退回",
};

export const STATUS_GROUP_LABELS: Readonly<Record<string, string>> = {
  in_progress: "处理中",
  succeeded: "已成功",
  closed: "已关闭",
  failed: "失败",
  rejected: "已拒绝",
  cancelled: "已撤销",
  unknown: "无法识别",
};

export const label = (labels: Readonly<Record<string, string>>, value: string | null): string =>
  value === null ? "—" : (labels[value] ?? value);
