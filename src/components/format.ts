/**
 * Numbers for Chinese readers: thousands separators below 10,000, 万 and 亿 above; money in 元;
 * rates (fractions 0–1 in the marts) as percentages; changes as relative % or 百分点 (pp).
 * Pure functions, shared by the pages (browser) and the tests (Node).
 */

export const MISSING = "—";

const grouped = new Intl.NumberFormat("zh-CN", {maximumFractionDigits: 0});
const grouped2 = new Intl.NumberFormat("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2});

const isNumber = (value: number | null | undefined): value is number =>
  typeof value === "number" && Number.isFinite(value);

/** 9,876 · 1.23万 · 12.35万 · 1.20亿: at most four significant digits from 10,000 on. */
export function formatNumber(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  if (Math.round(Math.abs(value)) < 1e4) return grouped.format(value);
  for (const [unit, scale] of [
    ["万", 1e4],
    ["亿", 1e8],
  ] as const) {
    const scaled = Math.abs(value) / scale;
    const digits = scaled < 100 ? 2 : scaled < 1000 ? 1 : 0;
    const text = scaled.toFixed(digits);
    // 9999.99万 rounds to 10000万: that is 1.00亿.
    if (unit === "亿" || Number(text) < 1e4) return `${value < 0 ? "-" : ""}${text}${unit}`;
  }
  return MISSING;
}

/** Money in 元: 1,234.50元 below 10,000 元, 12.35万元 and 1.20亿元 above. */
export function formatYuan(value: number | null | undefined): string {
  if (!isNumber(value)) return MISSING;
  if (Math.abs(value) < 1e4) return `${grouped2.format(value)}元`;
  return `${formatNumber(value)}元`;
}

/** A fraction as a percentage: 0.1234 → 12.3%. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (!isNumber(value)) return MISSING;
  return `${(value * 100).toFixed(digits)}%`;
}

export type DeltaKind = "relative" | "points";

export interface Delta {
  /** The change: a relative change (0.05 = +5%) or a difference of rates in points (0.01 = 1 pp). */
  value: number | null;
  text: string;
  direction: "up" | "down" | "flat" | "none";
}

/**
 * The change from `previous` to `current`: relative for counts and amounts (+5.2%), in 百分点 for
 * rates (+1.2个百分点). No previous value, or a previous 0 for a relative change: no delta.
 */
export function formatDelta(
  current: number | null | undefined,
  previous: number | null | undefined,
  kind: DeltaKind,
): Delta {
  if (!isNumber(current) || !isNumber(previous) || (kind === "relative" && previous === 0))
    return {value: null, text: MISSING, direction: "none"};
  const value = kind === "relative" ? current / previous - 1 : current - previous;
  const rounded = Number((value * 100).toFixed(1));
  const direction = rounded > 0 ? "up" : rounded < 0 ? "down" : "flat";
  const sign = rounded > 0 ? "+" : rounded < 0 ? "-" : "±";
  const unit = kind === "relative" ? "%" : "个百分点";
  return {value, text: `${sign}${Math.abs(rounded).toFixed(1)}${unit}`, direction};
}

/** 2026-11-16 → 11月16日. */
export function formatMonthDay(isoDate: string): string {
  const [, month, day] = isoDate.split("-");
  return `${Number(month)}月${Number(day)}日`;
}

/** A cohort week by its Monday: 2026-W47（11月16日–11月22日）. */
export function formatWeek(weekStart: string, week: string): string {
  const start = new Date(`${weekStart}T00:00:00Z`);
  const end = new Date(start.getTime() + 6 * 86_400_000).toISOString().slice(0, 10);
  return `${week}（${formatMonthDay(weekStart)}–${formatMonthDay(end)}）`;
}
