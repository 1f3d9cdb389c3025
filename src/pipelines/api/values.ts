/**
 * The two conversions every API value goes through on its way into the export format: amounts in
 * 分 (integers) → 元 text with two decimals, by moving the decimal point in the digits (never by
 * float arithmetic); Unix seconds → Beijing wall-clock `YYYY-MM-DD HH:MM:SS`, which is how the
 * exports write times and what the warehouse stores (UTC+8, no daylight saving).
 */
import {integerText} from "./json.js";

const BEIJING_OFFSET_SECONDS = 8 * 3600;

/** `129900` → `"1299.00"`, `-5` → `"-0.05"`; null when absent. Exact for any number of digits. */
export function fenToYuan(value: unknown): string | null {
  const text = integerText(value);
  if (text === null) return null;
  const negative = text.startsWith("-");
  const digits = (negative ? text.slice(1) : text).replace(/^0+(?=\d)/, "").padStart(3, "0");
  const yuan = `${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return negative && /[1-9]/.test(digits) ? `-${yuan}` : yuan;
}

/**
 * Unix seconds → Beijing wall-clock text; null for absent, 0 or negative (the platform's "no
 * time"). A 13-digit value is taken as milliseconds (domain.md says seconds everywhere; this only
 * keeps a surprise from landing in the year 50,000).
 */
export function beijingTime(value: unknown): string | null {
  const text = integerText(value);
  if (text === null) return null;
  let seconds = Number(text);
  if (!Number.isSafeInteger(seconds) || seconds <= 0) return null;
  if (seconds >= 1e11) seconds = Math.floor(seconds / 1000);
  return new Date((seconds + BEIJING_OFFSET_SECONDS) * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** Unix seconds → compact Beijing time for file names (`20261105100000`). */
export function compactBeijingTime(seconds: number): string {
  return beijingTime(seconds)!.replace(/[- :]/g, "");
}

/** A Beijing calendar date `YYYY-MM-DD` → Unix seconds of its midnight (Beijing). */
export function beijingMidnight(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new TypeError(`expected a date YYYY-MM-DD: ${date}`);
  const [, y, m, d] = match;
  const ms = Date.UTC(Number(y), Number(m) - 1, Number(d));
  const check = new Date(ms).toISOString().slice(0, 10);
  if (check !== date) throw new TypeError(`not a calendar date: ${date}`);
  return ms / 1000 - BEIJING_OFFSET_SECONDS;
}
