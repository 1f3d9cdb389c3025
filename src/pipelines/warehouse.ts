import {DuckDBConnection, DuckDBInstance, type DuckDBValue} from "@duckdb/node-api";
import {mkdir, readFile, readdir} from "node:fs/promises";
import {totalmem} from "node:os";
import {dirname} from "node:path";
import {fileURLToPath} from "node:url";
import {PipelineError, errorMessage} from "./errors.js";

export type Json = string | number | boolean | null | Json[] | {[key: string]: Json};
export type Row = Record<string, Json>;
export type Params = Record<string, DuckDBValue>;

const modelsDir = fileURLToPath(new URL("./models/", import.meta.url));

/** Reads a SQL file under src/pipelines/models (cached: the files don't change while we run). */
const sqlCache = new Map<string, string>();
export async function readModel(relativePath: string): Promise<string> {
  let sql = sqlCache.get(relativePath);
  if (sql === undefined) {
    sql = await readFile(modelsDir + relativePath, "utf8");
    sqlCache.set(relativePath, sql);
  }
  return sql;
}

/** The SQL files of one folder under src/pipelines/models, as readModel paths, sorted. */
export async function listModels(folder: string): Promise<string[]> {
  const files = await readdir(modelsDir + folder);
  return files
    .filter((file) => file.endsWith(".sql"))
    .sort()
    .map((file) => `${folder}/${file}`);
}

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Bytes of a DuckDB memory setting such as "1536MB" or "4GiB"; NaN when it can't be read. */
export function memoryBytes(setting: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(setting);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  return match && unit ? Number(match[1]) * unit : NaN;
}

/**
 * The second chance of a transaction that ran out of memory: RETURNSCOPE_MEMORY_CEILING, else half
 * of this machine's memory but at most 4 GB (so that a 10M-line warehouse stays within 6 GB).
 */
export function memoryCeiling(): string {
  if (process.env.RETURNSCOPE_MEMORY_CEILING) return process.env.RETURNSCOPE_MEMORY_CEILING;
  return `${Math.floor(Math.min(totalmem() / 2, 4 * 2 ** 30) / 2 ** 20)}MiB`;
}

const OUT_OF_MEMORY = /Out of Memory Error/i;

/**
 * One open warehouse file. A writer holds the only read-write handle to the file; readers (data
 * loaders) open it read-only, which DuckDB allows only while no writer has it open.
 */
export class Warehouse {
  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    /** DuckDB's memory_limit as opened, and the ceiling a transaction may retry at. */
    readonly memoryLimit: string,
    readonly memoryCeiling: string,
  ) {}

  /** Called when a transaction ran out of memory and is retried with more (for the logs). */
  onMemoryRetry: (message: string) => void = (message) => process.stderr.write(`${message}\n`);

  static async open(
    path: string,
    options: {readOnly?: boolean; threads?: number; memoryLimit?: string; memoryCeiling?: string} = {},
  ): Promise<Warehouse> {
    const readOnly = options.readOnly ?? false;
    if (!readOnly && path !== ":memory:") await mkdir(dirname(path), {recursive: true});
    // No TimeZone setting: it needs the icu extension, which this build autoloads from the network.
    // A ceiling on DuckDB's own memory (it spills to disk beyond it), so that large loads stay
    // within what a merchant's laptop or a small server has; RETURNSCOPE_MEMORY_LIMIT overrides it.
    const settings: Record<string, string> = {
      // 1.5 GB rather than 1 GB: at 1 GB, loading a 1M-line order export (75 text columns) spent a
      // third of its time evicting buffers (bench:ingest, raw layer 15 s → 9 s), while peak memory
      // stays under 2 GB.
      // Where a statement can't spill (10M lines: some state merges and marts), the transaction is
      // retried once at a higher ceiling (see transaction()).
      memory_limit: options.memoryLimit ?? process.env.RETURNSCOPE_MEMORY_LIMIT ?? "1536MB",
      // DuckDB checkpoints (rewrites the database file) whenever the WAL passes 16 MB, which made
      // every file's commit cost a checkpoint of the whole warehouse. The WAL is just as durable;
      // ingest checkpoints once at the end of a run instead (and DuckDB does on close).
      checkpoint_threshold: "4GB",
    };
    if (readOnly) settings.access_mode = "READ_ONLY";
    if (options.threads) settings.threads = String(options.threads);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, settings);
    } catch (error) {
      const message = errorMessage(error);
      const hint = /lock/i.test(message) ? " (another Returnscope process has it open for writing)" : "";
      throw new PipelineError(
        `cannot open warehouse${hint}: ${message}`,
        {file: path, step: "warehouse"},
        {cause: error},
      );
    }
    const connection = await instance.connect();
    const warehouse = new Warehouse(
      path,
      readOnly,
      instance,
      connection,
      settings.memory_limit!,
      options.memoryCeiling ?? memoryCeiling(),
    );
    if (!readOnly) await warehouse.run(await readModel("meta/schema.sql"));
    return warehouse;
  }

  /**
   * Runs SQL. A script of several statements with parameters is run statement by statement, each
   * given only the parameters it names: DuckDB binds parameters per prepared statement and rejects
   * both missing and unused ones. (Our SQL files have no semicolons inside strings.)
   */
  async run(sql: string, params?: Params): Promise<void> {
    if (!params) {
      await this.connection.run(sql);
      return;
    }
    const statements = sql
      .split(/;\s*(?:\n|$)/)
      .filter((statement) => statement.replace(/--.*$/gm, "").trim() !== "");
    for (const statement of statements) {
      const used = Object.fromEntries(
        Object.entries(params).filter(([name]) => new RegExp(`\\$${name}\\b`).test(statement)),
      );
      await this.connection.run(statement, used);
    }
  }

  async all(sql: string, params?: Params): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return reader.getRowObjectsJson() as Row[];
  }

  async one(sql: string, params?: Params): Promise<Row | undefined> {
    return (await this.all(sql, params))[0];
  }

  /**
   * Runs fn in a transaction: all of it is committed, or none of it. When DuckDB runs out of memory
   * in it (an operator that can't spill to disk), the transaction is rolled back and fn runs once
   * more with memory_limit raised to the ceiling, then the limit goes back: small warehouses keep a
   * small footprint and large ones still build. fn must not keep state across its runs.
   * With a memoryKey, a retry that succeeds is remembered in meta.settings (`memory_ceiling:<key>`),
   * and the next transaction with that key starts at the ceiling: at 10M order lines, return_costs
   * spent 40 s failing at 1.5 GB before every rebuild's successful run at 4 GB.
   * With atCeiling, fn runs at the ceiling from the start: for work known to spill heavily below it
   * (a model with an `-- @memory: ceiling` line, metrics/refresh.ts).
   */
  async transaction<T>(
    fn: () => Promise<T>,
    options: {memoryKey?: string; atCeiling?: boolean} = {},
  ): Promise<T> {
    const canRaise = memoryBytes(this.memoryCeiling) > memoryBytes(this.memoryLimit);
    if (options.atCeiling && canRaise) return this.atCeiling(() => this.transactionOnce(fn));
    const key =
      options.memoryKey === undefined || this.readOnly ? undefined : `memory_ceiling:${options.memoryKey}`;
    if (key && canRaise && (await this.setting(key)) !== undefined)
      return this.atCeiling(() => this.transactionOnce(fn));
    try {
      return await this.transactionOnce(fn);
    } catch (error) {
      if (!OUT_OF_MEMORY.test(errorMessage(error)) || !canRaise) throw error;
      this.onMemoryRetry(
        `warehouse: out of memory at memory_limit ${this.memoryLimit}; retrying the transaction at ${this.memoryCeiling}`,
      );
      const result = await this.atCeiling(() => this.transactionOnce(fn));
      if (key) await this.setSetting(key, this.memoryLimit);
      return result;
    }
  }

  private async atCeiling<T>(fn: () => Promise<T>): Promise<T> {
    await this.run(`set memory_limit = '${this.memoryCeiling}'`);
    try {
      return await fn();
    } finally {
      await this.run(`set memory_limit = '${this.memoryLimit}'`);
    }
  }

  private async transactionOnce<T>(fn: () => Promise<T>): Promise<T> {
    await this.run("begin transaction");
    try {
      const result = await fn();
      await this.run("commit");
      return result;
    } catch (error) {
      await this.run("rollback").catch(() => {});
      throw error;
    }
  }

  async setting(key: string): Promise<string | undefined> {
    const row = await this.one("select value from meta.settings where key = $key", {key});
    return row ? String(row.value) : undefined;
  }

  async setSetting(key: string, value: string): Promise<void> {
    await this.run("insert or replace into meta.settings values ($key, $value)", {key, value});
  }

  private readonly closers: (() => unknown)[] = [];

  /** Something to do right after the warehouse closes (release the writer's lock). */
  onClose(fn: () => unknown): void {
    this.closers.push(fn);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
    for (const fn of this.closers.splice(0)) void fn();
  }
}

export async function withWarehouse<T>(
  path: string,
  options: {readOnly?: boolean},
  fn: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  const warehouse = await Warehouse.open(path, options);
  try {
    return await fn(warehouse);
  } finally {
    warehouse.close();
  }
}
