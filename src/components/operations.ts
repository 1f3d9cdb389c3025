/**
 * The 售后时效 page's arithmetic, free of the DOM so that tests can check it: backlog counts by
 * deadline state and by status × age bucket (src/data/after_sale_backlog/summary.json), and the
 * weekly handling times (src/data/after_sale_times_weekly.json) over several shops, where only the
 * mean can be combined (Σ hours ÷ Σ after-sales); percentiles are a single shop's.
 */

/** after_sale_backlog/summary.json: one row per (shop, category, channel, status, age bucket, deadline state). */
export interface BacklogCount {
  shop_id: string;
  category: string | null;
  channel: string | null;
  status: string;
  status_group: string;
  age_bucket: string;
  age_bucket_order: number;
  deadline_state: DeadlineState;
  after_sale_count: number;
}

export type DeadlineState = "overdue" | "due_24h" | "later" | "no_deadline" | "stale";

export interface DeadlineCounts {
  /** Every open after-sale, stale ones included. */
  open: number;
  overdue: number;
  due24h: number;
  later: number;
  noDeadline: number;
  /** Not in the shop's latest after-sale export: status unknown, neither overdue nor due. */
  stale: number;
}

export function deadlineCounts(rows: readonly BacklogCount[]): DeadlineCounts {
  const counts: DeadlineCounts = {open: 0, overdue: 0, due24h: 0, later: 0, noDeadline: 0, stale: 0};
  const field: Record<DeadlineState, keyof DeadlineCounts> = {
    overdue: "overdue",
    due_24h: "due24h",
    later: "later",
    no_deadline: "noDeadline",
    stale: "stale",
  };
  for (const row of rows) {
    counts.open += row.after_sale_count;
    counts[field[row.deadline_state]] += row.after_sale_count;
  }
  return counts;
}

export interface StatusAgeRow {
  status: string;
  total: number;
  /** Count per age bucket, in the order of `buckets`. */
  counts: number[];
}

export interface StatusAgeMatrix {
  /** Age buckets present, youngest first (the mart's age_bucket_order). */
  buckets: string[];
  /** Statuses, most after-sales first (ties by name). */
  rows: StatusAgeRow[];
  /** Column totals, in the order of `buckets`. */
  totals: number[];
  total: number;
}

/** The backlog as status × age bucket, with row and column totals. */
export function statusAgeMatrix(rows: readonly BacklogCount[]): StatusAgeMatrix {
  const order = new Map<string, number>();
  for (const row of rows) order.set(row.age_bucket, row.age_bucket_order);
  const buckets = [...order].sort((a, b) => a[1] - b[1]).map(([bucket]) => bucket);
  const column = new Map(buckets.map((bucket, i) => [bucket, i]));
  const byStatus = new Map<string, StatusAgeRow>();
  for (const row of rows) {
    const known = byStatus.get(row.status) ?? {status: row.status, total: 0, counts: buckets.map(() => 0)};
    known.counts[column.get(row.age_bucket)!]! += row.after_sale_count;
    known.total += row.after_sale_count;
    byStatus.set(row.status, known);
  }
  const statuses = [...byStatus.values()].sort(
    (a, b) => b.total - a.total || a.status.localeCompare(b.status, "zh-CN"),
  );
  const totals = buckets.map((_, i) => statuses.reduce((sum, s) => sum + s.counts[i]!, 0));
  return {buckets, rows: statuses, totals, total: totals.reduce((a, b) => a + b, 0)};
}

/** after_sale_times_weekly.json: one row per (shop, application week, after-sale type). */
export interface TimesWeek {
  week_start: string;
  week: string;
  week_days: number;
  shop_id: string;
  after_sale_type: string;
  after_sale_count: number;
  reviewed_count: number;
  review_hours_total: number;
  review_hours_mean: number | null;
  review_hours_p50: number | null;
  review_hours_p90: number | null;
  refunded_count: number;
  refund_hours_total: number;
  refund_hours_mean: number | null;
  refund_hours_p50: number | null;
  refund_hours_p90: number | null;
  refunded_after_return_count: number;
  refund_after_return_hours_total: number;
  refund_after_return_hours_mean: number | null;
  refund_after_return_hours_p50: number | null;
  refund_after_return_hours_p90: number | null;
}

/** 审核 (applied → approved), 退款 (applied → refunded), 退货后退款 (return shipped → refunded). */
export type TimeMeasure = "review" | "refund" | "refund_after_return";

type NumberField = {[K in keyof TimesWeek]: TimesWeek[K] extends number ? K : never}[keyof TimesWeek];
type NullableField = {
  [K in keyof TimesWeek]: TimesWeek[K] extends number | null ? K : never;
}[keyof TimesWeek];

const FIELDS: Record<
  TimeMeasure,
  {count: NumberField; total: NumberField; p50: NullableField; p90: NullableField}
> = {
  review: {
    count: "reviewed_count",
    total: "review_hours_total",
    p50: "review_hours_p50",
    p90: "review_hours_p90",
  },
  refund: {
    count: "refunded_count",
    total: "refund_hours_total",
    p50: "refund_hours_p50",
    p90: "refund_hours_p90",
  },
  refund_after_return: {
    count: "refunded_after_return_count",
    total: "refund_after_return_hours_total",
    p50: "refund_after_return_hours_p50",
    p90: "refund_after_return_hours_p90",
  },
};

export interface WeekTime {
  week_start: string;
  week: string;
  week_days: number;
  /** After-sales whose end time is known (the measure's count). */
  count: number;
  totalHours: number;
  /** Σ hours ÷ Σ count over the shops; null without any. */
  mean: number | null;
  /** Only when one shop's row makes the week: percentiles of several shops cannot be combined. */
  p50: number | null;
  p90: number | null;
  shops: number;
}

/** One measure by week for one after-sale type, over the given rows (already filtered by shop and week). */
export function weeklyTimes(rows: readonly TimesWeek[], measure: TimeMeasure, type: string): WeekTime[] {
  const byWeek = new Map<string, TimesWeek[]>();
  for (const row of rows) {
    if (row.after_sale_type !== type) continue;
    byWeek.set(row.week_start, [...(byWeek.get(row.week_start) ?? []), row]);
  }
  const field = FIELDS[measure];
  return [...byWeek.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([week_start, weekRows]) => {
      const withData = weekRows.filter((r) => r[field.count] > 0);
      const count = weekRows.reduce((sum, r) => sum + r[field.count], 0);
      const totalHours = weekRows.reduce((sum, r) => sum + r[field.total], 0);
      const single = withData.length === 1 ? withData[0]! : null;
      return {
        week_start,
        week: weekRows[0]!.week,
        week_days: Math.max(...weekRows.map((r) => r.week_days)),
        count,
        totalHours,
        mean: count > 0 ? totalHours / count : null,
        p50: single ? single[field.p50] : null,
        p90: single ? single[field.p90] : null,
        shops: withData.length,
      };
    });
}

/** The mean over a whole period: Σ hours ÷ Σ count of the weeks. */
export function periodMean(weeks: readonly WeekTime[]): {count: number; mean: number | null} {
  const count = weeks.reduce((sum, w) => sum + w.count, 0);
  const hours = weeks.reduce((sum, w) => sum + w.totalHours, 0);
  return {count, mean: count > 0 ? hours / count : null};
}

/** Weeks whose mean is above the target (weeks without a mean do not count). */
export function weeksOverTarget(weeks: readonly WeekTime[], targetHours: number): number {
  return weeks.filter((w) => w.mean !== null && w.mean > targetHours).length;
}

/** The after-sale types present, '全部' first, then by after-sales. */
export function afterSaleTypes(rows: readonly TimesWeek[]): string[] {
  const totals = new Map<string, number>();
  for (const row of rows)
    totals.set(row.after_sale_type, (totals.get(row.after_sale_type) ?? 0) + row.after_sale_count);
  return [...totals]
    .sort(
      (a, b) => Number(b[0] === "全部") - Number(a[0] === "全部") || b[1] - a[1] || a[0].localeCompare(b[0]),
    )
    .map(([type]) => type);
}

/** Hours for people: 45 分钟 · 5.2 小时 · 3.1 天 (from 72 hours on). */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined || !Number.isFinite(hours)) return "—";
  if (Math.abs(hours) < 1) return `${Math.round(hours * 60)} 分钟`;
  if (Math.abs(hours) < 72) return `${hours.toFixed(1)} 小时`;
  return `${(hours / 24).toFixed(1)} 天`;
}

const beijing = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** An instant (epoch milliseconds) as Beijing time: 2026-11-28 08:00. */
export function formatBeijingTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const parts = Object.fromEntries(beijing.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
