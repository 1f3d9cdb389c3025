import {FILE_KINDS, type FileKind} from "./ingest/columns.js";
import type {KindTotals} from "./ingest/ingest.js";
import type {Warehouse} from "./warehouse.js";

export interface FileStatusRow {
  path: string;
  sha256: string;
  kind: FileKind | null;
  shop: string;
  status: "loaded" | "failed";
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  message: string;
  finished_at: string | null;
}

export interface StatusReport {
  warehouse: string;
  files: FileStatusRow[];
  totals: Record<FileKind, KindTotals>;
  tables: Record<string, number>;
  rejects: {kind: string; column_name: string | null; reason: string; count: number; example: string}[];
  unknown_values: {column_name: string; value: string; row_count: number}[];
}

/** What is loaded, what failed (and hasn't loaded since), what was rejected and what is unknown. */
export async function statusReport(warehouse: Warehouse): Promise<StatusReport> {
  const files = (await warehouse.all(`
    with attempts as (
        select *, row_number() over (partition by coalesce(nullif(sha256, ''), path) order by started_at desc, file_id desc) as attempt_rank
        from meta.ingest_log
    ),
    loaded_hashes as (select sha256 from meta.ingest_log where status = 'loaded')
    select path, sha256, kind, shop_id as shop, status, rows_read::integer as rows_read,
        rows_loaded::integer as rows_loaded, rows_rejected::integer as rows_rejected,
        coalesce(message, '') as message, strftime(finished_at, '%Y-%m-%d %H:%M:%S%z') as finished_at
    from attempts
    where (status = 'loaded') or (attempt_rank = 1 and sha256 not in (select sha256 from loaded_hashes))
    order by status desc, shop_id, path`)) as unknown as FileStatusRow[];
  const totals = Object.fromEntries(
    FILE_KINDS.map((kind) => [kind, {files: 0, rows_read: 0, rows_loaded: 0, rows_rejected: 0}]),
  ) as Record<FileKind, KindTotals>;
  for (const file of files) {
    if (file.status !== "loaded" || !file.kind) continue;
    const total = totals[file.kind];
    total.files++;
    total.rows_read += file.rows_read;
    total.rows_loaded += file.rows_loaded;
    total.rows_rejected += file.rows_rejected;
  }
  const tables: Record<string, number> = {};
  for (const table of ["core.order_lines", "core.after_sales", "core.skus", "core.shops"]) {
    const exists = await warehouse.one(
      "select count(*)::integer as n from information_schema.tables where table_schema || '.' || table_name = $t",
      {t: table},
    );
    tables[table] = exists?.n
      ? Number((await warehouse.one(`select count(*)::integer as n from ${table}`))!.n)
      : 0;
  }
  const rejects = (await warehouse.all(`
    select log.kind, rejects.column_name, rejects.reason, count(*)::integer as count,
        min(log.path || ' row ' || coalesce(rejects.source_row::varchar, '?') || ': ' || coalesce(rejects.raw_value, '(空)')) as example
    from meta.rejects as rejects
    inner join meta.ingest_log as log on log.file_id = rejects.file_id and log.status = 'loaded'
    group by all
    order by count desc, kind, column_name`)) as unknown as StatusReport["rejects"];
  const hasUnknown = await warehouse.one(
    "select count(*)::integer as n from information_schema.tables where table_schema = 'meta' and table_name = 'unknown_values'",
  );
  const unknown_values = hasUnknown?.n
    ? ((await warehouse.all(
        "select * from meta.unknown_values",
      )) as unknown as StatusReport["unknown_values"])
    : [];
  return {warehouse: warehouse.path, files, totals, tables, rejects, unknown_values};
}
