/**
 * Settings of the lag curve, maturity and forecast (marts/return_lag_curve.sql,
 * marts/cohort_maturity.sql). The SQL reads them from meta.settings and falls back to the same
 * defaults as MATURITY_DEFAULTS when a key is absent (a test keeps the two in step); this module
 * validates typed options and writes them there. Method: docs/metrics.md §7.
 */
import {PipelineError} from "../errors.js";
import type {Warehouse} from "../warehouse.js";

export interface MaturitySettings {
  /** Days after payment by which a return counts as eventual; the curve is 1 from here on. */
  horizonDays: number;
  /** Returned 子订单 (within the horizon) a (shop, category) or shop curve needs to be used. */
  minCurveReturns: number;
  /** A cohort is mature once the curve says this share of its returns is in. */
  threshold: number;
  /** Cohorts of the last this many days give the expected return rate of the forecast. */
  priorWindowDays: number;
  /** Weight, in units, of the shop's rate when it is blended into a category's expected rate. */
  priorWeightUnits: number;
}

export type MaturityOptions = Partial<MaturitySettings>;

export const MATURITY_DEFAULTS: Readonly<MaturitySettings> = {
  horizonDays: 60,
  minCurveReturns: 100,
  threshold: 0.95,
  priorWindowDays: 56,
  priorWeightUnits: 200,
};

/** meta.settings key of each setting, as the SQL reads it. */
export const MATURITY_SETTING_KEYS: Readonly<Record<keyof MaturitySettings, string>> = {
  horizonDays: "maturity_horizon_days",
  minCurveReturns: "maturity_min_curve_returns",
  threshold: "maturity_threshold",
  priorWindowDays: "maturity_prior_window_days",
  priorWeightUnits: "maturity_prior_weight_units",
};

/** The mart models of maturity, in build order (after intermediate/int_order_line_returns.sql). */
export const MATURITY_MODELS: readonly string[] = ["marts/return_lag_curve.sql", "marts/cohort_maturity.sql"];

const wholeNumber = (min: number, max: number) => (value: number) =>
  Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `a whole number from ${min} to ${max}`;
const RULES: Record<keyof MaturitySettings, (value: number) => string | undefined> = {
  horizonDays: wholeNumber(1, 365),
  minCurveReturns: wholeNumber(0, 1e9),
  threshold: (value) => (value > 0 && value <= 1 ? undefined : "a share above 0 and at most 1"),
  priorWindowDays: wholeNumber(1, 3650),
  priorWeightUnits: (value) => (value > 0 && value < 1e9 ? undefined : "a number of units above 0"),
};

/** Options over the defaults; a bad value throws naming the setting, what was expected and what came. */
export function maturitySettings(options: MaturityOptions = {}): MaturitySettings {
  const settings = {...MATURITY_DEFAULTS};
  for (const key of Object.keys(options) as (keyof MaturitySettings)[]) {
    const rule = RULES[key];
    if (!rule) throw new PipelineError(`maturity: unknown setting ${String(key)}`);
    const value = options[key];
    if (value === undefined) continue;
    const expected = typeof value === "number" && Number.isFinite(value) ? rule(value) : "a number";
    if (expected) throw new PipelineError(`maturity: ${key} must be ${expected}: ${JSON.stringify(value)}`);
    settings[key] = value;
  }
  return settings;
}

/** Writes the settings into meta.settings of the warehouse's current database. */
export async function writeMaturitySettings(warehouse: Warehouse, settings: MaturitySettings): Promise<void> {
  for (const key of Object.keys(MATURITY_SETTING_KEYS) as (keyof MaturitySettings)[]) {
    await warehouse.run("insert or replace into meta.settings values ($key, $value)", {
      key: MATURITY_SETTING_KEYS[key],
      value: String(settings[key]),
    });
  }
}
