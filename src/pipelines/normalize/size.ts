/**
 * Size normalisation for apparel and shoe SKUs (商品规格 size parts, 货号 suffixes).
 *
 * Called once per DISTINCT raw value during ingest, so it must stay pure, cheap and never throw:
 * anything it cannot read confidently is `null` and is reported by the caller as an unknown size.
 *
 * sortKey scheme (one numeric ORDER BY that works across size systems):
 *   0 … 10        letter sizes, index in SIZE_LABELS_IN_ORDER (XXS = 0 … 6XL = 10)
 *   50            free size 均码
 *   100 + n       numeric size n (waist 25–36, shoe 35–46 incl. halves, child height 73–170)
 *   100 + h + c/1000   GB/T 1335 labels "h/cA": by height h, ties by chest/waist c
 * Numeric sizes are not split into shoe/waist/height: the ranges only overlap at 35–36, where
 * shoe and waist sizes share the same label and sortKey anyway, and a lookup table cannot know
 * which one a merchant meant without the product category.
 */

export type SizeSystem = "letter" | "free" | "numeric";

export interface NormalizedSize {
  label: string;
  sortKey: number;
  system: SizeSystem;
}

export const SIZE_LABELS_IN_ORDER: readonly string[] = Object.freeze([
  "XXS",
  "XS",
  "S",
  "M",
  "L",
  "XL",
  "XXL",
  "3XL",
  "4XL",
  "5XL",
  "6XL",
]);

const FREE_SIZE_LABEL = "均码";

const FREE_SORT_KEY = 50;
const NUMERIC_SORT_BASE = 100;
// Sizes are short; a long cell is a description, not a size, and is not worth regex work.
const MAX_SIZE_TEXT_LENGTH = 40;

// Only the aliases merchants actually write. Runs of five or more X (XXXXXL, XXXXXXL) are
// rejected on purpose: they are miscounted too often to be trusted; a merchant rule can map them.
const LETTER_ALIASES: ReadonlyMap<string, string> = new Map([
  ["XXS", "XXS"],
  ["2XS", "XXS"],
  ["XS", "XS"],
  ["S", "S"],
  ["M", "M"],
  ["L", "L"],
  ["XL", "XL"],
  ["XXL", "XXL"],
  ["2XL", "XXL"],
  ["3XL", "3XL"],
  ["XXXL", "3XL"],
  ["4XL", "4XL"],
  ["XXXXL", "4XL"],
  ["5XL", "5XL"],
  ["6XL", "6XL"],
]);

const FREE_ALIASES: ReadonlySet<string> = new Set(["均码", "F", "FREE", "FREESIZE", "ONESIZE"]);

const WAIST = {min: 25, max: 36};
const SHOE = {min: 35, max: 46};
const HEIGHT = {min: 73, max: 170};

const OPEN = "(\\[【{〔";
const CLOSE = ")\\]】}〕";
const WRAPPED = new RegExp(`^[${OPEN}]([^]*)[${CLOSE}]$`);
// "L(120-140斤)", "L【建议120-140斤】": a size followed by a bracketed hint.
const TRAILING_HINT = new RegExp(`^([^${OPEN}]+)[${OPEN}]([^]*)[${CLOSE}]$`);
// No leading zero: "038" is a serial number, not a size.
const NUMBER = /^([1-9]\d{1,2})(?:\.([05]))?$/;
// GB/T 1335 height/chest(or waist) + optional body type, e.g. "170/88A", "110/56".
const GB_SIZE = /^([1-9]\d{1,2})\/([1-9]\d{1,2})([YABC])?$/;
const GB_HEIGHT = {min: 73, max: 200};
const GB_GIRTH = {min: 40, max: 150};
const SIZE_SUFFIX = /[码號号]$/;
const WAIST_PREFIXED = /^腰围(\d+(?:\.\d)?)$/;
const HEIGHT_PREFIXED = /^身高(\d+)(?:CM|厘米)?$/;
const HEIGHT_CM = /^(\d+)(?:CM|厘米)$/;

export function normalizeSize(raw: string | null | undefined): NormalizedSize | null {
  if (typeof raw !== "string") return null;
  // NFKC folds full-width letters, digits and brackets (ＸＬ, ３８, （）) to ASCII.
  let s = raw.normalize("NFKC").replace(/\s+/g, "").toUpperCase();
  if (s.length === 0 || s.length > MAX_SIZE_TEXT_LENGTH) return null;
  for (let m = WRAPPED.exec(s); m; m = WRAPPED.exec(s)) s = m[1] ?? "";

  const direct = matchSize(s);
  if (direct) return direct;

  const hinted = TRAILING_HINT.exec(s);
  if (!hinted) return null;
  const head = matchSize(hinted[1] ?? "");
  if (!head) return null;
  // "均码(F)" agrees with itself; "M(XL)" names two different sizes, so neither is trusted.
  const hint = matchSize(hinted[2] ?? "");
  if (hint && head.system !== "numeric" && hint.system !== "numeric" && hint.label !== head.label) {
    return null;
  }
  return head;
}

function matchSize(s: string): NormalizedSize | null {
  const plain = matchPlain(s);
  if (plain) return plain;
  // Strip 码/号 only after the plain attempt, or "均码" would become "均".
  const base = s.replace(SIZE_SUFFIX, "");
  if (base !== s && base.length > 0) {
    const suffixed = matchPlain(base);
    if (suffixed) return suffixed;
  }
  return matchQualified(base);
}

function matchPlain(s: string): NormalizedSize | null {
  const letter = LETTER_ALIASES.get(s);
  if (letter !== undefined) {
    return {label: letter, sortKey: SIZE_LABELS_IN_ORDER.indexOf(letter), system: "letter"};
  }
  if (FREE_ALIASES.has(s)) return {label: FREE_SIZE_LABEL, sortKey: FREE_SORT_KEY, system: "free"};
  const n = parseNumber(s);
  if (n !== null && (inRange(n, WAIST) || inRange(n, SHOE) || inRange(n, HEIGHT))) {
    // Half sizes exist only for shoes.
    if (Number.isInteger(n) || inRange(n, SHOE)) return numeric(n);
    return null;
  }
  return matchGb(s);
}

// Prefix/suffix forms whose qualifier pins down which numeric range is meant.
function matchQualified(s: string): NormalizedSize | null {
  const waist = WAIST_PREFIXED.exec(s);
  if (waist) return integerIn(waist[1], WAIST);
  const height = HEIGHT_PREFIXED.exec(s) ?? HEIGHT_CM.exec(s);
  if (height) return integerIn(height[1], HEIGHT);
  return null;
}

function matchGb(s: string): NormalizedSize | null {
  const m = GB_SIZE.exec(s);
  if (!m) return null;
  const height = Number(m[1]);
  const girth = Number(m[2]);
  if (!inRange(height, GB_HEIGHT) || !inRange(girth, GB_GIRTH)) return null;
  return {
    label: `${height}/${girth}${m[3] ?? ""}`,
    sortKey: NUMERIC_SORT_BASE + height + girth / 1000,
    system: "numeric",
  };
}

function parseNumber(s: string): number | null {
  const m = NUMBER.exec(s);
  if (!m) return null;
  return Number(m[1]) + (m[2] === "5" ? 0.5 : 0);
}

function integerIn(text: string | undefined, range: {min: number; max: number}): NormalizedSize | null {
  const n = parseNumber(text ?? "");
  return n !== null && Number.isInteger(n) && inRange(n, range) ? numeric(n) : null;
}

function numeric(n: number): NormalizedSize {
  return {label: String(n), sortKey: NUMERIC_SORT_BASE + n, system: "numeric"};
}

function inRange(n: number, {min, max}: {min: number; max: number}): boolean {
  return n >= min && n <= max;
}
