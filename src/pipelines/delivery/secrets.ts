/**
 * Secrets come from the environment only, and leave this module only towards the platform they
 * belong to. Everything we say (log lines, results, meta.delivery_log, errors) goes through a
 * Redactor that knows every secret of the channel, and URLs are shown in a redacted form.
 */
import {PipelineError} from "../errors.js";

export type Env = Record<string, string | undefined>;

/** The value of a required environment variable; the error names the channel and the variable. */
export function readSecret(env: Env, variable: string, channel: string, what: string): string {
  const value = env[variable];
  if (value === undefined || value.trim() === "")
    throw new PipelineError(`channel ${channel}: environment variable ${variable} (${what}) is not set`, {
      step: "delivery",
    });
  return value.trim();
}

/** A webhook URL from the environment; a bad value is reported without being echoed. */
export function readWebhookUrl(env: Env, variable: string, channel: string): URL {
  const text = readSecret(env, variable, channel, "the webhook URL");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PipelineError(`channel ${channel}: environment variable ${variable} is not a valid URL`, {
      step: "delivery",
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new PipelineError(`channel ${channel}: environment variable ${variable} must be an http(s) URL`, {
      step: "delivery",
    });
  return url;
}

// A path segment that reads like a word (open-apis, bot, v2, hook, cgi-bin, send) is shown; anything
// else (UUIDs, hex tokens, Slack-style T0123/B0456 ids) is a token as far as we can tell.
const WORD = /^[a-z][a-z_.-]{0,15}[0-9]?$/i;

/**
 * scheme://host/path with every token-like path segment and every query value replaced by ***:
 * `https://open.feishu.cn/open-apis/bot/v2/hook/***`,
 * `https://oapi.dingtalk.com/robot/send?access_token=***`. User info and fragment are dropped.
 */
export function redactUrl(url: URL): string {
  const path = url.pathname
    .split("/")
    .map((segment) => (segment === "" || WORD.test(segment) ? segment : "***"))
    .join("/");
  const query = [...url.searchParams.keys()].map((key) => `${WORD.test(key) ? key : "***"}=***`).join("&");
  return `${url.protocol}//${url.host}${path}${query ? `?${query}` : ""}`;
}

/** The parts of a URL that redactUrl hides: what a Redactor must scrub wherever it shows up. */
export function urlSecrets(url: URL): string[] {
  const parts = [url.href, url.username, url.password, url.hash.slice(1)];
  for (const segment of url.pathname.split("/")) if (segment && !WORD.test(segment)) parts.push(segment);
  for (const [key, value] of url.searchParams) parts.push(WORD.test(key) ? "" : key, value);
  return parts;
}

/** Replaces every known secret (and its percent- and JSON-encoded forms) by ***, longest first. */
export class Redactor {
  private readonly replacements = new Map<string, string>();
  private order: string[] = [];

  add(...values: (string | null | undefined)[]): this {
    for (const value of values) this.alias(value, "***");
    return this;
  }

  /** Shows `value` as `replacement` (a whole webhook URL as its redacted form). */
  alias(value: string | null | undefined, replacement: string): this {
    // Shorter strings are no secret worth the name, and would garble every message.
    if (!value || value.length < 4) return this;
    for (const form of [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])
      if (!this.replacements.has(form)) this.replacements.set(form, replacement);
    this.order = [...this.replacements.keys()].sort((a, b) => b.length - a.length);
    return this;
  }

  scrub(text: string): string {
    let result = text;
    for (const secret of this.order) result = result.split(secret).join(this.replacements.get(secret));
    return result;
  }
}
