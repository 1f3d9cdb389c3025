/**
 * The hand-made fixture of the return-parcel tests (marts.return_parcels, return_parcel_carriers):
 * shop "parcel-p" with nine 子订单 and seventeen after-sales in two after-sale XLSX exports (written
 * here with exceljs), and shop "parcel-q" with one. Times are Beijing wall-clock. Every expected
 * figure of parcels.test.ts is worked out from the records below.
 *
 * parcel-p 子订单 L1–L9 (主订单 O1–O9; 省 below), paid 11-01 10:00, shipped 11-02 10:00.
 * parcel-p's as-of is 11-20 12:00 (A17's refund, the latest event; A17 has no return shipment).
 *
 *   id  line type      status            shipped back    carrier  waybill  other
 *   A1  L1 退货退款   退款成功          11-06 09:00     中通     ZT1001   refunded 11-09 21:00 → 3.5 d; 已签收
 *   A2  L2 退货退款   待商家收货        11-10 12:00     圆通     YT2002   in transit 10 d: stuck
 *   A3  L3 退货退款   待商家收货        11-15 12:00     圆通     YT3003   in transit exactly 5 d: not stuck
 *   A4  L4 退货退款   待商家收货        11-12 00:00     中通     ZT4004   in transit 8.5 d: stuck; 退货异常
 *                                                                        naming the waybill and a phone
 *   A5  L5 退货退款   待商家收货        11-18 12:00     韵达     yd5005   in transit 2 d; shared with A6
 *   A6  L6 退货退款   待商家收货        11-18 13:00     韵达     YD5005   in transit 1.9583 d; another 主订单
 *   A7  L7 退货退款   退款成功 (极速)   11-08 10:00     邮政     EMS7007  refunded 11-08 10:05, 运输中: refunded,
 *                                                                        no receipt time (never invented)
 *   A8  L8 退货退款   退款成功          11-07 08:00     申通     ST8008   refunded 11-13 08:00 → 6 d
 *   A9  L9 退货退款   退款成功          11-08 00:00     中通     ZT9009   refunded 11-10 00:00 → 2 d; 退货异常 无
 *   A10 L9 换货       换货成功          11-11 10:00     中通     ZT1010   received (status), no receipt time
 *   A11 L3 退货退款   售后关闭          11-09 10:00     圆通     YT1111   closed 11-12 10:00
 *   A12 L5 退货退款   待买家退货        -               -        -        no return shipment: not a parcel
 *   A13 L2 退货退款   待商家收货        -               极兔     JT1313   in transit, no time: not stuck
 *   A14 L6 退货退款   退款成功          11-10 18:00     中通     ZT1414   refunded 11-15 00:00 → 4.25 d
 *   A15 L7 退货退款   待商家收货        11-13 10:00     顺丰     SF1515   已签收: received (logistics), no time
 *   A16 L8 退货退款   待商家收货        11-02 10:00     圆通     YT1616   only in the older export: stale
 *   A17 L4 已发货仅退款 退款成功        -               -        -        applied 11-20 10:00, refunded 11-20 12:00
 *
 * parcel-q: L1 (江苏省), B1 退货退款 退款成功, shipped back 11-03 10:00 中通 ZT1001 (A1's number in another
 * shop: not shared), refunded 11-06 10:00 → 3 d; the shop's as-of.
 */
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {writeAfterSaleXlsx, type Cell} from "../helpers.js";

export const PARCEL_SHOP = "parcel-p";
export const PARCEL_SHOP_Q = "parcel-q";

export const pOrder = (n: number) => `6950000000000000${String(n).padStart(3, "0")}`;
export const pItem = (n: number) => `6960000000000000${String(n).padStart(3, "0")}`;
export const pAfterSale = (n: number) => `7050000000000000${String(n).padStart(3, "0")}`;
export const qAfterSale = (n: number) => `7060000000000000${String(n).padStart(3, "0")}`;

export const P_PROVINCES: Record<number, string> = {
  1: "广东省",
  2: "新疆维吾尔自治区",
  3: "浙江省",
  4: "四川省",
  5: "江苏省",
  6: "江苏省",
  7: "北京市",
  8: "上海市",
  9: "广东省",
};

export interface ParcelRecord {
  n: number;
  line: number;
  type: string;
  status: string;
  appliedAt: string;
  returnShippedAt?: string;
  carrier?: string;
  waybill?: string;
  logistics?: string;
  refundedAt?: string;
  closedAt?: string;
  express?: boolean;
  exception?: string;
  deadlineAt?: string;
}

export const A4_EXCEPTION = "退货物流异常：单号ZT4004多次派送失败，联系13800001111";

/** parcel-p's current export. */
export const P_AFTER_SALES: ParcelRecord[] = [
  {
    n: 1,
    line: 1,
    type: "退货退款",
    status: "同意退款，退款成功",
    appliedAt: "2026-11-05 10:00:00",
    returnShippedAt: "2026-11-06 09:00:00",
    carrier: "中通快递",
    waybill: "ZT1001",
    logistics: "已签收",
    refundedAt: "2026-11-09 21:00:00",
  },
  {
    n: 2,
    line: 2,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-09 10:00:00",
    returnShippedAt: "2026-11-10 12:00:00",
    carrier: "圆通速递",
    waybill: "YT2002",
    logistics: "运输中",
    deadlineAt: "2026-11-20 12:00:00",
  },
  {
    n: 3,
    line: 3,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-14 10:00:00",
    returnShippedAt: "2026-11-15 12:00:00",
    carrier: "圆通速递",
    waybill: "YT3003",
    logistics: "运输中",
    deadlineAt: "2026-11-25 12:00:00",
  },
  {
    n: 4,
    line: 4,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-11 10:00:00",
    returnShippedAt: "2026-11-12 00:00:00",
    carrier: "中通快递",
    waybill: "ZT4004",
    logistics: "运输中",
    exception: A4_EXCEPTION,
    deadlineAt: "2026-11-22 00:00:00",
  },
  {
    n: 5,
    line: 5,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-17 10:00:00",
    returnShippedAt: "2026-11-18 12:00:00",
    carrier: "韵达快递",
    waybill: "yd5005",
    logistics: "运输中",
  },
  {
    n: 6,
    line: 6,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-17 11:00:00",
    returnShippedAt: "2026-11-18 13:00:00",
    carrier: "韵达快递",
    waybill: "YD5005",
  },
  {
    n: 7,
    line: 7,
    type: "退货退款",
    status: "同意退款，退款成功",
    appliedAt: "2026-11-07 10:00:00",
    returnShippedAt: "2026-11-08 10:00:00",
    carrier: "邮政快递包裹",
    waybill: "EMS7007",
    logistics: "运输中",
    refundedAt: "2026-11-08 10:05:00",
    express: true,
  },
  {
    n: 8,
    line: 8,
    type: "退货退款",
    status: "同意退款，退款成功",
    appliedAt: "2026-11-06 10:00:00",
    returnShippedAt: "2026-11-07 08:00:00",
    carrier: "申通快递",
    waybill: "ST8008",
    refundedAt: "2026-11-13 08:00:00",
  },
  {
    n: 9,
    line: 9,
    type: "退货退款",
    status: "同意退款，退款成功",
    appliedAt: "2026-11-07 10:00:00",
    returnShippedAt: "2026-11-08 00:00:00",
    carrier: "中通快递",
    waybill: "ZT9009",
    refundedAt: "2026-11-10 00:00:00",
    exception: "无",
  },
  {
    n: 10,
    line: 9,
    type: "换货",
    status: "换货成功",
    appliedAt: "2026-11-10 10:00:00",
    returnShippedAt: "2026-11-11 10:00:00",
    carrier: "中通快递",
    waybill: "ZT1010",
  },
  {
    n: 11,
    line: 3,
    type: "退货退款",
    status: "售后关闭",
    appliedAt: "2026-11-08 10:00:00",
    returnShippedAt: "2026-11-09 10:00:00",
    carrier: "圆通速递",
    waybill: "YT1111",
    closedAt: "2026-11-12 10:00:00",
  },
  {n: 12, line: 5, type: "退货退款", status: "待买家退货", appliedAt: "2026-11-16 10:00:00"},
  {
    n: 13,
    line: 2,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-16 12:00:00",
    carrier: "极兔速递",
    waybill: "JT1313",
  },
  {
    n: 14,
    line: 6,
    type: "退货退款",
    status: "同意退款，退款成功",
    appliedAt: "2026-11-09 10:00:00",
    returnShippedAt: "2026-11-10 18:00:00",
    carrier: "中通快递",
    waybill: "ZT1414",
    refundedAt: "2026-11-15 00:00:00",
  },
  {
    n: 15,
    line: 7,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-12 10:00:00",
    returnShippedAt: "2026-11-13 10:00:00",
    carrier: "顺丰速运",
    waybill: "SF1515",
    logistics: "已签收",
  },
  {
    n: 17,
    line: 4,
    type: "已发货仅退款",
    status: "同意退款，退款成功",
    appliedAt: "2026-11-20 10:00:00",
    refundedAt: "2026-11-20 12:00:00",
  },
];

/** parcel-p's older export: A16 only, which the current one no longer lists (stale). */
export const P_AFTER_SALES_OLD: ParcelRecord[] = [
  {
    n: 16,
    line: 8,
    type: "退货退款",
    status: "待商家收货",
    appliedAt: "2026-11-01 10:00:00",
    returnShippedAt: "2026-11-02 10:00:00",
    carrier: "圆通速递",
    waybill: "YT1616",
  },
];

export const Q_AFTER_SALES: ParcelRecord[] = [
  {
    n: 1,
    line: 1,
    type: "退货退款",
    status: "同意退款，退款成功",
    appliedAt: "2026-11-02 18:00:00",
    returnShippedAt: "2026-11-03 10:00:00",
    carrier: "中通快递",
    waybill: "ZT1001",
    refundedAt: "2026-11-06 10:00:00",
  },
];

/** Every waybill of the fixture, as written. */
export const WAYBILLS = [...P_AFTER_SALES, ...P_AFTER_SALES_OLD, ...Q_AFTER_SALES]
  .map((r) => r.waybill)
  .filter((w): w is string => w !== undefined);

const ORDER_HEADERS = [
  "主订单编号",
  "子订单编号",
  "选购商品",
  "商品ID",
  "商家编码",
  "商品数量",
  "商品金额",
  "订单提交时间",
  "支付完成时间",
  "订单状态",
  "发货时间",
  "订单应付金额",
  "省",
  "市",
  "流量来源",
];

function ordersCsv(lines: {order: string; item: string; province: string}[]): string {
  const rows = lines.map((l) => [
    l.order,
    l.item,
    "退货测试外套",
    "3700000000000000001",
    "PK-BK-M",
    "1",
    "199.00",
    "2026-11-01 10:00:00",
    "2026-11-01 10:00:00",
    "已发货",
    "2026-11-02 10:00:00",
    "199.00",
    l.province,
    "-",
    "小店自卖",
  ]);
  return [ORDER_HEADERS, ...rows].map((row) => row.join(",")).join("\n") + "\n";
}

function afterSaleRow(
  shopOrder: (n: number) => string,
  shopItem: (n: number) => string,
  id: string,
  r: ParcelRecord,
) {
  const row: Record<string, Cell> = {
    售后单号: id,
    订单号: shopOrder(r.line),
    商品单号: shopItem(r.line),
    商品ID: "3700000000000000001",
    商品发货状态: "已发货",
    售后类型: r.type,
    "退商品金额（元）": "199.00",
    售后状态: r.status,
    售后申请时间: r.appliedAt,
    售后原因: "七天无理由退货",
    是否极速退款: r.express ? "是" : "否",
  };
  if (r.returnShippedAt) row.退货发货时间 = r.returnShippedAt;
  if (r.carrier) row.退货物流公司 = r.carrier;
  if (r.waybill) row.退货物流单号 = r.waybill;
  if (r.logistics) row.退货物流状态 = r.logistics;
  if (r.refundedAt) row.商家退款时间 = r.refundedAt;
  if (r.closedAt) row.售后关闭时间 = r.closedAt;
  if (r.exception) row.退货异常 = r.exception;
  if (r.deadlineAt) row.自动处理截止时间 = r.deadlineAt;
  return row;
}

const qOrder = (n: number) => `6970000000000000${String(n).padStart(3, "0")}`;
const qItem = (n: number) => `6980000000000000${String(n).padStart(3, "0")}`;

/** Writes both shops' files into `inbox` (one folder per shop). */
export async function writeParcelFixtures(inbox: string): Promise<void> {
  const p = join(inbox, PARCEL_SHOP);
  const q = join(inbox, PARCEL_SHOP_Q);
  await mkdir(p, {recursive: true});
  await mkdir(q, {recursive: true});
  await writeFile(
    join(p, "订单导出_parcels.csv"),
    ordersCsv(
      Object.entries(P_PROVINCES).map(([n, province]) => ({
        order: pOrder(Number(n)),
        item: pItem(Number(n)),
        province,
      })),
    ),
  );
  await writeAfterSaleXlsx(
    join(p, "售后单导出_20261103.xlsx"),
    P_AFTER_SALES_OLD.map((r) => afterSaleRow(pOrder, pItem, pAfterSale(r.n), r)),
  );
  await writeAfterSaleXlsx(
    join(p, "售后单导出_20261120.xlsx"),
    P_AFTER_SALES.map((r) => afterSaleRow(pOrder, pItem, pAfterSale(r.n), r)),
  );
  await writeFile(
    join(q, "订单导出_parcels.csv"),
    ordersCsv([{order: qOrder(1), item: qItem(1), province: "江苏省"}]),
  );
  await writeAfterSaleXlsx(
    join(q, "售后单导出_20261106.xlsx"),
    Q_AFTER_SALES.map((r) => afterSaleRow(qOrder, qItem, qAfterSale(r.n), r)),
  );
}

/** Linear-interpolation quantile of a sorted list (as DuckDB's quantile_cont), computed here. */
export function quantile(values: readonly number[], q: number): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** Days between two Beijing wall-clock times. */
export function daysBetween(from: string, to: string): number {
  const ms = (t: string) => Date.parse(`${t.replace(" ", "T")}Z`);
  return (ms(to) - ms(from)) / 86_400_000;
}
