/**
 * The shared filter bar (filters.ts) for pages whose tables have different dimensions: the 售后时效
 * page's backlog has category and channel but no week, its handling times have weeks only. The
 * choices are given as lists instead of being read off one set of rows; the value is the same
 * FilterValue, with the same data-filter names (shop, category, channel, from, to), for
 * applyFilters — which leaves a row alone on a dimension it does not have.
 */
import {ALL, select} from "./controls.js";
import {asInput, el} from "./dom.js";
import {distinct, filterValue, weekLabel, type FilterValue} from "./filters.js";
import {defaultWeek, type WeekInfo} from "./overview.js";

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
        value: weeks[Math.max(0, lastIndex - span + 1)],
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
