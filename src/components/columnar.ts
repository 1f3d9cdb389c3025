/**
 * Loader output published column-wise: `{column: [values…], …}` (or `[{…}]`), one list per
 * column in row order — key names are not repeated for every row. A text column whose values
 * repeat (shop, category, channel, province, week) is dictionary-encoded as
 * `{dictionary: [distinct values…], codes: [index per row…]}`. Together about a fifth of the JSON
 * of one object per row. Loaders opt in with `emitQuery(name, {columnar: true})`
 * (src/pipelines/site/loader.ts); pages read it back with `fromColumns`.
 */

export interface DictionaryColumn {
  dictionary: unknown[];
  codes: number[];
}

function isDictionary(value: unknown): value is DictionaryColumn {
  return (
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as DictionaryColumn).dictionary) &&
    Array.isArray((value as DictionaryColumn).codes)
  );
}

function columnValues(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isDictionary(value)) return value.codes.map((code) => value.dictionary[code] ?? null);
  return [];
}

/**
 * The rows of a column-wise payload. With `columns`, only those are read; without, every column.
 * NULL or missing columns (no rows) give no rows; columns of different lengths are an error.
 */
export function fromColumns<R>(payload: unknown, columns?: readonly (keyof R & string)[]): R[] {
  const table = (Array.isArray(payload) ? payload[0] : payload) as Record<string, unknown> | null | undefined;
  if (!table) return [];
  const names = columns ?? (Object.keys(table) as (keyof R & string)[]);
  const lists = names.map((column) => columnValues(table[column]));
  const length = Math.max(0, ...lists.map((list) => list.length));
  for (const [i, list] of lists.entries())
    if (list.length !== length)
      throw new Error(`column ${names[i]} has ${list.length} values, expected ${length}`);
  return Array.from({length}, (_, row) => {
    const record: Record<string, unknown> = {};
    names.forEach((column, i) => (record[column] = lists[i]![row] ?? null));
    return record as R;
  });
}

/**
 * Rows → one entry per column (the columns of the first row, in order): a list, or for text
 * columns with at most half as many distinct values as rows, a dictionary and codes.
 */
export function toColumns(
  rows: readonly Record<string, unknown>[],
): Record<string, unknown[] | DictionaryColumn> {
  const columns: Record<string, unknown[] | DictionaryColumn> = {};
  const names = rows.length ? Object.keys(rows[0]!) : [];
  for (const name of names) {
    const values = rows.map((row) => row[name] ?? null);
    const textual = values.every((v) => v === null || typeof v === "string");
    const distinct = textual ? new Map<unknown, number>() : null;
    if (distinct) for (const v of values) if (!distinct.has(v)) distinct.set(v, distinct.size);
    columns[name] =
      distinct && values.length >= 4 && distinct.size * 2 <= values.length
        ? {dictionary: [...distinct.keys()], codes: values.map((v) => distinct.get(v)!)}
        : values;
  }
  return columns;
}
