// XLSX exports are converted into a named pipe that DuckDB reads while the conversion goes on
// (prepareSource's `stream`). These tests hold that path to what the file path gives, and check
// that no way of failing leaves the conversion waiting for a reader (the test would time out).
import {readFile} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {prepareSource} from "../../src/pipelines/ingest/source.js";
import {writeXlsx, type XlsxCell} from "../../src/pipelines/ingest/xlsx/index.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {AFTER_SALE_HEADERS, makeInbox, rows, runIngest, tempDir, testConfig} from "../helpers.js";

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

const column = (header: string) => AFTER_SALE_HEADERS.indexOf(header);

/**
 * An after-sale export of `count` after-sales: 售后单号 7000000000000000000 + i on spreadsheet row
 * i + 2, long enough (about 24 MB of CSV at 40,000) that the conversion has to wait for DuckDB to
 * read. `wideAt`: that row also has a value two columns right of the last header.
 */
async function afterSaleExport(path: string, count: number, wideAt?: number): Promise<void> {
  function* lines(): Generator<XlsxCell[]> {
    yield AFTER_SALE_HEADERS;
    for (let i = 0; i < count; i++) {
      const row: XlsxCell[] = AFTER_SALE_HEADERS.map(() => "-");
      for (const text of ["商品名称", "用户售后说明", "售后备注", "协商记录", "订单备注"])
        row[column(text)] = `${text}：第${i % 97}条文字，用于把导出撑大到需要边转边读的程度`;
      row[column("售后单号")] = `\t${7000000000000000000n + BigInt(i)}`;
      row[column("订单号")] = `\t${6900000000000000000n + BigInt(i)}`;
      row[column("商品单号")] = `\t${6900000000000000000n + BigInt(i)}`;
      row[column("售后类型")] = "退货退款";
      row[column("售后状态")] = "退款成功";
      row[column("售后申请时间")] = "2026-11-01 10:00:00";
      row[column("售后原因")] = "七天无理由退货";
      row[column("退商品金额（元）")] = "12.50";
      if (i + 2 === wideAt) row[AFTER_SALE_HEADERS.length + 1] = "x";
      yield row;
    }
  }
  await writeXlsx(path, lines());
}

describe("a streamed XLSX conversion", () => {
  it("gives the bytes of the file conversion, with the headers before the rest is written", async () => {
    const file = join(dir, "export.xlsx");
    await afterSaleExport(file, 2_000);
    const converted = await prepareSource(file, "shop/export.xlsx", join(dir), {stream: false});
    const streamed = await prepareSource(file, "shop/export.xlsx", join(dir), {stream: true});
    expect(streamed.csvPath).toMatch(/sheet\.pipe$/);
    expect(streamed.conversion).toBeDefined();
    expect(streamed.headers).toEqual(converted.headers);
    const [bytes] = await Promise.all([readFile(streamed.csvPath), streamed.conversion!.done]);
    expect(bytes.equals(await readFile(converted.csvPath))).toBe(true);
    await streamed.conversion!.release();
  });

  it("can be released unread, before and after its headers", async () => {
    const file = join(dir, "export.xlsx");
    await afterSaleExport(file, 40_000);
    const streamed = await prepareSource(file, "shop/export.xlsx", join(dir), {stream: true});
    await streamed.conversion!.release();
    // Released means stopped: done settles (with the abort), and releasing again is a no-op.
    await expect(streamed.conversion!.done).rejects.toThrow("conversion released");
    await streamed.conversion!.release();
  });
});

describe("ingesting an XLSX through a pipe", () => {
  it("loads every row with its spreadsheet row number", async () => {
    const file = join(dir, "售后单导出_20261101.xlsx");
    await afterSaleExport(file, 40_000);
    const inbox = await makeInbox(dir, {live: [file]});
    const {warehouse, summary} = await runIngest(testConfig(dir, inbox));
    open.push(warehouse);
    expect(summary.files.map((f) => [f.status, f.rows_read, f.rows_loaded, f.rows_rejected])).toEqual([
      ["loaded", 40_000, 40_000, 0],
    ]);
    // Row r holds after-sale 7000000000000000000 + (r - 2), cleaned of its tab, in raw and staging.
    expect(
      await rows(
        warehouse,
        `select count(*)::integer as n, min(source_row)::integer as first, max(source_row)::integer as last,
           count(*) filter (where after_sale_id <> (7000000000000000000::hugeint + source_row - 2)::varchar)::integer as wrong
         from staging.after_sales`,
      ),
    ).toEqual([{n: 40_000, first: 2, last: 40_001, wrong: 0}]);
    expect(
      await rows(
        warehouse,
        `select count(*)::integer as n from raw.after_sales
         where after_sale_id <> E'\\t' || (7000000000000000000::hugeint + source_row - 2)::varchar`,
      ),
    ).toEqual([{n: 0}]);
  });

  it("fails a workbook with a too-wide row deep inside, keeping none of its rows, and loads the next", async () => {
    const wide = join(dir, "售后单导出_20261101.xlsx");
    await afterSaleExport(wide, 40_000, 35_001);
    const good = join(dir, "售后单导出_20261102.xlsx");
    await afterSaleExport(good, 10);
    const inbox = await makeInbox(dir, {live: [wide, good]});
    const {warehouse, summary} = await runIngest(testConfig(dir, inbox));
    open.push(warehouse);
    expect(summary.files.map((f) => [f.path, f.kind, f.status, f.rows_loaded, f.message])).toEqual([
      [
        "live/售后单导出_20261101.xlsx",
        "after_sale",
        "failed",
        0,
        "live/售后单导出_20261101.xlsx, row 35001: row has 52 cells but the header has 50",
      ],
      ["live/售后单导出_20261102.xlsx", "after_sale", "loaded", 10, ""],
    ]);
    expect(await rows(warehouse, "select count(*)::integer as n from raw.after_sales")).toEqual([{n: 10}]);
  });

  it("fails without waiting when the headers say no known kind, or the sheet is empty", async () => {
    const unknown = join(dir, "unknown.xlsx");
    await writeXlsx(
      unknown,
      (function* () {
        yield ["甲", "乙"];
        for (let i = 0; i < 300_000; i++) yield [`文字${i}`, i];
      })(),
    );
    const empty = join(dir, "empty.xlsx");
    await writeXlsx(empty, [[null], []]);
    const inbox = await makeInbox(dir, {live: [unknown, empty]});
    const {warehouse, summary} = await runIngest(testConfig(dir, inbox));
    open.push(warehouse);
    expect(summary.files.map((f) => [f.path, f.status, f.message])).toEqual([
      ["live/empty.xlsx", "failed", "workbook's first sheet is empty"],
      [
        "live/unknown.xlsx",
        "failed",
        "cannot tell what kind of file this is from its headers: expected 售后单号 (售后单导出), 子订单编号 (订单导出), " +
          "or 商家编码 with 尺码/颜色/品类/成本价/款号 (商品档案); found: 甲, 乙",
      ],
    ]);
  });

  it("releases the conversion when the load fails before DuckDB opens the pipe, and loads it next time", async () => {
    const file = join(dir, "售后单导出_20261101.xlsx");
    await afterSaleExport(file, 40_000);
    const inbox = await makeInbox(dir, {live: [file]});
    const config = testConfig(dir, inbox);
    const broken = await runIngest(config, {
      fault: (at) => {
        if (at === "before-read") throw new Error("injected failure");
      },
    });
    expect(broken.summary.files.map((f) => [f.status, f.message])).toEqual([["failed", "injected failure"]]);
    broken.warehouse.close();
    const rerun = await runIngest(config);
    open.push(rerun.warehouse);
    expect(rerun.summary.files.map((f) => [f.status, f.rows_loaded])).toEqual([["loaded", 40_000]]);
  });
});
