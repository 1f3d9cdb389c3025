/**
 * The HTTP channels: 飞书, 钉钉 and 企业微信 group robots and the generic webhook. One try = one
 * signed POST (signed afresh each try, since 飞书 and 钉钉 reject timestamps older than an hour)
 * and a reading of the answer: the robots answer HTTP 200 with a non-zero code when they refuse,
 * so the code decides, not the status.
 */
import type {DingtalkChannel, FeishuChannel, WebhookChannel, WecomChannel} from "./config.js";
import {dingtalkBody, feishuBody, webhookBody, wecomBody, type ReportMessage} from "./message.js";
import {AttemptError} from "./retry.js";
import {readSecret, readWebhookUrl, redactUrl, urlSecrets, type Env, type Redactor} from "./secrets.js";
import {dingtalkSign, feishuSign, webhookSignature} from "./sign.js";

export type HttpChannel = FeishuChannel | DingtalkChannel | WecomChannel | WebhookChannel;

export interface HttpTarget {
  channel: HttpChannel;
  url: URL;
  secret: string | null;
  /** scheme://host/path with the token replaced by ***. */
  redacted: string;
}

/** Reads the channel's URL and secret from the environment and teaches them to the redactor. */
export function resolveHttpTarget(channel: HttpChannel, env: Env, redactor: Redactor): HttpTarget {
  const url = readWebhookUrl(env, channel.webhookEnv, channel.name);
  redactor.alias(url.href, redactUrl(url)).add(...urlSecrets(url));
  const secretEnv = channel.type === "wecom" ? null : channel.secretEnv;
  const secret = secretEnv ? readSecret(env, secretEnv, channel.name, "the signing secret") : null;
  redactor.add(secret);
  return {channel, url, secret, redacted: redactUrl(url)};
}

interface HttpRequest {
  url: URL;
  body: string;
  headers: Record<string, string>;
}

export function buildRequest(target: HttpTarget, report: ReportMessage, now: Date): HttpRequest {
  const {channel, secret} = target;
  const url = new URL(target.url);
  const headers: Record<string, string> = {"content-type": "application/json; charset=utf-8"};
  let payload: Record<string, unknown>;
  switch (channel.type) {
    case "feishu": {
      payload = feishuBody(report);
      if (secret) {
        const timestamp = Math.floor(now.getTime() / 1000);
        payload = {timestamp: String(timestamp), sign: feishuSign(timestamp, secret), ...payload};
      }
      break;
    }
    case "dingtalk": {
      payload = dingtalkBody(report);
      if (secret) {
        const timestamp = now.getTime();
        url.searchParams.set("timestamp", String(timestamp));
        url.searchParams.set("sign", dingtalkSign(timestamp, secret));
      }
      break;
    }
    case "wecom":
      payload = wecomBody(report);
      break;
    case "webhook":
      payload = webhookBody(report);
      break;
  }
  const body = JSON.stringify(payload);
  if (channel.type === "webhook" && secret) headers[channel.signatureHeader] = webhookSignature(body, secret);
  return {url, body, headers};
}

// Codes that mean "too fast" or "busy, try later": retried like HTTP 429.
const FEISHU_RATE_LIMITED = new Set([11232]); // frequency limited (100/min, 5/s per robot)
const DINGTALK_RETRYABLE = new Set([-1, 130101]); // 系统繁忙; send too fast, exceed 20 times per minute
const WECOM_RETRYABLE = new Set([-1, 45009]); // 系统繁忙; api freq out of limit (20/min per robot)

interface PlatformAnswer {
  code: number | undefined;
  msg: string;
}

function platformAnswer(type: HttpChannel["type"], json: unknown): PlatformAnswer {
  if (type === "webhook" || json === null || typeof json !== "object") return {code: undefined, msg: ""};
  const body = json as Record<string, unknown>;
  // 飞书 answers {code, msg}; robots created before 2020 answer {StatusCode, StatusMessage}.
  const code = type === "feishu" ? (body.code ?? body.StatusCode) : body.errcode;
  const msg = type === "feishu" ? (body.msg ?? body.StatusMessage) : body.errmsg;
  return {
    code:
      typeof code === "number"
        ? code
        : typeof code === "string" && /^-?\d+$/.test(code)
          ? Number(code)
          : undefined,
    msg: typeof msg === "string" ? msg : "",
  };
}

function isRateLimited(type: HttpChannel["type"], {code, msg}: PlatformAnswer): boolean {
  if (code === undefined || code === 0) return false;
  if (type === "feishu") return FEISHU_RATE_LIMITED.has(code) || /frequency limit/i.test(msg);
  if (type === "dingtalk") return DINGTALK_RETRYABLE.has(code);
  if (type === "wecom") return WECOM_RETRYABLE.has(code);
  return false;
}

/** What to check when a platform refuses for good. */
function hint(channel: HttpChannel, code: number): string {
  const secretEnv = channel.type === "feishu" || channel.type === "dingtalk" ? channel.secretEnv : null;
  if (channel.type === "feishu" && code === 19021)
    return secretEnv
      ? ` — the signature was refused: check ${secretEnv} and this machine's clock (the timestamp must be within an hour)`
      : " — the robot has 签名校验 on: set secretEnv to the variable holding its secret";
  if (channel.type === "dingtalk" && code === 310000)
    return secretEnv
      ? ` — the robot's security settings refused it: check ${secretEnv} (加签), the keywords and the IP whitelist`
      : " — the robot's security settings refused it: set secretEnv if it uses 加签, or check its keywords and IP whitelist";
  return "";
}

function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function networkError(error: unknown, timeoutMs: number): AttemptError {
  const e = error as {name?: string; message?: string; cause?: {code?: string; message?: string}};
  if (e?.name === "TimeoutError" || e?.name === "AbortError")
    return new AttemptError(`no answer within ${timeoutMs} ms`, true);
  const cause = e?.cause ? ` (${[e.cause.code, e.cause.message].filter(Boolean).join(": ")})` : "";
  return new AttemptError(`network error: ${e?.message ?? String(error)}${cause}`, true);
}

export interface HttpContext {
  fetch: typeof fetch;
  now: () => Date;
  timeoutMs: number;
}

/** One try. Resolves when the platform accepted the message; throws AttemptError otherwise. */
export async function sendHttp(
  target: HttpTarget,
  report: ReportMessage,
  context: HttpContext,
): Promise<string> {
  const {channel} = target;
  const request = buildRequest(target, report, context.now());
  let status: number;
  let text: string;
  let headers: Headers;
  try {
    const response = await context.fetch(request.url, {
      method: "POST",
      headers: request.headers,
      body: request.body,
      // A webhook never redirects; following one would hand the report to another host.
      redirect: "manual",
      signal: AbortSignal.timeout(context.timeoutMs),
    });
    status = response.status;
    headers = response.headers;
    text = await response.text();
  } catch (error) {
    throw networkError(error, context.timeoutMs);
  }
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: only the status can tell.
  }
  const answer = platformAnswer(channel.type, json);
  const said = answer.code === undefined ? excerpt(text) : `code ${answer.code}: ${excerpt(answer.msg)}`;
  if (status === 429 || status >= 500)
    throw new AttemptError(
      `HTTP ${status}${said ? ` (${said})` : ""}`,
      true,
      retryAfter(headers.get("retry-after")),
    );
  if (isRateLimited(channel.type, answer))
    throw new AttemptError(`rate limited (${said})`, true, retryAfter(headers.get("retry-after")));
  if (channel.type !== "webhook" && answer.code !== undefined && answer.code !== 0)
    throw new AttemptError(
      `refused with ${said}${status >= 300 ? ` (HTTP ${status})` : ""}${hint(channel, answer.code)}`,
      false,
    );
  if (status < 200 || status >= 300)
    throw new AttemptError(`HTTP ${status}${said ? ` (${said})` : ""}`, false);
  if (channel.type !== "webhook" && answer.code === undefined)
    throw new AttemptError(`unexpected answer without a result code: ${excerpt(text) || "(empty)"}`, false);
  return `HTTP ${status}`;
}
