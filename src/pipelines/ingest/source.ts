import {createHash} from "node:crypto";
import {execFile} from "node:child_process";
import {constants, createReadStream, createWriteStream} from "node:fs";
import {open} from "node:fs/promises";
import {promisify} from "node:util";
import {once} from "node:events";
import {join} from "node:path";
import {convertXlsxToCsv, csvField, RowWidthError, XlsxError} from "./xlsx/index.js";
import {PipelineError} from "../errors.js";

export type Encoding = "utf-8" | "gb18030" | "utf-16le";

/**
 * A source file turned into something DuckDB's CSV reader can take: UTF-8, comma or tab
 * separated, the header in the first line. CSV in UTF-8 is read in place; GB18030 CSV and XLSX are
 * converted to a temporary UTF-8 CSV first (DuckDB's own readers for those need extensions that
 * can't be downloaded here). XLSX conversions carry the spreadsheet row number as a first column;
 * ingest streams them through a named pipe, so that DuckDB reads while the sheet is converted and
 * no temporary copy of the sheet is written.
 */
export interface PreparedSource {
  format: "csv" | "xlsx";
  encoding: Encoding;
  headers: string[];
  csvPath: string;
  delimiter: "," | "\t";
  newLine: "\n" | "\r\n";
  /** True when the first column of csvPath is the source row number (XLSX). */
  hasRowColumn: boolean;
  /** When csvPath is a pipe an XLSX conversion is still writing into (prepareSource's `stream`). */
  conversion?: StreamedConversion;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, {highWaterMark: 1 << 20})) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const {bytesRead} = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

export function sniffFormat(head: Buffer): "xlsx" | "csv" | "binary" | "empty" {
  if (head.length === 0) return "empty";
  if (head.subarray(0, 4).equals(ZIP_MAGIC)) return "xlsx";
  // Old .xls (OLE2) and other binaries: many NUL bytes in text that isn't UTF-16.
  if (head[0] === 0xd0 && head[1] === 0xcf) return "binary";
  if (head[0] === 0xff && head[1] === 0xfe) return "csv";
  const sample = head.subarray(0, 4096);
  return sample.includes(0) ? "binary" : "csv";
}

export function detectEncoding(head: Buffer, complete: boolean): Encoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return "utf-8";
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  // A file re-saved by Excel on Chinese Windows is GB18030/GBK: invalid as UTF-8 almost at once,
  // since the header itself is Chinese. A cut multi-byte sequence at the end of the sample is fine.
  let sample = head;
  if (!complete) {
    let end = sample.length;
    while (end > 0 && end > sample.length - 4 && (sample[end - 1]! & 0xc0) === 0x80) end--;
    if (end > 0 && sample[end - 1]! >= 0xc0) end--;
    sample = sample.subarray(0, end);
  }
  try {
    new TextDecoder("utf-8", {fatal: true}).decode(sample);
    return "utf-8";
  } catch {
    return "gb18030";
  }
}

/** Splits the first CSV record (quotes may hold separators and line breaks). */
export function parseFirstRecord(text: string, delimiter: string): {fields: string[]; end: number} {
  const fields: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field.trim() === "") {
      quoted = true;
      field = "";
    } else if (ch === delimiter) {
      fields.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      break;
    } else field += ch;
    i++;
  }
  fields.push(field);
  return {fields, end: i};
}

function chooseDelimiter(firstLine: string): "," | "\t" {
  const commas = firstLine.split(",").length;
  const tabs = firstLine.split("\t").length;
  // Exports put stray tabs *inside* cells, so tab only wins when it clearly separates the header.
  return tabs > commas && tabs > 3 ? "\t" : ",";
}

/** A value as a CSV field (defined with the XLSX to CSV conversion, which writes the same fields). */
export {csvField};

/** Buffered writes to a file, awaiting the stream only when it asks us to. */
class LineWriter {
  private readonly stream;
  private pending: string[] = [];
  private size = 0;
  constructor(path: string) {
    this.stream = createWriteStream(path);
  }
  /** Returns a promise only when the buffer was flushed, so the common path stays synchronous. */
  write(line: string): Promise<void> | undefined {
    this.pending.push(line);
    this.size += line.length;
    return this.size > 1 << 20 ? this.flush() : undefined;
  }
  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const ok = this.stream.write(this.pending.join(""));
    this.pending = [];
    this.size = 0;
    if (!ok) await once(this.stream, "drain");
  }
  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
  }
}

/**
 * `stream`: convert an XLSX into a named pipe, returned as soon as its header row is read (see
 * StreamedConversion), instead of into a file, returned once written. Falls back to the file where
 * there are no named pipes.
 */
export async function prepareSource(
  path: string,
  displayPath: string,
  tempDir: string,
  {stream = false}: {stream?: boolean} = {},
): Promise<PreparedSource> {
  const head = await readHead(path, 1 << 20);
  const format = sniffFormat(head);
  if (format === "empty") throw new PipelineError("file is empty", {file: displayPath, step: "read"});
  if (format === "binary")
    throw new PipelineError(
      "not a CSV or XLSX file (binary content; old .xls files must be saved as .xlsx)",
      {
        file: displayPath,
        step: "read",
      },
    );
  if (format === "xlsx") return prepareXlsx(path, displayPath, tempDir, stream);
  if (/\.xlsx$/i.test(path)) {
    throw new PipelineError("not an XLSX file: no zip signature (a renamed text file?)", {
      file: displayPath,
      step: "read",
    });
  }

  const complete = head.length < 1 << 20;
  const encoding = detectEncoding(head, complete);
  const decoded = new TextDecoder(encoding).decode(head).replace(/^\uFEFF/, "");
  const firstLineEnd = decoded.search(/\r?\n/);
  const firstLine = firstLineEnd < 0 ? decoded : decoded.slice(0, firstLineEnd);
  const delimiter = chooseDelimiter(firstLine);
  const {fields} = parseFirstRecord(decoded, delimiter);
  if (fields.every((f) => f.trim() === ""))
    throw new PipelineError("file has no header row", {file: displayPath});
  const newLine = decoded[firstLineEnd] === "\r" ? "\r\n" : "\n";
  return {format, encoding, headers: fields, csvPath: path, delimiter, newLine, hasRowColumn: false};
}

/** A row the careful path could not take, for the rejects table. */
export interface MalformedRow {
  row: number;
  reason: string;
  text: string;
}

/**
 * The careful path for CSV: decodes in JS, parses every record itself and writes a clean UTF-8 CSV
 * whose first column is the spreadsheet row number (header = row 1). Records whose cell count
 * doesn't match the header are returned as malformed instead of being padded or cut.
 */
export async function renumberCsv(
  from: string,
  to: string,
  encoding: Encoding,
  delimiter: string,
): Promise<{malformed: MalformedRow[]; width: number}> {
  const decoder = new TextDecoder(encoding);
  const out = new LineWriter(to);
  const malformed: MalformedRow[] = [];
  const parser = new CsvParser(delimiter);
  let width = -1;
  let row = 0;
  const take = (fields: string[], text: string) => {
    row++;
    if (width < 0) {
      width = fields.length;
      return out.write(["__source_row", ...fields.map((_, i) => `c${i}`)].join(",") + "\n");
    }
    if (fields.length === 1 && fields[0] === "") return undefined; // blank line
    while (fields.length > width && fields[fields.length - 1] === "") fields.pop();
    if (fields.length !== width) {
      malformed.push({row, reason: `row has ${fields.length} cells but the header has ${width}`, text});
      return undefined;
    }
    let line = String(row);
    for (const field of fields) line += "," + csvField(field);
    return out.write(line + "\n");
  };
  let first = true;
  for await (const chunk of createReadStream(from, {highWaterMark: 1 << 20})) {
    let text = decoder.decode(chunk as Buffer, {stream: true});
    if (first) text = text.replace(/^\uFEFF/, "");
    first = false;
    for (const record of parser.push(text)) await take(record.fields, record.text);
  }
  for (const record of parser.push(decoder.decode(), true)) await take(record.fields, record.text);
  if (parser.openQuote)
    malformed.push({row: row + 1, reason: "unterminated quoted cell runs to the end of the file", text: ""});
  await out.close();
  return {malformed, width};
}

/** Incremental RFC 4180 parser: quotes may hold separators, quotes ("") and line breaks. */
class CsvParser {
  private carry = "";
  openQuote = false;
  constructor(private readonly delimiter: string) {}

  *push(text: string, final = false): Generator<{fields: string[]; text: string}> {
    const data = this.carry + text;
    let start = 0;
    let i = 0;
    let fields: string[] = [];
    let field = "";
    let quoted = false;
    let wasQuoted = false;
    while (i < data.length) {
      const ch = data[i]!;
      if (quoted) {
        if (ch === '"') {
          if (i + 1 >= data.length && !final) break; // can't tell "" from " yet
          if (data[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
        } else field += ch;
        i++;
        continue;
      }
      if (ch === '"' && !wasQuoted && field === "") {
        quoted = wasQuoted = true;
      } else if (ch === this.delimiter) {
        fields.push(field);
        field = "";
        wasQuoted = false;
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r" && i + 1 >= data.length && !final) break;
        fields.push(field);
        const end = ch === "\r" && data[i + 1] === "\n" ? i + 2 : i + 1;
        yield {fields, text: data.slice(start, i)};
        fields = [];
        field = "";
        wasQuoted = false;
        i = start = end;
        continue;
      } else field += ch;
      i++;
    }
    if (final) {
      this.openQuote = quoted;
      if (start < data.length) {
        fields.push(field);
        yield {fields, text: data.slice(start)};
      }
      this.carry = "";
    } else this.carry = data.slice(start);
  }
}

/** What a failed conversion tells the user. */
function conversionError(error: unknown, displayPath: string): unknown {
  if (error instanceof XlsxError)
    return new PipelineError(error.message, {file: displayPath, step: "read"}, {cause: error});
  // Cells beyond the header's width have no column to go to; keep them visible rather than lost.
  if (error instanceof RowWidthError)
    return new PipelineError(error.message, {file: displayPath, row: error.row});
  return error;
}

const EMPTY_SHEET = "workbook's first sheet is empty";

async function prepareXlsx(
  path: string,
  displayPath: string,
  tempDir: string,
  stream: boolean,
): Promise<PreparedSource> {
  const source = {
    format: "xlsx",
    encoding: "utf-8",
    delimiter: ",",
    newLine: "\n",
    hasRowColumn: true,
  } as const;
  const pipe = stream ? await makePipe(join(tempDir, "sheet.pipe")) : null;
  if (!pipe) {
    const csvPath = join(tempDir, "sheet.csv");
    let headers: string[] | null;
    try {
      ({headers} = await convertXlsxToCsv(path, csvPath));
    } catch (error) {
      throw conversionError(error, displayPath);
    }
    if (headers === null) throw new PipelineError(EMPTY_SHEET, {file: displayPath, step: "read"});
    return {...source, headers, csvPath};
  }
  // Streamed: the sheet is converted into a named pipe while DuckDB reads it, once the header row
  // has told the caller what the columns are.
  const controller = new AbortController();
  let settled = false;
  let told: (headers: string[] | null) => void = () => {};
  const headers = new Promise<string[] | null>((resolve) => (told = resolve));
  const done = convertXlsxToCsv(path, pipe, {onHeaders: told, signal: controller.signal}).then(
    () => {
      settled = true;
    },
    (error: unknown) => {
      settled = true;
      throw conversionError(error, displayPath);
    },
  );
  let releasing: Promise<void> | undefined;
  const conversion: StreamedConversion = {
    done,
    // Drains even when the conversion has settled: a writer that failed before any reader came may
    // still wait to open the pipe, which our open frees.
    release: () => {
      if (!settled) controller.abort(new Error("conversion released"));
      return (releasing ??= drainPipe(pipe, () => settled).then(() => done.catch(() => {})));
    },
  };
  const first = await Promise.race([headers, done.then(() => null)]).catch(async (error: unknown) => {
    await conversion.release();
    throw error;
  });
  if (first === null) {
    await conversion.release();
    throw new PipelineError(EMPTY_SHEET, {file: displayPath, step: "read"});
  }
  return {...source, headers: first, csvPath: pipe, conversion};
}

/**
 * A conversion still writing into the pipe at csvPath. `done` settles when it has written all (or
 * failed, with the error for the user); `release` stops it and drains the pipe, for when no reader
 * will take the rest (or none ever opened it). Call one of the two, or both.
 */
export interface StreamedConversion {
  done: Promise<void>;
  release(): Promise<void>;
}

/** A named pipe at path, or null where there are none (Windows, or mkfifo missing or refused). */
async function makePipe(path: string): Promise<string | null> {
  if (process.platform === "win32") return null;
  try {
    await promisify(execFile)("mkfifo", ["-m", "600", path]);
    return path;
  } catch {
    return null;
  }
}

/**
 * Reads and drops what is written into a pipe until the writer has settled. The open does not block,
 * so it also frees a writer still waiting for a reader to open the pipe.
 */
async function drainPipe(path: string, settled: () => boolean): Promise<void> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const buffer = Buffer.allocUnsafe(1 << 16);
    while (!settled()) {
      let bytesRead = 0;
      try {
        ({bytesRead} = await handle.read(buffer, 0, buffer.length, null));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      }
      if (bytesRead === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    await handle.close();
  }
}
