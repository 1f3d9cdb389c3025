import {COLUMNS, FILE_KINDS, REQUIRED, type ColumnSpec, type FileKind} from "./columns.js";

/** Header cells carry BOMs, tabs, quotes and either kind of brackets; compare on a folded key. */
export function headerKey(header: string): string {
  return header
    .replace(/[\uFEFF\t"'\s\u3000]/g, "")
    .replace(/（/g, "(")
    .replace(/）/g, ")")
    .toLowerCase();
}

/** The header as it should be shown in messages: without the noise headerKey folds away. */
export function displayHeader(header: string): string {
  return header.replace(/[\uFEFF\t"]/g, "").trim();
}

const lookups = new Map<FileKind, Map<string, ColumnSpec>>(
  FILE_KINDS.map((kind) => {
    const map = new Map<string, ColumnSpec>();
    for (const spec of COLUMNS[kind]) {
      for (const name of [spec.header, ...(spec.aliases ?? [])]) {
        const key = headerKey(name);
        if (!map.has(key)) map.set(key, spec);
      }
    }
    return [kind, map];
  }),
);

export interface HeaderMapping {
  kind: FileKind;
  /** For each source column (by position), the known column it feeds, or null for an extra column. */
  columns: (ColumnSpec | null)[];
  /** The source headers as shown to users. */
  headers: string[];
  /** Required columns that are missing, as the platform's header names (alternatives joined by "或"). */
  missing: string[];
}

export function mapHeaders(kind: FileKind, rawHeaders: readonly string[]): HeaderMapping {
  const lookup = lookups.get(kind)!;
  const seen = new Set<string>();
  const columns = rawHeaders.map((header) => {
    const spec = lookup.get(headerKey(header));
    // A second column feeding the same known column (e.g. 商品金额 and 商品单价) stays an extra.
    if (!spec || seen.has(spec.name)) return null;
    seen.add(spec.name);
    return spec;
  });
  const byName = new Map(COLUMNS[kind].map((spec) => [spec.name, spec]));
  const missing = REQUIRED[kind]
    .filter((alternatives) => !alternatives.some((name) => seen.has(name)))
    .map((alternatives) => alternatives.map((name) => byName.get(name)!.header).join(" 或 "));
  return {kind, columns, headers: rawHeaders.map(displayHeader), missing};
}

/**
 * The kind of a file, told from its headers: an after-sale export has 售后单号, an order export has
 * 子订单编号 (both carry 商家编码), a SKU master has 商家编码 plus master columns and neither ID.
 */
export function detectKind(rawHeaders: readonly string[]): FileKind | null {
  const has = (kind: FileKind, name: string) =>
    rawHeaders.some((header) => lookups.get(kind)!.get(headerKey(header))?.name === name);
  if (has("after_sale", "after_sale_id")) return "after_sale";
  if (has("order", "order_item_id") && !has("after_sale", "after_sale_id")) return "order";
  const masterOnly = ["style_code", "color", "size", "category", "unit_cost"];
  if (has("sku_master", "sku_code") && masterOnly.some((name) => has("sku_master", name)))
    return "sku_master";
  return null;
}
