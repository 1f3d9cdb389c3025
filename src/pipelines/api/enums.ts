/**
 * The platform's enumerations → the texts the exports write, so that an API row and an export row
 * of the same 售后单 are classified alike (normalize/status.ts). afterSale/List and afterSale/Detail
 * number the same things differently (domain.md §2.2–2.4): List type 1 is 已发货仅退款 and 2 is
 * 未发货仅退款, Detail type 1 is 售后仅退款 (after shipment) and 2 发货前退款; the status codes share
 * numbers but not names. Export texts come from §1.2–1.3 ([B]); where an export text was never
 * seen, the text chosen classifies into the right status group (tested).
 */

const REFUND_TYPES = new Set(["退货退款", "已发货仅退款", "未发货仅退款", "价保"]);

/** afterSale/List `aftersale_type` (also the List request filter). */
export const LIST_AFTER_SALE_TYPES: Readonly<Record<number, string>> = {
  0: "退货退款",
  1: "已发货仅退款",
  2: "未发货仅退款",
  3: "换货",
  6: "价保",
  7: "补寄",
  8: "维修",
};

/**
 * afterSale/Detail `after_sale_type`. 4 系统取消 and 5 用户取消 have no export counterpart: kept
 * as the platform names them, they land in the unknown bucket and are counted by `status`.
 */
export const DETAIL_AFTER_SALE_TYPES: Readonly<Record<number, string>> = {
  0: "退货退款",
  1: "已发货仅退款",
  2: "未发货仅退款",
  3: "换货",
  4: "系统取消",
  5: "用户取消",
  6: "价保",
  7: "补寄",
  8: "维修",
};

/** 售后成功 in the words of the export, by type. */
function succeeded(type: string | null): string {
  if (type === "换货") return "换货成功";
  if (type === "补寄") return "补寄成功";
  if (type === "维修") return "维修成功";
  return "同意退款，退款成功";
}

function finishedExchange(type: string | null): string {
  return type && REFUND_TYPES.has(type) ? "同意退款，退款成功" : succeeded(type);
}

const WAITING_FOR_BUYER_RECEIPT = "补寄/换货，待买家收货";
const REJECTED_APPLICATION = "商家拒绝售后申请，待买家处理";
const REJECTED_RETURN = "商家拒绝收货，待买家处理";

/** afterSale/List `aftersale_status` (= request `standard_aftersale_status`). */
export function listAfterSaleStatus(code: number | null, type: string | null): string | null {
  switch (code) {
    case 3: // in the SDK's response comment only: 换货待买家收货
    case 13:
      return WAITING_FOR_BUYER_RECEIPT;
    case 6:
      return "待商家处理";
    case 7:
      return "待买家退货";
    case 8:
      return "待商家发货";
    case 11:
      return "待商家收货";
    case 12:
      return succeeded(type);
    case 14:
      return finishedExchange(type);
    case 27:
      return REJECTED_APPLICATION;
    case 28:
      return "售后关闭";
    case 29:
      return REJECTED_RETURN;
    default:
      return null;
  }
}

/**
 * afterSale/Detail `after_sale_status` (also the order list's `after_sale_info.after_sale_status`).
 * 51 订单取消成功 and 53 逆向交易已完成 are read with the refund status: refunded = 退款成功.
 */
export function detailAfterSaleStatus(
  code: number | null,
  type: string | null,
  refundStatus: number | null,
): string | null {
  switch (code) {
    case 6:
      return "待商家处理";
    case 7:
      return "待买家退货";
    case 8:
      return "待商家发货";
    case 11:
      return "待商家收货";
    case 12:
      return succeeded(type);
    case 13:
      return WAITING_FOR_BUYER_RECEIPT;
    case 14:
      return finishedExchange(type);
    case 27:
      return REJECTED_APPLICATION;
    case 28:
      return "售后关闭";
    case 29:
      return REJECTED_RETURN;
    case 51:
      return refundStatus === 3 ? "同意退款，退款成功" : "订单取消成功";
    case 53:
      return refundStatus === 3 || refundStatus === null ? succeeded(type) : "售后关闭";
    default:
      return null;
  }
}

/** afterSale/List `related_order_info.order_status` → the export's 商品发货状态. */
export const ITEM_SHIPPING_STATUS: Readonly<Record<number, string>> = {
  2: "未发货",
  3: "已发货",
  5: "已收货",
  255: "已完成",
};

/** `aftersale_refund_type` → 退款方式 (-1 历史数据 has no text). */
export const REFUND_METHODS: Readonly<Record<number, string>> = {
  0: "原路退款",
  1: "货到付款线下退款",
  2: "备用金",
  3: "保证金",
  4: "无需退款",
  5: "平台垫付",
};

/** afterSale/List `arbitrate_status` (0 = no arbitration: no text). */
export const ARBITRATION_STATUSES: Readonly<Record<number, string>> = {
  1: "仲裁中",
  2: "客服同意",
  3: "客服拒绝",
  4: "待商家举证",
  5: "协商期",
  255: "仲裁结束",
};

/** order/searchList `order_status` → the export's 订单状态 (待发货, 备货中, 已发货, 已完成, 已关闭). */
export const ORDER_STATUSES: Readonly<Record<number, string>> = {
  1: "待支付",
  105: "待发货",
  2: "备货中",
  101: "部分发货",
  3: "已发货",
  4: "已关闭",
  5: "已完成",
};

/** order/searchList `pay_type` → 支付方式. */
export const PAY_TYPES: Readonly<Record<number, string>> = {
  0: "货到付款",
  1: "微信",
  2: "支付宝",
  3: "小程序",
  4: "银行卡",
  5: "余额",
  7: "无需支付",
  8: "DOU分期",
  9: "新卡支付",
  12: "先用后付",
};

export function lookup(table: Readonly<Record<number, string>>, code: number | null): string | null {
  return code === null ? null : (table[code] ?? null);
}
