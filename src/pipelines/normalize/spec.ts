/**
 * Parsing of the export's 商品规格 cell and of size suffixes in 货号/商家编码.
 *
 * Whether 商品规格 parts are `名:值` or values only is unconfirmed (domain.md §1.6 [U]), so both are
 * parsed: split on `;`/`；` (or newlines), then an optional `:`/`：` separates key and value.
 * Values-only parts are assigned by content: the first part normalizeSize recognises is the size,
 * the first remaining non-size part is the colour, and every other part goes to `other` under
 * "规格N", N being the part's 1-based position (so `黑色;加绒` gives other = {规格2: "加绒"}).
 * Keys win over content: `颜色:XL` is a colour.
 */

import {normalizeSize, type NormalizedSize} from "./size.js";

export interface SpecParts {
  color: string | null;
  size: NormalizedSize | null;
  /** The raw size text found, also when normalizeSize did not recognise it (for reporting). */
  sizeText: string | null;
  other: Record<string, string>;
}

/**
 * Default for merchants whose 货号 ends in "-XL", "_38.5" or " M". A trailing plain number such as
 * "-110" also matches (a child height); merchants whose codes end in serial numbers must configure
 * their own pattern.
 */
export const DEFAULT_SKU_SIZE_PATTERN: RegExp = /[-_ ](?<size>[0-9A-Za-z.]+)$/;

const COLOR_KEYS: ReadonlySet<string> = new Set(["颜色", "颜色分类", "主要颜色", "色系"]);
const SIZE_KEYS: ReadonlySet<string> = new Set(["尺码", "尺寸", "码数", "鞋码", "大小", "身高"]);
// The export writes "-" for "no value" (domain.md §1.5).
const EMPTY_VALUES: ReadonlySet<string> = new Set(["", "-", "--", "—"]);
const KEY_VALUE = /^([^:：]*)[:：]([^]*)$/;

interface Part {
  position: number;
  key: string | null;
  value: string;
  size: NormalizedSize | null;
}

export function parseSpec(text: string | null | undefined): SpecParts {
  const parts = typeof text === "string" ? splitParts(text) : [];
  const keyed = parts.filter((p) => p.key !== null);
  const unkeyed = parts.filter((p) => p.key === null);

  const sizeKeyed = keyed.filter((p) => SIZE_KEYS.has(keyOf(p)));
  // With 尺码 and 身高 both present, the one that is a recognisable size is the more useful.
  let sizePart = sizeKeyed.find((p) => p.size !== null) ?? sizeKeyed[0];
  let colorPart = keyed.find((p) => COLOR_KEYS.has(keyOf(p)));
  sizePart ??= unkeyed.find((p) => p.size !== null);
  colorPart ??= unkeyed.find((p) => p !== sizePart && p.size === null);

  const other = new Map<string, string>();
  for (const p of parts) {
    if (p === sizePart || p === colorPart) continue;
    addUnique(other, p.key ?? `规格${p.position}`, p.value);
  }
  return {
    color: colorPart?.value ?? null,
    size: sizePart?.size ?? null,
    sizeText: sizePart?.value ?? null,
    // fromEntries defines own properties, so a key like "__proto__" cannot touch the prototype.
    other: Object.fromEntries(other),
  };
}

const patternCache = new WeakMap<RegExp, RegExp>();

export function sizeFromSkuCode(code: string | null | undefined, pattern: RegExp): NormalizedSize | null {
  if (typeof code !== "string" || !(pattern instanceof RegExp)) return null;
  const trimmed = code.trim();
  if (trimmed.length === 0) return null;
  const size = statelessPattern(pattern).exec(trimmed)?.groups?.["size"];
  return size === undefined ? null : normalizeSize(size);
}

// A /g or /y pattern keeps lastIndex between exec calls, which would make results depend on
// call order; a flag-free copy keeps the function pure without mutating the caller's RegExp.
function statelessPattern(pattern: RegExp): RegExp {
  if (!pattern.global && !pattern.sticky) return pattern;
  let copy = patternCache.get(pattern);
  if (!copy) {
    copy = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
    patternCache.set(pattern, copy);
  }
  return copy;
}

function splitParts(text: string): Part[] {
  let pieces = text.split(/[;；\r\n]+/);
  if (pieces.length === 1) {
    // Tolerate `颜色:黑色,尺码:XL` and `黑色,XL`, but keep a comma-containing colour whole.
    const commaPieces = text.split(/[,，]/);
    const splittable =
      commaPieces.length > 1 &&
      (commaPieces.every((p) => KEY_VALUE.test(p)) || commaPieces.some((p) => normalizeSize(p) !== null));
    if (splittable) pieces = commaPieces;
  }
  const parts: Part[] = [];
  pieces.forEach((piece, i) => {
    const part = toPart(piece, i + 1);
    if (part) parts.push(part);
  });
  return parts;
}

function toPart(piece: string, position: number): Part | null {
  const whole = collapse(piece);
  const m = KEY_VALUE.exec(whole);
  const key = m ? collapse(m[1] ?? "") : "";
  const value = m ? collapse(m[2] ?? "") : whole;
  if (EMPTY_VALUES.has(value)) return null;
  return {position, key: key.length > 0 ? key : null, value, size: normalizeSize(value)};
}

function keyOf(part: Part): string {
  return (part.key ?? "").normalize("NFKC").replace(/\s+/g, "");
}

function collapse(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

function addUnique(map: Map<string, string>, key: string, value: string): void {
  let candidate = key;
  for (let n = 2; map.has(candidate); n++) candidate = `${key}#${n}`;
  map.set(candidate, value);
}
