/**
 * The trend chart of the report as inline SVG, drawn here (no library, no script): one bar per
 * cohort week for the unit return rate seen so far, hatched and paler while the week is immature,
 * with the forecast final rate and its 95% interval drawn over it.
 */
import {escapeHtml} from "./escape.js";
import {pct} from "./present.js";
import type {TrendPoint} from "./types.js";

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = {top: 16, right: 12, bottom: 40, left: 44};
const COLORS = {bar: "#4269d0", immature: "#a6b9ea", forecast: "#d2451e", grid: "#d9d9d9", text: "#555"};

const fixed = (value: number) => Number(value.toFixed(1));

/** The top of the rate axis: the highest value shown, rounded up to a whole 10%. */
function axisMax(points: readonly TrendPoint[]): number {
  const values = points.flatMap((p) => [p.unitReturnRate ?? 0, p.forecast?.rateHigh ?? 0]);
  return Math.max(0.1, Math.ceil(Math.max(...values) * 10) / 10);
}

export function trendChart(points: readonly TrendPoint[]): string {
  const innerWidth = WIDTH - MARGIN.left - MARGIN.right;
  const innerHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const max = axisMax(points);
  const y = (value: number) => fixed(MARGIN.top + innerHeight * (1 - value / max));
  const step = innerWidth / Math.max(points.length, 1);
  const barWidth = fixed(step * 0.6);
  const x = (i: number) => fixed(MARGIN.left + step * i + (step - step * 0.6) / 2);
  const parts: string[] = [];
  parts.push(
    `<defs><pattern id="rs-immature" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">` +
      `<rect width="6" height="6" fill="${COLORS.immature}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>`,
  );
  for (let tick = 0; tick <= 4; tick++) {
    const value = (max * tick) / 4;
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y(value)}" y2="${y(value)}" stroke="${COLORS.grid}" stroke-width="1"/>`,
      `<text x="${MARGIN.left - 6}" y="${fixed(y(value) + 4)}" text-anchor="end" font-size="11" fill="${COLORS.text}">${escapeHtml(pct(value).replace(".0%", "%"))}</text>`,
    );
  }
  points.forEach((point, i) => {
    const immature = point.forecast !== null && !point.forecast.isMature;
    const rate = point.unitReturnRate;
    const label = `${point.week}：退货率至今 ${pct(rate)}${
      point.forecast
        ? `，预测最终 ${pct(point.forecast.rate)}（${pct(point.forecast.rateLow)}–${pct(point.forecast.rateHigh)}）`
        : ""
    }${immature ? "，未成熟" : ""}`;
    parts.push(
      `<g data-week="${escapeHtml(point.week)}"${immature ? ' data-immature="true"' : ""}><title>${escapeHtml(label)}</title>`,
    );
    if (rate !== null)
      parts.push(
        `<rect x="${x(i)}" y="${y(rate)}" width="${barWidth}" height="${fixed(y(0) - y(rate))}" fill="${immature ? "url(#rs-immature)" : COLORS.bar}"/>`,
      );
    const f = point.forecast;
    if (immature && f?.rate != null && f.rateLow != null && f.rateHigh != null) {
      const cx = fixed(x(i) + barWidth / 2);
      parts.push(
        `<line x1="${cx}" x2="${cx}" y1="${y(f.rateLow)}" y2="${y(f.rateHigh)}" stroke="${COLORS.forecast}" stroke-width="2"/>`,
        `<circle cx="${cx}" cy="${y(f.rate)}" r="3.5" fill="${COLORS.forecast}"/>`,
      );
    }
    parts.push(
      `<text x="${fixed(x(i) + barWidth / 2)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle" font-size="11" fill="${COLORS.text}">${escapeHtml(point.week.slice(5))}</text></g>`,
    );
  });
  const legendY = HEIGHT - 8;
  parts.push(
    `<rect x="${MARGIN.left}" y="${legendY - 9}" width="10" height="10" fill="${COLORS.bar}"/>`,
    `<text x="${MARGIN.left + 14}" y="${legendY}" font-size="11" fill="${COLORS.text}">件数退货率（已成熟）</text>`,
    `<rect x="${MARGIN.left + 150}" y="${legendY - 9}" width="10" height="10" fill="url(#rs-immature)"/>`,
    `<text x="${MARGIN.left + 164}" y="${legendY}" font-size="11" fill="${COLORS.text}">至今（未成熟）</text>`,
    `<circle cx="${MARGIN.left + 270}" cy="${legendY - 4}" r="3.5" fill="${COLORS.forecast}"/>`,
    `<text x="${MARGIN.left + 278}" y="${legendY}" font-size="11" fill="${COLORS.text}">预测最终及95%区间</text>`,
  );
  return (
    `<svg class="rs-report-chart" data-chart="trend" data-points="${points.length}" viewBox="0 0 ${WIDTH} ${HEIGHT}" ` +
    `width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="近${points.length}周件数退货率">${parts.join("")}</svg>`
  );
}
