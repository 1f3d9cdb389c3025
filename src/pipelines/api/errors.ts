/**
 * The response envelope `{code, msg, sub_code, sub_msg, data}` (code 10000 = success) and what a
 * failure means for the caller. The platform's codes are only partly documented (domain.md §2.1,
 * tagged [C]), so classification leans on several signals and errs towards *not* retrying: a
 * retry can only help with throttling and platform-side trouble.
 */
import {PipelineError} from "../errors.js";

export type ApiErrorKind =
  /** App key/secret wrong, or the signature doesn't verify: fix the configuration. */
  | "credentials"
  /** The shop's authorisation for the app is missing, expired or closed (re-authorise). */
  | "authorization"
  /** The app lacks a permission (API not subscribed) or the caller's IP is not whitelisted. */
  | "permission"
  /** The access token expired or is unknown: refresh it once, then give up. */
  | "token"
  /** Too many calls: back off and retry. */
  | "throttled"
  /** Network trouble, HTTP 5xx, platform-side errors: retry. */
  | "transient"
  /** A request the platform won't serve (bad parameter, unknown code): don't retry. */
  | "request";

export interface Envelope {
  code: string | null;
  subCode: string | null;
  msg: string | null;
  subMsg: string | null;
  httpStatus: number;
}

export const SUCCESS_CODE = "10000";

const THROTTLE = /limit|flow|频率|限流|频繁|too.?many|qps|rate/i;

export function classify(envelope: Envelope): ApiErrorKind {
  const {code, httpStatus} = envelope;
  const sub = envelope.subCode ?? "";
  const text = `${sub} ${envelope.msg ?? ""} ${envelope.subMsg ?? ""}`;
  if (httpStatus === 429) return "throttled";
  if (/access[-_]?token/i.test(sub)) return "token";
  if (/sign/i.test(sub) || /app[-_]?(key|secret)/i.test(sub)) return "credentials";
  if (code === "30001") return "authorization";
  if (code === "30002") return "permission";
  if (/permission|unauthori[sz]ed|no[-_]?auth|forbidden/i.test(sub)) return "permission";
  // Missing or invalid parameters: retrying the same request can't help.
  if ((code === "40001" || code === "40003") && !THROTTLE.test(sub)) return "request";
  if (THROTTLE.test(text)) return "throttled";
  if (code === "20000" || httpStatus >= 500 || /^isp\./i.test(sub)) return "transient";
  return "request";
}

const HINTS: Record<ApiErrorKind, string> = {
  credentials: "the platform rejected the app credentials: check DOUDIAN_APP_KEY and DOUDIAN_APP_SECRET",
  authorization:
    "the shop's authorisation of this app is missing, expired or closed: re-authorise the app for the shop",
  permission: "the app lacks a permission for this API, or this machine's IP is not in the app's whitelist",
  token: "the access token was rejected",
  throttled: "the platform throttled the calls",
  transient: "the platform is unavailable",
  request: "the platform refused the request",
};

export class DoudianApiError extends PipelineError {
  readonly kind: ApiErrorKind;
  readonly method: string;
  readonly code: string | null;
  readonly subCode: string | null;
  readonly platformMessage: string;

  constructor(
    kind: ApiErrorKind,
    method: string,
    envelope: Envelope,
    options?: {cause?: unknown; note?: string},
  ) {
    const platform = [envelope.msg, envelope.subMsg].filter(Boolean).join(" / ");
    const codes = [envelope.code && `code ${envelope.code}`, envelope.subCode, `HTTP ${envelope.httpStatus}`]
      .filter(Boolean)
      .join(", ");
    const message =
      `抖店 API ${method}: ${options?.note ?? HINTS[kind]} (platform ${codes}` +
      `${platform ? `: ${platform}` : ""})`;
    super(message, {step: "api"}, options?.cause === undefined ? undefined : {cause: options.cause});
    this.name = "DoudianApiError";
    this.kind = kind;
    this.method = method;
    this.code = envelope.code;
    this.subCode = envelope.subCode;
    this.platformMessage = platform;
  }

  get retryable(): boolean {
    return this.kind === "throttled" || this.kind === "transient";
  }
}
