/**
 * Rebuilds the intermediate and mart tables from core. They are pure functions of core, so a full
 * rebuild after every core refresh keeps them from ever being stale.
 */
import {createHash} from "node:crypto";
import {listModels, readModel, type Warehouse} from "../warehouse.js";
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
  "intermediate/int_shipped_lines.sql",
  "marts/sku_weekly.sql",
  "marts/sku_reasons.sql",
  "marts/problem_skus.sql",
  "marts/size_fit.sql",
  "marts/product_size_verdicts.sql",
  "marts/return_costs.sql",
  "marts/after_sale_backlog.sql",
  "marts/after_sale_times_weekly.sql",
  "intermediate/int_platform_orders.sql",
  "marts/platform_score_daily.sql",
  "intermediate/int_buyer_lines.sql",
  "intermediate/int_buyers.sql",
  "marts/risk_buyers.sql",
  "marts/risk_shared_tracking.sql",
  "intermediate/int_return_parcels.sql",
  "marts/return_parcels.sql",
  "marts/return_parcel_carriers.sql",
  "marts/risk_late_applications.sql",
  "marts/appeal_candidates.sql",
  "intermediate/int_after_sale_comments.sql",
  "marts/sku_comments.sql",
  "intermediate/int_after_sale_comment_facts.sql",
  "intermediate/int_comment_product_names.sql",
  "intermediate/int_after_sale_comment_themes.sql",
  "marts/sku_comment_weeks.sql",
  "marts/sku_comment_themes.sql",
];

/** How refreshMarts brought the marts up to date. */
export interface MartsRefresh {
  mode: "full" | "incremental";
  /** The models updated in place, for the 子订单 the new files touched (incremental mode). */
  incremental: string[];
  /** 子订单 the new files touched (incremental mode). */
  changedLines?: number;
  /** Seconds per model (and for finding the touched 子订单, "changed_lines"). */
  seconds: Record<string, number>;
}

export interface RefreshOptions {
  /**
   * The marts reflect every file loaded up to this file_id (meta.ingest_log), and core has changed
   * since only by loading order and after-sale files after it: models that can (an `-- @incremental`
   * line) update only the rows those files touched; the others are rebuilt.
   */
  changedAfter?: number;
}

/**
 * Rebuilds every intermediate and mart table, each in a transaction of its own, so that a model
 * that runs out of memory is retried alone at the memory ceiling (Warehouse.transaction). In one
 * transaction for all of them, a 10M-line warehouse ran out of memory even at 4 GB in
 * return_costs, which alone needs less than 1.5 GB: the transaction held what the models before it
 * had built. Between two models some tables are new and some old, so callers that publish a
 * freshness token clear it first and set it last (ensureMartsFresh): a crash midway leaves the marts
 * stale, and they are rebuilt before anyone reads them.
 *
 * With options.changedAfter, models that declare how (an `-- @incremental:` line, see
 * incrementalSql) replace only the rows the new files touched, so the cost of a daily load grows
 * with the new data rather than the warehouse; test/metrics/incremental.test.ts checks that every
 * table then equals a full rebuild.
 */
export async function refreshMarts(
  warehouse: Warehouse,
  assumptions: Assumptions = DEFAULT_ASSUMPTIONS,
  options: RefreshOptions = {},
): Promise<MartsRefresh> {
  // The cost, platform and risk assumptions in force first (marts.cost_assumptions).
  await warehouse.transaction(async () => {
    await warehouse.run("create schema if not exists intermediate; create schema if not exists marts;");
    await writeCostAssumptions(warehouse, assumptions.costs, assumptions);
  });
  const after = options.changedAfter;
  const refresh: MartsRefresh = {
    mode: after === undefined ? "full" : "incremental",
    incremental: [],
    seconds: {},
  };
  let start = performance.now();
  const lap = (name: string) => {
    const end = performance.now();
    refresh.seconds[name] = (end - start) / 1000;
    start = end;
  };
  if (after !== undefined) {
    await warehouse.transaction(async () =>
      warehouse.run(await readModel("incremental/changed_lines.sql"), {after}),
    );
    const row = await warehouse.one("select count(*)::integer as n from changed_lines");
    refresh.changedLines = Number(row?.n ?? 0);
    lap("changed_lines");
  }
  for (const model of MART_MODELS) {
    const sql = await readModel(model);
    const incremental = after === undefined ? null : await incrementalSql(model, sql);
    await warehouse.transaction(
      async () => {
        // Only a full refresh can meet a model of another kind: a new version of the SQL rebuilds all.
        if (after === undefined) await dropOtherKind(warehouse, sql);
        await warehouse.run(incremental ?? sql);
      },
      {memoryKey: model, atCeiling: AT_CEILING.test(sql)},
    );
    if (incremental) refresh.incremental.push(model);
    lap(model);
  }
  if (after !== undefined) {
    // The scope tables (temporary, this connection's): gone with it anyway, but not kept meanwhile.
    for (const step of await incrementalSteps())
      for (const [, table] of (await readModel(step)).matchAll(/create or replace temp table (\w+)/g))
        await warehouse.run(`drop table if exists temp.${table}`);
  }
  return refresh;
}

/**
 * A model that spills heavily at the default memory_limit declares `-- @memory: ceiling` and runs at
 * the ceiling (Warehouse.transaction); a small warehouse uses no more for it, since DuckDB takes
 * memory as it needs it.
 */
const AT_CEILING = /^-- @memory: ceiling$/m;

const CREATE_OR_REPLACE = /^create or replace (table|view) ([\w]+)\.([\w]+)/m;

/**
 * Drops what a model replaces when it was built as the other kind (a table that is now a view, or
 * the reverse): DuckDB's "create or replace" refuses to replace a table with a view. A warehouse
 * built by an earlier version of the models then rebuilds instead of failing.
 */
export async function dropOtherKind(warehouse: Warehouse, sql: string): Promise<void> {
  const create = CREATE_OR_REPLACE.exec(sql);
  if (!create) return;
  const [, kind, schema, name] = create as unknown as [string, "table" | "view", string, string];
  const other = kind === "view" ? "table" : "view";
  const row = await warehouse.one(
    `select count(*)::integer as n from information_schema.tables
     where table_schema = $schema and table_name = $name and table_type = $type`,
    {schema, name, type: other === "view" ? "VIEW" : "BASE TABLE"},
  );
  if (Number(row?.n ?? 0) > 0) await warehouse.run(`drop ${other} ${schema}.${name}`);
}

const INCREMENTAL = /^-- @incremental: (\(?[\w, ]+\)?) in (\w+)$/m;
const CREATE = /^create or replace table ([\w.]+) as$/m;

/**
 * The statements that bring a model's table up to date in place, or null when the model is
 * rebuilt. A model that can be updated declares, on a line of its own,
 *
 *     -- @incremental: <key columns> in <scope table>
 *
 * and marks its scope filters with `-- @scope <SQL>` lines: comments in a full rebuild, SQL here.
 * Its rows whose key is in the scope table are deleted, then the model's own SELECT, restricted by
 * those filters, inserts them again. The scope tables are temporary: changed_lines (the 子订单 the
 * new files touched, models/incremental/changed_lines.sql), and whatever the model's
 * models/incremental/<model>.sql prepares from it first. So each model is still defined once.
 */
export async function incrementalSql(model: string, sql: string): Promise<string | null> {
  const declared = INCREMENTAL.exec(sql);
  if (!declared) return null;
  const create = CREATE.exec(sql);
  if (!create || sql.indexOf("create or replace table", create.index + 1) >= 0)
    throw new Error(`${model}: an incremental model is one "create or replace table … as" statement`);
  const [, key, scope] = declared as unknown as [string, string, string];
  const table = create[1]!;
  const columns = key.replace(/[()]/g, "");
  const name = model.split("/").pop()!;
  const step = `incremental/${name}`;
  const prepare = (await incrementalSteps()).includes(step) ? await readModel(step) : "";
  const body = sql.slice(create.index + create[0].length).replace(/^(\s*)-- @scope /gm, "$1");
  return [
    prepare.trim().replace(/;?$/, ";"),
    `delete from ${table} where ${key} in (select ${columns} from ${scope});`,
    `insert into ${table}${body}`,
  ]
    .filter((statement) => statement !== ";")
    .join("\n");
}

let steps: Promise<string[]> | undefined;

/**
 * The SQL of incremental refreshes besides the models' own (part of the models' fingerprint): every
 * file of models/incremental, so that a model's preparing step can't be left out by mistake.
 */
function incrementalSteps(): Promise<string[]> {
  steps ??= listModels("incremental");
  return steps;
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
    for (const step of await incrementalSteps()) hash.update(step).update(await readModel(step));
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
