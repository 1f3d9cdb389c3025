/**
 * Benchmark-sized exports in the same formats and quirks as the demo sample, streamed so that a
 * million order lines never sit in memory at once. Rows come from the sample's own model and row
 * builders; only the amount differs.
 */
import {writeXlsx} from "../ingest/xlsx/write.js";
import {buildCatalog} from "./catalog.js";
import {csvLine, DAY, parseDay, TextSink} from "./format.js";
import {SAMPLE_DEFAULTS} from "./generate.js";
import {simulateShop, type MainOrder} from "./model.js";
import {
  AFTER_SALE_HEADERS,
  AFTER_SALE_XLSX_STYLE,
  afterSaleFields,
  ORDER_CSV_STYLE,
  ORDER_HEADERS_A,
  orderFields,
  pick,
  xlsxCells,
} from "./rows.js";

/** A Variant A order CSV (UTF-8 with BOM) with `lines` data rows, as of a week after the last order. */
export async function writeScaleOrderCsv(
  file: string,
  lines: number,
  seed: number = SAMPLE_DEFAULTS.seed,
): Promise<void> {
  checkCount("lines", lines);
  const {orders, asOf} = liveOrders(lines, seed);
  const sink = await TextSink.open(file, {encoding: "utf8", bom: true});
  try {
    await sink.write(csvLine(ORDER_HEADERS_A, "\n"));
    for (const order of orders) {
      let text = "";
      for (const line of order.lines)
        text += csvLine(pick(orderFields(line, asOf, ORDER_CSV_STYLE), ORDER_HEADERS_A), "\n");
      await sink.write(text);
    }
  } catch (error) {
    await sink.abort();
    throw error;
  }
  await sink.close();
}

/** The 50-column after-sale XLSX with `rows` data rows (plus the header row). */
export async function writeScaleAfterSaleXlsx(
  file: string,
  rows: number,
  seed: number = SAMPLE_DEFAULTS.seed,
): Promise<void> {
  checkCount("rows", rows);
  // Well over one after-sale per four lines, so the stream never runs dry before `rows`.
  const {orders, asOf} = liveOrders(rows * 4, seed);
  function* cells(): Generator<(string | null)[]> {
    yield [...AFTER_SALE_HEADERS];
    let written = 0;
    for (const order of orders) {
      for (const line of order.lines) {
        for (const as of line.afterSales) {
          yield xlsxCells(pick(afterSaleFields(as, asOf, AFTER_SALE_XLSX_STYLE), AFTER_SALE_HEADERS));
          if (++written === rows) return;
        }
      }
    }
    throw new Error(`scale: the simulation produced only ${written} of ${rows} after-sales`);
  }
  await writeXlsx(file, cells());
}

function liveOrders(lines: number, seed: number): {orders: Generator<MainOrder>; asOf: number} {
  const endDay = parseDay(SAMPLE_DEFAULTS.endDate);
  const days = SAMPLE_DEFAULTS.days;
  const asOf = (endDay + 7) * DAY;
  const orders = simulateShop({
    seed,
    catalog: buildCatalog(seed),
    shop: "live-apparel",
    lines,
    firstDay: endDay - days + 1,
    days,
    horizon: asOf,
    idBase: 0,
  });
  return {orders, asOf};
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`scale: ${name} must be a positive integer, got ${value}`);
}
