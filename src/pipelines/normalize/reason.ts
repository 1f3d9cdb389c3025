/**
 * After-sale reason (售后原因) normalisation and grouping. Data and provenance: reasonTable.ts.
 *
 * Order of classification: merchant extraRules (exact) → built-in table (exact) → keyword rules.
 * Exact matching compares normalised texts with all whitespace removed, so spacing variants of
 * the same text cannot miss. A text nothing matches gets group null and is reported as unknown.
 */

import {FULLWIDTH_SLASH_CODES, REASON_KEYWORD_RULES, REASON_RULES} from "./reasonTable.js";

export type ReasonGroup = "七天无理由" | "质量问题" | "错发漏发" | "尺码" | "描述不符" | "物流" | "协商其他";

export const REASON_GROUPS: readonly ReasonGroup[] = Object.freeze([
  "七天无理由",
  "质量问题",
  "错发漏发",
  "尺码",
  "描述不符",
  "物流",
  "协商其他",
]);

export type QualityFlag = "商品品质" | "物流品质" | null;

export interface NormalizedReason {
  /** Input as given (trimmed). */
  raw: string;
  /** Normalised text: category suffix removed, slashes unified. */
  text: string;
  /** From a suffix like （商品品质原因） / (物流品质原因). */
  qualityFlag: QualityFlag;
  /** The removed suffix text, e.g. "商品品质原因", or any other trailing bracketed text. */
  suffix: string | null;
  /** Official reason code 1–34 when the text matches the table. */
  code: number | null;
  /** null = unknown text (reported by the caller as unknown). */
  group: ReasonGroup | null;
}

export interface ReasonRule {
  text: string;
  code?: number;
  group: ReasonGroup;
}

// One trailing bracketed group; full-width brackets are already folded to ASCII when it runs.
const TRAILING_SUFFIX = /^([^]*?)\s*[([【]([^()[\]【】]*)[)\]】]$/;
const SLASH = /\s*\/\s*/g;
// Values the export uses for "no value" (domain.md §1.5).
const EMPTY_VALUES: ReadonlySet<string> = new Set(["", "-", "--", "—", "null"]);

export function normalizeReasonText(raw: string): {
  text: string;
  qualityFlag: QualityFlag;
  suffix: string | null;
} {
  let text = (typeof raw === "string" ? raw : "")
    .replace(/（/g, "(")
    .replace(/）/g, ")")
    .replace(/／/g, "/")
    .replace(/\s+/g, " ")
    .trim();
  const suffixes: string[] = [];
  let qualityFlag: QualityFlag = null;
  // Repeated so that "…（商品品质原因）（补充）" loses both; a text that is only a bracket is kept.
  for (let m = suffixMatch(text); m && m[1]; m = suffixMatch(text)) {
    const suffix = (m[2] ?? "").replace(/\s+/g, "");
    qualityFlag ??= flagOf(suffix);
    suffixes.unshift(suffix);
    text = m[1];
  }
  text = text.replace(SLASH, "/").trim();
  return {text, qualityFlag, suffix: suffixes.length > 0 ? suffixes.join(" ") : null};
}

export function classifyReason(
  raw: string | null | undefined,
  extraRules?: readonly ReasonRule[],
): NormalizedReason | null {
  if (typeof raw !== "string") return null;
  const trimmed = raw.trim();
  if (EMPTY_VALUES.has(trimmed)) return null;
  const normalized = normalizeReasonText(trimmed);
  const key = lookupKey(normalized.text);

  const rule = findExtraRule(key, extraRules) ?? findBuiltInRule(key, trimmed);
  if (rule) {
    const code = typeof rule.code === "number" ? rule.code : null;
    return {raw: trimmed, ...normalized, code, group: rule.group};
  }
  return {raw: trimmed, ...normalized, code: null, group: keywordGroup(normalized.text)};
}

// The cheap end check spares the regex (quadratic on a miss) for the usual bracket-free text.
function suffixMatch(text: string): RegExpExecArray | null {
  return /[)\]】]$/.test(text) ? TRAILING_SUFFIX.exec(text) : null;
}

function flagOf(suffix: string): QualityFlag {
  if (suffix.startsWith("商品品质")) return "商品品质";
  if (suffix.startsWith("物流品质")) return "物流品质";
  return null;
}

function lookupKey(text: string): string {
  return text.replace(/\s+/g, "");
}

const BUILT_IN: ReadonlyMap<string, readonly ReasonRule[]> = (() => {
  const map = new Map<string, ReasonRule[]>();
  for (const rule of REASON_RULES) {
    const key = lookupKey(normalizeReasonText(rule.text).text);
    map.set(key, [...(map.get(key) ?? []), rule]);
  }
  return map;
})();

function findBuiltInRule(key: string, raw: string): ReasonRule | undefined {
  const candidates = BUILT_IN.get(key);
  if (!candidates || candidates.length < 2) return candidates?.[0];
  // Codes 5 and 29 share a text; the slash style of the official wording tells them apart.
  const fullwidth = raw.includes("／");
  return (
    candidates.find((r) => r.code !== undefined && FULLWIDTH_SLASH_CODES.has(r.code) === fullwidth) ??
    candidates[0]
  );
}

// extraRules come from merchant config: skip malformed entries rather than throw.
function findExtraRule(key: string, extraRules: readonly ReasonRule[] | undefined): ReasonRule | undefined {
  if (!Array.isArray(extraRules)) return undefined;
  return extraRules.find(
    (r: ReasonRule | null | undefined) =>
      typeof r?.text === "string" &&
      r.text.trim() !== "" &&
      REASON_GROUPS.includes(r.group) &&
      lookupKey(normalizeReasonText(r.text).text) === key,
  );
}

function keywordGroup(text: string): ReasonGroup | null {
  const rule = REASON_KEYWORD_RULES.find((r) => r.keywords.some((k) => text.includes(k)));
  return rule?.group ?? null;
}
