import ExcelJS from "exceljs";
import {copyFile, mkdir, mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {basename, join} from "node:path";
import {fileURLToPath} from "node:url";
import {defaultConfig, type Config} from "../src/pipelines/config.js";
import {ingest, type IngestOptions, type IngestSummary} from "../src/pipelines/ingest/ingest.js";
import {memoryLogger} from "../src/pipelines/logger.js";
import {generateSample} from "../src/pipelines/sample/generate.js";
import {Warehouse, type Row} from "../src/pipelines/warehouse.js";

export const fixturesDir = fileURLToPath(new URL("./fixtures/", import.meta.url));
export const fixture = (name: string) => join(fixturesDir, name);

export async function tempDir(): Promise<{dir: string; cleanup: () => Promise<void>}> {
  const dir = await mkdtemp(join(tmpdir(), "returnscope-test-"));
  return {dir, cleanup: () => rm(dir, {recursive: true, force: true})};
}

/** Lays out an inbox: {shop: [fixture paths]}; files keep their names. */
export async function makeInbox(dir: string, layout: Record<string, string[]>): Promise<string> {
  const inbox = join(dir, "inbox");
  for (const [shop, files] of Object.entries(layout)) {
    await mkdir(join(inbox, shop), {recursive: true});
    for (const file of files) await copyFile(file, join(inbox, shop, basename(file)));
  }
  return inbox;
}

export function testConfig(dir: string, inbox: string, overrides: Partial<Config> = {}): Config {
  return {...defaultConfig(), warehouse: join(dir, "warehouse.duckdb"), inbox, ...overrides};
}

/** Opens the warehouse, ingests, and leaves it open for assertions. */
export async function runIngest(
  config: Config,
  extra: Partial<IngestOptions> = {},
): Promise<{warehouse: Warehouse; summary: IngestSummary; log: string[]}> {
  const warehouse = await Warehouse.open(config.warehouse);
  const logger = memoryLogger();
  const fixed = new Date("2026-11-28T00:00:00Z");
  const summary = await ingest(warehouse, {config, logger, now: () => fixed, ...extra});
  return {warehouse, summary, log: logger.lines};
}

export async function rows(warehouse: Warehouse, sql: string): Promise<Row[]> {
  return warehouse.all(sql);
}

/**
 * Core tables without what legitimately differs between two warehouses loaded from the same files:
 * file ids (load order) and buyer keys (hashed with a per-warehouse salt; only their presence).
 */
export async function coreSnapshot(warehouse: Warehouse): Promise<Record<string, Row[]>> {
  return {
    order_lines: await warehouse.all(
      "select * exclude (source_file_id, buyer_key), buyer_key is not null as has_buyer_key from core.order_lines order by order_item_id",
    ),
    after_sales: await warehouse.all(
      "select * exclude (source_file_id) from core.after_sales order by after_sale_id",
    ),
    skus: await warehouse.all("select * exclude (source_file_id) from core.skus order by shop_id, sku_code"),
    shops: await warehouse.all("select shop_id, shop_name, file_count from core.shops order by shop_id"),
  };
}

/** The 50 after-sale headers of domain.md §1.3, in order. */
export const AFTER_SALE_HEADERS =
  `售后单号, 订单号, 商品单号, 商品名称, 商品ID, 应付金额（元）, 商品运费（元）, 支付优惠（元）,
商品税费（元）, 商品发货状态, 售后类型, 退商品金额（元）, 退运费金额（元）, 退支付优惠（元）,
退税费金额（元）, 售后状态, 售后申请时间, 退款方式, 是否已上传退款凭证, 售后原因, 售后原因标签,
退货物流单号, 退货异常, 退货发货时间, 退货物流公司, 自动处理截止时间, 同意售后申请时间,
商家退款时间, 用户到账时间, 售后关闭时间, 商家退货地址, 商家退货联系人姓名, 商家退货联系人电话,
仲裁状态, 纠纷责任方, 是否极速退款, 是否拒签后退款, 发货物流单号, 发货物流状态, 换货物流单号,
退货物流状态, 售后完结时间, 订单备注, 用户售后说明, 售后备注, 操作人, 协商记录, 换货商品信息,
商家编码, 门店名称`
    .split(",")
    .map((h) => h.trim());

export type Cell = string | number | Date | null;

/** Writes an after-sale export with exceljs (an independent writer), `-` in unnamed columns. */
export async function writeAfterSaleXlsx(
  path: string,
  records: Record<string, Cell>[],
  headers = AFTER_SALE_HEADERS,
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("Sheet1");
  sheet.addRow(headers);
  for (const record of records) {
    for (const key of Object.keys(record))
      if (!headers.includes(key)) throw new Error(`unknown header ${key}`);
    const row = sheet.addRow(headers.map((h) => (h in record ? record[h] : "-")));
    row.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = "yyyy-mm-dd hh:mm:ss";
    });
  }
  await workbook.xlsx.writeFile(path);
}

/** Two overlapping after-sale exports of shop A; see fixtures/README.md for the story. */
export async function writeAfterSaleFixtures(dir: string): Promise<{v1: string; v2: string}> {
  const v1 = join(dir, "售后单导出_20261106.xlsx");
  const v2 = join(dir, "售后单导出_20261110.xlsx");
  const T = "\t";
  await writeAfterSaleXlsx(v1, [
    {
      售后单号: T + "7000000000000000001",
      订单号: T + "6900000000000000001",
      商品单号: T + "6900000000000000011",
      商品ID: "3500000000000000001",
      商品发货状态: "已发货",
      售后类型: "退货退款",
      "退商品金额（元）": "1,299.00",
      售后状态: "待商家收货",
      售后申请时间: "2026-11-05 10:00:00",
      同意售后申请时间: "2026-11-05 12:00:00",
      退货发货时间: "2026-11-06 09:00:00",
      退货物流公司: "中通快递",
      退货物流单号: "73500000000001",
      售后原因: "大小／尺寸／重量与商品描述不符",
      用户售后说明: "偏小，穿不上",
      自动处理截止时间: "2026-11-13 09:00:00",
      商家编码: T + "LS01-BK-S",
    },
    {
      售后单号: "7000000000000000002",
      订单号: "6900000000000000002",
      商品单号: "6900000000000000021",
      商品ID: "3500000000000000002",
      商品发货状态: "已发货",
      售后类型: "已发货仅退款",
      "退商品金额（元）": "99.00",
      售后状态: "待商家处理",
      售后申请时间: "2026-11-06 08:00:00",
      售后原因: "做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）",
      自动处理截止时间: "2026-11-08 08:00:00",
    },
  ]);
  await writeAfterSaleXlsx(v2, [
    {
      售后单号: T + "7000000000000000001",
      订单号: T + "6900000000000000001",
      商品单号: T + "6900000000000000011",
      商品ID: "3500000000000000001",
      商品发货状态: "已发货",
      售后类型: "退货退款",
      "退商品金额（元）": "1,299.00",
      "退运费金额（元）": 0,
      售后状态: "同意退款，退款成功",
      售后申请时间: "2026-11-05 10:00:00",
      同意售后申请时间: new Date(Date.UTC(2026, 10, 5, 12, 0, 0)),
      商家退款时间: "2026-11-09 10:00:00",
      售后原因: "大小／尺寸／重量与商品描述不符",
      退款方式: "原路退款",
    },
    {
      售后单号: "7000000000000000002",
      订单号: "6900000000000000002",
      商品单号: "6900000000000000021",
      商品ID: "3500000000000000002",
      商品发货状态: "已发货",
      售后类型: "已发货仅退款",
      "退商品金额（元）": 99,
      售后状态: "售后关闭",
      售后申请时间: "2026-11-06 08:00:00",
      售后关闭时间: "2026-11-07 09:00:00",
      售后原因: "做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）",
    },
    {
      售后单号: "7000000000000000003",
      订单号: "6900000000000000001",
      商品单号: "6900000000000000012",
      商品ID: "3500000000000000001",
      商品发货状态: "已发货",
      售后类型: "换货",
      售后状态: "换货成功",
      售后申请时间: "2026-11-08 10:00:00",
      售后原因: "七天无理由退货",
      退款方式: "无需退款",
      "退商品金额（元）": "0.00",
    },
    {
      售后单号: "7000000000000000004",
      订单号: "6900000000000000004",
      商品单号: "6900000000000000041",
      售后类型: "退货退款",
      售后状态: "待商家处理",
      售后申请时间: "昨天",
      售后原因: "七天无理由退货",
    },
  ]);
  return {v1, v2};
}

/** The hand-made fixtures of one shop: two order exports, the SKU master and the after-sale exports. */
export const FIXTURE_FILES = [
  "orders_a.csv",
  "orders_a_later.csv",
  "sku_master.csv",
  "after_sales_basics.csv",
];

/** An inbox holding the fixtures as shop "shop-a" (both after-sale XLSX exports included). */
export async function fixtureShopInbox(dir: string): Promise<string> {
  const inbox = await makeInbox(dir, {"shop-a": FIXTURE_FILES.map(fixture)});
  await writeAfterSaleFixtures(join(inbox, "shop-a"));
  return inbox;
}

/**
 * The seeded demo sample (two shops) at `orders` lines in <dir>/sample/inbox, plus the hand-made
 * fixtures as a third shop `fixtureShop`. Returns the inbox.
 */
export async function sampleWithFixtureShop(
  dir: string,
  orders: number,
  fixtureShop = "fixture-shop",
): Promise<string> {
  await generateSample({outDir: join(dir, "sample"), orders});
  const inbox = join(dir, "sample", "inbox");
  const shopDir = join(inbox, fixtureShop);
  await mkdir(shopDir, {recursive: true});
  for (const name of FIXTURE_FILES) await copyFile(fixture(name), join(shopDir, name));
  await writeAfterSaleFixtures(shopDir);
  return inbox;
}
