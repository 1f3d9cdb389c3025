/**
 * API items → rows of the exports (same columns, same texts), so that pulled data goes through the
 * existing ingest and meets export rows in core (one row per 售后单 / 子订单). A row is keyed by the
 * canonical column names of ingest/columns.ts; values are export text: IDs as digits, money in 元
 * with two decimals, times as Beijing wall-clock. A value that can't be converted is passed on as
 * the platform sent it, so that ingest rejects the row with file, row, column and value (meta.rejects)
 * rather than the pull guessing.
 */
import {isLosslessNumber} from "lossless-json";
import {
  ARBITRATION_STATUSES,
  DETAIL_AFTER_SALE_TYPES,
  ITEM_SHIPPING_STATUS,
  LIST_AFTER_SALE_TYPES,
  ORDER_STATUSES,
  PAY_TYPES,
  REFUND_METHODS,
  detailAfterSaleStatus,
  listAfterSaleStatus,
  lookup,
} from "./enums.js";
import {
  asArray,
  asObject,
  at,
  idText,
  integerText,
  safeInteger,
  textOf,
  type JsonObject,
  type JsonValue,
} from "./json.js";
import {hashPii} from "./pii.js";
import {beijingTime, fenToYuan} from "./values.js";

export type ExportKind = "after_sale" | "order";

export interface MappedRow {
  /** after_sale_id or order_item_id. */
  key: string;
  /** The platform's update_time (Unix seconds): orders versions of the same key within a pull. */
  updatedAt: number | null;
  /** By canonical column name (ingest/columns.ts). */
  cells: Record<string, string | null>;
  /** Columns the exports don't have, by header: kept in the raw layer's extra_columns. */
  extras: Record<string, string | null>;
}

/** Headers of the extra columns every pulled file carries. */
export const EXTRA_HEADERS = {updatedAt: "更新时间", spec: "商品规格", source: "数据来源"} as const;

/** The after-sale export columns a pulled file writes, in the export's order. */
export const AFTER_SALE_API_COLUMNS = [
  "after_sale_id",
  "order_id",
  "order_item_id",
  "product_name",
  "product_id",
  "payable",
  "freight",
  "tax",
  "item_shipping_status",
  "after_sale_type",
  "refund_goods",
  "refund_freight",
  "refund_tax",
  "after_sale_status",
  "applied_at",
  "refund_method",
  "reason",
  "reason_label",
  "return_tracking_no",
  "return_shipped_at",
  "return_carrier",
  "deadline_at",
  "refunded_at",
  "arbitration_status",
  "is_express_refund",
  "is_refund_after_rejection",
  "shipping_tracking_no",
  "exchange_tracking_no",
  "finalized_at",
  "buyer_comment",
  "after_sale_note",
  "exchange_item_info",
  "sku_code",
  "store_name",
  "quantity",
] as const;

/** The order export columns a pulled file writes. */
export const ORDER_API_COLUMNS = [
  "order_id",
  "order_item_id",
  "payment_method",
  "product_name",
  "product_id",
  "sku_code",
  "spec",
  "quantity",
  "unit_price",
  "created_at",
  "paid_at",
  "completed_at",
  "promised_ship_at",
  "buyer_message",
  "app_channel",
  "order_status",
  "cancel_reason",
  "after_sale_status",
  "order_type",
  "shipped_at",
  "payable",
  "freight",
  "discount_total",
  "platform_borne_discount",
  "merchant_borne_discount",
  "influencer_borne_discount",
  "recipient_name",
  "recipient_phone",
  "province",
  "city",
  "district",
  "street",
  "address",
  "express_info",
  "influencer_id",
  "influencer_name",
  "tax",
  "traffic_source",
] as const;

/** The value as the platform sent it, for a cell whose conversion failed. */
function raw(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (isLosslessNumber(value)) return value.toString();
  if (value === null || value === undefined) return null;
  return JSON.stringify(value);
}

function tolerant(convert: (value: unknown) => string | null): (value: unknown) => string | null {
  return (value) => {
    try {
      return convert(value ?? null);
    } catch {
      return raw(value);
    }
  };
}

const id = tolerant(idText);
const yuan = tolerant(fenToYuan);
const time = tolerant(beijingTime);
const whole = tolerant(integerText);
const text = (value: unknown) => textOf(value ?? null);

function code(value: unknown): number | null {
  try {
    return safeInteger(value ?? null);
  } catch {
    return null;
  }
}

function yesNo(value: unknown, yes: number[], no: number[]): string | null {
  const n = code(value);
  if (n === null) return null;
  return yes.includes(n) ? "是" : no.includes(n) ? "否" : null;
}

/** The separators of the export's 商品规格 cell may not appear inside a part. */
const clean = (s: string) => s.replace(/[;；:：\r\n]+/g, " ").trim();

/**
 * `sku_spec`/`spec` `[{name: "颜色", value: "黑色"}, {name: "尺码", value: "XL"}]` → `颜色:黑色;尺码:XL`,
 * the 名:值 form of the export's 商品规格 that normalize/spec.ts reads colour and size from.
 */
export function specText(spec: unknown): string | null {
  const parts = asArray(spec)
    .map((item) => {
      const name = text(at(item, "name"));
      const value = text(at(item, "value"));
      if (!value) return null;
      return name ? `${clean(name)}:${clean(value)}` : clean(value);
    })
    .filter((part): part is string => Boolean(part));
  return parts.length ? parts.join(";") : null;
}

/** Latest of several Unix-second values (strings or lossless numbers), or null. */
function latest(...values: unknown[]): number | null {
  const seconds = values.map(code).filter((n): n is number => n !== null && n > 0);
  return seconds.length ? Math.max(...seconds) : null;
}

/**
 * 退商品金额 = refund total − refunded freight. Detail says its total includes freight
 * (`refund_total_amount`, 含运费); the List's `refund_amount` is not documented either way and the
 * push message of the same name includes it, so it is read the same way unless it is smaller than
 * the freight (then it can't include it).
 */
function refundGoods(total: unknown, freight: unknown): string | null {
  try {
    const t = integerText(total ?? null);
    if (t === null) return null;
    const f = integerText(freight ?? null);
    if (f === null) return fenToYuan(t);
    const goods = BigInt(t) - BigInt(f);
    return fenToYuan((goods < 0n ? BigInt(t) : goods).toString());
  } catch {
    return raw(total);
  }
}

export interface AfterSaleMapping {
  row: MappedRow | null;
  /** Problems worth a warning (several 子订单 on one 售后单, no ID). */
  notes: string[];
}

/**
 * One afterSale/List item (with its afterSale/Detail data when fetched) → one after-sale export row.
 * Detail, fetched after the list, has the fresher status and type (read with Detail's enumerations)
 * and what the list lacks: refund, return-shipping and final times, the buyer's description.
 */
export function mapAfterSale(item: JsonValue, detail: JsonObject | null = null): AfterSaleMapping {
  const notes: string[] = [];
  const info = at(item, "aftersale_info");
  const textPart = at(item, "text_part");
  const orderInfo = at(item, "order_info");
  const key = id(at(info, "aftersale_id"));
  if (!key) return {row: null, notes: ["an item without aftersale_id was skipped"]};
  const related = asArray(at(orderInfo, "related_order_info"));
  const relatedId = id(at(info, "related_id"));
  const line = related.find((r) => id(at(r, "sku_order_id")) === relatedId) ?? related[0] ?? null;
  if (related.length > 1)
    notes.push(
      `售后单 ${key} covers ${related.length} 子订单; the row carries ${id(at(line, "sku_order_id")) ?? "the first"}`,
    );

  const detailInfo = at(detail, "process_info", "after_sale_info");
  const returnLogistics = at(detail, "process_info", "logistics_info", "return");
  const exchangeLogistics = at(detail, "process_info", "logistics_info", "exchange");

  const listType = lookup(LIST_AFTER_SALE_TYPES, code(at(info, "aftersale_type")));
  const detailType = lookup(DETAIL_AFTER_SALE_TYPES, code(at(detailInfo, "after_sale_type")));
  const type =
    detailType ??
    listType ??
    text(at(detailInfo, "after_sale_type_text")) ??
    text(at(textPart, "aftersale_type_text"));
  const refundStatus = code(at(detailInfo, "refund_status")) ?? code(at(info, "refund_status"));
  const status =
    detailAfterSaleStatus(code(at(detailInfo, "after_sale_status")), type, refundStatus) ??
    listAfterSaleStatus(code(at(info, "aftersale_status")), type) ??
    text(at(detailInfo, "after_sale_status_desc")) ??
    text(at(textPart, "aftersale_status_text"));
  const updatedAt = latest(at(info, "update_time"), at(detailInfo, "update_time"));
  // The time an after-sale became final, only once it is in the past of the data (never a forecast).
  const finalAt = code(at(detailInfo, "aftersale_status_to_final_time"));
  const labels = asArray(at(detailInfo, "reason_second_labels")).length
    ? asArray(at(detailInfo, "reason_second_labels"))
    : asArray(at(info, "reason_second_labels"));
  const exchange = asObject(at(detailInfo, "exchange_sku_info")) ?? asObject(at(info, "exchange_sku_info"));
  const refundType = at(info, "refund_type");

  const cells: Record<string, string | null> = {
    after_sale_id: key,
    order_id: id(at(orderInfo, "shop_order_id")) ?? id(at(detail, "order_info", "shop_order_id")),
    order_item_id: id(at(line, "sku_order_id")) ?? relatedId,
    product_name: text(at(line, "product_name")),
    product_id: id(at(line, "product_id")),
    payable: yuan(at(line, "pay_amount")),
    freight: yuan(at(line, "post_amount")),
    tax: yuan(at(line, "tax_amount")),
    item_shipping_status:
      lookup(ITEM_SHIPPING_STATUS, code(at(line, "order_status"))) ?? text(at(textPart, "logistics_text")),
    after_sale_type: type,
    refund_goods: detailInfo
      ? refundGoods(at(detailInfo, "refund_total_amount"), at(detailInfo, "refund_post_amount"))
      : refundGoods(at(info, "refund_amount"), at(info, "refund_post_amount")),
    refund_freight: yuan(at(detailInfo, "refund_post_amount") ?? at(info, "refund_post_amount")),
    refund_tax: yuan(at(info, "refund_tax_amount")),
    after_sale_status: status,
    applied_at: time(at(info, "apply_time") ?? at(detailInfo, "apply_time")),
    refund_method:
      lookup(REFUND_METHODS, code(at(info, "aftersale_refund_type"))) ??
      text(at(textPart, "aftersale_refund_type_text")) ??
      text(at(detailInfo, "refund_type_text")),
    reason: text(at(detailInfo, "reason")) ?? text(at(textPart, "reason_text")),
    reason_label:
      labels
        .map((label) => text(at(label, "name")))
        .filter(Boolean)
        .join("；") || null,
    return_tracking_no: text(at(info, "return_logistics_code")) ?? text(at(returnLogistics, "tracking_no")),
    return_shipped_at: time(at(returnLogistics, "logistics_time")),
    return_carrier:
      text(at(info, "return_logistics_company_name")) ?? text(at(returnLogistics, "company_name")),
    deadline_at: time(at(detailInfo, "status_deadline") ?? at(info, "status_deadline")),
    refunded_at: time(at(detailInfo, "refund_time")),
    arbitration_status:
      text(at(textPart, "arbitrate_status_text")) ??
      lookup(ARBITRATION_STATUSES, code(at(info, "arbitrate_status"))),
    // refund_type: 1 极速退款助手, 3 售后急速退 are the 极速退款 channels; 2 售后小助手, 4 闪电退货 are not.
    is_express_refund: refundType === undefined ? null : yesNo(refundType, [1, 3], [0, 2, 4]),
    is_refund_after_rejection: yesNo(at(info, "is_agree_refuse_sign"), [1], [2]),
    shipping_tracking_no: text(at(asArray(at(info, "order_logistics"))[0], "tracking_no")),
    exchange_tracking_no: text(at(exchangeLogistics, "tracking_no")),
    finalized_at: finalAt !== null && updatedAt !== null && finalAt <= updatedAt ? time(finalAt) : null,
    buyer_comment: text(at(detailInfo, "reason_remark")),
    after_sale_note: text(at(info, "remark")),
    exchange_item_info: exchange
      ? [text(exchange.name), text(exchange.spec_desc)].filter(Boolean).join(" ") || null
      : null,
    sku_code: text(at(line, "shop_sku_code")),
    store_name: text(at(info, "store_name")) ?? text(at(detailInfo, "store_name")),
    quantity: whole(at(info, "aftersale_num") ?? at(line, "aftersale_item_num")),
  };
  return {
    row: {
      key,
      updatedAt,
      cells,
      extras: {
        [EXTRA_HEADERS.updatedAt]: updatedAt === null ? null : beijingTime(updatedAt),
        [EXTRA_HEADERS.spec]: specText(at(line, "sku_spec")),
        [EXTRA_HEADERS.source]: detail ? "抖店API afterSale.List+Detail" : "抖店API afterSale.List",
      },
    },
    notes,
  };
}

/** One order/searchList shop order → one order export row per 子订单 (sku order). */
export function mapOrder(shopOrder: JsonValue, salt: string): MappedRow[] {
  const orderId = id(at(shopOrder, "order_id"));
  const address = asObject(at(shopOrder, "post_addr")) ?? asObject(at(shopOrder, "mask_post_addr"));
  const pii = (...values: unknown[]) => {
    for (const value of values) {
      const t = text(value);
      if (t) return hashPii(salt, t);
    }
    return null;
  };
  const logistics = asArray(at(shopOrder, "logistics_info"))[0];
  const express = logistics
    ? [
        text(at(logistics, "company_name")) ?? text(at(logistics, "company")),
        text(at(logistics, "tracking_no")),
      ]
        .filter(Boolean)
        .join(" ") || null
    : null;
  return asArray(at(shopOrder, "sku_order_list")).flatMap((sku): MappedRow[] => {
    const key = id(at(sku, "order_id"));
    if (!key) return [];
    const statusCode = code(at(sku, "order_status")) ?? code(at(shopOrder, "order_status"));
    const afterSale = at(sku, "after_sale_info");
    const afterSaleType = lookup(DETAIL_AFTER_SALE_TYPES, code(at(afterSale, "after_sale_type")));
    const updatedAt = latest(at(sku, "update_time"), at(shopOrder, "update_time"));
    const field = (name: string) => at(sku, name) ?? at(shopOrder, name);
    const cells: Record<string, string | null> = {
      order_id: orderId ?? id(at(sku, "parent_order_id")),
      order_item_id: key,
      payment_method: lookup(PAY_TYPES, code(field("pay_type"))),
      product_name: text(at(sku, "product_name")),
      product_id: id(at(sku, "product_id_str")) ?? id(at(sku, "product_id")),
      sku_code: text(at(sku, "code")) ?? text(at(sku, "out_sku_id")),
      spec: specText(at(sku, "spec")),
      quantity: whole(at(sku, "item_num")),
      unit_price: yuan(at(sku, "origin_amount")),
      created_at: time(field("create_time")),
      paid_at: time(field("pay_time")),
      completed_at: time(field("finish_time")),
      promised_ship_at: time(field("exp_ship_time")),
      buyer_message: pii(at(shopOrder, "buyer_words")),
      app_channel: text(field("b_type_desc")),
      order_status: lookup(ORDER_STATUSES, statusCode) ?? text(field("order_status_desc")),
      cancel_reason: text(field("cancel_reason")),
      after_sale_status: detailAfterSaleStatus(
        code(at(afterSale, "after_sale_status")),
        afterSaleType,
        code(at(afterSale, "refund_status")),
      ),
      order_type: text(field("order_type_desc")),
      shipped_at: time(field("ship_time")),
      payable: yuan(at(sku, "pay_amount")),
      freight: yuan(at(sku, "post_amount")),
      discount_total: yuan(at(sku, "promotion_amount")),
      platform_borne_discount: yuan(at(sku, "only_platform_cost_amount") ?? at(sku, "platform_cost_amount")),
      merchant_borne_discount: yuan(at(sku, "shop_cost_amount")),
      influencer_borne_discount: yuan(at(sku, "author_cost_amount")),
      recipient_name: pii(
        at(shopOrder, "encrypt_post_receiver"),
        at(shopOrder, "post_receiver"),
        at(shopOrder, "mask_post_receiver"),
      ),
      recipient_phone: pii(
        at(shopOrder, "encrypt_post_tel"),
        at(shopOrder, "post_tel"),
        at(shopOrder, "mask_post_tel"),
      ),
      province: text(at(address, "province", "name")),
      city: text(at(address, "city", "name")),
      district: text(at(address, "town", "name")),
      street: pii(at(address, "street", "name")),
      address: pii(at(address, "encrypt_detail"), at(address, "detail")),
      express_info: express,
      influencer_id: id(field("author_id")),
      influencer_name: text(field("author_name")),
      tax: yuan(at(sku, "tax_amount")),
      traffic_source: text(field("c_biz_desc")),
    };
    return [
      {
        key,
        updatedAt,
        cells,
        extras: {
          [EXTRA_HEADERS.updatedAt]: updatedAt === null ? null : beijingTime(updatedAt),
          [EXTRA_HEADERS.source]: "抖店API order.searchList",
        },
      },
    ];
  });
}
