import {describe, expect, it} from "vitest";
import {BOM, csvCell, csvFileName, toCsv} from "../../src/components/csv.js";

describe("csvCell", () => {
  it("escapes text a spreadsheet would read as a formula", () => {
    expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvCell("+86 138")).toBe("'+86 138");
    expect(csvCell("-LS01")).toBe("'-LS01");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("a=b")).toBe("a=b");
  });

  it("writes numbers as numbers, negative ones included", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(0.125)).toBe("0.125");
    expect(csvCell(NaN)).toBe("");
  });

  it("quotes by RFC 4180: quotes doubled, commas and line breaks inside quotes", () => {
    expect(csvCell('他说"好"')).toBe('"他说""好"""');
    expect(csvCell("1,299.00")).toBe('"1,299.00"');
    expect(csvCell("两行\n文字")).toBe('"两行\n文字"');
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
  });

  it("keeps 19-digit IDs as text for Excel: a leading tab, as 抖店's exports do", () => {
    expect(csvCell("7000000000000000901")).toBe("\t7000000000000000901");
    expect(csvCell("123456789012")).toBe("\t123456789012");
    // Short numbers and codes with letters are left alone.
    expect(csvCell("12345678901")).toBe("12345678901");
    expect(csvCell("LS2401-BK-S")).toBe("LS2401-BK-S");
  });

  it("escapes before quoting", () => expect(csvCell('=A1,"x"')).toBe(`"'=A1,""x"""`));

  it("leaves empty cells for missing values; booleans as words", () => {
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(true)).toBe("true");
  });

  it("keeps Chinese and HTML as they are", () => {
    expect(csvCell("修身连衣裙 <b>新款</b>")).toBe("修身连衣裙 <b>新款</b>");
  });
});

describe("toCsv", () => {
  const columns = [
    {label: "SKU", value: (r: {sku: string; rate: number | null}) => r.sku},
    {label: "退货率", value: (r: {sku: string; rate: number | null}) => r.rate},
  ];

  it("starts with a BOM and a header, ends every record with CRLF", () => {
    const text = toCsv(columns, [
      {sku: "LS01-BK-S", rate: 0.5},
      {sku: "=cmd", rate: null},
    ]);
    expect(text.startsWith(BOM)).toBe(true);
    expect(text).toBe(`${BOM}SKU,退货率\r\nLS01-BK-S,0.5\r\n'=cmd,\r\n`);
    expect(new TextEncoder().encode(text).slice(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
  });

  it("writes only the header for no rows", () => expect(toCsv(columns, [])).toBe(`${BOM}SKU,退货率\r\n`));
});

describe("csvFileName", () => {
  it("keeps Chinese, replaces separators and reserved characters", () => {
    expect(csvFileName("问题SKU前五")).toBe("问题SKU前五.csv");
    expect(csvFileName("退货原因_A/B:C*?")).toBe("退货原因_A_B_C.csv");
    expect(csvFileName("../..")).toBe("table.csv");
    expect(csvFileName("")).toBe("table.csv");
  });
});
