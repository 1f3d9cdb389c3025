// After a load, the marts are refreshed in place for what the new files touched (the models with an
// `-- @incremental` line) and rebuilt for the rest. Whatever the path, every intermediate and mart
// table must be exactly what a full rebuild gives: the demo sample is loaded into one warehouse in
// steps, the marts refreshed incrementally after each, and into another all at once, then every
// table is compared row for row (except all, both ways).
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {DuckDBInstance} from "@duckdb/node-api";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {SourceFile} from "../../src/pipelines/ingest/discover.js";
import {discoverInbox} from "../../src/pipelines/ingest/discover.js";
import {ingest} from "../../src/pipelines/ingest/ingest.js";
import {silentLogger} from "../../src/pipelines/logger.js";
import {MART_MODELS, type MartsRefresh} from "../../src/pipelines/metrics/refresh.js";
import {refreshStaleMarts} from "../../src/pipelines/refresh.js";
import {generateSample} from "../../src/pipelines/sample/generate.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";
import {tempDir, testConfig} from "../helpers.js";

const INCREMENTAL = [
  "intermediate/int_order_line_returns.sql",
  "marts/return_rates_daily.sql",
  "marts/after_sales_applied_daily.sql",
  "intermediate/int_shipped_lines.sql",
  "marts/return_costs.sql",
  "intermediate/int_platform_orders.sql",
  "intermediate/int_buyer_lines.sql",
  "intermediate/int_buyers.sql",
  "intermediate/int_return_parcels.sql",
  "marts/return_parcels.sql",
  "marts/risk_late_applications.sql",
  "intermediate/int_after_sale_comments.sql",
  "intermediate/int_after_sale_comment_facts.sql",
  "intermediate/int_after_sale_comment_themes.sql",
];

let dir: string;
let cleanup: () => Promise<void>;
const refreshes: MartsRefresh[] = [];
let stepFiles: number[] = [];
let master: SourceFile[] = [];
const now = () => new Date("2026-11-28T00:00:00Z");

beforeAll(async () => {
  const temp = await tempDir();
  ({dir, cleanup} = temp);
  await generateSample({outDir: dir, orders: 6000});
  const inbox = join(dir, "inbox");
  const files = await discoverInbox(inbox, "default");

  // In steps: everything but the last six export days and the SKU master (a full build), then one
  // export day at a time (incremental). The other warehouse loads the same files at once. (The SKU
  // master, which changes every 子订单's size, category and cost, comes last: a full rebuild.)
  const stepped = testConfig(dir, inbox, {warehouse: join(dir, "stepped.duckdb")});
  const dayOf = (path: string) => /_(\d{8})\./.exec(path)?.[1] ?? "";
  const lastDays = [...new Set(files.map((f) => dayOf(f.path)).filter(Boolean))].sort().slice(-6);
  const isMaster = (path: string) => path.includes("商品档案");
  const steps = [
    files.filter((f) => !isMaster(f.path) && !lastDays.includes(dayOf(f.path))),
    ...lastDays.map((day) => files.filter((f) => dayOf(f.path) === day)),
  ];
  master = files.filter((f) => isMaster(f.path));
  stepFiles = steps.map((s) => s.length);
  const warehouse = await Warehouse.open(stepped.warehouse);
  // One PII salt for both, so that hashed buyer fields compare.
  await warehouse.setSetting("pii_salt", "incremental-test");
  try {
    for (const step of steps) {
      await ingest(warehouse, {config: stepped, logger: silentLogger, files: step, now, refreshMarts: false});
      refreshes.push((await refreshStaleMarts(warehouse, stepped))!);
    }
  } finally {
    warehouse.close();
  }

  // All at once.
  const whole = testConfig(dir, inbox, {warehouse: join(dir, "whole.duckdb")});
  const other = await Warehouse.open(whole.warehouse);
  await other.setSetting("pii_salt", "incremental-test");
  try {
    await ingest(other, {config: whole, logger: silentLogger, files: steps.flat(), now});
  } finally {
    other.close();
  }
}, 300_000);
afterAll(async () => {
  if (!process.env.KEEP) await cleanup();
  else console.log("DIR", dir);
});

describe("incremental refresh of the marts", () => {
  it("updates in place after a load of exports, and rebuilds the first time", () => {
    expect(stepFiles).toHaveLength(7);
    for (const files of stepFiles) expect(files).toBeGreaterThan(0);
    expect(refreshes[0]).toMatchObject({mode: "full", incremental: []});
    expect(Object.keys(refreshes[0]!.seconds)).toEqual(MART_MODELS);
    for (const refresh of refreshes.slice(1)) {
      expect(refresh.mode).toBe("incremental");
      expect(refresh.incremental).toEqual(INCREMENTAL);
      expect(refresh.changedLines).toBeGreaterThan(0);
    }
  });

  it("leaves every intermediate and mart table equal to a full rebuild", async () => {
    const differences = await compareMarts(join(dir, "stepped.duckdb"), join(dir, "whole.duckdb"));
    // Each model updated in place has rows to get wrong.
    for (const model of INCREMENTAL) {
      const table = model.replace("/", ".").replace(/\.sql$/, "");
      expect({table, rows: differences.rows[table]! > 100}).toEqual({table, rows: true});
    }
    expect(differences.differing).toEqual([]);
  });

  it("rebuilds everything after a SKU master", async () => {
    expect(master.length).toBeGreaterThan(0);
    const config = testConfig(dir, join(dir, "inbox"), {warehouse: join(dir, "stepped.duckdb")});
    const warehouse = await Warehouse.open(config.warehouse);
    try {
      await ingest(warehouse, {config, logger: silentLogger, files: master, now, refreshMarts: false});
      expect(await refreshStaleMarts(warehouse, config)).toMatchObject({mode: "full", incremental: []});
      expect(await refreshStaleMarts(warehouse, config)).toBeNull();
    } finally {
      warehouse.close();
    }
  });
});

/**
 * Rows of every intermediate and mart table (and view) that one warehouse has and the other lacks
 * (except all, both ways), by table, and each table's row count.
 */
async function compareMarts(
  left: string,
  right: string,
): Promise<{differing: [string, number][]; rows: Record<string, number>}> {
  const db = await DuckDBInstance.create(":memory:");
  const connection = await db.connect();
  const all = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJson();
  try {
    await connection.run(`attach '${left}' as l (read_only)`);
    await connection.run(`attach '${right}' as r (read_only)`);
    const tables = (await all(
      `select table_schema, table_name from information_schema.tables
       where table_catalog = 'r' and table_schema in ('intermediate', 'marts')
       order by all`,
    )) as {table_schema: string; table_name: string}[];
    const models = MART_MODELS.map((m) =>
      m
        .split("/")
        .pop()!
        .replace(/\.sql$/, ""),
    );
    for (const model of models) expect(tables.map((t) => t.table_name)).toContain(model);

    const differing: [string, number][] = [];
    const rows: Record<string, number> = {};
    for (const {table_schema: schema, table_name: table} of tables) {
      const columns = (await all(
        `select column_name, data_type from information_schema.columns
         where table_catalog = 'r' and table_schema = '${schema}' and table_name = '${table}'
         order by ordinal_position`,
      )) as {column_name: string; data_type: string}[];
      // Doubles summed in another order differ in the last bits; nine decimals are plenty.
      const list = columns
        .map(({column_name: c, data_type: t}) =>
          t === "DOUBLE" || t === "FLOAT" ? `round("${c}", 9) as "${c}"` : `"${c}"`,
        )
        .join(", ");
      const side = (catalog: string) => `select ${list} from ${catalog}.${schema}.${table}`;
      const count = async (sql: string) =>
        Number((await all(`select count(*)::integer as n from (${sql})`))[0]!.n);
      rows[`${schema}.${table}`] = await count(side("r"));
      const n =
        (await count(`${side("l")} except all ${side("r")}`)) +
        (await count(`${side("r")} except all ${side("l")}`));
      if (n > 0) differing.push([`${schema}.${table}`, n]);
    }
    return {differing, rows};
  } finally {
    connection.closeSync();
    db.closeSync();
  }
}

/**
 * Edge cases the sample may not reach, in shop "inc" (times Beijing; every 子订单 shipped 11-0x
 * 12:00). Base: 主订单 O1 with 子订单 L1 and L2, O2–O4 with L3–L5; after-sales A1 (L1, 七天无理由,
 * waybill T100), A3 (L3, 质量问题, T300), A4 (L4, 质量问题, T400), A5 (L5, 七天无理由, T500). Then:
 * 1. an order export with only L6, a new 子订单 of O1 (L1's outbound freight is now split three
 *    ways, though L1 is not in the file), and L5 with 支付完成时间 corrected 11-04 → 11-05 (its
 *    return moves to another cohort);
 * 2. an after-sale export where A4 is shipped back under T300, L3's waybill (L3's return freight is
 *    now split two ways, though A3 is not in the file), and A5 is closed (L5 is no longer returned);
 * 3. an after-sale export where A4 is refunded, its waybill now T999 (L3's parcel is its own again:
 *    only the old rows know L3 shared it; a later status, so that this version is the current one).
 * Return parcels (marts.return_parcels keeps the rows nothing touched): A6 (L7) and A8 (L9) received
 * (已签收) but still open, both under T700; A10 (L11) likewise under T1000; A7 (L8) in transit.
 * Step 1's order export adds L10, paid 11-10, which moves the as-of (A7's days in transit grow);
 * step 2's after-sale export leaves A6–A8 and A10 out (they turn stale) and adds A9 (L10), shipped
 * back 11-10 18:00 (the file's latest event, as before) under T700 (A6 and A8 now share it three
 * ways); in step 3, A8 is shipped again under T701 (A6 and A9 are two again: only A8's old row knows
 * it shared T700), and A11 (L8) under T1000 (A10, stale and untouched, now shares its waybill).
 * Comment themes: L9 (A8) and L11 (A10) are another product, named 甲款; step 1 renames L9 乙款, and
 * the tie goes to 乙款 (first in sort order), so A10's row, untouched, takes the new name too.
 * After each step the incrementally refreshed marts must equal a full build of the same files.
 */
describe("incremental refresh, edge cases", () => {
  const ORDER_HEADERS =
    "主订单编号,子订单编号,选购商品,商品ID,商家编码,商品数量,商品金额,订单提交时间,支付完成时间,订单状态,发货时间,订单应付金额,省,市";
  const AFTER_SALE_HEADERS =
    "售后单号,订单号,商品单号,商品发货状态,售后类型,售后状态,售后申请时间,售后原因,退货物流单号,退商品金额（元）,退货发货时间,退货物流状态";
  const P2 = "3700000000000000008";
  const order = (n: number) => `49000000000000000${n}`;
  const item = (n: number) => `49100000000000000${n}`;
  const sale = (n: number) => `49200000000000000${n}`;
  const line = (
    o: number,
    l: number,
    paid: string,
    province = "广东省",
    product = "3700000000000000009",
    name = "测试外套",
  ) =>
    [
      order(o),
      item(l),
      name,
      product,
      "INC-BK-M",
      "1",
      "199.00",
      paid,
      paid,
      "已发货",
      paid
        .replace(/ .*/, " 12:00:00")
        .replace(/-(\d\d) /, (_, d: string) => `-${String(Number(d) + 1).padStart(2, "0")} `),
      "199.00",
      province,
      "广州市",
    ].join(",");
  const afterSale = (
    n: number,
    l: number,
    o: number,
    status: string,
    reason: string,
    waybill: string,
    shipped = "",
    logistics = "",
  ) =>
    [
      sale(n),
      order(o),
      item(l),
      "已发货",
      "退货退款",
      status,
      `2026-11-0${Math.min(n + 4, 9)} 10:00:00`,
      reason,
      waybill,
      "199.00",
      shipped,
      logistics,
    ].join(",");
  const files: Record<string, string> = {
    "a_订单导出_base.csv": [
      ORDER_HEADERS,
      line(1, 1, "2026-11-01 10:00:00"),
      line(1, 2, "2026-11-01 10:00:00", "浙江省"),
      line(2, 3, "2026-11-02 10:00:00"),
      line(3, 4, "2026-11-03 10:00:00", "四川省"),
      line(4, 5, "2026-11-04 10:00:00"),
      line(6, 7, "2026-11-02 10:00:00"),
      line(7, 8, "2026-11-02 10:00:00"),
      line(8, 9, "2026-11-02 10:00:00", "广东省", P2, "甲款"),
      line(11, 11, "2026-11-02 10:00:00", "广东省", P2, "甲款"),
    ].join("\n"),
    "b_售后单导出_base.csv": [
      AFTER_SALE_HEADERS,
      afterSale(1, 1, 1, "待商家收货", "七天无理由退换", "T100"),
      afterSale(3, 3, 2, "待商家收货", "质量问题", "T300"),
      afterSale(4, 4, 3, "待商家收货", "质量问题", "T400"),
      afterSale(5, 5, 4, "待商家收货", "七天无理由退换", "T500"),
      afterSale(6, 7, 6, "待商家收货", "七天无理由退换", "T700", "2026-11-09 18:00:00", "已签收"),
      afterSale(7, 8, 7, "待商家收货", "七天无理由退换", "T800", "2026-11-09 18:00:00"),
      afterSale(8, 9, 8, "待商家收货", "七天无理由退换", "T700", "2026-11-09 18:00:00", "已签收"),
      afterSale(10, 11, 11, "待商家收货", "七天无理由退换", "T1000", "2026-11-09 18:00:00", "已签收"),
    ].join("\n"),
    "c_订单导出_step1.csv": [
      ORDER_HEADERS,
      line(1, 6, "2026-11-01 11:00:00", "江苏省"),
      line(4, 5, "2026-11-05 10:00:00"),
      line(10, 10, "2026-11-10 10:00:00"),
      line(8, 9, "2026-11-02 10:00:00", "广东省", P2, "乙款"),
    ].join("\n"),
    "d_售后单导出_step2.csv": [
      AFTER_SALE_HEADERS,
      afterSale(4, 4, 3, "待商家收货", "质量问题", "T300"),
      afterSale(5, 5, 4, "售后关闭", "七天无理由退换", "T500"),
      afterSale(9, 10, 10, "待商家收货", "七天无理由退换", "T700", "2026-11-10 18:00:00"),
    ].join("\n"),
    "e_售后单导出_step3.csv": [
      AFTER_SALE_HEADERS,
      afterSale(4, 4, 3, "同意退款，退款成功", "质量问题", "T999"),
      afterSale(8, 9, 8, "待商家收货", "七天无理由退换", "T701", "2026-11-12 10:00:00", "已签收"),
      afterSale(11, 8, 7, "待商家收货", "七天无理由退换", "T1000", "2026-11-12 10:00:00"),
    ].join("\n"),
  };
  let root: string;
  let clean: () => Promise<void>;
  beforeAll(async () => {
    ({dir: root, cleanup: clean} = await tempDir());
    await mkdir(join(root, "inbox", "inc"), {recursive: true});
    for (const [name, text] of Object.entries(files))
      await writeFile(join(root, "inbox", "inc", name), `${text}\n`);
  });
  afterAll(async () => {
    await clean();
  });

  it("equals a full build after every step", async () => {
    const inbox = join(root, "inbox");
    const all = (await discoverInbox(inbox, "default")).sort((a, b) => a.path.localeCompare(b.path));
    expect(all).toHaveLength(5);
    const config = testConfig(root, inbox, {warehouse: join(root, "stepped.duckdb")});
    const observed: Record<string, unknown>[] = [];
    const steps = [all.slice(0, 2), all.slice(2, 3), all.slice(3, 4), all.slice(4, 5)];
    for (const [index, files] of steps.entries()) {
      const warehouse = await Warehouse.open(config.warehouse);
      try {
        await warehouse.setSetting("pii_salt", "incremental-test");
        // As `returnscope ingest` runs: the marts refreshed after the files, the way reported.
        const summary = await ingest(warehouse, {config, logger: silentLogger, files, now});
        expect(summary.failed).toBe(0);
        expect(summary.files.every((f) => f.rows_rejected === 0)).toBe(true);
        expect(summary.marts?.mode).toBe(index === 0 ? "full" : "incremental");
        expect(await refreshStaleMarts(warehouse, config)).toBeNull();
        observed.push(
          ...(await warehouse.all(
            `select ${index} as step, order_item_id, outbound_freight_amount::varchar as outbound,
                    return_freight_amount::varchar as return_freight, cohort_date::varchar as cohort, is_returned
             from marts.return_costs where order_item_id in ('${item(1)}', '${item(3)}', '${item(5)}')
             order by order_item_id`,
          )),
          ...(await warehouse.all(
            `select ${index} as step, after_sale_id, parcel_state, days_in_transit, is_stale,
                    tracking_after_sale_count as sharing
             from marts.return_parcels where after_sale_id in ('${sale(6)}', '${sale(7)}', '${sale(10)}')`,
          )),
          ...(await warehouse.all(
            `select ${index} as step, 'themes' as model, after_sale_id, product_name
             from intermediate.int_after_sale_comment_themes where after_sale_id = '${sale(10)}'`,
          )),
        );
      } finally {
        warehouse.close();
      }
      const fresh = testConfig(root, inbox, {warehouse: join(root, `full-${index}.duckdb`)});
      const other = await Warehouse.open(fresh.warehouse);
      try {
        await other.setSetting("pii_salt", "incremental-test");
        await ingest(other, {config: fresh, logger: silentLogger, files: all.slice(0, index + 2), now});
      } finally {
        other.close();
      }
      const {differing} = await compareMarts(config.warehouse, fresh.warehouse);
      expect({step: index, differing}).toEqual({step: index, differing: []});
    }
    // The cases happened: L1's outbound freight (default 3.50 元 a parcel, whole fen to the first
    // 子订单s) went from 1.75 to 1.17, L3's return freight (default 10 元, paid by the merchant for
    // quality returns) from 10.00 to 5.00 and back, and L5 moved cohort, then left the returns.
    const at = (step: number, l: number) =>
      observed.find((r) => r.step === step && r.order_item_id === item(l));
    expect([0, 1].map((s) => at(s, 1)?.outbound)).toEqual(["1.75", "1.17"]);
    expect([1, 2, 3].map((s) => at(s, 3)?.return_freight)).toEqual(["10.00", "5.00", "10.00"]);
    expect([0, 1, 2].map((s) => [at(s, 5)?.cohort, at(s, 5)?.is_returned])).toEqual([
      ["2026-11-04", true],
      ["2026-11-05", true],
      ["2026-11-05", false],
    ]);
    // And the parcels' cases: A7's days in transit grew with the as-of (11-09 18:00 → 11-11 12:00),
    // A10 turned stale while received and then shared T1000, A6 shared T700 two, three, then two ways.
    const parcel = (step: number, n: number) =>
      observed.find((r) => r.step === step && r.after_sale_id === sale(n) && r.model === undefined);
    expect([0, 1].map((s) => [parcel(s, 7)?.parcel_state, parcel(s, 7)?.days_in_transit])).toEqual([
      ["in_transit", 0],
      ["in_transit", 1.75],
    ]);
    expect([1, 2].map((s) => [parcel(s, 10)?.parcel_state, parcel(s, 10)?.is_stale])).toEqual([
      ["received", false],
      ["received", true],
    ]);
    expect([0, 1, 2, 3].map((s) => parcel(s, 6)?.sharing)).toEqual([2, 2, 3, 2]);
    expect([2, 3].map((s) => parcel(s, 10)?.sharing)).toEqual([1, 2]);
    const named = (step: number) =>
      observed.find((r) => r.step === step && r.model === "themes")?.product_name;
    expect([0, 1].map(named)).toEqual(["甲款", "乙款"]);
  });
});
