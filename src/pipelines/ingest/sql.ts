import {quotedIdentifier, quotedString} from "@duckdb/node-api";
import {COLUMNS, KEY_COLUMNS, type ColumnSpec, type FileKind} from "./columns.js";

/**
 * SQL derived from the column specs in columns.ts, so that a column is declared once: the raw
 * table, the staging view (cleaned and typed), and the per-cell checks. Business rules built on
 * top (current state, lookups) live in models/*.sql.
 */
export const TABLE: Record<FileKind, string> = {
  order: "order_lines",
  after_sale: "after_sales",
  sku_master: "sku_master",
};

/** The staging name and type of a column. */
export function stagingColumn(spec: ColumnSpec): {name: string; type: string} {
  switch (spec.type) {
    case "money":
      return {name: `${spec.name}_amount`, type: "decimal(18, 2)"};
    case "timestamp":
      return {name: spec.name, type: "timestamp"};
    case "integer":
      return {name: spec.name, type: "integer"};
    case "pii":
      return {name: `${spec.name}_hash`, type: "varchar"};
    default:
      return {name: spec.name, type: "varchar"};
  }
}

// Cleaning rules for export cells, defined once. Exports force text in Excel with tab characters
// and leading apostrophes, pad with spaces (full-width ones too), and write "-", "--" or nothing
// for no value. Each rule is one regular-expression pass emitted as plain SQL: DuckDB plans
// macros, IN lists and CASE copies of a long expression very slowly over 75 columns, and runs
// list_contains slowly per row; nested regexp_replace is cheap on both counts.
const TRIM = quotedString("\t|^[ \u3000\r\n']+|[ \u3000\r\n]+$");
const NULL_TOKEN = quotedString("^(-|--|null|NULL|Null)$");

/** The cleaned text of a raw cell: NULL for no value. */
export function cleanExpression(column: string): string {
  return `nullif(regexp_replace(regexp_replace(${column}, ${TRIM}, '', 'g'), ${NULL_TOKEN}, ''), '')`;
}

const TIMESTAMP_FORMATS = [
  "%Y-%m-%d %H:%M:%S",
  "%Y/%m/%d %H:%M:%S",
  "%Y-%m-%d %H:%M",
  "%Y/%m/%d %H:%M",
  "%Y-%m-%d",
  "%Y/%m/%d",
];

/** Typed value of a cleaned expression, or NULL when the text doesn't parse; each reads it once. */
export function parseExpression(type: ColumnSpec["type"], cleaned: string): string {
  switch (type) {
    case "id":
      return `nullif(regexp_extract(${cleaned}, '^[0-9]{1,24}$'), '')`;
    case "money":
      return `try_cast(regexp_replace(${cleaned}, '[,¥￥]', '', 'g') as decimal(18, 2))`;
    case "timestamp":
      return `try_strptime(${cleaned}, [${TIMESTAMP_FORMATS.map(quotedString).join(", ")}])`;
    case "integer":
      return `try_cast(nullif(regexp_extract(${cleaned}, '^([0-9]{1,9})([.]0+)?$', 1), '') as integer)`;
    default:
      return cleaned;
  }
}

/**
 * Whether a raw cell holds a value, without cleaning it: some character other than the padding and
 * no-value marks that cleaning removes. One cheap regular expression, for the checks below.
 */
export function hasValueExpression(column: string): string {
  return `coalesce(regexp_matches(${column}, '[^-\\s\u3000'']') and ${column} not in ('null', 'NULL', 'Null'), false)`;
}

/** A buyer-identifying cell: the keyed hash of its cleaned text ($salt), never the text. */
export function hashExpression(column: string): string {
  return `sha256($salt || ${cleanExpression(column)})`;
}

const LINEAGE = ["file_id integer not null", "shop_id varchar not null", "source_row bigint not null"];

export function rawTableColumns(kind: FileKind): {name: string; type: string}[] {
  return [
    ...COLUMNS[kind].map((spec) => ({name: spec.name, type: "varchar"})),
    {name: "extra_columns", type: "json"},
  ];
}

/** The columns carried into staging: all but those kept in raw only. */
export function stagedColumns(kind: FileKind): ColumnSpec[] {
  return COLUMNS[kind].filter((spec) => spec.type !== "raw");
}

export function stagingTableColumns(kind: FileKind): {name: string; type: string}[] {
  return stagedColumns(kind).map(stagingColumn);
}

export function createTableSql(schema: "raw" | "staging", kind: FileKind): string {
  const columns = schema === "raw" ? rawTableColumns(kind) : stagingTableColumns(kind);
  const body = [...LINEAGE, ...columns.map((c) => `${quotedIdentifier(c.name)} ${c.type}`)].join(",\n    ");
  return `create table if not exists ${schema}.${TABLE[kind]} (\n    ${body}\n)`;
}

/**
 * The cleaned, typed projection of one file's raw rows into staging. Cells that don't parse become
 * NULL here; rejectsInsertSql then finds them by comparing with raw, and their rows are removed.
 */
export function stagingInsertSql(kind: FileKind, present: readonly ColumnSpec[]): string {
  const staged = present.filter((spec) => spec.type !== "raw");
  const names = [
    "file_id",
    "shop_id",
    "source_row",
    ...staged.map((spec) => quotedIdentifier(stagingColumn(spec).name)),
  ];
  const values = staged.map((spec) => {
    const column = quotedIdentifier(spec.name);
    return spec.type === "pii" ? column : parseExpression(spec.type, cleanExpression(column));
  });
  return `insert into staging.${TABLE[kind]} (${names.join(", ")})
select file_id, shop_id, source_row,
    ${values.join(",\n    ")}
from raw.${TABLE[kind]}
where file_id = $file_id`;
}

const REASONS: Partial<Record<ColumnSpec["type"], string>> = {
  id: "expected an ID of digits only",
  money: "expected an amount in 元 such as 1,299.00",
  timestamp: "expected a time such as 2026-11-02 14:05:09 (YYYY-MM-DD HH:MM:SS)",
  integer: "expected a whole number",
};

const EXCEL_ROUNDED_ID =
  "ID was stored as a number and has lost its digits (format the column as text before saving in Excel)";

/**
 * Every bad cell of one file: a typed value that is NULL in staging where raw holds a value (so it
 * did not parse), and missing keys. Parsing happened once, in staging; here the cheap has-a-value
 * test runs only where a typed value is NULL. `headerOf` gives the file's own header text so the
 * message names the column as the user sees it; the raw value is reported as read.
 */
export function rejectsInsertSql(
  kind: FileKind,
  present: readonly ColumnSpec[],
  headerOf: (spec: ColumnSpec) => string,
): string {
  const problems: string[] = [];
  const conditions: string[] = [];
  const keys = new Set(KEY_COLUMNS[kind]);
  for (const spec of present) {
    const rule = REASONS[spec.type];
    if (!rule && !keys.has(spec.name)) continue;
    const rawValue = `raw.${quotedIdentifier(spec.name)}`;
    const typed = `staged.${quotedIdentifier(stagingColumn(spec).name)}`;
    const header = quotedString(headerOf(spec));
    const filled = hasValueExpression(rawValue);
    const add = (condition: string, reason: string) => {
      conditions.push(condition);
      problems.push(
        `case when ${condition} then {'column_name': ${header}, 'raw_value': ${rawValue}, 'reason': ${reason}} end`,
      );
    };
    if (keys.has(spec.name))
      add(`(${typed} is null and not ${filled})`, quotedString(`missing key ${headerOf(spec)}`));
    if (!rule) continue;
    let reason = quotedString(rule);
    if (spec.type === "id") {
      // A 19-digit ID saved as a number by Excel comes back as 6.96531585375163E+18: name the cause.
      reason = `case when regexp_matches(${rawValue}, '^[0-9.]+[eE][+]?[0-9]+$') then ${quotedString(EXCEL_ROUNDED_ID)} else ${reason} end`;
    }
    add(`(${typed} is null and ${filled})`, reason);
  }
  if (problems.length === 0) return "";
  return `insert into meta.rejects (file_id, source_row, column_name, raw_value, reason)
select file_id, source_row, problem.column_name, problem.raw_value, problem.reason
from (
    select staged.file_id, staged.source_row, unnest(list_filter([
        ${problems.join(",\n        ")}
    ], p -> p is not null)) as problem
    from staging.${TABLE[kind]} as staged
    inner join raw.${TABLE[kind]} as raw on raw.file_id = staged.file_id and raw.source_row = staged.source_row
    where staged.file_id = $file_id and raw.file_id = $file_id
        and (${conditions.join("\n        or ")})
)`;
}

/** Rejected rows leave staging: a row loads whole or not at all. */
export function stagingDeleteRejectedSql(kind: FileKind): string {
  return `delete from staging.${TABLE[kind]}
where file_id = $file_id
    and source_row in (select source_row from meta.rejects where file_id = $file_id and source_row is not null)`;
}
