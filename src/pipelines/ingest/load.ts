import {quotedIdentifier, quotedString} from "@duckdb/node-api";
import {copyFile, mkdir, mkdtemp, rm, stat} from "node:fs/promises";
import {tmpdir} from "node:os";
import {basename, join} from "node:path";
import {COLUMNS, FILE_KIND_LABELS, type ColumnSpec, type FileKind} from "./columns.js";
import {detectKind, mapHeaders, type HeaderMapping} from "./headers.js";
import {prepareSource, renumberCsv, sha256File, type PreparedSource} from "./source.js";
import {TABLE, hashExpression, rejectsInsertSql, stagingDeleteRejectedSql, stagingInsertSql} from "./sql.js";
import type {SourceFile} from "./discover.js";
import {PipelineError, errorMessage} from "../errors.js";
import type {Warehouse} from "../warehouse.js";

export type FileStatus = "loaded" | "failed" | "skipped";

export interface FileResult {
  path: string;
  sha256: string;
  kind: FileKind | null;
  shop: string;
  status: FileStatus;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
  message: string;
}

export interface LoadOptions {
  /** Keyed hash salt for buyer PII; see pii.ts. */
  salt: string;
  now: () => Date;
  quarantine: string | null;
  onProgress?: (phase: string, fraction: number | null) => void;
  /** Runs inside the file's transaction once its rows are staged (core maintenance). */
  afterLoad?: (kind: FileKind, fileId: number) => Promise<void>;
  /** Test hook: throw at a named step to prove a file is all-or-nothing. */
  fault?: (step: string) => void;
}

const NO_KIND =
  "cannot tell what kind of file this is from its headers: expected 售后单号 (售后单导出), 子订单编号 (订单导出), " +
  "or 商家编码 with 尺码/颜色/品类/成本价/款号 (商品档案)";

/** Ingests one file: all of its rows, or — on any error — none of them. */
export async function loadFile(
  warehouse: Warehouse,
  file: SourceFile,
  options: LoadOptions,
): Promise<FileResult> {
  const result: FileResult = {
    path: file.displayPath,
    sha256: "",
    kind: null,
    shop: file.shop,
    status: "failed",
    rows_read: 0,
    rows_loaded: 0,
    rows_rejected: 0,
    message: "",
  };
  const startedAt = options.now();
  const tempDir = await mkdtemp(join(tmpdir(), "returnscope-"));
  let prepared: PreparedSource | undefined;
  try {
    options.onProgress?.("hashing", null);
    result.sha256 = await sha256File(file.path);
    const previous = await warehouse.one(
      "select path from meta.ingest_log where sha256 = $sha256 and status = 'loaded' limit 1",
      {sha256: result.sha256},
    );
    if (previous) {
      result.status = "skipped";
      result.message =
        previous.path === file.displayPath ? "already loaded" : `already loaded as ${previous.path}`;
      return result;
    }
    options.onProgress?.("reading", null);
    prepared = await prepareSource(file.path, file.displayPath, tempDir, {stream: true});
    const kind = detectKind(prepared.headers);
    if (!kind)
      throw new PipelineError(`${NO_KIND}; found: ${prepared.headers.slice(0, 12).join(", ")}`, {
        file: file.displayPath,
      });
    result.kind = kind;
    const mapping = mapHeaders(kind, prepared.headers);
    if (mapping.missing.length > 0) {
      throw new PipelineError(
        `${FILE_KIND_LABELS[kind]} lacks required columns: ${mapping.missing.join(", ")}`,
        {
          file: file.displayPath,
        },
      );
    }
    const source = prepared;
    const counts = await warehouse.transaction(async () => {
      const fileId = Number(
        (await warehouse.one("select nextval('meta.file_id_sequence')::integer as id"))!.id,
      );
      const loaded = await insertRaw(warehouse, fileId, file, source, mapping, options, tempDir);
      options.fault?.("after-raw");
      const present = mapping.columns.filter((spec): spec is ColumnSpec => spec !== null);
      const headerOf = (spec: ColumnSpec) => mapping.headers[mapping.columns.indexOf(spec)]!;
      options.onProgress?.("typing", null);
      await warehouse.run(stagingInsertSql(kind, present), {file_id: fileId});
      options.onProgress?.("checking", null);
      const rejectsSql = rejectsInsertSql(kind, present, headerOf);
      if (rejectsSql) {
        await warehouse.run(rejectsSql, {file_id: fileId});
        await warehouse.run(stagingDeleteRejectedSql(kind), {file_id: fileId});
      }
      options.fault?.("after-staging");
      // A row is read once (raw, or malformed), rejected once whatever its number of bad cells.
      const stats = (await warehouse.one(
        `select
            (select count(*)::integer from raw.${TABLE[kind]} where file_id = $file_id) + $malformed as rows_read,
            (select count(distinct source_row)::integer from meta.rejects where file_id = $file_id) as rows_rejected`,
        {file_id: fileId, malformed: loaded.malformed},
      ))!;
      stats.rows_loaded = Number(stats.rows_read) - Number(stats.rows_rejected);
      const asOf =
        kind === "sku_master" ? await modifiedAt(file.path) : await fileAsOf(warehouse, kind, fileId);
      await warehouse.run(
        `insert into meta.ingest_log
         (file_id, path, sha256, kind, shop_id, format, encoding, known_columns, extra_columns,
          rows_read, rows_loaded, rows_rejected, as_of, started_at, finished_at, status, message)
         values ($file_id, $path, $sha256, $kind, $shop, $format, $encoding, $known::varchar[], $extra::varchar[],
          $rows_read, $rows_loaded, $rows_rejected, $as_of::timestamp, $started::timestamptz, $finished::timestamptz, 'loaded', $message)`,
        {
          file_id: fileId,
          path: file.displayPath,
          sha256: result.sha256,
          kind,
          shop: file.shop,
          format: source.format,
          encoding: source.encoding,
          known: JSON.stringify(mapping.headers.filter((_, i) => mapping.columns[i] !== null)),
          extra: JSON.stringify(mapping.headers.filter((_, i) => mapping.columns[i] === null)),
          rows_read: Number(stats.rows_read),
          rows_loaded: Number(stats.rows_loaded),
          rows_rejected: Number(stats.rows_rejected),
          as_of: asOf,
          started: startedAt.toISOString(),
          finished: options.now().toISOString(),
          message: extraMessage(mapping),
        },
      );
      options.onProgress?.("updating", null);
      await options.afterLoad?.(kind, fileId);
      options.fault?.("before-commit");
      return stats;
    });
    result.status = "loaded";
    result.rows_read = Number(counts.rows_read);
    result.rows_loaded = Number(counts.rows_loaded);
    result.rows_rejected = Number(counts.rows_rejected);
    result.message = extraMessage(mapping);
    return result;
  } catch (error) {
    result.status = "failed";
    result.message = errorMessage(error).replace(`${file.displayPath}: `, "");
    await logFailure(warehouse, file, result, prepared, startedAt, options);
    return result;
  } finally {
    await rm(tempDir, {recursive: true, force: true});
  }
}

function extraMessage(mapping: HeaderMapping): string {
  const extra = mapping.headers.filter((_, i) => mapping.columns[i] === null);
  return extra.length ? `${extra.length} unknown column(s) kept in raw: ${extra.join(", ")}` : "";
}

/**
 * Raw rows, text as read. The fast path hands the file to DuckDB's CSV reader as is; if that
 * reader meets a malformed line it would skip it and shift the row numbers, so we start over on the
 * careful path, which numbers and checks every record in JS.
 */
async function insertRaw(
  warehouse: Warehouse,
  fileId: number,
  file: SourceFile,
  source: PreparedSource,
  mapping: HeaderMapping,
  options: LoadOptions,
  tempDir: string,
): Promise<{malformed: number}> {
  const careful = source.encoding !== "utf-8" && !source.hasRowColumn;
  if (!careful) {
    const errors = await readIntoRaw(warehouse, fileId, file, source, mapping, options);
    if (errors === 0) return {malformed: 0};
    // The sheet of an XLSX was written by us: failing to read it back is a bug, not bad input.
    if (source.hasRowColumn)
      throw new PipelineError(`internal error: converted sheet has ${errors} unreadable line(s)`, {
        file: file.displayPath,
      });
    await warehouse.run(`delete from raw.${TABLE[mapping.kind]} where file_id = $file_id`, {file_id: fileId});
  }
  options.onProgress?.("re-reading carefully", null);
  const renumbered = join(tempDir, "renumbered.csv");
  const {malformed} = await renumberCsv(file.path, renumbered, source.encoding, source.delimiter);
  await readIntoRaw(
    warehouse,
    fileId,
    file,
    {...source, csvPath: renumbered, delimiter: ",", newLine: "\n", hasRowColumn: true},
    mapping,
    options,
  );
  for (const bad of malformed) {
    await warehouse.run("insert into meta.rejects values ($file_id, $row, null, $text, $reason)", {
      file_id: fileId,
      row: bad.row,
      text: bad.text.slice(0, 2000),
      reason: bad.reason,
    });
  }
  return {malformed: malformed.length};
}

/** Returns the number of lines DuckDB's reader could not parse (0 on the careful path). */
async function readIntoRaw(
  warehouse: Warehouse,
  fileId: number,
  file: SourceFile,
  source: PreparedSource,
  mapping: HeaderMapping,
  options: LoadOptions,
): Promise<number> {
  const kind = mapping.kind;
  const columns: string[] = [];
  if (source.hasRowColumn) columns.push(`'__source_row': 'BIGINT'`);
  mapping.headers.forEach((_, i) => columns.push(`'c${i}': 'VARCHAR'`));
  const names = ["file_id", "shop_id", "source_row"];
  const values = ["$file_id", "$shop", source.hasRowColumn ? "__source_row" : "0"];
  const extras: string[] = [];
  const extraNames = new Set<string>();
  mapping.columns.forEach((spec, i) => {
    if (spec) {
      names.push(quotedIdentifier(spec.name));
      values.push(spec.type === "pii" ? hashExpression(`c${i}`) : `c${i}`);
    } else {
      let name = mapping.headers[i] || `column${i + 1}`;
      while (extraNames.has(name)) name += "_";
      extraNames.add(name);
      extras.push(`${quotedString(name)}, c${i}`);
    }
  });
  names.push("extra_columns");
  values.push(extras.length ? `json_object(${extras.join(", ")})` : "null");
  const rejectsTable = `csv_errors_${fileId}`;
  const scanTable = `csv_scans_${fileId}`;
  const sql = `insert into raw.${TABLE[kind]} (${names.join(", ")})
select ${values.join(", ")}
from read_csv(${quotedString(source.csvPath)}, columns = {${columns.join(", ")}}, header = true,
    delim = ${quotedString(source.delimiter)}, quote = '"', escape = '"', new_line = ${quotedString(source.newLine === "\r\n" ? "\\r\\n" : "\\n")},
    auto_detect = false, store_rejects = true, rejects_table = '${rejectsTable}', rejects_scan = '${scanTable}')`;
  const timer = options.onProgress
    ? setInterval(() => {
        const {percentage} = warehouse.connection.progress;
        if (percentage >= 0) options.onProgress!("loading", percentage / 100);
      }, 200)
    : undefined;
  try {
    options.fault?.("before-read");
    const hashes = mapping.columns.some((spec) => spec?.type === "pii");
    const reading = warehouse
      .run(sql, {file_id: fileId, shop: file.shop, ...(hashes ? {salt: options.salt} : {})})
      .catch((error: unknown) => {
        throw new PipelineError(
          `cannot read as CSV: ${errorMessage(error).split("\n")[0]}`,
          {file: file.displayPath, step: "read"},
          {cause: error},
        );
      });
    const conversion = source.conversion;
    if (!conversion) await reading;
    else {
      // The XLSX is still being converted into the pipe DuckDB reads. If DuckDB stops early, the
      // rest is drained so that the conversion ends. An error of the conversion (of the workbook's
      // content) explains a failed read best; a broken pipe is only the read's failure seen from
      // the other end.
      const [read, converted] = await Promise.allSettled([
        reading.catch(async (error: unknown) => {
          await conversion.release();
          throw error;
        }),
        conversion.done,
      ]);
      if (converted.status === "rejected" && converted.reason instanceof PipelineError)
        throw converted.reason;
      if (read.status === "rejected") throw read.reason;
      if (converted.status === "rejected") throw converted.reason;
    }
  } finally {
    if (timer) clearInterval(timer);
  }
  if (!source.hasRowColumn) {
    // Row numbers without row_number() over (), which serializes the parallel CSV reader (+60%
    // time): an INSERT appends rows in source order (preserve_insertion_order) with consecutive
    // row ids, so a row's number is its offset in the file. test/ingest/rowNumbers.test.ts checks
    // this on a file large enough to be read in parallel.
    await warehouse.run(
      `update raw.${TABLE[kind]} set source_row = rowid - (select min(rowid) from raw.${TABLE[kind]} where file_id = $file_id) + 2
       where file_id = $file_id`,
      {file_id: fileId},
    );
  }
  const errors = await warehouse.one(`select count(*)::integer as n from ${rejectsTable}`);
  await warehouse.run(`drop table if exists ${rejectsTable}; drop table if exists ${scanTable}`);
  return Number(errors?.n ?? 0);
}

/** The latest event a file shows: our stand-in for when it was exported (see core models). */
async function fileAsOf(warehouse: Warehouse, kind: FileKind, fileId: number): Promise<string | null> {
  // Deadlines and promised ship times lie in the future: they are not events.
  const timestamps = COLUMNS[kind].filter(
    (spec) => spec.type === "timestamp" && spec.name !== "deadline_at" && spec.name !== "promised_ship_at",
  );
  if (timestamps.length === 0) return null;
  const row = await warehouse.one(
    `select greatest(${timestamps.map((s) => `max(${quotedIdentifier(s.name)})`).join(", ")})::varchar as as_of
     from staging.${TABLE[kind]} where file_id = $file_id`,
    {file_id: fileId},
  );
  return (row?.as_of as string | null) ?? null;
}

/** Beijing wall-clock time of the file's last modification: the as-of of a file without events. */
async function modifiedAt(path: string): Promise<string> {
  const {mtime} = await stat(path);
  return new Date(mtime.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

async function logFailure(
  warehouse: Warehouse,
  file: SourceFile,
  result: FileResult,
  prepared: PreparedSource | undefined,
  startedAt: Date,
  options: LoadOptions,
): Promise<void> {
  if (options.quarantine) {
    await mkdir(options.quarantine, {recursive: true});
    const target = join(
      options.quarantine,
      `${(result.sha256 || "unhashed").slice(0, 12)}-${basename(file.path)}`,
    );
    await copyFile(file.path, target).catch(() => {});
    result.message += ` (copied to ${target})`;
  }
  await warehouse.run(
    `insert into meta.ingest_log (file_id, path, sha256, kind, shop_id, format, encoding, started_at, finished_at, status, message)
     values (nextval('meta.file_id_sequence')::integer, $path, $sha256, $kind, $shop, $format, $encoding,
             $started::timestamptz, $finished::timestamptz, 'failed', $message)`,
    {
      path: file.displayPath,
      sha256: result.sha256,
      kind: result.kind,
      shop: file.shop,
      format: prepared?.format ?? null,
      encoding: prepared?.encoding ?? null,
      started: startedAt.toISOString(),
      finished: options.now().toISOString(),
      message: result.message,
    },
  );
}
