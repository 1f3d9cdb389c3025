import {describe, expect, it} from "vitest";
import {ALL} from "../../src/components/controls.js";
import {applyFilters, distinct, filterValue, ratio, sum, weekLabel} from "../../src/components/filters.js";

const w = (week_start: string, week: string, week_days = 7) => ({week_start, week, week_days});
const rows = [
  {shop_id: "a", category: "连衣裙", channel: "直播", week_start: "2026-11-02", v: 1},
  {shop_id: "a", category: null, channel: "商品卡", week_start: "2026-11-09", v: 2},
  {shop_id: "b", category: "连衣裙", channel: null, week_start: "2026-11-16", v: 4},
  {shop_id: "b", category: "T恤", channel: "直播", week_start: "2026-11-23", v: 8},
];

describe("filter bar helpers", () => {
  it("distinct: sorted, NULL last", () => {
    expect(distinct(["b", null, "a", "b"])).toEqual(["a", "b", null]);
  });

  it("sum and ratio", () => {
    expect(sum(rows, "v")).toBe(15);
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(3, null)).toBeNull();
  });

  it("weekLabel marks incomplete weeks", () => {
    expect(weekLabel(w("2026-11-23", "2026-W48", 3))).toContain("不完整（3天）");
    expect(weekLabel(w("2026-11-16", "2026-W47"))).not.toContain("不完整");
  });

  it("filterValue puts a backwards week range in order", () => {
    const value = filterValue(
      {shop: ALL, category: ALL, channel: ALL},
      w("2026-11-16", "2026-W47"),
      w("2026-11-02", "2026-W45"),
    );
    expect([value.from, value.to]).toEqual(["2026-11-02", "2026-11-16"]);
    expect(value.first?.week).toBe("2026-W45");
  });

  it("applyFilters: shop, category (NULL is a value), channel and the week range", () => {
    const all = filterValue({shop: ALL, category: ALL, channel: ALL}, null, null);
    expect(sum(applyFilters(rows, all), "v")).toBe(15);
    expect(sum(applyFilters(rows, {...all, shop: "b"}), "v")).toBe(12);
    expect(sum(applyFilters(rows, {...all, category: null}), "v")).toBe(2);
    expect(sum(applyFilters(rows, {...all, channel: "直播"}), "v")).toBe(9);
    const range = filterValue(
      {shop: ALL, category: "连衣裙", channel: ALL},
      w("2026-11-09", "W46"),
      w("2026-11-16", "W47"),
    );
    expect(sum(applyFilters(rows, range), "v")).toBe(4);
    // Rows without a category or week field are not filtered on them.
    expect(applyFilters([{shop_id: "a"}], range)).toHaveLength(1);
  });
});

describe("column-wise loader output", () => {
  it("round-trips rows, NULLs included, and rejects lists of different lengths", async () => {
    const {fromColumns, toColumns} = await import("../../src/components/columnar.js");
    const rows = [
      {shop_id: "a", category: null, units: 3},
      {shop_id: "b", category: "T恤", units: 0},
    ];
    const columns = toColumns(rows);
    expect(columns).toEqual({shop_id: ["a", "b"], category: [null, "T恤"], units: [3, 0]});
    expect(fromColumns(columns)).toEqual(rows);
    expect(fromColumns([columns], ["units"])).toEqual([{units: 3}, {units: 0}]);
    expect(fromColumns(toColumns([]))).toEqual([]);
    expect(fromColumns(null)).toEqual([]);
    expect(() => fromColumns({a: [1, 2], b: [1]})).toThrow("column b has 1 values, expected 2");
    // Text that repeats is dictionary-encoded, and decoded back.
    const many = Array.from({length: 6}, (_, i) => ({shop_id: i < 4 ? "a" : null, n: i}));
    const encoded = toColumns(many);
    expect(encoded.shop_id).toEqual({dictionary: ["a", null], codes: [0, 0, 0, 0, 1, 1]});
    expect(encoded.n).toEqual([0, 1, 2, 3, 4, 5]);
    expect(fromColumns(encoded)).toEqual(many);
    expect(fromColumns(encoded, ["shop_id"])).toEqual(many.map(({shop_id}) => ({shop_id})));
  });
});
