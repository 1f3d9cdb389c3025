/**
 * marts.after_sale_backlog and marts.after_sale_times_weekly on the fixture of costsOpsFixture.ts.
 * The backlog is worked out by hand below; the weekly times are recomputed from the fixture's
 * records in plain TypeScript (no SQL) and compared.
 *
 * gamma's as-of is 11-20 18:00 (S10's refund, the latest event); open after-sales at that moment:
 *   S2  待商家收货, applied 11-05 11:00 → 367 h (14d+); deadline 11-20 20:00 → in 2 h: due_24h
 *   S7  待商家处理, applied 11-08 10:10 → 295 h 50 min (7-14d); deadline 11-20 16:00 → 2 h ago: overdue
 *   S9  平台介入 (unknown status: open), applied 11-14 10:00 → 152 h (3-7d); no deadline
 *   S11 待商家收货, applied 11-14 12:00 → 150 h (3-7d); deadline 11-22 12:00 → in 42 h: later
 *   S15 换货 待商家收货, only in the export of 11-07 (as-of 11-06 10:00), not in the later one: stale,
 *       so neither overdue (its deadline 11-13 10:00 has passed) nor due; 344 h (14d+)
 * Not open: S1 S3 S4 S5 S8 S10 succeeded, S6 rejected, S12 S13 closed. delta has no after-sales.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {
  afterSale,
  costsOpsWarehouse,
  failingChecks,
  GAMMA_AFTER_SALES,
  GAMMA_AFTER_SALES_OLD,
  type FixtureAfterSale,
} from "./costsOpsFixture.js";

let warehouse: Warehouse;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({warehouse, cleanup} = await costsOpsWarehouse());
});
afterAll(async () => {
  warehouse?.close();
  await cleanup();
});

describe("after-sale backlog", () => {
  it("lists the open after-sales at the shop's as-of, with age and deadline, by hand", async () => {
    const rows = await warehouse.all(
      `select after_sale_id, as_of_at, after_sale_status_group, age_hours, age_bucket, hours_to_deadline,
          deadline_state, is_overdue, is_due_within_24h, is_stale
       from marts.after_sale_backlog order by after_sale_id`,
    );
    const open = (
      n: number,
      group: string,
      age: number,
      bucket: string,
      toDeadline: number | null,
      state: string,
    ) => ({
      after_sale_id: afterSale(n),
      as_of_at: "2026-11-20 18:00:00",
      after_sale_status_group: group,
      age_hours: age,
      age_bucket: bucket,
      hours_to_deadline: toDeadline,
      deadline_state: state,
      is_overdue: state === "overdue",
      is_due_within_24h: state === "due_24h",
      is_stale: state === "stale",
    });
    expect(rows).toEqual([
      open(2, "in_progress", 367, "14d+", 2, "due_24h"),
      open(7, "in_progress", 295 + 50 / 60, "7-14d", -2, "overdue"),
      open(9, "unknown", 152, "3-7d", null, "no_deadline"),
      open(11, "in_progress", 150, "3-7d", 42, "later"),
      open(15, "in_progress", 344, "14d+", -176, "stale"),
    ]);
  });

  it("says when each one was last seen, and carries the product and SKU", async () => {
    const rows = await warehouse.all(
      `select after_sale_id, last_seen_at, sku_code, after_sale_type, reason_group
       from marts.after_sale_backlog where after_sale_id in ($a, $b) order by after_sale_id`,
      {a: afterSale(2), b: afterSale(15)},
    );
    expect(rows).toEqual([
      {
        after_sale_id: afterSale(2),
        last_seen_at: "2026-11-20 18:00:00",
        sku_code: "SK-RD-S",
        after_sale_type: "退货退款",
        reason_group: "质量问题",
      },
      {
        after_sale_id: afterSale(15),
        last_seen_at: "2026-11-06 10:00:00",
        sku_code: "CT-BK-M",
        after_sale_type: "换货",
        reason_group: "尺码",
      },
    ]);
  });

  it("counts by status and age, and the work queue without stale rows", async () => {
    const rows = await warehouse.all(
      `select age_bucket, count(*) as n, count(*) filter (where not is_stale) as actionable
       from marts.after_sale_backlog group by all order by min(age_bucket_order)`,
    );
    expect(rows).toEqual([
      {age_bucket: "3-7d", n: "2", actionable: "2"},
      {age_bucket: "7-14d", n: "1", actionable: "1"},
      {age_bucket: "14d+", n: "2", actionable: "1"},
    ]);
  });

  it("passes the data checks", async () => {
    expect(await failingChecks(warehouse, "after_sale_backlog")).toEqual([]);
  });

  it("golden snapshot", async () => {
    await expectGolden(
      "metrics_marts_after_sale_backlog.json",
      jsonLines(await warehouse.all("select * from marts.after_sale_backlog order by all")),
    );
  });
});

// ------------------------------------------------------------------------------------------------
// The weekly times, recomputed in TypeScript from the fixture records.

/** Fixture times are Beijing wall-clock; read them as UTC so that differences are exact. */
const time = (text: string | undefined) => (text ? Date.parse(text.replace(" ", "T") + "Z") : undefined);
const hours = (from: string | undefined, to: string | undefined) => {
  const a = time(from);
  const b = time(to);
  return a === undefined || b === undefined || b < a ? undefined : (b - a) / 3_600_000;
};

/** Monday of the ISO week, YYYY-MM-DD. */
function weekStart(text: string): string {
  const date = new Date(text.slice(0, 10) + "T00:00:00Z");
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** Linear interpolation between the closest ranks (numpy's default, DuckDB's quantile_cont). */
function quantile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * p;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

function summary(values: (number | undefined)[]) {
  const present = values.filter((v): v is number => v !== undefined);
  const total = present.reduce((a, b) => a + b, 0);
  return {
    count: present.length,
    total,
    mean: present.length ? total / present.length : null,
    p50: quantile(present, 0.5),
    p90: quantile(present, 0.9),
  };
}

function expectedWeekly(sales: FixtureAfterSale[]) {
  const groups = new Map<string, FixtureAfterSale[]>();
  for (const sale of sales)
    for (const type of [sale.type, "全部"]) {
      const key = `${weekStart(sale.appliedAt)}|${type}`;
      groups.set(key, [...(groups.get(key) ?? []), sale]);
    }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, group]) => {
      const [week_start, after_sale_type] = key.split("|");
      return {
        week_start,
        after_sale_type,
        after_sale_count: group.length,
        review: summary(group.map((s) => hours(s.appliedAt, s.approvedAt))),
        refund: summary(group.map((s) => hours(s.appliedAt, s.refundedAt))),
        refundAfterReturn: summary(
          group.map((s) => (s.type === "退货退款" ? hours(s.returnShippedAt, s.refundedAt) : undefined)),
        ),
      };
    });
}

describe("after-sale times by week", () => {
  it("matches an independent computation from the fixture records", async () => {
    // The current state of each after-sale: the later export, plus S15, which only the older has.
    const current = [...GAMMA_AFTER_SALES, ...GAMMA_AFTER_SALES_OLD.filter((s) => s.n === 15)];
    const expected = expectedWeekly(current);
    const rows = await warehouse.all(
      "select * from marts.after_sale_times_weekly where shop_id = 'gamma' order by week_start, after_sale_type",
    );
    const actual = rows.map((r) => ({
      week_start: r.week_start,
      after_sale_type: r.after_sale_type,
      after_sale_count: Number(r.after_sale_count),
      review: {
        count: Number(r.reviewed_count),
        total: r.review_hours_total,
        mean: r.review_hours_mean,
        p50: r.review_hours_p50,
        p90: r.review_hours_p90,
      },
      refund: {
        count: Number(r.refunded_count),
        total: r.refund_hours_total,
        mean: r.refund_hours_mean,
        p50: r.refund_hours_p50,
        p90: r.refund_hours_p90,
      },
      refundAfterReturn: {
        count: Number(r.refunded_after_return_count),
        total: r.refund_after_return_hours_total,
        mean: r.refund_after_return_hours_mean,
        p50: r.refund_after_return_hours_p50,
        p90: r.refund_after_return_hours_p90,
      },
    }));
    const rounded = (x: unknown) =>
      JSON.parse(JSON.stringify(x, (_, v) => (typeof v === "number" ? Math.round(v * 1e9) / 1e9 : v)));
    expect(rounded(actual)).toEqual(rounded(expected));
    // W45: all, 已发货仅退款, 换货, 未发货仅退款, 退货退款; W46: all, 已发货仅退款, 退货退款; W47: all, 退货退款.
    expect(actual.length).toBe(10);
  });

  it("week of 11-02, all types: review time by hand", async () => {
    // S1 2 h, S2 2 h, S3 6 h, S4 0.5 h, S5 10 h (S7, S15 not approved): mean 20.5 / 5 = 4.1;
    // sorted 0.5 2 2 6 10: p50 2; p90 at rank 0.9 × 4 = 3.6 → 6 + 0.6 × (10 − 6) = 8.4.
    const row = await warehouse.one(
      `select week, after_sale_count, reviewed_count, review_hours_mean, review_hours_p50, review_hours_p90,
          refund_after_return_hours_mean
       from marts.after_sale_times_weekly where shop_id = 'gamma' and week_start = '2026-11-02' and after_sale_type = '全部'`,
    );
    expect(row?.week).toBe("2026-W45");
    expect(row?.after_sale_count).toBe("7");
    expect(row?.reviewed_count).toBe("5");
    expect(row?.review_hours_mean).toBeCloseTo(4.1, 12);
    expect(row?.review_hours_p50).toBe(2);
    expect(row?.review_hours_p90).toBeCloseTo(8.4, 12);
    // S1 only: returned 11-06 09:00, refunded 11-09 10:00 → 73 h.
    expect(row?.refund_after_return_hours_mean).toBe(73);
  });

  it("passes the data checks", async () => {
    expect(await failingChecks(warehouse, "after_sale_times_weekly")).toEqual([]);
  });

  it("golden snapshot", async () => {
    await expectGolden(
      "metrics_marts_after_sale_times_weekly.json",
      jsonLines(await warehouse.all("select * from marts.after_sale_times_weekly order by all")),
    );
  });
});
