/**
 * The data loaders of the 售后时效, 体验分风险 and 风险 pages, run as Framework runs them (a child
 * process each, reading the warehouse read-only), against a warehouse loaded from a small demo
 * sample (two shops) plus the hand-made fixtures as a third shop, with a few cases planted in core
 * before the marts are rebuilt: deadlines around the as-of (overdue, due within 24 h, later), one
 * return waybill on two buyers' after-sales, and quality claims whose comments carry a subjective
 * word next to phone numbers, handles, names and an address. Every loader is checked against its
 * mart with a query of its own; no buyer field, core buyer_key, order ID or comment PII may appear.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {runLoader} from "./loaderHarness.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {Warehouse, type Row} from "../../src/pipelines/warehouse.js";
import {runIngest, tempDir, testConfig, sampleWithFixtureShop} from "../helpers.js";

/** The loaders of the three pages, by page. */
const PAGES: Record<string, string[]> = {
  operations: [
    "after_sale_backlog/snapshot",
    "after_sale_backlog/summary",
    "after_sale_backlog/urgent",
    "after_sale_times_weekly",
    "cost_assumptions",
  ],
  platform: ["platform_score_daily", "cost_assumptions"],
  risk: [
    "risk_buyers",
    "risk_shared_tracking",
    "risk_late_applications/summary",
    "risk_late_applications/list",
    "appeal_candidates/summary",
    "appeal_candidates/list",
    "cost_assumptions",
  ],
};
const LOADERS = [...new Set(Object.values(PAGES).flat())];

const SHARED_WAYBILL = "YT9999000011112222";
/** Quality claims with a subjective word (不想要, 拍错, 不喜欢) and what must never be published. */
const PLANTED_COMMENTS = [
  "不想要了，电话13912345678，姓名：王小明",
  "拍错了 加微信 wx_abc12345 或 QQ 87654321，联系人李四",
  "不喜欢，+86 137-0000-1234 张女士，地址：北京市朝阳区幸福路1号",
];
const COMMENT_SECRETS = [
  "13912345678",
  "137-0000-1234",
  "wx_abc12345",
  "87654321",
  "王小明",
  "李四",
  "张女士",
  "幸福路",
];

let cleanup: () => Promise<void>;
let warehousePath: string;
const outputs = new Map<string, string>();
const planted = {
  overdue: [] as string[],
  due: [] as string[],
  later: "",
  waybill: [] as string[],
  comments: [] as string[],
};

beforeAll(async () => {
  let dir: string;
  ({dir, cleanup} = await tempDir());
  // 8,000 lines: more than 500 late applications, so that the list's cap is exercised.
  const inbox = await sampleWithFixtureShop(dir, 8000);
  const config = testConfig(dir, inbox);
  const {warehouse} = await runIngest(config);
  try {
    await ensureFresh(warehouse, config);
    await plant(warehouse);
    await refreshMarts(warehouse, {costs: config.costs, platform: config.platform, risk: config.risk});
  } finally {
    warehouse.close();
  }
  warehousePath = config.warehouse;
  const results = await Promise.all(LOADERS.map((name) => runLoader(name, warehousePath)));
  LOADERS.forEach((name, i) => {
    const result = results[i]!;
    if (result.code !== 0) throw new Error(`${name} exited ${result.code}: ${result.stderr}`);
    outputs.set(name, result.stdout);
  });
}, 240_000);
afterAll(() => cleanup?.());

/** The planted cases: changes to core.after_sale_states (the table behind core.after_sales) that the marts then pick up. */
async function plant(warehouse: Warehouse): Promise<void> {
  const open = await warehouse.all(
    `select after_sale_id, strftime(as_of_at, '%Y-%m-%d %H:%M:%S') as as_of_at
     from marts.after_sale_backlog where not is_stale order by after_sale_id limit 4`,
  );
  expect(open).toHaveLength(4);
  const hours = [-5, -30, 5, 30];
  for (const [i, row] of open.entries())
    await warehouse.run(
      `update core.after_sale_states set deadline_at = $as_of::timestamp + to_hours($h::bigint) where after_sale_id = $id`,
      {as_of: String(row.as_of_at), h: hours[i]!, id: String(row.after_sale_id)},
    );
  planted.overdue = open.slice(0, 2).map((r) => String(r.after_sale_id));
  planted.due = [String(open[2]!.after_sale_id)];
  planted.later = String(open[3]!.after_sale_id);

  // Two after-sales of different 主订单 and different buyers of one shop.
  const pair = await warehouse.all(
    `select a.after_sale_id from core.after_sales as a
     inner join core.order_lines as o on o.order_item_id = a.order_item_id
     where a.shop_id = 'live-apparel' and o.buyer_key is not null
     qualify row_number() over (partition by o.buyer_key order by a.after_sale_id) = 1
     order by a.after_sale_id limit 2`,
  );
  planted.waybill = pair.map((r) => String(r.after_sale_id));
  await warehouse.run(
    `update core.after_sale_states set return_tracking_no = $no where after_sale_id in ($a, $b)`,
    {no: SHARED_WAYBILL, a: planted.waybill[0]!, b: planted.waybill[1]!},
  );

  // Quality claims counted in 商品品质退货率 (an effective 退货退款 with a quality reason).
  const quality = await warehouse.all(
    `select after_sale_id from core.after_sales
     where after_sale_type = '退货退款' and after_sale_status_group = 'succeeded' and reason_group = '质量问题'
     order by after_sale_id limit 3`,
  );
  planted.comments = quality.map((r) => String(r.after_sale_id));
  for (const [i, row] of quality.entries())
    await warehouse.run("update core.after_sale_states set buyer_comment = $c where after_sale_id = $id", {
      c: PLANTED_COMMENTS[i]!,
      id: String(row.after_sale_id),
    });
}

const json = <T = Record<string, unknown>>(name: string): T[] =>
  JSON.parse(outputs.get(name) ?? "null") as T[];

async function query(sql: string): Promise<Row[]> {
  const warehouse = await Warehouse.open(warehousePath, {readOnly: true});
  try {
    return await warehouse.all(sql);
  } finally {
    warehouse.close();
  }
}

/** Rows as "a|b|c" strings, sorted, for comparing sets of tuples. */
const tuples = (rows: readonly Record<string, unknown>[], keys: readonly string[]) =>
  rows
    .map((r) => keys.map((k) => (r[k] === null || r[k] === undefined ? "" : String(r[k]))).join("|"))
    .sort();

/** Σ of `measure` by `keys` over loader rows, as "key|…|sum" strings. */
function sums(rows: readonly Record<string, unknown>[], keys: readonly string[], measure: string): string[] {
  const totals = new Map<string, number>();
  for (const row of rows) {
    const key = keys.map((k) => String(row[k] ?? "")).join("|");
    totals.set(key, (totals.get(key) ?? 0) + Number(row[measure]));
  }
  return [...totals].map(([key, total]) => `${key}|${total}`).sort();
}

/** Checks a capped list: ≤ 500 rows, the shops taking turns, each shop's rows its best-ranked. */
function expectTurns(rows: readonly {shop_id: string; shop_count: number}[], rank: string): void {
  expect(rows.length).toBeLessThanOrEqual(500);
  const byShop = new Map<string, {n: number; total: number; ranks: number[]}>();
  for (const row of rows) {
    const known = byShop.get(row.shop_id) ?? {n: 0, total: row.shop_count, ranks: []};
    known.n += 1;
    known.ranks.push(Number((row as unknown as Record<string, number>)[rank]));
    byShop.set(row.shop_id, known);
  }
  const total = [...byShop.values()].reduce((s, v) => s + v.total, 0);
  expect(rows.length).toBe(Math.min(500, total));
  for (const {n, ranks} of byShop.values()) expect(ranks.sort((a, b) => a - b)).toEqual(range(n));
  // A shop with fewer rows than another has run out of rows (it is not squeezed out).
  const shops = [...byShop.values()];
  for (const a of shops) for (const b of shops) if (a.n + 1 < b.n) expect(a.n).toBe(a.total);
}
const range = (n: number) => Array.from({length: n}, (_, i) => i + 1);

describe("售后时效 loaders", () => {
  it("snapshot: each shop's as-of and the time of its last load", async () => {
    const expected = await query(
      `select shop_id, strftime(as_of_at, '%Y-%m-%d %H:%M:%S') as as_of_at from intermediate.int_shop_as_of`,
    );
    const rows = json<{shop_id: string; as_of_at: string; last_loaded_ms: number; open_count: number}>(
      "after_sale_backlog/snapshot",
    );
    expect(tuples(rows, ["shop_id", "as_of_at"])).toEqual(tuples(expected, ["shop_id", "as_of_at"]));
    // Ingest ran with its clock fixed at 2026-11-28T00:00:00Z (test/helpers.ts).
    for (const row of rows) expect(row.last_loaded_ms).toBe(Date.UTC(2026, 10, 28));
    const open = await query(
      "select shop_id, count(*)::integer as open_count from marts.after_sale_backlog group by all",
    );
    for (const row of rows)
      expect(row.open_count).toBe(Number(open.find((o) => o.shop_id === row.shop_id)?.open_count ?? 0));
  });

  it("summary: the backlog's counts by shop, category, channel, status, age and deadline state", async () => {
    const expected = await query(
      `select b.shop_id, o.category, o.traffic_source as channel, b.after_sale_status as status, b.age_bucket,
              b.deadline_state, count(*)::integer as n
       from marts.after_sale_backlog as b left join core.order_lines as o on o.order_item_id = b.order_item_id
       group by all`,
    );
    const keys = ["shop_id", "category", "channel", "status", "age_bucket", "deadline_state"];
    const rows = json("after_sale_backlog/summary");
    expect(sums(rows, keys, "after_sale_count")).toEqual(sums(expected, keys, "n"));
    // The planted deadlines are counted.
    const states = sums(rows, ["deadline_state"], "after_sale_count");
    expect(states.find((s) => s.startsWith("overdue|"))).toBeDefined();
    expect(states.find((s) => s.startsWith("due_24h|"))).toBeDefined();
  });

  it("urgent: every overdue and due after-sale, earliest deadline first, with no buyer field", async () => {
    const expected = await query(
      `select shop_id, after_sale_id, deadline_state, strftime(deadline_at, '%Y-%m-%d %H:%M:%S') as deadline_at
       from marts.after_sale_backlog where is_overdue or is_due_within_24h order by deadline_at, shop_id, after_sale_id`,
    );
    const rows = json<Record<string, unknown> & {shop_id: string; shop_count: number}>(
      "after_sale_backlog/urgent",
    );
    expect(rows.map((r) => [r.shop_id, r.after_sale_id, r.deadline_state, r.deadline_at])).toEqual(
      expected.map((r) => [r.shop_id, r.after_sale_id, r.deadline_state, r.deadline_at]),
    );
    const ids = rows.map((r) => r.after_sale_id);
    for (const id of [...planted.overdue, ...planted.due]) expect(ids).toContain(id);
    expect(ids).not.toContain(planted.later);
    expect(
      rows.filter((r) => planted.overdue.includes(String(r.after_sale_id))).map((r) => r.deadline_state),
    ).toEqual(["overdue", "overdue"]);
    expectTurns(rows, "urgency_rank");
    expect(Object.keys(rows[0]!).sort()).toEqual(
      [
        "shop_id",
        "urgency_rank",
        "shop_count",
        "after_sale_id",
        "after_sale_type",
        "status",
        "deadline_state",
        "deadline_at",
        "hours_to_deadline",
        "age_hours",
        "reason_group",
        "sku_code",
        "category",
        "channel",
      ].sort(),
    );
  });

  it("handling times: the mart's weekly figures, hours rounded to 0.001, with the days each week covers", async () => {
    const expected = await query(
      `select shop_id, strftime(week_start, '%Y-%m-%d') as week_start, after_sale_type, after_sale_count::integer as n,
              reviewed_count::integer as reviewed, review_hours_total, review_hours_p90, refund_hours_mean
       from marts.after_sale_times_weekly`,
    );
    const rows = json<{
      shop_id: string;
      week_start: string;
      week_days: number;
      after_sale_type: string;
      after_sale_count: number;
      reviewed_count: number;
      review_hours_total: number;
      review_hours_p90: number | null;
      refund_hours_mean: number | null;
    }>("after_sale_times_weekly");
    // The sample spans 120 days: every week is within the last 52.
    expect(rows).toHaveLength(expected.length);
    const close = (a: number | null, b: unknown) =>
      a === null ? b === null : Math.abs(a - Number(b)) <= 0.0005 + 1e-9;
    for (const row of rows) {
      const mart = expected.find(
        (e) =>
          e.shop_id === row.shop_id &&
          e.week_start === row.week_start &&
          e.after_sale_type === row.after_sale_type,
      )!;
      expect(row.after_sale_count).toBe(mart.n);
      expect(row.reviewed_count).toBe(mart.reviewed);
      expect(close(row.review_hours_total, mart.review_hours_total), `${row.week_start}`).toBe(true);
      expect(close(row.review_hours_p90, mart.review_hours_p90)).toBe(true);
      expect(close(row.refund_hours_mean, mart.refund_hours_mean)).toBe(true);
      expect(row.week_days).toBeGreaterThanOrEqual(1);
      expect(row.week_days).toBeLessThanOrEqual(7);
    }
    // The last week of the live shop is partial: its as-of is a Saturday (2026-11-28).
    const lastLive = rows.filter((r) => r.shop_id === "live-apparel").at(-1)!;
    expect(lastLive.week_start).toBe("2026-11-23");
    expect(lastLive.week_days).toBe(6);
  });

  it("assumptions: the platform and risk parameters in force, the handling target among them", async () => {
    const rows = json<{area: string; parameter: string; key: string; value: number | null}>(
      "cost_assumptions",
    );
    const expected = await query(
      "select area, parameter, key, value from marts.cost_assumptions where area in ('platform', 'risk')",
    );
    expect(tuples(rows, ["area", "parameter", "key", "value"])).toEqual(
      tuples(expected, ["area", "parameter", "key", "value"]),
    );
    expect(rows.find((r) => r.parameter === "handling_target_hours")?.value).toBe(48);
    expect(rows.some((r) => r.area === "costs")).toBe(false);
  });
});

describe("体验分风险 loader", () => {
  it("the two quality rates of the mart, day by day, the last 180 days of each shop", async () => {
    const expected = await query(
      `select shop_id, strftime(date, '%Y-%m-%d') as date, metric, value, band, denominator::integer as denominator
       from marts.platform_score_daily
       where metric <> 'after_sale_review_hours'
         and date > (select max(date) from marts.platform_score_daily as p where p.shop_id = platform_score_daily.shop_id) - 180`,
    );
    const rows = json<Record<string, unknown> & {date: string; week_start: string}>("platform_score_daily");
    expect(tuples(rows, ["shop_id", "date", "metric", "value", "band", "denominator"])).toEqual(
      tuples(expected, ["shop_id", "date", "metric", "value", "band", "denominator"]),
    );
    expect(new Set(rows.map((r) => r.metric))).toEqual(
      new Set(["product_quality_return_rate", "logistics_quality_return_rate"]),
    );
    for (const row of rows) {
      const monday = new Date(`${row.week_start}T00:00:00Z`);
      const days = (new Date(`${row.date}T00:00:00Z`).getTime() - monday.getTime()) / 86_400_000;
      expect(monday.getUTCDay()).toBe(1);
      expect(days >= 0 && days < 7).toBe(true);
      expect(row.is_estimate).toBe(true);
    }
  });
});

describe("风险 loaders", () => {
  it("risk buyers: the mart's list, by the mart's salted key, never the core buyer key", async () => {
    const expected = await query(
      "select shop_id, buyer_risk_key, risk_rank::integer as risk_rank from marts.risk_buyers",
    );
    const rows = json<{shop_id: string; buyer_risk_key: string; risk_rank: number; shop_count: number}>(
      "risk_buyers",
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(500);
    expect(tuples(rows, ["shop_id", "buyer_risk_key", "risk_rank"])).toEqual(
      tuples(expected, ["shop_id", "buyer_risk_key", "risk_rank"]),
    );
    const coreKeys = new Set(
      (await query("select distinct buyer_key from core.order_lines where buyer_key is not null")).map((r) =>
        String(r.buyer_key),
      ),
    );
    for (const row of rows) {
      expect(row.buyer_risk_key).toMatch(/^[0-9a-f]{64}$/);
      expect(coreKeys.has(row.buyer_risk_key)).toBe(false);
    }
    expectTurns(rows, "risk_rank");
  });

  it("shared tracking: the planted waybill on two buyers' after-sales, by its salted key only", async () => {
    const rows = json<{sharing: string; after_sale_ids: string[]; return_tracking_key: string}>(
      "risk_shared_tracking",
    );
    const [expected] = await query(
      `select return_tracking_key, sharing from marts.risk_shared_tracking
       where list_contains(after_sale_ids, '${planted.waybill[0]}')`,
    );
    const row = rows.find((r) => r.return_tracking_key === expected!.return_tracking_key)!;
    expect(row.sharing).toBe("different_buyers");
    expect(row.after_sale_ids).toEqual([...planted.waybill].sort());
    expect(outputs.get("risk_shared_tracking")).not.toContain(SHARED_WAYBILL);
  });

  it("late applications: counts that add up to the mart, and a capped list of its best-ranked", async () => {
    const counts = await query(
      `select shop_id, count(*)::integer as late, (count(*) filter (where is_no_reason))::integer as no_reason
       from marts.risk_late_applications group by all`,
    );
    const summary = json("risk_late_applications/summary");
    expect(sums(summary, ["shop_id"], "late_count")).toEqual(sums(counts, ["shop_id"], "late"));
    expect(sums(summary, ["shop_id"], "no_reason_count")).toEqual(sums(counts, ["shop_id"], "no_reason"));
    const total = counts.reduce((s, r) => s + Number(r.late), 0);
    expect(total).toBeGreaterThan(500);

    const list = json<{shop_id: string; shop_count: number; after_sale_id: string; list_rank: number}>(
      "risk_late_applications/list",
    );
    expect(list).toHaveLength(500);
    expectTurns(list, "list_rank");
    // Within a shop: still open first, then 七天无理由, then the furthest beyond the window.
    const ranked = await query(
      `select shop_id, after_sale_id, row_number() over (
           partition by shop_id
           order by after_sale_status_group in ('in_progress', 'unknown') desc, is_no_reason desc, days_late desc, after_sale_id
       )::integer as r
       from marts.risk_late_applications`,
    );
    const rank = new Map(ranked.map((r) => [String(r.after_sale_id), Number(r.r)]));
    for (const row of list) expect(rank.get(row.after_sale_id), row.after_sale_id).toBe(row.list_rank);
    for (const row of list)
      expect(row.shop_count).toBe(Number(counts.find((c) => c.shop_id === row.shop_id)!.late));
  });

  it("appeal candidates: the planted claims, counted and listed with their comments masked", async () => {
    const counts = await query(
      "select shop_id, count(*)::integer as n from marts.appeal_candidates where applied_at is not null group by all",
    );
    expect(sums(json("appeal_candidates/summary"), ["shop_id"], "candidate_count")).toEqual(
      sums(counts, ["shop_id"], "n"),
    );
    const list = json<{after_sale_id: string; comment_masked: string | null; matched_keywords: string[]}>(
      "appeal_candidates/list",
    );
    const plantedRows = planted.comments.map((id) => list.find((r) => r.after_sale_id === id)!);
    expect(plantedRows.map((r) => r.matched_keywords)).toEqual([["不想要"], ["拍错"], ["不喜欢"]]);
    expect(plantedRows.map((r) => r.comment_masked)).toEqual([
      "不想要了，电话＊＊＊，姓名：＊＊",
      "拍错了 加微信＊＊＊ 或 QQ＊＊＊，联系人＊＊",
      "不喜欢，＊＊＊ ＊女士，地址：＊＊＊",
    ]);
    const text = outputs.get("appeal_candidates/list")!;
    for (const secret of COMMENT_SECRETS) expect(text, secret).not.toContain(secret);
  });
});

describe("all of them", () => {
  it("publish no buyer field, core buyer key, order ID or comment PII, only 售后单号", async () => {
    const keys = await query("select distinct buyer_key from core.order_lines where buyer_key is not null");
    const orderIds = await query(
      "select order_id as id from core.order_lines union select order_item_id from core.order_lines",
    );
    const text = LOADERS.map((name) => outputs.get(name)).join("\n");
    for (const secret of [
      "张**",
      "138****0001",
      "139****0002",
      "13812345678",
      ...COMMENT_SECRETS,
      ...keys.map((k) => String(k.buyer_key)),
    ])
      expect(text, secret).not.toContain(secret);
    const ids = new Set(orderIds.map((r) => String(r.id)));
    const leaked = [...text.matchAll(/\d{19}/g)].map((m) => m[0]).filter((id) => ids.has(id));
    expect(leaked).toEqual([]);
  });

  it("stay small: each page's JSON well under 2 MB (the lists are capped)", () => {
    for (const [page, names] of Object.entries(PAGES)) {
      const bytes = names.reduce((s, name) => s + Buffer.byteLength(outputs.get(name)!), 0);
      expect(bytes, page).toBeLessThan(2 * 1024 * 1024);
    }
  });
});
