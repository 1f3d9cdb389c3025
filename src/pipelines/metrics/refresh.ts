/**
 * Rebuilds the intermediate and mart tables from core. They are pure functions of core, so a full
 * rebuild after every core refresh keeps them from ever being stale.
 */
import {createHash} from "node:crypto";
import {readModel, type Warehouse} from "../warehouse.js";
import {DEFAULT_ASSUMPTIONS, writeCostAssumptions, type Assumptions} from "./assumptions.js";

/** The models in the order they must run (each reads only core and the ones before it). */
export const MART_MODELS: readonly string[] = [
  "intermediate/int_order_line_returns.sql",
  "intermediate/int_shop_as_of.sql",
  "intermediate/int_order_line_signed.sql",
  "marts/return_lag_curve.sql",
  "marts/cohort_maturity.sql",
  "marts/return_rates_daily.sql",
  "marts/after_sales_applied_daily.sql",
  "intermediate/int_size_keywords.sql",
  "marts/sku_weekly.sql",
  "marts/sku_reasons.sql",
  "marts/problem_skus.sql",
  "marts/size_fit.sql",
  "marts/product_size_verdicts.sql",
  "marts/return_costs.sql",
  "marts/after_sale_backlog.sql",
  "marts/after_sale_times_weekly.sql",
  "marts/platform_score_daily.sql",
  "marts/risk_buyers.sql",
  "marts/risk_shared_tracking.sql",
  "marts/return_parcels.sql",
  "marts/return_parcel_carriers.sql",
  "marts/risk_late_applications.sql",
  "marts/appeal_candidates.sql",
  "intermediate/int_after_sale_comments.sql",
  "marts/sku_comments.sql",
  "intermediate/int_after_sale_comment_themes.sql",
  "marts/sku_comment_weeks.sql",
  "marts/sku_comment_themes.sql",
];

/**
 * Rebuilds every intermediate and mart table, each in a transaction of its own, so that a model
 * that runs out of memory is retried alone at the memory ceiling (Warehouse.transaction). In one
 * transaction for all of them, a 10M-line warehouse ran out of memory even at 4 GB in
 * return_costs, which alone needs less than 1.5 GB: the transaction held what the models before it
 * had built. Between two models some tables are new and some old, so callers that publish a
 * freshness token clear it first and set it last (ensureMartsFresh): a crash midway leaves the marts
 * stale, and they are rebuilt before anyone reads them.
 */
export async function refreshMarts(
  warehouse: Warehouse,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
): Promise<void> {
  // The cost, platform and risk assumptions in force first (marts.cost_assumptions).
  await warehouse.transaction(async () => {
    await warehouse.run("create schema if not exists intermediate; create schema if not exists marts;");
    await writeCostAssumptions(warehouse, assumptions.costs, assumptions);
  });
  for (const model of MART_MODELS) {
    const sql = await readModel(model);
    await warehouse.transaction(() => warehouse.run(sql));
  }
}

let modelsFingerprint: Promise<string> | undefined;

/**
 * A hash of the mart models' SQL: part of the marts' freshness token, so that a new version of
 * Returnscope (a new or changed model) rebuilds the marts of an existing warehouse.
 */
export function martModelsFingerprint(): Promise<string> {
  modelsFingerprint ??= (async () => {
    const hash = createHash("sha256");
    for (const model of MART_MODELS) hash.update(model).update(await readModel(model));
    return hash.digest("hex").slice(0, 16);
  })();
  return modelsFingerprint;
}

/** Whether the marts have been built in this warehouse at all. */
export async function martsExist(warehouse: Warehouse): Promise<boolean> {
  const row = await warehouse.one(
    `select count(*) as n from information_schema.tables
     where table_schema = 'marts' and table_name in ('return_rates_daily', 'after_sales_applied_daily')`,
  );
  return Number(row?.n ?? 0) === 2;
}
