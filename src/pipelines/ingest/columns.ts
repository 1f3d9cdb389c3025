/**
 * The columns Returnscope knows, per kind of file. Exports are configurable by the merchant, so a file
 * may carry any subset; columns are matched by header name and alias, never by position.
 *
 * `type` decides how staging parses the text and what counts as a bad cell:
 * - id: digits only (19-digit IDs stay varchar end to end);
 * - money: 元 text such as `1,299.00` → decimal(18, 2);
 * - timestamp: `YYYY-MM-DD HH:MM:SS`, Beijing wall-clock time;
 * - integer: a count;
 * - text: kept as cleaned text (also used for columns whose format is unconfirmed, so that an
 *   unexpected format never rejects a row);
 * - pii: buyer-identifying; replaced by a keyed hash before anything is stored;
 * - raw: kept in the raw layer as read, not carried into staging (nothing downstream uses it yet).
 */
export type FileKind = "order" | "after_sale" | "sku_master";
export const FILE_KINDS: readonly FileKind[] = ["order", "after_sale", "sku_master"];
export const FILE_KIND_LABELS: Record<FileKind, string> = {
  order: "订单导出",
  after_sale: "售后单导出",
  sku_master: "商品档案",
};

export type ColumnType = "id" | "text" | "money" | "timestamp" | "integer" | "pii" | "raw";

export interface ColumnSpec {
  /** Canonical column name in raw and staging (snake_case). */
  readonly name: string;
  /** The header as the platform writes it. */
  readonly header: string;
  readonly type: ColumnType;
  readonly aliases?: readonly string[];
}

const c = (name: string, header: string, type: ColumnType, aliases?: string[]): ColumnSpec => ({
  name,
  header,
  type,
  ...(aliases ? {aliases} : {}),
});

/** Order export (订单导出): the 75-column 2024-25 set, the 2022 set and other columns seen. */
export const ORDER_COLUMNS: readonly ColumnSpec[] = [
  c("order_id", "主订单编号", "id", ["订单编号", "订单号", "店铺单号"]),
  c("order_item_id", "子订单编号", "id", ["子订单号", "商品单号"]),
  c("payment_method", "支付方式", "text"),
  c("product_name", "选购商品", "text", ["商品名称"]),
  c("item_code", "货号", "text"),
  c("product_id", "商品ID", "id", ["商品id"]),
  c("sku_code", "商家编码", "text", ["商品编码", "SKU编码", "sku编码"]),
  c("spec", "商品规格", "text", ["规格"]),
  c("quantity", "商品数量", "integer", ["数量", "购买数量"]),
  c("unit_price", "商品金额", "money", ["商品单价"]),
  c("created_at", "订单提交时间", "timestamp", ["下单时间", "订单创建时间"]),
  c("paid_at", "支付完成时间", "timestamp", ["支付时间"]),
  c("completed_at", "订单完成时间", "timestamp"),
  c("promised_ship_at", "承诺发货时间", "timestamp"),
  c("scheduled_ship_at", "预约发货时间", "raw"),
  c("buyer_message", "买家留言", "pii"),
  c("flag_color", "旗帜颜色", "raw"),
  c("merchant_note", "商家备注", "raw"),
  c("app_channel", "APP渠道", "text", ["app渠道"]),
  c("order_status", "订单状态", "text"),
  c("cancel_reason", "取消原因", "text"),
  c("after_sale_status", "售后状态", "text"),
  c("order_type", "订单类型", "text"),
  c("shipped_at", "发货时间", "timestamp"),
  c("vehicle_type", "车型", "raw"),
  c("is_trade_in", "是否是以旧换新", "raw"),
  c("trade_in_subsidy", "换新额外补贴", "raw"),
  c("trade_in_subsidy_status", "换新额外补贴发放状态", "raw"),
  c("payable", "订单应付金额", "money"),
  c("freight", "运费", "money"),
  c("discount_total", "优惠总金额", "money"),
  // Discount detail columns: formats unconfirmed (商家优惠 is `名称-金额` text), so kept as read.
  c("platform_discount", "平台优惠", "raw"),
  c("merchant_discount", "商家优惠", "raw"),
  c("influencer_discount", "达人优惠", "raw"),
  c("merchant_price_change", "商家改价", "raw"),
  c("payment_discount", "支付优惠", "raw"),
  c("fee", "手续费", "raw"),
  c("red_packet", "红包抵扣", "raw"),
  c("price_cut_discount", "降价类优惠", "raw"),
  c("platform_borne_discount", "平台实际承担优惠金额", "money"),
  c("merchant_borne_discount", "商家实际承担优惠金额", "money"),
  c("influencer_borne_discount", "达人实际承担优惠金额", "money"),
  c("recipient_name", "收件人", "pii", ["收货人"]),
  c("recipient_phone", "收件人手机号", "pii", ["收货人手机号", "联系电话", "收件人电话"]),
  c("province", "省", "text", ["省份", "收货省份"]),
  c("city", "市", "text", ["城市", "收货城市"]),
  c("district", "区", "text", ["区县"]),
  c("street", "街道", "pii"),
  c("address", "详细地址", "pii", ["收货地址", "收件地址"]),
  c("address_changed", "是否修改过地址", "raw"),
  c("express_info", "快递信息", "text"),
  c("serial_number", "序列号", "raw"),
  c("influencer_id", "达人ID", "text", ["达人id", "作者ID"]),
  c("influencer_name", "达人昵称", "text", ["作者昵称"]),
  c("group_buy_id", "拼团订单团编号", "raw"),
  c("price_includes_tax", "商品单价是否含税", "raw"),
  c("tax", "税费", "money"),
  c("luban_page_id", "鲁班落地页ID", "raw"),
  c("store_id", "所属门店ID", "raw"),
  c("traffic_source", "流量来源", "text"),
  c("warehouse_id", "仓库ID", "raw"),
  c("warehouse_name", "仓库名称", "text"),
  c("is_anxin", "是否安心购", "raw"),
  c("ad_channel", "广告渠道", "text"),
  c("traffic_type", "流量类型", "text"),
  c("traffic_format", "流量体裁", "text"),
  c("traffic_channel", "流量渠道", "text"),
  c("shipper", "发货主体", "raw"),
  c("shipper_detail", "发货主体明细", "raw"),
  c("education_discount", "教育优惠", "raw"),
  c("expected_delivery", "预计送达时间", "raw"),
  c("is_platform_warehouse", "是否平台仓自流转", "raw"),
  c("is_channel_product", "是否是渠道商品", "raw"),
  c("scheduled_delivery", "预约送达时间", "raw"),
  c("suggested_ship_from", "建议发货时间（起）", "raw"),
  c("suggested_ship_to", "建议发货时间（止）", "raw"),
];

/** After-sale export (售后单导出): the 50-column layout and its known aliases. */
export const AFTER_SALE_COLUMNS: readonly ColumnSpec[] = [
  c("after_sale_id", "售后单号", "id", ["售后编号", "售后单ID", "售后ID"]),
  c("order_id", "订单号", "id", ["主订单编号", "订单编号"]),
  c("order_item_id", "商品单号", "id", ["子订单编号", "子订单号", "商品单ID"]),
  c("product_name", "商品名称", "text", ["选购商品"]),
  c("product_id", "商品ID", "id", ["商品id"]),
  c("payable", "应付金额（元）", "money", ["应付金额"]),
  c("freight", "商品运费（元）", "money", ["商品运费"]),
  c("payment_discount", "支付优惠（元）", "money", ["支付优惠"]),
  c("tax", "商品税费（元）", "money", ["商品税费"]),
  c("item_shipping_status", "商品发货状态", "text", ["发货状态"]),
  c("after_sale_type", "售后类型", "text"),
  c("refund_goods", "退商品金额（元）", "money", ["退商品金额", "退款金额（元）", "退款金额"]),
  c("refund_freight", "退运费金额（元）", "money", ["退运费金额"]),
  c("refund_payment_discount", "退支付优惠（元）", "money", ["退支付优惠"]),
  c("refund_tax", "退税费金额（元）", "money", ["退税费金额"]),
  c("after_sale_status", "售后状态", "text"),
  c("applied_at", "售后申请时间", "timestamp", ["申请时间"]),
  c("refund_method", "退款方式", "text"),
  c("has_refund_voucher", "是否已上传退款凭证", "text"),
  c("reason", "售后原因", "text", ["申请原因", "退款原因", "退货原因"]),
  c("reason_label", "售后原因标签", "text"),
  c("return_tracking_no", "退货物流单号", "text"),
  c("return_exception", "退货异常", "text"),
  c("return_shipped_at", "退货发货时间", "timestamp"),
  c("return_carrier", "退货物流公司", "text"),
  c("deadline_at", "自动处理截止时间", "timestamp"),
  c("approved_at", "同意售后申请时间", "timestamp"),
  c("refunded_at", "商家退款时间", "timestamp"),
  c("refund_arrived_at", "用户到账时间", "timestamp"),
  c("closed_at", "售后关闭时间", "timestamp"),
  c("merchant_return_address", "商家退货地址", "text"),
  c("merchant_return_contact", "商家退货联系人姓名", "text"),
  c("merchant_return_phone", "商家退货联系人电话", "text"),
  c("arbitration_status", "仲裁状态", "text"),
  c("dispute_liability", "纠纷责任方", "text"),
  c("is_express_refund", "是否极速退款", "text"),
  c("is_refund_after_rejection", "是否拒签后退款", "text"),
  c("shipping_tracking_no", "发货物流单号", "text"),
  c("shipping_logistics_status", "发货物流状态", "text"),
  c("exchange_tracking_no", "换货物流单号", "text"),
  c("return_logistics_status", "退货物流状态", "text"),
  c("finalized_at", "售后完结时间", "timestamp"),
  c("order_note", "订单备注", "text"),
  c("buyer_comment", "用户售后说明", "text", ["售后说明", "退款说明"]),
  c("after_sale_note", "售后备注", "text"),
  c("operator", "操作人", "text"),
  c("negotiation_log", "协商记录", "text"),
  c("exchange_item_info", "换货商品信息", "text"),
  c("sku_code", "商家编码", "text", ["商品编码", "SKU编码", "sku编码"]),
  c("store_name", "门店名称", "text"),
  c("quantity", "商品数量", "integer", ["售后数量", "申请数量"]),
  c("order_type", "订单类型", "text"),
];

/** SKU master (商品档案): maintained by the merchant; every column but 商家编码 is optional. */
export const SKU_MASTER_COLUMNS: readonly ColumnSpec[] = [
  c("sku_code", "商家编码", "text", ["SKU编码", "sku编码", "商品编码", "SKU"]),
  c("product_id", "商品ID", "id", ["商品id"]),
  c("style_code", "款号", "text", ["货号", "款式编码"]),
  c("product_name", "商品名称", "text", ["品名"]),
  c("color", "颜色", "text", ["颜色分类"]),
  c("size", "尺码", "text", ["尺寸", "码数"]),
  c("category", "品类", "text", ["类目", "分类", "商品类目"]),
  c("unit_cost", "成本价", "money", ["成本", "成本单价", "采购价"]),
];

export const COLUMNS: Record<FileKind, readonly ColumnSpec[]> = {
  order: ORDER_COLUMNS,
  after_sale: AFTER_SALE_COLUMNS,
  sku_master: SKU_MASTER_COLUMNS,
};

/** Columns without which a file of the kind is useless; alternatives are listed in one entry. */
export const REQUIRED: Record<FileKind, readonly (readonly string[])[]> = {
  order: [
    ["order_id"],
    ["order_item_id"],
    ["product_id"],
    ["quantity"],
    ["order_status"],
    ["paid_at", "created_at"],
  ],
  after_sale: [
    ["after_sale_id"],
    ["order_item_id"],
    ["after_sale_type"],
    ["after_sale_status"],
    ["applied_at"],
  ],
  sku_master: [["sku_code"]],
};

/** The key of a row: a row without it is rejected. */
export const KEY_COLUMNS: Record<FileKind, readonly string[]> = {
  order: ["order_id", "order_item_id"],
  after_sale: ["after_sale_id", "order_item_id"],
  sku_master: ["sku_code"],
};
