/**
 * The three signatures, each exactly as its platform documents it (the formulas are quoted in
 * docs/delivery.md).
 */
import {createHmac} from "node:crypto";

/**
 * 飞书 签名校验: the string `${timestamp}\n${secret}` is the HMAC-SHA256 *key*, the message is
 * empty, the digest is base64. `timestamp` is in seconds; both go into the JSON body.
 */
export function feishuSign(timestampSeconds: number, secret: string): string {
  return createHmac("sha256", `${timestampSeconds}\n${secret}`).update("").digest("base64");
}

/**
 * 钉钉 加签: HMAC-SHA256 keyed with the secret over `${timestamp}\n${secret}`, base64. `timestamp`
 * is in milliseconds; both go into the query string, where URLSearchParams percent-encodes the
 * base64 (`+`, `/`, `=`) — the documented urlEncode step.
 */
export function dingtalkSign(timestampMs: number, secret: string): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`).digest("base64");
}

/** Our generic webhook: `sha256=` + hex HMAC-SHA256 of the raw request body. */
export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}
