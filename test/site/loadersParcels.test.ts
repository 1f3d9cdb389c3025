/**
 * The data loaders of the 退货物流 section of the 售后时效 page and of the 售后工作台 page, run as
 * Framework runs them (a child process each, the warehouse read-only), against a warehouse loaded
 * from a demo sample (two shops) plus the hand-made parcel shops of test/metrics/parcelsFixture.ts,
 * with cases planted in core before the marts are rebuilt: more than 500 stuck return parcels (so
 * that the list's cap is exercised), a 退货异常 naming its own waybill and a phone number, and one
 * waybill on two orders. Every loader is checked against its mart with a query of its own; no
 * waybill number, buyer field, core buyer key or order ID may appear. The work list's cap is also
 * checked on a synthetic backlog of 12,000 after-sales.
 */
import {createHash} from "node:crypto";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {ALL} from "../../src/components/controls.js";
import {fromColumns} from "../../src/components/columnar.js";
import {
  NO_FILTERS,
  worklistCounts,
  worklistRows,
  type WorklistCount,
  type WorklistFilters,
  type WorklistRow,
} from "../../src/components/worklist.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {generateSample} from "../../src/pipelines/sample/generate.js";
import {loadRows} from "../../src/pipelines/site/loader.js";
import {Warehouse, type Row} from "../../src/pipelines/warehouse.js";
import {runIngest, tempDir, testConfig} from "../helpers.js";
import {
  A4_EXCEPTION,
  pAfterSale,
  PARCEL_SHOP,
  WAYBILLS,
  writeParcelFixtures,
} from "../metrics/parcelsFixture.js";
import {loaderOutput} from "./loaderHarness.js";

/** The loaders of the two pages (the 售后时效 page's earlier ones too, for its size budget). */
const PAGES: Record<string, string[]> = {
  operations: [
    "after_sale_backlog/snapshot",
    "after_sale_backlog/summary",
    "after_sale_backlog/urgent",
    "after_sale_times_weekly",
    "cost_assumptions",
    "return_parcels/summary",
    "return_parcels/stuck",
    "return_parcels/flags",
    "return_parcel_carriers",
  ],
  worklist: [
    "after_sale_backlog/snapshot",
    "after_sale_backlog/worklist",
    "after_sale_backlog/worklist_counts",
  ],
};
const LOADERS = [...new Set(Object.values(PAGES).flat())];

const SHARED_WAYBILL = "YT8888000011112222";

/**
 * Return parcels of the sample listed in their shop's latest after-sale export (so not stale): the
 * ones planted back in transit — 待商家收货, not refunded, the waybill still travelling.
 */
const LATEST_RETURNS = `
    select states.after_sale_id from core.after_sale_states as states
    inner join meta.ingest_log as log on log.file_id = states.file_id
    inner join (
        select shop_id, max(as_of) as as_of from meta.ingest_log
        where status = 'loaded' and kind = 'after_sale' group by all
    ) as newest on newest.shop_id = states.shop_id and newest.as_of = log.as_of
    where states.return_shipped_at is not null and states.return_tracking_no is not null
      and states.shop_id in ('live-apparel', 'basics-store')`;
const EXCEPTION_PHONE = "13912345678";

let cleanup: () => Promise<void>;
let warehousePath: string;
const outputs = new Map<string, string>();
const planted = {stuck: 0, exception: "", exceptionWaybill: "", shared: [] as string[]};

beforeAll(async () => {
  let dir: string;
  ({dir, cleanup} = await tempDir());
  // 8,000 lines: enough return parcels to plant more than 500 stuck ones.
  await generateSample({outDir: join(dir, "sample"), orders: 8000});
  const inbox = join(dir, "sample", "inbox");
  await writeParcelFixtures(inbox);
  const config = testConfig(dir, inbox);
  const {warehouse} = await runIngest(config);
  try {
    await ensureFresh(warehouse, config);
    await plant(warehouse);
    await refreshMarts(warehouse, {costs: config.costs, platform: config.platform, risk: config.risk});
    // Counted once the marts know each shop's as-of (without the refunds taken away above).
    const [stuck] = await warehouse.all(
      `select count(*)::integer as n from core.after_sale_states as s
       inner join intermediate.int_shop_as_of as a using (shop_id)
       where s.after_sale_id in (${LATEST_RETURNS}) and s.return_shipped_at < a.as_of_at - interval 5 day`,
    );
    planted.stuck = Number(stuck!.n);
  } finally {
    warehouse.close();
  }
  warehousePath = config.warehouse;
  for (const name of LOADERS) outputs.set(name, await loaderOutput(name, warehousePath));
}, 300_000);
afterAll(() => cleanup?.());

/** Changes to core.after_sale_states (behind core.after_sales) that the marts then pick up. */
async function plant(warehouse: Warehouse): Promise<void> {
  await warehouse.run(
    `update core.after_sale_states set after_sale_status = '待商家收货', after_sale_status_group = 'in_progress',
         refunded_at = null, refund_arrived_at = null, closed_at = null, finalized_at = null,
         return_logistics_status = '运输中', is_express_refund = '否'
     where after_sale_id in (${LATEST_RETURNS})`,
  );

  // A 退货异常 that names its own waybill and a phone number.
  const [exception] = await warehouse.all(
    `select after_sale_id, return_tracking_no from core.after_sale_states where after_sale_id in (${LATEST_RETURNS})
     order by after_sale_id limit 1`,
  );
  planted.exception = String(exception!.after_sale_id);
  planted.exceptionWaybill = String(exception!.return_tracking_no);
  await warehouse.run(
    "update core.after_sale_states set return_exception = $text where after_sale_id = $id",
    {
      text: `疑似空包：运单${planted.exceptionWaybill}重量不符，买家电话${EXCEPTION_PHONE}`,
      id: planted.exception,
    },
  );

  // One waybill on two after-sales of different 主订单.
  const pair = await warehouse.all(
    `select after_sale_id from core.after_sale_states where after_sale_id in (${LATEST_RETURNS})
     qualify row_number() over (partition by order_id order by after_sale_id) = 1
     order by after_sale_id desc limit 2`,
  );
  planted.shared = pair.map((r) => String(r.after_sale_id));
  await warehouse.run(
    "update core.after_sale_states set return_tracking_no = $no where after_sale_id in ($a, $b)",
    {no: SHARED_WAYBILL, a: planted.shared[0]!, b: planted.shared[1]!},
  );
}

const json = <T = Record<string, unknown>>(name: string): T[] => {
  const payload = JSON.parse(outputs.get(name) ?? "null") as unknown;
  return (Array.isArray(payload) ? payload : fromColumns(payload)) as T[];
};

async function query(sql: string, params?: Record<string, string | number>): Promise<Row[]> {
  const warehouse = await Warehouse.open(warehousePath, {readOnly: true});
  try {
    return await warehouse.all(sql, params);
  } finally {
    warehouse.close();
  }
}

/** Σ of `measure` by `keys` over rows, as "key|…|sum" strings. */
function sums(rows: readonly Record<string, unknown>[], keys: readonly string[], measure: string): string[] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const key = keys.map((k) => String(row[k] ?? "")).join("|");
    totals.set(key, (totals.get(key) ?? 0) + Number(row[measure]));
  }
  return [...totals].map(([key, total]) => `${key}|${total}`).sort();
}

const range = (n: number) => Array.from({length: n}, (_, i) => i + 1);

/** A capped list: ≤ 500 rows, the shops taking turns, each shop's rows its best-ranked. */
function expectTurns(rows: readonly Record<string, unknown>[], rank: string): void {
  expect(rows.length).toBeLessThanOrEqual(500);
  const byShop = new Map<string, {n: number; total: number; ranks: number[]}>();
  for (const row of rows) {
    const shop = String(row.shop_id);
    const known = byShop.get(shop) ?? {n: 0, total: Number(row.shop_count), ranks: []};
    known.n += 1;
    known.ranks.push(Number(row[rank]));
    byShop.set(shop, known);
  }
  const total = [...byShop.values()].reduce((s, v) => s + v.total, 0);
  expect(rows.length).toBe(Math.min(500, total));
  for (const {n, ranks} of byShop.values()) expect(ranks.sort((a, b) => a - b)).toEqual(range(n));
  const shops = [...byShop.values()];
  for (const a of shops) for (const b of shops) if (a.n + 1 < b.n) expect(a.n).toBe(a.total);
}

describe("退货物流 loaders", () => {
  it("summary: parcels in transit or flagged, counted exactly by every filter of the page", async () => {
    const expected = await query(
      `select p.shop_id, o.category, o.traffic_source as channel, p.carrier, p.province_name, p.is_in_transit,
              p.is_stuck, p.has_return_exception, p.tracking_sharing, count(*)::integer as n
       from marts.return_parcels as p left join core.order_lines as o on o.order_item_id = p.order_item_id
       where p.parcel_state = 'in_transit' or p.return_exception is not null and p.return_exception <> '无'
          or p.return_tracking_key is not null
       group by all`,
    );
    const keys = [
      "shop_id",
      "category",
      "channel",
      "carrier",
      "province_name",
      "is_in_transit",
      "is_stuck",
      "has_return_exception",
      "tracking_sharing",
    ];
    const rows = json("return_parcels/summary");
    expect(sums(rows, keys, "parcel_count")).toEqual(sums(expected, keys, "n"));
    const stuck = rows.filter((r) => r.is_stuck).reduce((s, r) => s + Number(r.parcel_count), 0);
    // The planted parcels and the fixture's A2 and A4.
    expect(stuck).toBe(planted.stuck + 2);
    expect(stuck).toBeGreaterThan(500);
  });

  it("stuck: the 500 longest in transit, shops taking turns, with exact counts per shop", async () => {
    const rows = json("return_parcels/stuck");
    expectTurns(rows, "stuck_rank");
    expect(rows).toHaveLength(500);
    const ranked = await query(
      `select shop_id, after_sale_id, days_in_transit,
              row_number() over (partition by shop_id order by return_shipped_at, after_sale_id)::integer as r,
              count(*) over (partition by shop_id)::integer as n
       from marts.return_parcels where is_stuck`,
    );
    const byId = new Map(ranked.map((r) => [String(r.after_sale_id), r]));
    for (const row of rows) {
      const mart = byId.get(String(row.after_sale_id))!;
      expect(mart, String(row.after_sale_id)).toBeDefined();
      expect(row.stuck_rank).toBe(mart.r);
      expect(row.shop_count).toBe(mart.n);
      expect(Math.abs(Number(row.days_in_transit) - Number(mart.days_in_transit))).toBeLessThanOrEqual(
        0.005 + 1e-9,
      );
      expect(Number(row.days_in_transit)).toBeGreaterThan(5);
    }
    // Oldest first, whatever the shop; the fixture shop's A2 (10 days) and A4 (8.5 days) are in it.
    const shipped = rows.map((r) => String(r.return_shipped_at));
    expect(shipped).toEqual([...shipped].sort());
    expect(rows.filter((r) => r.shop_id === PARCEL_SHOP).map((r) => r.after_sale_id)).toEqual([
      pAfterSale(2),
      pAfterSale(4),
    ]);
  });

  it("flags: 退货异常 first, then shared waybills by their salted key, never the number", async () => {
    const rows = json<Record<string, unknown> & {after_sale_id: string}>("return_parcels/flags");
    const expected = await query(
      `select shop_id, after_sale_id, has_return_exception, return_tracking_key, tracking_sharing
       from marts.return_parcels where has_return_exception or is_shared_tracking`,
    );
    expect(expected.length).toBeLessThan(500);
    const tuple = (r: Record<string, unknown>) =>
      [r.shop_id, r.after_sale_id, r.has_return_exception, r.return_tracking_key, r.tracking_sharing].join(
        "|",
      );
    expect(rows.map(tuple).sort()).toEqual(expected.map(tuple).sort());
    expectTurns(rows, "flag_rank");
    for (const shop of new Set(rows.map((r) => r.shop_id))) {
      const flags = rows.filter((r) => r.shop_id === shop).map((r) => r.has_return_exception);
      expect(flags).toEqual([...flags].sort((a, b) => Number(b) - Number(a)));
    }
    const exception = rows.find((r) => r.after_sale_id === planted.exception)!;
    expect(exception.return_exception).toBe("疑似空包：运单＊＊＊重量不符，买家电话＊＊＊");
    expect(rows.find((r) => r.after_sale_id === pAfterSale(4))!.return_exception).not.toBe(A4_EXCEPTION);
    const [salt] = await query("select value from meta.settings where key = 'pii_salt'");
    const key = createHash("sha256")
      .update(String(salt!.value) + SHARED_WAYBILL)
      .digest("hex");
    const shared = rows.filter((r) => r.return_tracking_key === key);
    expect(shared.map((r) => r.after_sale_id).sort()).toEqual([...planted.shared].sort());
    expect(shared.map((r) => r.tracking_sharing)).toEqual(["different_buyers", "different_buyers"]);
  });

  it("carriers: the mart's counts and percentiles, the roll-ups recomputed from the parcels", async () => {
    const rows = json<Record<string, unknown>>("return_parcel_carriers");
    const counts = await query(
      `select shop_id, carrier, count(*)::integer as parcels, (count(*) filter (where is_stuck))::integer as stuck,
              (count(*) filter (where parcel_state = 'in_transit'))::integer as in_transit,
              count(days_to_receipt)::integer as timed
       from marts.return_parcels group by all`,
    );
    const perCarrier = rows.filter((r) => !r.is_all_shops && !r.is_all_carriers);
    const tuple = (keys: string[]) => (r: Record<string, unknown>) => keys.map((k) => String(r[k])).join("|");
    expect(
      perCarrier
        .map(tuple(["shop_id", "carrier", "parcel_count", "stuck_count", "in_transit_count", "timed_count"]))
        .sort(),
    ).toEqual(counts.map(tuple(["shop_id", "carrier", "parcels", "stuck", "in_transit", "timed"])).sort());
    const wholes = await query(
      `select carrier, quantile_cont(days_to_receipt, 0.5) as p50, quantile_cont(days_to_receipt, 0.9) as p90,
              count(days_to_receipt)::integer as timed
       from marts.return_parcels group by grouping sets ((carrier), ())`,
    );
    for (const whole of wholes) {
      const row = rows.find(
        (r) => r.is_all_shops && (whole.carrier === null ? r.is_all_carriers : r.carrier === whole.carrier),
      )!;
      expect(row.timed_count).toBe(whole.timed);
      if (whole.p50 === null) expect(row.days_to_receipt_p50).toBeNull();
      else {
        expect(Math.abs(Number(row.days_to_receipt_p50) - Number(whole.p50))).toBeLessThanOrEqual(
          0.0005 + 1e-9,
        );
        expect(Math.abs(Number(row.days_to_receipt_p90) - Number(whole.p90))).toBeLessThanOrEqual(
          0.0005 + 1e-9,
        );
      }
    }
    expect(rows.find((r) => r.is_all_shops && r.is_all_carriers)!.timed_count).toBeGreaterThan(100);
  });
});

describe("售后工作台 loaders", () => {
  it("worklist: every open, non-stale after-sale, soonest deadline first, none without last", async () => {
    const expected = await query(
      `select after_sale_id, coalesce(after_sale_status, '未知') as status, reason_group, deadline_state,
              strftime(deadline_at, '%Y-%m-%d %H:%M:%S') as deadline_at
       from marts.after_sale_backlog where not is_stale order by deadline_at nulls last, shop_id, after_sale_id`,
    );
    expect(expected.length).toBeGreaterThan(20);
    expect(expected.length).toBeLessThan(4000);
    const rows = json<WorklistRow>("after_sale_backlog/worklist");
    expect(
      rows.map((r) => [r.after_sale_id, r.status, r.reason_group, r.deadline_state, r.deadline_at]),
    ).toEqual(
      expected.map((r) => [r.after_sale_id, r.status, r.reason_group, r.deadline_state, r.deadline_at]),
    );
    expect(new Set(rows.map((r) => r.deadline_state))).not.toContain("stale");
    expect(Object.keys(rows[0]!).sort()).toEqual(
      [
        "shop_id",
        "after_sale_id",
        "after_sale_type",
        "status",
        "reason_group",
        "deadline_state",
        "deadline_at",
        "hours_to_deadline",
        "applied_at",
        "age_hours",
        "sku_code",
        "product_name",
      ].sort(),
    );
    // The page's own ordering keeps the loader's.
    expect(worklistRows(rows, NO_FILTERS).map((r) => r.after_sale_id)).toEqual(
      rows.map((r) => r.after_sale_id),
    );
  });

  it("worklist counts: exact by shop, status, reason group and deadline state", async () => {
    const expected = await query(
      `select shop_id, coalesce(after_sale_status, '未知') as status, reason_group, deadline_state, count(*)::integer as n
       from marts.after_sale_backlog where not is_stale group by all`,
    );
    const keys = ["shop_id", "status", "reason_group", "deadline_state"];
    const rows = json<WorklistCount>("after_sale_backlog/worklist_counts");
    expect(sums(rows as unknown as Record<string, unknown>[], keys, "after_sale_count")).toEqual(
      sums(expected, keys, "n"),
    );
    const [overdue] = await query(
      "select count(*)::integer as n from marts.after_sale_backlog where is_overdue and shop_id = 'live-apparel'",
    );
    expect(worklistCounts(rows, {...NO_FILTERS, shop: "live-apparel", deadline: "overdue"}).total).toBe(
      overdue!.n,
    );
  });

  it("worklist cap: on 12,000 open after-sales, ≤ 4,000 rows whose first rows are any filter's soonest", async () => {
    const warehouse = await Warehouse.open(":memory:");
    try {
      // 3 shops × 4 statuses × 5 reason groups × 4 deadline states, uneven: a few rare groups.
      await warehouse.run(`
        create schema if not exists marts; create schema if not exists core;
        create table core.order_lines as select 'L' || i as order_item_id, '商品' || (i % 7) as product_name from range(12000) as t(i);
        create table marts.after_sale_backlog as
        with base as (
            select i,
                   ['s-a', 's-b', 's-c'][1 + (i % 3)] as shop_id,
                   ['待商家处理', '待买家退货', '待商家收货', '平台介入'][1 + (i // 3) % 4] as after_sale_status,
                   case when i % 97 = 0 then '错发漏发' else ['尺码', '质量问题', '七天无理由', '描述不符'][1 + (i // 12) % 4] end as reason_group,
                   (i * 7919) % 20000 - 2000 as minutes
            from range(12000) as t(i)
        )
        select shop_id, lpad((7100000000000000000 + i)::varchar, 19, '0') as after_sale_id, 'L' || i as order_item_id,
               '退货退款' as after_sale_type, after_sale_status, reason_group,
               case when i % 11 = 0 then null else timestamp '2026-11-20 12:00:00' + to_minutes(minutes) end as deadline_at,
               case when i % 11 = 0 then null else minutes / 60 end as hours_to_deadline,
               case when i % 11 = 0 then 'no_deadline' when minutes < 0 then 'overdue' when minutes < 1440 then 'due_24h' else 'later' end as deadline_state,
               timestamp '2026-11-18 00:00:00' as applied_at, 60.0 as age_hours, 'SKU-' || (i % 30) as sku_code,
               i % 50 = 0 as is_stale
        from base`);
      const all = (await loadRows(warehouse, "backlog_worklist")) as Record<string, unknown>[];
      const counts = (await loadRows(warehouse, "backlog_worklist_counts")) as unknown as WorklistCount[];
      expect(all.length).toBe(4000);
      const truth = (await warehouse.all(
        `select shop_id, after_sale_id, coalesce(after_sale_status, '未知') as status, reason_group, deadline_state,
                strftime(deadline_at, '%Y-%m-%d %H:%M:%S') as deadline_at
         from marts.after_sale_backlog where not is_stale`,
      )) as unknown as WorklistRow[];
      const filters: WorklistFilters[] = [
        NO_FILTERS,
        {...NO_FILTERS, shop: "s-b"},
        {...NO_FILTERS, status: "平台介入"},
        {...NO_FILTERS, reasonGroup: "错发漏发"},
        {...NO_FILTERS, deadline: "no_deadline"},
        {shop: "s-c", status: "待商家收货", reasonGroup: "尺码", deadline: "later"},
        {shop: ALL, status: "待买家退货", reasonGroup: ALL, deadline: "due_24h"},
      ];
      for (const filter of filters) {
        const shown = worklistRows(all as unknown as WorklistRow[], filter);
        const expected = worklistRows(truth, filter);
        const exact = worklistCounts(counts, filter).total;
        expect(exact, JSON.stringify(filter)).toBe(expected.length);
        // Every group keeps at least ⌊4000 ÷ 240⌋ = 16 of its soonest: so does any union of groups.
        const head = Math.min(16, expected.length);
        expect(
          shown.slice(0, head).map((r) => r.after_sale_id),
          JSON.stringify(filter),
        ).toEqual(expected.slice(0, head).map((r) => r.after_sale_id));
      }
      // A rare group (错发漏发: ~120 after-sales over 48 groups) is listed in full.
      const rare = {...NO_FILTERS, reasonGroup: "错发漏发"};
      expect(worklistRows(all as unknown as WorklistRow[], rare)).toHaveLength(
        worklistCounts(counts, rare).total,
      );
    } finally {
      warehouse.close();
    }
  });
});

describe("all of them", () => {
  it("publish no waybill number, buyer field, core buyer key or order ID, only 售后单号", async () => {
    const text = LOADERS.map((name) => outputs.get(name)).join("\n");
    const waybills = await query(
      "select distinct upper(return_tracking_no) as no from core.after_sales where return_tracking_no is not null",
    );
    expect(waybills.length).toBeGreaterThan(500);
    const upper = text.toUpperCase();
    for (const no of [
      ...waybills.map((w) => String(w.no)),
      SHARED_WAYBILL,
      ...WAYBILLS.map((w) => w.toUpperCase()),
    ])
      expect(upper.includes(no), no).toBe(false);
    expect(text).not.toContain(EXCEPTION_PHONE);
    const keys = await query("select distinct buyer_key from core.order_lines where buyer_key is not null");
    for (const key of keys) expect(text).not.toContain(String(key.buyer_key));
    for (const secret of ["张**", "138****0001", "收件人", "详细地址"]) expect(text).not.toContain(secret);
    const orderIds = new Set(
      (
        await query(
          "select order_id as id from core.order_lines union select order_item_id from core.order_lines",
        )
      ).map((r) => String(r.id)),
    );
    const leaked = [...text.matchAll(/\d{19}/g)].map((m) => m[0]).filter((id) => orderIds.has(id));
    expect(leaked).toEqual([]);
  });

  it("stay small: each page's JSON well under 2 MB (the lists are capped)", () => {
    for (const [page, names] of Object.entries(PAGES)) {
      const bytes = names.reduce((s, name) => s + Buffer.byteLength(outputs.get(name)!), 0);
      expect(bytes, page).toBeLessThan(2 * 1024 * 1024);
    }
  });
});
