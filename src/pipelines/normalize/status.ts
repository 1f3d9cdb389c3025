/**
 * Classification of the status and type texts of exports. The value sets seen so far are in
 * domain.md §1.2–1.3 ([B]: one merchant, one point in time), so matching is by keyword and every
 * text that matches nothing is returned as unknown (null) for the caller to count and report.
 */

export type AfterSaleStatusGroup =
  "succeeded" | "in_progress" | "closed" | "failed" | "rejected" | "cancelled";

/** Order matters: 商家拒绝…待买家处理 is a rejection, 退款成功 a success even if it mentions 待. */
const AFTER_SALE_STATUS_RULES: readonly [RegExp, AfterSaleStatusGroup][] = [
  [/关闭/, "closed"],
  [/失败/, "failed"],
  [/拒绝|驳回/, "rejected"],
  [/取消|撤销|撤回/, "cancelled"],
  [/成功|已全额退款|已完成|已退款|完结/, "succeeded"],
  [/待|中$|处理中|审核|同意退货|已发货|已寄回/, "in_progress"],
];

export function classifyAfterSaleStatus(text: string | null | undefined): AfterSaleStatusGroup | null {
  if (!text) return null;
  for (const [pattern, group] of AFTER_SALE_STATUS_RULES) if (pattern.test(text)) return group;
  return null;
}

export const AFTER_SALE_TYPES = [
  "退货退款",
  "已发货仅退款",
  "未发货仅退款",
  "换货",
  "补寄",
  "维修",
  "价保",
] as const;
export type AfterSaleType = (typeof AFTER_SALE_TYPES)[number];

/**
 * 售后类型 → one of the platform's types. A bare 仅退款 (older exports) is split by whether the item
 * had shipped, when the export says so; otherwise it stays unknown rather than guessed.
 */
export function normalizeAfterSaleType(
  text: string | null | undefined,
  shippingStatus?: string | null,
): AfterSaleType | null {
  if (!text) return null;
  const t = text.replace(/\s/g, "");
  if ((AFTER_SALE_TYPES as readonly string[]).includes(t)) return t as AfterSaleType;
  if (/^(售后)?退货(退款)?$/.test(t)) return "退货退款";
  if (/发货前|未发货/.test(t) && /退款/.test(t)) return "未发货仅退款";
  if (/已发货|发货后/.test(t) && /退款/.test(t)) return "已发货仅退款";
  if (/^(售后)?仅退款$/.test(t)) {
    if (shippingStatus && /未发货/.test(shippingStatus)) return "未发货仅退款";
    if (shippingStatus && /已发货|已签收|已收货/.test(shippingStatus)) return "已发货仅退款";
    return null;
  }
  if (/换货/.test(t)) return "换货";
  if (/补寄/.test(t)) return "补寄";
  if (/维修/.test(t)) return "维修";
  if (/价保/.test(t)) return "价保";
  return null;
}

export type OrderStatusGroup = "unpaid" | "unshipped" | "shipped" | "completed" | "closed";

/** Rank used to pick the latest state of a 子订单 when exports disagree (higher = later). */
export const ORDER_STATUS_RANK: Record<OrderStatusGroup, number> = {
  unpaid: 0,
  unshipped: 1,
  shipped: 2,
  completed: 3,
  closed: 3,
};

export function classifyOrderStatus(text: string | null | undefined): OrderStatusGroup | null {
  if (!text) return null;
  if (/关闭|取消/.test(text)) return "closed";
  if (/已完成|已收货|交易成功/.test(text)) return "completed";
  if (/已发货|部分发货|已签收/.test(text)) return "shipped";
  if (/待发货|备货中|已支付|待出库/.test(text)) return "unshipped";
  if (/待支付|待付款|待确认/.test(text)) return "unpaid";
  return null;
}

export const AFTER_SALE_STATUS_RANK: Record<AfterSaleStatusGroup, number> = {
  in_progress: 1,
  rejected: 2,
  succeeded: 3,
  closed: 3,
  failed: 3,
  cancelled: 3,
};
