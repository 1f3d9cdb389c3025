/**
 * The 售后工作台 page's arithmetic, free of the DOM: its filters (shop, status, reason group,
 * deadline state) applied to the capped list (src/data/after_sale_backlog/worklist.json) and to the
 * exact counts (worklist_counts.json), and the wording of the deadline states; and the page's
 * filter bar (data-filter names shop, status, reason_group, deadline, for the browser tests).
 */
import {ALL, select, type Choice} from "./controls.js";
import {asInput, el} from "./dom.js";
import {distinct} from "./filters.js";

/** Deadline states of a non-stale open after-sale (marts.after_sale_backlog.deadline_state). */
export const WORKLIST_DEADLINES = ["overdue", "due_24h", "later", "no_deadline"] as const;
export type WorklistDeadline = (typeof WORKLIST_DEADLINES)[number];

export const DEADLINE_LABELS: Readonly<Record<WorklistDeadline, string>> = {
  overdue: "已逾期",
  due_24h: "24小时内到期",
  later: "24小时后到期",
  no_deadline: "无截止时间",
};

/** worklist.json: one open after-sale. */
export interface WorklistRow {
  shop_id: string;
  after_sale_id: string;
  after_sale_type: string;
  status: string;
  reason_group: string;
  deadline_state: WorklistDeadline;
  deadline_at: string | null;
  hours_to_deadline: number | null;
  applied_at: string | null;
  age_hours: number | null;
  sku_code: string | null;
  product_name: string | null;
}

/** worklist_counts.json: open after-sales by shop, status, reason group and deadline state. */
export interface WorklistCount {
  shop_id: string;
  status: string;
  reason_group: string;
  deadline_state: WorklistDeadline;
  after_sale_count: number;
}

export interface WorklistFilters {
  shop: Choice<string>;
  status: Choice<string>;
  reasonGroup: Choice<string>;
  deadline: Choice<WorklistDeadline>;
}

export const NO_FILTERS: WorklistFilters = {shop: ALL, status: ALL, reasonGroup: ALL, deadline: ALL};

type Filterable = Pick<WorklistCount, "shop_id" | "status" | "reason_group" | "deadline_state">;

export function matches(row: Filterable, filters: WorklistFilters): boolean {
  const chosen = <T>(choice: Choice<T>, value: T) => choice === ALL || choice === value;
  return (
    chosen(filters.shop, row.shop_id) &&
    chosen(filters.status, row.status) &&
    chosen(filters.reasonGroup, row.reason_group) &&
    chosen(filters.deadline, row.deadline_state)
  );
}

/** The exact number of open after-sales the filters choose, and how many each deadline state has. */
export function worklistCounts(
  rows: readonly WorklistCount[],
  filters: WorklistFilters,
): {total: number} & Record<WorklistDeadline, number> {
  const counts = {total: 0, overdue: 0, due_24h: 0, later: 0, no_deadline: 0};
  for (const row of rows) {
    if (!matches(row, filters)) continue;
    counts.total += row.after_sale_count;
    counts[row.deadline_state] += row.after_sale_count;
  }
  return counts;
}

/** The listed rows the filters choose, soonest 自动处理截止时间 first, those without one last. */
export function worklistRows(rows: readonly WorklistRow[], filters: WorklistFilters): WorklistRow[] {
  return rows
    .filter((row) => matches(row, filters))
    .sort(
      (a, b) =>
        Number(a.deadline_at === null) - Number(b.deadline_at === null) ||
        String(a.deadline_at).localeCompare(String(b.deadline_at)) ||
        a.shop_id.localeCompare(b.shop_id) ||
        a.after_sale_id.localeCompare(b.after_sale_id),
    );
}

/** Values present in the counts for one filter, most after-sales first (ties by name). */
export function choicesOf(
  rows: readonly WorklistCount[],
  key: "shop_id" | "status" | "reason_group",
): string[] {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row[key], (totals.get(row[key]) ?? 0) + row.after_sale_count);
  return [...totals].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0], "zh-CN")).map(([value]) => value);
}

/** The page's filter bar: an input for view() whose value is a WorklistFilters. */
export function worklistFilterBar(
  counts: readonly WorklistCount[],
  shops: readonly string[],
): HTMLElement & {value: WorklistFilters} {
  const shopInput = select(distinct([...shops, ...counts.map((r) => r.shop_id)]), {
    label: "店铺 Shop",
    all: true,
    name: "shop",
  });
  const statusInput = select(choicesOf(counts, "status"), {
    label: "售后状态 Status",
    all: true,
    name: "status",
  });
  const reasonInput = select(choicesOf(counts, "reason_group"), {
    label: "原因分组 Reason",
    all: true,
    name: "reason_group",
  });
  const deadlineInput = select(WORKLIST_DEADLINES, {
    label: "截止状态 Deadline",
    all: true,
    name: "deadline",
    format: (d) => DEADLINE_LABELS[d],
  });
  const bar = el("div", {class: "rs-filters"}, shopInput, statusInput, reasonInput, deadlineInput);
  return asInput(bar, () => ({
    shop: shopInput.value,
    status: statusInput.value,
    reasonGroup: reasonInput.value,
    deadline: deadlineInput.value,
  }));
}
