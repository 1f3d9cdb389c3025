/**
 * What the API pull runs with. Two parts, kept apart on purpose:
 * - the non-secret `api` section of the config file (rates, windows, paths): normalizeApiConfig;
 * - the secrets (app key and secret, shop ID, a 工具型 app's authorisation code), read from the
 *   environment or from a JSON file outside the repository named by DOUDIAN_SECRETS_FILE, never
 *   from the config file (which is committed alongside the project), never printed.
 */
import {stat, readFile} from "node:fs/promises";
import {homedir} from "node:os";
import {join} from "node:path";
import {PipelineError} from "../errors.js";
import type {Logger} from "../logger.js";
import {SIGN_METHODS, type SignMethod} from "./sign.js";

export type ApiEndpoint = "after_sales" | "orders";
export const API_ENDPOINTS: readonly ApiEndpoint[] = ["after_sales", "orders"];

/** 自用型 (self-use: the token is created from the shop ID) or 工具型 (tool: needs an authorisation code). */
export type AppType = "self" | "tool";

export interface ApiConfig {
  /** The Returnscope shop (inbox folder name) the pulled rows belong to; null = the config's defaultShop. */
  shop: string | null;
  appType: AppType;
  endpoints: readonly ApiEndpoint[];
  /** Also call afterSale/Detail per after-sale (refund, return-shipping and final times; buyer's note). */
  details: boolean;
  /** Client-side limit, calls per second, and how many may go at once after a pause. */
  qps: number;
  burst: number;
  /** Items per page (the platform allows at most 100). */
  pageSize: number;
  /** Length of one update-time window, and how far each window reaches back into the previous one. */
  windowMinutes: number;
  overlapMinutes: number;
  /** Where the first incremental run starts, counted back from now. */
  initialLookbackDays: number;
  /** A window that matches more items is halved (paging deep into a result set is unreliable). */
  maxRowsPerWindow: number;
  /** Attempts per call (1 = no retry) on throttling and transient errors, and the backoff. */
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  /** Token store (JSON, mode 0600); null = ~/.config/returnscope/doudian-tokens.json. */
  tokenFile: string | null;
  /** Refresh the access token when it has less than this left. */
  tokenRefreshMarginMinutes: number;
  /** Where fetched windows are written as export-format CSV; null = <inbox>/../pulled. */
  pulledDir: string | null;
  signMethod: SignMethod;
}

/**
 * Defaults. The platform's rate limits and maximum query window are unpublished (domain.md §8.5),
 * so the rate is modest, windows are a day and shrink by themselves when a day holds too much.
 */
export const DEFAULT_API_CONFIG: ApiConfig = Object.freeze({
  shop: null,
  appType: "self",
  endpoints: API_ENDPOINTS,
  details: true,
  qps: 5,
  burst: 5,
  pageSize: 100,
  windowMinutes: 24 * 60,
  overlapMinutes: 10,
  initialLookbackDays: 30,
  maxRowsPerWindow: 5000,
  maxAttempts: 6,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
  timeoutMs: 20_000,
  tokenFile: null,
  tokenRefreshMarginMinutes: 60,
  pulledDir: null,
  signMethod: "hmac-sha256",
}) as ApiConfig;

function fail(source: string, message: string): never {
  throw new PipelineError(`${source}: ${message}`, {step: "config"});
}

const SHOP = /^[\p{L}\p{N}_.-]+$/u;

/** The `api` section of the config file (typed unknown) → ApiConfig; errors name the file and key. */
export function normalizeApiConfig(value: unknown, source: string): ApiConfig {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    fail(source, "api must be an object");
  const input = value as Record<string, unknown>;
  const known = Object.keys(DEFAULT_API_CONFIG);
  for (const key of Object.keys(input))
    if (!known.includes(key)) fail(source, `unknown setting api.${key} (known: ${known.join(", ")})`);
  const config: ApiConfig = {...DEFAULT_API_CONFIG};
  const number = (key: keyof ApiConfig, min: number, max: number, integer: boolean): number => {
    const v = input[key];
    if (
      typeof v !== "number" ||
      !Number.isFinite(v) ||
      v < min ||
      v > max ||
      (integer && !Number.isInteger(v))
    )
      fail(
        source,
        `api.${key} must be ${integer ? "a whole number" : "a number"} from ${min} to ${max}: ${JSON.stringify(v)}`,
      );
    return v;
  };
  const path = (key: "tokenFile" | "pulledDir"): string | null => {
    const v = input[key];
    if (v === null) return null;
    if (typeof v !== "string" || v.trim() === "")
      fail(source, `api.${key} must be a path or null: ${JSON.stringify(v)}`);
    return v;
  };
  if (input.shop !== undefined) {
    const v = input.shop;
    if (v !== null && (typeof v !== "string" || !SHOP.test(v)))
      fail(source, `api.shop must be a shop ID (letters, digits, _ . or -) or null: ${JSON.stringify(v)}`);
    config.shop = v as string | null;
  }
  if (input.appType !== undefined) {
    if (input.appType !== "self" && input.appType !== "tool")
      fail(
        source,
        `api.appType must be "self" (自用型) or "tool" (工具型): ${JSON.stringify(input.appType)}`,
      );
    config.appType = input.appType;
  }
  if (input.endpoints !== undefined) {
    const v = input.endpoints;
    if (!Array.isArray(v) || v.length === 0 || v.some((e) => !API_ENDPOINTS.includes(e as ApiEndpoint)))
      fail(
        source,
        `api.endpoints must be a non-empty list of ${API_ENDPOINTS.join(", ")}: ${JSON.stringify(v)}`,
      );
    config.endpoints = [...new Set(v as ApiEndpoint[])];
  }
  if (input.details !== undefined) {
    if (typeof input.details !== "boolean")
      fail(source, `api.details must be true or false: ${JSON.stringify(input.details)}`);
    config.details = input.details;
  }
  if (input.signMethod !== undefined) {
    if (!SIGN_METHODS.includes(input.signMethod as SignMethod))
      fail(
        source,
        `api.signMethod must be one of ${SIGN_METHODS.join(", ")}: ${JSON.stringify(input.signMethod)}`,
      );
    config.signMethod = input.signMethod as SignMethod;
  }
  if (input.qps !== undefined) config.qps = number("qps", 0.01, 1000, false);
  if (input.burst !== undefined) config.burst = number("burst", 1, 1000, true);
  else if (input.qps !== undefined) config.burst = Math.max(1, Math.floor(config.qps));
  if (input.pageSize !== undefined) config.pageSize = number("pageSize", 1, 100, true);
  if (input.windowMinutes !== undefined)
    config.windowMinutes = number("windowMinutes", 1, 31 * 24 * 60, true);
  if (input.overlapMinutes !== undefined) config.overlapMinutes = number("overlapMinutes", 0, 24 * 60, true);
  if (config.overlapMinutes >= config.windowMinutes)
    fail(
      source,
      `api.overlapMinutes (${config.overlapMinutes}) must be less than api.windowMinutes (${config.windowMinutes})`,
    );
  if (input.initialLookbackDays !== undefined)
    config.initialLookbackDays = number("initialLookbackDays", 0, 3650, false);
  if (input.maxRowsPerWindow !== undefined)
    config.maxRowsPerWindow = number("maxRowsPerWindow", 1, 1_000_000, true);
  if (input.maxAttempts !== undefined) config.maxAttempts = number("maxAttempts", 1, 20, true);
  if (input.backoffMs !== undefined) config.backoffMs = number("backoffMs", 0, 600_000, true);
  if (input.maxBackoffMs !== undefined) config.maxBackoffMs = number("maxBackoffMs", 0, 3_600_000, true);
  if (input.timeoutMs !== undefined) config.timeoutMs = number("timeoutMs", 100, 600_000, true);
  if (input.tokenRefreshMarginMinutes !== undefined)
    config.tokenRefreshMarginMinutes = number("tokenRefreshMarginMinutes", 0, 7 * 24 * 60, true);
  if (input.tokenFile !== undefined) config.tokenFile = path("tokenFile");
  if (input.pulledDir !== undefined) config.pulledDir = path("pulledDir");
  return config;
}

export const PRODUCTION_GATEWAY = "https://openapi-fxg.jinritemai.com";
export const SANDBOX_GATEWAY = "https://openapi-sandbox.jinritemai.com";

export interface ApiSecrets {
  appKey: string;
  appSecret: string;
  /** The platform's shop ID (required for 自用型 apps). */
  shopId: string | null;
  /** A 工具型 app's authorisation code, needed only when no valid token is stored. */
  authCode: string | null;
  gateway: string;
}

const SECRET_KEYS: Record<string, keyof Omit<ApiSecrets, "gateway">> = {
  DOUDIAN_APP_KEY: "appKey",
  DOUDIAN_APP_SECRET: "appSecret",
  DOUDIAN_SHOP_ID: "shopId",
  DOUDIAN_AUTH_CODE: "authCode",
};

/** The default token store: in the user's config folder, outside any repository. */
export function defaultTokenFile(env: Record<string, string | undefined>): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "returnscope", "doudian-tokens.json");
}

/**
 * Secrets from the environment (DOUDIAN_APP_KEY, DOUDIAN_APP_SECRET, DOUDIAN_SHOP_ID,
 * DOUDIAN_AUTH_CODE, DOUDIAN_GATEWAY), each falling back to the JSON file named by
 * DOUDIAN_SECRETS_FILE (`{"appKey": …, "appSecret": …, "shopId": …, "authCode": …, "gateway": …}`).
 * Errors name what is missing, never a value.
 */
export async function loadApiSecrets(
  env: Record<string, string | undefined>,
  logger?: Logger,
): Promise<ApiSecrets> {
  let file: Record<string, unknown> = {};
  const secretsFile = env.DOUDIAN_SECRETS_FILE;
  if (secretsFile) {
    let text: string;
    try {
      text = await readFile(secretsFile, "utf8");
    } catch (error) {
      throw new PipelineError(
        `cannot read DOUDIAN_SECRETS_FILE: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
        {
          file: secretsFile,
          step: "config",
        },
      );
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw new Error("not an object");
      file = parsed as Record<string, unknown>;
    } catch {
      // The parser's message would quote the file's text: say only what is wrong.
      throw new PipelineError("DOUDIAN_SECRETS_FILE must be a JSON object", {
        file: secretsFile,
        step: "config",
      });
    }
    const {mode} = await stat(secretsFile);
    if (process.platform !== "win32" && (mode & 0o077) !== 0)
      logger?.warn(`${secretsFile} can be read by other users: run chmod 600 on it`);
  }
  const value = (envName: string, key: string): string | null => {
    const fromEnv = env[envName]?.trim();
    if (fromEnv) return fromEnv;
    const fromFile = file[key];
    if (typeof fromFile === "string" && fromFile.trim()) return fromFile.trim();
    if (typeof fromFile === "number")
      throw new PipelineError(`${key} in DOUDIAN_SECRETS_FILE must be a string (a number loses digits)`, {
        step: "config",
      });
    return null;
  };
  const secrets: Partial<ApiSecrets> = {};
  for (const [envName, key] of Object.entries(SECRET_KEYS)) secrets[key] = value(envName, key) as never;
  const missing = ["DOUDIAN_APP_KEY", "DOUDIAN_APP_SECRET"].filter((name) => !secrets[SECRET_KEYS[name]!]);
  if (missing.length)
    throw new PipelineError(
      `${missing.join(" and ")} not set (in the environment or in the JSON file named by DOUDIAN_SECRETS_FILE)`,
      {step: "config"},
    );
  if (secrets.shopId && !/^\d+$/.test(secrets.shopId))
    throw new PipelineError("DOUDIAN_SHOP_ID must be the shop's numeric ID", {step: "config"});
  const gateway = value("DOUDIAN_GATEWAY", "gateway") ?? PRODUCTION_GATEWAY;
  return {...(secrets as ApiSecrets), gateway: checkGateway(gateway)};
}

/** https, except on the loopback interface (a local test server): tokens travel in the query string. */
export function checkGateway(gateway: string): string {
  let url: URL;
  try {
    url = new URL(gateway);
  } catch {
    throw new PipelineError(`DOUDIAN_GATEWAY is not a URL: ${gateway}`, {step: "config"});
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback))
    throw new PipelineError(`DOUDIAN_GATEWAY must use https (http only on 127.0.0.1/localhost): ${gateway}`, {
      step: "config",
    });
  return gateway.replace(/\/+$/, "");
}

/** A secret as it may appear in logs: its first and last two characters at most. */
export function redact(value: string | null | undefined): string {
  if (!value) return "(not set)";
  if (value.length < 8) return "***";
  return `${value.slice(0, 2)}***${value.slice(-2)}`;
}

/**
 * Replaces every known secret in a text by its redacted form: applied to every message that
 * leaves the API client (platform messages can echo parameters back).
 */
export class Redactor {
  private readonly secrets = new Set<string>();
  add(...values: (string | null | undefined)[]): void {
    for (const value of values) if (value && value.length >= 4) this.secrets.add(value);
  }
  apply(text: string): string {
    let result = text;
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length))
      result = result.split(secret).join("[redacted]");
    return result;
  }
}
