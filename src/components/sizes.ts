/**
 * The arithmetic of the sizes page, kept free of the DOM so that tests can check it: which
 * products a filter shows and in what order (the strongest 偏小 / 偏大 verdict first, then the most
 * returns), the product chosen by default, and one product's sizes with their return rate, the
 * share of their returns that are size returns and the 偏小 / 偏大 mentions. The verdicts and the
 * per-size facts themselves are the marts' (docs/metrics.md §8.5–8.6).
 */
import {ALL, type Choice} from "./controls.js";

/** src/data/product_size_verdicts.json: one row per (shop_id, product_id). */
export interface VerdictRow {
  shop_id: string;
  product_id: string;
  product_name: string | null;
  category: string | null;
  /** 偏小 · 偏大 · 正常 · 数据不足. */
  verdict: string;
  verdict_en: string;
  shipped_units: number;
  returned_units: number;
  return_rate: number | null;
  size_returned_orders: number;
  size_returned_units: number;
  size_return_rate: number | null;
  small_mention_orders: number;
  large_mention_orders: number;
  mixed_mention_orders: number;
  small_share: number | null;
  large_share: number | null;
  /** (small − large) ÷ √(small + large): the sign test behind the verdict. */
  sign_z: number | null;
  known_sizes: number;
  smaller_sizes: string | null;
  smaller_sizes_return_rate: number | null;
  larger_sizes: string | null;
  larger_sizes_return_rate: number | null;
  sizes_returning_more: string | null;
}

/** src/data/size_fit.json: one row per (shop_id, product_id, size); size NULL is unknown. */
export interface SizeFitRow {
  shop_id: string;
  product_id: string;
  size: string | null;
  size_sort: number | null;
  shipped_units: number;
  returned_orders: number;
  returned_units: number;
  return_rate: number | null;
  size_returned_orders: number;
  size_returned_units: number;
  size_return_rate: number | null;
  small_mention_orders: number;
  large_mention_orders: number;
  mixed_mention_orders: number;
  other_return_rate: number | null;
  z_score: number | null;
  returns_more: boolean;
  low_volume: boolean;
}

export const LEANING_VERDICTS: readonly string[] = ["偏小", "偏大"];

/** How strongly a product leans: |sign_z| for a 偏小 / 偏大 verdict, 0 otherwise. */
export function verdictStrength(row: Pick<VerdictRow, "verdict" | "sign_z">): number {
  return LEANING_VERDICTS.includes(row.verdict) ? Math.abs(row.sign_z ?? 0) : 0;
}

const chosen = <T>(choice: Choice<T>, value: T) => choice === ALL || choice === value;

/**
 * The products of the chosen shop and category: 偏小 / 偏大 first, the strongest sign test first;
 * then the others by returned units (most first); ties by shop and product ID.
 */
export function rankProducts(
  rows: readonly VerdictRow[],
  filters: {shop: Choice<string>; category: Choice<string | null>},
): VerdictRow[] {
  return rows
    .filter((row) => chosen(filters.shop, row.shop_id) && chosen(filters.category, row.category))
    .sort(
      (a, b) =>
        verdictStrength(b) - verdictStrength(a) ||
        b.returned_units - a.returned_units ||
        a.shop_id.localeCompare(b.shop_id) ||
        a.product_id.localeCompare(b.product_id),
    );
}

/** The product shown first: the strongest verdict, else the one with the most returns. */
export function defaultProduct(ranked: readonly VerdictRow[]): VerdictRow | null {
  return ranked[0] ?? null;
}

export interface ProductSize extends SizeFitRow {
  /** The size as shown: 未知 for an unknown size. */
  label: string;
  /** Size returns ÷ returned 子订单 of the size. */
  size_return_share: number | null;
  /** Returned 子订单 that are not size returns. */
  other_returned_orders: number;
  /** Size returns whose texts say neither 偏小 nor 偏大 (reason group 尺码 alone). */
  unstated_size_orders: number;
}

const share = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

/** One product's sizes in size order (the unknown size last). */
export function productSizes(
  rows: readonly SizeFitRow[],
  product: Pick<VerdictRow, "shop_id" | "product_id">,
): ProductSize[] {
  return rows
    .filter((row) => row.shop_id === product.shop_id && row.product_id === product.product_id)
    .sort(
      (a, b) =>
        Number(a.size === null) - Number(b.size === null) ||
        (a.size_sort ?? Infinity) - (b.size_sort ?? Infinity) ||
        String(a.size).localeCompare(String(b.size)),
    )
    .map((row) => ({
      ...row,
      label: row.size ?? "未知",
      size_return_share: share(row.size_returned_orders, row.returned_orders),
      other_returned_orders: row.returned_orders - row.size_returned_orders,
      unstated_size_orders:
        row.size_returned_orders -
        row.small_mention_orders -
        row.large_mention_orders -
        row.mixed_mention_orders,
    }));
}

export interface ProductTotals {
  shipped_units: number;
  returned_units: number;
  /** The product's unit return rate over all its sizes (the unknown one included). */
  return_rate: number | null;
  returned_orders: number;
  size_returned_orders: number;
  size_return_share: number | null;
  small_mention_orders: number;
  large_mention_orders: number;
  mixed_mention_orders: number;
}

/** Σ over a product's sizes: the reference line of the size chart and the totals row. */
export function productTotals(sizes: readonly SizeFitRow[]): ProductTotals {
  const total = (key: keyof SizeFitRow) => sizes.reduce((sum, row) => sum + (Number(row[key]) || 0), 0);
  const shipped = total("shipped_units");
  const returned = total("returned_units");
  const returnedOrders = total("returned_orders");
  const sizeReturned = total("size_returned_orders");
  return {
    shipped_units: shipped,
    returned_units: returned,
    return_rate: share(returned, shipped),
    returned_orders: returnedOrders,
    size_returned_orders: sizeReturned,
    size_return_share: share(sizeReturned, returnedOrders),
    small_mention_orders: total("small_mention_orders"),
    large_mention_orders: total("large_mention_orders"),
    mixed_mention_orders: total("mixed_mention_orders"),
  };
}

/** A product's name for a list: its name (or ID), and its verdict. */
export function productLabel(row: VerdictRow): string {
  return `${row.product_name ?? row.product_id} · ${row.verdict}`;
}
