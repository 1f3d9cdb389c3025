/**
 * Export headers and the row builders shared by the demo sample and the benchmark files: a line or an
 * after-sale of the model, rendered as the platform would show it at one export moment.
 */
import {DAY, formatDay, formatMoney, formatTime, HOUR, type BeijingSeconds} from "./format.js";
import type {Province} from "./geography.js";
import type {AfterSale} from "./afterSales.js";
import type {OrderLine} from "./model.js";
import {mixUnit} from "./random.js";

/** domain.md §1.2 Variant A (2024-25), 75 columns in this order. */
export const ORDER_HEADERS_A = [
  "主订单编号", "子订单编号", "支付方式", "选购商品", "货号", "商品ID", "商家编码", "商品数量", "商品金额",
  "订单提交时间", "支付完成时间", "订单完成时间", "承诺发货时间", "预约发货时间", "买家留言", "旗帜颜色",
  "商家备注", "APP渠道", "订单状态", "取消原因", "售后状态", "订单类型", "发货时间", "车型", "是否是以旧换新",
  "换新额外补贴", "换新额外补贴发放状态", "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠",
  "商家改价", "支付优惠", "手续费", "红包抵扣", "降价类优惠", "平台实际承担优惠金额", "商家实际承担优惠金额",
  "达人实际承担优惠金额", "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "是否修改过地址", "快递信息",
  "序列号", "达人ID", "达人昵称", "拼团订单团编号", "商品单价是否含税", "税费", "鲁班落地页ID", "所属门店ID",
  "流量来源", "仓库ID", "仓库名称", "是否安心购", "广告渠道", "流量类型", "流量体裁", "流量渠道", "发货主体",
  "发货主体明细", "教育优惠", "预计送达时间", "是否平台仓自流转", "是否是渠道商品", "预约送达时间",
  "建议发货时间（起）", "建议发货时间（止）",
] as const; // prettier-ignore

/** domain.md §1.2 Variant B (≈2022), 39 columns: 商品规格 and 商品单价, no 商家编码/商品金额. */
export const ORDER_HEADERS_B = [
  "主订单编号", "子订单编号", "商品ID", "商品数量", "选购商品", "商品规格", "商品单价", "订单应付金额", "支付方式",
  "手续费", "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "买家留言", "订单提交时间", "商家备注",
  "订单完成时间", "支付完成时间", "APP渠道", "流量来源", "订单状态", "发货时间", "承诺发货时间", "订单类型",
  "达人ID", "达人昵称", "售后状态", "取消原因", "预约发货时间", "是否安心购", "广告渠道", "平台实际承担优惠金额",
  "商家实际承担优惠金额", "达人实际承担优惠金额", "预计送达时间",
] as const; // prettier-ignore

/** domain.md §1.3, 50 columns in this order. */
export const AFTER_SALE_HEADERS = [
  "售后单号", "订单号", "商品单号", "商品名称", "商品ID", "应付金额（元）", "商品运费（元）", "支付优惠（元）",
  "商品税费（元）", "商品发货状态", "售后类型", "退商品金额（元）", "退运费金额（元）", "退支付优惠（元）",
  "退税费金额（元）", "售后状态", "售后申请时间", "退款方式", "是否已上传退款凭证", "售后原因", "售后原因标签",
  "退货物流单号", "退货异常", "退货发货时间", "退货物流公司", "自动处理截止时间", "同意售后申请时间",
  "商家退款时间", "用户到账时间", "售后关闭时间", "商家退货地址", "商家退货联系人姓名", "商家退货联系人电话",
  "仲裁状态", "纠纷责任方", "是否极速退款", "是否拒签后退款", "发货物流单号", "发货物流状态", "换货物流单号",
  "退货物流状态", "售后完结时间", "订单备注", "用户售后说明", "售后备注", "操作人", "协商记录", "换货商品信息",
  "商家编码", "门店名称",
] as const; // prettier-ignore

/** The basics shop's after-sale CSV: a subset, with the `申请原因` alias for 售后原因. */
export const BASICS_AFTER_SALE_HEADERS = [
  "售后单号", "订单号", "商品单号", "商品名称", "商品ID", "商家编码", "售后类型", "售后状态", "售后申请时间",
  "申请原因", "退商品金额（元）", "退运费金额（元）", "退货物流单号", "退货物流公司", "退货发货时间", "商家退款时间",
  "售后关闭时间", "售后完结时间", "自动处理截止时间", "用户售后说明", "商品发货状态",
] as const; // prettier-ignore

export const SKU_MASTER_HEADERS = ["商家编码", "商品ID", "款号", "颜色", "尺码", "品类", "成本价"] as const;

type OrderField = (typeof ORDER_HEADERS_A)[number] | (typeof ORDER_HEADERS_B)[number];
type AfterSaleField = (typeof AFTER_SALE_HEADERS)[number];

export type AfterSaleStatus =
  "待商家处理" | "待买家退货" | "待商家收货" | "待买家收货" | "同意退款，退款成功" | "换货成功" | "售后关闭";

/** The after-sale's status at moment t, or undefined before it was applied for. */
export function afterSaleStatus(as: AfterSale, t: BeijingSeconds): AfterSaleStatus | undefined {
  if (as.applyAt > t) return undefined;
  if (reached(as.closeAt, t)) return "售后关闭";
  if (reached(as.refundAt, t)) return "同意退款，退款成功";
  if (reached(as.exchangeDoneAt, t)) return "换货成功";
  if (reached(as.exchangeShipAt, t)) return "待买家收货";
  if (reached(as.returnShipAt, t)) return "待商家收货";
  if (reached(as.agreeAt, t) && (as.type === "退货退款" || as.type === "换货")) return "待买家退货";
  return "待商家处理";
}

/** The order export words the same states differently (domain.md §1.2). */
const ORDER_EXPORT_STATUS: Record<AfterSaleStatus, string> = {
  待商家处理: "待商家处理",
  待买家退货: "待买家退货处理",
  待商家收货: "待商家收货",
  待买家收货: "补寄/换货，待买家收货",
  "同意退款，退款成功": "同意退款，退款成功",
  换货成功: "补寄/换货成功",
  售后关闭: "售后关闭",
};

function reached(at: BeijingSeconds | undefined, t: BeijingSeconds): at is BeijingSeconds {
  return at !== undefined && at <= t;
}

/** When the after-sale became final (售后完结时间), if it has. */
export function finalAt(as: AfterSale): BeijingSeconds | undefined {
  return as.closeAt ?? as.refundAt ?? as.exchangeDoneAt;
}

/** The latest after-sale applied for on the line by moment t. */
export function latestAfterSale(line: OrderLine, t: BeijingSeconds): AfterSale | undefined {
  let latest: AfterSale | undefined;
  for (const as of line.afterSales)
    if (as.applyAt <= t && (!latest || as.applyAt > latest.applyAt)) latest = as;
  return latest;
}

/**
 * "No value" is usually `-`; a few cells say `--` or are empty. Decided per entity and column so a
 * row renders identically in every export that contains it.
 */
function nil(quirk: number, column: number): string {
  const u = mixUnit(quirk, column);
  return u < 0.015 ? "--" : u < 0.025 ? "" : "-";
}

export function provinceText(province: Province, u: number): string {
  if (province.code === "") return province.full;
  if (province.full === "内蒙古自治区") return u < 0.45 ? "内蒙古自治区" : u < 0.8 ? "内蒙古" : "内蒙";
  return u < 0.55 ? province.full : province.short;
}

export interface OrderStyle {
  /** Where the platform's Excel-forcing tab goes on IDs. */
  idTab: "leading" | "trailing" | "none";
  skuTab: boolean;
  timeTab: boolean;
}

const SPEC_STYLES = [
  (colour: string, size: string) => `颜色:${colour};尺码:${size}`,
  (colour: string, size: string) => `${colour};${size}`,
  (colour: string, size: string) => `颜色：${colour}；尺码：${size}`,
];

/** Every order field by header name, as of moment t. */
export function orderFields(
  line: OrderLine,
  t: BeijingSeconds,
  style: OrderStyle,
): Record<OrderField, string> {
  const o = line.order;
  const q = line.quirk;
  const none = (column: number) => nil(q, column);
  const id = (value: string) =>
    style.idTab === "leading" ? `\t${value}` : style.idTab === "trailing" ? `${value}\t` : value;
  const time = (at: BeijingSeconds | undefined, column: number) =>
    reached(at, t) ? (style.timeTab ? `\t${formatTime(at)}` : formatTime(at)) : none(column);
  const closed = reached(line.closedAt, t);
  const shipped = reached(line.shipAt, t);
  const status = closed ? "已关闭" : reached(line.completedAt, t) ? "已完成" : shipped ? "已发货" : "待发货";
  const afterSale = latestAfterSale(line, t);
  const afterSaleState = afterSale && afterSaleStatus(afterSale, t);
  // The platform fills traffic fields a day late; exports taken earlier say so instead.
  const fresh = t - o.createdAt < DAY;
  const discounts = line.platformFen + line.merchantFen + line.talentFen + line.payDiscountFen;
  const remote = o.buyer.province.remote;
  const specStyle = SPEC_STYLES[Math.floor(mixUnit(q, 101) * 3)] as (typeof SPEC_STYLES)[number];
  return {
    主订单编号: id(o.id),
    子订单编号: id(line.id),
    支付方式: o.payMethod,
    选购商品: line.product.name,
    货号: line.product.style,
    商品ID: id(line.product.id),
    商家编码: style.skuTab ? `${line.sku.code}\t` : line.sku.code,
    商品数量: String(line.quantity),
    商品金额: formatMoney(line.unitFen),
    商品单价: formatMoney(line.unitFen),
    商品规格: specStyle(line.sku.colour, line.sku.size),
    订单提交时间: time(o.createdAt, 10),
    支付完成时间: time(o.payAt, 11),
    订单完成时间: time(line.completedAt, 12),
    承诺发货时间: time(o.payAt + 48 * HOUR, 13),
    预约发货时间: none(14),
    买家留言: o.buyerNote === "-" ? none(15) : o.buyerNote,
    旗帜颜色: o.flag === "-" ? none(16) : o.flag,
    商家备注: o.merchantNote === "-" ? none(17) : o.merchantNote,
    APP渠道: o.app,
    订单状态: status,
    取消原因: closed ? line.cancelReason : none(20),
    售后状态: afterSaleState ? ORDER_EXPORT_STATUS[afterSaleState] : "-",
    订单类型: "普通订单",
    发货时间: time(line.shipAt, 23),
    车型: none(24),
    是否是以旧换新: "否",
    换新额外补贴: "0.00",
    换新额外补贴发放状态: none(27),
    订单应付金额: formatMoney(line.payableFen),
    运费: formatMoney(line.freightFen),
    优惠总金额: formatMoney(discounts),
    平台优惠: formatMoney(line.platformFen),
    商家优惠: line.merchantCoupon === "-" ? none(32) : line.merchantCoupon,
    达人优惠: formatMoney(line.talentFen),
    商家改价: "0.00",
    支付优惠: formatMoney(line.payDiscountFen),
    手续费: "0.00",
    红包抵扣: "0.00",
    降价类优惠: "0.00",
    平台实际承担优惠金额: formatMoney(line.platformFen + line.payDiscountFen),
    商家实际承担优惠金额: formatMoney(line.merchantFen),
    达人实际承担优惠金额: formatMoney(line.talentFen),
    收件人: o.buyer.name,
    收件人手机号: o.buyer.phone,
    省: provinceText(o.buyer.province, mixUnit(q, 44)),
    市: o.buyer.city,
    区: o.buyer.district,
    街道: o.buyer.street === "-" ? none(47) : o.buyer.street,
    详细地址: o.buyer.address,
    是否修改过地址: o.addressChanged ? "是" : "否",
    快递信息: shipped ? `${line.carrier.name},${line.tracking}` : none(50),
    序列号: none(51),
    达人ID: o.influencer ? id(o.influencer.id) : none(52),
    达人昵称: o.influencer ? o.influencer.nickname : none(53),
    拼团订单团编号: none(54),
    商品单价是否含税: "否",
    税费: "0.00",
    鲁班落地页ID: none(57),
    所属门店ID: none(58),
    流量来源: o.channel.source,
    仓库ID: none(60),
    仓库名称: none(61),
    是否安心购: o.anxin ? "是" : "否",
    广告渠道: o.adType === "广告" && o.channel.genre !== "商品卡" ? o.channel.genre : none(63),
    流量类型: o.adType,
    流量体裁: fresh ? "数据将于第二天更新" : o.channel.genre,
    流量渠道: fresh ? "数据将于第二天更新" : o.trafficChannel,
    发货主体: "商家",
    发货主体明细: none(68),
    教育优惠: "0.00",
    预计送达时间: shipped
      ? `${formatDay(Math.floor((line.shipAt as number) / DAY) + (remote ? 5 : 3))} 23:59:59`
      : none(70),
    是否平台仓自流转: "否",
    是否是渠道商品: "否",
    预约送达时间: none(73),
    "建议发货时间（起）": none(74),
    "建议发货时间（止）": none(75),
  };
}

export interface AfterSaleStyle {
  /** Prefix for the three IDs: a tab in CSV, `'` in a few rows of one file, nothing in XLSX. */
  idPrefix: string;
  skuTab: boolean;
}

/** Every after-sale field by header name, as of moment t (t ≥ the application time). */
export function afterSaleFields(
  as: AfterSale,
  t: BeijingSeconds,
  style: AfterSaleStyle,
): Record<AfterSaleField, string> {
  const line = as.line;
  const shop = line.order.shop;
  const q = as.quirk;
  const none = (column: number) => nil(q, column);
  const time = (at: BeijingSeconds | undefined, column: number) =>
    reached(at, t) ? formatTime(at) : none(column);
  const id = (value: string) => `${style.idPrefix}${value}`;
  const status = afterSaleStatus(as, t) ?? "待商家处理";
  const returnShipped = reached(as.returnShipAt, t);
  const returnAddressShown = (as.type === "退货退款" || as.type === "换货") && reached(as.agreeAt, t);
  const done = finalAt(as);
  const decided = reached(as.closeAt, t) || reached(as.refundAt, t);
  const outbound = reached(line.shipAt, t);
  const payDiscount = formatMoney(as.refundPayDiscountFen);
  return {
    售后单号: id(as.id),
    订单号: id(line.order.id),
    商品单号: id(line.id),
    商品名称: line.product.name,
    商品ID: line.product.id,
    "应付金额（元）": formatMoney(line.payableFen),
    "商品运费（元）": formatMoney(line.freightFen),
    "支付优惠（元）": formatMoney(line.payDiscountFen),
    "商品税费（元）": "0.00",
    商品发货状态: line.shipAt !== undefined && line.shipAt <= as.applyAt ? "已发货" : "未发货",
    售后类型: as.type,
    "退商品金额（元）": formatMoney(as.refundGoodsFen),
    "退运费金额（元）": formatMoney(as.refundFreightFen),
    // Some exports sign this deduction; merchants strip the `-` (domain.md §1.3).
    "退支付优惠（元）": as.refundPayDiscountFen > 0 && mixUnit(q, 14) < 0.4 ? `-${payDiscount}` : payDiscount,
    "退税费金额（元）": "0.00",
    售后状态: status,
    售后申请时间: formatTime(as.applyAt),
    退款方式: as.type === "换货" || status === "售后关闭" ? "无需退款" : "原路退款",
    是否已上传退款凭证: "否",
    售后原因: as.reason.text,
    售后原因标签: as.label,
    退货物流单号: returnShipped ? as.returnTracking : none(22),
    退货异常: none(23),
    退货发货时间: time(as.returnShipAt, 24),
    退货物流公司: returnShipped ? (as.returnCarrier?.name ?? "-") : none(25),
    自动处理截止时间: deadline(as, status) ?? none(26),
    同意售后申请时间: time(as.agreeAt, 27),
    商家退款时间: time(as.refundAt, 28),
    用户到账时间: time(as.arrivedAt, 29),
    售后关闭时间: time(as.closeAt, 30),
    商家退货地址: returnAddressShown ? shop.returnAddress : none(31),
    商家退货联系人姓名: returnAddressShown ? shop.returnContact : none(32),
    商家退货联系人电话: returnAddressShown ? shop.returnPhone : none(33),
    仲裁状态: decided ? as.arbitration : none(34),
    纠纷责任方: decided ? as.blame : none(35),
    是否极速退款: as.fast ? "是" : "否",
    是否拒签后退款: as.refuseSign ? "是" : "否",
    发货物流单号: outbound ? line.tracking : none(38),
    发货物流状态: outbound
      ? as.refuseSign
        ? "已拒签"
        : reached(line.deliveredAt, t)
          ? "已签收"
          : "运输中"
      : none(39),
    换货物流单号: reached(as.exchangeShipAt, t) ? as.exchangeTracking : none(40),
    退货物流状态: returnShipped ? (reached(as.returnReceivedAt, t) ? "已签收" : "运输中") : none(41),
    售后完结时间: time(done, 42),
    订单备注: none(43),
    用户售后说明: as.comment,
    售后备注: none(45),
    操作人: reached(as.agreeAt, t) || reached(as.closeAt, t) ? as.operator : none(46),
    协商记录: reached(as.closeAt, t) ? as.negotiation : none(47),
    换货商品信息: as.type === "换货" ? as.exchangeSpec : none(48),
    商家编码: style.skuTab ? `${line.sku.code}\t` : line.sku.code,
    门店名称: none(50),
  };
}

/** 自动处理截止时间: when the current node times out (API status_deadline). */
function deadline(as: AfterSale, status: AfterSaleStatus): string | undefined {
  switch (status) {
    case "待商家处理":
      return formatTime(as.applyAt + 48 * HOUR);
    case "待买家退货":
      return formatTime((as.agreeAt as number) + 7 * DAY);
    case "待商家收货":
      return formatTime((as.returnShipAt as number) + 10 * DAY);
    case "待买家收货":
      return formatTime((as.exchangeShipAt as number) + 10 * DAY);
    default:
      return undefined;
  }
}

export function pick<K extends string>(fields: Record<K, string>, headers: readonly K[]): string[] {
  const row = new Array<string>(headers.length);
  for (let i = 0; i < headers.length; i++) row[i] = fields[headers[i] as K];
  return row;
}

/** The basics CSV row: 申请原因 carries what the full export calls 售后原因. */
export function basicsAfterSaleRow(fields: Record<AfterSaleField, string>): string[] {
  return BASICS_AFTER_SALE_HEADERS.map((h) => (h === "申请原因" ? fields.售后原因 : fields[h]));
}

/** The weekly order CSV (Variant A): tab before IDs, tab after 商家编码. */
export const ORDER_CSV_STYLE: OrderStyle = {idTab: "leading", skuTab: true, timeTab: false};
/** XLSX cells are text already; no tabs needed to stop Excel from mangling IDs. */
export const XLSX_ORDER_STYLE: OrderStyle = {idTab: "none", skuTab: false, timeTab: false};
export const AFTER_SALE_XLSX_STYLE: AfterSaleStyle = {idPrefix: "", skuTab: false};

/** XLSX rows: every value is text, and an empty value is an empty cell rather than "". */
export function xlsxCells(cells: readonly string[]): (string | null)[] {
  return cells.map((cell) => (cell === "" ? null : cell));
}
