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

export function createRawTableSql(kind: FileKind): string {
  const body = [
    ...LINEAGE,
    ...rawTableColumns(kind).map((c) => `${quotedIdentifier(c.name)} ${c.type}`),
  ].join(",\n    ");
  return `create table if not exists raw.${TABLE[kind]} (\n    ${body}\n)`;
}

/**
 * Staging is a view: the typed, cleaned projection of raw, without the rows that were rejected.
 * Reading it costs one scan of raw; materializing it would cost a second copy of every file.
 */
export function stagingViewSql(kind: FileKind): string {
  const values = COLUMNS[kind].map((spec) => {
    const column = `raw.${quotedIdentifier(spec.name)}`;
    const typed = spec.type === "pii" ? column : parseExpression(spec.type, cleanExpression(column));
    return `${typed} as ${quotedIdentifier(stagingColumn(spec).name)}`;
  });
  return `create or replace view staging.${TABLE[kind]} as
select raw.file_id, raw.shop_id, raw.source_row,
    ${values.join(",\n    ")}
from raw.${TABLE[kind]} as raw
where not exists (
    select 1 from meta.rejects as rejects
    where rejects.file_id = raw.file_id and rejects.source_row = raw.source_row
)`;
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
 * One scan of a file's raw rows that lists every bad cell: unparseable IDs, money, times and counts
 * in the columns the file has, and missing keys. `headerOf` gives the file's own header text so the
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
    const rawValue = quotedIdentifier(spec.name);
    const cleaned = cleanExpression(rawValue);
    const header = quotedString(headerOf(spec));
    const add = (condition: string, reason: string) => {
      conditions.push(condition);
      problems.push(
        `case when ${condition} then {'column_name': ${header}, 'raw_value': ${rawValue}, 'reason': ${reason}} end`,
      );
    };
    const filled = hasValueExpression(rawValue);
    if (keys.has(spec.name)) add(`not ${filled}`, quotedString(`missing key ${headerOf(spec)}`));
    const rule = REASONS[spec.type];
    if (!rule) continue;
    let reason = quotedString(rule);
    if (spec.type === "id") {
      // A 19-digit ID saved as a number by Excel comes back as 6.96531585375163E+18: name the cause.
      reason = `case when regexp_matches(${rawValue}, '^[0-9.]+[eE][+]?[0-9]+$') then ${quotedString(EXCEL_ROUNDED_ID)} else ${reason} end`;
    }
    add(`((${parseExpression(spec.type, cleaned)}) is null and ${filled})`, reason);
  }
  if (problems.length === 0) return "";
  return `insert into meta.rejects (file_id, source_row, column_name, raw_value, reason)
select file_id, source_row, problem.column_name, problem.raw_value, problem.reason
from (
    select file_id, source_row, unnest(list_filter([
        ${problems.join(",\n        ")}
    ], p -> p is not null)) as problem
    from raw.${TABLE[kind]}
    -- The cheap test first: the list of problems is only built for rows that have one.
    where file_id = $file_id and (${conditions.join("\n        or ")})
)`;
}
