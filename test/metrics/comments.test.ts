/**
 * Buyer comments are masked before they reach any mart (intermediate.int_after_sale_comments), and
 * marts.sku_comments publishes each SKU's latest ones. Every masking rule is checked on a comment
 * written for it; expectations are written out by hand.
 */
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {makeInbox, runIngest, tempDir, testConfig, writeAfterSaleXlsx, type Cell} from "../helpers.js";

const COMMENTS: [string, string][] = [
  ["起球了，电话13812345678", "起球了，电话＊＊＊"],
  ["联系我 138 1234 5678 或 0571-8888-6666", "联系我 ＊＊＊ 或 ＊＊＊"],
  ["手机138****0001打不通", "手机＊＊＊打不通"],
  ["加微信：abc_12345 细聊", "加微信＊＊＊ 细聊"],
  ["qq 12345678", "qq＊＊＊"],
  ["邮箱 buyer.name@example.com", "邮箱 ＊＊＊"],
  ["收件人：张小明，衣服偏小", "收件人：＊＊，衣服偏小"],
  ["王先生说颜色不对", "＊先生说颜色不对"],
  ["地址：杭州市西湖区文三路100号，退回", "地址：＊＊＊，退回"],
  ["偏小一码，不想要了", "偏小一码，不想要了"],
];

let cleanup: () => Promise<void>;
let warehouse: Warehouse;

beforeAll(async () => {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  const inbox = await makeInbox(temp.dir, {"shop-c": []});
  const records: Record<string, Cell>[] = COMMENTS.map(([comment], i) => ({
    售后单号: `70000000000000009${String(i).padStart(2, "0")}`,
    订单号: `69000000000000009${String(i).padStart(2, "0")}`,
    商品单号: `69000000000000019${String(i).padStart(2, "0")}`,
    商品ID: "3500000000000000009",
    商品发货状态: "已发货",
    售后类型: "退货退款",
    "退商品金额（元）": "59.00",
    售后状态: "待商家收货",
    // One a day, so comment_rank follows the list backwards.
    售后申请时间: `2026-11-${String(i + 1).padStart(2, "0")} 10:00:00`,
    售后原因: "七天无理由退货",
    用户售后说明: comment,
    商家编码: i < 5 ? "SKU-A" : "SKU-B",
  }));
  records.push({...records[0]!, 售后单号: "7000000000000000999", 用户售后说明: "-"});
  await writeAfterSaleXlsx(join(inbox, "shop-c", "售后单导出.xlsx"), records);
  const config = testConfig(temp.dir, inbox, {defaultShop: "shop-c"});
  ({warehouse} = await runIngest(config));
  await ensureFresh(warehouse, config);
}, 60_000);
afterAll(async () => {
  warehouse?.close();
  await cleanup?.();
});

describe("buyer comments", () => {
  it("are masked once, for every mart: phone numbers, handles, e-mail, cued names and addresses", async () => {
    const rows = await warehouse.all(
      `select comments.comment_masked, sales.after_sale_id
       from intermediate.int_after_sale_comments as comments
       inner join core.after_sales as sales using (after_sale_id)
       order by sales.applied_at`,
    );
    expect(rows.map((r) => r.comment_masked)).toEqual(COMMENTS.map(([, masked]) => masked));
  });

  it("marts.sku_comments: each SKU's comments, latest first, masked, nothing else about the buyer", async () => {
    const rows = await warehouse.all(
      "select sku_code, comment_rank, sku_comment_count, comment_masked from marts.sku_comments order by sku_code, comment_rank",
    );
    const expected = (sku: string, from: number, to: number) =>
      COMMENTS.slice(from, to)
        .map(([, masked]) => masked)
        .reverse()
        .map((comment_masked, i) => ({
          sku_code: sku,
          comment_rank: i + 1,
          sku_comment_count: to - from,
          comment_masked,
        }));
    expect(rows).toEqual([...expected("SKU-A", 0, 5), ...expected("SKU-B", 5, 10)]);
    const columns = await warehouse.all(
      "select column_name from information_schema.columns where table_schema = 'marts' and table_name = 'sku_comments'",
    );
    expect(columns.map((c) => c.column_name)).not.toContain("buyer_key");
    const text = JSON.stringify(await warehouse.all("select * from marts.sku_comments"));
    for (const secret of [
      "13812345678",
      "138 1234 5678",
      "abc_12345",
      "buyer.name@example.com",
      "张小明",
      "文三路",
    ])
      expect(text).not.toContain(secret);
  });

  it("golden snapshot of marts.sku_comments", async () => {
    const rows = await warehouse.all("select * from marts.sku_comments order by all");
    await expectGolden("metrics_marts_sku_comments.json", jsonLines(rows));
  });
});
