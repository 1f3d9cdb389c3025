/**
 * marts.return_parcels and marts.return_parcel_carriers on the fixture of parcelsFixture.ts: the
 * state of every parcel by hand, days in transit and stuck flags against the shop's as-of, the
 * receipt-time stand-in (never invented), the 退货异常 text masked, shared waybills by salted key
 * only; the carriers' p50/p90 recomputed here by sorting in TypeScript; a golden snapshot; no
 * waybill number in any mart column; and the stuck threshold from the config.
 */
import {createHash} from "node:crypto";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DEFAULT_ASSUMPTIONS, normalizeRiskConfig} from "../../src/pipelines/metrics/assumptions.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import type {Row, Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {runIngest, tempDir, testConfig} from "../helpers.js";
import {
  daysBetween,
  P_AFTER_SALES,
  P_AFTER_SALES_OLD,
  P_PROVINCES,
  PARCEL_SHOP,
  PARCEL_SHOP_Q,
  pAfterSale,
  Q_AFTER_SALES,
  qAfterSale,
  quantile,
  WAYBILLS,
  writeParcelFixtures,
  type ParcelRecord,
} from "./parcelsFixture.js";

const P_AS_OF = "2026-11-20 12:00:00";
const Q_AS_OF = "2026-11-06 10:00:00";

let warehouse: Warehouse;
let cleanup: () => Promise<void>;
let salt: string;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

beforeAll(async () => {
  let dir: string;
  ({dir, cleanup} = await tempDir());
  const inbox = join(dir, "inbox");
  await writeParcelFixtures(inbox);
  const run = await runIngest(testConfig(dir, inbox));
  warehouse = run.warehouse;
  if (run.summary.failed > 0 || run.summary.files.some((f) => f.rows_rejected > 0))
    throw new Error(`fixture did not load cleanly: ${JSON.stringify(run.summary.files)}`);
  await refreshMarts(warehouse);
  salt = (await warehouse.setting("pii_salt"))!;
});
afterAll(async () => {
  warehouse?.close();
  await cleanup?.();
});

/** Rows with the salted waybill key replaced by the waybill's name. */
async function named(sql: string): Promise<Row[]> {
  const names = new Map(WAYBILLS.map((w) => [sha256(salt + w.toUpperCase()), `key(${w.toUpperCase()})`]));
  return (await warehouse.all(sql)).map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === "string" ? (names.get(v) ?? v) : v]),
    ),
  );
}

describe("return parcels", () => {
  it("as of each shop's latest event", async () => {
    expect(
      await warehouse.all(
        `select distinct shop_id, strftime(as_of_at, '%Y-%m-%d %H:%M:%S') as as_of
         from marts.return_parcels inner join intermediate.int_shop_as_of using (shop_id) order by all`,
      ),
    ).toEqual([
      {shop_id: PARCEL_SHOP, as_of: P_AS_OF},
      {shop_id: PARCEL_SHOP_Q, as_of: Q_AS_OF},
    ]);
  });

  it("classifies every parcel, with days in transit and stuck flags worked out by hand", async () => {
    const rows = await warehouse.all(
      `select after_sale_id, parcel_state, is_in_transit, days_in_transit, is_stuck, is_stale, received_basis,
              strftime(received_at_estimate, '%Y-%m-%d %H:%M:%S') as received_at, days_to_receipt
       from marts.return_parcels where shop_id = $shop order by after_sale_id`,
      {shop: PARCEL_SHOP},
    );
    const p = (
      n: number,
      state: string,
      days: number | null,
      stuck: boolean,
      basis: string | null,
      receivedAt: string | null,
      toReceipt: number | null,
    ) => ({
      after_sale_id: pAfterSale(n),
      parcel_state: state,
      is_in_transit: state === "in_transit",
      days_in_transit: days,
      is_stuck: stuck,
      is_stale: state === "stale",
      received_basis: basis,
      received_at: receivedAt,
      days_to_receipt: toReceipt,
    });
    const close = (value: unknown) => (typeof value === "number" ? Math.round(value * 1e6) / 1e6 : value);
    expect(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, close(v)])))).toEqual([
      p(1, "received", null, false, "商家退款时间", "2026-11-09 21:00:00", 3.5),
      p(2, "in_transit", 10, true, null, null, null),
      // Exactly 5 days: stuck means more than 5.
      p(3, "in_transit", 5, false, null, null, null),
      p(4, "in_transit", 8.5, true, null, null, null),
      p(5, "in_transit", 2, false, null, null, null),
      p(6, "in_transit", close(47 / 24) as number, false, null, null, null),
      // 极速退款 refunds when the buyer ships: no sign of receipt, no receipt time.
      p(7, "refunded", null, false, null, null, null),
      p(8, "received", null, false, "商家退款时间", "2026-11-13 08:00:00", 6),
      p(9, "received", null, false, "商家退款时间", "2026-11-10 00:00:00", 2),
      p(10, "received", null, false, "售后状态", null, null),
      p(11, "closed", null, false, null, null, null),
      // A waybill but no 退货发货时间: in transit, not timed, so never stuck.
      p(13, "in_transit", null, false, null, null, null),
      p(14, "received", null, false, "商家退款时间", "2026-11-15 00:00:00", 4.25),
      p(15, "received", null, false, "退货物流状态", null, null),
      p(16, "stale", null, false, null, null, null),
    ]);
  });

  it("has days in transit equal to as-of − 退货发货时间 for every parcel in transit", async () => {
    const rows = await warehouse.all(
      "select after_sale_id, days_in_transit, is_stuck from marts.return_parcels where is_in_transit and days_in_transit is not null",
    );
    const records = new Map(P_AFTER_SALES.map((r) => [pAfterSale(r.n), r]));
    expect(rows.length).toBe(5);
    for (const row of rows) {
      const record = records.get(String(row.after_sale_id))!;
      const days = daysBetween(record.returnShippedAt!, P_AS_OF);
      expect(Number(row.days_in_transit)).toBeCloseTo(days, 9);
      expect(row.is_stuck).toBe(days > 5);
    }
  });

  it("takes the carrier and the province of origin from the 子订单, never an address", async () => {
    const rows = await warehouse.all(
      `select after_sale_id, carrier, province_name, province_code from marts.return_parcels
       where shop_id = $shop order by after_sale_id`,
      {shop: PARCEL_SHOP},
    );
    const records = new Map([...P_AFTER_SALES, ...P_AFTER_SALES_OLD].map((r) => [pAfterSale(r.n), r]));
    for (const row of rows) {
      const record = records.get(String(row.after_sale_id))!;
      expect(row.carrier).toBe(record.carrier);
      expect(row.province_name).toBe(P_PROVINCES[record.line]);
      expect(String(row.province_code)).toMatch(/^\d{6}$/);
    }
    const columns = (
      await warehouse.all(
        "select column_name from information_schema.columns where table_schema = 'marts' and table_name = 'return_parcels'",
      )
    ).map((r) => String(r.column_name));
    for (const column of columns) expect(column).not.toMatch(/address|recipient|phone|buyer|city|district/);
  });

  it("flags a 退货异常 with the waybill and long numbers masked, and 无 as none", async () => {
    expect(
      await warehouse.all(
        "select after_sale_id, return_exception from marts.return_parcels where has_return_exception",
      ),
    ).toEqual([
      {after_sale_id: pAfterSale(4), return_exception: "退货物流异常：单号＊＊＊多次派送失败，联系＊＊＊"},
    ]);
    const [none] = await warehouse.all(
      "select has_return_exception, return_exception from marts.return_parcels where after_sale_id = $id",
      {id: pAfterSale(9)},
    );
    expect(none).toEqual({has_return_exception: false, return_exception: "无"});
  });

  it("marks a waybill shared by two orders (whatever its case) by its salted key, within a shop only", async () => {
    expect(
      await named(
        `select after_sale_id, is_shared_tracking, return_tracking_key, tracking_sharing, tracking_after_sale_count
         from marts.return_parcels where is_shared_tracking order by after_sale_id`,
      ),
    ).toEqual(
      [5, 6].map((n) => ({
        after_sale_id: pAfterSale(n),
        is_shared_tracking: true,
        return_tracking_key: "key(YD5005)",
        tracking_sharing: "different_buyers",
        tracking_after_sale_count: 2,
      })),
    );
    // ZT1001 is on one after-sale in each shop: not shared, and not keyed.
    const [a1] = await warehouse.all(
      "select is_shared_tracking, return_tracking_key from marts.return_parcels where after_sale_id = $id",
      {id: pAfterSale(1)},
    );
    expect(a1).toEqual({is_shared_tracking: false, return_tracking_key: null});
  });

  it("leaves out after-sales without a return shipment", async () => {
    const ids = (await warehouse.all("select after_sale_id from marts.return_parcels")).map((r) =>
      String(r.after_sale_id),
    );
    expect(ids).toHaveLength(16);
    expect(ids).not.toContain(pAfterSale(12));
    expect(ids).not.toContain(pAfterSale(17));
  });

  it("publishes no waybill number in any column of any mart", async () => {
    const tables = await warehouse.all(
      "select table_name from information_schema.tables where table_schema = 'marts' order by all",
    );
    expect(tables.map((t) => t.table_name)).toContain("return_parcels");
    for (const {table_name} of tables) {
      const text = JSON.stringify(await warehouse.all(`select * from marts.${String(table_name)}`));
      for (const waybill of WAYBILLS)
        for (const form of [waybill, waybill.toUpperCase(), waybill.toLowerCase()])
          expect(text.includes(form), `${String(table_name)}: ${form}`).toBe(false);
    }
  });

  it("passes its data checks", async () => {
    const checks: Record<string, string> = {
      unique_grain: "select after_sale_id from marts.return_parcels group by all having count(*) > 1",
      consistent_flags: `select * from marts.return_parcels
        where is_in_transit <> (parcel_state = 'in_transit') or (is_stuck and not is_in_transit)
           or (parcel_state = 'stale' and not is_stale)
           or (days_in_transit is not null and not is_in_transit) or days_in_transit < 0
           or (received_at_estimate is not null and parcel_state <> 'received') or days_to_receipt < 0
           or (is_shared_tracking <> (return_tracking_key is not null))`,
      carriers_add_up: `select totals.shop_id from marts.return_parcel_carriers as totals
        inner join (
            select shop_id, sum(parcel_count) as n, sum(stuck_count) as stuck, sum(timed_count) as timed
            from marts.return_parcel_carriers where not is_all_shops and not is_all_carriers group by all
        ) as carriers using (shop_id)
        where totals.is_all_carriers and not totals.is_all_shops
          and (totals.parcel_count <> carriers.n or totals.stuck_count <> carriers.stuck or totals.timed_count <> carriers.timed)`,
      carriers_in_order: `select * from marts.return_parcel_carriers
        where days_to_receipt_p50 > days_to_receipt_p90 or timed_count > received_count or stuck_count > in_transit_count`,
    };
    for (const [name, sql] of Object.entries(checks))
      expect(await warehouse.all(`select * from (${sql}) limit 5`), name).toEqual([]);
  });

  it("golden snapshot", async () => {
    await expectGolden(
      "metrics_marts_return_parcels.json",
      jsonLines(await named("select * from marts.return_parcels order by shop_id, after_sale_id")),
    );
  });
});

describe("transit times by carrier", () => {
  interface Timed {
    shop: string;
    carrier: string;
    days: number;
  }
  /** Days to receipt of each parcel, from the records: 退货退款 refunded after the return shipment, not 极速. */
  const timed = (shop: string, records: ParcelRecord[]): Timed[] =>
    records
      .filter((r) => r.type === "退货退款" && r.refundedAt && r.returnShippedAt && !r.express)
      .map((r) => ({shop, carrier: r.carrier!, days: daysBetween(r.returnShippedAt!, r.refundedAt!)}));
  const all = [...timed(PARCEL_SHOP, P_AFTER_SALES), ...timed(PARCEL_SHOP_Q, Q_AFTER_SALES)];

  it("has p50 and p90 of the days to receipt as sorting them here gives, per shop and carrier and rolled up", async () => {
    const rows = await warehouse.all(
      `select shop_id, carrier, is_all_shops, is_all_carriers, timed_count::integer as timed_count,
              days_to_receipt_p50 as p50, days_to_receipt_p90 as p90, days_to_receipt_mean as mean
       from marts.return_parcel_carriers`,
    );
    const groups = new Map<string, number[]>();
    for (const t of all)
      for (const key of [`${t.shop}|${t.carrier}`, `${t.shop}|*`, `*|${t.carrier}`, "*|*"])
        groups.set(key, [...(groups.get(key) ?? []), t.days]);
    expect(groups.get(`${PARCEL_SHOP}|中通快递`)).toEqual([3.5, 2, 4.25]);
    let checked = 0;
    for (const row of rows) {
      const key = `${row.is_all_shops ? "*" : String(row.shop_id)}|${row.is_all_carriers ? "*" : String(row.carrier)}`;
      const days = groups.get(key) ?? [];
      expect(row.timed_count, key).toBe(days.length);
      const expectClose = (actual: unknown, expected: number | null) =>
        expected === null ? expect(actual).toBeNull() : expect(Number(actual)).toBeCloseTo(expected, 9);
      expectClose(row.p50, quantile(days, 0.5));
      expectClose(row.p90, quantile(days, 0.9));
      expectClose(row.mean, days.length ? days.reduce((a, b) => a + b, 0) / days.length : null);
      checked += days.length ? 1 : 0;
    }
    expect(checked).toBeGreaterThan(5);
    // By hand: 中通 of parcel-p is [2, 3.5, 4.25] → p50 3.5, p90 3.5 + 0.8 × 0.75 = 4.1; with
    // parcel-q's 3 days, [2, 3, 3.5, 4.25] → p50 3.25, p90 3.5 + 0.7 × 0.75 = 4.025.
    const zto = rows.filter((r) => r.carrier === "中通快递");
    expect(zto.find((r) => r.shop_id === PARCEL_SHOP)).toMatchObject({p50: 3.5});
    expect(Number(zto.find((r) => r.shop_id === PARCEL_SHOP)!.p90)).toBeCloseTo(4.1, 9);
    expect(Number(zto.find((r) => r.is_all_shops)!.p50)).toBeCloseTo(3.25, 9);
    expect(Number(zto.find((r) => r.is_all_shops)!.p90)).toBeCloseTo(4.025, 9);
  });

  it("counts parcels in transit, stuck and flagged by carrier", async () => {
    expect(
      await warehouse.all(
        `select carrier, parcel_count::integer as parcels, received_count::integer as received,
                in_transit_count::integer as in_transit, stuck_count::integer as stuck,
                exception_count::integer as exceptions, shared_tracking_count::integer as shared
         from marts.return_parcel_carriers where shop_id = $shop and not is_all_carriers order by carrier`,
        {shop: PARCEL_SHOP},
      ),
    ).toEqual(
      [
        ["中通快递", 5, 4, 1, 1, 1, 0],
        ["圆通速递", 4, 0, 2, 1, 0, 0],
        ["极兔速递", 1, 0, 1, 0, 0, 0],
        ["申通快递", 1, 1, 0, 0, 0, 0],
        ["邮政快递包裹", 1, 0, 0, 0, 0, 0],
        ["韵达快递", 2, 0, 2, 0, 0, 2],
        ["顺丰速运", 1, 1, 0, 0, 0, 0],
      ]
        .map(([carrier, parcels, received, in_transit, stuck, exceptions, shared]) => ({
          carrier,
          parcels,
          received,
          in_transit,
          stuck,
          exceptions,
          shared,
        }))
        .sort((a, b) => String(a.carrier).localeCompare(String(b.carrier))),
    );
  });
});

describe("the stuck threshold", () => {
  afterAll(async () => {
    await refreshMarts(warehouse);
  });

  it("comes from risk.stuckParcelDays, recorded in marts.cost_assumptions", async () => {
    expect(
      await warehouse.all(
        "select value, source from marts.cost_assumptions where area = 'risk' and parameter = 'stuck_parcel_days'",
      ),
    ).toEqual([{value: 5, source: "default"}]);
    const risk = normalizeRiskConfig({stuckParcelDays: 9}, "returnscope.config.json");
    await refreshMarts(warehouse, {...DEFAULT_ASSUMPTIONS, risk});
    expect(
      await warehouse.all(
        "select value, source from marts.cost_assumptions where area = 'risk' and parameter = 'stuck_parcel_days'",
      ),
    ).toEqual([{value: 9, source: "config"}]);
    // A2 (10 days) is still stuck; A4 (8.5 days) no longer.
    expect(
      (await warehouse.all("select after_sale_id from marts.return_parcels where is_stuck")).map(
        (r) => r.after_sale_id,
      ),
    ).toEqual([pAfterSale(2)]);
    const [stuckSince] = await warehouse.all(
      "select strftime(stuck_since_at, '%Y-%m-%d %H:%M:%S') as t from marts.return_parcels where after_sale_id = $id",
      {id: pAfterSale(2)},
    );
    expect(stuckSince!.t).toBe("2026-11-19 12:00:00");
    expect(qAfterSale(1)).toMatch(/^\d{19}$/);
  });

  it("rejects a bad value with one line naming the key", () => {
    expect(() => normalizeRiskConfig({stuckParcelDays: -1}, "x.json")).toThrow(
      "x.json: risk.stuckParcelDays must be a number between 0 and 365: -1",
    );
  });
});
