/**
 * The `delivery` section of the config file: where the weekly report goes and how hard we try.
 * What the user wrote (typed unknown) → DeliveryConfig, with one-line errors that name the file and
 * the dotted key. Secrets (webhook URLs carry their token, signing secrets, SMTP passwords) never
 * appear in the file: a channel names the environment variables that hold them.
 */
import {PipelineError} from "../errors.js";

export const CHANNEL_TYPES = ["feishu", "dingtalk", "wecom", "webhook", "email"] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** 飞书 custom robot; secretEnv when 签名校验 is on. */
export interface FeishuChannel {
  type: "feishu";
  name: string;
  webhookEnv: string;
  secretEnv: string | null;
}

/** 钉钉 custom robot; secretEnv (the SEC… string) when 加签 is on. */
export interface DingtalkChannel {
  type: "dingtalk";
  name: string;
  webhookEnv: string;
  secretEnv: string | null;
}

/** 企业微信 group robot: the key in its URL is the only credential. */
export interface WecomChannel {
  type: "wecom";
  name: string;
  webhookEnv: string;
}

/** Any HTTP endpoint taking our JSON; signed with HMAC-SHA256 of the raw body when secretEnv is set. */
export interface WebhookChannel {
  type: "webhook";
  name: string;
  webhookEnv: string;
  secretEnv: string | null;
  signatureHeader: string;
}

/** SMTP. Credentials from userEnv/passwordEnv (both or neither: no AUTH without them). */
export interface EmailChannel {
  type: "email";
  name: string;
  host: string;
  port: number;
  /** TLS from the first byte (port 465); false = plain connection upgraded by STARTTLS when offered. */
  secure: boolean;
  from: string;
  to: string[];
  userEnv: string | null;
  passwordEnv: string | null;
}

export type DeliveryChannel = FeishuChannel | DingtalkChannel | WecomChannel | WebhookChannel | EmailChannel;

export interface RetryPolicy {
  /** Tries per channel, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each further one. */
  baseDelayMs: number;
}

export interface DeliveryConfig {
  channels: DeliveryChannel[];
  retries: RetryPolicy;
}

export const DEFAULT_SIGNATURE_HEADER = "X-Returnscope-Signature";

export const DEFAULT_DELIVERY_CONFIG: DeliveryConfig = Object.freeze({
  channels: [],
  retries: Object.freeze({attempts: 3, baseDelayMs: 1000}),
}) as DeliveryConfig;

function fail(source: string, message: string): never {
  throw new PipelineError(`${source}: ${message}`, {step: "config"});
}

function object(source: string, key: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    fail(source, `${key} must be an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

// Keys people reach for when they paste a secret into the file; the message says where it goes.
const SECRET_KEYS: Record<string, string> = {
  webhook: "webhookEnv",
  url: "webhookEnv",
  webhookUrl: "webhookEnv",
  secret: "secretEnv",
  user: "userEnv",
  password: "passwordEnv",
  pass: "passwordEnv",
};

function knownKeys(
  source: string,
  key: string,
  input: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const name of Object.keys(input)) {
    if (known.includes(name)) continue;
    const instead = SECRET_KEYS[name];
    if (instead && known.includes(instead))
      fail(
        source,
        `${key}.${name} is not allowed: secrets are read from environment variables only; ` +
          `put the value in an environment variable and name it in ${key}.${instead}`,
      );
    fail(source, `unknown setting ${key}.${name} (known: ${known.join(", ")})`);
  }
}

function string(source: string, key: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "")
    fail(source, `${key} must be a non-empty string: ${JSON.stringify(value)}`);
  return value.trim();
}

function integer(source: string, key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max)
    fail(source, `${key} must be an integer between ${min} and ${max}: ${JSON.stringify(value)}`);
  return value;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The name of an environment variable. The value is never echoed: it may be the secret itself. */
function envName(source: string, key: string, value: unknown): string {
  if (typeof value !== "string" || !ENV_NAME.test(value))
    fail(
      source,
      `${key} must name an environment variable (letters, digits and _, e.g. RETURNSCOPE_FEISHU_WEBHOOK), ` +
        `not hold the secret itself`,
    );
  return value;
}

function optionalEnvName(source: string, key: string, value: unknown): string | null {
  return value === undefined || value === null ? null : envName(source, key, value);
}

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;

function address(source: string, key: string, value: unknown): string {
  const text = string(source, key, value);
  const bare = /<([^<>]*)>\s*$/.exec(text)?.[1] ?? text;
  if (!ADDRESS.test(bare.trim())) fail(source, `${key} must be an e-mail address: ${JSON.stringify(value)}`);
  return text;
}

/** A channel as parsed, before unnamed ones get their default name. */
type ChannelSpec<C = DeliveryChannel> = C extends DeliveryChannel
  ? Omit<C, "name"> & {name: string | undefined}
  : never;

function channel(source: string, key: string, value: unknown): ChannelSpec {
  const input = object(source, key, value);
  const type = input.type;
  if (!CHANNEL_TYPES.includes(type as ChannelType))
    fail(source, `${key}.type must be one of ${CHANNEL_TYPES.join(", ")}: ${JSON.stringify(type)}`);
  const name = input.name === undefined ? undefined : string(source, `${key}.name`, input.name);
  switch (type as ChannelType) {
    case "feishu":
    case "dingtalk":
      knownKeys(source, key, input, ["type", "name", "webhookEnv", "secretEnv"]);
      return {
        type: type as "feishu" | "dingtalk",
        name,
        webhookEnv: envName(source, `${key}.webhookEnv`, input.webhookEnv),
        secretEnv: optionalEnvName(source, `${key}.secretEnv`, input.secretEnv),
      };
    case "wecom":
      knownKeys(source, key, input, ["type", "name", "webhookEnv"]);
      return {type: "wecom", name, webhookEnv: envName(source, `${key}.webhookEnv`, input.webhookEnv)};
    case "webhook": {
      knownKeys(source, key, input, ["type", "name", "webhookEnv", "secretEnv", "signatureHeader"]);
      let signatureHeader = DEFAULT_SIGNATURE_HEADER;
      if (input.signatureHeader !== undefined) {
        signatureHeader = string(source, `${key}.signatureHeader`, input.signatureHeader);
        if (!HEADER_NAME.test(signatureHeader))
          fail(
            source,
            `${key}.signatureHeader must be an HTTP header name: ${JSON.stringify(signatureHeader)}`,
          );
      }
      return {
        type: "webhook",
        name,
        webhookEnv: envName(source, `${key}.webhookEnv`, input.webhookEnv),
        secretEnv: optionalEnvName(source, `${key}.secretEnv`, input.secretEnv),
        signatureHeader,
      };
    }
    case "email": {
      knownKeys(source, key, input, [
        "type",
        "name",
        "host",
        "port",
        "secure",
        "from",
        "to",
        "userEnv",
        "passwordEnv",
      ]);
      const host = string(source, `${key}.host`, input.host);
      if (input.secure !== undefined && typeof input.secure !== "boolean")
        fail(source, `${key}.secure must be true or false: ${JSON.stringify(input.secure)}`);
      const port =
        input.port === undefined
          ? input.secure === false
            ? 587
            : 465
          : integer(source, `${key}.port`, input.port, 1, 65535);
      const secure = input.secure === undefined ? port === 465 : (input.secure as boolean);
      const toList = typeof input.to === "string" ? [input.to] : input.to;
      if (!Array.isArray(toList) || toList.length === 0)
        fail(
          source,
          `${key}.to must be an e-mail address or a non-empty array of them: ${JSON.stringify(input.to)}`,
        );
      const to = toList.map((item: unknown, i: number) => address(source, `${key}.to[${i}]`, item));
      const userEnv = optionalEnvName(source, `${key}.userEnv`, input.userEnv);
      const passwordEnv = optionalEnvName(source, `${key}.passwordEnv`, input.passwordEnv);
      if ((userEnv === null) !== (passwordEnv === null))
        fail(
          source,
          `${key}.userEnv and ${key}.passwordEnv go together: give both, or neither for no SMTP AUTH`,
        );
      return {
        type: "email",
        name,
        host,
        port,
        secure,
        from: address(source, `${key}.from`, input.from),
        to,
        userEnv,
        passwordEnv,
      };
    }
  }
}

/**
 * Normalizes the `delivery` section. A channel without a name is called by its type, or
 * `<type>-<n>` when several of that type have none; names must be distinct (they key the delivery
 * log).
 */
export function normalizeDeliveryConfig(value: unknown, source: string): DeliveryConfig {
  const input = object(source, "delivery", value);
  knownKeys(source, "delivery", input, ["channels", "retries"]);
  const retries = {...DEFAULT_DELIVERY_CONFIG.retries};
  if (input.retries !== undefined) {
    const spec = object(source, "delivery.retries", input.retries);
    knownKeys(source, "delivery.retries", spec, ["attempts", "baseDelayMs"]);
    if (spec.attempts !== undefined)
      retries.attempts = integer(source, "delivery.retries.attempts", spec.attempts, 1, 10);
    if (spec.baseDelayMs !== undefined)
      retries.baseDelayMs = integer(source, "delivery.retries.baseDelayMs", spec.baseDelayMs, 0, 60_000);
  }
  const specs = input.channels === undefined ? [] : input.channels;
  if (!Array.isArray(specs)) fail(source, `delivery.channels must be an array: ${JSON.stringify(specs)}`);
  const parsed = specs.map((spec: unknown, i: number) => channel(source, `delivery.channels[${i}]`, spec));
  const unnamed = new Map<string, number>();
  for (const c of parsed) if (c.name === undefined) unnamed.set(c.type, (unnamed.get(c.type) ?? 0) + 1);
  const seen = new Map<string, number>();
  const counter = new Map<string, number>();
  const channels = parsed.map((c, i) => {
    let name = c.name;
    if (name === undefined) {
      const n = (counter.get(c.type) ?? 0) + 1;
      counter.set(c.type, n);
      name = unnamed.get(c.type) === 1 ? c.type : `${c.type}-${n}`;
    }
    const previous = seen.get(name);
    if (previous !== undefined)
      fail(
        source,
        `delivery.channels[${i}].name ${JSON.stringify(name)} is already used by delivery.channels[${previous}]: ` +
          `give each channel a distinct name`,
      );
    seen.set(name, i);
    return {...c, name} as DeliveryChannel;
  });
  return {channels, retries};
}
