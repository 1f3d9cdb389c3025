/** Charts of the pages, drawn with Plot (bundled from node_modules, rule 1). */
import * as Plot from "@observablehq/plot";
import {el} from "./dom.js";
import {formatPercent, formatWeek} from "./format.js";
import type {CohortPoint} from "./overview.js";

const DAY = 86_400_000;

/**
 * The top of a rate axis, as a fraction: a little above the highest rate, at least 10% (an axis
 * for all-zero data). A `percent: true` scale takes its domain in percent: multiply by 100.
 */
function rateCeiling(rates: readonly (number | null)[]): number {
  const highest = Math.max(0, ...rates.filter((r): r is number => r !== null));
  return Math.min(1, Math.max(0.1, highest * 1.1));
}
const monday = (weekStart: string) => new Date(`${weekStart}T00:00:00Z`);
const middle = (weekStart: string) => new Date(monday(weekStart).getTime() + 3.5 * DAY);

/**
 * Unit return rate by order-cohort week: observed so far (solid), the forecast of the final rate
 * (dashed) with its 95% interval (band), and immature weeks shaded.
 */
export function cohortChart(points: readonly CohortPoint[], options: {width: number}): HTMLElement {
  const immature = points.filter((p) => p.is_mature === false);
  const forecast = points.filter((p) => p.forecast_rate !== null);
  const weekEnd = (p: CohortPoint) => new Date(monday(p.week_start).getTime() + 7 * DAY);
  const title = (p: CohortPoint) =>
    [
      formatWeek(p.week_start, p.week),
      `已发货 ${p.shipped_units} 件，已退 ${p.returned_units} 件`,
      `实际退货率 ${formatPercent(p.observed_rate)}`,
      p.forecast_rate !== null
        ? `预测 ${formatPercent(p.forecast_rate)}（${formatPercent(p.forecast_rate_low)}–${formatPercent(p.forecast_rate_high)}）`
        : null,
      p.is_mature === false ? "未成熟：退货仍在发生" : null,
    ]
      .filter(Boolean)
      .join("\n");
  const figure = Plot.plot({
    width: options.width,
    height: 300,
    marginLeft: 48,
    x: {type: "utc", label: null, tickFormat: "%m-%d"},
    y: {percent: true, grid: true, label: "件数退货率 (%)", zero: true},
    marks: [
      Plot.rectX(immature, {
        x1: (p: CohortPoint) => monday(p.week_start),
        x2: weekEnd,
        fill: "currentColor",
        fillOpacity: 0.08,
      }),
      Plot.areaY(forecast, {
        x: (p: CohortPoint) => middle(p.week_start),
        y1: "forecast_rate_low",
        y2: "forecast_rate_high",
        fill: "var(--theme-foreground-focus)",
        fillOpacity: 0.18,
        curve: "monotone-x",
      }),
      Plot.lineY(forecast, {
        x: (p: CohortPoint) => middle(p.week_start),
        y: "forecast_rate",
        stroke: "var(--theme-foreground-focus)",
        strokeDasharray: "4,3",
        curve: "monotone-x",
      }),
      Plot.lineY(points, {
        x: (p: CohortPoint) => middle(p.week_start),
        y: "observed_rate",
        stroke: "currentColor",
      }),
      Plot.dot(points, {
        x: (p: CohortPoint) => middle(p.week_start),
        y: "observed_rate",
        fill: "currentColor",
        r: 2.5,
      }),
      Plot.tip(
        points,
        Plot.pointerX({x: (p: CohortPoint) => middle(p.week_start), y: "observed_rate", title}),
      ),
    ],
  });
  const legend = el(
    "div",
    {class: "rs-legend"},
    el("span", {class: "rs-key rs-key-line"}, "实际退货率 observed"),
    forecast.length ? el("span", {class: "rs-key rs-key-dash"}, "预测 forecast") : null,
    forecast.length ? el("span", {class: "rs-key rs-key-band"}, "95% 预测区间") : null,
    immature.length ? el("span", {class: "rs-key rs-key-shade"}, "未成熟批次 immature") : null,
  );
  return el(
    "div",
    {
      class: "rs-chart",
      "data-chart": "cohort",
      "data-points": points.length,
      "data-immature": immature.length,
      "data-forecast": forecast.length,
      // What the chart covers, for tests: its weeks and the shipped units behind them.
      "data-first": points[0]?.week_start,
      "data-last": points[points.length - 1]?.week_start,
      "data-shipped": points.reduce((sum, p) => sum + p.shipped_units, 0),
    },
    figure,
    legend,
  );
}

export interface SizeRow {
  size: string | null;
  size_sort: number | null;
  shipped_units: number;
  returned_units: number;
  return_rate: number | null;
  size_return_rate: number | null;
  returns_more: boolean;
  low_volume: boolean;
}

/** Return rate by size of one product (size returns darker), the chosen SKU's size outlined. */
export function sizeChart(
  rows: readonly SizeRow[],
  options: {width: number; size: string | null},
): HTMLElement {
  const label = (r: SizeRow) => r.size ?? "未知";
  const order = [...rows].sort((a, b) => (a.size_sort ?? 1e9) - (b.size_sort ?? 1e9)).map(label);
  const figure = Plot.plot({
    width: options.width,
    height: 220,
    marginLeft: 44,
    x: {domain: order, label: null},
    y: {
      percent: true,
      grid: true,
      label: "件数退货率 (%)",
      domain: [0, 100 * rateCeiling(rows.map((r) => r.return_rate))],
    },
    marks: [
      Plot.barY(rows, {x: label, y: "return_rate", fill: "var(--theme-foreground-faint)"}),
      Plot.barY(rows, {x: label, y: "size_return_rate", fill: "var(--theme-foreground-focus)"}),
      Plot.barY(
        rows.filter((r) => r.size === options.size),
        {x: label, y: "return_rate", fill: "none", stroke: "currentColor", strokeWidth: 1.5},
      ),
      Plot.text(
        rows.filter((r) => r.returns_more),
        {x: label, y: "return_rate", text: () => "偏高", dy: -8},
      ),
      Plot.ruleY([0]),
      Plot.tip(
        rows,
        Plot.pointerX({
          x: label,
          y: "return_rate",
          title: (r: SizeRow) =>
            `尺码 ${label(r)}：发货 ${r.shipped_units} 件，退 ${r.returned_units} 件\n退货率 ${formatPercent(r.return_rate)}，其中尺码原因 ${formatPercent(r.size_return_rate)}${r.low_volume ? "\n量少，仅供参考" : ""}`,
        }),
      ),
    ],
  });
  return el(
    "div",
    {class: "rs-chart", "data-chart": "sizes", "data-points": rows.length},
    figure,
    el(
      "div",
      {class: "rs-legend"},
      el("span", {class: "rs-key rs-key-faint"}, "全部退货"),
      el("span", {class: "rs-key rs-key-focus"}, "尺码原因"),
      el("span", {class: "rs-key rs-key-outline"}, "所选SKU的尺码"),
    ),
  );
}

export interface ReasonRow {
  reason_group: string | null;
  reason: string;
  returned_units: number;
  share_of_returns: number | null;
}

/** Returned units of one SKU by reason, coloured by reason group. */
export function reasonChart(rows: readonly ReasonRow[], options: {width: number}): HTMLElement {
  const figure = Plot.plot({
    width: options.width,
    height: Math.max(120, 28 * rows.length + 40),
    marginLeft: Math.min(220, options.width / 2.2),
    x: {grid: true, label: "退货件数", tickFormat: (d: number) => (Number.isInteger(d) ? String(d) : "")},
    y: {label: null, domain: rows.map((r) => r.reason)},
    color: {legend: true, type: "categorical"},
    marks: [
      Plot.barX(rows, {y: "reason", x: "returned_units", fill: (r: ReasonRow) => r.reason_group ?? "未知"}),
      Plot.ruleX([0]),
      Plot.tip(
        rows,
        Plot.pointerY({
          y: "reason",
          x: "returned_units",
          title: (r: ReasonRow) =>
            `${r.reason}（${r.reason_group ?? "未知"}）\n${r.returned_units} 件，占退货 ${formatPercent(r.share_of_returns)}`,
        }),
      ),
    ],
  });
  return el("div", {class: "rs-chart", "data-chart": "reasons", "data-points": rows.length}, figure);
}

export interface SkuWeekRow {
  week_start: string;
  week: string;
  shipped_units: number;
  returned_units: number;
  return_rate: number | null;
  is_mature: boolean;
  spike_status: string;
}

/** One SKU's unit return rate by cohort week: immature weeks shaded, spikes marked. */
export function skuTrendChart(rows: readonly SkuWeekRow[], options: {width: number}): HTMLElement {
  const immature = rows.filter((r) => !r.is_mature);
  const spikes = rows.filter((r) => r.spike_status === "spike");
  const x = (r: SkuWeekRow) => middle(r.week_start);
  const figure = Plot.plot({
    width: options.width,
    height: 220,
    marginLeft: 44,
    x: {type: "utc", label: null, tickFormat: "%m-%d"},
    y: {
      percent: true,
      grid: true,
      label: "件数退货率 (%)",
      domain: [0, 100 * rateCeiling(rows.map((r) => r.return_rate))],
    },
    marks: [
      Plot.rectX(immature, {
        x1: (r: SkuWeekRow) => monday(r.week_start),
        x2: (r: SkuWeekRow) => new Date(monday(r.week_start).getTime() + 7 * DAY),
        fill: "currentColor",
        fillOpacity: 0.08,
      }),
      Plot.lineY(rows, {x, y: "return_rate", stroke: "currentColor"}),
      Plot.dot(rows, {
        x,
        y: "return_rate",
        r: (r: SkuWeekRow) => Math.sqrt(r.shipped_units) / 2 + 1,
        fill: "currentColor",
        fillOpacity: 0.6,
      }),
      Plot.dot(spikes, {x, y: "return_rate", r: 7, stroke: "var(--theme-red)", strokeWidth: 2}),
      Plot.tip(
        rows,
        Plot.pointerX({
          x,
          y: "return_rate",
          title: (r: SkuWeekRow) =>
            `${formatWeek(r.week_start, r.week)}\n发货 ${r.shipped_units} 件，退 ${r.returned_units} 件，退货率 ${formatPercent(r.return_rate)}${r.spike_status === "spike" ? "\n突增" : ""}${r.is_mature ? "" : "\n未成熟"}`,
        }),
      ),
    ],
  });
  return el(
    "div",
    {class: "rs-chart", "data-chart": "sku-trend", "data-points": rows.length},
    figure,
    el(
      "div",
      {class: "rs-legend"},
      el("span", {class: "rs-key rs-key-line"}, "件数退货率（点的大小：发货件数）"),
      spikes.length ? el("span", {class: "rs-key rs-key-spike"}, "突增 spike") : null,
      immature.length ? el("span", {class: "rs-key rs-key-shade"}, "未成熟 immature") : null,
    ),
  );
}
