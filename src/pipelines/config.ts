import {readFile} from "node:fs/promises";
import {resolve} from "node:path";
import {PipelineError} from "./errors.js";
import {
  DEFAULT_PLATFORM_CONFIG,
  DEFAULT_RISK_CONFIG,
  normalizePlatformConfig,
  normalizeRiskConfig,
  type PlatformConfig,
  type RiskConfig,
} from "./metrics/assumptions.js";
import {DEFAULT_COST_CONFIG, normalizeCostConfig, type CostConfig} from "./metrics/costConfig.js";
import {
  DEFAULT_COMMENT_THEMES_CONFIG,
  normalizeCommentThemesConfig,
  type CommentThemesConfig,
} from "./metrics/commentThemeConfig.js";
import {REASON_GROUPS, type ReasonGroup, type ReasonRule} from "./normalize/index.js";
import {DEFAULT_API_CONFIG, normalizeApiConfig, type ApiConfig} from "./api/settings.js";
import {DEFAULT_DELIVERY_CONFIG, normalizeDeliveryConfig, type DeliveryConfig} from "./delivery/index.js";
import {DEFAULT_SCHEDULE_CONFIG, normalizeScheduleConfig, type ScheduleConfig} from "./schedule/config.js";

/** What Returnscope runs with, after defaults, the config file, environment and flags. */
export interface Config {
  warehouse: string;
  inbox: string;
  /** Shop of files placed directly in the inbox or given on the command line. */
  defaultShop: string;
  /** Failed files are copied here (never moved: sources are not modified); null = leave in place. */
  quarantine: string | null;
  shops: Record<string, {name: string}>;
  /** Where a size hides in 商家编码 when 商品规格 is missing: a regex with a named group `size`. */
  skuSizePattern: RegExp;
  /** Merchant additions to the reason table, checked before the built-in rules. */
  reasonRules: ReasonRule[];
  /** Cost and loss assumptions (per-parcel freight, unsellable rates, handling): docs/metrics.md. */
  costs: CostConfig;
  /** Platform score bands and stand-ins (签收 estimate, quality reason groups). */
  platform: PlatformConfig;
  /** Thresholds of the risk signals. */
  risk: RiskConfig;
  /** Themes of buyer comments (added to the built-in lexicon) and when a theme counts as growing. */
  commentThemes: CommentThemesConfig;
  /** What `returnscope schedule` runs and when (Asia/Shanghai by default). */
  schedule: ScheduleConfig;
  /** Where the weekly report goes (group robots, e-mail); secrets only from the environment. */
  delivery: DeliveryConfig;
  /** The 抖店 open-platform pull (non-secret settings; secrets come from the environment). */
  api: ApiConfig;
}

export const DEFAULT_CONFIG_FILE = "returnscope.config.json";

export function defaultConfig(): Config {
  return {
    warehouse: "./data/warehouse.duckdb",
    inbox: "./data/inbox",
    defaultShop: "default",
    quarantine: null,
    shops: {},
    skuSizePattern: /[-_ ](?<size>[^-_ ]+)$/,
    reasonRules: [],
    costs: DEFAULT_COST_CONFIG,
    platform: DEFAULT_PLATFORM_CONFIG,
    risk: DEFAULT_RISK_CONFIG,
    commentThemes: DEFAULT_COMMENT_THEMES_CONFIG,
    schedule: DEFAULT_SCHEDULE_CONFIG,
    delivery: DEFAULT_DELIVERY_CONFIG,
    api: DEFAULT_API_CONFIG,
  };
}

function fail(source: string, message: string): never {
  throw new PipelineError(`${source}: ${message}`, {step: "config"});
}

function string(source: string, key: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "")
    fail(source, `${key} must be a non-empty string: ${JSON.stringify(value)}`);
  return value;
}

const SHOP_ID = /^[\p{L}\p{N}_.-]+$/u;

export function shopId(source: string, value: unknown): string {
  const id = string(source, "shop", value);
  if (!SHOP_ID.test(id)) fail(source, `shop must be letters, digits, _ . or -: ${JSON.stringify(value)}`);
  return id;
}

/** Normalizes what a user wrote (typed unknown) into a Config; errors name the file and the key. */
export function normalizeConfig(spec: unknown, source: string, base: Config = defaultConfig()): Config {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) fail(source, "must be a JSON object");
  const input = spec as Record<string, unknown>;
  const known = new Set([
    "warehouse",
    "inbox",
    "defaultShop",
    "quarantine",
    "shops",
    "skuSizePattern",
    "reasonRules",
    "costs",
    "platform",
    "risk",
    "commentThemes",
    "schedule",
    "delivery",
    "api",
  ]);
  for (const key of Object.keys(input))
    if (!known.has(key)) fail(source, `unknown setting ${key} (known: ${[...known].join(", ")})`);
  const config: Config = {...base};
  if (input.warehouse !== undefined) config.warehouse = string(source, "warehouse", input.warehouse);
  if (input.inbox !== undefined) config.inbox = string(source, "inbox", input.inbox);
  if (input.defaultShop !== undefined) config.defaultShop = shopId(source, input.defaultShop);
  if (input.quarantine !== undefined)
    config.quarantine = input.quarantine === null ? null : string(source, "quarantine", input.quarantine);
  if (input.shops !== undefined) {
    if (typeof input.shops !== "object" || input.shops === null || Array.isArray(input.shops))
      fail(source, "shops must be an object");
    config.shops = {};
    for (const [id, value] of Object.entries(input.shops)) {
      const name = (value as {name?: unknown} | null)?.name;
      config.shops[shopId(source, id)] = {name: string(source, `shops.${id}.name`, name)};
    }
  }
  if (input.skuSizePattern !== undefined) {
    const text = string(source, "skuSizePattern", input.skuSizePattern);
    let pattern: RegExp;
    try {
      pattern = new RegExp(text);
    } catch (error) {
      fail(source, `skuSizePattern is not a valid regular expression: ${(error as Error).message}`);
    }
    if (!text.includes("(?<size>")) fail(source, `skuSizePattern needs a named group (?<size>…): ${text}`);
    config.skuSizePattern = pattern;
  }
  if (input.reasonRules !== undefined) {
    if (!Array.isArray(input.reasonRules)) fail(source, "reasonRules must be an array of {text, group}");
    config.reasonRules = input.reasonRules.map((rule: unknown, i: number) => {
      const {text, group} = (rule ?? {}) as {text?: unknown; group?: unknown};
      const t = string(source, `reasonRules[${i}].text`, text);
      if (!REASON_GROUPS.includes(group as ReasonGroup))
        fail(
          source,
          `reasonRules[${i}].group must be one of ${REASON_GROUPS.join(", ")}: ${JSON.stringify(group)}`,
        );
      return {text: t, group: group as ReasonGroup};
    });
  }
  if (input.costs !== undefined) config.costs = normalizeCostConfig(input.costs, source);
  if (input.platform !== undefined) config.platform = normalizePlatformConfig(input.platform, source);
  if (input.risk !== undefined) config.risk = normalizeRiskConfig(input.risk, source);
  if (input.commentThemes !== undefined)
    config.commentThemes = normalizeCommentThemesConfig(input.commentThemes, source);
  if (input.schedule !== undefined) config.schedule = normalizeScheduleConfig(input.schedule, source);
  if (input.delivery !== undefined) config.delivery = normalizeDeliveryConfig(input.delivery, source);
  if (input.api !== undefined) config.api = normalizeApiConfig(input.api, source);
  return config;
}

export interface ConfigOverrides {
  config?: string;
  warehouse?: string;
  inbox?: string;
}

/** Defaults < config file < environment < command-line flags. */
export async function loadConfig(
  overrides: ConfigOverrides = {},
  env: Record<string, string | undefined> = process.env,
): Promise<Config> {
  let config = defaultConfig();
  const file = overrides.config ?? env.RETURNSCOPE_CONFIG ?? DEFAULT_CONFIG_FILE;
  let text: string | undefined;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT" || overrides.config) {
      throw new PipelineError(`${file}: cannot read config: ${(error as Error).message}`, {step: "config"});
    }
  }
  if (text !== undefined) {
    let spec: unknown;
    try {
      spec = JSON.parse(text);
    } catch (error) {
      fail(file, `not valid JSON: ${(error as Error).message}`);
    }
    config = normalizeConfig(spec, file, config);
  }
  if (env.RETURNSCOPE_WAREHOUSE) config.warehouse = env.RETURNSCOPE_WAREHOUSE;
  if (env.RETURNSCOPE_INBOX) config.inbox = env.RETURNSCOPE_INBOX;
  if (overrides.warehouse) config.warehouse = overrides.warehouse;
  if (overrides.inbox) config.inbox = overrides.inbox;
  config.warehouse = config.warehouse === ":memory:" ? config.warehouse : resolve(config.warehouse);
  config.inbox = resolve(config.inbox);
  return config;
}
