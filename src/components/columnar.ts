/**
 * Loader output published column-wise: `{column: [values…], …}` (or `[{…}]`), one list per
 * column in row order — about a third of the JSON of one object per row, since key names are not
 * repeated. Loaders opt in with `emitQuery(name, {columnar: true})` (src/pipelines/site/loader.ts).
 */

/**
 * The rows of a column-wise payload. With `columns`, only those are read; without, every list.
 * NULL or missing lists (no rows) give no rows; lists of different lengths are an error.
 */
export function fromColumns<R>(payload: unknown, columns?: readonly (keyof R & string)[]): R[] {
  const table = (Array.isArray(payload) ? payload[0] : payload) as Record<string, unknown> | null | undefined;
  if (!table) return [];
  const names = columns ?? (Object.keys(table) as (keyof R & string)[]);
  const lists = names.map((column) => {
    const list = table[column];
    return Array.isArray(list) ? list : [];
  });
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

/** Rows → one list per column (the columns of the first row, in order). */
export function toColumns(rows: readonly Record<string, unknown>[]): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {};
  const names = rows.length ? Object.keys(rows[0]!) : [];
  for (const name of names) columns[name] = rows.map((row) => row[name] ?? null);
  return columns;
}
