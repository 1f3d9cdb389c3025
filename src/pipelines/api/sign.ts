/**
 * Request signing of the 抖店 open platform (domain.md §2.1): the business parameters are sent as
 * `param_json`, compact JSON with keys sorted recursively, and signed together with the app key,
 * the method and the timestamp. The signature is over the exact bytes sent, so the body is built
 * once here and used both for the signature and for the request.
 */
import {createHash, createHmac} from "node:crypto";
import {isLosslessNumber} from "lossless-json";

export type SignMethod = "hmac-sha256" | "md5";
export const SIGN_METHODS: readonly SignMethod[] = ["hmac-sha256", "md5"];

/** `/afterSale/List` → `afterSale.List` (the SDK's urlPathToMethod). */
export function methodOf(path: string): string {
  return path.replace(/^\//, "").replace(/\//g, ".");
}

/**
 * Compact JSON with object keys in ascending order at every depth, no HTML escaping and no
 * escaping of non-ASCII text (what the Go SDK's map re-marshalling and PHP's recursive ksort
 * produce). Numbers may be JS numbers, bigints or lossless numbers (kept digit for digit).
 */
export function sortedJson(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`cannot sign a non-finite number: ${value}`);
    return JSON.stringify(value);
  }
  if (isLosslessNumber(value)) return value.toString();
  if (Array.isArray(value)) return `[${value.map((item) => sortedJson(item ?? null)).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${sortedJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`cannot sign a value of type ${typeof value}`);
}

export interface SignInput {
  appKey: string;
  appSecret: string;
  method: string;
  /** As sent in the query string (the SDK sends Unix seconds). */
  timestamp: string;
  paramJson: string;
}

/** The string that is signed: secret, then the signed parameters in name order, then secret again. */
export function signString({appKey, appSecret, method, timestamp, paramJson}: SignInput): string {
  return `${appSecret}app_key${appKey}method${method}param_json${paramJson}timestamp${timestamp}v2${appSecret}`;
}

/** Lowercase hex HMAC-SHA256 (keyed with the secret) or, for legacy apps, MD5 of the sign string. */
export function sign(input: SignInput, signMethod: SignMethod = "hmac-sha256"): string {
  const text = signString(input);
  return signMethod === "md5"
    ? createHash("md5").update(text, "utf8").digest("hex")
    : createHmac("sha256", input.appSecret).update(text, "utf8").digest("hex");
}
