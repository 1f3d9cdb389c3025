/**
 * The 体验分风险 page's arithmetic, free of the DOM: the score bands in force (read from
 * src/data/cost_assumptions.json, never written into the page), the band a value falls in, the
 * shaded areas of the chart, and each shop's latest estimate (src/data/platform_score_daily.json).
 */
import {formatPercent} from "./format.js";

/** cost_assumptions.json: one row of marts.cost_assumptions (areas platform and risk). */
export interface Assumption {
  area: string;
  parameter: string;
  key: string;
  value: number | null;
  text_value: string | null;
  unit: string;
  source: string;
  tag: string;
  note: string;
}

/** platform_score_daily.json: one row per (shop_id, date, metric). */
export interface PlatformDay {
  week_start: string;
  week: string;
  week_days: number;
  shop_id: string;
  date: string;
  metric: string;
  metric_label: string;
  is_estimate: boolean;
  is_full_window: boolean;
  numerator: number;
  denominator: number;
  value: number | null;
  band: number | null;
  band_score: number | null;
  low_volume: boolean;
}

export interface ScoreBand {
  band: number;
  /** The upper bound of the band below (0 for the first). */
  lower: number;
  /** Inclusive upper bound; null = no upper limit. */
  upper: number | null;
  /** null: the source gives no score for this band. */
  score: number | null;
}

/** One number of the assumptions (key "*"), or null when it is not there. */
export function assumptionValue(rows: readonly Assumption[], area: string, parameter: string): number | null {
  return rows.find((r) => r.area === area && r.parameter === parameter && r.key === "*")?.value ?? null;
}

/** The keys of a list-valued assumption (reason groups, keywords), in table order. */
export function assumptionKeys(rows: readonly Assumption[], area: string, parameter: string): string[] {
  return rows.filter((r) => r.area === area && r.parameter === parameter && r.key !== "-").map((r) => r.key);
}

/** The bands of one metric, lowest first: band_upper_bound and band_score keyed `<metric>:<band>`. */
export function scoreBands(rows: readonly Assumption[], metric: string): ScoreBand[] {
  const bands = new Map<number, {upper: number | null; score: number | null}>();
  for (const row of rows) {
    if (row.area !== "platform" || !row.key.startsWith(`${metric}:`)) continue;
    const band = Number(row.key.slice(metric.length + 1));
    const known = bands.get(band) ?? {upper: null, score: null};
    if (row.parameter === "band_upper_bound") known.upper = row.value;
    else if (row.parameter === "band_score") known.score = row.value;
    else continue;
    bands.set(band, known);
  }
  let lower = 0;
  return [...bands]
    .sort((a, b) => a[0] - b[0])
    .map(([band, {upper, score}]) => {
      const result = {band, lower, upper, score};
      lower = upper ?? lower;
      return result;
    });
}

/** The first band whose upper bound the value does not exceed (as the mart assigns it). */
export function bandFor(value: number | null, bands: readonly ScoreBand[]): ScoreBand | null {
  if (value === null) return null;
  return bands.find((b) => b.upper === null || value <= b.upper) ?? null;
}

/** "≤ 0.26%", "0.26%–1.31%", "> 1.31%": a band's range, with `digits` decimals of a percent. */
export function bandRange(band: ScoreBand, digits = 3): string {
  const pct = (v: number) => formatPercent(v, digits).replace(/\.?0+%$/, "%");
  if (band.upper === null) return `> ${pct(band.lower)}`;
  if (band.lower === 0) return `≤ ${pct(band.upper)}`;
  return `${pct(band.lower)}–${pct(band.upper)}`;
}

/** "100 分", or "未给出" when the source names no score. */
export function bandScore(band: ScoreBand | null): string {
  if (!band) return "—";
  return band.score === null ? "分数未给出" : `${band.score} 分`;
}

/** The top of the chart's y axis: above the highest value and the highest finite band bound. */
export function rateCeiling(values: readonly (number | null)[], bands: readonly ScoreBand[]): number {
  const highestBound = Math.max(0, ...bands.map((b) => b.upper ?? 0));
  const highestValue = Math.max(0, ...values.filter((v): v is number => v !== null));
  return Math.max(highestBound * 1.25, highestValue * 1.1, 0.001);
}

export interface BandArea {
  band: number;
  score: number | null;
  y1: number;
  y2: number;
}

/** The bands as horizontal areas from 0 to `top` (the last one reaches the top). */
export function bandAreas(bands: readonly ScoreBand[], top: number): BandArea[] {
  return bands
    .filter((b) => b.lower < top)
    .map((b) => ({band: b.band, score: b.score, y1: b.lower, y2: Math.min(b.upper ?? top, top)}));
}

/** Each shop's last row of one metric among the rows (they are already filtered by shop and range). */
export function latestByShop(rows: readonly PlatformDay[], metric: string): PlatformDay[] {
  const latest = new Map<string, PlatformDay>();
  for (const row of rows) {
    if (row.metric !== metric) continue;
    const known = latest.get(row.shop_id);
    if (!known || row.date > known.date) latest.set(row.shop_id, row);
  }
  return [...latest.values()].sort((a, b) => a.shop_id.localeCompare(b.shop_id, "zh-CN"));
}

/**
 * The chart's y axis is symlog with this constant (the lowest band bound): linear below it, log
 * above, so that the narrow bands at the bottom (0.026% next to values of several %) stay visible.
 */
export function symlogConstant(bands: readonly ScoreBand[]): number {
  const bounds = bands.map((b) => b.upper).filter((u): u is number => u !== null && u > 0);
  return bounds.length ? Math.min(...bounds) : 0.001;
}

const symlog = (value: number, constant: number) => Math.sign(value) * Math.log1p(Math.abs(value) / constant);
const symexp = (value: number, constant: number) => Math.sign(value) * Math.expm1(Math.abs(value)) * constant;

/** The value halfway between y1 and y2 on a symlog axis (where a band's label goes). */
export function symlogMiddle(y1: number, y2: number, constant: number): number {
  return symexp((symlog(y1, constant) + symlog(y2, constant)) / 2, constant);
}

/** Ticks of the axis: 0, every band bound below the top, and a few round values above them. */
export function rateTicks(bands: readonly ScoreBand[], top: number): number[] {
  const bounds = bands.map((b) => b.upper).filter((u): u is number => u !== null && u < top);
  const highest = Math.max(0, ...bounds);
  const step = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2].find((s) => top / s <= 4) ?? 0.25;
  const round: number[] = [];
  for (let v = step; v <= top + 1e-12; v += step) if (v > highest * 1.8) round.push(Number(v.toFixed(6)));
  return [0, ...bounds, ...round].sort((a, b) => a - b);
}
