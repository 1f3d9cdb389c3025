/**
 * The one helper behind every data loader in src/data: open the warehouse read-only, run the
 * loader's query (src/pipelines/site/queries/<name>.sql) and write the rows to stdout as JSON.
 * Loaders run inside `observable build`, after the pipeline has closed its writer.
 */
import {existsSync} from "node:fs";
import {readFile} from "node:fs/promises";
import {join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {PipelineError, errorMessage} from "../errors.js";
import type {Warehouse, Json} from "../warehouse.js";
import {toColumns} from "../../components/columnar.js";

export const DEFAULT_WAREHOUSE = "./data/warehouse.duckdb";

const queriesDir = fileURLToPath(new URL("./queries/", import.meta.url));

export function warehousePath(env: Record<string, string | undefined>, cwd = process.cwd()): string {
  return resolve(cwd, env.RETURNSCOPE_WAREHOUSE || DEFAULT_WAREHOUSE);
}

export async function readQuery(name: string): Promise<string> {
  if (!/^[a-z_]+$/.test(name)) throw new PipelineError(`loader query names are lowercase words: ${name}`);
  return readFile(`${queriesDir}${name}.sql`, "utf8");
}

export async function tableExists(warehouse: Warehouse, qualified: string): Promise<boolean> {
  const [schema, table] = qualified.split(".");
  const row = await warehouse.one(
    "select count(*)::integer as n from information_schema.tables where table_schema = $schema and table_name = $table",
    {schema: schema ?? "", table: table ?? ""},
  );
  return Number(row?.n ?? 0) > 0;
}

export interface LoaderOptions {
  /** A table the query needs; when the warehouse has no such table the loader writes `null`. */
  optionalTable?: string;
  /**
   * Publish column-wise, `{column: [values…]}` (components/columnar.ts `fromColumns` reads it):
   * for loaders of many rows, where repeating every key name would triple the bytes.
   */
  columnar?: boolean;
}

/** Runs the named query against an open warehouse: the rows, or null when an optional table is missing. */
export async function loadRows(
  warehouse: Warehouse,
  name: string,
  options: LoaderOptions = {},
): Promise<Json[] | null> {
  if (options.optionalTable && !(await tableExists(warehouse, options.optionalTable))) return null;
  return warehouse.all(await readQuery(name));
}

export interface LoaderIo {
  env: Record<string, string | undefined>;
  write: (text: string) => void;
  /** Where a failure is reported (one line, no stack trace) before the loader exits non-zero. */
  fail: (message: string) => void;
}

const processIo: LoaderIo = {
  env: process.env,
  write: (text) => void process.stdout.write(text),
  fail: (message) => {
    process.stderr.write(`error: ${message}\n`);
    process.exitCode = 1;
  },
};

/** The file name under RETURNSCOPE_LOADER_CACHE of a loader's precomputed output. */
export function cacheKey(name: string, options: LoaderOptions = {}): string {
  return `${name}${options.columnar ? ".columns" : ""}.json`;
}

/** What a loader writes: the rows (or null), as JSON, column-wise when asked. */
export async function loaderText(
  warehouse: Warehouse,
  name: string,
  options: LoaderOptions = {},
): Promise<string> {
  const rows = await loadRows(warehouse, name, options);
  return JSON.stringify(rows && options.columnar ? toColumns(rows as Record<string, unknown>[]) : rows);
}

/**
 * The whole body of a data loader: `await emitQuery("problem_skus")`. A failure is reported on
 * stderr and the process exits non-zero, which fails `observable build`.
 *
 * `returnscope build` runs every loader's query first, in one process with the warehouse open
 * once (precompute.ts), and passes the folder as RETURNSCOPE_LOADER_CACHE: a loader then writes
 * that output instead of opening the warehouse itself — the same bytes, without a DuckDB start and
 * a warehouse open per loader. Without the variable (observable preview, tests) it queries.
 */
export async function emitQuery(name: string, options: LoaderOptions = {}, io = processIo): Promise<void> {
  try {
    const cache = io.env.RETURNSCOPE_LOADER_CACHE;
    if (cache) {
      const cached = await readFile(join(cache, cacheKey(name, options)), "utf8").catch(() => null);
      if (cached !== null) {
        io.write(cached);
        return;
      }
    }
    const {Warehouse} = await import("../warehouse.js");
    const path = warehousePath(io.env);
    if (!existsSync(path))
      throw new PipelineError(
        `no warehouse at ${path}: run \`returnscope demo\` or \`returnscope ingest\` first`,
      );
    const warehouse = await Warehouse.open(path, {readOnly: true});
    try {
      const rows = await loadRows(warehouse, name, options);
      io.write(
        JSON.stringify(rows && options.columnar ? toColumns(rows as Record<string, unknown>[]) : rows),
      );
    } finally {
      warehouse.close();
    }
  } catch (error) {
    io.fail(`data loader ${name}: ${errorMessage(error)}`);
  }
}
