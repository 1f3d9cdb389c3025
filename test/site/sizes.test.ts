import {describe, expect, it} from "vitest";
import {ALL} from "../../src/components/controls.js";
import {
  defaultProduct,
  productLabel,
  productSizes,
  productTotals,
  rankProducts,
  verdictStrength,
  type SizeFitRow,
  type VerdictRow,
} from "../../src/components/sizes.js";

const verdict = (
  shop_id: string,
  product_id: string,
  category: string | null,
  v: string,
  sign_z: number | null,
  returned_units: number,
): VerdictRow => ({
  shop_id,
  product_id,
  product_name: `商品${product_id}`,
  category,
  verdict: v,
  verdict_en: "",
  shipped_units: 10 * returned_units,
  returned_units,
  return_rate: 0.1,
  size_returned_orders: 0,
  size_returned_units: 0,
  size_return_rate: null,
  small_mention_orders: 0,
  large_mention_orders: 0,
  mixed_mention_orders: 0,
  small_share: null,
  large_share: null,
  sign_z,
  known_sizes: 4,
  smaller_sizes: null,
  smaller_sizes_return_rate: null,
  larger_sizes: null,
  larger_sizes_return_rate: null,
  sizes_returning_more: null,
});

// p2 leans hardest (|z| 4, 偏大), then p1 (z 3, 偏小); p4's z of 2.5 does not count (数据不足), so
// p4 and p3 follow by returned units.
const VERDICTS = [
  verdict("a", "p1", "裙", "偏小", 3, 50),
  verdict("a", "p2", "裤", "偏大", -4, 10),
  verdict("a", "p3", "裙", "正常", 1, 80),
  verdict("b", "p4", null, "数据不足", 2.5, 90),
];

describe("products and the default product", () => {
  it("measures how strongly a verdict leans", () => {
    expect(VERDICTS.map(verdictStrength)).toEqual([3, 4, 0, 0]);
  });

  it("ranks the strongest 偏小 / 偏大 first, then the most returns", () => {
    const all = {shop: ALL, category: ALL} as const;
    expect(rankProducts(VERDICTS, all).map((v) => v.product_id)).toEqual(["p2", "p1", "p4", "p3"]);
    expect(defaultProduct(rankProducts(VERDICTS, all))?.product_id).toBe("p2");
  });

  it("follows the shop and category filters (NULL category is a value of its own)", () => {
    expect(rankProducts(VERDICTS, {shop: "a", category: ALL}).map((v) => v.product_id)).toEqual([
      "p2",
      "p1",
      "p3",
    ]);
    expect(rankProducts(VERDICTS, {shop: ALL, category: "裙"}).map((v) => v.product_id)).toEqual([
      "p1",
      "p3",
    ]);
    expect(rankProducts(VERDICTS, {shop: ALL, category: null}).map((v) => v.product_id)).toEqual(["p4"]);
    // Without a leaning verdict, the product with the most returns.
    expect(defaultProduct(rankProducts(VERDICTS, {shop: "b", category: ALL}))?.product_id).toBe("p4");
    expect(defaultProduct(rankProducts(VERDICTS, {shop: "c", category: ALL}))).toBeNull();
  });

  it("labels a product by name and verdict", () => {
    expect(productLabel(VERDICTS[0]!)).toBe("商品p1 · 偏小");
    expect(productLabel({...VERDICTS[0]!, product_name: null})).toBe("p1 · 偏小");
  });
});

const size = (
  product_id: string,
  label: string | null,
  size_sort: number | null,
  m: {
    shipped: number;
    returned: number;
    orders: number;
    size: number;
    small: number;
    large: number;
    mixed: number;
  },
): SizeFitRow => ({
  shop_id: "a",
  product_id,
  size: label,
  size_sort,
  shipped_units: m.shipped,
  returned_orders: m.orders,
  returned_units: m.returned,
  return_rate: m.returned / m.shipped,
  size_returned_orders: m.size,
  size_returned_units: m.size,
  size_return_rate: m.size / m.shipped,
  small_mention_orders: m.small,
  large_mention_orders: m.large,
  mixed_mention_orders: m.mixed,
  other_return_rate: null,
  z_score: null,
  returns_more: false,
  low_volume: m.shipped < 30,
});

// p1 runs small in S and M; the unknown size and another product's S must not mix in.
const SIZES = [
  size("p1", "M", 3, {shipped: 100, returned: 30, orders: 25, size: 16, small: 12, large: 1, mixed: 1}),
  size("p1", null, null, {shipped: 10, returned: 1, orders: 1, size: 0, small: 0, large: 0, mixed: 0}),
  size("p1", "S", 2, {shipped: 80, returned: 32, orders: 30, size: 24, small: 20, large: 0, mixed: 0}),
  size("p1", "L", 4, {shipped: 20, returned: 2, orders: 2, size: 1, small: 0, large: 1, mixed: 0}),
  size("p2", "S", 2, {shipped: 50, returned: 5, orders: 5, size: 5, small: 0, large: 5, mixed: 0}),
];

describe("one product's sizes", () => {
  it("lists its sizes in size order, the unknown size last, with the share of size returns", () => {
    const sizes = productSizes(SIZES, {shop_id: "a", product_id: "p1"});
    expect(sizes.map((s) => s.label)).toEqual(["S", "M", "L", "未知"]);
    expect(sizes.map((s) => s.size_return_share)).toEqual([24 / 30, 16 / 25, 1 / 2, 0]);
    expect(sizes.map((s) => s.other_returned_orders)).toEqual([6, 9, 1, 1]);
    // Size returns with no 偏小/偏大 words: M has 16 − 12 − 1 − 1 = 2.
    expect(sizes.map((s) => s.unstated_size_orders)).toEqual([4, 2, 0, 0]);
    // Low volume is flagged, never dropped.
    expect(sizes.filter((s) => s.low_volume).map((s) => s.label)).toEqual(["L", "未知"]);
  });

  it("sums the product over all its sizes: the chart's reference rate", () => {
    const totals = productTotals(productSizes(SIZES, {shop_id: "a", product_id: "p1"}));
    expect(totals).toEqual({
      shipped_units: 210,
      returned_units: 65,
      return_rate: 65 / 210,
      returned_orders: 58,
      size_returned_orders: 41,
      size_return_share: 41 / 58,
      small_mention_orders: 32,
      large_mention_orders: 2,
      mixed_mention_orders: 1,
    });
    expect(productTotals([]).return_rate).toBeNull();
  });
});
