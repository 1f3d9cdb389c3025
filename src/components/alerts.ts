/**
 * The overview's alerts: what needs someone's attention now, each from a published mart and
 * linking to the page that explains it. Free of the DOM so that tests can check the rules:
 *   - SLA: open after-sales past their 自动处理截止时间 (high), due within 24 h (medium);
 *   - platform score: a shop's latest 30-day estimate outside the full-marks band (high in the
 *     last band, medium in between);
 *   - spikes: SKUs whose weekly return rate spiked in one of the last four cohort weeks;
 *   - jobs: the latest run of a job failed or was interrupted.
 * Filters: the chosen shop (and category for SKUs) apply where the data has them.
 */
import {ALL, type Choice} from "./controls.js";
import {formatNumber, formatPercent} from "./format.js";

export type Severity = "high" | "medium";

export interface Alert {
  kind: "sla" | "score" | "spike" | "job";
  severity: Severity;
  text: string;
  /** Page path relative to the site root, e.g. "pages/operations". */
  page: string;
}

export interface AlertBacklogRow {
  shop_id: string;
  category: string | null;
  deadline_state: string;
  after_sale_count: number;
}

export interface AlertScoreDay {
  shop_id: string;
  date: string;
  metric: string;
  metric_label: string;
  value: number | null;
  band: number | null;
  low_volume: boolean;
}

export interface AlertSku {
  shop_id: string;
  sku_code: string;
  product_name: string | null;
  category: string | null;
  latest_spike_week: string | null;
}

export interface AlertJobRun {
  job: string;
  status: string;
  started_beijing: string;
  message: string;
}

export interface AlertInputs {
  backlog?: readonly AlertBacklogRow[] | null;
  scores?: readonly AlertScoreDay[] | null;
  skus?: readonly AlertSku[] | null;
  jobs?: readonly AlertJobRun[] | null;
  /** The ISO week label ("2026-W47") of the cohort week the KPI cards show. */
  week: string | null;
}

const chosen = <T>(choice: Choice<T>, value: T) => choice === ALL || choice === value;

/** "2026-W47" → a number that orders weeks (year × 100 + week). */
function weekNumber(label: string): number | null {
  const m = /^(\d{4})-W(\d{2})$/.exec(label);
  return m ? Number(m[1]) * 100 + Number(m[2]) : null;
}

/** Weeks between two labels, approximately (a year counted as 52 weeks). */
function weeksBetween(later: string, earlier: string): number | null {
  const a = weekNumber(later);
  const b = weekNumber(earlier);
  if (a === null || b === null) return null;
  return (Math.floor(a / 100) - Math.floor(b / 100)) * 52 + ((a % 100) - (b % 100));
}

const JOB_LABELS: Record<string, string> = {
  ingest: "导入",
  run: "导入·刷新·构建",
  "weekly-report": "周报",
  "pull-api": "API拉取",
};

export function overviewAlerts(
  inputs: AlertInputs,
  filters: {shop: Choice<string>; category: Choice<string | null>},
): Alert[] {
  const alerts: Alert[] = [];

  const backlog = (inputs.backlog ?? []).filter(
    (r) => chosen(filters.shop, r.shop_id) && chosen(filters.category, r.category),
  );
  const count = (state: string) =>
    backlog.filter((r) => r.deadline_state === state).reduce((n, r) => n + r.after_sale_count, 0);
  const overdue = count("overdue");
  const due = count("due_24h");
  if (overdue > 0)
    alerts.push({
      kind: "sla",
      severity: "high",
      text: `${formatNumber(overdue)} 张售后已超过自动处理截止时间`,
      page: "pages/operations",
    });
  if (due > 0)
    alerts.push({
      kind: "sla",
      severity: "medium",
      text: `${formatNumber(due)} 张售后将在24小时内到期`,
      page: "pages/operations",
    });

  const latest = new Map<string, AlertScoreDay>();
  for (const day of inputs.scores ?? []) {
    if (!chosen(filters.shop, day.shop_id)) continue;
    const key = `${day.shop_id}\u0000${day.metric}`;
    const known = latest.get(key);
    if (!known || day.date > known.date) latest.set(key, day);
  }
  const lastBand = Math.max(0, ...(inputs.scores ?? []).map((d) => d.band ?? 0));
  for (const day of [...latest.values()].sort(
    (a, b) => a.shop_id.localeCompare(b.shop_id) || a.metric.localeCompare(b.metric),
  ))
    if (day.band !== null && day.band > 1 && !day.low_volume)
      alerts.push({
        kind: "score",
        severity: day.band >= lastBand ? "high" : "medium",
        text: `店铺 ${day.shop_id} ${day.metric_label}（估算）${formatPercent(day.value, 2)}，处于第${day.band}档（${day.date}）`,
        page: "pages/platform",
      });

  if (inputs.week) {
    const spikes = (inputs.skus ?? []).filter((s) => {
      if (!s.latest_spike_week || !chosen(filters.shop, s.shop_id) || !chosen(filters.category, s.category))
        return false;
      const age = weeksBetween(inputs.week!, s.latest_spike_week);
      return age !== null && age >= 0 && age < 4;
    });
    spikes.sort(
      (a, b) =>
        (b.latest_spike_week ?? "").localeCompare(a.latest_spike_week ?? "") ||
        a.sku_code.localeCompare(b.sku_code),
    );
    const shown = spikes.slice(0, 3).map((s) => `${s.sku_code}（${s.latest_spike_week}）`);
    if (spikes.length > 0)
      alerts.push({
        kind: "spike",
        severity: "medium",
        text: `${spikes.length} 个SKU近4周退货率突增：${shown.join("、")}${spikes.length > 3 ? " 等" : ""}`,
        page: "pages/products",
      });
  }

  const lastByJob = new Map<string, AlertJobRun>();
  for (const run of inputs.jobs ?? []) if (!lastByJob.has(run.job)) lastByJob.set(run.job, run); // newest first
  for (const run of lastByJob.values())
    if (run.status === "failed" || run.status === "interrupted")
      alerts.push({
        kind: "job",
        severity: run.status === "failed" ? "high" : "medium",
        text: `最近一次${JOB_LABELS[run.job] ?? run.job}${run.status === "failed" ? "失败" : "被中断"}（${run.started_beijing}）：${run.message}`,
        page: "pages/operations",
      });

  return alerts.sort((a, b) => Number(a.severity === "medium") - Number(b.severity === "medium"));
}
