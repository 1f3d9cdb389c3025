import type {Config} from "./config.js";
import {
  classifyReason,
  normalizeProvince,
  normalizeSize,
  parseSpec,
  sizeFromSkuCode,
} from "./normalize/index.js";
import {
  AFTER_SALE_STATUS_RANK,
  ORDER_STATUS_RANK,
  classifyAfterSaleStatus,
  classifyOrderStatus,
  normalizeAfterSaleType,
} from "./normalize/status.js";
import {TABLE, createTableSql, rawTableColumns, stagingTableColumns} from "./ingest/sql.js";
import {FILE_KINDS, type FileKind} from "./ingest/columns.js";
import {assumptionsFingerprint} from "./metrics/assumptions.js";
import {martModelsFingerprint, martsExist, refreshMarts, type MartsRefresh} from "./metrics/refresh.js";
import {readModel, type Json, type Warehouse} from "./warehouse.js";

/** Bumped when the shape of staging or core changes: core is then rebuilt from staging. */
const SCHEMA_VERSION = "4";

const STATE_TABLES: Partial<Record<FileKind, {table: string; key: string; model: string; extra: string}>> = {
  order: {
    table: "core.order_line_states",
    key: "order_item_id",
    model: "core/order_line_states.sql",
    extra: "null::varchar as order_status_group, 0::bigint as version_count, null::varchar as buyer_key",
  },
  after_sale: {
    table: "core.after_sale_states",
    key: "after_sale_id",
    model: "core/after_sale_states.sql",
    extra: "null::varchar as after_sale_status_group, 0::bigint as version_count",
  },
};

/**
 * Creates what is missing: raw and staging tables (adding columns a newer version of the specs
 * knows), lookup and state tables, and the core views.
 */
export async function ensureTables(warehouse: Warehouse): Promise<void> {
  for (const kind of FILE_KINDS) {
    for (const schema of ["raw", "staging"] as const) {
      await warehouse.run(createTableSql(schema, kind));
      const existing = new Set(
        (
          await warehouse.all(
            "select column_name from information_schema.columns where table_schema = $schema and table_name = $table",
            {schema, table: TABLE[kind]},
          )
        ).map((row) => String(row.column_name)),
      );
      const columns = schema === "raw" ? rawTableColumns(kind) : stagingTableColumns(kind);
      for (const column of columns) {
        if (!existing.has(column.name))
          await warehouse.run(
            `alter table ${schema}.${TABLE[kind]} add column "${column.name}" ${column.type}`,
          );
      }
    }
  }
  const rebuild = (await warehouse.setting("schema_version")) !== SCHEMA_VERSION;
  for (const [kind, state] of Object.entries(STATE_TABLES)) {
    if (rebuild) await warehouse.run(`drop table if exists ${state.table} cascade`);
    await warehouse.run(
      `create table if not exists ${state.table} as select *, ${state.extra} from staging.${TABLE[kind as FileKind]} limit 0`,
    );
  }
  for (const lookup of LOOKUP_SHAPES) {
    const ddl = Object.entries(lookup.columns)
      .map(([name, type]) => `"${name}" ${type}`)
      .join(", ");
    await warehouse.run(`create table if not exists staging.${lookup.table} (${ddl})`);
  }
  await warehouse.run(
    "create table if not exists staging.lookup_shop_name (shop_id varchar, shop_name varchar)",
  );
  await warehouse.run(await readModel("core/skus.sql"));
  for (const model of CORE_VIEWS) await warehouse.run(await readModel(model));
  if (rebuild) {
    await warehouse.setSetting("schema_version", SCHEMA_VERSION);
    await warehouse.setSetting("core_config", "");
  }
}

interface Lookup {
  table: string;
  /** DuckDB column types of one row, for the table and for from_json. */
  columns: Record<string, string>;
  /** The distinct raw values to classify, from one file ($file_id) or all ($all). */
  source: string;
  /** Columns that identify a row. */
  key: string[];
  classify: (raw: string, config: Config, row: Record<string, Json>) => Record<string, Json>;
}

const LOOKUP_SHAPES: Lookup[] = [
  {
    table: "lookup_spec",
    columns: {
      raw: "VARCHAR",
      color: "VARCHAR",
      size_label: "VARCHAR",
      size_sort: "DOUBLE",
      size_text: "VARCHAR",
    },
    source:
      "select distinct spec as raw from staging.order_lines where spec is not null and ($all or file_id = $file_id)",
    key: ["raw"],
    classify: (raw) => {
      const spec = parseSpec(raw);
      return {
        color: spec.color,
        size_label: spec.size?.label ?? null,
        size_sort: spec.size?.sortKey ?? null,
        size_text: spec.sizeText,
      };
    },
  },
  {
    table: "lookup_sku_code_size",
    columns: {raw: "VARCHAR", size_label: "VARCHAR", size_sort: "DOUBLE"},
    source:
      "select distinct sku_code as raw from staging.order_lines where sku_code is not null and ($all or file_id = $file_id)",
    key: ["raw"],
    classify: (raw, config) => {
      const size = sizeFromSkuCode(raw, config.skuSizePattern);
      return {size_label: size?.label ?? null, size_sort: size?.sortKey ?? null};
    },
  },
  {
    table: "lookup_size",
    columns: {raw: "VARCHAR", size_label: "VARCHAR", size_sort: "DOUBLE"},
    source:
      "select distinct size as raw from staging.sku_master where size is not null and ($all or file_id = $file_id)",
    key: ["raw"],
    classify: (raw) => {
      const size = normalizeSize(raw);
      return {size_label: size?.label ?? null, size_sort: size?.sortKey ?? null};
    },
  },
  {
    table: "lookup_province",
    columns: {raw: "VARCHAR", province_code: "VARCHAR", province_name: "VARCHAR"},
    source:
      "select distinct province as raw from staging.order_lines where province is not null and ($all or file_id = $file_id)",
    key: ["raw"],
    classify: (raw) => {
      const province = normalizeProvince(raw);
      return {province_code: province?.code ?? null, province_name: province?.name ?? null};
    },
  },
  {
    table: "lookup_reason",
    columns: {
      raw: "VARCHAR",
      reason_text: "VARCHAR",
      quality_flag: "VARCHAR",
      reason_code: "INTEGER",
      reason_group: "VARCHAR",
    },
    source:
      "select distinct reason as raw from staging.after_sales where reason is not null and ($all or file_id = $file_id)",
    key: ["raw"],
    classify: (raw, config) => {
      const reason = classifyReason(raw, config.reasonRules);
      return {
        reason_text: reason?.text ?? null,
        quality_flag: reason?.qualityFlag ?? null,
        reason_code: reason?.code ?? null,
        reason_group: reason?.group ?? null,
      };
    },
  },
  {
    table: "lookup_after_sale_status",
    columns: {raw: "VARCHAR", status_group: "VARCHAR", status_rank: "INTEGER"},
    source:
      "select distinct after_sale_status as raw from staging.after_sales where after_sale_status is not null and ($all or file_id = $file_id)",
    key: ["raw"],
    classify: (raw) => {
      const group = classifyAfterSaleStatus(raw);
      return {status_group: group, status_rank: group ? AFTER_SALE_STATUS_RANK[group] : null};
    },
  },
  {
    table: "lookup_after_sale_type",
    columns: {raw: "VARCHAR", shipping_status: "VARCHAR", after_sale_type: "VARCHAR"},
    source: `select distinct after_sale_type as raw, item_shipping_status as shipping_status
             from staging.after_sales where after_sale_type is not null and ($all or file_id = $file_id)`,
    key: ["raw", "shipping_status"],
    classify: (raw, _config, row) => ({
      shipping_status: row.shipping_status ?? null,
      after_sale_type: normalizeAfterSaleType(raw, row.shipping_status as string | null),
    }),
  },
  {
    table: "lookup_order_status",
    columns: {raw: "VARCHAR", status_group: "VARCHAR", status_rank: "INTEGER"},
    source:
      "select distinct order_status as raw from staging.order_lines where order_status is not null and ($all or file_id = $file_id)",
    key: ["raw"],
    classify: (raw) => {
      const group = classifyOrderStatus(raw);
      return {status_group: group, status_rank: group ? ORDER_STATUS_RANK[group] : null};
    },
  },
];

/**
 * Classifies the distinct values staging holds (those of one file, or all) that the lookup table
 * doesn't know yet. The normalizers are TypeScript, tested on their own; the values are few.
 */
async function updateLookup(
  warehouse: Warehouse,
  lookup: Lookup,
  config: Config,
  fileId: number | null,
): Promise<void> {
  const values = await warehouse.all(lookup.source, {all: fileId === null, file_id: fileId ?? -1});
  if (values.length === 0) return;
  const rows = values.map((row) => ({raw: row.raw, ...lookup.classify(String(row.raw), config, row)}));
  const shape = JSON.stringify(lookup.columns).replace(/'/g, "''");
  const known = lookup.key.map((k) => `known."${k}" is not distinct from incoming."${k}"`).join(" and ");
  await warehouse.run(
    `insert into staging.${lookup.table}
     select * from (select unnest(from_json($rows::json, '[${shape}]'), recursive := true)) as incoming
     where not exists (select 1 from staging.${lookup.table} as known where ${known})`,
    {rows: JSON.stringify(rows)},
  );
}

const CORE_VIEWS = [
  "core/order_lines.sql",
  "core/after_sales.sql",
  "core/shops.sql",
  "meta/unknown_values.sql",
];

function fingerprint(config: Config): string {
  return JSON.stringify({
    size: config.skuSizePattern.source,
    reasons: config.reasonRules,
    shops: config.shops,
  });
}

/**
 * Brings core up to date with one file just loaded into staging, inside that file's transaction:
 * new values are classified, and the current state of every key the file touches is recomputed.
 */
export async function updateCore(
  warehouse: Warehouse,
  config: Config,
  kind: FileKind,
  fileId: number,
): Promise<void> {
  for (const lookup of LOOKUP_SHAPES) {
    if (lookup.source.includes(`staging.${TABLE[kind]} `))
      await updateLookup(warehouse, lookup, config, fileId);
  }
  const state = STATE_TABLES[kind];
  if (state) await runStateModel(warehouse, kind, fileId);
  else await warehouse.run(await readModel("core/skus.sql"));
}

/**
 * Runs a current-state model over `staged_<table>`: every staged version of the keys file `fileId`
 * touched, or all of staging (null). The model reads those versions three times; when they are few
 * beside staging, they are copied once into a temporary table, from the files that hold them only,
 * instead of scanning every column of staging three times (at 10M 子订单, the bench's newest order
 * file: 4.1 → 1.4 s; its 45-day after-sale file, whose versions span 34 files: 4.2 → 3.5 s). A
 * large file (a first load, a rebuild) reads staging through a view instead, without the copy.
 */
async function runStateModel(warehouse: Warehouse, kind: FileKind, fileId: number | null): Promise<void> {
  const state = STATE_TABLES[kind]!;
  const table = TABLE[kind];
  const key = state.key;
  const staged = `staged_${table}`;
  let relation = "view";
  let source = `select * from staging.${table}`;
  if (fileId !== null) {
    if (!Number.isInteger(fileId)) throw new Error(`file id ${fileId} is not an integer`);
    const counts = await warehouse.one(
      `select count(*) filter (where file_id = $file_id)::bigint as file_rows, count(*)::bigint as all_rows
       from staging.${table}`,
      {file_id: fileId},
    );
    const [fileRows, allRows] = [Number(counts!.file_rows), Number(counts!.all_rows)];
    const touched = `${key} in (select ${key} from staging.${table} where file_id = ${fileId})`;
    if (fileRows * 4 < allRows) {
      // The files that hold versions of those keys, found on two narrow columns: named in the
      // filter, they let the scan skip the row groups of all other files (staging is appended file
      // by file).
      const files = (
        await warehouse.all(`select distinct file_id from staging.${table} where ${touched} order by file_id`)
      ).map((row) => Number(row.file_id));
      source += ` where file_id in (${files.join(", ") || "null"}) and ${touched}`;
      relation = "table";
    } else if (fileRows < allRows) source += ` where ${touched}`;
  }
  await warehouse.run(`create or replace temp ${relation} ${staged} as ${source}`);
  // Not dropped after a failure: the transaction is aborted then, a drop would only hide the error,
  // and the rollback takes the temporary relation with it.
  await warehouse.run(await readModel(state.model), {all: fileId === null});
  await warehouse.run(`drop ${relation} ${staged}`);
}

/**
 * Rebuilds lookups and current state from staging, in one transaction (after a config change, or
 * for a benchmark). Tables of an older schema are brought up to this one first.
 */
export async function rebuildCore(warehouse: Warehouse, config: Config): Promise<void> {
  await ensureTables(warehouse);
  await warehouse.transaction(
    async () => {
      for (const lookup of LOOKUP_SHAPES) {
        await warehouse.run(`delete from staging.${lookup.table}`);
        await updateLookup(warehouse, lookup, config, null);
      }
      await warehouse.run("delete from staging.lookup_shop_name");
      for (const [shopId, {name}] of Object.entries(config.shops)) {
        await warehouse.run("insert into staging.lookup_shop_name values ($id, $name)", {id: shopId, name});
      }
      await warehouse.run(await readModel("core/skus.sql"));
      for (const kind of Object.keys(STATE_TABLES) as FileKind[]) await runStateModel(warehouse, kind, null);
      await warehouse.setSetting("core_config", fingerprint(config));
    },
    {memoryKey: "core rebuild"},
  );
  // Until a checkpoint, DuckDB holds the rewritten state tables' changes in memory (ingest defers
  // checkpoints: Warehouse.open), and the marts rebuilt next had that much less. At 10M 子订单,
  // return_costs and int_shipped_lines then ran out of memory at 1.5 GB and were retried at the
  // ceiling (the first rebuild 241 s, peak 5.0 GB); after this checkpoint (about 1 s) neither did
  // (222 s, peak 2.7 GB).
  await warehouse.run("checkpoint");
}

/**
 * Called before anything reads core or the marts: creates missing tables and, when the config that
 * shapes the lookups changed since core was built (or the schema did), rebuilds core from staging;
 * then refreshes stale marts.
 */
export async function ensureFresh(warehouse: Warehouse, config: Config): Promise<boolean> {
  const rebuilt = await ensureCoreFresh(warehouse, config);
  await ensureMartsFresh(warehouse, config);
  return rebuilt;
}

/**
 * The core part of ensureFresh, for loaders: they refresh the marts once after loading, so marts
 * stale before the load are not rebuilt twice. Returns whether core was rebuilt.
 */
export async function ensureCoreFresh(warehouse: Warehouse, config: Config): Promise<boolean> {
  await ensureTables(warehouse);
  const rebuilt = (await warehouse.setting("core_config")) !== fingerprint(config);
  if (rebuilt) await rebuildCore(warehouse, config);
  return rebuilt;
}

function martAssumptions(config: Config) {
  return {
    costs: config.costs,
    platform: config.platform,
    risk: config.risk,
    commentThemes: config.commentThemes,
  };
}

/** What the marts were built from: the last file loaded, core's config, the assumptions, the SQL. */
export async function martsToken(warehouse: Warehouse, config: Config): Promise<string> {
  const loaded = await warehouse.one(
    "select coalesce(max(file_id), 0) as id from meta.ingest_log where status = 'loaded'",
  );
  return `${loaded?.id ?? 0}|${await warehouse.setting("core_config")}|${assumptionsFingerprint(martAssumptions(config))}|${await martModelsFingerprint()}`;
}

/**
 * The marts are functions of core; they are refreshed whenever core has changed since they were
 * built (a file loaded, core rebuilt for a new config, other cost/platform/risk/comment-theme
 * assumptions, new model SQL), so no reader ever sees figures that ignore loaded data. When the only
 * change is files loaded since (the token's first part), the models that can update in place do so
 * for what those files touched (refreshMarts' changedAfter); anything else rebuilds them all.
 * Ingest calls this once after its files; readers call it through ensureFresh.
 * Returns how the marts were refreshed, or null when they were fresh.
 */
export async function refreshStaleMarts(warehouse: Warehouse, config: Config): Promise<MartsRefresh | null> {
  const assumptions = martAssumptions(config);
  const token = await martsToken(warehouse, config);
  const built = (await warehouse.setting("marts_token")) ?? "";
  const exist = await martsExist(warehouse);
  if (built === token && exist) return null;
  const [builtFile, ...builtRest] = built.split("|");
  const [, ...rest] = token.split("|");
  const sameBasis = exist && built !== "" && builtRest.join("|") === rest.join("|");
  const changedAfter =
    sameBasis && (await onlyChangesLoaded(warehouse, Number(builtFile))) ? Number(builtFile) : undefined;
  // Stale until every model is refreshed: refreshMarts commits model by model.
  await warehouse.setSetting("marts_token", "");
  const refresh = await refreshMarts(warehouse, assumptions, {changedAfter});
  await warehouse.setSetting("marts_token", token);
  return refresh;
}

/** Whether everything loaded after file `after` is order and after-sale files (no SKU master). */
async function onlyChangesLoaded(warehouse: Warehouse, after: number): Promise<boolean> {
  if (!Number.isInteger(after) || after <= 0) return false;
  const row = await warehouse.one(
    `select count(*) filter (where kind not in ('order', 'after_sale'))::integer as other
     from meta.ingest_log where status = 'loaded' and file_id > $after`,
    {after},
  );
  return Number(row?.other ?? 1) === 0;
}

/** Refreshes the marts when stale (refreshStaleMarts); true when it did. */
export async function ensureMartsFresh(warehouse: Warehouse, config: Config): Promise<boolean> {
  return (await refreshStaleMarts(warehouse, config)) !== null;
}
