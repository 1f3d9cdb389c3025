/**
 * A fast XLSX row reader: the worksheet is inflated in chunks and scanned with a hand-written
 * scanner, so memory stays bounded by the shared strings table plus one chunk.
 *
 * The scanner works on a latin1 view of each chunk (one character per byte, so string offsets are
 * byte offsets and markup, numbers and shared string indices need no UTF-8 decoding); only text
 * content is decoded as UTF-8, from the same offsets in the bytes. Chunks are cut after the last
 * complete record (row or shared string), so neither markup nor UTF-8 sequences ever straddle them.
 *
 * The scanners hand what they read to the hooks of subclasses: readXlsxRows collects each row's
 * cells as strings, and convertXlsxToCsv (csv.ts) copies them as bytes into a CSV.
 */
import type {Readable} from "node:stream";
import {XlsxError, ZipReader} from "./zip.js";

export {XlsxError} from "./zip.js";

export interface XlsxReadResult {
  sheetName: string;
  /** Rows delivered to onRow. */
  rowCount: number;
}

export type XlsxRowHandler = (cells: (string | null)[], rowNumber: number) => void | Promise<void>;

export interface XlsxReadOptions {
  /** A sheet name, or a zero-based index in workbook order. Default: the first worksheet. */
  sheet?: string | number;
}

/**
 * Streams the rows of one worksheet (default: the first worksheet in workbook order, resolved
 * through xl/workbook.xml and xl/_rels/workbook.xml.rels; fall back to xl/worksheets/sheet1.xml).
 *
 * cells[i] is column i (A = 0) as text, null when empty; trailing empty cells are left out and
 * rows without any value are skipped. Numbers keep the text Excel stored, except that numbers with
 * a date or time format become "YYYY-MM-DD HH:MM:SS". When onRow returns a promise, reading waits
 * for it.
 */
export async function readXlsxRows(
  file: string,
  onRow: XlsxRowHandler,
  options: XlsxReadOptions = {},
): Promise<XlsxReadResult> {
  const {sheetName, scanner} = await scanWorksheet(
    file,
    options,
    (part) => new StringList(part),
    (part, formats, strings) => new RowReader(part, formats, strings.strings, onRow),
  );
  return {sheetName, rowCount: scanner.rowCount};
}

/** What turns numbers into dates: the cell styles (by index) with a date format, and the date system. */
export interface DateFormats {
  dateStyles: Uint8Array;
  date1904: boolean;
}

/**
 * Opens a workbook, scans the shared strings of the chosen worksheet (see readXlsxRows) with the
 * scanner createStrings makes, then the worksheet with the one createSheet makes.
 */
export async function scanWorksheet<S extends SharedStringsScanner, W extends SheetScanner>(
  file: string,
  options: XlsxReadOptions,
  createStrings: (part: string) => S,
  createSheet: (part: string, formats: DateFormats, strings: S) => W,
): Promise<{sheetName: string; scanner: W}> {
  const zip = await ZipReader.open(file);
  try {
    const book = await readWorkbook(zip);
    const sheet = pickSheet(book, options.sheet);
    const entry = zip.get(sheet.path);
    if (!entry) {
      throw new XlsxError(`corrupt xlsx: worksheet ${sheet.path} of sheet "${sheet.name}" is missing`);
    }
    const stringsEntry = zip.get(book.sharedStringsPath);
    const stylesEntry = zip.get(book.stylesPath);
    const strings = createStrings(stringsEntry?.name ?? book.sharedStringsPath);
    if (stringsEntry) await scanChunks(await zip.stream(stringsEntry), strings);
    const dateStyles = stylesEntry
      ? parseDateStyles((await zip.read(stylesEntry)).toString("utf8"))
      : new Uint8Array(0);
    const scanner = createSheet(entry.name, {dateStyles, date1904: book.date1904}, strings);
    await scanChunks(await zip.stream(entry), scanner);
    return {sheetName: sheet.name, scanner};
  } finally {
    await zip.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Workbook structure: small parts, parsed with regular expressions.

interface SheetRef {
  name: string;
  path: string;
  isWorksheet: boolean;
}

interface Workbook {
  sheets: SheetRef[];
  date1904: boolean;
  sharedStringsPath: string;
  stylesPath: string;
}

const WORKBOOK = "xl/workbook.xml";
const WORKBOOK_RELS = "xl/_rels/workbook.xml.rels";
const FALLBACK_SHEET = "xl/worksheets/sheet1.xml";

async function readWorkbook(zip: ZipReader): Promise<Workbook> {
  const workbookEntry = zip.get(WORKBOOK);
  const relsEntry = zip.get(WORKBOOK_RELS);
  const book: Workbook = {
    sheets: [],
    date1904: false,
    sharedStringsPath: "xl/sharedStrings.xml",
    stylesPath: "xl/styles.xml",
  };
  if (workbookEntry && relsEntry) {
    const xml = (await zip.read(workbookEntry)).toString("utf8");
    const rels = new Map<string, {type: string; path: string}>();
    for (const rel of elements((await zip.read(relsEntry)).toString("utf8"), "Relationship")) {
      const target = resolveTarget(rel.Target ?? "");
      const type = rel.Type ?? "";
      rels.set(rel.Id ?? "", {type, path: target});
      if (type.endsWith("/sharedStrings")) book.sharedStringsPath = target;
      if (type.endsWith("/styles")) book.stylesPath = target;
    }
    const flag = elements(xml, "workbookPr")[0]?.date1904;
    book.date1904 = flag === "1" || flag === "true";
    for (const sheet of elements(xml, "sheet")) {
      const rel = rels.get(sheet.id ?? "");
      if (rel) {
        book.sheets.push({
          name: sheet.name ?? "",
          path: rel.path,
          isWorksheet: rel.type.endsWith("/worksheet"),
        });
      }
    }
  }
  if (!workbookEntry && zip.get("xl/workbook.bin")) {
    throw new XlsxError("not an XLSX file: a binary .xlsb workbook; save it as .xlsx");
  }
  if (book.sheets.length === 0 && zip.get(FALLBACK_SHEET)) {
    book.sheets.push({name: "sheet1", path: FALLBACK_SHEET, isWorksheet: true});
  }
  return book;
}

/** Relationship targets are relative to xl/, or absolute within the package. */
function resolveTarget(target: string): string {
  const parts = target.startsWith("/") ? [] : ["xl"];
  for (const part of target.split("/")) {
    if (part === "..") parts.pop();
    else if (part !== "" && part !== ".") parts.push(part);
  }
  return parts.join("/");
}

function pickSheet(book: Workbook, wanted: string | number | undefined): SheetRef {
  const names = book.sheets.map((sheet) => sheet.name).join(", ");
  let sheet: SheetRef | undefined;
  if (wanted === undefined) {
    sheet = book.sheets.find((s) => s.isWorksheet);
    if (!sheet) throw new XlsxError("no worksheet found in workbook");
  } else if (typeof wanted === "number") {
    sheet = book.sheets[wanted];
    if (!sheet) throw new XlsxError(`no sheet at index ${wanted}; sheets: ${names}`);
  } else {
    sheet =
      book.sheets.find((s) => s.name === wanted) ??
      book.sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
    if (!sheet) throw new XlsxError(`no sheet named "${wanted}"; sheets: ${names}`);
  }
  if (!sheet.isWorksheet) throw new XlsxError(`sheet "${sheet.name}" is not a worksheet (it may be a chart)`);
  return sheet;
}

/** Attributes (by local name, values decoded) of every element with the given local name. */
function elements(xml: string, localName: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  const tags = new RegExp(`<(?:[\\w.-]+:)?${localName}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, "g");
  for (const [, body = ""] of xml.matchAll(tags)) {
    const attributes: Record<string, string> = {};
    for (const [, name = "", double, single] of body.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes[name.slice(name.indexOf(":") + 1)] = decodeEntities(double ?? single ?? "");
    }
    found.push(attributes);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Styles: which cell styles show numbers as dates.

/** Built-in formats that are dates or times; 27–36 and 50–58 are the CJK locales' date formats. */
function isBuiltInDateFormat(id: number): boolean {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

/** A format is a date format when it has date or time codes outside quoted text, [..] and escapes. */
export function isDateFormatCode(code: string): boolean {
  const bare = code.replace(/"[^"]*"|\[[^\]]*\]|\\.|[_*]./g, "");
  return /[ymdhs]/i.test(bare);
}

function parseDateStyles(xml: string): Uint8Array {
  const custom = new Map<number, boolean>();
  for (const format of elements(xml, "numFmt")) {
    custom.set(Number(format.numFmtId), isDateFormatCode(format.formatCode ?? ""));
  }
  const cellXfs = /<(?:[\w.-]+:)?cellXfs[\s>][\s\S]*?<\/(?:[\w.-]+:)?cellXfs>/.exec(xml)?.[0] ?? "";
  const xfs = elements(cellXfs, "xf");
  const dateStyles = new Uint8Array(xfs.length);
  xfs.forEach((xf, i) => {
    const id = Number(xf.numFmtId ?? 0);
    if (custom.get(id) ?? isBuiltInDateFormat(id)) dateStyles[i] = 1;
  });
  return dateStyles;
}

// ---------------------------------------------------------------------------------------------
// Text decoding.

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g;
const NAMED: Record<string, string> = {amp: "&", lt: "<", gt: ">", quot: '"', apos: "'"};

function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(ENTITY, (whole, hex?: string, dec?: string, name?: string) => {
    if (name) return NAMED[name] ?? whole;
    const code = hex ? parseInt(hex, 16) : Number(dec);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** Excel writes characters that XML cannot carry as _xHHHH_ (and a literal "_x" as _x005F_x). */
const EXCEL_ESCAPE = /_x([0-9a-fA-F]{4})_/g;

/** Decodes the text content between two byte offsets of an XML chunk. */
export function decodeText(bytes: Buffer, start: number, end: number): string {
  let text = bytes.toString("utf8", start, end);
  // XML parsers normalise line ends before resolving references (&#13; stays a CR).
  if (text.includes("\r")) text = text.replace(/\r\n?/g, "\n");
  text = decodeEntities(text);
  if (text.includes("_x")) {
    text = text.replace(EXCEL_ESCAPE, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// Dates.

const DAY_MS = 86_400_000;
/** Day 0 of each date system, in days since 1970-01-01. Serials below 60 are one day later. */
const EPOCH_1900 = -25_569; // 1899-12-30
const EPOCH_1904 = -24_107; // 1904-01-01
/** 9999-12-31, the last date Excel shows. */
const MAX_SERIAL = 2_958_466;

/** A date-time serial as "YYYY-MM-DD HH:MM:SS" (wall clock), or undefined if not a date. */
export function serialToDateTime(serial: number, date1904: boolean): string | undefined {
  if (!(serial >= 0 && serial < MAX_SERIAL)) return undefined;
  let days = Math.floor(serial);
  let seconds = Math.round((serial - days) * 86_400);
  if (seconds === 86_400) {
    days++;
    seconds = 0;
  }
  const time = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  // Excel counts the non-existent 1900-02-29 (serial 60), as Lotus 1-2-3 did.
  if (!date1904 && days === 60) return `1900-02-29 ${time}`;
  const epoch = date1904 ? EPOCH_1904 : days < 60 ? EPOCH_1900 + 1 : EPOCH_1900;
  const date = new Date((epoch + days) * DAY_MS);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${time}`;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : `${n}`;
}

/** A t="d" cell holds an ISO 8601 date-time; it is given the same shape as converted serials. */
function isoToDateTime(iso: string): string {
  const match = /^(\d{4}-\d\d-\d\d)(?:T(\d\d:\d\d:\d\d))?/.exec(iso);
  return match ? `${match[1]} ${match[2] ?? "00:00:00"}` : iso;
}

// ---------------------------------------------------------------------------------------------
// Chunked scanning.

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const COLON = 58;
const QUOTE = 34;
const APOSTROPHE = 39;
const EQUALS = 61;
const BANG = 33; // <!-- and <![CDATA[
const QUESTION = 63; // <?pi?>
const INCOMPLETE = -1;

/**
 * Consumes complete records from the start of a chunk and returns where it stopped. It may also
 * stop early to let a promise settle (`waiting`), and is then called again from where it stopped.
 */
interface Scanner {
  scan(bytes: Buffer, text: string, position: number, final: boolean): number;
  waiting: Promise<void> | undefined;
}

/**
 * Inflated chunks are scanned in pieces of at most this size: V8 puts strings of more than 128 KB
 * in pages of their own, and the latin1 view of each would cost fresh memory.
 */
const PIECE = 1 << 16;

async function scanChunks(stream: Readable, scanner: Scanner): Promise<void> {
  let parts: Buffer[] = [];
  let length = 0;
  let wanted = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    for (let offset = 0; offset < chunk.length; offset += PIECE) {
      const piece = chunk.length <= PIECE ? chunk : chunk.subarray(offset, offset + PIECE);
      parts.push(piece);
      length += piece.length;
      // A record larger than what is buffered: wait until the buffer has doubled before scanning
      // again, so that huge records cost linear time.
      if (length < wanted) continue;
      const bytes = parts.length === 1 ? piece : Buffer.concat(parts, length);
      const consumed = await feed(scanner, bytes, false);
      parts = consumed < length ? [bytes.subarray(consumed)] : [];
      length -= consumed;
      wanted = consumed === 0 ? 2 * length : 0;
    }
  }
  await feed(scanner, Buffer.concat(parts, length), true);
}

async function feed(scanner: Scanner, bytes: Buffer, final: boolean): Promise<number> {
  const text = bytes.toString("latin1");
  let position = scanner.scan(bytes, text, 0, final);
  while (scanner.waiting) {
    const waiting = scanner.waiting;
    scanner.waiting = undefined;
    await waiting;
    position = scanner.scan(bytes, text, position, final);
  }
  return position;
}

/**
 * Tag and attribute reading shared by the scanners. Results of the last read are left in fields
 * rather than returned as objects, to keep the per-cell path free of allocations.
 */
abstract class MarkupScanner implements Scanner {
  waiting: Promise<void> | undefined = undefined;
  /** Of the last name read: where its local part (after any prefix) starts. */
  protected localStart = 0;
  /** Of the last attribute read: its local name range (-1 once the tag ended) and value range. */
  protected attrStart = 0;
  protected attrEnd = 0;
  protected valueStart = 0;
  protected valueEnd = 0;
  /** Whether the last tag ended with "/>". */
  protected selfClosing = false;
  /** The text read last by richText(). */
  protected text = "";

  constructor(protected readonly part: string) {}

  abstract scan(bytes: Buffer, text: string, position: number, final: boolean): number;

  protected malformed(what: string): XlsxError {
    return new XlsxError(`malformed XML in ${this.part}: ${what}`);
  }

  /** Reads a tag name starting at p; returns its end, or INCOMPLETE. */
  protected name(s: string, p: number): number {
    this.localStart = p;
    for (let c = s.charCodeAt(p); p < s.length; c = s.charCodeAt(++p)) {
      if (c <= 32 || c === GT || c === SLASH) return p;
      if (c === COLON) this.localStart = p + 1;
    }
    return INCOMPLETE;
  }

  /** Whether the local name read last, ending at end, is the given (ASCII) name. */
  protected is(s: string, end: number, name: string): boolean {
    const start = this.localStart;
    if (end - start !== name.length) return false;
    for (let i = 0; i < name.length; i++) if (s.charCodeAt(start + i) !== name.charCodeAt(i)) return false;
    return true;
  }

  /**
   * Reads the next attribute of a tag from p and returns the position after it. At the end of the
   * tag it sets attrStart to -1 and returns the position after ">" or "/>". INCOMPLETE if the chunk
   * ends first.
   */
  protected attribute(s: string, p: number): number {
    let c = s.charCodeAt(p);
    while (c <= 32) c = s.charCodeAt(++p);
    if (c === GT || c === SLASH) {
      this.attrStart = -1;
      this.selfClosing = c === SLASH;
      if (c === GT) return p + 1;
      return p + 1 < s.length ? p + 2 : INCOMPLETE;
    }
    if (p >= s.length) return INCOMPLETE;
    // The usual shape in cells and rows, a one-letter name and a double-quoted value, goes first.
    if (s.charCodeAt(p + 1) === EQUALS && s.charCodeAt(p + 2) === QUOTE) {
      const close = s.indexOf('"', p + 3);
      if (close < 0) return INCOMPLETE;
      this.attrStart = p;
      this.attrEnd = p + 1;
      this.valueStart = p + 3;
      this.valueEnd = close;
      return close + 1;
    }
    const equals = s.indexOf("=", p);
    if (equals < 0) return INCOMPLETE;
    let end = equals;
    while (s.charCodeAt(end - 1) <= 32) end--;
    this.attrStart = p;
    for (let i = p; i < end; i++) if (s.charCodeAt(i) === COLON) this.attrStart = i + 1;
    this.attrEnd = end;
    let q = equals + 1;
    while (s.charCodeAt(q) <= 32) q++;
    const quote = s.charCodeAt(q);
    if (q >= s.length) return INCOMPLETE;
    if (quote !== QUOTE && quote !== APOSTROPHE) {
      throw this.malformed(`unquoted attribute value at byte ${q}`);
    }
    const close = s.indexOf(quote === QUOTE ? '"' : "'", q + 1);
    if (close < 0) return INCOMPLETE;
    this.valueStart = q + 1;
    this.valueEnd = close;
    return close + 1;
  }

  /** Skips the rest of a start tag from p; returns the position after it, or INCOMPLETE. */
  protected endOfTag(s: string, p: number): number {
    do p = this.attribute(s, p);
    while (p !== INCOMPLETE && this.attrStart !== -1);
    return p;
  }

  /**
   * Skips markup that is not a start or end tag (declaration, comment, processing instruction)
   * starting at the "<" at lt; returns the position after it, or INCOMPLETE.
   */
  protected skipSpecial(s: string, lt: number): number {
    const terminator = s.startsWith("<!--", lt) ? "-->" : s.startsWith("<![CDATA[", lt) ? "]]>" : ">";
    const end = s.indexOf(terminator, lt + 2);
    return end < 0 ? INCOMPLETE : end + terminator.length;
  }

  /**
   * Skips an element whose name (from nameStart after "<" to nameEnd) has been read; returns the
   * position after its end tag, or INCOMPLETE. Elements skipped this way do not nest.
   */
  protected skipElement(s: string, nameStart: number, nameEnd: number): number {
    const p = this.endOfTag(s, nameEnd);
    if (p === INCOMPLETE || this.selfClosing) return p;
    const close = s.indexOf(`</${s.slice(nameStart, nameEnd)}`, p);
    if (close < 0) return INCOMPLETE;
    const gt = s.indexOf(">", close);
    return gt < 0 ? INCOMPLETE : gt + 1;
  }

  /**
   * Reads rich or plain text (<si>, <is>): the <t> texts concatenated, phonetic runs (<rPh>) left
   * out. p is after the container's start tag; returns the position after its end tag or
   * INCOMPLETE, and leaves the text in `this.text`.
   */
  protected richText(bytes: Buffer, s: string, p: number, container: string): number {
    let text = "";
    for (;;) {
      const lt = s.indexOf("<", p);
      if (lt < 0) return INCOMPLETE;
      const c = s.charCodeAt(lt + 1);
      if (c === SLASH) {
        const end = this.name(s, lt + 2);
        if (end === INCOMPLETE) return INCOMPLETE;
        const gt = s.indexOf(">", end);
        if (gt < 0) return INCOMPLETE;
        p = gt + 1;
        if (this.is(s, end, container)) break;
        continue;
      }
      if (c === BANG || c === QUESTION) {
        p = this.skipSpecial(s, lt);
        if (p === INCOMPLETE) return INCOMPLETE;
        // Excel never writes CDATA, but other generators may wrap text in it.
        if (s.startsWith("<![CDATA[", lt)) text += bytes.toString("utf8", lt + 9, p - 3);
        continue;
      }
      const end = this.name(s, lt + 1);
      if (end === INCOMPLETE) return INCOMPLETE;
      if (this.is(s, end, "t")) {
        p = this.endOfTag(s, end);
        if (p === INCOMPLETE) return INCOMPLETE;
        if (this.selfClosing) continue;
        const close = s.indexOf("<", p);
        if (close < 0) return INCOMPLETE;
        if (close > p) text += decodeText(bytes, p, close);
        p = close;
      } else if (this.is(s, end, "rPh")) {
        p = this.skipElement(s, lt + 1, end);
      } else {
        p = this.endOfTag(s, end);
      }
      if (p === INCOMPLETE) return INCOMPLETE;
    }
    this.text = text;
    return p;
  }
}

/** The column of a cell reference such as "AB12" (zero-based), or -1 if it has no letters. */
function columnIndex(s: string, start: number, end: number): number {
  let column = 0;
  let p = start;
  for (; p < end; p++) {
    const c = s.charCodeAt(p) | 0x20; // lower case
    if (c < 97 || c > 122) break;
    column = column * 26 + (c - 96);
  }
  return p === start ? -1 : column - 1;
}

/** A non-negative decimal integer, or -1 if the range holds anything else. */
export function integer(s: string, start: number, end: number): number {
  if (start === end) return -1;
  let n = 0;
  for (let p = start; p < end; p++) {
    const d = s.charCodeAt(p) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Shared strings.

/** Reads the strings of the shared strings table in order, handing each to add() or addText(). */
export abstract class SharedStringsScanner extends MarkupScanner {
  /** The next string is the text between two byte offsets of the chunk, to be decoded (maybe empty). */
  protected abstract add(bytes: Buffer, start: number, end: number): void;
  /** The next string, decoded ("" when empty). */
  protected abstract addText(text: string): void;

  scan(bytes: Buffer, s: string, p: number, final: boolean): number {
    for (;;) {
      const lt = s.indexOf("<", p);
      if (lt < 0) return s.length;
      const next = this.record(bytes, s, lt);
      if (next === INCOMPLETE) {
        if (final) throw this.malformed("unexpected end");
        return lt;
      }
      p = next;
    }
  }

  /** Reads the markup at lt: an <si>, or anything else, which is skipped. */
  private record(bytes: Buffer, s: string, lt: number): number {
    // The usual shape, <si><t>…</t></si>, is matched directly; everything else takes the general path.
    if (s.startsWith("<si><t>", lt)) {
      const end = s.indexOf("<", lt + 7);
      if (end < 0) return INCOMPLETE;
      if (s.startsWith("</t></si>", end)) {
        this.add(bytes, lt + 7, end);
        return end + 9;
      }
    }
    const c = s.charCodeAt(lt + 1);
    if (c === BANG || c === QUESTION) return this.skipSpecial(s, lt);
    const end = this.name(s, c === SLASH ? lt + 2 : lt + 1);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (c === SLASH || !this.is(s, end, "si")) return this.endOfTag(s, end);
    let p = this.endOfTag(s, end);
    if (p === INCOMPLETE) return INCOMPLETE;
    let text = "";
    if (!this.selfClosing) {
      p = this.richText(bytes, s, p, "si");
      if (p === INCOMPLETE) return INCOMPLETE;
      text = this.text;
    }
    this.addText(text);
    return p;
  }
}

class StringList extends SharedStringsScanner {
  /** Empty strings are kept as null: an empty cell. */
  readonly strings: (string | null)[] = [];

  protected add(bytes: Buffer, start: number, end: number): void {
    this.strings.push(end > start ? decodeText(bytes, start, end) : null);
  }

  protected addText(text: string): void {
    this.strings.push(text === "" ? null : text);
  }
}

// ---------------------------------------------------------------------------------------------
// Worksheet.

const MAX_COLUMNS = 16_384;

const enum Phase {
  BeforeSheetData,
  InSheetData,
  Done,
}

export const enum CellType {
  Number,
  SharedString,
  InlineString,
  FormulaString,
  Boolean,
  Error,
  IsoDate,
}

function cellType(s: string, start: number, end: number): CellType {
  const length = end - start;
  const first = s.charCodeAt(start);
  if (length === 1) {
    if (first === 115) return CellType.SharedString; // s
    if (first === 98) return CellType.Boolean; // b
    if (first === 101) return CellType.Error; // e
    if (first === 100) return CellType.IsoDate; // d
    return CellType.Number; // n
  }
  if (length === 3 && first === 115) return CellType.FormulaString; // str
  if (length === 9 && first === 105) return CellType.InlineString; // inlineStr
  return CellType.Number;
}

/**
 * Reads the rows of a worksheet and hands their cells to the hooks of a subclass: startRow(), then
 * value() or textValue() for each cell that is not empty, then endRow() once the row is complete.
 * A row that a chunk cuts short is read again, from startRow(), with the next chunk.
 */
export abstract class SheetScanner extends MarkupScanner {
  private phase = Phase.BeforeSheetData;
  private lastRow = 0;
  /** The column of the cell read last. */
  protected column = 0;
  protected readonly dateStyles: Uint8Array;
  protected readonly date1904: boolean;

  constructor(part: string, formats: DateFormats) {
    super(part);
    this.dateStyles = formats.dateStyles;
    this.date1904 = formats.date1904;
  }

  protected abstract startRow(rowNumber: number): void;
  /** The row is complete; it may set `waiting`. */
  protected abstract endRow(rowNumber: number): void;
  /**
   * The cell in `column` holds the text between two byte offsets of the chunk (not empty): a <v>
   * value of the given type, or the text of an inline string (type InlineString).
   */
  protected abstract value(
    bytes: Buffer,
    s: string,
    start: number,
    end: number,
    type: CellType,
    style: number,
    rowNumber: number,
  ): void;
  /** The cell in `column` is an inline string with this text (not empty). */
  protected abstract textValue(text: string): void;
  /** Shared string `index`: undefined if there is no such string, null if it is empty. */
  protected abstract sharedString(index: number): string | null | undefined;
  protected abstract sharedStringCount(): number;

  scan(bytes: Buffer, s: string, p: number, final: boolean): number {
    if (this.phase === Phase.BeforeSheetData) {
      p = this.findSheetData(s, p);
      if (p === INCOMPLETE) {
        if (final) throw this.malformed("no <sheetData> element");
        return 0;
      }
    }
    while (this.phase === Phase.InSheetData) {
      const lt = s.indexOf("<", p);
      const next = lt < 0 ? INCOMPLETE : this.markup(bytes, s, lt);
      if (next === INCOMPLETE) {
        if (final) throw this.malformed(`unexpected end after row ${this.lastRow}`);
        return lt < 0 ? s.length : lt;
      }
      p = next;
      if (this.waiting) return p;
    }
    return s.length;
  }

  private findSheetData(s: string, p: number): number {
    for (;;) {
      const at = s.indexOf("sheetData", p);
      if (at < 0) return INCOMPLETE;
      const before = s.charCodeAt(at - 1);
      const after = s.charCodeAt(at + 9);
      p = at + 9;
      if ((before === LT || before === COLON) && (after <= 32 || after === GT || after === SLASH)) {
        const end = this.endOfTag(s, p);
        if (end !== INCOMPLETE) this.phase = this.selfClosing ? Phase.Done : Phase.InSheetData;
        return end;
      }
    }
  }

  /** Reads the markup at lt inside <sheetData>: a row, the end of sheetData, or anything else. */
  private markup(bytes: Buffer, s: string, lt: number): number {
    const c = s.charCodeAt(lt + 1);
    if (c === BANG || c === QUESTION) return this.skipSpecial(s, lt);
    if (c === SLASH) {
      const end = this.name(s, lt + 2);
      if (end === INCOMPLETE) return INCOMPLETE;
      if (this.is(s, end, "sheetData")) this.phase = Phase.Done;
      const gt = s.indexOf(">", end);
      return gt < 0 ? INCOMPLETE : gt + 1;
    }
    const end = this.name(s, lt + 1);
    if (end === INCOMPLETE) return INCOMPLETE;
    if (this.is(s, end, "row")) return this.row(bytes, s, end);
    return this.skipElement(s, lt + 1, end);
  }

  /** Reads a row from after its tag name; returns the position after </row>, or INCOMPLETE. */
  private row(bytes: Buffer, s: string, p: number): number {
    let rowNumber = this.lastRow + 1;
    for (;;) {
      p = this.attribute(s, p);
      if (p === INCOMPLETE) return INCOMPLETE;
      if (this.attrStart === -1) break;
      if (this.attrEnd - this.attrStart === 1 && s.charCodeAt(this.attrStart) === 114) {
        rowNumber = integer(s, this.valueStart, this.valueEnd);
        if (rowNumber < 1) {
          throw this.malformed(`bad row number "${s.slice(this.valueStart, this.valueEnd)}"`);
        }
      }
    }
    this.startRow(rowNumber);
    if (!this.selfClosing) {
      let column = -1;
      for (;;) {
        const lt = s.charCodeAt(p) === LT ? p : s.indexOf("<", p);
        if (lt < 0) return INCOMPLETE;
        const c = s.charCodeAt(lt + 1);
        // A cell without a namespace prefix, the usual case, is told apart at once.
        const next = s.charCodeAt(lt + 2);
        if (c === 99 && (next === 32 || next === GT || next === SLASH)) {
          p = this.cell(bytes, s, lt + 2, column, rowNumber);
          if (p === INCOMPLETE) return INCOMPLETE;
          column = this.column;
          continue;
        }
        if (c === SLASH) {
          const gt = s.indexOf(">", lt);
          if (gt < 0) return INCOMPLETE;
          p = gt + 1;
          break;
        }
        if (c === BANG || c === QUESTION) {
          p = this.skipSpecial(s, lt);
        } else {
          const end = this.name(s, lt + 1);
          if (end === INCOMPLETE) return INCOMPLETE;
          if (this.is(s, end, "c")) {
            p = this.cell(bytes, s, end, column, rowNumber);
            column = this.column;
          } else {
            p = this.skipElement(s, lt + 1, end);
          }
        }
        if (p === INCOMPLETE) return INCOMPLETE;
      }
    }
    // Only now that the row is complete: an incomplete row is read again from the next chunk.
    this.lastRow = rowNumber;
    this.endRow(rowNumber);
    return p;
  }

  /**
   * Reads a cell from after its tag name; returns the position after it or INCOMPLETE, leaving its
   * column in `column` and handing its value, if any, to value() or textValue() once it is complete.
   */
  private cell(bytes: Buffer, s: string, p: number, previousColumn: number, rowNumber: number): number {
    let column = previousColumn + 1;
    let style = 0;
    let type = CellType.Number;
    for (;;) {
      // The usual shapes, a one-letter name with a double-quoted value after one space, and the end
      // of the tag, are read here; attribute() takes the rest.
      let c = s.charCodeAt(p);
      if (c === 32) c = s.charCodeAt(++p);
      let name = 0;
      let valueStart: number;
      let valueEnd: number;
      if (c === GT) {
        this.selfClosing = false;
        p++;
        break;
      } else if (c > 32 && c !== SLASH && s.charCodeAt(p + 1) === EQUALS && s.charCodeAt(p + 2) === QUOTE) {
        name = c;
        valueStart = p + 3;
        valueEnd = s.indexOf('"', valueStart);
        if (valueEnd < 0) return INCOMPLETE;
        p = valueEnd + 1;
      } else {
        p = this.attribute(s, p);
        if (p === INCOMPLETE) return INCOMPLETE;
        if (this.attrStart === -1) break;
        if (this.attrEnd - this.attrStart === 1) name = s.charCodeAt(this.attrStart);
        valueStart = this.valueStart;
        valueEnd = this.valueEnd;
      }
      if (name === 114) {
        // r
        const index = columnIndex(s, valueStart, valueEnd);
        if (index >= MAX_COLUMNS) {
          throw this.malformed(`bad cell reference "${s.slice(valueStart, valueEnd)}"`);
        }
        if (index >= 0) column = index;
      } else if (name === 115) {
        // s
        style = integer(s, valueStart, valueEnd);
      } else if (name === 116) {
        // t
        type = cellType(s, valueStart, valueEnd);
      }
    }
    this.column = column;
    if (this.selfClosing) return p;
    // The usual shapes, <v>…</v></c> and <is><t>…</t></is></c>, are matched directly; everything
    // else takes the general path.
    if (type === CellType.InlineString && s.startsWith("<is><t>", p)) {
      const end = s.indexOf("<", p + 7);
      if (end < 0) return INCOMPLETE;
      if (s.startsWith("</t></is></c>", end)) {
        if (end > p + 7) this.value(bytes, s, p + 7, end, type, style, rowNumber);
        return end + 13;
      }
    } else if (s.startsWith("<v>", p)) {
      const end = s.indexOf("<", p + 3);
      if (end < 0) return INCOMPLETE;
      if (s.startsWith("</v></c>", end)) {
        if (end > p + 3 && type !== CellType.InlineString) {
          this.value(bytes, s, p + 3, end, type, style, rowNumber);
        }
        return end + 8;
      }
    }
    let valueStart = -1;
    let valueEnd = -1;
    let inline = "";
    for (;;) {
      const lt = s.indexOf("<", p);
      if (lt < 0) return INCOMPLETE;
      const c = s.charCodeAt(lt + 1);
      if (c === SLASH) {
        const end = this.name(s, lt + 2);
        if (end === INCOMPLETE) return INCOMPLETE;
        const gt = s.indexOf(">", end);
        if (gt < 0) return INCOMPLETE;
        p = gt + 1;
        if (this.is(s, end, "c")) break;
        continue;
      }
      if (c === BANG || c === QUESTION) {
        p = this.skipSpecial(s, lt);
        if (p === INCOMPLETE) return INCOMPLETE;
        continue;
      }
      const end = this.name(s, lt + 1);
      if (end === INCOMPLETE) return INCOMPLETE;
      if (this.is(s, end, "v")) {
        p = this.endOfTag(s, end);
        if (p === INCOMPLETE) return INCOMPLETE;
        if (this.selfClosing) continue;
        valueStart = p;
        valueEnd = s.indexOf("<", p);
        if (valueEnd < 0) return INCOMPLETE;
        p = valueEnd;
      } else if (this.is(s, end, "is")) {
        p = this.endOfTag(s, end);
        if (p === INCOMPLETE) return INCOMPLETE;
        if (this.selfClosing) continue;
        p = this.richText(bytes, s, p, "is");
        if (p === INCOMPLETE) return INCOMPLETE;
        if (this.text !== "") inline = this.text;
      } else {
        p = this.skipElement(s, lt + 1, end);
        if (p === INCOMPLETE) return INCOMPLETE;
      }
    }
    if (type === CellType.InlineString) {
      if (inline !== "") this.textValue(inline);
    } else if (valueEnd > valueStart) {
      this.value(bytes, s, valueStart, valueEnd, type, style, rowNumber);
    }
    return p;
  }

  /** The value of a cell as value() receives it, as text (null when empty). */
  protected convert(
    bytes: Buffer,
    s: string,
    start: number,
    end: number,
    type: CellType,
    style: number,
    rowNumber: number,
  ): string | null {
    switch (type) {
      case CellType.SharedString: {
        const text = this.sharedString(integer(s, start, end));
        if (text === undefined) throw this.missingString(s, start, end, rowNumber);
        return text;
      }
      case CellType.Number: {
        // V8 makes slices of 13 characters or more views of the whole chunk, which would keep it
        // alive as long as the caller keeps the value: longer ones are copied.
        const raw = end - start < 13 ? s.slice(start, end) : bytes.toString("latin1", start, end);
        if (this.dateStyles[style] === 1) return serialToDateTime(Number(raw), this.date1904) ?? raw;
        return raw;
      }
      case CellType.Boolean:
        return s.charCodeAt(start) === 49 || s.startsWith("true", start) ? "TRUE" : "FALSE";
      case CellType.IsoDate:
        return isoToDateTime(s.slice(start, end));
      default: {
        const text = decodeText(bytes, start, end);
        return text === "" ? null : text;
      }
    }
  }

  /** The error for a shared string index (from start to end) beyond the table. */
  protected missingString(s: string, start: number, end: number, rowNumber: number): XlsxError {
    const ref = `${columnLetters(this.column)}${rowNumber}`;
    return new XlsxError(
      `corrupt xlsx: cell ${ref} of ${this.part} refers to shared string "${s.slice(start, end)}", ` +
        `but there are ${this.sharedStringCount()}`,
    );
  }
}

/** Collects the cells of each row as text and hands them to onRow. */
class RowReader extends SheetScanner {
  rowCount = 0;
  private cells: (string | null)[] = [];

  constructor(
    part: string,
    formats: DateFormats,
    private readonly strings: (string | null)[],
    private readonly onRow: XlsxRowHandler,
  ) {
    super(part, formats);
  }

  protected startRow(): void {
    this.cells = [];
  }

  protected endRow(rowNumber: number): void {
    if (this.cells.length === 0) return;
    this.rowCount++;
    const result = this.onRow(this.cells, rowNumber);
    if (result !== undefined) this.waiting = result;
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
    const value = this.convert(bytes, s, start, end, type, style, rowNumber);
    if (value !== null) place(this.cells, this.column, value);
  }

  protected textValue(text: string): void {
    place(this.cells, this.column, text);
  }

  protected sharedString(index: number): string | null | undefined {
    return this.strings[index];
  }

  protected sharedStringCount(): number {
    return this.strings.length;
  }
}

/** Puts a value at its column, filling any gap with nulls (cells are normally in column order). */
export function place(cells: (string | null)[], column: number, value: string): void {
  if (column === cells.length) {
    cells.push(value);
    return;
  }
  while (cells.length < column) cells.push(null);
  if (column === cells.length) cells.push(value);
  else cells[column] = value;
}

function columnLetters(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}
