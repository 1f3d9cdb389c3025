/** Renders metric rows as a terminal table, CSV (RFC 4180) or JSON. */
import {table} from "../format.js";
import type {MetricRow, MetricValue} from "./query.js";
import {METRICS} from "./registry.js";

export const OUTPUT_FORMATS = ["table", "csv", "json"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

function csvCell(value: MetricValue): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: a header row, CRLF between records, fields with `,` `"` or line breaks quoted. */
export function toCsv(columns: readonly string[], rows: readonly MetricRow[]): string {
  return [columns, ...rows.map((row) => columns.map((c) => row[c] ?? null))]
    .map((cells) => cells.map((cell) => csvCell(cell)).join(","))
    .join("\r\n");
}

function tableCell(column: string, value: MetricValue): string | number {
  if (value === null) return "-";
  if (column === "rate" && typeof value === "number") return `${(value * 100).toFixed(2)}%`;
  if (column === "low_volume") return value ? "低量 low" : "";
  return typeof value === "number" ? value : String(value);
}

export function toTable(columns: readonly string[], rows: readonly MetricRow[]): string {
  if (rows.length === 0) return "no rows";
  return table(
    [...columns],
    rows.map((row) => columns.map((c) => tableCell(c, row[c] ?? null))),
  );
}

export function formatRows(
  format: OutputFormat,
  columns: readonly string[],
  rows: readonly MetricRow[],
): string {
  if (format === "json") return JSON.stringify(rows, null, 2);
  if (format === "csv") return toCsv(columns, rows);
  return toTable(columns, rows);
}

/** The --list output: every metric with its definition in Chinese and English. */
export function formatMetricList(format: OutputFormat): string {
  const rows = METRICS.map((m) => ({
    name: m.name,
    label_zh: m.label.zh,
    label_en: m.label.en,
    description_zh: m.description.zh,
    description_en: m.description.en,
    numerator: m.numerator,
    denominator: m.denominator ?? null,
    dimensions: m.dimensions.join(","),
  }));
  if (format === "json")
    return JSON.stringify(
      rows.map((r) => ({...r, dimensions: r.dimensions.split(",")})),
      null,
      2,
    );
  if (format === "csv") return toCsv(Object.keys(rows[0] ?? {}), rows);
  return METRICS.map(
    (m) =>
      `${m.name}  ${m.label.zh} / ${m.label.en}\n` +
      `  ${m.description.zh}\n  ${m.description.en}\n` +
      `  = ${m.denominator ? `${m.numerator} ÷ ${m.denominator}` : m.numerator}\n` +
      `  --by ${m.dimensions.join(", ")}`,
  ).join("\n\n");
}
