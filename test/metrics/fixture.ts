/**
 * The hand-made fixture of the metric tests: two shops' order exports, after-sale exports and one
 * SKU master, written as CSV with the platform's headers. Each row's comment says which edge case it
 * is; rates.test.ts derives every expected rate from these rows by hand.
 *
 * 子订单 (L = line; qty = 商品数量; ✓ = shipped):
 *   L1  alpha  DR-BK-S  S  qty 1 ✓  11-02  广东省  精选联盟 直播   甜甜的穿搭号  A01 退货退款 成功 (尺码)
 *   L2  alpha  DR-BK-M  M  qty 2 ✓  11-02  广东省  精选联盟 直播   甜甜的穿搭号  A02 退货退款 11-06 in progress,
 *                                                                        A03 已发货仅退款 11-05 成功 (质量): two
 *                                                                        effective, counted once, reason = A03
 *   L3  alpha  DR-WH-L  L  qty 3 ✓  11-02  浙江     小店自卖 商品卡               A04 退货退款 售后关闭: not effective
 *   L4  alpha  DR-WH-M  M  qty 1    11-02  江苏省  小店自卖 商品卡               A05 未发货仅退款 成功; order closed
 *   L5  alpha  DR-BK-L  L  qty 1 ✓  11-09  新疆…    小店自卖 直播                 A06 换货 成功: not a return
 *   L6  alpha  DR-BK-S  S  qty 2 ✓  11-09  广东     精选联盟 直播   甜甜的穿搭号  A07 退货退款, status 平台介入
 *                                                                        (unknown): counts as effective
 *   L7  alpha  DR-WH-S  S  qty 1 ✓  11-09 23:59:59 北京市 小店自卖 商品卡        A08 退货退款 (质量) and A09
 *                                                                        已发货仅退款 (错发) at the same moment:
 *                                                                        the smaller 售后单号 A08 wins
 *   L8  alpha  DR-BK-M  M  qty 1 ✓  10-31  广东省  小店自卖 商品卡               A10 已发货仅退款 售后失败, A11
 *                                                                        退货退款 商家拒绝: neither effective
 *   L9  alpha  TS-BK-M  M  qty 1 ✓  no 支付完成时间, 订单提交时间 11-10 → cohort 11-10; 浙江省
 *                                   小店自卖 短视频                              A12 已发货仅退款 待商家处理 (物流)
 *   L10 alpha  TS-WH-L  L  qty 4 ✓  11-10 00:00:00; 已发货 without 发货时间; 内蒙 精选联盟 短视频 一起穿搭的小鹿
 *                                                                        A13 仅退款 with no 发货状态: type unknown
 *   L11 alpha  TS-BK-S  S  qty 1    11-10  江苏     小店自卖 商品卡 (待发货)      A14 未发货仅退款 售后关闭, A16 退货退款
 *                                                                        in progress on an unshipped line
 *   L12 beta   BS-GY-XL XL qty 1 ✓  11-02  上海     小店自卖                      A21 退货退款 成功 (七天无理由)
 * A15 is an after-sale of alpha whose 子订单 is in no order export (no reason given).
 */
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {AFTER_SALE_HEADERS, runIngest, tempDir, testConfig} from "../helpers.js";

const P1 = "3500000000000000001";
const P2 = "3500000000000000002";
const P3 = "3500000000000000003";
const order = (n: number) => `6900000000000000${String(n).padStart(3, "0")}`;
const item = (n: number) => `6910000000000000${String(n).padStart(3, "0")}`;
const afterSale = (n: number) => `7000000000000000${String(n).padStart(3, "0")}`;

export const ORDER_HEADERS = [
  "主订单编号",
  "子订单编号",
  "选购商品",
  "商品ID",
  "商家编码",
  "商品规格",
  "商品数量",
  "商品金额",
  "订单提交时间",
  "支付完成时间",
  "订单状态",
  "发货时间",
  "订单应付金额",
  "省",
  "市",
  "APP渠道",
  "流量来源",
  "流量类型",
  "流量体裁",
  "达人昵称",
] as const;
type OrderHeader = (typeof ORDER_HEADERS)[number];
type OrderRow = Partial<Record<OrderHeader, string>>;

const dress = {选购商品: "法式连衣裙", 商品ID: P1, 商品金额: "199.00"};
const tee = {选购商品: "纯棉T恤", 商品ID: P2, 商品金额: "59.00"};
const live = {流量来源: "精选联盟", 流量体裁: "直播", APP渠道: "抖音", 流量类型: "非广告"};
const card = {流量来源: "小店自卖", 流量体裁: "商品卡", APP渠道: "抖音", 流量类型: "非广告"};

export const ALPHA_ORDERS: OrderRow[] = [
  {
    ...dress,
    ...live,
    主订单编号: order(1),
    子订单编号: item(11),
    商家编码: "DR-BK-S",
    商品规格: "颜色:黑色;尺码:S",
    商品数量: "1",
    订单提交时间: "2026-11-02 09:59:00",
    支付完成时间: "2026-11-02 10:00:00",
    订单状态: "已发货",
    发货时间: "2026-11-03 09:00:00",
    省: "广东省",
    市: "深圳市",
    达人昵称: "甜甜的穿搭号",
  },
  {
    ...dress,
    ...live,
    主订单编号: order(1),
    子订单编号: item(12),
    商家编码: "DR-BK-M",
    商品规格: "颜色:黑色;尺码:M",
    商品数量: "2",
    订单提交时间: "2026-11-02 09:59:00",
    支付完成时间: "2026-11-02 10:00:00",
    订单状态: "已完成",
    发货时间: "2026-11-03 09:00:00",
    省: "广东省",
    市: "深圳市",
    达人昵称: "甜甜的穿搭号",
  },
  {
    ...dress,
    ...card,
    主订单编号: order(2),
    子订单编号: item(21),
    商家编码: "DR-WH-L",
    商品规格: "白色;L",
    商品数量: "3",
    订单提交时间: "2026-11-02 20:00:00",
    支付完成时间: "2026-11-02 20:00:30",
    订单状态: "已发货",
    发货时间: "2026-11-04 10:00:00",
    省: "浙江",
    市: "杭州市",
    APP渠道: "抖音极速版",
    流量类型: "广告",
  },
  {
    ...dress,
    ...card,
    主订单编号: order(3),
    子订单编号: item(31),
    商家编码: "DR-WH-M",
    商品规格: "颜色:白色;尺码:M",
    商品数量: "1",
    订单提交时间: "2026-11-02 21:00:00",
    支付完成时间: "2026-11-02 21:00:10",
    订单状态: "已关闭",
    省: "江苏省",
    市: "南京市",
  },
  {
    ...dress,
    ...card,
    主订单编号: order(4),
    子订单编号: item(41),
    商家编码: "DR-BK-L",
    商品规格: "颜色:黑色;尺码:L",
    商品数量: "1",
    订单提交时间: "2026-11-09 09:59:00",
    支付完成时间: "2026-11-09 10:00:00",
    订单状态: "已发货",
    发货时间: "2026-11-10 09:00:00",
    省: "新疆维吾尔自治区",
    市: "乌鲁木齐市",
    流量体裁: "直播",
  },
  {
    ...dress,
    ...live,
    主订单编号: order(5),
    子订单编号: item(51),
    商家编码: "DR-BK-S",
    商品规格: "颜色:黑色;尺码:S",
    商品数量: "2",
    订单提交时间: "2026-11-09 20:29:00",
    支付完成时间: "2026-11-09 20:30:00",
    订单状态: "已发货",
    发货时间: "2026-11-10 10:00:00",
    省: "广东",
    市: "广州市",
    流量类型: "广告",
    达人昵称: "甜甜的穿搭号",
  },
  {
    ...dress,
    ...card,
    主订单编号: order(6),
    子订单编号: item(61),
    商家编码: "DR-WH-S",
    商品规格: "颜色:白色;尺码:S",
    商品数量: "1",
    订单提交时间: "2026-11-09 23:59:00",
    支付完成时间: "2026-11-09 23:59:59",
    订单状态: "已完成",
    发货时间: "2026-11-10 11:00:00",
    省: "北京市",
    市: "北京市",
  },
  {
    ...dress,
    ...card,
    主订单编号: order(7),
    子订单编号: item(71),
    商家编码: "DR-BK-M",
    商品规格: "颜色:黑色;尺码:M",
    商品数量: "1",
    订单提交时间: "2026-10-31 11:59:00",
    支付完成时间: "2026-10-31 12:00:00",
    订单状态: "已完成",
    发货时间: "2026-11-01 09:00:00",
    省: "广东省",
    市: "深圳市",
  },
  {
    ...tee,
    ...card,
    主订单编号: order(8),
    子订单编号: item(81),
    商家编码: "TS-BK-M",
    商品规格: "颜色:黑色;尺码:M",
    商品数量: "1",
    订单提交时间: "2026-11-10 08:00:00",
    订单状态: "已发货",
    发货时间: "2026-11-11 09:00:00",
    省: "浙江省",
    市: "宁波市",
    流量体裁: "短视频",
  },
  {
    ...tee,
    ...live,
    主订单编号: order(9),
    子订单编号: item(91),
    商家编码: "TS-WH-L",
    商品规格: "颜色:白色;尺码:L",
    商品数量: "4",
    订单提交时间: "2026-11-09 23:58:00",
    支付完成时间: "2026-11-10 00:00:00",
    订单状态: "已发货",
    省: "内蒙",
    市: "呼和浩特市",
    APP渠道: "抖音火山版",
    流量体裁: "短视频",
    达人昵称: "一起穿搭的小鹿",
  },
  {
    ...tee,
    ...card,
    主订单编号: order(10),
    子订单编号: item(101),
    商家编码: "TS-BK-S",
    商品规格: "颜色:黑色;尺码:S",
    商品数量: "1",
    订单提交时间: "2026-11-10 15:00:00",
    支付完成时间: "2026-11-10 15:00:20",
    订单状态: "待发货",
    省: "江苏",
    市: "苏州市",
  },
];

export const BETA_ORDERS: OrderRow[] = [
  {
    ...card,
    选购商品: "基础款卫衣",
    商品ID: P3,
    商品金额: "129.00",
    主订单编号: order(11),
    子订单编号: item(111),
    商家编码: "BS-GY-XL",
    商品规格: "颜色:灰色;尺码:XL",
    商品数量: "1",
    订单提交时间: "2026-11-02 11:00:00",
    支付完成时间: "2026-11-02 11:00:05",
    订单状态: "已完成",
    发货时间: "2026-11-03 12:00:00",
    省: "上海",
    市: "上海市",
    流量体裁: "-",
  },
];

type AfterSaleRow = Record<string, string>;

const SIZE_REASON = "大小／尺寸／重量与商品描述不符";
const QUALITY_REASON = "做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）";
const NO_REASON = "七天无理由退货";
const WRONG_ITEM = "商家发错货";
const NOT_DELIVERED = "快递一直未送达";
const MISTAKE = "多拍 / 错拍 / 不想要";

function sale(
  n: number,
  line: number,
  orderNo: number,
  type: string,
  status: string,
  appliedAt: string,
  reason: string,
  extra: AfterSaleRow = {},
): AfterSaleRow {
  return {
    售后单号: afterSale(n),
    订单号: order(orderNo),
    商品单号: item(line),
    商品发货状态: type === "未发货仅退款" ? "未发货" : "已发货",
    售后类型: type,
    售后状态: status,
    售后申请时间: appliedAt,
    售后原因: reason,
    ...extra,
  };
}

export const ALPHA_AFTER_SALES: AfterSaleRow[] = [
  sale(1, 11, 1, "退货退款", "同意退款，退款成功", "2026-11-05 10:00:00", SIZE_REASON),
  sale(2, 12, 1, "退货退款", "待商家收货", "2026-11-06 10:00:00", NO_REASON),
  sale(3, 12, 1, "已发货仅退款", "同意退款，退款成功", "2026-11-05 09:00:00", QUALITY_REASON),
  sale(4, 21, 2, "退货退款", "售后关闭", "2026-11-06 11:00:00", NO_REASON),
  sale(5, 31, 3, "未发货仅退款", "同意退款，退款成功", "2026-11-02 22:00:00", MISTAKE),
  sale(6, 41, 4, "换货", "换货成功", "2026-11-12 10:00:00", SIZE_REASON),
  sale(7, 51, 5, "退货退款", "平台介入", "2026-11-12 10:00:00", NO_REASON),
  sale(8, 61, 6, "退货退款", "同意退款，退款成功", "2026-11-13 10:00:00", QUALITY_REASON),
  sale(9, 61, 6, "已发货仅退款", "同意退款，退款成功", "2026-11-13 10:00:00", WRONG_ITEM),
  sale(10, 71, 7, "已发货仅退款", "售后失败", "2026-11-04 10:00:00", NOT_DELIVERED),
  sale(11, 71, 7, "退货退款", "商家拒绝退货申请", "2026-11-05 10:00:00", NO_REASON),
  sale(12, 81, 8, "已发货仅退款", "待商家处理", "2026-11-15 10:00:00", NOT_DELIVERED),
  sale(13, 91, 9, "仅退款", "同意退款，退款成功", "2026-11-15 11:00:00", "其他", {商品发货状态: "-"}),
  sale(14, 101, 10, "未发货仅退款", "售后关闭", "2026-11-10 16:00:00", MISTAKE),
  sale(15, 999, 999, "退货退款", "待商家处理", "2026-11-08 10:00:00", "-"),
  sale(16, 101, 10, "退货退款", "待商家处理", "2026-11-11 10:00:00", NO_REASON),
];

export const BETA_AFTER_SALES: AfterSaleRow[] = [
  sale(21, 111, 11, "退货退款", "同意退款，退款成功", "2026-11-06 10:00:00", NO_REASON),
];

export const SKU_MASTER_HEADERS = ["商家编码", "商品ID", "款号", "颜色", "尺码", "品类", "成本价"];
const masterRow = (code: string, product: string, category: string) => {
  const [style, colour, size] = code.split("-");
  return [code, product, style ?? "", colour === "BK" ? "黑色" : "白色", size ?? "", category, "50.00"];
};
export const ALPHA_SKU_MASTER: string[][] = [
  ...["DR-BK-S", "DR-BK-M", "DR-BK-L", "DR-WH-S", "DR-WH-M", "DR-WH-L"].map((c) =>
    masterRow(c, P1, "连衣裙"),
  ),
  ...["TS-BK-S", "TS-BK-M", "TS-WH-L"].map((c) => masterRow(c, P2, "T恤")),
];

function csvCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

function csv(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  return [headers, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
}

const byHeader = (headers: readonly string[], record: Record<string, string>) => {
  for (const key of Object.keys(record)) if (!headers.includes(key)) throw new Error(`unknown header ${key}`);
  return headers.map((h) => record[h] ?? "-");
};

/** The files of each shop, by shop and file name. */
export function fixtureFiles(): Record<string, Record<string, string>> {
  return {
    alpha: {
      "订单导出_20261116.csv": csv(
        ORDER_HEADERS,
        ALPHA_ORDERS.map((r) => byHeader(ORDER_HEADERS, r)),
      ),
      "售后单导出_20261116.csv": csv(
        AFTER_SALE_HEADERS,
        ALPHA_AFTER_SALES.map((r) => byHeader(AFTER_SALE_HEADERS, r)),
      ),
      "商品档案.csv": csv(SKU_MASTER_HEADERS, ALPHA_SKU_MASTER),
    },
    beta: {
      "订单导出_20261116.csv": csv(
        ORDER_HEADERS,
        BETA_ORDERS.map((r) => byHeader(ORDER_HEADERS, r)),
      ),
      "售后单导出_20261116.csv": csv(
        AFTER_SALE_HEADERS,
        BETA_AFTER_SALES.map((r) => byHeader(AFTER_SALE_HEADERS, r)),
      ),
    },
  };
}

/** Writes the inbox (<dir>/inbox/<shop>/…) and returns its path. */
export async function writeFixtureInbox(dir: string): Promise<string> {
  const inbox = join(dir, "inbox");
  for (const [shop, files] of Object.entries(fixtureFiles())) {
    await mkdir(join(inbox, shop), {recursive: true});
    for (const [name, text] of Object.entries(files)) await writeFile(join(inbox, shop, name), text);
  }
  return inbox;
}

/** Ingests the fixture into a fresh warehouse in a temp dir and builds the marts. */
export async function fixtureWarehouse(): Promise<{
  warehouse: Warehouse;
  dir: string;
  inbox: string;
  cleanup: () => Promise<void>;
}> {
  const {dir, cleanup} = await tempDir();
  const inbox = await writeFixtureInbox(dir);
  const {warehouse, summary} = await runIngest(testConfig(dir, inbox));
  if (summary.failed > 0 || summary.files.some((f) => f.rows_rejected > 0))
    throw new Error(`fixture did not load cleanly: ${JSON.stringify(summary.files)}`);
  await refreshMarts(warehouse);
  return {warehouse, dir, inbox, cleanup};
}
