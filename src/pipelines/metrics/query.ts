/**
 * Turns {metric, by, shop, from, to} into one SQL query over the metric's mart. Identifiers come
 * only from the registry; the caller's values go in as $parameters.
 */
import {quotedIdentifier} from "@duckdb/node-api";
import {PipelineError} from "../errors.js";
import type {Params, Warehouse} from "../warehouse.js";
import {
  DIMENSIONS,
  DIMENSION_NAMES,
  MARTS,
  METRICS,
  METRIC_NAMES,
  type DimensionName,
  type DimensionSpec,
  type MetricSpec,
} from "./registry.js";

/** Rows whose denominator (or, for a count, the count) is below this are flagged low_volume. */
export const DEFAULT_MIN_VOLUME = 30;

export interface MetricQuery {
  metric: string;
  by?: readonly string[];
  shop?: string;
  /** First date, inclusive, YYYY-MM-DD (cohort date, or application date for after-sales-applied). */
  from?: string;
  /** Last date, inclusive, YYYY-MM-DD. */
  to?: string;
  minVolume?: number;
  /** "dimensions" (default): by the dimension values; "value": highest rate (or count) first. */
  sort?: "dimensions" | "value";
}

export interface BuiltQuery {
  metric: MetricSpec;
  dimensions: DimensionSpec[];
  /** Output columns in order: dimension columns, numerator, denominator, rate, low_volume. */
  columns: string[];
  sql: string;
  params: Params;
}

export type MetricValue = string | number | boolean | null;
export type MetricRow = Record<string, MetricValue>;

export function findMetric(name: string): MetricSpec {
  const metric = METRICS.find((m) => m.name === name);
  if (!metric) throw new PipelineError(`unknown metric "${name}"; valid: ${METRIC_NAMES.join(", ")}`);
  return metric;
}

function findDimensions(metric: MetricSpec, names: readonly string[]): DimensionSpec[] {
  const valid = metric.dimensions.join(", ");
  const seen = new Set<DimensionName>();
  for (const name of names) {
    if (!(DIMENSION_NAMES as readonly string[]).includes(name))
      throw new PipelineError(`unknown dimension "${name}"; valid: ${valid}`);
    const dimension = name as DimensionName;
    if (!metric.dimensions.includes(dimension))
      throw new PipelineError(`dimension "${name}" is not available for ${metric.name}; valid: ${valid}`);
    seen.add(dimension);
  }
  return [...seen].map((name) => DIMENSIONS[name]);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDate(option: string, value: string): string {
  const m = DATE.exec(value);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== value)
    throw new PipelineError(`${option} must be a date YYYY-MM-DD: ${JSON.stringify(value)}`);
  return value;
}

export function buildMetricQuery(query: MetricQuery): BuiltQuery {
  const metric = findMetric(query.metric);
  const dimensions = findDimensions(metric, query.by ?? []);
  const minVolume = query.minVolume ?? DEFAULT_MIN_VOLUME;
  if (!Number.isInteger(minVolume) || minVolume < 0)
    throw new PipelineError(`minimum volume must be a whole number >= 0: ${minVolume}`);
  const from = query.from === undefined ? undefined : checkDate("--from", query.from);
  const to = query.to === undefined ? undefined : checkDate("--to", query.to);
  if (from && to && from > to) throw new PipelineError(`--from ${from} is after --to ${to}`);

  const mart = MARTS[metric.mart];
  const params: Params = {min_volume: minVolume};
  const where: string[] = [];
  if (query.shop !== undefined) {
    where.push("shop_id = $shop");
    params.shop = query.shop;
  }
  if (from) {
    where.push(`${mart.dateColumn} >= $from::date`);
    params.from = from;
  }
  if (to) {
    where.push(`${mart.dateColumn} <= $to::date`);
    params.to = to;
  }

  const dimensionColumns = dimensions.flatMap((d) =>
    d.columns.map((c) => ({...c, id: quotedIdentifier(c.name), reason: d.isReason ?? false})),
  );
  const select = (columns: typeof dimensionColumns) =>
    columns.map((c) => `${c.sql(mart.dateColumn)} as ${c.id}`);
  const {numerator, denominator} = metric;
  const sum = (column: string) =>
    `coalesce(sum(${column}), 0)::${metric.fractional && column === metric.numerator ? "double" : "bigint"} as ${column}`;

  const ctes = [
    `filtered as (\n    select * from ${mart.table}${where.length ? `\n    where ${where.join("\n        and ")}` : ""}\n)`,
  ];
  const reasonSliced = metric.reasonSlicesNumerator && dimensionColumns.some((c) => c.reason);
  if (reasonSliced && denominator) {
    // Only returned 子订单 carry a reason; the denominator is the whole group's, from every row.
    const groupColumns = dimensionColumns.filter((c) => !c.reason);
    ctes.push(
      `numerator as (\n    select\n        ${[...select(dimensionColumns), sum(numerator)].join(",\n        ")}\n` +
        `    from filtered\n    where reason_group is not null\n    group by all\n)`,
      `denominator as (\n    select\n        ${[...select(groupColumns), sum(denominator)].join(",\n        ")}\n` +
        `    from filtered\n    group by all\n)`,
      `grouped as (\n    select\n        numerator.*,\n        coalesce(denominator.${denominator}, 0)::bigint as ${denominator}\n` +
        `    from numerator\n    left join denominator on ${
          groupColumns
            .map((c) => `denominator.${c.id} is not distinct from numerator.${c.id}`)
            .join(" and ") || "true"
        }\n)`,
    );
  } else {
    const measures = denominator ? [sum(numerator), sum(denominator)] : [sum(numerator)];
    ctes.push(
      `grouped as (\n    select\n        ${[...select(dimensionColumns), ...measures].join(",\n        ")}\n` +
        `    from filtered\n    group by all\n)`,
    );
  }
  const volume = denominator ?? numerator;
  const finalColumns = ["*"];
  if (denominator)
    finalColumns.push(`case when ${denominator} > 0 then ${numerator} / ${denominator} end as rate`);
  finalColumns.push(`${volume} < $min_volume as low_volume`);
  ctes.push(`final as (\n    select\n        ${finalColumns.join(",\n        ")}\n    from grouped\n)`);

  const byDimensions = dimensionColumns.map((c) => `${c.id} nulls last`);
  const byValue = denominator ? [`rate desc nulls last`, `${denominator} desc`] : [`${numerator} desc`];
  const order = query.sort === "value" ? [...byValue, ...byDimensions] : byDimensions;
  const sql =
    `with ${ctes.join(",\n\n")}\n\nselect * from final` +
    (order.length ? `\norder by ${order.join(", ")}` : "");

  const columns = [
    ...dimensionColumns.map((c) => c.name),
    numerator,
    ...(denominator ? [denominator, "rate"] : []),
    "low_volume",
  ];
  return {metric, dimensions, columns, sql, params};
}

/** Runs a metric query; counts come back as numbers, rate as a fraction 0–1 (null for 0 ÷ 0). */
export async function runMetricQuery(warehouse: Warehouse, built: BuiltQuery): Promise<MetricRow[]> {
  const counts = [built.metric.numerator, built.metric.denominator].filter((c) => c !== undefined);
  const rows = await warehouse.all(built.sql, built.params);
  return rows.map((row) => {
    const out: MetricRow = {};
    for (const name of built.columns) {
      const value = row[name] ?? null;
      out[name] = counts.includes(name) ? Number(value) : (value as MetricValue);
    }
    return out;
  });
}

export async function queryMetric(warehouse: Warehouse, query: MetricQuery): Promise<MetricRow[]> {
  return runMetricQuery(warehouse, buildMetricQuery(query));
}
