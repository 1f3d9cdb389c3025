/**
 * The report's SQL (queries/*.sql), run against the marts only. Each file names the parameters it
 * uses; DuckDB rejects unused ones, so a query is given just those it mentions.
 */
import {readFile} from "node:fs/promises";
import {fileURLToPath} from "node:url";
import {PipelineError, errorMessage} from "../errors.js";
import type {Params, Row, Warehouse} from "../warehouse.js";

const queriesDir = fileURLToPath(new URL("./queries/", import.meta.url));

export const REPORT_QUERIES = [
  "backlog",
  "comment_theme_week",
  "comment_themes",
  "costs_weekly",
  "data_range",
  "handling_times",
  "maturity_groups",
  "parcels",
  "platform_bands",
  "platform_scores",
  "provinces",
  "rates_weekly",
  "reasons",
  "risks",
  "size_verdicts",
  "sku_spikes",
  "sku_top",
] as const;
export type ReportQuery = (typeof REPORT_QUERIES)[number];

export async function reportQuery(warehouse: Warehouse, name: ReportQuery, params: Params): Promise<Row[]> {
  const sql = await readFile(`${queriesDir}${name}.sql`, "utf8");
  const used = Object.fromEntries(
    Object.entries(params).filter(([key]) => new RegExp(`\\$${key}\\b`).test(sql)),
  );
  try {
    return await warehouse.all(sql, used);
  } catch (error) {
    throw new PipelineError(`report query ${name}: ${errorMessage(error)}`, {step: "report"}, {cause: error});
  }
}

/** A number from a row (DuckDB's JSON rows carry BIGINT and DECIMAL as strings); null stays null. */
export function num(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** A number, 0 when absent (sums over no rows). */
export const count = (value: unknown): number => num(value) ?? 0;

export const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
