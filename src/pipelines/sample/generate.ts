/**
 * Writes the demo sample: two shops' exports in the platform's real formats, laid out as a merchant's
 * inbox, plus truth.json describing the planted stories. Everything follows from the options alone.
 */
import {mkdir, readdir, rm, writeFile} from "node:fs/promises";
import path from "node:path";
import {writeXlsx} from "../ingest/xlsx/write.js";
import {buildCatalog, type ShopKey, type ShopProfile} from "./catalog.js";
import {compactDay, csvLine, DAY, parseDay, plainMoney, TextSink, type SinkOptions} from "./format.js";
import type {AfterSale} from "./afterSales.js";
import {simulateShop, type MainOrder, type OrderLine} from "./model.js";
import {
  AFTER_SALE_HEADERS,
  AFTER_SALE_XLSX_STYLE,
  afterSaleFields,
  afterSaleStatus,
  BASICS_AFTER_SALE_HEADERS,
  basicsAfterSaleRow,
  ORDER_CSV_STYLE,
  ORDER_HEADERS_A,
  ORDER_HEADERS_B,
  orderFields,
  pick,
  SKU_MASTER_HEADERS,
  XLSX_ORDER_STYLE,
  xlsxCells,
  type OrderStyle,
} from "./rows.js";
import {buildTruth, type SampleTruth, type ShopRun} from "./truth.js";

export type {SampleTruth} from "./truth.js";

export interface SampleOptions {
  outDir: string;
  /** 子订单 (order lines) in total across both shops. */
  orders?: number;
  seed?: number;
  /** Last order day, Beijing, YYYY-MM-DD. */
  endDate?: string;
  days?: number;
}

export interface SampleResult {
  /** Paths written, relative to outDir, with `/` separators. */
  files: string[];
  orderLines: number;
  afterSales: number;
  truth: SampleTruth;
}

export const SAMPLE_DEFAULTS = {orders: 12_000, seed: 20261122, endDate: "2026-11-22", days: 120} as const;

/** Share of the order lines that belong to the live-stream shop. */
const LIVE_SHARE = 0.8;
const STALE_EXPORT = /^(订单导出_\d{8}\.csv|售后单导出_\d{8}(_\d+)?\.xlsx)(\.partial)?$/;

/** Rows below the header that fit in one sheet: Excel's last row is 1,048,576. */
export const XLSX_MAX_DATA_ROWS = 1_048_575;

/**
 * An export too long for one sheet, cut into workbooks as a merchant would have to save it: the
 * first keeps the name, the next ones get _2, _3 … before the extension. The demo sizes never cut;
 * 10M order lines do (the 45-day after-sale export holds over a million rows).
 */
export function xlsxParts<T>(
  name: string,
  rows: T[],
  maxRows = XLSX_MAX_DATA_ROWS,
): {name: string; rows: T[]}[] {
  const parts: {name: string; rows: T[]}[] = [];
  for (let start = 0, part = 1; start === 0 || start < rows.length; start += maxRows, part++) {
    const partName = part === 1 ? name : name.replace(/\.xlsx$/, `_${part}.xlsx`);
    parts.push({name: partName, rows: rows.slice(start, start + maxRows)});
  }
  return parts;
}

export async function generateSample(options: SampleOptions): Promise<SampleResult> {
  const {outDir, orders, seed, endDate, days} = checkOptions(options);
  const catalog = buildCatalog(seed);
  const endDay = parseDay(endDate);
  const firstDay = endDay - days + 1;
  const lastExportDay = endDay + 7;
  const liveLines = Math.round(orders * LIVE_SHARE);
  const simulate = (shop: ShopKey, lines: number, idBase: number) => [
    ...simulateShop({seed, catalog, shop, lines, firstDay, days, horizon: lastExportDay * DAY, idBase}),
  ];
  const live = simulate("live-apparel", liveLines, 0);
  const basics = simulate("basics-store", orders - liveLines, 1e12);

  const ctx = {outDir, firstDay, endDay, lastExportDay};
  const runs = {
    "live-apparel": await writeLiveApparel(ctx, catalog.shops["live-apparel"], live),
    "basics-store": await writeBasicsStore(ctx, basics),
  };
  const truth = buildTruth({seed, endDay, days, lastExportDay, catalog, runs});
  await writeFile(path.join(outDir, "truth.json"), `${JSON.stringify(truth, null, 2)}\n`);
  const afterSales = [live, basics].flat().flatMap((o) => o.lines.flatMap((l) => l.afterSales)).length;
  return {
    files: [...runs["live-apparel"].files, ...runs["basics-store"].files, "truth.json"],
    orderLines: orders,
    afterSales,
    truth,
  };
}

function checkOptions(options: SampleOptions): Required<SampleOptions> {
  if (typeof options.outDir !== "string" || options.outDir === "") {
    throw new Error(`sample: outDir must be a directory path, got ${JSON.stringify(options.outDir)}`);
  }
  const merged = {...SAMPLE_DEFAULTS, ...definedOnly(options), outDir: options.outDir};
  const {orders, seed, days, endDate} = merged;
  if (!Number.isInteger(orders) || orders < 10)
    throw new Error(`sample: orders must be an integer >= 10, got ${orders}`);
  if (!Number.isSafeInteger(seed)) throw new Error(`sample: seed must be an integer, got ${seed}`);
  if (!Number.isInteger(days) || days < 14 || days > 3650) {
    throw new Error(`sample: days must be an integer from 14 to 3650, got ${days}`);
  }
  parseDay(endDate);
  return merged;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

interface WriteContext {
  outDir: string;
  firstDay: number;
  endDay: number;
  lastExportDay: number;
}

async function shopDirectory(outDir: string, shop: ShopKey): Promise<string> {
  const dir = path.join(outDir, "inbox", shop);
  await mkdir(dir, {recursive: true});
  // Exports of an earlier run with other dates would otherwise be ingested as if current.
  for (const name of await readdir(dir)) if (STALE_EXPORT.test(name)) await rm(path.join(dir, name));
  return dir;
}

/**
 * Weekly order CSVs each covering 14 days of orders (so they overlap by a week), after-sale XLSX
 * files every 3 days covering 10 days, one final 45-day after-sale export, and the SKU master.
 */
async function writeLiveApparel(ctx: WriteContext, shop: ShopProfile, orders: MainOrder[]): Promise<ShopRun> {
  const dir = await shopDirectory(ctx.outDir, shop.key);
  const relative = (name: string) => `inbox/${shop.key}/${name}`;
  const files: string[] = [];
  const lines = orders.flatMap((o) => o.lines);

  for (const day of schedule(ctx.lastExportDay, 7, (d) => d - 14 <= ctx.firstDay)) {
    const name = `订单导出_${compactDay(day)}.csv`;
    const from = (day - 14) * DAY;
    // Orders still unpaid at the export moment are left to the next export, which covers them too.
    const rows = lines.filter((l) => l.order.createdAt >= from && l.order.payAt < day * DAY);
    await writeOrderCsv(path.join(dir, name), rows, day * DAY, {encoding: "utf8", bom: true}, "\n");
    files.push(relative(name));
  }

  const afterSales = lines.flatMap((l) => l.afterSales).sort(byApplication);
  const exports = [
    ...schedule(ctx.lastExportDay - 3, 3, (d) => d - 10 <= ctx.firstDay).map((day) => ({day, window: 10})),
    {day: ctx.lastExportDay, window: 45},
  ];
  const visible = new Map<AfterSale, number>();
  const appearances = new Map<AfterSale, {export: string; status: string}[]>();
  for (const {day, window} of exports) {
    const name = `售后单导出_${compactDay(day)}.xlsx`;
    const asOf = day * DAY;
    const rows = afterSales.filter((as) => as.applyAt >= (day - window) * DAY && as.applyAt < asOf);
    const cells = rows.map((as) =>
      xlsxCells(pick(afterSaleFields(as, asOf, AFTER_SALE_XLSX_STYLE), AFTER_SALE_HEADERS)),
    );
    for (const part of xlsxParts(name, cells)) {
      await writeXlsx(path.join(dir, part.name), [[...AFTER_SALE_HEADERS], ...part.rows]);
      files.push(relative(part.name));
    }
    for (const as of rows) {
      visible.set(as, Math.max(visible.get(as) ?? 0, asOf));
      const seen = appearances.get(as) ?? [];
      seen.push({export: name, status: afterSaleStatus(as, asOf) ?? "-"});
      appearances.set(as, seen);
    }
  }
  const missing = afterSales.find((as) => !visible.has(as));
  if (missing)
    throw new Error(`sample: after-sale ${missing.id} appears in no export; the schedule has a gap`);

  const master = [csvLine(SKU_MASTER_HEADERS, "\n")];
  for (const product of shop.products) {
    for (const sku of product.skus) {
      master.push(
        csvLine(
          [
            sku.code,
            product.id,
            product.style,
            sku.colour,
            sku.size,
            product.category,
            plainMoney(product.costFen),
          ],
          "\n",
        ),
      );
    }
  }
  await writeFile(path.join(dir, "商品档案.csv"), master.join(""));
  files.push(relative("商品档案.csv"));

  return {
    key: shop.key,
    directory: `inbox/${shop.key}`,
    orders,
    files,
    visibleAt: (as) => visible.get(as) as number,
    appearances,
  };
}

/**
 * The basics shop as a merchant with older habits: a 2022-layout order CSV re-saved by Excel (GB18030,
 * CRLF, no BOM), a later XLSX order export overlapping it, and a partial after-sale CSV.
 */
async function writeBasicsStore(ctx: WriteContext, orders: MainOrder[]): Promise<ShopRun> {
  const key: ShopKey = "basics-store";
  const dir = await shopDirectory(ctx.outDir, key);
  const relative = (name: string) => `inbox/${key}/${name}`;
  const lines = orders.flatMap((o) => o.lines);
  const csvDay = ctx.endDay - Math.min(30, Math.floor((ctx.endDay - ctx.firstDay) / 3));
  const finalAsOf = ctx.lastExportDay * DAY;

  const early = lines.filter((l) => l.order.payAt < csvDay * DAY);
  await writeOrderCsv(
    path.join(dir, "orders_2022layout.csv"),
    early,
    csvDay * DAY,
    {encoding: "gb18030", bom: false},
    "\r\n",
    {idTab: "trailing", skuTab: false, timeTab: true},
    ORDER_HEADERS_B,
  );

  const recentHeaders = [...ORDER_HEADERS_B, "商家编码"] as const;
  const recent = lines.filter((l) => l.order.createdAt >= (csvDay - 14) * DAY);
  await writeXlsx(
    path.join(dir, "orders_recent.xlsx"),
    [
      [...recentHeaders],
      ...recent.map((line) => xlsxCells(pick(orderFields(line, finalAsOf, XLSX_ORDER_STYLE), recentHeaders))),
    ],
    {sharedStrings: false},
  );

  const afterSales = lines.flatMap((l) => l.afterSales).sort(byApplication);
  const text = [csvLine(BASICS_AFTER_SALE_HEADERS, "\n")];
  afterSales.forEach((as, i) => {
    // One merchant tool prefixed IDs with an apostrophe instead of a tab; a few rows carry that.
    const idPrefix = i % 17 === 3 ? "'" : "\t";
    text.push(csvLine(basicsAfterSaleRow(afterSaleFields(as, finalAsOf, {idPrefix, skuTab: true})), "\n"));
  });
  await writeFile(path.join(dir, "after_sales.csv"), text.join(""));

  return {
    key,
    directory: `inbox/${key}`,
    orders,
    files: ["orders_2022layout.csv", "orders_recent.xlsx", "after_sales.csv"].map(relative),
    visibleAt: () => finalAsOf,
  };
}

async function writeOrderCsv(
  file: string,
  lines: readonly OrderLine[],
  asOf: number,
  sinkOptions: SinkOptions,
  eol: string,
  style: OrderStyle = ORDER_CSV_STYLE,
  headers:
    | readonly (typeof ORDER_HEADERS_A)[number][]
    | readonly (typeof ORDER_HEADERS_B)[number][] = ORDER_HEADERS_A,
): Promise<void> {
  const sink = await TextSink.open(file, sinkOptions);
  try {
    await sink.write(csvLine(headers, eol));
    for (const line of lines) await sink.write(csvLine(pick(orderFields(line, asOf, style), headers), eol));
  } catch (error) {
    await sink.abort();
    throw error;
  }
  await sink.close();
}

/** Export days going back from `last` in steps until `covered`, oldest first. */
function schedule(last: number, step: number, covered: (day: number) => boolean): number[] {
  const days: number[] = [];
  for (let day = last; ; day -= step) {
    days.unshift(day);
    if (covered(day)) return days;
  }
}

function byApplication(a: AfterSale, b: AfterSale): number {
  return a.applyAt - b.applyAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
