/**
 * The hand-made fixture of the cost, operations, platform-estimate and risk tests: shop gamma (13
 * 子订单, 15 after-sales in two after-sale exports, a SKU master with 成本价) and shop delta (one
 * 子订单). Times are Beijing wall-clock. Every expected figure in costs/operations/platform/risk
 * .test.ts is worked out from the tables below.
 *
 * Buyers (masked as exports write them; 省 市 区):
 *   B1 张** 138****0001 南山区****  广东省 深圳市 南山区       (also delta's only buyer)
 *   B2 李** 139****0002 天山区****  新疆维吾尔自治区 乌鲁木齐市 天山区
 *   B3 王** 137****0003 鼓楼区****  江苏省 南京市 鼓楼区        refund-only claimant
 *   B3F the same masked triple as B3, but 福建省 福州市 鼓楼区: a different buyer_risk_key
 *   B4 赵** 136****0004 西湖区****  浙江省 杭州市 西湖区
 *   B5 孙** 135****0005 武侯区****  四川省 成都市 武侯区
 *
 * gamma 子订单 (qty × price = payable; paid / shipped / completed):
 *   L0  O0 B1  CT-BK-L 1×299=299  10-01 10:00 / 10-02 10:00 / -             no after-sale (old)
 *   L11 O1 B1  CT-BK-M 1×299=299  11-02 10:00 / 11-03 09:00 / 11-12 10:00   S1
 *   L12 O1 B1  SK-RD-S 2×99=198   (same 主订单)                               S2
 *   L21 O2 B2  CT-BK-L 1×299=299  11-03 10:00 / 11-04 10:00 / -             S3
 *   L31 O3 B3  CT-BK-M 3×299=897  11-04 10:00 / 11-04 18:00 / 11-05 20:00   S5, S15 (stale)
 *   L32 O3 B3  SK-RD-S 1×99=99    (same 主订单)                               S6
 *   L33 O3 B3  CT-BK-L 1×299=299  (same 主订单)                               S7
 *   L41 O4 B3  SK-RD-S 1×99=99    11-06 10:00 / 待发货                        S4
 *   L51 O5 B3  CT-BK-M 1×299=299  11-08 10:00 / 11-09 10:00 / -             S8
 *   L61 O6 B3  CT-BK-L 1×299=299  11-09 10:00 / 11-10 10:00 / -             S9
 *   L71 O7 B4  SK-RD-S 1×99=99    11-05 10:00 / 11-06 10:00 / -             S13, S10
 *   L81 O8 B5  CT-BK-M 1×299=299  11-12 10:00 / 11-13 10:00 / -             S11
 *   L91 O9 B3F SK-RD-S 1×99=99    11-02 11:00 / 11-03 11:00 / -             S12
 * delta: L101 O10 B1 DL-01 1×50=50, 11-01 10:00 / 11-02 10:00.
 * SKU master (gamma): CT-BK-M and CT-BK-L 成本价 80.00; SK-RD-S is not in it.
 *
 * gamma after-sales (applied; approved; return shipped; refunded; status), file 售后单导出_20261121:
 *   S1  L11 退货退款 七天无理由退货                 11-05 10:00; 11-05 12:00; 11-06 09:00 YT0001; 11-09 10:00; 成功
 *       退商品 299.00 退运费 0.00, 说明 不喜欢
 *   S2  L12 退货退款 做工粗糙…（商品品质原因）       11-05 11:00; 11-05 13:00; 11-06 09:00 YT0001; -; 待商家收货
 *       退商品 198.00, 截止 11-20 20:00, 说明 不想要了
 *   S3  L21 已发货仅退款 快递一直未送达（物流品质原因） 11-07 10:00; 11-07 16:00; -; 11-07 16:30; 成功
 *       退商品 299.00 退运费 8.00
 *   S4  L41 未发货仅退款 多拍 / 错拍 / 不想要        11-06 11:00; 11-06 11:30; -; 11-06 11:31; 成功, 退商品 99.00
 *   S5  L31 已发货仅退款 未收到货, 商品数量 1        11-08 10:00; 11-08 20:00; -; 11-08 21:00; 成功, 退商品 299.00
 *   S6  L32 已发货仅退款 快递无跟踪记录              11-14 10:00; -; -; -; 商家拒绝退款
 *   S7  L33 已发货仅退款 快递一直未送达              11-08 10:10; -; -; -; 待商家处理, 截止 11-20 16:00, 退商品 299.00
 *   S8  L51 已发货仅退款 未收到货                    11-12 09:00; 11-12 12:00; -; 11-12 12:10; 成功, 退商品 299.00
 *   S9  L61 已发货仅退款 快递一直未送达              11-14 10:00; -; -; -; 平台介入 (unknown status), 退商品 299.00
 *   S10 L71 退货退款 大小／尺寸／重量…（商品品质原因）  11-20 10:00; 11-20 10:05; 11-20 12:00 JT7777; 11-20 18:00;
 *       成功, 退商品 "-" (missing), 说明 尺码拍错了
 *   S11 L81 退货退款 商品材质 / 品牌 / 外观等描述不符  11-14 12:00; 11-14 12:30; 11-15 09:00 ZT9999; -; 待商家收货
 *       退商品 299.00, 截止 11-22 12:00, 说明 拍错颜色了，颜色和图片不一样
 *   S12 L91 退货退款 七天无理由退货                 11-15 10:00; -; 11-15 11:00 ZT9999; -; 售后关闭 11-16 12:00, 说明 不想要
 *   S13 L71 退货退款 做工粗糙 / 有瑕疵 / 有污渍     11-12 10:00; 11-12 11:00; 11-12 15:00 JT7777; -; 售后关闭 11-14 10:00
 *       说明 不喜欢
 * file 售后单导出_20261107 (older; as-of 11-06 10:00): S1 in 待商家收货 (superseded by the later file) and
 *   S15 L31 换货 尺码不合适 11-06 10:00; -; -; -; 待商家收货, 截止 11-13 10:00 — in no later export: stale.
 *
 * The latest event of gamma is S10's refund, 11-20 18:00: gamma's as-of. delta's is 11-02 10:00.
 */
import {createHash} from "node:crypto";
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {DEFAULT_ASSUMPTIONS, type Assumptions} from "../../src/pipelines/metrics/assumptions.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {AFTER_SALE_HEADERS, runIngest, tempDir, testConfig} from "../helpers.js";
import {SKU_MASTER_HEADERS} from "./fixture.js";

export const order = (n: number) => `6920000000000000${String(n).padStart(3, "0")}`;
export const item = (n: number) => `6930000000000000${String(n).padStart(3, "0")}`;
export const afterSale = (n: number) => `7010000000000000${String(n).padStart(3, "0")}`;

export interface Buyer {
  收件人: string;
  收件人手机号: string;
  详细地址: string;
  省: string;
  市: string;
  区: string;
}

export const BUYERS = {
  B1: {
    收件人: "张**",
    收件人手机号: "138****0001",
    详细地址: "南山区****",
    省: "广东省",
    市: "深圳市",
    区: "南山区",
  },
  B2: {
    收件人: "李**",
    收件人手机号: "139****0002",
    详细地址: "天山区****",
    省: "新疆维吾尔自治区",
    市: "乌鲁木齐市",
    区: "天山区",
  },
  B3: {
    收件人: "王**",
    收件人手机号: "137****0003",
    详细地址: "鼓楼区****",
    省: "江苏省",
    市: "南京市",
    区: "鼓楼区",
  },
  B3F: {
    收件人: "王**",
    收件人手机号: "137****0003",
    详细地址: "鼓楼区****",
    省: "福建省",
    市: "福州市",
    区: "鼓楼区",
  },
  B4: {
    收件人: "赵**",
    收件人手机号: "136****0004",
    详细地址: "西湖区****",
    省: "浙江省",
    市: "杭州市",
    区: "西湖区",
  },
  B5: {
    收件人: "孙**",
    收件人手机号: "135****0005",
    详细地址: "武侯区****",
    省: "四川省",
    市: "成都市",
    区: "武侯区",
  },
} satisfies Record<string, Buyer>;
export type BuyerName = keyof typeof BUYERS;

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
  "订单完成时间",
  "订单状态",
  "发货时间",
  "订单应付金额",
  "收件人",
  "收件人手机号",
  "省",
  "市",
  "区",
  "详细地址",
  "流量来源",
] as const;

export interface FixtureLine {
  line: number;
  orderNo: number;
  buyer: BuyerName;
  sku: string;
  quantity: number;
  price: number;
  paidAt: string;
  shippedAt?: string;
  completedAt?: string;
  channel: string;
}

const COAT = {商品ID: "3600000000000000001", 选购商品: "羊毛大衣"};
const SKIRT = {商品ID: "3600000000000000002", 选购商品: "半身裙"};

export const GAMMA_LINES: FixtureLine[] = [
  {
    line: 0,
    orderNo: 0,
    buyer: "B1",
    sku: "CT-BK-L",
    quantity: 1,
    price: 299,
    paidAt: "2026-10-01 10:00:00",
    shippedAt: "2026-10-02 10:00:00",
    channel: "小店自卖",
  },
  {
    line: 11,
    orderNo: 1,
    buyer: "B1",
    sku: "CT-BK-M",
    quantity: 1,
    price: 299,
    paidAt: "2026-11-02 10:00:00",
    shippedAt: "2026-11-03 09:00:00",
    completedAt: "2026-11-12 10:00:00",
    channel: "精选联盟",
  },
  {
    line: 12,
    orderNo: 1,
    buyer: "B1",
    sku: "SK-RD-S",
    quantity: 2,
    price: 99,
    paidAt: "2026-11-02 10:00:00",
    shippedAt: "2026-11-03 09:00:00",
    completedAt: "2026-11-12 10:00:00",
    channel: "精选联盟",
  },
  {
    line: 21,
    orderNo: 2,
    buyer: "B2",
    sku: "CT-BK-L",
    quantity: 1,
    price: 299,
    paidAt: "2026-11-03 10:00:00",
    shippedAt: "2026-11-04 10:00:00",
    channel: "小店自卖",
  },
  {
    line: 31,
    orderNo: 3,
    buyer: "B3",
    sku: "CT-BK-M",
    quantity: 3,
    price: 299,
    paidAt: "2026-11-04 10:00:00",
    shippedAt: "2026-11-04 18:00:00",
    completedAt: "2026-11-05 20:00:00",
    channel: "精选联盟",
  },
  {
    line: 32,
    orderNo: 3,
    buyer: "B3",
    sku: "SK-RD-S",
    quantity: 1,
    price: 99,
    paidAt: "2026-11-04 10:00:00",
    shippedAt: "2026-11-04 18:00:00",
    completedAt: "2026-11-05 20:00:00",
    channel: "精选联盟",
  },
  {
    line: 33,
    orderNo: 3,
    buyer: "B3",
    sku: "CT-BK-L",
    quantity: 1,
    price: 299,
    paidAt: "2026-11-04 10:00:00",
    shippedAt: "2026-11-04 18:00:00",
    completedAt: "2026-11-05 20:00:00",
    channel: "精选联盟",
  },
  {
    line: 41,
    orderNo: 4,
    buyer: "B3",
    sku: "SK-RD-S",
    quantity: 1,
    price: 99,
    paidAt: "2026-11-06 10:00:00",
    channel: "小店自卖",
  },
  {
    line: 51,
    orderNo: 5,
    buyer: "B3",
    sku: "CT-BK-M",
    quantity: 1,
    price: 299,
    paidAt: "2026-11-08 10:00:00",
    shippedAt: "2026-11-09 10:00:00",
    channel: "小店自卖",
  },
  {
    line: 61,
    orderNo: 6,
    buyer: "B3",
    sku: "CT-BK-L",
    quantity: 1,
    price: 299,
    paidAt: "2026-11-09 10:00:00",
    shippedAt: "2026-11-10 10:00:00",
    channel: "小店自卖",
  },
  {
    line: 71,
    orderNo: 7,
    buyer: "B4",
    sku: "SK-RD-S",
    quantity: 1,
    price: 99,
    paidAt: "2026-11-05 10:00:00",
    shippedAt: "2026-11-06 10:00:00",
    channel: "精选联盟",
  },
  {
    line: 81,
    orderNo: 8,
    buyer: "B5",
    sku: "CT-BK-M",
    quantity: 1,
    price: 299,
    paidAt: "2026-11-12 10:00:00",
    shippedAt: "2026-11-13 10:00:00",
    channel: "小店自卖",
  },
  {
    line: 91,
    orderNo: 9,
    buyer: "B3F",
    sku: "SK-RD-S",
    quantity: 1,
    price: 99,
    paidAt: "2026-11-02 11:00:00",
    shippedAt: "2026-11-03 11:00:00",
    channel: "小店自卖",
  },
];

export const DELTA_LINES: FixtureLine[] = [
  {
    line: 101,
    orderNo: 10,
    buyer: "B1",
    sku: "DL-01",
    quantity: 1,
    price: 50,
    paidAt: "2026-11-01 10:00:00",
    shippedAt: "2026-11-02 10:00:00",
    channel: "小店自卖",
  },
];

function orderRow(l: FixtureLine): Record<string, string> {
  const product = l.sku.startsWith("CT")
    ? COAT
    : l.sku.startsWith("SK")
      ? SKIRT
      : {商品ID: "3600000000000000009", 选购商品: "袜子"};
  const buyer = BUYERS[l.buyer];
  const money = (x: number) => x.toFixed(2);
  return {
    ...product,
    主订单编号: order(l.orderNo),
    子订单编号: item(l.line),
    商家编码: l.sku,
    商品数量: String(l.quantity),
    商品金额: money(l.price),
    订单提交时间: l.paidAt,
    支付完成时间: l.paidAt,
    订单完成时间: l.completedAt ?? "-",
    订单状态: l.completedAt ? "已完成" : l.shippedAt ? "已发货" : "待发货",
    发货时间: l.shippedAt ?? "-",
    订单应付金额: money(l.price * l.quantity),
    收件人: buyer.收件人,
    收件人手机号: buyer.收件人手机号,
    省: buyer.省,
    市: buyer.市,
    区: buyer.区,
    详细地址: buyer.详细地址,
    流量来源: l.channel,
  };
}

export interface FixtureAfterSale {
  n: number;
  line: number;
  type: string;
  status: string;
  reason: string;
  appliedAt: string;
  approvedAt?: string;
  returnShippedAt?: string;
  tracking?: string;
  refundedAt?: string;
  closedAt?: string;
  deadlineAt?: string;
  refundGoods?: string;
  refundFreight?: string;
  comment?: string;
  quantity?: number;
}

const QUALITY_FLAW = "做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）";
const SIZE_QUALITY = "大小／尺寸／重量与商品描述不符（商品品质原因）";

/** The later (current) export of gamma. */
export const GAMMA_AFTER_SALES: FixtureAfterSale[] = [
  {
    n: 1,
    line: 11,
    type: "退货退款",
    status: "同意退款，退款成功",
    reason: "七天无理由退货",
    appliedAt: "2026-11-05 10:00:00",
    approvedAt: "2026-11-05 12:00:00",
    returnShippedAt: "2026-11-06 09:00:00",
    tracking: "YT0001",
    refundedAt: "2026-11-09 10:00:00",
    refundGoods: "299.00",
    refundFreight: "0.00",
    comment: "不喜欢",
  },
  {
    n: 2,
    line: 12,
    type: "退货退款",
    status: "待商家收货",
    reason: QUALITY_FLAW,
    appliedAt: "2026-11-05 11:00:00",
    approvedAt: "2026-11-05 13:00:00",
    returnShippedAt: "2026-11-06 09:00:00",
    tracking: "YT0001",
    deadlineAt: "2026-11-20 20:00:00",
    refundGoods: "198.00",
    comment: "不想要了",
  },
  {
    n: 3,
    line: 21,
    type: "已发货仅退款",
    status: "同意退款，退款成功",
    reason: "快递一直未送达（物流品质原因）",
    appliedAt: "2026-11-07 10:00:00",
    approvedAt: "2026-11-07 16:00:00",
    refundedAt: "2026-11-07 16:30:00",
    refundGoods: "299.00",
    refundFreight: "8.00",
  },
  {
    n: 4,
    line: 41,
    type: "未发货仅退款",
    status: "同意退款，退款成功",
    reason: "多拍 / 错拍 / 不想要",
    appliedAt: "2026-11-06 11:00:00",
    approvedAt: "2026-11-06 11:30:00",
    refundedAt: "2026-11-06 11:31:00",
    refundGoods: "99.00",
  },
  {
    n: 5,
    line: 31,
    type: "已发货仅退款",
    status: "同意退款，退款成功",
    reason: "未收到货",
    appliedAt: "2026-11-08 10:00:00",
    approvedAt: "2026-11-08 20:00:00",
    refundedAt: "2026-11-08 21:00:00",
    refundGoods: "299.00",
    quantity: 1,
  },
  {
    n: 6,
    line: 32,
    type: "已发货仅退款",
    status: "商家拒绝退款",
    reason: "快递无跟踪记录",
    appliedAt: "2026-11-14 10:00:00",
    refundGoods: "99.00",
  },
  {
    n: 7,
    line: 33,
    type: "已发货仅退款",
    status: "待商家处理",
    reason: "快递一直未送达",
    appliedAt: "2026-11-08 10:10:00",
    deadlineAt: "2026-11-20 16:00:00",
    refundGoods: "299.00",
  },
  {
    n: 8,
    line: 51,
    type: "已发货仅退款",
    status: "同意退款，退款成功",
    reason: "未收到货",
    appliedAt: "2026-11-12 09:00:00",
    approvedAt: "2026-11-12 12:00:00",
    refundedAt: "2026-11-12 12:10:00",
    refundGoods: "299.00",
  },
  {
    n: 9,
    line: 61,
    type: "已发货仅退款",
    status: "平台介入",
    reason: "快递一直未送达",
    appliedAt: "2026-11-14 10:00:00",
    refundGoods: "299.00",
  },
  {
    n: 10,
    line: 71,
    type: "退货退款",
    status: "同意退款，退款成功",
    reason: SIZE_QUALITY,
    appliedAt: "2026-11-20 10:00:00",
    approvedAt: "2026-11-20 10:05:00",
    returnShippedAt: "2026-11-20 12:00:00",
    tracking: "JT7777",
    refundedAt: "2026-11-20 18:00:00",
    comment: "尺码拍错了",
  },
  {
    n: 11,
    line: 81,
    type: "退货退款",
    status: "待商家收货",
    reason: "商品材质 / 品牌 / 外观等描述不符",
    appliedAt: "2026-11-14 12:00:00",
    approvedAt: "2026-11-14 12:30:00",
    returnShippedAt: "2026-11-15 09:00:00",
    tracking: "ZT9999",
    deadlineAt: "2026-11-22 12:00:00",
    refundGoods: "299.00",
    comment: "拍错颜色了，颜色和图片不一样",
  },
  {
    n: 12,
    line: 91,
    type: "退货退款",
    status: "售后关闭",
    reason: "七天无理由退货",
    appliedAt: "2026-11-15 10:00:00",
    returnShippedAt: "2026-11-15 11:00:00",
    tracking: "ZT9999",
    closedAt: "2026-11-16 12:00:00",
    refundGoods: "99.00",
    comment: "不想要",
  },
  {
    n: 13,
    line: 71,
    type: "退货退款",
    status: "售后关闭",
    reason: "做工粗糙 / 有瑕疵 / 有污渍",
    appliedAt: "2026-11-12 10:00:00",
    approvedAt: "2026-11-12 11:00:00",
    returnShippedAt: "2026-11-12 15:00:00",
    tracking: "JT7777",
    closedAt: "2026-11-14 10:00:00",
    refundGoods: "99.00",
    comment: "不喜欢",
  },
];

/** The older export: S1 in an earlier status, and S15, which no later export lists. */
export const GAMMA_AFTER_SALES_OLD: FixtureAfterSale[] = [
  {
    n: 1,
    line: 11,
    type: "退货退款",
    status: "待商家收货",
    reason: "七天无理由退货",
    appliedAt: "2026-11-05 10:00:00",
    approvedAt: "2026-11-05 12:00:00",
    returnShippedAt: "2026-11-06 09:00:00",
    tracking: "YT0001",
    deadlineAt: "2026-11-16 09:00:00",
    refundGoods: "299.00",
    comment: "不喜欢",
  },
  {
    n: 15,
    line: 31,
    type: "换货",
    status: "待商家收货",
    reason: "尺码不合适",
    appliedAt: "2026-11-06 10:00:00",
    deadlineAt: "2026-11-13 10:00:00",
    refundGoods: "0.00",
  },
];

const lineOrder = new Map([...GAMMA_LINES, ...DELTA_LINES].map((l) => [l.line, l.orderNo]));

function afterSaleRow(s: FixtureAfterSale): Record<string, string> {
  return {
    售后单号: afterSale(s.n),
    订单号: order(lineOrder.get(s.line) ?? 0),
    商品单号: item(s.line),
    商品发货状态: s.type === "未发货仅退款" ? "未发货" : "已发货",
    售后类型: s.type,
    售后状态: s.status,
    售后原因: s.reason,
    售后申请时间: s.appliedAt,
    同意售后申请时间: s.approvedAt ?? "-",
    退货发货时间: s.returnShippedAt ?? "-",
    退货物流单号: s.tracking ?? "-",
    退货物流公司: s.tracking ? "中通快递" : "-",
    商家退款时间: s.refundedAt ?? "-",
    售后关闭时间: s.closedAt ?? "-",
    自动处理截止时间: s.deadlineAt ?? "-",
    "退商品金额（元）": s.refundGoods ?? "-",
    "退运费金额（元）": s.refundFreight ?? "-",
    用户售后说明: s.comment ?? "-",
    商品数量: s.quantity === undefined ? "-" : String(s.quantity),
  };
}

export const GAMMA_SKU_MASTER: string[][] = [
  ["CT-BK-M", COAT.商品ID, "CT", "黑色", "M", "大衣", "80.00"],
  ["CT-BK-L", COAT.商品ID, "CT", "黑色", "L", "大衣", "80.00"],
];

const AS_HEADERS = [...AFTER_SALE_HEADERS, "商品数量"];

function csv(headers: readonly string[], records: readonly Record<string, string>[]): string {
  const cell = (c: string) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  const rows = records.map((record) => {
    for (const key of Object.keys(record))
      if (!headers.includes(key)) throw new Error(`unknown header ${key}`);
    return headers.map((h) => record[h] ?? "-");
  });
  return [headers, ...rows].map((row) => row.map(cell).join(",")).join("\n") + "\n";
}

/** The files of each shop, by shop and file name. */
export function costsOpsFiles(): Record<string, Record<string, string>> {
  return {
    gamma: {
      "订单导出_20261121.csv": csv(ORDER_HEADERS, GAMMA_LINES.map(orderRow)),
      "售后单导出_20261107.csv": csv(AS_HEADERS, GAMMA_AFTER_SALES_OLD.map(afterSaleRow)),
      "售后单导出_20261121.csv": csv(AS_HEADERS, GAMMA_AFTER_SALES.map(afterSaleRow)),
      "商品档案.csv": csv(
        SKU_MASTER_HEADERS,
        GAMMA_SKU_MASTER.map((row) =>
          Object.fromEntries(SKU_MASTER_HEADERS.map((h, i) => [h, row[i] ?? ""])),
        ),
      ),
    },
    delta: {"订单导出_20261102.csv": csv(ORDER_HEADERS, DELTA_LINES.map(orderRow))},
  };
}

/** Rebuilds every mart with these assumptions, as the pipeline's refresh does. */
export async function buildCostOpsRiskMarts(
  warehouse: Warehouse,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): Promise<void> {
  await refreshMarts(warehouse, assumptions);
}

/** Ingests the fixture into a fresh temp-dir warehouse and builds every mart. */
export async function costsOpsWarehouse(assumptions?: Assumptions): Promise<{
  warehouse: Warehouse;
  cleanup: () => Promise<void>;
}> {
  const {dir, cleanup} = await tempDir();
  const inbox = join(dir, "inbox");
  for (const [shop, files] of Object.entries(costsOpsFiles())) {
    await mkdir(join(inbox, shop), {recursive: true});
    for (const [name, text] of Object.entries(files)) await writeFile(join(inbox, shop, name), text);
  }
  const {warehouse, summary} = await runIngest(testConfig(dir, inbox));
  if (summary.failed > 0 || summary.files.some((f) => f.rows_rejected > 0))
    throw new Error(`fixture did not load cleanly: ${JSON.stringify(summary.files)}`);
  await buildCostOpsRiskMarts(warehouse, assumptions);
  return {warehouse, cleanup};
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/**
 * buyer_risk_key computed in TypeScript from the masked fields, the way the pipeline should: each
 * PII cell hashed with the warehouse's salt, the three hashes hashed together (buyer_key), then
 * hashed again with 市 and 区.
 */
export function expectedBuyerRiskKey(salt: string, buyer: Buyer): string {
  const buyerKey = sha256(
    [buyer.收件人, buyer.收件人手机号, buyer.详细地址].map((v) => sha256(salt + v)).join("|"),
  );
  return sha256([buyerKey, buyer.市, buyer.区].join("|"));
}

export function expectedTrackingKey(salt: string, tracking: string): string {
  return sha256(salt + tracking.toUpperCase());
}

export async function piiSalt(warehouse: Warehouse): Promise<string> {
  const salt = await warehouse.setting("pii_salt");
  if (!salt) throw new Error("no pii_salt in meta.settings");
  return salt;
}

/** Replaces hashed keys by the fixture's names, so that golden files do not depend on the salt. */
export async function keyNames(warehouse: Warehouse): Promise<Map<string, string>> {
  const salt = await piiSalt(warehouse);
  const names = new Map<string, string>();
  for (const [name, buyer] of Object.entries(BUYERS)) names.set(expectedBuyerRiskKey(salt, buyer), name);
  for (const tracking of ["YT0001", "JT7777", "ZT9999"])
    names.set(expectedTrackingKey(salt, tracking), tracking);
  return names;
}

/**
 * Data checks of the marts, in the style of src/pipelines/checks/: each query returns the offending
 * rows, zero rows = pass. Keyed by the name a check file would have.
 */
export const COST_OPS_RISK_CHECKS: Record<string, string> = {
  cost_assumptions_unique_grain: `
    select area, parameter, key from marts.cost_assumptions group by all having count(*) > 1`,
  return_costs_unique_grain: `
    select order_item_id from marts.return_costs group by all having count(*) > 1`,
  return_costs_not_null_keys: `
    select * from marts.return_costs
    where shop_id is null or order_id is null or order_item_id is null or cohort_date is null`,
  return_costs_components_sum_to_totals: `
    select * from marts.return_costs
    where logistics_cost_amount
            <> outbound_freight_amount + return_freight_amount + refunded_freight_amount + freight_insurance_amount
        or loss_amount <> goods_loss_amount + handling_amount
        or total_cost_amount <> logistics_cost_amount + loss_amount`,
  return_costs_money_not_negative: `
    select * from marts.return_costs
    where least(gmv_amount, refund_goods_amount, outbound_freight_amount, return_freight_amount,
        refunded_freight_amount, freight_insurance_amount, goods_loss_amount, handling_amount) < 0`,
  return_costs_only_on_returns: `
    select * from marts.return_costs
    where not is_returned
        and (total_cost_amount <> freight_insurance_amount or refund_goods_amount <> 0 or reason_group is not null)`,
  return_costs_parcels_within_rate: `
    select shop_id, order_id from marts.return_costs
    group by all
    having sum(outbound_freight_amount) > (
        select max(value) from marts.cost_assumptions where parameter = 'outbound_freight_per_parcel'
    )`,
  return_costs_match_return_rates: `
    with costs as (
        select shop_id, cohort_date, reason_group, sum(returned_orders) as n
        from marts.return_costs where is_returned group by all
    ),
    rates as (
        select shop_id, cohort_date, reason_group, sum(returned_orders) as n
        from marts.return_rates_daily where reason_group is not null group by all
    )
    select * from costs full outer join rates using (shop_id, cohort_date, reason_group)
    where costs.n is distinct from rates.n`,
  after_sale_backlog_unique_grain: `
    select after_sale_id from marts.after_sale_backlog group by all having count(*) > 1`,
  after_sale_backlog_open_only: `
    select * from marts.after_sale_backlog where after_sale_status_group not in ('in_progress', 'unknown')`,
  after_sale_backlog_consistent_flags: `
    select * from marts.after_sale_backlog
    where is_overdue <> (deadline_state = 'overdue')
        or is_due_within_24h <> (deadline_state = 'due_24h')
        or (is_stale <> (deadline_state = 'stale'))
        or age_hours < 0`,
  after_sale_times_weekly_unique_grain: `
    select shop_id, week_start, after_sale_type from marts.after_sale_times_weekly
    group by all having count(*) > 1`,
  after_sale_times_weekly_in_order: `
    select * from marts.after_sale_times_weekly
    where review_hours_p50 > review_hours_p90 or refund_hours_p50 > refund_hours_p90
        or refund_after_return_hours_p50 > refund_after_return_hours_p90
        or reviewed_count > after_sale_count or refunded_count > after_sale_count
        or least(review_hours_p50, refund_hours_p50, refund_after_return_hours_p50) < 0`,
  after_sale_times_weekly_totals_add_up: `
    select totals.shop_id, totals.week_start from marts.after_sale_times_weekly as totals
    inner join (
        select shop_id, week_start, sum(after_sale_count) as n, sum(reviewed_count) as reviewed
        from marts.after_sale_times_weekly where after_sale_type <> '全部' group by all
    ) as types using (shop_id, week_start)
    where totals.after_sale_type = '全部' and (totals.after_sale_count <> types.n or totals.reviewed_count <> types.reviewed)`,
  platform_score_daily_unique_grain: `
    select shop_id, date, metric from marts.platform_score_daily group by all having count(*) > 1`,
  platform_score_daily_dense: `
    select shop_id, metric from marts.platform_score_daily
    group by all having count(*) <> max(date) - min(date) + 1`,
  platform_score_daily_rates_in_range: `
    select * from marts.platform_score_daily
    where value < 0 or (unit = 'ratio' and (value > 1 or numerator > denominator))
        or (value is null) <> (denominator = 0) or not is_estimate`,
  risk_buyers_unique_grain: `
    select shop_id, buyer_risk_key from marts.risk_buyers group by all having count(*) > 1`,
  risk_buyers_ranked: `
    select shop_id from marts.risk_buyers group by all having count(distinct risk_rank) <> count(*) or max(risk_rank) <> count(*)`,
  risk_buyers_flagged: `
    select * from marts.risk_buyers
    where not (has_many_returns or has_high_refund_only) or refund_only_orders > shipped_orders
        or returned_orders > shipped_orders`,
  risk_shared_tracking_unique_grain: `
    select shop_id, return_tracking_key from marts.risk_shared_tracking group by all having count(*) > 1`,
  risk_shared_tracking_shared: `
    select * from marts.risk_shared_tracking where after_sale_count < 2 or len(after_sale_ids) <> after_sale_count`,
  risk_late_applications_unique_grain: `
    select after_sale_id from marts.risk_late_applications group by all having count(*) > 1`,
  risk_late_applications_late: `
    select * from marts.risk_late_applications where days_late <= 0 or signed_at_estimate is null`,
  appeal_candidates_unique_grain: `
    select after_sale_id from marts.appeal_candidates group by all having count(*) > 1`,
  appeal_candidates_matched: `
    select * from marts.appeal_candidates where len(matched_keywords) = 0
        or after_sale_type not in ('退货退款', '已发货仅退款')`,
};

/** Names of the checks with offending rows (only those whose name starts with `prefix`). */
export async function failingChecks(warehouse: Warehouse, prefix = ""): Promise<string[]> {
  const failing: string[] = [];
  for (const [name, sql] of Object.entries(COST_OPS_RISK_CHECKS)) {
    if (!name.startsWith(prefix)) continue;
    const rows = await warehouse.all(`select * from (${sql}) limit 5`);
    if (rows.length > 0) failing.push(`${name}: ${JSON.stringify(rows)}`);
  }
  return failing;
}
