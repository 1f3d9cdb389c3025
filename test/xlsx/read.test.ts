import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {mkdtemp, readFile, rm, writeFile} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import {readXlsxRows, writeXlsx, XlsxError, type XlsxCell} from "../../src/pipelines/ingest/xlsx/index.js";
import {isDateFormatCode, serialToDateTime} from "../../src/pipelines/ingest/xlsx/read.js";
import {ZipReader, ZipWriter} from "../../src/pipelines/ingest/xlsx/zip.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "xlsx-read-test-"));
});
afterAll(async () => {
  await rm(dir, {recursive: true, force: true});
});

type Rows = [number, (string | null)[]][];

async function readRows(file: string, sheet?: string | number): Promise<{sheetName: string; rows: Rows}> {
  const rows: Rows = [];
  const {sheetName, rowCount} = await readXlsxRows(
    file,
    (cells, rowNumber) => void rows.push([rowNumber, cells]),
    {
      sheet,
    },
  );
  expect(rowCount).toBe(rows.length);
  return {sheetName, rows};
}

async function failure(file: string, sheet?: string | number): Promise<string> {
  const error = await readXlsxRows(file, () => undefined, {sheet}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(XlsxError);
  return (error as Error).message;
}

/** Builds a package from literal parts, so that the XML is exactly as written here. */
async function buildXlsx(name: string, parts: Record<string, string>): Promise<string> {
  const file = path.join(dir, name);
  const zip = await ZipWriter.create(file);
  for (const [part, xml] of Object.entries(parts)) await zip.add(part, xml);
  await zip.finish();
  return file;
}

const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

function rels(targets: [string, string][]): string {
  const items = targets.map(
    ([type, target], i) => `<Relationship Id="rId${i + 1}" Type="${REL}/${type}" Target="${target}"/>`,
  );
  return `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${items.join("")}</Relationships>`;
}

describe("readXlsxRows on files written by exceljs", () => {
  let file: string;
  beforeAll(async () => {
    file = path.join(dir, "exceljs.xlsx");
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("售后单");
    sheet.getRow(1).values = ["订单号", "商品名称", "金额", "数量", "申请时间", "备注"];
    sheet.getRow(2).values = [
      "6965315853751632412",
      "【官方正品】珍珠奶茶味蛋白棒 12支装",
      129.5,
      2,
      new Date(Date.UTC(2026, 10, 1, 12, 34, 56)),
      "tab\there",
    ];
    sheet.getCell("E2").numFmt = "yyyy-mm-dd hh:mm:ss";
    // Empty cells in the middle; a Date without a format gets exceljs' default date format.
    sheet.getRow(3).values = [
      "'0012",
      null,
      1299,
      null,
      new Date(Date.UTC(2026, 10, 2, 8, 0, 0)),
      " 前后空格 ",
    ];
    // Row 4 is left blank.
    sheet.getRow(5).values = [null, null, "只有C列"];
    sheet.getRow(6).values = [
      Number("6965315853751632412"),
      {formula: "C2*D2", result: 259},
      {formula: 'A3&"x"', result: "'0012x"},
      true,
      {richText: [{text: "红色", font: {color: {argb: "FFFF0000"}}}, {text: "文字"}]},
      "a & b < c > d",
    ];
    workbook.addWorksheet("第二页").getRow(1).values = ["second", 2];
    await workbook.xlsx.writeFile(file);
  });

  it("reads the first sheet with the values that were written", async () => {
    expect(await readRows(file)).toEqual({
      sheetName: "售后单",
      rows: [
        [1, ["订单号", "商品名称", "金额", "数量", "申请时间", "备注"]],
        [
          2,
          [
            "6965315853751632412",
            "【官方正品】珍珠奶茶味蛋白棒 12支装",
            "129.5",
            "2",
            "2026-11-01 12:34:56",
            "tab\there",
          ],
        ],
        [3, ["'0012", null, "1299", null, "2026-11-02 08:00:00", " 前后空格 "]],
        [5, [null, null, "只有C列"]],
        // A 19-digit ID written as a number has already lost its last digits.
        [6, ["6965315853751633000", "259", "'0012x", "TRUE", "红色文字", "a & b < c > d"]],
      ],
    });
  });

  it("reads another sheet by name or index", async () => {
    const second = {sheetName: "第二页", rows: [[1, ["second", "2"]]]};
    expect(await readRows(file, "第二页")).toEqual(second);
    expect(await readRows(file, 1)).toEqual(second);
    expect(await failure(file, "Nope")).toBe('no sheet named "Nope"; sheets: 售后单, 第二页');
    expect(await failure(file, 2)).toBe("no sheet at index 2; sheets: 售后单, 第二页");
  });
});

describe("readXlsxRows on hand-built XML", () => {
  const sharedStrings =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst ${MAIN} count="9" uniqueCount="9">` +
    `<si><t>plain</t></si>` +
    `<si><r><rPr><b/><sz val="11"/></rPr><t>Bold</t></r><r><t xml:space="preserve"> and plain</t></r></si>` +
    `<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/></si>` +
    `<si><t>tab_x0009_here</t></si>` +
    `<si><t>&lt;tag&gt; &amp; &quot;q&quot; &apos;a&apos; &#20013;&#x6587;</t></si>` +
    `<si><t/></si>` +
    `<si><t>x_x005F_x0041_y</t></si>` +
    `<si><t>line1\r\nline2</t></si>` +
    `<si><t><![CDATA[<b>&amp;</b>]]></t></si>` +
    `</sst>`;
  // cellStyleXfs comes first and must not shift the cellXfs indices.
  const styles =
    `<styleSheet ${MAIN}><numFmts count="4">` +
    `<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>` +
    `<numFmt numFmtId="165" formatCode="0.00&quot;h&quot;"/>` +
    `<numFmt numFmtId="166" formatCode="[h]:mm:ss"/>` +
    `<numFmt numFmtId="167" formatCode="#,##0.00_);[Red]\\(#,##0.00\\)"/>` +
    `</numFmts><cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs><cellXfs count="9">` +
    `<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164"/><xf numFmtId="165"/>` +
    `<xf numFmtId="167"/><xf numFmtId="22"/><xf numFmtId="4"/><xf numFmtId="31"/><xf numFmtId="166"/>` +
    `</cellXfs></styleSheet>`;
  const data =
    `<worksheet ${MAIN} ${R}><dimension ref="A1:I9"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="20"/></cols><sheetData>\n` +
    `<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>` +
    `<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>6</v></c></row>\n` +
    `<row r="2"><c r="A2" t="inlineStr"><is><t>inline</t></is></c>` +
    `<c r="B2" t="inlineStr"><is><r><t xml:space="preserve">rich </t></r><r><rPr><i/></rPr><t>inline</t></r></is></c>` +
    `<c r="C2" t="b"><v>1</v></c><c r="D2" t="b"><v>0</v></c><c r="E2" t="e"><v>#N/A</v></c>` +
    `<c r="F2" t="str"><f>A2&amp;"!"</f><v>inline!</v></c></row>\n` +
    `<row r="3"><c r="A3" s="1"><v>45000</v></c><c r="B3" s="2"><v>45000.75</v></c><c r="C3" s="3"><v>1.5</v></c>` +
    `<c r="D3" s="4"><v>-1234.5</v></c><c r="E3" s="5"><v>60</v></c><c r="F3" s="6"><v>1299.5</v></c>` +
    `<c r="G3" s="7"><v>45000.99999999</v></c><c r="H3" s="5"><v>6.9653158537516324E+18</v></c>` +
    `<c r="I3"><v>6.9653158537516324E+18</v></c><c r="J3" s="8"><v>1.5</v></c></row>\n` +
    `<row r="4"/>\n<!-- a comment -->\n` +
    `<row r="5"><c r="A5" t="s"><v>5</v></c><c r="B5"/><c r="C5" s="1"/><c r="D5" t="inlineStr"><is><t/></is></c></row>\n` +
    `<row r="6"><c t="s"><v>7</v></c><c/><c><v>3</v></c></row>\n` +
    `<row><c r="B7"><v>7</v></c><c r="C7" t="s"><v>8</v></c></row>\n` +
    `<row r="9" spans="1:5" ht="20" customHeight="1"><c r="C9" t="str"><v></v></c>` +
    `<c r="D9" t="inlineStr"><is><t>x_x0009_y &#x1F600;</t></is></c><c r="E9" t="d"><v>2026-11-01T12:34:56Z</v></c></row>\n` +
    `</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells><rowBreaks><brk id="1"/></rowBreaks></worksheet>`;
  // Namespace prefixes instead of a default namespace, and indentation, as some generators write.
  const other = `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
  <x:sheetData>
    <x:row r="1">
      <x:c r="A1" t="s">
        <x:v>0</x:v>
      </x:c>
      <x:c r = 'C1' >
        <x:v>42</x:v>
      </x:c>
    </x:row>
  </x:sheetData>
</x:worksheet>
`;
  const parts = {
    "[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
    "xl/workbook.xml":
      `<workbook ${MAIN} ${R}><workbookPr defaultThemeVersion="164011"/><sheets>` +
      `<sheet name="Data &amp; more" sheetId="2" r:id="rId2"/><sheet name="Other" sheetId="1" r:id="rId1"/>` +
      `</sheets></workbook>`,
    "xl/_rels/workbook.xml.rels": rels([
      ["worksheet", "worksheets/sheet1.xml"],
      ["worksheet", "/xl/worksheets/sheet2.xml"],
      ["sharedStrings", "sharedStrings.xml"],
      ["styles", "styles.xml"],
    ]),
    "xl/worksheets/sheet1.xml": other,
    "xl/worksheets/sheet2.xml": data,
    "xl/sharedStrings.xml": sharedStrings,
    "xl/styles.xml": styles,
  };

  it("reads every cell type of the first sheet in workbook order", async () => {
    const file = await buildXlsx("hand.xlsx", parts);
    expect(await readRows(file)).toEqual({
      sheetName: "Data & more",
      rows: [
        [1, ["plain", "Bold and plain", "東京", "tab\there", `<tag> & "q" 'a' 中文`, "x_x0041_y"]],
        [2, ["inline", "rich inline", "TRUE", "FALSE", "#N/A", "inline!"]],
        [
          3,
          [
            "2023-03-15 00:00:00",
            "2023-03-15 18:00:00",
            "1.5",
            "-1234.5",
            "1900-02-29 00:00:00",
            "1299.5",
            "2023-03-16 00:00:00",
            "6.9653158537516324E+18",
            "6.9653158537516324E+18",
            "1900-01-01 12:00:00",
          ],
        ],
        [6, ["line1\nline2", null, "3"]],
        [7, [null, "7", "<b>&amp;</b>"]],
        [9, [null, null, null, "x\ty 😀", "2026-11-01 12:34:56"]],
      ],
    });
  });

  it("reads an indented sheet written with namespace prefixes", async () => {
    const file = await buildXlsx("prefixed.xlsx", parts);
    expect(await readRows(file, "other")).toEqual({sheetName: "Other", rows: [[1, ["plain", null, "42"]]]});
  });

  it("honours the 1904 date system", async () => {
    const file = await buildXlsx("1904.xlsx", {
      "xl/workbook.xml": `<workbook ${MAIN} ${R}><workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      "xl/_rels/workbook.xml.rels": rels([
        ["worksheet", "worksheets/sheet1.xml"],
        ["styles", "styles.xml"],
      ]),
      "xl/styles.xml": `<styleSheet ${MAIN}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="22"/></cellXfs></styleSheet>`,
      "xl/worksheets/sheet1.xml": `<worksheet ${MAIN}><sheetData><row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43889.5</v></c><c r="C1"><v>43889.5</v></c></row></sheetData></worksheet>`,
    });
    expect((await readRows(file)).rows).toEqual([
      [1, ["1904-01-01 00:00:00", "2024-02-29 12:00:00", "43889.5"]],
    ]);
  });

  it("falls back to xl/worksheets/sheet1.xml without a workbook part", async () => {
    const file = await buildXlsx("bare.xlsx", {
      "xl/worksheets/sheet1.xml": `<worksheet ${MAIN}><sheetData><row r="3"><c r="B3" t="inlineStr"><is><t>bare</t></is></c></row></sheetData></worksheet>`,
    });
    expect(await readRows(file)).toEqual({sheetName: "sheet1", rows: [[3, [null, "bare"]]]});
  });

  it("waits for the promise onRow returns before the next row", async () => {
    const file = path.join(dir, "backpressure.xlsx");
    await writeXlsx(
      file,
      Array.from({length: 2000}, (_, i) => [`row ${i}`]),
    );
    let busy = false;
    const seen: number[] = [];
    await readXlsxRows(file, async (_cells, rowNumber) => {
      expect(busy).toBe(false);
      busy = true;
      seen.push(rowNumber);
      if (rowNumber % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      else await Promise.resolve();
      busy = false;
    });
    expect(seen).toEqual(Array.from({length: 2000}, (_, i) => i + 1));
  });
});

describe("readXlsxRows errors", () => {
  it("rejects an empty file", async () => {
    const file = path.join(dir, "empty.xlsx");
    await writeFile(file, "");
    expect(await failure(file)).toBe("not an XLSX file: the file is empty");
  });

  it("rejects a text file renamed .xlsx", async () => {
    const file = path.join(dir, "text.xlsx");
    await writeFile(file, "订单号,金额\n6965315853751632412,129.00\n");
    expect(await failure(file)).toBe("not an XLSX file: no zip signature");
  });

  it("rejects an xlsx cut in the middle", async () => {
    const whole = path.join(dir, "whole.xlsx");
    await writeXlsx(
      whole,
      Array.from({length: 3000}, (_, i) => [`订单 ${i}`, i]),
    );
    const bytes = await readFile(whole);
    const file = path.join(dir, "cut.xlsx");
    await writeFile(file, bytes.subarray(0, bytes.length >> 1));
    expect(await failure(file)).toBe("corrupt zip: central directory not found");
  });

  it("rejects a zip without a worksheet", async () => {
    const file = await buildXlsx("no-sheet.xlsx", {"docs/readme.txt": "not a workbook"});
    expect(await failure(file)).toBe("no worksheet found in workbook");
  });

  it("rejects malformed sheet XML", async () => {
    const unterminated = await buildXlsx("unterminated.xlsx", {
      "xl/worksheets/sheet1.xml": `<worksheet ${MAIN}><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v>`,
    });
    expect(await failure(unterminated)).toBe(
      "malformed XML in xl/worksheets/sheet1.xml: unexpected end after row 1",
    );
    const unclosed = await buildXlsx("unclosed.xlsx", {
      "xl/worksheets/sheet1.xml": `<worksheet ${MAIN}><sheetData><row r="1"><c r="A1"><v>1</v></c></row>`,
    });
    expect(await failure(unclosed)).toBe(
      "malformed XML in xl/worksheets/sheet1.xml: unexpected end after row 1",
    );
    const noData = await buildXlsx("no-data.xlsx", {
      "xl/worksheets/sheet1.xml": `<worksheet ${MAIN}></worksheet>`,
    });
    expect(await failure(noData)).toBe("malformed XML in xl/worksheets/sheet1.xml: no <sheetData> element");
    const missingString = await buildXlsx("missing-string.xlsx", {
      "xl/worksheets/sheet1.xml": `<worksheet ${MAIN}><sheetData><row r="1"><c r="B1" t="s"><v>9</v></c></row></sheetData></worksheet>`,
    });
    expect(await failure(missingString)).toBe(
      'corrupt xlsx: cell B1 of xl/worksheets/sheet1.xml refers to shared string "9", but there are 0',
    );
  });
});

describe("chunk boundaries", () => {
  // Long enough for many inflate chunks, with text of 1-, 3- and 4-byte UTF-8 characters and
  // entities, so that tags and characters straddle chunk ends.
  const pool = ["抖店售后", "退款成功，已原路退回", "a&b<c>", "😀 表情", "x", "七天无理由退货 🚚 物流"];
  const source: XlsxCell[][] = Array.from({length: 30_000}, (_, i) => [
    `69${String(i * 7919).padStart(17, "0")}`,
    `${pool[i % pool.length]}${"商".repeat(i % 13)}${i}`,
    i % 5 === 0 ? null : i * 1.25,
    pool[(i * 7) % pool.length]!,
  ]);
  const expected: Rows = source.map((row, i) => [
    i + 1,
    row.map((cell) => (cell === null ? null : String(cell))),
  ]);

  for (const sharedStrings of [true, false]) {
    it(`reads back every cell (${sharedStrings ? "shared" : "inline"} strings)`, async () => {
      const file = path.join(dir, `chunks-${sharedStrings}.xlsx`);
      await writeXlsx(file, source, {sharedStrings});
      const zip = await ZipReader.open(file);
      await zip.close();
      expect(zip.get("xl/worksheets/sheet1.xml")!.size).toBeGreaterThan(1_500_000);
      const {rows} = await readRows(file);
      expect(rows.length).toBe(expected.length);
      for (let i = 0; i < rows.length; i++) {
        if (JSON.stringify(rows[i]) !== JSON.stringify(expected[i])) expect(rows[i]).toEqual(expected[i]);
      }
    });
  }

  it("reads a row larger than a chunk", async () => {
    const file = path.join(dir, "wide.xlsx");
    const wide = Array.from({length: 5000}, (_, i) => `第${i}列 ${"宽".repeat(100)}`);
    await writeXlsx(file, [["narrow"], wide, ["after"]], {sharedStrings: false});
    expect((await readRows(file)).rows).toEqual([
      [1, ["narrow"]],
      [2, wide],
      [3, ["after"]],
    ]);
  });
});

describe("date helpers", () => {
  it("convert serials with Excel's 1900 leap-year bug and rounding to the second", () => {
    expect(serialToDateTime(0.5, false)).toBe("1899-12-31 12:00:00");
    expect(serialToDateTime(1, false)).toBe("1900-01-01 00:00:00");
    expect(serialToDateTime(59, false)).toBe("1900-02-28 00:00:00");
    expect(serialToDateTime(60, false)).toBe("1900-02-29 00:00:00");
    expect(serialToDateTime(61, false)).toBe("1900-03-01 00:00:00");
    expect(serialToDateTime(46327.524259259255, false)).toBe("2026-11-01 12:34:56");
    expect(serialToDateTime(46327.5242592, false)).toBe("2026-11-01 12:34:56");
    expect(serialToDateTime(46327.99998, false)).toBe("2026-11-01 23:59:58");
    expect(serialToDateTime(46327.999999, false)).toBe("2026-11-02 00:00:00");
    expect(serialToDateTime(2958465.99999, false)).toBe("9999-12-31 23:59:59");
    expect(serialToDateTime(0, true)).toBe("1904-01-01 00:00:00");
    expect(serialToDateTime(-1, false)).toBeUndefined();
    expect(serialToDateTime(Number.NaN, false)).toBeUndefined();
    expect(serialToDateTime(3e6, false)).toBeUndefined();
  });

  it("recognise date formats by their codes outside quotes and brackets", () => {
    for (const code of [
      "yyyy-mm-dd hh:mm:ss",
      "m/d/yy",
      "[$-804]yyyy年m月d日",
      "[h]:mm",
      'h"时"mm"分"',
      "mmm-yy",
    ]) {
      expect(isDateFormatCode(code), code).toBe(true);
    }
    for (const code of [
      "General",
      "0.00",
      '0.00"h"',
      "#,##0.00_);[Red]\\(#,##0.00\\)",
      "@",
      '"days "0',
      "0.00E+00",
    ]) {
      expect(isDateFormatCode(code), code).toBe(false);
    }
  });
});
