import {describe, expect, it} from "vitest";
import {sortRows, type Column} from "../../src/components/table.js";

type Row = {name: string; rate: number | null};
const ROWS: Row[] = [
  {name: "乙", rate: 0.2},
  {name: "甲", rate: null},
  {name: "丙", rate: 0.5},
  {name: "丁", rate: 0.2},
];
const rate: Column<Row> = {key: "rate", label: "退货率", value: (r) => r.rate};
const name: Column<Row> = {key: "name", label: "商品", value: (r) => r.name};

describe("sortRows", () => {
  it("sorts numbers either way, missing values last, ties in their original order", () => {
    expect(sortRows(ROWS, rate, false).map((r) => r.name)).toEqual(["乙", "丁", "丙", "甲"]);
    expect(sortRows(ROWS, rate, true).map((r) => r.name)).toEqual(["丙", "乙", "丁", "甲"]);
  });

  it("sorts text in Chinese order (pinyin)", () => {
    expect(sortRows(ROWS, name, false).map((r) => r.name)).toEqual(["丙", "丁", "甲", "乙"]);
  });

  it("does not change the input", () => {
    const before = ROWS.map((r) => r.name);
    sortRows(ROWS, rate, true);
    expect(ROWS.map((r) => r.name)).toEqual(before);
  });
});
