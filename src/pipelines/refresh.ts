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
import {TABLE, createRawTableSql, rawTableColumns, stagingViewSql} from "./ingest/sql.js";
import {FILE_KINDS} from "./ingest/columns.js";
import {readModel, type Json, type Warehouse} from "./warehouse.js";

/** Creates the raw tables (adding columns a newer version of the specs knows) and staging views. */
export async function ensureTables(warehouse: Warehouse): Promise<void> {
  for (const kind of FILE_KINDS) {
    await warehouse.run(createRawTableSql(kind));
    const existing = new Set(
      (
        await warehouse.all(
          "select column_name from information_schema.columns where table_schema = 'raw' and table_name = $table",
          {table: TABLE[kind]},
        )
      ).map((row) => String(row.column_name)),
    );
    for (const column of rawTableColumns(kind)) {
      if (!existing.has(column.name))
        await warehouse.run(`alter table raw.${TABLE[kind]} add column "${column.name}" ${column.type}`);
    }
    await warehouse.run(stagingViewSql(kind));
  }
}

interface Lookup {
  table: string;
  /** DuckDB struct type of one row, for from_json. */
  columns: Record<string, string>;
  /** Distinct raw values to classify. */
  source: string;
  classify: (raw: string, extra: Record<string, Json>) => Record<string, Json>;
}

function lookups(config: Config): Lookup[] {
  return [
    {
      table: "lookup_spec",
      columns: {
        raw: "VARCHAR",
        color: "VARCHAR",
        size_label: "VARCHAR",
        size_sort: "DOUBLE",
        size_text: "VARCHAR",
      },
      source: "select distinct spec as raw from staging.order_lines where spec is not null",
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
      source: "select distinct sku_code as raw from staging.order_lines where sku_code is not null",
      classify: (raw) => {
        const size = sizeFromSkuCode(raw, config.skuSizePattern);
        return {size_label: size?.label ?? null, size_sort: size?.sortKey ?? null};
      },
    },
    {
      table: "lookup_size",
      columns: {raw: "VARCHAR", size_label: "VARCHAR", size_sort: "DOUBLE"},
      source: "select distinct size as raw from staging.sku_master where size is not null",
      classify: (raw) => {
        const size = normalizeSize(raw);
        return {size_label: size?.label ?? null, size_sort: size?.sortKey ?? null};
      },
    },
    {
      table: "lookup_province",
      columns: {raw: "VARCHAR", province_code: "VARCHAR", province_name: "VARCHAR"},
      source: "select distinct province as raw from staging.order_lines where province is not null",
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
      source: "select distinct reason as raw from staging.after_sales where reason is not null",
      classify: (raw) => {
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
        "select distinct after_sale_status as raw from staging.after_sales where after_sale_status is not null",
      classify: (raw) => {
        const group = classifyAfterSaleStatus(raw);
        return {status_group: group, status_rank: group ? AFTER_SALE_STATUS_RANK[group] : null};
      },
    },
    {
      table: "lookup_after_sale_type",
      columns: {raw: "VARCHAR", shipping_status: "VARCHAR", after_sale_type: "VARCHAR"},
      source: `select distinct after_sale_type as raw, item_shipping_status as shipping_status
               from staging.after_sales where after_sale_type is not null`,
      classify: (raw, extra) => ({
        shipping_status: extra.shipping_status ?? null,
        after_sale_type: normalizeAfterSaleType(raw, extra.shipping_status as string | null),
      }),
    },
    {
      table: "lookup_order_status",
      columns: {raw: "VARCHAR", status_group: "VARCHAR", status_rank: "INTEGER"},
      source: "select distinct order_status as raw from staging.order_lines where order_status is not null",
      classify: (raw) => {
        const group = classifyOrderStatus(raw);
        return {status_group: group, status_rank: group ? ORDER_STATUS_RANK[group] : null};
      },
    },
  ];
}

/** Replaces a lookup table with the classification of every distinct value staging holds. */
async function rebuildLookup(warehouse: Warehouse, lookup: Lookup): Promise<void> {
  const rows = (await warehouse.all(lookup.source)).map((row) => ({
    raw: row.raw,
    ...lookup.classify(String(row.raw), row),
  }));
  const columns = Object.entries(lookup.columns);
  const ddl = columns.map(([name, type]) => `"${name}" ${type}`).join(", ");
  await warehouse.run(`create or replace table staging.${lookup.table} (${ddl})`);
  if (rows.length === 0) return;
  const shape = JSON.stringify(Object.fromEntries(columns));
  await warehouse.run(
    `insert into staging.${lookup.table}
     select unnest(from_json($rows::json, '[${shape.replace(/'/g, "''")}]'), recursive := true)`,
    {rows: JSON.stringify(rows)},
  );
}

const CORE_MODELS = [
  "core/skus.sql",
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
    v: 1,
  });
}

/** Rebuilds lookups and the current-state (core) tables from staging, in one transaction. */
export async function refreshCore(warehouse: Warehouse, config: Config): Promise<void> {
  await warehouse.transaction(async () => {
    for (const lookup of lookups(config)) await rebuildLookup(warehouse, lookup);
    await warehouse.run(
      "create or replace table staging.lookup_shop_name (shop_id varchar, shop_name varchar)",
    );
    for (const [shopId, {name}] of Object.entries(config.shops)) {
      await warehouse.run("insert into staging.lookup_shop_name values ($id, $name)", {id: shopId, name});
    }
    for (const model of CORE_MODELS) await warehouse.run(await readModel(model));
    await warehouse.setSetting("core_stale", "false");
    await warehouse.setSetting("core_config", fingerprint(config));
  });
}

/** Readers call this first: a warehouse whose core lags what was loaded is refreshed before use. */
export async function ensureFresh(warehouse: Warehouse, config: Config): Promise<boolean> {
  const stale = (await warehouse.setting("core_stale")) !== "false";
  const changed = (await warehouse.setting("core_config")) !== fingerprint(config);
  if (!stale && !changed) return false;
  await ensureTables(warehouse);
  await refreshCore(warehouse, config);
  return true;
}
