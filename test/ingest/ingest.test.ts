import {createHash} from "node:crypto";
import {readFile, readdir} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {discoverPaths} from "../../src/pipelines/ingest/discover.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {
  coreSnapshot,
  fixture,
  makeInbox,
  rows,
  runIngest,
  tempDir,
  testConfig,
  writeAfterSaleFixtures,
} from "../helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let open: Warehouse[] = [];

beforeEach(async () => {
  ({dir, cleanup} = await tempDir());
});
afterEach(async () => {
  for (const w of open) w.close();
  open = [];
  await cleanup();
});

async function fullInbox(): Promise<string> {
  const {v1, v2} = await writeAfterSaleFixtures(dir);
  return makeInbox(dir, {
    live: [
      fixture("orders_a.csv"),
      fixture("orders_a_later.csv"),
      fixture("orders_bad.csv"),
      fixture("sku_master.csv"),
      v1,
      v2,
    ],
    basics: [fixture("orders_b_gbk.csv"), fixture("after_sales_basics.csv")],
  });
}

async function ingestAll(inbox: string, name = "warehouse.duckdb") {
  const config = testConfig(dir, inbox, {warehouse: join(dir, name)});
  const result = await runIngest(config);
  open.push(result.warehouse);
  return {...result, config};
}

describe("ingest of the hand-made fixtures", () => {
  it("reports every file with exact row counts", async () => {
    const {summary} = await ingestAll(await fullInbox());
    const byPath = Object.fromEntries(
      summary.files.map((f) => [f.path, [f.status, f.kind, f.rows_read, f.rows_loaded, f.rows_rejected]]),
    );
    expect(byPath).toEqual({
      "basics/after_sales_basics.csv": ["loaded", "after_sale", 2, 2, 0],
      "basics/orders_b_gbk.csv": ["loaded", "order", 3, 3, 0],
      "live/orders_a.csv": ["loaded", "order", 5, 5, 0],
      "live/orders_a_later.csv": ["loaded", "order", 3, 3, 0],
      "live/orders_bad.csv": ["loaded", "order", 8, 3, 5],
      "live/sku_master.csv": ["loaded", "sku_master", 3, 3, 0],
      "live/售后单导出_20261106.xlsx": ["loaded", "after_sale", 2, 2, 0],
      "live/售后单导出_20261110.xlsx": ["loaded", "after_sale", 4, 3, 1],
    });
    expect(summary.files.find((f) => f.path === "live/orders_a.csv")!.message).toBe(
      "1 unknown column(s) kept in raw: 自定义列",
    );
    expect(summary.totals.order).toEqual({files: 4, rows_read: 19, rows_loaded: 14, rows_rejected: 5});
    expect(summary.failed).toBe(0);
  });

  it("puts each bad row in the rejects table with file, row, column, raw value and reason", async () => {
    const {warehouse} = await ingestAll(await fullInbox());
    const rejects = await rows(
      warehouse,
      `select log.path, rejects.source_row::integer as row, rejects.column_name, rejects.raw_value, rejects.reason
       from meta.rejects as rejects join meta.ingest_log as log using (file_id) order by log.path, row`,
    );
    expect(rejects).toEqual([
      {
        path: "live/orders_bad.csv",
        row: 3,
        column_name: "商品金额",
        raw_value: "12,3x",
        reason: "expected an amount in 元 such as 1,299.00",
      },
      {
        path: "live/orders_bad.csv",
        row: 4,
        column_name: "支付完成时间",
        raw_value: "2026-13-45 25:00:00",
        reason: "expected a time such as 2026-11-02 14:05:09 (YYYY-MM-DD HH:MM:SS)",
      },
      {
        path: "live/orders_bad.csv",
        row: 5,
        column_name: "子订单编号",
        raw_value: "-",
        reason: "missing key 子订单编号",
      },
      {
        path: "live/orders_bad.csv",
        row: 6,
        column_name: "子订单编号",
        raw_value: "6.90000000000002E+18",
        reason:
          "ID was stored as a number and has lost its digits (format the column as text before saving in Excel)",
      },
      {
        path: "live/orders_bad.csv",
        row: 7,
        column_name: null,
        raw_value:
          "6900000000000000201,6900000000000000216,3500000000000000201,BS01-NV-M,1,49.00,2026-11-10 10:00:00,2026-11-10 10:00:05,已发货,2026-11-11 10:00:00,49.00,上海,6900000000000000216,surplus,cells",
        reason: "row has 15 cells but the header has 13",
      },
      {
        path: "live/售后单导出_20261110.xlsx",
        row: 5,
        column_name: "售后申请时间",
        raw_value: "昨天",
        reason: "expected a time such as 2026-11-02 14:05:09 (YYYY-MM-DD HH:MM:SS)",
      },
    ]);
    // The multi-line cell keeps its row number (8) and its line break.
    const multi = await rows(
      warehouse,
      "select source_row::integer as row, merchant_note from raw.order_lines where order_item_id = '6900000000000000217'",
    );
    expect(multi).toEqual([{row: 8, merchant_note: "第一行\n第二行"}]);
  });

  it("builds one current row per 子订单 with cleaned, typed and normalized values", async () => {
    const {warehouse} = await ingestAll(await fullInbox());
    const lines = await rows(
      warehouse,
      `select order_item_id, order_id, shop_id, order_status, is_shipped, shipped_at, completed_at, order_after_sale_status,
          province_code, province_name, size, size_source, color, category, unit_cost_amount, quantity,
          unit_price_amount, payable_amount, freight_amount, traffic_format, influencer_name, version_count
       from core.order_lines order by order_item_id`,
    );
    const byId = Object.fromEntries(lines.map((l) => [l.order_item_id, l]));
    expect(Object.keys(byId)).toEqual([
      "6900000000000000011",
      "6900000000000000012",
      "6900000000000000021",
      "6900000000000000031",
      "6900000000000000041",
      "6900000000000000051",
      "6900000000000000111",
      "6900000000000000121",
      "6900000000000000131",
      "6900000000000000211",
      "6900000000000000217",
      "6900000000000000218",
    ]);
    // Two exports of 011: the later one (fewer columns) advances the state and keeps the rest.
    expect(byId["6900000000000000011"]).toEqual({
      order_item_id: "6900000000000000011",
      order_id: "6900000000000000001",
      shop_id: "live",
      order_status: "已完成",
      is_shipped: true,
      shipped_at: "2026-11-02 09:00:00",
      completed_at: "2026-11-10 08:00:00",
      order_after_sale_status: "同意退款，退款成功",
      province_code: "440000",
      province_name: "广东省",
      size: "S",
      size_source: "商家编码",
      color: "黑色",
      category: "连衣裙",
      unit_cost_amount: "420.00",
      quantity: 1,
      unit_price_amount: "1299.00",
      payable_amount: "1299.00",
      freight_amount: "0.00",
      traffic_format: "直播",
      influencer_name: "小鹿穿搭",
      version_count: 2,
    });
    expect(byId["6900000000000000021"]).toMatchObject({
      order_status: "已发货",
      shipped_at: "2026-11-05 10:00:00",
      province_code: "650000",
      size: "XXL",
      freight_amount: null,
      version_count: 2,
    });
    // Apostrophe-prefixed IDs, 海外 in the unknown bucket, 均码 from the code.
    expect(byId["6900000000000000031"]).toMatchObject({
      order_id: "6900000000000000003",
      order_status: "已关闭",
      is_shipped: false,
      province_code: null,
      province_name: "未知",
      size: "均码",
    });
    // 已发货 with 发货时间 "--" is shipped; a trailing tab in 商家编码 is stripped before the master join.
    expect(byId["6900000000000000041"]).toMatchObject({
      is_shipped: true,
      shipped_at: null,
      quantity: 3,
      unit_price_amount: "59.90",
      payable_amount: "179.70",
      province_code: "450000",
      size: "XXL",
      color: "红色",
      category: "配饰",
      unit_cost_amount: "12.00",
    });
    expect(byId["6900000000000000051"]).toMatchObject({
      order_status: "备货中",
      is_shipped: false,
      province_code: "110000",
    });
    // GB18030 file with 商品规格 in three styles.
    expect(byId["6900000000000000111"]).toMatchObject({
      shop_id: "basics",
      size: "XL",
      size_source: "商品规格",
      color: "黑色",
      province_code: "330000",
    });
    expect(byId["6900000000000000121"]).toMatchObject({
      size: "M",
      color: "白色",
      province_code: "610000",
      quantity: 2,
    });
    expect(byId["6900000000000000131"]).toMatchObject({
      size: "L",
      color: "灰色",
      province_code: "140000",
      province_name: "山西省",
    });
    expect(byId["6900000000000000218"]).toMatchObject({province_code: "310000", size: "M", quantity: 2});
  });

  it("keeps the latest state of each 售后单 across overlapping exports", async () => {
    const {warehouse} = await ingestAll(await fullInbox());
    const sales = await rows(
      warehouse,
      `select after_sale_id, order_item_id, after_sale_type, after_sale_status, after_sale_status_group, applied_at,
          approved_at, return_shipped_at, refunded_at, closed_at, deadline_at, reason_text, reason_quality_flag,
          reason_code, reason_group, buyer_comment, refund_goods_amount, refund_freight_amount,
          refund_payment_discount_amount, sku_code, version_count
       from core.after_sales order by after_sale_id`,
    );
    expect(sales).toEqual([
      {
        after_sale_id: "7000000000000000001",
        order_item_id: "6900000000000000011",
        after_sale_type: "退货退款",
        after_sale_status: "同意退款，退款成功",
        after_sale_status_group: "succeeded",
        applied_at: "2026-11-05 10:00:00",
        approved_at: "2026-11-05 12:00:00",
        return_shipped_at: "2026-11-06 09:00:00",
        refunded_at: "2026-11-09 10:00:00",
        closed_at: null,
        deadline_at: null,
        reason_text: "大小/尺寸/重量与商品描述不符",
        reason_quality_flag: null,
        reason_code: 16,
        reason_group: "尺码",
        buyer_comment: "偏小，穿不上",
        refund_goods_amount: "1299.00",
        refund_freight_amount: "0.00",
        refund_payment_discount_amount: null,
        sku_code: "LS01-BK-S",
        version_count: 2,
      },
      {
        after_sale_id: "7000000000000000002",
        order_item_id: "6900000000000000021",
        after_sale_type: "已发货仅退款",
        after_sale_status: "售后关闭",
        after_sale_status_group: "closed",
        applied_at: "2026-11-06 08:00:00",
        approved_at: null,
        return_shipped_at: null,
        refunded_at: null,
        closed_at: "2026-11-07 09:00:00",
        deadline_at: null,
        reason_text: "做工粗糙/有瑕疵/破损或污渍",
        reason_quality_flag: "商品品质",
        reason_code: 7,
        reason_group: "质量问题",
        buyer_comment: null,
        refund_goods_amount: "99.00",
        refund_freight_amount: null,
        refund_payment_discount_amount: null,
        sku_code: null,
        version_count: 2,
      },
      {
        after_sale_id: "7000000000000000003",
        order_item_id: "6900000000000000012",
        after_sale_type: "换货",
        after_sale_status: "换货成功",
        after_sale_status_group: "succeeded",
        applied_at: "2026-11-08 10:00:00",
        approved_at: null,
        return_shipped_at: null,
        refunded_at: null,
        closed_at: null,
        deadline_at: null,
        reason_text: "七天无理由退货",
        reason_quality_flag: null,
        reason_code: null,
        reason_group: "七天无理由",
        buyer_comment: null,
        refund_goods_amount: "0.00",
        refund_freight_amount: null,
        refund_payment_discount_amount: null,
        sku_code: null,
        version_count: 1,
      },
      {
        after_sale_id: "7000000000000000101",
        order_item_id: "6900000000000000111",
        after_sale_type: "退货退款",
        after_sale_status: "同意退款，退款成功",
        after_sale_status_group: "succeeded",
        applied_at: "2026-10-29 12:00:00",
        approved_at: null,
        return_shipped_at: null,
        refunded_at: "2026-11-02 12:00:00",
        closed_at: null,
        deadline_at: null,
        reason_text: "做工粗糙/有瑕疵/破损或污渍",
        reason_quality_flag: "商品品质",
        reason_code: 7,
        reason_group: "质量问题",
        buyer_comment: "起球了，电话13812345678",
        refund_goods_amount: "129.00",
        refund_freight_amount: "0.00",
        refund_payment_discount_amount: "5.00",
        sku_code: null,
        version_count: 1,
      },
      {
        after_sale_id: "7000000000000000102",
        order_item_id: "6900000000000000121",
        after_sale_type: "已发货仅退款",
        after_sale_status: "售后关闭",
        after_sale_status_group: "closed",
        applied_at: "2026-10-25 12:00:00",
        approved_at: null,
        return_shipped_at: null,
        refunded_at: null,
        closed_at: "2026-10-26 12:00:00",
        deadline_at: null,
        reason_text: "商品与宣传不一致",
        reason_quality_flag: null,
        reason_code: null,
        reason_group: "未知",
        buyer_comment: null,
        refund_goods_amount: "129.00",
        refund_freight_amount: null,
        refund_payment_discount_amount: null,
        sku_code: null,
        version_count: 1,
      },
    ]);
  });

  it("counts what it could not place in unknown buckets", async () => {
    const {warehouse} = await ingestAll(await fullInbox());
    expect(await rows(warehouse, "select * from meta.unknown_values")).toEqual([
      {column_name: "售后原因", value: "商品与宣传不一致", row_count: 1},
      {column_name: "省", value: "海外", row_count: 1},
    ]);
  });

  it("keeps unknown columns in raw and never stores buyer PII as text", async () => {
    const {warehouse} = await ingestAll(await fullInbox());
    const extra = await rows(
      warehouse,
      "select extra_columns::varchar as extra from raw.order_lines where order_item_id like '%6900000000000000011' and extra_columns is not null",
    );
    expect(extra).toEqual([{extra: '{"自定义列":"A1"}'}]);
    const pii = await rows(
      warehouse,
      `select recipient_name, recipient_phone, address, street from raw.order_lines where recipient_name is not null`,
    );
    expect(pii.length).toBe(4); // 011, 012, 021 in orders_a.csv and 111 in the GB18030 file
    for (const row of pii)
      for (const value of Object.values(row)) if (value !== null) expect(value).toMatch(/^[0-9a-f]{64}$/);
    const everything = await rows(warehouse, "select * from raw.order_lines");
    const text = JSON.stringify(everything);
    for (const secret of [
      "张**",
      "138****0001",
      "南山区科技园****",
      "粤海街道",
      "139****0002",
      "137****0003",
      "西湖区****",
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it("never modifies the source files", async () => {
    const inbox = await fullInbox();
    const hashes = async () => {
      const out: Record<string, string> = {};
      for (const entry of (await readdir(inbox, {recursive: true})).map(String).sort()) {
        const data = await readFile(join(inbox, entry)).catch(() => null);
        if (data) out[entry] = createHash("sha256").update(data).digest("hex");
      }
      return out;
    };
    const before = await hashes();
    await ingestAll(inbox);
    expect(await hashes()).toEqual(before);
  });
});

describe("idempotency", () => {
  it("changes nothing when run again, and gives identical core tables in another order", async () => {
    const inbox = await fullInbox();
    const first = await ingestAll(inbox);
    const snapshot = await coreSnapshot(first.warehouse);
    const again = await runIngest(first.config);
    open.push(again.warehouse);
    first.warehouse.close();
    open = open.filter((w) => w !== first.warehouse);
    expect(again.summary.files.every((f) => f.status === "skipped" && f.message === "already loaded")).toBe(
      true,
    );
    expect(await coreSnapshot(again.warehouse)).toEqual(snapshot);
    expect(await rows(again.warehouse, "select count(*)::integer as n from staging.order_lines")).toEqual([
      {n: 14},
    ]);

    // Same files, reversed order, fresh warehouse.
    const files = (await discoverPaths([inbox], "default")).reverse();
    const reversed = await runIngest(testConfig(dir, inbox, {warehouse: join(dir, "reversed.duckdb")}), {
      files,
    });
    open.push(reversed.warehouse);
    expect(reversed.summary.files.map((f) => f.path)[0]).toContain("售后单导出_20261110.xlsx");
    expect(await coreSnapshot(reversed.warehouse)).toEqual(snapshot);
  });

  it("skips a copy of a loaded file under another name", async () => {
    const inbox = await makeInbox(dir, {live: [fixture("orders_a.csv")]});
    const first = await ingestAll(inbox);
    first.warehouse.close();
    open = [];
    const copy = await makeInbox(join(dir, "second"), {other: [fixture("orders_a.csv")]});
    const second = await runIngest(testConfig(dir, copy));
    open.push(second.warehouse);
    expect(second.summary.files.map((f) => [f.status, f.message])).toEqual([
      ["skipped", "already loaded as live/orders_a.csv"],
    ]);
  });
});
