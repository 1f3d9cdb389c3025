/**
 * The `commentThemes` config section: themes added to or extended in the lexicon
 * (src/pipelines/normalize/commentThemes.ts), and the rule that flags a theme as growing. The result
 * goes into marts.cost_assumptions (area `comments`, assumptions.ts), which the theme models read, so a
 * change here rebuilds the marts (the assumptions fingerprint). Definitions: docs/metrics.md §10.
 *
 *     "commentThemes": {
 *       "themes": {"起球": ["毛毛"], "静电": {"keywords": ["静电", "吸毛"], "exclude": ["防静电"]}},
 *       "growth": {"priorWeeks": 4, "minCountIncrease": 3, "minShareIncrease": 0.1}
 *     }
 */
import {COMMENT_THEMES, type CommentTheme} from "../normalize/commentThemes.js";
import {specFail, specKnownKeys, specNumber, specObject} from "./costConfig.js";

/** When a theme counts as growing in a SKU's application week, against the weeks before it. */
export interface CommentThemeGrowth {
  /** How many weeks before the week make the comparison (4). */
  priorWeeks: number;
  /** The week's count minus the prior weeks' average count per week must be at least this (3). */
  minCountIncrease: number;
  /** The week's share of commented after-sales minus the prior weeks' share: at least this (0.1 = 10 points). */
  minShareIncrease: number;
}

/** A theme in force, with what of it the config added. */
export interface ThemeInForce extends CommentTheme {
  /** The whole theme came from the config. */
  isConfigured: boolean;
  configuredKeywords: readonly string[];
  configuredExclude: readonly string[];
}

export interface CommentThemesConfig {
  themes: readonly ThemeInForce[];
  growth: CommentThemeGrowth;
  /** Keys set in the config: themes, priorWeeks, minCountIncrease, minShareIncrease. */
  configured: readonly string[];
}

export const DEFAULT_COMMENT_THEME_GROWTH: CommentThemeGrowth = Object.freeze({
  priorWeeks: 4,
  minCountIncrease: 3,
  minShareIncrease: 0.1,
});

export const DEFAULT_COMMENT_THEMES_CONFIG: CommentThemesConfig = Object.freeze({
  themes: Object.freeze(
    COMMENT_THEMES.map((t) => ({...t, isConfigured: false, configuredKeywords: [], configuredExclude: []})),
  ),
  growth: DEFAULT_COMMENT_THEME_GROWTH,
  configured: [],
});

const KEYS = ["themes", "growth"] as const;
const GROWTH_KEYS = ["priorWeeks", "minCountIncrease", "minShareIncrease"] as const;
const MAX_THEME_CHARS = 12;

/** A list of words: trimmed, non-empty, each error naming its index. */
function words(source: string, at: string, value: unknown): {word: string; at: string}[] {
  if (!Array.isArray(value)) specFail(source, `${at} must be an array of words: ${JSON.stringify(value)}`);
  return value.map((item: unknown, i: number) => {
    if (typeof item !== "string" || item.trim() === "")
      specFail(source, `${at}[${i}] must be a non-empty string: ${JSON.stringify(item)}`);
    return {word: item.trim(), at: `${at}[${i}]`};
  });
}

/** One entry of `themes`: an array of keywords, or {keywords, exclude}. */
function themeEntry(source: string, at: string, value: unknown) {
  if (Array.isArray(value)) return {keywords: words(source, at, value), exclude: []};
  if (value === null || typeof value !== "object")
    specFail(source, `${at} must be an array of keywords or {keywords, exclude}: ${JSON.stringify(value)}`);
  const entry = value as Record<string, unknown>;
  specKnownKeys(source, at, entry, ["keywords", "exclude"]);
  return {
    keywords: entry.keywords === undefined ? [] : words(source, `${at}.keywords`, entry.keywords),
    exclude: entry.exclude === undefined ? [] : words(source, `${at}.exclude`, entry.exclude),
  };
}

function themesOf(source: string, key: string, value: unknown): ThemeInForce[] {
  const input = specObject(source, key, value);
  const themes = DEFAULT_COMMENT_THEMES_CONFIG.themes.map((t) => ({
    ...t,
    keywords: [...t.keywords],
    exclude: [...t.exclude],
    configuredKeywords: [] as string[],
    configuredExclude: [] as string[],
  }));
  // Matching ignores case, so one keyword in two themes is caught whatever its case.
  const owner = new Map<string, string>();
  for (const t of themes) for (const word of t.keywords) owner.set(word.toLowerCase(), t.theme);
  for (const [label, value] of Object.entries(input)) {
    const name = label.trim();
    const at = `${key}.${label}`;
    if (name === "" || [...name].length > MAX_THEME_CHARS || [...name].some((c) => c.charCodeAt(0) < 32))
      specFail(
        source,
        `${key}: a theme name must be 1 to ${MAX_THEME_CHARS} characters: ${JSON.stringify(label)}`,
      );
    const entry = themeEntry(source, at, value);
    let target = themes.find((t) => t.theme === name);
    if (!target) {
      if (entry.keywords.length === 0)
        specFail(source, `${at} must list at least one keyword for a new theme`);
      target = {
        theme: name,
        en: null,
        keywords: [],
        exclude: [],
        isConfigured: true,
        configuredKeywords: [],
        configuredExclude: [],
      };
      themes.push(target);
    }
    for (const {word, at: wordAt} of entry.keywords) {
      const other = owner.get(word.toLowerCase());
      if (other !== undefined && other !== name)
        specFail(source, `${wordAt} ${JSON.stringify(word)} is already a keyword of theme ${other}`);
      if (other === name) continue;
      owner.set(word.toLowerCase(), name);
      target.keywords.push(word);
      target.configuredKeywords.push(word);
    }
    for (const {word} of entry.exclude)
      if (!target.exclude.some((phrase) => phrase.toLowerCase() === word.toLowerCase())) {
        target.exclude.push(word);
        target.configuredExclude.push(word);
      }
  }
  return themes;
}

/** Normalizes the `commentThemes` section; every error names the file and the dotted key. */
export function normalizeCommentThemesConfig(
  spec: unknown,
  source: string,
  key = "commentThemes",
): CommentThemesConfig {
  const input = specObject(source, key, spec);
  specKnownKeys(source, key, input, KEYS);
  const configured: string[] = [];
  let themes = DEFAULT_COMMENT_THEMES_CONFIG.themes;
  const growth: CommentThemeGrowth = {...DEFAULT_COMMENT_THEME_GROWTH};
  if (input.themes !== undefined) {
    themes = themesOf(source, `${key}.themes`, input.themes);
    configured.push("themes");
  }
  if (input.growth !== undefined) {
    const at = `${key}.growth`;
    const spec = specObject(source, at, input.growth);
    specKnownKeys(source, at, spec, GROWTH_KEYS);
    if (spec.priorWeeks !== undefined) {
      growth.priorWeeks = specNumber(source, `${at}.priorWeeks`, spec.priorWeeks, 1, 12);
      if (!Number.isInteger(growth.priorWeeks))
        specFail(source, `${at}.priorWeeks must be a whole number: ${growth.priorWeeks}`);
    }
    if (spec.minCountIncrease !== undefined)
      growth.minCountIncrease = specNumber(source, `${at}.minCountIncrease`, spec.minCountIncrease, 1, 1e6);
    if (spec.minShareIncrease !== undefined)
      growth.minShareIncrease = specNumber(source, `${at}.minShareIncrease`, spec.minShareIncrease, 0, 1);
    configured.push(...GROWTH_KEYS.filter((name) => spec[name] !== undefined));
  }
  return {themes, growth, configured};
}

type Source = "default" | "config";

/** The rows of marts.cost_assumptions, area `comments` (the Parameter shape of assumptions.ts). */
export function commentThemeParameters(config: CommentThemesConfig) {
  const source = (configured: boolean): Source => (configured ? "config" : "default");
  const growth = (configKey: keyof CommentThemeGrowth, parameter: string, unit: string, note: string) => ({
    configKey,
    parameter,
    entries: [{value: config.growth[configKey]}],
    unit,
    tag: "[U]",
    note,
  });
  return [
    {
      configKey: "themes",
      parameter: "theme",
      entries: config.themes.map((t, i) => ({
        key: t.theme,
        value: i + 1,
        ...(t.en === null ? {} : {text: t.en}),
        source: source(t.isConfigured),
      })),
      unit: "主题",
      tag: "[U]",
      note: "售后说明主题：顺序与英文名 · comment themes, in order, with their English label (normalize/commentThemes.ts)",
    },
    {
      configKey: "themes",
      parameter: "theme_keyword",
      entries: config.themes.flatMap((t) =>
        t.keywords.map((word) => ({
          key: `${t.theme}:${word}`,
          text: t.theme,
          source: source(t.isConfigured || t.configuredKeywords.includes(word)),
        })),
      ),
      unit: "词",
      tag: "[U]",
      note: "说明中含此词（子串，不分大小写）即属该主题 · a comment containing the word (substring, any case) carries the theme",
    },
    {
      configKey: "themes",
      parameter: "theme_exclude",
      entries: config.themes.flatMap((t) =>
        t.exclude.map((phrase) => ({
          key: `${t.theme}:${phrase}`,
          text: t.theme,
          source: source(t.isConfigured || t.configuredExclude.includes(phrase)),
        })),
      ),
      unit: "词组",
      tag: "[U]",
      note: "匹配该主题前先从说明中去掉的词组（否定、别的意思）· phrases cut from a comment before the theme is matched (negations, other senses)",
    },
    growth(
      "priorWeeks",
      "growth_prior_weeks",
      "周",
      "主题增长：与此前几周比较 · a growing theme is compared with this many weeks before",
    ),
    growth(
      "minCountIncrease",
      "growth_min_count_increase",
      "单",
      "本周售后数 − 此前各周平均 ≥ 此值 · the week's count minus the prior weekly average, at least",
    ),
    growth(
      "minShareIncrease",
      "growth_min_share_increase",
      "比例",
      "本周占有说明售后的比例 − 此前的比例 ≥ 此值 · the week's share of commented after-sales minus the prior share, at least",
    ),
  ];
}
