// The cleaning rule of every staged cell (sql.ts cleanExpression), evaluated by DuckDB on the cells
// that exports really hold and on cells near the edges of each rule.
import {DuckDBInstance} from "@duckdb/node-api";
import {describe, expect, it} from "vitest";
import {cleanExpression} from "../../src/pipelines/ingest/sql.js";

async function clean(cells: (string | null)[]): Promise<(string | null)[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("create table cells (i integer, x varchar)");
    const appender = await connection.createAppender("cells");
    cells.forEach((cell, i) => {
      appender.appendInteger(i);
      if (cell === null) appender.appendNull();
      else appender.appendVarchar(cell);
      appender.endRow();
    });
    appender.closeSync();
    const reader = await connection.runAndReadAll(`select ${cleanExpression("x")} from cells order by i`);
    return reader.getRows().map((row) => row[0] as string | null);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("cleaning a cell", () => {
  it("strips tabs, leading apostrophes and padding, and reads no-value marks as NULL", async () => {
    const cases: [string | null, string | null][] = [
      ["abc", "abc"],
      ["\t6921234567890123456", "6921234567890123456"],
      ["'6921234567890123456", "6921234567890123456"],
      ["  XL \r\n", "XL"],
      ["\u3000黑色\u3000", "黑色"],
      ["a\tb", "ab"],
      ["a\nb", "a\nb"],
      ["-", null],
      ["--", null],
      ["null", null],
      ["NULL", null],
      ["Null", null],
      ["'", null],
      ["  ", null],
      ["", null],
      [null, null],
      // Near the edges: marks and padding inside or beside other text.
      ["-5", "-5"],
      ["nothing", "nothing"],
      ["N/A", "N/A"],
      ["x'", "x'"],
      ["a ", "a"],
      ["a\t", "a"],
      ["null ", null],
      ["n", "n"],
      ["1", "1"],
    ];
    expect(await clean(cases.map(([cell]) => cell))).toEqual(cases.map(([, cleaned]) => cleaned));
  });
});
