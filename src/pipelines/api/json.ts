/**
 * Lossless JSON for API responses: every number is parsed as a LosslessNumber (its digits, as
 * text), so a 19-digit ID is never rounded through a JS number (domain.md §2.1, "Node caveat").
 * The accessors below are the only way the mapping reads values: IDs come out as strings, and only
 * counts, amounts and times — checked to be safe integers — as numbers.
 */
import {LosslessNumber, isLosslessNumber, parse, stringify} from "lossless-json";

export type JsonValue = null | boolean | string | LosslessNumber | JsonValue[] | {[key: string]: JsonValue};
export type JsonObject = {[key: string]: JsonValue};

export {LosslessNumber};

export function parseLossless(text: string): JsonValue {
  return parse(text) as JsonValue;
}

/** JSON text with every number written exactly as it was read. */
export function stringifyLossless(value: unknown): string {
  return stringify(value) ?? "null";
}

export function asObject(value: unknown): JsonObject | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !isLosslessNumber(value)
    ? (value as JsonObject)
    : null;
}

export function asArray(value: unknown): JsonValue[] {
  return Array.isArray(value) ? (value as JsonValue[]) : [];
}

/** Follows a path of keys through nested objects; undefined when any step is missing. */
export function at(value: unknown, ...path: string[]): JsonValue | undefined {
  let current: unknown = value;
  for (const key of path) {
    const object = asObject(current);
    if (!object || !(key in object)) return undefined;
    current = object[key];
  }
  return current as JsonValue;
}

/**
 * An ID as a string of digits, whether the platform sent a string or a bare number; null for
 * missing, empty or 0 (the platform's "none"). A JS number is accepted only when it is a safe
 * integer (it came from our own code, never from a response).
 */
export function idText(value: unknown): string | null {
  let text: string;
  if (typeof value === "string") text = value.trim();
  else if (isLosslessNumber(value)) text = value.toString();
  else if (typeof value === "bigint") text = value.toString();
  else if (typeof value === "number" && Number.isSafeInteger(value)) text = String(value);
  else return null;
  if (text === "" || /^0+$/.test(text)) return null;
  if (!/^\d+$/.test(text)) throw new TypeError(`not an ID: ${JSON.stringify(text)}`);
  return text;
}

/** The integer text of a number or numeric string (`"12"`, `12`, `12.0`); null when absent. */
export function integerText(value: unknown): string | null {
  let text: string;
  if (typeof value === "string") text = value.trim();
  else if (isLosslessNumber(value)) text = value.toString();
  else if (typeof value === "bigint") text = value.toString();
  else if (typeof value === "number" && Number.isSafeInteger(value)) text = String(value);
  else return null;
  if (text === "") return null;
  const match = /^(-?\d+)(?:\.0*)?$/.exec(text);
  if (!match) throw new TypeError(`not a whole number: ${JSON.stringify(text)}`);
  return match[1]!;
}

/** A count, code or time as a JS number: only when it is a safe integer (else an error). */
export function safeInteger(value: unknown): number | null {
  const text = integerText(value);
  if (text === null) return null;
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new TypeError(`number too large for a count or time: ${text}`);
  return n;
}

export function textOf(value: unknown): string | null {
  if (typeof value === "string") return value.trim() === "" ? null : value.trim();
  if (isLosslessNumber(value)) return value.toString();
  return null;
}
