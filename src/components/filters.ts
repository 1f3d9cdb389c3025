/**
 * The filter bar every page shares — shop, category, channel and a range of order-cohort weeks —
 * and the small helpers the pages used to repeat: distinct values, Σ, a safe ratio and the week
 * label. A page writes
 *
 *     const filters = view(filterBar(rows, {channel: true, weeks: true}));
 *
 * and gets `{shop, category, channel, from, to, first, last}`: the chosen values (ALL for 全部),
 * the first and last cohort week (week_start, a Monday, inclusive; swapped when chosen backwards)
 * and their WeekInfo. Each control keeps its `data-filter` name (shop, category, channel, from, to)
 * for the browser tests.
 */
import {ALL, select, type Choice} from "./controls.js";
import {asInput, el} from "./dom.js";
import {formatWeek} from "./format.js";
import {defaultWeek, weeksOf, type WeekInfo} from "./overview.js";

/** Distinct values sorted for Chinese readers, NULL last. */
export function distinct<T>(values: Iterable<T>): T[] {
  return [...new Set(values)].sort(
    (a, b) => Number(a === null) - Number(b === null) || String(a).localeCompare(String(b), "zh-CN"),
  );
}

/** Σ of a numeric field (missing and non-numeric count as 0). */
export function sum<R>(rows: readonly R[], key: keyof R & string): number {
  return rows.reduce((total, row) => total + (Number(row[key]) || 0), 0);
}

/** numerator ÷ denominator, or null when the denominator is not positive. */
export function ratio(numerator: number, denominator: number | null | undefined): number | null {
  return denominator != null && denominator > 0 ? numerator / denominator : null;
}

/** "2026-W47（11/16起）", marked 不完整 when the week has fewer than 7 days of data so far. */
export function weekLabel(week: WeekInfo): string {
  return `${formatWeek(week.week_start, week.week)}${week.week_days < 7 ? `·不完整（${week.week_days}天）` : ""}`;
}

export interface FilterRow {
  shop_id: string;
  category?: string | null;
  channel?: string | null;
  week_start?: string;
  week?: string;
  week_days?: number;
}

export interface FilterBarOptions {
  /** Show the category filter (default true). */
  category?: boolean;
  /** Show the channel (流量来源) filter (default false). */
  channel?: boolean;
  /** Show the cohort-week range (default false); rows then need week_start, week and week_days. */
  weeks?: boolean;
  /** Weeks shown by default (default 16, ending at the last complete week). */
  defaultWeeks?: number;
  /** Label of the week range (default 批次周: order-cohort weeks). */
  weekNoun?: string;
}

export interface FilterValue {
  shop: Choice<string>;
  category: Choice<string | null>;
  channel: Choice<string | null>;
  /** First and last week_start of the range ("" without weeks or without data). */
  from: string;
  to: string;
  first: WeekInfo | null;
  last: WeekInfo | null;
}

/** The bar's value from the individual choices; the week range is put in order. */
export function filterValue(
  choices: {shop: Choice<string>; category: Choice<string | null>; channel: Choice<string | null>},
  fromWeek: WeekInfo | null | undefined,
  toWeek: WeekInfo | null | undefined,
): FilterValue {
  const [first, last] =
    fromWeek && toWeek && fromWeek.week_start > toWeek.week_start ? [toWeek, fromWeek] : [fromWeek, toWeek];
  return {
    ...choices,
    from: first?.week_start ?? "",
    to: last?.week_start ?? "",
    first: first ?? null,
    last: last ?? null,
  };
}

/** Rows matching the chosen shop, category and channel, and (when the range is set) its weeks. */
export function applyFilters<R extends FilterRow>(rows: readonly R[], filters: FilterValue): R[] {
  const chosen = <T>(choice: Choice<T>, value: T) => choice === ALL || choice === value;
  return rows.filter(
    (row) =>
      chosen(filters.shop, row.shop_id) &&
      (row.category === undefined || chosen(filters.category, row.category)) &&
      (row.channel === undefined || chosen(filters.channel, row.channel)) &&
      (!filters.from ||
        row.week_start === undefined ||
        (row.week_start >= filters.from && row.week_start <= filters.to)),
  );
}

/**
 * A filter bar whose choices are given as lists — for pages whose tables have different
 * dimensions (the 售后时效 page's backlog has category and channel but no week, its handling times
 * have weeks only). The value is the same FilterValue, with the same data-filter names, for
 * applyFilters — which leaves a row alone on a dimension it does not have.
 */
export interface FilterSources {
  shops: readonly string[];
  /** The category choices; without them, no category control. */
  categories?: readonly (string | null)[];
  /** The channel (流量来源) choices; without them, no channel control. */
  channels?: readonly (string | null)[];
  /** The weeks of the range, oldest first (overview.ts weeksOf); without them, no range. */
  weeks?: readonly WeekInfo[];
  /** Label of the range (default 周). */
  weekNoun?: string;
  /** Weeks shown by default (default 16). */
  defaultWeeks?: number;
  /**
   * Where the range ends by default: the last complete week (default, like the other pages) or the
   * last week, complete or not (for daily snapshots, whose latest day is the point of the page).
   */
  defaultTo?: "complete" | "last";
  /** Count the default weeks back from the last week rather than from the default end (filterBar). */
  spanFromLastWeek?: boolean;
}

export function sourcesFilterBar(sources: FilterSources): HTMLElement & {value: FilterValue} {
  const shopInput = select(distinct(sources.shops), {label: "店铺 Shop", all: true, name: "shop"});
  const categoryInput = sources.categories
    ? select(distinct(sources.categories), {
        label: "品类 Category",
        all: true,
        name: "category",
        format: (c) => c ?? "未分类",
      })
    : null;
  const channelInput = sources.channels
    ? select(distinct(sources.channels), {
        label: "渠道 Channel（流量来源）",
        all: true,
        name: "channel",
        format: (c) => c ?? "未知",
      })
    : null;
  const weeks = sources.weeks ?? [];
  const noun = sources.weekNoun ?? "周";
  const span = sources.defaultWeeks ?? 16;
  const last = sources.defaultTo === "last" ? weeks[weeks.length - 1] : defaultWeek(weeks);
  const lastIndex = last ? weeks.indexOf(last) : weeks.length - 1;
  const fromInput = sources.weeks
    ? select(weeks, {
        label: `起始${noun} From`,
        name: "from",
        format: weekLabel,
        value: weeks[Math.max(0, (sources.spanFromLastWeek ? weeks.length : lastIndex + 1) - span)],
      })
    : null;
  const toInput = sources.weeks
    ? select(weeks, {label: `结束${noun} To`, name: "to", format: weekLabel, value: last})
    : null;
  const bar = el("div", {class: "rs-filters"}, shopInput, categoryInput, channelInput, fromInput, toInput);
  return asInput(bar, () =>
    filterValue(
      {
        shop: shopInput.value,
        category: categoryInput ? categoryInput.value : ALL,
        channel: channelInput ? channelInput.value : ALL,
      },
      fromInput ? (fromInput.value as WeekInfo | null) : null,
      toInput ? (toInput.value as WeekInfo | null) : null,
    ),
  );
}

/** The filter bar with its choices read off one set of rows. */
export function filterBar<R extends FilterRow>(
  rows: readonly R[],
  options: FilterBarOptions = {},
): HTMLElement & {value: FilterValue} {
  return sourcesFilterBar({
    shops: rows.map((r) => r.shop_id),
    ...((options.category ?? true) ? {categories: rows.map((r) => r.category ?? null)} : {}),
    ...(options.channel ? {channels: rows.map((r) => r.channel ?? null)} : {}),
    ...(options.weeks ? {weeks: weeksOf(rows as unknown as WeekInfo[])} : {}),
    weekNoun: options.weekNoun ?? "批次周",
    ...(options.defaultWeeks !== undefined ? {defaultWeeks: options.defaultWeeks} : {}),
    spanFromLastWeek: true,
  });
}
