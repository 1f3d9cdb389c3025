import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {mkdtemp, readFile, rm} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  convertXlsxToCsv,
  csvField,
  readXlsxRows,
  RowWidthError,
  writeXlsx,
  XlsxError,
  type XlsxCell,
} from "../../src/pipelines/ingest/xlsx/index.js";
import {ZipWriter} from "../../src/pipelines/ingest/xlsx/zip.js";
import {prepareSource} from "../../src/pipelines/ingest/source.js";
import {PipelineError} from "../../src/pipelines/errors.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "xlsx-csv-test-"));
});
afterAll(async () => {
  await rm(dir, {recursive: true, force: true});
});

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';

/**
 * A package without a workbook part: the reader falls back to xl/worksheets/sheet1.xml and the
 * default places of the shared strings and styles. Parts may be bytes, to hold invalid UTF-8.
 */
async function sheet(
  name: string,
  rows: string | Buffer,
  extra: {strings?: string | Buffer; styles?: string} = {},
): Promise<string> {
  const file = path.join(dir, name);
  const zip = await ZipWriter.create(file);
  const data =
    typeof rows === "string" ? `<worksheet ${NS}><sheetData>${rows}</sheetData></worksheet>` : rows;
  await zip.add("xl/worksheets/sheet1.xml", data);
  if (extra.strings !== undefined) {
    const strings = extra.strings;
    await zip.add(
      "xl/sharedStrings.xml",
      typeof strings === "string" ? `<sst ${NS}>${strings}</sst>` : strings,
    );
  }
  if (extra.styles) await zip.add("xl/styles.xml", `<styleSheet ${NS}>${extra.styles}</styleSheet>`);
  await zip.finish();
  return file;
}

/** The CSV as prepareXlsx wrote it from readXlsxRows before the byte path: the reference. */
async function viaRows(file: string): Promise<string> {
  let width = -1;
  let csv = "";
  await readXlsxRows(file, (cells, rowNumber) => {
    if (width < 0) {
      width = cells.length;
      csv += ["__source_row", ...cells.map((_, i) => `c${i}`)].join(",") + "\n";
      return;
    }
    for (const cell of cells.slice(width)) if (cell !== null) throw new Error("beyond the header");
    csv += [rowNumber, ...Array.from({length: width}, (_, i) => csvField(cells[i] ?? null))].join(",") + "\n";
  });
  return csv;
}

async function convert(file: string): Promise<{csv: string; headers: string[] | null; rowCount: number}> {
  const csvPath = `${file}.csv`;
  const {headers, rowCount} = await convertXlsxToCsv(file, csvPath);
  const bytes = await readFile(csvPath);
  // Compared as text below, so first make sure that the bytes are exactly the text's.
  expect(bytes.equals(Buffer.from(bytes.toString("utf8")))).toBe(true);
  return {csv: bytes.toString("utf8"), headers, rowCount};
}

const is = (ref: string, text: string) => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const ss = (ref: string, index: number) => `<c r="${ref}" t="s"><v>${index}</v></c>`;
const num = (ref: string, value: string, style?: number) =>
  `<c r="${ref}"${style === undefined ? "" : ` s="${style}"`}><v>${value}</v></c>`;

describe("convertXlsxToCsv", () => {
  const strings =
    `<si><t>plain</t></si>` +
    `<si><t/></si>` +
    `<si><r><rPr><b/></rPr><t>Bold,</t></r><r><t xml:space="preserve"> "run"</t></r></si>` +
    `<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si>` +
    `<si><t>&lt;a&gt; &amp; &quot;b&quot; &#20013;&#x1F600;</t></si>` +
    `<si><t>tab_x0009_here, x_x005F_x0041_</t></si>` +
    `<si><t>two\r\nlines</t></si>` +
    `<si><t>cr&#13;kept</t></si>` +
    `<si><t><![CDATA[<raw> &amp;]]></t></si>` +
    `<si><t>say "hi"</t></si>`;
  // Style 1: built-in date-time 22; 2: custom date; 3: a plain number format.
  const styles =
    `<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>` +
    `<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="22"/><xf numFmtId="164"/><xf numFmtId="4"/></cellXfs>`;
  const rows =
    // Blank rows before the header, which is the first row with a value.
    `<row r="1"/><row r="2"><c r="A2" t="s"><v>1</v></c></row>` +
    `<row r="3">${is("A3", "id")}${is("B3", "name,")}${is("C3", "q&quot;")}${is("E3", "e")}${ss("F3", 3)}</row>` +
    `<row r="4">${ss("A4", 0)}${ss("B4", 2)}${ss("C4", 4)}${ss("D4", 5)}${ss("E4", 6)}${ss("F4", 7)}</row>` +
    `<row r="5">${ss("A5", 8)}${ss("B5", 9)}${ss("C5", 1)}${ss("D5", 3)}</row>` +
    `<row r="6">${num("A6", "45000.75", 1)}${num("B6", "45000", 2)}${num("C6", "1299.5", 3)}` +
    `${num("D6", "60", 1)}${num("E6", "abc", 1)}${num("F6", "1,5")}</row>` +
    `<row r="7"><c r="A7" t="b"><v>1</v></c><c r="B7" t="e"><v>#N/A</v></c><c r="C7" t="str"><f>x</f><v>a&amp;b</v></c>` +
    `<c r="D7" t="d"><v>2026-11-01T12:34:56Z</v></c><c r="E7" t="str"><v></v></c><c r="F7" t="b"><v>0</v></c></row>` +
    `<row r="8">${is("A8", "inline, &lt;x&gt;")}<c r="B8" t="inlineStr"><is><r><t>rich </t></r><r><t>"run"</t></r></is></c>` +
    `<c r="C8" t="inlineStr"><is><t><![CDATA[a,b]]></t></is></c><c r="D8" t="inlineStr"><is><t/></is></c>` +
    `${is("E8", "l1&#10;l2")}<c r="F8" t="inlineStr"><v>ignored</v></c></row>` +
    // Out of order and repeated columns: the last value of a column wins, as in readXlsxRows.
    `<row r="9">${num("C9", "3")}${num("A9", "1")}${ss("B9", 9)}${num("A9", "9")}${ss("A9", 1)}</row>` +
    `<row r="10">${num("A10", "1")}${ss("B10", 4)}${num("D10", "4")}${num("B10", "2")}</row>` +
    // Cells without references, empty cells and trailing empty cells.
    `<row r="11"><c><v>1</v></c><c/><c><v>3</v></c><c r="F11"/><c r="G11" t="s"><v>1</v></c></row>` +
    `<row r="12"><c r="B12"/><c r="C12" t="inlineStr"><is><t></t></is></c></row>` +
    `<row><c r="E13"><v>13</v></c></row>`;

  it("writes what readXlsxRows reads, as CSV fields, byte for byte", async () => {
    const file = await sheet("kinds.xlsx", rows, {strings, styles});
    const {csv, headers, rowCount} = await convert(file);
    expect(csv).toBe(await viaRows(file));
    expect(headers).toEqual(["id", "name,", 'q"', "", "e", "東京"]);
    expect(rowCount).toBe(9);
    expect(csv).toBe(
      [
        "__source_row,c0,c1,c2,c3,c4,c5",
        `4,plain,"Bold, ""run""","<a> & ""b"" 中😀","tab\there, x_x0041_","two\nlines","cr\rkept"`,
        `5,<raw> &amp;,"say ""hi""",,東京,,`,
        `6,2023-03-15 18:00:00,2023-03-15 00:00:00,1299.5,1900-02-29 00:00:00,abc,"1,5"`,
        `7,TRUE,#N/A,a&b,2026-11-01 12:34:56,,FALSE`,
        `8,"inline, <x>","rich ""run""","a,b",,"l1\nl2",`,
        `9,9,"say ""hi""",3,,,`,
        `10,1,2,,4,,`,
        `11,1,,3,,,`,
        `13,,,,,13,`,
        "",
      ].join("\n"),
    );
  });

  it("copies non-ASCII text as it is, and decodes what is not UTF-8 as readXlsxRows does", async () => {
    const bytes = (...parts: (string | number[])[]) =>
      Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));
    const data = bytes(
      `<worksheet ${NS}><sheetData><row r="1">${is("A1", "h")}${is("B1", "i")}${is("C1", "j")}</row>`,
      `<row r="2"><c r="A2" t="inlineStr"><is><t>bad `,
      [0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80],
      `</t></is></c><c r="B2"><v>1`,
      [0xb2],
      `</v></c>${ss("C2", 0)}</row><row r="3">${is("A3", "ok é 中 😀")}</row></sheetData></worksheet>`,
    );
    const sst = bytes(`<sst ${NS}><si><t>s`, [0x80, 0x2c], `</t></si></sst>`);
    const file = await sheet("utf8.xlsx", data, {strings: sst});
    const {csv} = await convert(file);
    expect(csv).toBe(await viaRows(file));
    expect(csv).toBe(
      '__source_row,c0,c1,c2\n2,bad \uFFFD\uFFFD(\uFFFD\uFFFD\uFFFD,1²,"s\uFFFD,"\n3,ok é 中 😀,,\n',
    );
  });

  it("gives headers as readXlsxRows reads them, even text that UTF-8 cannot carry", async () => {
    const file = await sheet("unpaired.xlsx", `<row r="1">${ss("A1", 0)}${ss("B1", 1)}${ss("C1", 2)}</row>`, {
      strings: `<si><t>&#xD800;x</t></si><si><r><t>_xDC00_</t></r><r><t>"y"</t></r></si><si><t>a,"b"</t></si>`,
    });
    const [first] = await new Promise<(string | null)[][]>((resolve, reject) => {
      const rows: (string | null)[][] = [];
      readXlsxRows(file, (cells) => void rows.push(cells)).then(() => resolve(rows), reject);
    });
    const {headers} = await convertXlsxToCsv(file, `${file}.csv`);
    expect(headers).toEqual(first);
    expect(headers).toEqual(["\uD800x", '\uDC00"y"', 'a,"b"']);
  });

  it("reports a value beyond the header's width with its row, but not empty cells there", async () => {
    const header = `<row r="1">${is("A1", "a")}${is("B1", "b")}</row>`;
    const empty = `<c r="C2"/><c r="D2" t="s"><v>0</v></c><c r="E2" t="inlineStr"><is><t/></is></c>`;
    const fine = await sheet("beyond-empty.xlsx", `${header}<row r="2">${num("A2", "1")}${empty}</row>`, {
      strings: `<si><t/></si>`,
    });
    expect((await convert(fine)).csv).toBe("__source_row,c0,c1\n2,1,\n");

    for (const [name, row] of [
      ["beyond.xlsx", `<row r="7">${num("A7", "1")}${num("D7", "4")}${num("B7", "2")}</row>`],
      ["beyond-disordered.xlsx", `<row r="7">${num("D7", "4")}${num("A7", "1")}</row>`],
    ] as const) {
      const file = await sheet(name, `${header}<row r="2">${num("A2", "1")}</row>${row}`);
      const error = await convertXlsxToCsv(file, `${file}.csv`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RowWidthError);
      expect(error).toMatchObject({
        row: 7,
        cells: 4,
        width: 2,
        message: "row has 4 cells but the header has 2",
      });
    }
  });

  it("fails as readXlsxRows does on content errors, and has no header for an empty sheet", async () => {
    const missing = await sheet(
      "missing.xlsx",
      `<row r="1">${is("A1", "a")}</row><row r="2">${ss("B2", 5)}</row>`,
      {
        strings: `<si><t>x</t></si>`,
      },
    );
    const error = await convertXlsxToCsv(missing, `${missing}.csv`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(XlsxError);
    expect((error as Error).message).toBe(
      'corrupt xlsx: cell B2 of xl/worksheets/sheet1.xml refers to shared string "5", but there are 1',
    );

    const empty = await sheet("empty.xlsx", `<row r="1"/><row r="2"><c r="A2"/></row>`);
    expect(await convert(empty)).toEqual({csv: "", headers: null, rowCount: 0});
  });

  it("is what prepareSource uses, with its errors as PipelineErrors", async () => {
    const file = await sheet(
      "prepared.xlsx",
      `<row r="3">${is("A3", "a")}</row><row r="4">${is("A4", "x,y")}</row>`,
    );
    const prepared = await prepareSource(file, "shop/prepared.xlsx", dir);
    expect(prepared).toMatchObject({format: "xlsx", headers: ["a"], hasRowColumn: true});
    expect(await readFile(prepared.csvPath, "utf8")).toBe('__source_row,c0\n4,"x,y"\n');

    const wide = await sheet(
      "wide.xlsx",
      `<row r="1">${is("A1", "a")}</row><row r="2">${num("C2", "1")}</row>`,
    );
    const error = await prepareSource(wide, "shop/wide.xlsx", dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect(error).toMatchObject({
      message: "shop/wide.xlsx, row 2: row has 3 cells but the header has 1",
      row: 2,
      step: undefined,
    });

    const empty = await sheet("empty-sheet.xlsx", `<row r="1"/>`);
    await expect(prepareSource(empty, "shop/empty.xlsx", dir)).rejects.toMatchObject({
      message: "shop/empty.xlsx: workbook's first sheet is empty",
      step: "read",
    });
  });

  it("matches readXlsxRows across many chunks and output buffers", async () => {
    // Text of 1- to 4-byte characters, entities and CSV specials, so that records straddle chunks.
    const pool = ["抖店售后", "退款成功，已原路退回", "a&b<c>", "😀 表情", 'q"q', "a,b", "l1\nl2", "x"];
    const source: XlsxCell[][] = Array.from({length: 40_000}, (_, i) =>
      i === 0
        ? ["a", "b", "c", "d", "e"]
        : [
            `69${String(i * 7919).padStart(17, "0")}`,
            `${pool[i % pool.length]}${"商".repeat(i % 13)}${i}`,
            i % 5 === 0 ? null : i * 1.25,
            pool[(i * 7) % pool.length]!,
            i % 3 === 0 ? "" : `${"长文本".repeat(i % 200)}`,
          ],
    );
    for (const sharedStrings of [true, false]) {
      const file = path.join(dir, `many-${sharedStrings}.xlsx`);
      await writeXlsx(file, source, {sharedStrings});
      const {csv, rowCount} = await convert(file);
      expect(rowCount).toBe(source.length - 1);
      expect(csv.length).toBeGreaterThan(8 << 20);
      expect(csv === (await viaRows(file))).toBe(true);
    }
  });
});
