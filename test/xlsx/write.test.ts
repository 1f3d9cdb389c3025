import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {mkdtemp, readdir, rm, writeFile, readFile} from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import ExcelJS from "exceljs";
import {readXlsxRows, writeXlsx, XlsxError, type XlsxCell} from "../../src/pipelines/ingest/xlsx/index.js";
import {ZipReader} from "../../src/pipelines/ingest/xlsx/zip.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "xlsx-write-test-"));
});
afterAll(async () => {
  await rm(dir, {recursive: true, force: true});
});

/** 2026-11-01 12:34:56 as an Excel serial. */
const SERIAL = 46327.524259259255;

const rows: XlsxCell[][] = [
  ["订单号", "商品名称", "金额", "数量", "申请时间", "备注"],
  ["6965315853751632412", "【官方正品】珍珠奶茶味蛋白棒 12支装", 129, 2, SERIAL, "tab\there"],
  [null, "  leading and trailing  ", -0.5, null, null, "line1\nline2"],
  [],
  ["x_x0041_y", "a & b < c > d", 1e21, 0, null, "ctrl\u0001\u000b\u001f end"],
  ["emoji 😀", "'0012", 3.14159, null, 46327, "cr\r\nlf"],
  ["", null, null],
  [null, null, "   "],
];

/** What readXlsxRows gives back: spreadsheet row numbers, text, empty rows skipped. */
const expectedText: [number, (string | null)[]][] = [
  [1, ["订单号", "商品名称", "金额", "数量", "申请时间", "备注"]],
  [
    2,
    [
      "6965315853751632412",
      "【官方正品】珍珠奶茶味蛋白棒 12支装",
      "129",
      "2",
      "2026-11-01 12:34:56",
      "tab\there",
    ],
  ],
  [3, [null, "  leading and trailing  ", "-0.5", null, null, "line1\nline2"]],
  [5, ["x_x0041_y", "a & b < c > d", "1e+21", "0", null, "ctrl\u0001\u000b\u001f end"]],
  [6, ["emoji 😀", "'0012", "3.14159", null, "2026-11-01 00:00:00", "cr\r\nlf"]],
  [8, [null, null, "   "]],
];

/** What exceljs gives back: numbers as numbers, date-styled numbers as Dates. */
const expectedValues: [number, unknown[]][] = [
  [1, ["订单号", "商品名称", "金额", "数量", "申请时间", "备注"]],
  [
    2,
    [
      "6965315853751632412",
      "【官方正品】珍珠奶茶味蛋白棒 12支装",
      129,
      2,
      new Date("2026-11-01T12:34:56Z"),
      "tab\there",
    ],
  ],
  [3, [null, "  leading and trailing  ", -0.5, null, null, "line1\nline2"]],
  [5, ["x_x0041_y", "a & b < c > d", 1e21, 0, null, "ctrl\u0001\u000b\u001f end"]],
  [6, ["emoji 😀", "'0012", 3.14159, null, new Date("2026-11-01T00:00:00Z"), "cr\r\nlf"]],
  [8, [null, null, "   "]],
];

async function readWithExceljs(file: string): Promise<{name: string; rows: [number, unknown[]][]}> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const sheet = workbook.worksheets[0]!;
  const result: [number, unknown[]][] = [];
  sheet.eachRow((row, number) => {
    const values = Array.from((row.values as unknown[]).slice(1), (value) => {
      // Inline strings come back as rich text.
      if (value && typeof value === "object" && "richText" in value) {
        return (value.richText as {text: string}[]).map((run) => run.text).join("");
      }
      return value ?? null;
    });
    result.push([number, values]);
  });
  return {name: sheet.name, rows: result};
}

async function readWithOurs(file: string): Promise<{name: string; rows: [number, (string | null)[]][]}> {
  const result: [number, (string | null)[]][] = [];
  const {sheetName, rowCount} = await readXlsxRows(file, (cells, number) => {
    result.push([number, cells]);
  });
  expect(rowCount).toBe(result.length);
  return {name: sheetName, rows: result};
}

async function entryNames(file: string): Promise<string[]> {
  const zip = await ZipReader.open(file);
  await zip.close();
  return zip.entries.map((entry) => entry.name);
}

describe("writeXlsx", () => {
  it("writes shared strings, numbers and dates that exceljs and readXlsxRows read back", async () => {
    const file = path.join(dir, "shared.xlsx");
    await writeXlsx(file, rows, {sheetName: "售后单", dateColumns: [4]});
    expect(await readWithExceljs(file)).toEqual({name: "售后单", rows: expectedValues});
    expect(await readWithOurs(file)).toEqual({name: "售后单", rows: expectedText});
    expect(await entryNames(file)).toEqual([
      "[Content_Types].xml",
      "_rels/.rels",
      "xl/workbook.xml",
      "xl/_rels/workbook.xml.rels",
      "xl/styles.xml",
      "xl/worksheets/sheet1.xml",
      "xl/sharedStrings.xml",
    ]);
  });

  it("writes inline strings when shared strings are off", async () => {
    const file = path.join(dir, "inline.xlsx");
    await writeXlsx(file, rows, {sharedStrings: false, dateColumns: [4]});
    // exceljs decodes Excel's _xHHHH_ escapes in shared strings only, so here it shows them raw.
    const exceljsView = structuredClone(expectedValues);
    exceljsView[3]![1][0] = "x_x005F_x0041_y";
    exceljsView[3]![1][5] = "ctrl_x0001__x000B__x001F_ end";
    exceljsView[4]![1][5] = "cr_x000D_\nlf";
    expect(await readWithExceljs(file)).toEqual({name: "Sheet1", rows: exceljsView});
    expect(await readWithOurs(file)).toEqual({name: "Sheet1", rows: expectedText});
    expect(await entryNames(file)).not.toContain("xl/sharedStrings.xml");
    const zip = await ZipReader.open(file);
    const sheet = (await zip.read(zip.get("xl/worksheets/sheet1.xml")!)).toString();
    await zip.close();
    expect(sheet).toContain(
      '<c r="B2" t="inlineStr"><is><t>【官方正品】珍珠奶茶味蛋白棒 12支装</t></is></c>',
    );
    expect(sheet).toContain('<c r="C2"><v>129</v></c>');
    expect(sheet).toContain('<c r="E2" s="1"><v>46327.524259259255</v></c>');
  });

  it("accepts an async iterable of rows", async () => {
    const file = path.join(dir, "async.xlsx");
    await writeXlsx(
      file,
      (async function* () {
        for (let i = 1; i <= 3; i++) yield [`row ${i}`, i];
      })(),
    );
    expect((await readWithOurs(file)).rows).toEqual([
      [1, ["row 1", "1"]],
      [2, ["row 2", "2"]],
      [3, ["row 3", "3"]],
    ]);
  });

  it("leaves no file behind when the rows fail, and keeps an existing file", async () => {
    const sub = await mkdtemp(path.join(dir, "atomic-"));
    const file = path.join(sub, "out.xlsx");
    await writeFile(file, "previous");
    function* failing(): Generator<XlsxCell[]> {
      for (let i = 0; i < 50_000; i++) yield [`row ${i}`, "行".repeat(20), i];
      throw new Error("source failed");
    }
    await expect(writeXlsx(file, failing())).rejects.toThrow("source failed");
    expect(await readdir(sub)).toEqual(["out.xlsx"]);
    expect(await readFile(file, "utf8")).toBe("previous");
  });

  it("rejects what Excel could not open", async () => {
    const file = path.join(dir, "bad.xlsx");
    await expect(writeXlsx(file, [["a"]], {sheetName: "a/b"})).rejects.toThrow(
      new XlsxError(
        `invalid sheet name "a/b": 1 to 31 characters, without : \\ / ? * [ ] and not starting or ending with '`,
      ),
    );
    await expect(writeXlsx(file, [["a", NaN]])).rejects.toThrow(
      new XlsxError("row 1, column B: NaN is not a number Excel can store"),
    );
    await expect(writeXlsx(file, [["x".repeat(32_768)]])).rejects.toThrow(
      new XlsxError("row 1, column A: text longer than 32767 characters"),
    );
    await expect(writeXlsx(file, [["a"]], {dateColumns: [-1]})).rejects.toThrow(
      new XlsxError("invalid date column -1: expected a zero-based column index"),
    );
    expect(await readdir(dir)).not.toContain("bad.xlsx");
  });
});
