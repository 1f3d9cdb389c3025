/**
 * renderHtml: the report as one self-contained HTML file (inline CSS, the chart as inline SVG, no
 * script, no external URL), for e-mail, the PDF and opening offline. renderReportBody is its
 * <article>, which the dashboard's weekly page shows as it is. Every text is escaped.
 */
import {reportBlocks, type Block} from "./document.js";
import {escapeHtml} from "./escape.js";
import {trendChart} from "./svg.js";
import type {ReportData} from "./types.js";

/** Scoped to .rs-report, so that the dashboard can use it beside its own styles. */
export const REPORT_CSS = `
.rs-report { font-family: -apple-system, BlinkMacSystemFont, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  color: #1b1e23; line-height: 1.55; font-size: 14px; max-width: 980px; margin: 0 auto; }
.rs-report h1 { font-size: 24px; margin: 0 0 4px; }
.rs-report h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d9d9d9; }
.rs-report h3 { font-size: 15px; margin: 20px 0 6px; }
.rs-report p { margin: 6px 0; }
.rs-report ul { margin: 6px 0; padding-left: 20px; }
.rs-report li { margin: 3px 0; }
.rs-report blockquote { margin: 8px 0; padding: 6px 12px; border-left: 4px solid #e0a100; background: #fff8e1; }
.rs-report .rs-report-table { overflow-x: auto; margin: 8px 0; }
.rs-report table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
.rs-report th, .rs-report td { border-bottom: 1px solid #e5e5e5; padding: 4px 8px; vertical-align: top; }
.rs-report th { background: #f4f5f7; font-weight: 600; white-space: nowrap; }
.rs-report td.rs-num, .rs-report th.rs-num { text-align: right; white-space: nowrap; }
.rs-report td:first-child { white-space: nowrap; }
.rs-report .rs-report-chart { display: block; max-width: 100%; height: auto; margin: 8px 0; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  .rs-report { font-size: 11px; max-width: none; }
  .rs-report table { font-size: 10px; }
  .rs-report tr, .rs-report blockquote, .rs-report .rs-report-chart { break-inside: avoid; }
  .rs-report h2, .rs-report h3 { break-after: avoid; }
}
`.trim();

function blockToHtml(block: Block, data: ReportData): string {
  switch (block.kind) {
    case "heading":
      return `<h${block.level}>${escapeHtml(block.text)}</h${block.level}>`;
    case "paragraph":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "note":
      return `<blockquote>${escapeHtml(block.text)}</blockquote>`;
    case "list":
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
    case "chart":
      return trendChart(data.trend);
    case "table": {
      const cls = (i: number) => (block.align[i] === "right" ? ' class="rs-num"' : "");
      const head = block.headers.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join("");
      const body = block.rows
        .map((row) => `<tr>${row.map((cell, i) => `<td${cls(i)}>${escapeHtml(cell)}</td>`).join("")}</tr>`)
        .join("\n");
      return (
        `<div class="rs-report-table"><table data-table="${escapeHtml(block.name)}">` +
        `<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table></div>`
      );
    }
  }
}

/** The report as an <article class="rs-report"> (no styles: see REPORT_CSS). */
export function renderReportBody(data: ReportData): string {
  return `<article class="rs-report" data-week="${escapeHtml(data.week.week)}">\n${reportBlocks(data)
    .map((block) => blockToHtml(block, data))
    .join("\n")}\n</article>`;
}

export function renderHtml(data: ReportData): string {
  return [
    "<!doctype html>",
    '<html lang="zh-CN">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>\nbody { margin: 24px; background: #fff; }\n${REPORT_CSS}\n</style>`,
    "</head>",
    "<body>",
    renderReportBody(data),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
