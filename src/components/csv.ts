/**
 * CSV that Excel opens correctly with Chinese text and that cannot inject formulas: UTF-8 with a
 * byte-order mark, RFC 4180 quoting, CRLF line ends, and text cells that a spreadsheet would read
 * as a formula (starting with =, +, -, @, or a tab or carriage return) prefixed with '.
 * Numbers are written as numbers (a negative number is a number, not a formula).
 * Long digit strings — 19-digit 商品ID and 售后单号 — get a leading tab, as 抖店's own exports do:
 * Excel would otherwise read them as numbers and show 7.12E+18, losing the last digits.
 */

export const BOM = "\uFEFF";

export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const LONG_ID = /^\d{12,}$/;

/** One cell: escaped against formulas, then quoted when it holds a quote, comma or line break. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (LONG_ID.test(value)) return `\t${value}`;
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvColumn<T> {
  label: string;
  value: (row: T) => CsvValue;
}

/** The whole file as text, BOM first, a header row of the labels, CRLF after every record. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: Iterable<T>): string {
  const lines = [columns.map((column) => csvCell(column.label)).join(",")];
  for (const row of rows) lines.push(columns.map((column) => csvCell(column.value(row))).join(","));
  return BOM + lines.join("\r\n") + "\r\n";
}

/** A file name that is safe on every system: no path separators or reserved characters. */
export function csvFileName(name: string): string {
  const safe = name.replace(/[\\/:*?"<>|\s]+/g, "_").replace(/^[._]+|[._]+$/g, "");
  return `${safe || "table"}.csv`;
}

/** Offers the text as a download (browser only). */
export function downloadCsv(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], {type: "text/csv;charset=utf-8"}));
  const link = document.createElement("a");
  link.href = url;
  link.download = csvFileName(name);
  link.style.display = "none";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
