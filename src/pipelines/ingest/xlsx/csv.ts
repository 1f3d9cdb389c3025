/**
 * XLSX to CSV without a JS string per cell: the worksheet scanner of read.ts hands over cell text as
 * byte ranges of the inflated XML, which are copied straight into a large output buffer. Text is
 * decoded only when it has to be (entities, line ends, Excel's _xHHHH_ escapes, invalid UTF-8), and
 * shared strings are kept once, already as CSV fields, in one byte arena. The result is byte for
 * byte what writing each row of readXlsxRows with csvField would give.
 */
import {isUtf8} from "node:buffer";
import {once} from "node:events";
import {createWriteStream, type WriteStream} from "node:fs";
import {
  CellType,
  decodeText,
  integer,
  place,
  scanWorksheet,
  SharedStringsScanner,
  SheetScanner,
  type DateFormats,
  type XlsxReadOptions,
} from "./read.js";

/** A value as a CSV field: quoted when it holds a quote, comma or line break. */
export function csvField(value: string | null): string {
  if (value === null) return "";
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export interface XlsxCsvResult {
  sheetName: string;
  /** The first row with a value (empty cells as ""), or null when the sheet has none. */
  headers: string[] | null;
  /** Rows written after the header. */
  rowCount: number;
}

export interface XlsxCsvOptions extends XlsxReadOptions {
  /**
   * Told the header row as soon as it is read, before the rows after it are converted (null: the
   * sheet has no row with a value, told once the sheet is read). csvPath can then be a named pipe
   * whose reader is set up from the headers.
   */
  onHeaders?: (headers: string[] | null) => void;
  /** Stops the conversion, at the next chunk of output, with the signal's reason. */
  signal?: AbortSignal;
}

/** A row with a value in a column beyond the header's width, which has no CSV column to go to. */
export class RowWidthError extends Error {
  constructor(
    readonly row: number,
    readonly cells: number,
    readonly width: number,
  ) {
    super(`row has ${cells} cells but the header has ${width}`);
    this.name = "RowWidthError";
  }
}

/**
 * Writes one worksheet (see readXlsxRows for which) as a UTF-8 CSV: a header line
 * `__source_row,c0,…,cN` for the first row with a value (N + 1 = its cells up to the last value),
 * then one line per later row with a value: its row number in the sheet, then its cells as text
 * (as readXlsxRows gives them). Rows without a value are skipped; a value beyond the header's width
 * is a RowWidthError. Content problems are XlsxErrors.
 */
export async function convertXlsxToCsv(
  file: string,
  csvPath: string,
  options: XlsxCsvOptions = {},
): Promise<XlsxCsvResult> {
  const output = new CsvOutput(csvPath, options.signal);
  try {
    const {sheetName, scanner} = await scanWorksheet(
      file,
      options,
      (part) => new EncodedStrings(part),
      (part, formats, strings) => new CsvSheetWriter(part, formats, strings, output, options.onHeaders),
    );
    await scanner.finish();
    if (scanner.headers === null) options.onHeaders?.(null);
    await output.close();
    return {sheetName, headers: scanner.headers, rowCount: scanner.rowCount};
  } catch (error) {
    // Not a graceful close: when csvPath is a pipe nobody reads yet, that would wait for a reader.
    output.destroy();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Bytes.

const SHARED_STRING: CellType = CellType.SharedString;
const COMMA = 44;
const QUOTE = 34;
const NEWLINE = 10;
const UNDERSCORE = 95;
const LOWER_X = 120;

/** What a byte of text asks for: quoting the field, or decoding the text (HIGH: only if not UTF-8). */
const NEEDS_QUOTES = 1;
const AMPERSAND = 2;
const CARRIAGE_RETURN = 4;
const ESCAPE_START = 8; // "_", of _xHHHH_
const HIGH = 16;
const BYTE_CLASS = new Uint8Array(256);
BYTE_CLASS[QUOTE] = NEEDS_QUOTES;
BYTE_CLASS[COMMA] = NEEDS_QUOTES;
BYTE_CLASS[NEWLINE] = NEEDS_QUOTES;
BYTE_CLASS[13] = NEEDS_QUOTES | CARRIAGE_RETURN;
BYTE_CLASS[38] = AMPERSAND;
BYTE_CLASS[UNDERSCORE] = ESCAPE_START;
BYTE_CLASS.fill(HIGH, 0x80);

/**
 * Whether the text content of a chunk is valid UTF-8: everything up to its last "<", since text
 * always ends at a tag (the chunk itself may end inside a character).
 */
function validUtf8(bytes: Buffer, s: string): boolean {
  const end = s.lastIndexOf("<");
  return end <= 0 || isUtf8(bytes.subarray(0, end));
}

/** A growable byte buffer. */
class ByteBuffer {
  length = 0;

  constructor(public bytes: Buffer) {}

  /** Makes room for n more bytes. */
  reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.length + n));
    this.bytes.copy(bigger, 0, 0, this.length);
    this.bytes = bigger;
  }

  ascii(text: string): void {
    this.reserve(text.length);
    this.length += this.bytes.write(text, this.length, "latin1");
  }

  /** Appends a value as a CSV field. */
  field(text: string): void {
    const field = csvField(text);
    this.reserve(3 * field.length);
    this.length += this.bytes.write(field, this.length, "utf8");
  }

  /**
   * Appends the text content between start and end of an XML chunk as a CSV field. It is copied as
   * it is unless it needs decoding (as decodeText does it), or when utf8 is false, holds non-ASCII
   * bytes (which decoding checks). Returns the decoded text when it was decoded.
   */
  xmlText(source: Buffer, start: number, end: number, utf8: boolean): string | undefined {
    const seen = this.copy(source, start, end);
    if (
      seen & (AMPERSAND | CARRIAGE_RETURN) ||
      (seen & HIGH && !utf8) ||
      (seen & ESCAPE_START && hasEscape(source, start, end))
    ) {
      const text = decodeText(source, start, end);
      this.field(text);
      return text;
    }
    this.take(source, start, end, seen);
    return undefined;
  }

  /** Appends a number's text as it is stored (read as latin1, as readXlsxRows does). */
  number(source: Buffer, start: number, end: number): void {
    const seen = this.copy(source, start, end);
    if (seen & HIGH) this.field(source.toString("latin1", start, end));
    else this.take(source, start, end, seen);
  }

  /**
   * Copies bytes after the end of the buffer, without taking them in yet, with room to quote them;
   * returns what their BYTE_CLASS asks for.
   */
  private copy(source: Buffer, start: number, end: number): number {
    this.reserve(2 * (end - start) + 2);
    const out = this.bytes;
    let p = this.length;
    let seen = 0;
    for (let i = start; i < end; i++) {
      const c = source[i]!;
      seen |= BYTE_CLASS[c]!;
      out[p++] = c;
    }
    return seen;
  }

  /** Takes in the bytes copied last, quoted when they need it. */
  private take(source: Buffer, start: number, end: number, seen: number): void {
    if (seen & NEEDS_QUOTES) this.length = quote(source, start, end, this.bytes, this.length);
    else this.length += end - start;
  }
}

/** Whether the text of the chunk scanned last is valid UTF-8 (see validUtf8), checked once a chunk. */
class Utf8Check {
  private chunk: Buffer | undefined;
  private valid = true;

  of(bytes: Buffer, s: string): boolean {
    if (bytes !== this.chunk) {
      this.chunk = bytes;
      this.valid = validUtf8(bytes, s);
    }
    return this.valid;
  }
}

/** Whether text holds "_x", the start of an Excel escape. */
function hasEscape(source: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end - 1; i++)
    if (source[i] === UNDERSCORE && source[i + 1] === LOWER_X) return true;
  return false;
}

/** Writes bytes as a quoted CSV field at p (room for 2 × length + 2 bytes); returns its end. */
function quote(source: Buffer, start: number, end: number, out: Buffer, p: number): number {
  out[p++] = QUOTE;
  for (let i = start; i < end; i++) {
    const c = source[i]!;
    out[p++] = c;
    if (c === QUOTE) out[p++] = QUOTE;
  }
  out[p++] = QUOTE;
  return p;
}

// ---------------------------------------------------------------------------------------------
// Shared strings: one arena of CSV fields.

class EncodedStrings extends SharedStringsScanner {
  readonly arena = new ByteBuffer(Buffer.allocUnsafe(1 << 20));
  /** Where string i ends in the arena; it starts where string i - 1 ends. */
  ends = new Uint32Array(1 << 12);
  count = 0;
  /** Strings whose text UTF-8 cannot carry (lone surrogates), for headers. */
  private readonly unpaired = new Map<number, string>();
  private readonly utf8Check = new Utf8Check();
  private utf8 = true;

  override scan(bytes: Buffer, s: string, p: number, final: boolean): number {
    this.utf8 = this.utf8Check.of(bytes, s);
    return super.scan(bytes, s, p, final);
  }

  protected add(bytes: Buffer, start: number, end: number): void {
    const decoded = this.arena.xmlText(bytes, start, end, this.utf8);
    if (decoded !== undefined) this.keepUnpaired(decoded);
    this.push();
  }

  protected addText(text: string): void {
    if (text !== "") this.arena.field(text);
    this.keepUnpaired(text);
    this.push();
  }

  private keepUnpaired(text: string): void {
    if (/[\uD800-\uDFFF]/.test(text)) this.unpaired.set(this.count, text);
  }

  private push(): void {
    if (this.count === this.ends.length) {
      const bigger = new Uint32Array(2 * this.count);
      bigger.set(this.ends);
      this.ends = bigger;
    }
    this.ends[this.count++] = this.arena.length;
  }

  start(index: number): number {
    return index === 0 ? 0 : this.ends[index - 1]!;
  }

  /** String `index` as text, null when empty. */
  decoded(index: number): string | null {
    const unpaired = this.unpaired.get(index);
    if (unpaired !== undefined) return unpaired;
    const start = this.start(index);
    const end = this.ends[index]!;
    if (start === end) return null;
    const field = this.arena.bytes.toString("utf8", start, end);
    return field.charCodeAt(0) === QUOTE ? field.slice(1, -1).replace(/""/g, '"') : field;
  }
}

// ---------------------------------------------------------------------------------------------
// Output.

/** Output is handed to the file in chunks of about this size. */
const CHUNK = 8 << 20;

/**
 * The CSV file: whole chunks, written in the background, at most two at a time. Their buffers are
 * used again once written.
 */
class CsvOutput {
  private readonly stream: WriteStream;
  private error: Error | undefined;
  private readonly free: Buffer[] = [];

  constructor(
    path: string,
    private readonly signal?: AbortSignal,
  ) {
    this.stream = createWriteStream(path, {highWaterMark: 2 * CHUNK});
    this.stream.on("error", (error) => (this.error ??= error));
  }

  /** A buffer to fill: a chunk and some room for the row that ends it. */
  buffer(): ByteBuffer {
    return new ByteBuffer(this.free.pop() ?? Buffer.allocUnsafe(CHUNK + (1 << 20)));
  }

  /** Writes the start of a buffer; returns a promise when the caller should wait before writing more. */
  write(bytes: Buffer, length: number): Promise<void> | undefined {
    if (this.error) throw this.error;
    this.signal?.throwIfAborted();
    const done = (error?: Error | null) => void (error || this.free.push(bytes));
    if (this.stream.write(bytes.subarray(0, length), done)) return undefined;
    return once(this.stream, "drain").then(() => undefined);
  }

  async close(): Promise<void> {
    if (this.error) throw this.error;
    this.stream.end();
    await once(this.stream, "finish");
  }

  destroy(): void {
    this.stream.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Worksheet.

class CsvSheetWriter extends SheetScanner {
  headers: string[] | null = null;
  rowCount = 0;
  /** Columns of the CSV after the row number; -1 until the header row is read. */
  private width = -1;
  private headerCells: (string | null)[] = [];
  private out: ByteBuffer;
  /** Where the current row and its fields (after the row number) start in `out`. */
  private rowStart = 0;
  private fieldsStart = 0;
  /** Columns before this one have their field written (fields in column order, the usual case). */
  private nextColumn = 0;
  /** The last column with a value in the row, -1 if none. */
  private lastColumn = -1;
  /**
   * Whether a value came after one in a later column. From then on the row's fields are written one
   * after the other and listed in `fields`, and put in column order at the row end.
   */
  private disordered = false;
  /** Of each field in a disordered row: its column, start and end in `out`. */
  private fields = new Int32Array(3 * 64);
  private fieldCount = 0;
  private readonly utf8Check = new Utf8Check();
  private utf8 = true;

  constructor(
    part: string,
    formats: DateFormats,
    private readonly strings: EncodedStrings,
    private readonly output: CsvOutput,
    private readonly onHeaders?: (headers: string[]) => void,
  ) {
    super(part, formats);
    this.out = output.buffer();
  }

  override scan(bytes: Buffer, s: string, p: number, final: boolean): number {
    this.utf8 = this.utf8Check.of(bytes, s);
    return super.scan(bytes, s, p, final);
  }

  /** Writes what is left once the sheet is read. */
  async finish(): Promise<void> {
    await this.output.write(this.out.bytes, this.rowStart);
  }

  protected startRow(rowNumber: number): void {
    // A row read again after a chunk cut it short starts over.
    const out = this.out;
    out.length = this.rowStart;
    this.nextColumn = 0;
    this.lastColumn = -1;
    this.disordered = false;
    this.fieldCount = 0;
    if (this.width < 0) {
      this.headerCells = [];
      return;
    }
    if (rowNumber < 1e9) {
      let digits = 1;
      for (let n = rowNumber; n >= 10; n = Math.floor(n / 10)) digits++;
      out.reserve(digits);
      const bytes = out.bytes;
      for (let i = out.length + digits - 1, n = rowNumber; i >= out.length; i--, n = Math.floor(n / 10)) {
        bytes[i] = 48 + (n % 10);
      }
      out.length += digits;
    } else {
      out.ascii(String(rowNumber));
    }
    this.fieldsStart = out.length;
  }

  protected endRow(rowNumber: number): void {
    const out = this.out;
    if (this.width < 0) {
      if (this.headerCells.length === 0) return;
      const headers = this.headerCells.map((cell) => cell ?? "");
      this.headers = headers;
      this.width = headers.length;
      out.ascii(["__source_row", ...headers.map((_, i) => `c${i}`)].join(",") + "\n");
      this.rowStart = out.length;
      this.onHeaders?.(headers);
      return;
    }
    if (this.lastColumn < 0) {
      out.length = this.rowStart;
      return;
    }
    if (this.lastColumn >= this.width) throw new RowWidthError(rowNumber, this.lastColumn + 1, this.width);
    if (this.disordered) this.reorder();
    const commas = this.width - this.nextColumn;
    out.reserve(commas + 1);
    const bytes = out.bytes;
    let p = out.length;
    for (let i = 0; i < commas; i++) bytes[p++] = COMMA;
    bytes[p++] = NEWLINE;
    out.length = p;
    this.rowCount++;
    if (p >= CHUNK) {
      this.out = this.output.buffer();
      const wait = this.output.write(bytes, p);
      if (wait) this.waiting = wait;
    }
    this.rowStart = this.out.length;
  }

  /**
   * Starts the field of a value in `column`, after the fields before it; returns false when it is
   * not to be written (beyond the header's width, which endRow reports).
   */
  private begin(column: number): boolean {
    if (column > this.lastColumn) this.lastColumn = column;
    if (column >= this.width) return false;
    const out = this.out;
    if (column >= this.nextColumn && !this.disordered) {
      const commas = column - this.nextColumn + 1;
      out.reserve(commas);
      const bytes = out.bytes;
      let p = out.length;
      for (let i = 0; i < commas; i++) bytes[p++] = COMMA;
      out.length = p;
      this.nextColumn = column + 1;
      return true;
    }
    if (!this.disordered) {
      this.disordered = true;
      this.listFields();
    }
    this.addField(column, out.length);
    return true;
  }

  /** Ends the field begun last. */
  private end(): void {
    if (this.disordered) this.fields[3 * this.fieldCount - 1] = this.out.length;
  }

  /** Lists the fields written so far: columns before nextColumn, each after a comma. */
  private listFields(): void {
    const bytes = this.out.bytes;
    let p = this.fieldsStart;
    for (let column = 0; column < this.nextColumn; column++) {
      const start = ++p; // after the comma
      if (bytes[p] === QUOTE) {
        for (p++; ; p++) {
          if (bytes[p] !== QUOTE) continue;
          if (bytes[p + 1] !== QUOTE) break;
          p++;
        }
        p++;
      } else {
        while (p < this.out.length && bytes[p] !== COMMA) p++;
      }
      // Values are never empty: an empty field is a column without one.
      if (p > start) {
        this.addField(column, start);
        this.fields[3 * this.fieldCount - 1] = p;
      }
    }
  }

  private addField(column: number, start: number): void {
    if (3 * this.fieldCount === this.fields.length) {
      const bigger = new Int32Array(2 * this.fields.length);
      bigger.set(this.fields);
      this.fields = bigger;
    }
    this.fields[3 * this.fieldCount] = column;
    this.fields[3 * this.fieldCount + 1] = start;
    this.fieldCount++;
  }

  /** Rewrites the fields of the row in column order, the last value of a column winning. */
  private reorder(): void {
    const out = this.out;
    const written = Buffer.from(out.bytes.subarray(this.fieldsStart, out.length));
    const fieldOf = new Int32Array(this.width).fill(-1);
    for (let i = 0; i < this.fieldCount; i++) fieldOf[this.fields[3 * i]!] = i;
    out.length = this.fieldsStart;
    out.reserve(written.length + this.width);
    for (let column = 0; column < this.width; column++) {
      out.bytes[out.length++] = COMMA;
      const i = fieldOf[column]!;
      if (i < 0) continue;
      const start = this.fields[3 * i + 1]! - this.fieldsStart;
      const end = this.fields[3 * i + 2]! - this.fieldsStart;
      out.length += written.copy(out.bytes, out.length, start, end);
    }
    this.nextColumn = this.width;
  }

  protected value(
    bytes: Buffer,
    s: string,
    start: number,
    end: number,
    type: CellType,
    style: number,
    rowNumber: number,
  ): void {
    if (type === SHARED_STRING && this.width >= 0) this.sharedStringValue(s, start, end, rowNumber);
    else this.otherValue(bytes, s, start, end, type, style, rowNumber);
  }

  /** A shared string cell after the header row: the usual case, kept small and direct. */
  private sharedStringValue(s: string, start: number, end: number, rowNumber: number): void {
    const strings = this.strings;
    const index = integer(s, start, end);
    if (index < 0 || index >= strings.count) throw this.missingString(s, start, end, rowNumber);
    const ends = strings.ends;
    const from = index === 0 ? 0 : ends[index - 1]!;
    const to = ends[index]!;
    if (from === to) return;
    const column = this.column;
    let commas = column - this.nextColumn + 1;
    // The next column in order is written here; begin() does the rest.
    if (commas > 0 && column < this.width && !this.disordered) {
      this.nextColumn = column + 1;
      if (column > this.lastColumn) this.lastColumn = column;
    } else {
      if (!this.begin(column)) return;
      commas = 0;
    }
    const out = this.out;
    out.reserve(commas + to - from);
    const source = strings.arena.bytes;
    const target = out.bytes;
    let p = out.length;
    while (commas-- > 0) target[p++] = COMMA;
    for (let i = from; i < to; i++) target[p++] = source[i]!;
    out.length = p;
    this.end();
  }

  private otherValue(
    bytes: Buffer,
    s: string,
    start: number,
    end: number,
    type: CellType,
    style: number,
    rowNumber: number,
  ): void {
    if (this.width < 0) {
      const value = this.convert(bytes, s, start, end, type, style, rowNumber);
      if (value !== null) place(this.headerCells, this.column, value);
      return;
    }
    const out = this.out;
    switch (type) {
      case CellType.SharedString:
        this.sharedStringValue(s, start, end, rowNumber);
        return;
      case CellType.Number:
        if (this.dateStyles[style] === 1) {
          const text = this.convert(bytes, s, start, end, type, style, rowNumber)!;
          if (!this.begin(this.column)) return;
          out.field(text);
        } else {
          if (!this.begin(this.column)) return;
          out.number(bytes, start, end);
        }
        break;
      case CellType.Boolean:
      case CellType.IsoDate: {
        const text = this.convert(bytes, s, start, end, type, style, rowNumber)!;
        if (!this.begin(this.column)) return;
        out.field(text);
        break;
      }
      default:
        // Text that is not empty stays so when decoded.
        if (!this.begin(this.column)) return;
        out.xmlText(bytes, start, end, this.utf8);
    }
    this.end();
  }

  protected textValue(text: string): void {
    if (this.width < 0) {
      place(this.headerCells, this.column, text);
    } else if (this.begin(this.column)) {
      this.out.field(text);
      this.end();
    }
  }

  protected sharedString(index: number): string | null | undefined {
    return index >= 0 && index < this.strings.count ? this.strings.decoded(index) : undefined;
  }

  protected sharedStringCount(): number {
    return this.strings.count;
  }
}
