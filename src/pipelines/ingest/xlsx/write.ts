import {randomBytes} from "node:crypto";
import {rename, rm} from "node:fs/promises";
import path from "node:path";
import {XlsxError, ZipWriter} from "./zip.js";

export type XlsxCell = string | number | null;

export interface XlsxWriteOptions {
  sheetName?: string;
  /** Store text in xl/sharedStrings.xml, as Excel does (default true); false writes inline strings. */
  sharedStrings?: boolean;
  /** Zero-based columns whose numbers are date serials, shown as yyyy-mm-dd hh:mm:ss. */
  dateColumns?: number[];
}

const MAX_ROWS = 1_048_576;
const MAX_COLUMNS = 16_384;
const MAX_TEXT = 32_767;
/** Sheet XML is handed to deflate in pieces of about this many characters. */
const PIECE = 1 << 16;

const NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships";
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const DATE_STYLE = 1;

/**
 * Streams rows into a valid .xlsx file (Excel and LibreOffice open it); numbers become numeric
 * cells, strings become shared strings (or inline strings when sharedStrings is false), null and ""
 * are empty cells. Row i of the input is spreadsheet row i + 1. The file appears under its name only
 * once complete.
 */
export async function writeXlsx(
  file: string,
  rows: Iterable<XlsxCell[]> | AsyncIterable<XlsxCell[]>,
  options: XlsxWriteOptions = {},
): Promise<void> {
  const sheetName = checkSheetName(options.sheetName ?? "Sheet1");
  const strings = options.sharedStrings === false ? undefined : new SharedStrings();
  const dateColumns = [...new Set(options.dateColumns ?? [])].sort((a, b) => a - b);
  for (const column of dateColumns) {
    if (!Number.isInteger(column) || column < 0 || column >= MAX_COLUMNS) {
      throw new XlsxError(`invalid date column ${column}: expected a zero-based column index`);
    }
  }
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  const zip = await ZipWriter.create(temp);
  try {
    await zip.add("[Content_Types].xml", contentTypes(strings !== undefined));
    await zip.add("_rels/.rels", ROOT_RELS);
    await zip.add("xl/workbook.xml", workbook(sheetName));
    await zip.add("xl/_rels/workbook.xml.rels", workbookRels(strings !== undefined));
    await zip.add("xl/styles.xml", STYLES);
    await zip.addStream("xl/worksheets/sheet1.xml", sheetXml(rows, strings, dateColumns));
    if (strings) await zip.addStream("xl/sharedStrings.xml", strings.xml());
    await zip.finish();
    await rename(temp, file);
  } catch (error) {
    await zip.abort();
    await rm(temp, {force: true});
    throw error;
  }
}

class SharedStrings {
  private readonly index = new Map<string, number>();
  private references = 0;

  add(text: string): number {
    this.references++;
    let i = this.index.get(text);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(text, i);
    }
    return i;
  }

  *xml(): Generator<Buffer> {
    let piece = `${XML_DECL}<sst xmlns="${NS_MAIN}" count="${this.references}" uniqueCount="${this.index.size}">`;
    for (const text of this.index.keys()) {
      piece += `<si>${textElement(text)}</si>`;
      if (piece.length >= PIECE) {
        yield Buffer.from(piece, "utf8");
        piece = "";
      }
    }
    yield Buffer.from(piece + "</sst>", "utf8");
  }
}

async function* sheetXml(
  rows: Iterable<XlsxCell[]> | AsyncIterable<XlsxCell[]>,
  strings: SharedStrings | undefined,
  dateColumns: number[],
): AsyncGenerator<Buffer> {
  const isDate: boolean[] = [];
  for (const column of dateColumns) isDate[column] = true;
  const cols = dateColumns
    .map((c) => `<col min="${c + 1}" max="${c + 1}" width="20" customWidth="1"/>`)
    .join("");
  let piece = `${XML_DECL}<worksheet xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">`;
  piece += `${cols ? `<cols>${cols}</cols>` : ""}<sheetData>`;
  let rowNumber = 0;
  const addRow = (row: XlsxCell[]): boolean => {
    rowNumber++;
    if (rowNumber > MAX_ROWS) throw new XlsxError(`cannot write more than ${MAX_ROWS} rows to one sheet`);
    piece += rowXml(row, rowNumber, strings, isDate);
    return piece.length >= PIECE;
  };
  // A sync iterable is walked without `for await`, which would cost a promise per row.
  if (Symbol.asyncIterator in rows) {
    for await (const row of rows) {
      if (addRow(row)) {
        yield Buffer.from(piece, "utf8");
        piece = "";
      }
    }
  } else {
    for (const row of rows) {
      if (addRow(row)) {
        yield Buffer.from(piece, "utf8");
        piece = "";
      }
    }
  }
  yield Buffer.from(piece + "</sheetData></worksheet>", "utf8");
}

function rowXml(row: XlsxCell[], r: number, strings: SharedStrings | undefined, isDate: boolean[]): string {
  if (row.length > MAX_COLUMNS) throw new XlsxError(`row ${r} has more than ${MAX_COLUMNS} columns`);
  let xml = "";
  for (let c = 0; c < row.length; c++) {
    const value = row[c];
    if (value === null || value === undefined || value === "") continue;
    const ref = columnName(c) + r;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) {
        throw new XlsxError(`row ${r}, column ${columnName(c)}: ${value} is not a number Excel can store`);
      }
      xml += isDate[c]
        ? `<c r="${ref}" s="${DATE_STYLE}"><v>${value}</v></c>`
        : `<c r="${ref}"><v>${value}</v></c>`;
    } else {
      if (value.length > MAX_TEXT) {
        throw new XlsxError(`row ${r}, column ${columnName(c)}: text longer than ${MAX_TEXT} characters`);
      }
      xml += strings
        ? `<c r="${ref}" t="s"><v>${strings.add(value)}</v></c>`
        : `<c r="${ref}" t="inlineStr"><is>${textElement(value)}</is></c>`;
    }
  }
  return xml === "" ? "" : `<row r="${r}">${xml}</row>`;
}

/** Without xml:space="preserve", spreadsheet applications may drop leading and trailing whitespace. */
function textElement(text: string): string {
  const edges = text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32;
  return edges ? `<t xml:space="preserve">${escapeXmlText(text)}</t>` : `<t>${escapeXmlText(text)}</t>`;
}

/**
 * Besides the markup characters, escapes what XML 1.0 cannot carry (C0 controls other than tab and
 * line feed, U+FFFE, U+FFFF) the way Excel does, as _xHHHH_; carriage return too, because XML
 * parsers would turn CR LF into LF. A literal "_xHHHH_" gets its underscore escaped so that it is
 * not decoded.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_ESCAPE = /[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_(?=x[0-9a-fA-F]{4}_)/;
const ESCAPES = new RegExp(NEEDS_ESCAPE.source, "g");

function escapeXmlText(text: string): string {
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, escapeChar) : text;
}

function escapeChar(char: string): string {
  if (char === "&") return "&amp;";
  if (char === "<") return "&lt;";
  if (char === ">") return "&gt;";
  return `_x${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`;
}

const columnNames: string[] = [];

/** Zero-based column index to its letters: 0 → A, 27 → AB. */
function columnName(index: number): string {
  let name = columnNames[index];
  if (name === undefined) {
    name = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
      name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    }
    columnNames[index] = name;
  }
  return name;
}

function checkSheetName(name: string): string {
  if (
    name.length === 0 ||
    name.length > 31 ||
    /[:\\/?*[\]]/.test(name) ||
    name.startsWith("'") ||
    name.endsWith("'")
  ) {
    throw new XlsxError(
      `invalid sheet name "${name}": 1 to 31 characters, without : \\ / ? * [ ] and not starting or ending with '`,
    );
  }
  return name;
}

function contentTypes(sharedStrings: boolean): string {
  const ct = "application/vnd.openxmlformats-officedocument.spreadsheetml";
  return (
    `${XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
    `<Default Extension="xml" ContentType="application/xml"/>` +
    `<Override PartName="/xl/workbook.xml" ContentType="${ct}.sheet.main+xml"/>` +
    `<Override PartName="/xl/worksheets/sheet1.xml" ContentType="${ct}.worksheet+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${ct}.styles+xml"/>` +
    (sharedStrings
      ? `<Override PartName="/xl/sharedStrings.xml" ContentType="${ct}.sharedStrings+xml"/>`
      : "") +
    `</Types>`
  );
}

const ROOT_RELS =
  `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
  `<Relationship Id="rId1" Type="${NS_REL}/officeDocument" Target="xl/workbook.xml"/>` +
  `</Relationships>`;

function workbook(sheetName: string): string {
  return (
    `${XML_DECL}<workbook xmlns="${NS_MAIN}" xmlns:r="${NS_REL}">` +
    `<bookViews><workbookView/></bookViews>` +
    `<sheets><sheet name="${escapeXmlText(sheetName).replace(/"/g, "&quot;")}" sheetId="1" r:id="rId1"/></sheets>` +
    `</workbook>`
  );
}

function workbookRels(sharedStrings: boolean): string {
  return (
    `${XML_DECL}<Relationships xmlns="${NS_PKG_REL}">` +
    `<Relationship Id="rId1" Type="${NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
    `<Relationship Id="rId2" Type="${NS_REL}/styles" Target="styles.xml"/>` +
    (sharedStrings
      ? `<Relationship Id="rId3" Type="${NS_REL}/sharedStrings" Target="sharedStrings.xml"/>`
      : "") +
    `</Relationships>`
  );
}

/** The minimum Excel accepts (two fills are mandatory), plus style 1 for date-times. */
const STYLES =
  `${XML_DECL}<styleSheet xmlns="${NS_MAIN}">` +
  `<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>` +
  `<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
  `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
  `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
  `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
  `<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
  `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>` +
  `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
  `</styleSheet>`;
