import {describe, expect, it} from "vitest";
import {
  afterSaleTypes,
  deadlineCounts,
  formatBeijingTime,
  formatHours,
  periodMean,
  statusAgeMatrix,
  weeklyTimes,
  weeksOverTarget,
  type BacklogCount,
  type DeadlineState,
  type TimesWeek,
} from "../../src/components/operations.js";

const count = (
  status: string,
  age_bucket: string,
  age_bucket_order: number,
  deadline_state: DeadlineState,
  after_sale_count: number,
): BacklogCount => ({
  shop_id: "s1",
  category: null,
  channel: null,
  status,
  status_group: "in_progress",
  age_bucket,
  age_bucket_order,
  deadline_state,
  after_sale_count,
});

describe("backlog counts", () => {
  const rows = [
    count("待商家收货", "3-7d", 4, "overdue", 2),
    count("待商家收货", "0-1d", 1, "due_24h", 3),
    count("待买家退货", "0-1d", 1, "later", 4),
    count("待买家退货", "14d+", 6, "stale", 5),
    count("待商家处理", "3-7d", 4, "no_deadline", 1),
    count("待商家收货", "3-7d", 4, "later", 6),
  ];

  it("count open after-sales by deadline state", () => {
    // 2 + 3 + 4 + 5 + 1 + 6 = 21 open; stale ones are open but neither overdue nor due.
    expect(deadlineCounts(rows)).toEqual({
      open: 21,
      overdue: 2,
      due24h: 3,
      later: 10,
      noDeadline: 1,
      stale: 5,
    });
    expect(deadlineCounts([])).toEqual({open: 0, overdue: 0, due24h: 0, later: 0, noDeadline: 0, stale: 0});
  });

  it("lay them out as status × age bucket, buckets in the mart's order, busiest status first", () => {
    const matrix = statusAgeMatrix(rows);
    expect(matrix.buckets).toEqual(["0-1d", "3-7d", "14d+"]);
    expect(matrix.rows).toEqual([
      // 待商家收货: 3 (0-1d), 2 + 6 (3-7d) = 11; 待买家退货: 4 + 5 = 9; 待商家处理: 1.
      {status: "待商家收货", total: 11, counts: [3, 8, 0]},
      {status: "待买家退货", total: 9, counts: [4, 0, 5]},
      {status: "待商家处理", total: 1, counts: [0, 1, 0]},
    ]);
    expect(matrix.totals).toEqual([7, 9, 5]);
    expect(matrix.total).toBe(21);
    expect(statusAgeMatrix([])).toEqual({buckets: [], rows: [], totals: [], total: 0});
  });
});

const week = (
  week_start: string,
  shop_id: string,
  after_sale_type: string,
  review: {count: number; total: number; p50: number | null; p90: number | null},
  refund = {count: 0, total: 0},
): TimesWeek => ({
  week_start,
  week: `W-${week_start}`,
  week_days: 7,
  shop_id,
  after_sale_type,
  after_sale_count: review.count + 1,
  reviewed_count: review.count,
  review_hours_total: review.total,
  review_hours_mean: review.count ? review.total / review.count : null,
  review_hours_p50: review.p50,
  review_hours_p90: review.p90,
  refunded_count: refund.count,
  refund_hours_total: refund.total,
  refund_hours_mean: refund.count ? refund.total / refund.count : null,
  refund_hours_p50: refund.count ? 1 : null,
  refund_hours_p90: refund.count ? 2 : null,
  refunded_after_return_count: 0,
  refund_after_return_hours_total: 0,
  refund_after_return_hours_mean: null,
  refund_after_return_hours_p50: null,
  refund_after_return_hours_p90: null,
});

describe("handling times by week", () => {
  const rows = [
    // Week 1: two shops reviewed → the mean combines, percentiles cannot.
    week("2026-11-02", "a", "全部", {count: 4, total: 40, p50: 8, p90: 20}, {count: 2, total: 100}),
    week("2026-11-02", "b", "全部", {count: 1, total: 100, p50: 100, p90: 100}),
    // Week 2: only shop a reviewed anything (b's row has no reviews) → a's percentiles stand.
    week("2026-11-09", "a", "全部", {count: 2, total: 10, p50: 5, p90: 5}),
    week("2026-11-09", "b", "全部", {count: 0, total: 0, p50: null, p90: null}),
    // Another type: left out when '全部' is asked for.
    week("2026-11-09", "a", "退货退款", {count: 2, total: 10, p50: 5, p90: 5}),
  ];

  it("combine the shops' means (Σ hours ÷ Σ count) and keep percentiles of a single shop only", () => {
    expect(weeklyTimes(rows, "review", "全部")).toEqual([
      {
        week_start: "2026-11-02",
        week: "W-2026-11-02",
        week_days: 7,
        count: 5,
        totalHours: 140,
        mean: 28,
        p50: null,
        p90: null,
        shops: 2,
      },
      {
        week_start: "2026-11-09",
        week: "W-2026-11-09",
        week_days: 7,
        count: 2,
        totalHours: 10,
        mean: 5,
        p50: 5,
        p90: 5,
        shops: 1,
      },
    ]);
    const refund = weeklyTimes(rows, "refund", "全部");
    expect(refund.map((w) => [w.count, w.mean, w.p50])).toEqual([
      [2, 50, 1],
      [0, null, null],
    ]);
    expect(weeklyTimes(rows, "review", "退货退款").map((w) => w.week_start)).toEqual(["2026-11-09"]);
  });

  it("take the mean of a period from the sums, and count weeks above the target", () => {
    const review = weeklyTimes(rows, "review", "全部");
    // (140 + 10) / (5 + 2) hours.
    expect(periodMean(review)).toEqual({count: 7, mean: 150 / 7});
    expect(periodMean([])).toEqual({count: 0, mean: null});
    expect(weeksOverTarget(review, 48)).toBe(0);
    expect(weeksOverTarget(review, 24)).toBe(1);
    expect(weeksOverTarget(weeklyTimes(rows, "refund", "全部"), 24)).toBe(1);
  });

  it("list the types with 全部 first, then by after-sales", () => {
    expect(afterSaleTypes(rows)).toEqual(["全部", "退货退款"]);
  });
});

describe("formatting", () => {
  it("hours: minutes under one hour, days from 72 hours", () => {
    expect(formatHours(0.75)).toBe("45 分钟");
    expect(formatHours(5.24)).toBe("5.2 小时");
    expect(formatHours(48)).toBe("48.0 小时");
    expect(formatHours(75)).toBe("3.1 天");
    expect(formatHours(null)).toBe("—");
  });

  it("instants in Beijing time whatever the machine's zone", () => {
    // 2026-11-28T00:00:00Z is 08:00 in Beijing (UTC+8).
    expect(formatBeijingTime(Date.UTC(2026, 10, 28, 0, 0))).toBe("2026-11-28 08:00");
    expect(formatBeijingTime(Date.UTC(2026, 10, 27, 18, 30))).toBe("2026-11-28 02:30");
    expect(formatBeijingTime(null)).toBe("—");
  });
});
