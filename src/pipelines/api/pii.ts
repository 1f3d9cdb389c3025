/**
 * Buyer PII in API responses (receiver names, phones, addresses, buyer messages, IDs of the person)
 * is replaced by the same keyed hash ingest uses for the export's PII columns — sha256(salt ‖ text)
 * with the warehouse's salt (meta.settings `pii_salt`, see ingest.ts) — before anything is written:
 * to the raw page table or to a pulled CSV. Province, city and district names stay (the exports
 * keep them as 省/市/区).
 */
import {createHash} from "node:crypto";
import {isLosslessNumber} from "lossless-json";
import type {JsonValue} from "./json.js";

/** sha256($salt || text), lowercase hex: what hashExpression computes in DuckDB. */
export function hashPii(salt: string, text: string | null): string | null {
  if (text === null || text.trim() === "") return null;
  return createHash("sha256")
    .update(salt + text.trim(), "utf8")
    .digest("hex");
}

/** Keys whose whole value identifies the buyer. */
const PII_KEY =
  /(^|_)(post_receiver|receiver(_name)?|post_tel(_sec)?|tel|phone|mobile(_no)?|buyer_words|id_card_(no|name)|doudian_open_id|open_id|account_id|account_name|user_coordinate(_longitude|_latitude)?|user_id_info|contract_info|account_list)$/;
/** Address objects: the street and the detail identify the buyer, the region doesn't. */
const ADDRESS_KEY = /(^|_)(addr|address)$/;
const ADDRESS_PII = /^(detail|encrypt_detail|street|landmark)$/;

function hashAll(value: JsonValue, salt: string): JsonValue {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") return hashPii(salt, value);
  if (isLosslessNumber(value)) return hashPii(salt, value.toString());
  if (Array.isArray(value)) return value.map((item) => hashAll(item, salt));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, hashAll(v, salt)]));
}

/** A copy of a response with every PII value hashed (structure and all other values unchanged). */
export function scrubPii(value: JsonValue, salt: string, inAddress = false): JsonValue {
  if (value === null || typeof value !== "object" || isLosslessNumber(value)) return value;
  if (Array.isArray(value)) return value.map((item) => scrubPii(item, salt, inAddress));
  const result: Record<string, JsonValue> = {};
  for (const [key, child] of Object.entries(value)) {
    const lower = key.toLowerCase();
    // (^|_) in the patterns also catches the encrypt_ and mask_ variants (encrypt_post_tel …).
    if (PII_KEY.test(lower)) result[key] = hashAll(child, salt);
    else if (inAddress && ADDRESS_PII.test(lower)) result[key] = hashAll(child, salt);
    else result[key] = scrubPii(child, salt, ADDRESS_KEY.test(lower));
  }
  return result;
}
