// npm run bench:scale-up -- --from <warehouse> --to <warehouse> [--times N]
//
// A large warehouse in minutes rather than hours: copies an ingested warehouse and repeats its
// staged order lines and after-sales N times (default 10) under fresh identities, then rebuilds
// core and the marts from them. Generating and ingesting 10M order lines of exports takes hours on
// a 2-core machine; this gives the same volumes for the benchmarks that start from a warehouse (the
// rebuild of core and marts: `npm run bench -- --rebuild-only --warehouse <file>`; the dashboard:
// `npm run bench:site -- --warehouse <file>`).
//
// Copy k (1 … N−1) of a row keeps its shop, products, SKUs, prices, times, reasons and statuses, and
// gets its own order, 子订单 and 售后单 numbers (the original digits followed by k), buyer (every
// hashed buyer field salted with k) and waybill numbers, so the copies are N times the shop's
// volume over the same catalogue and days: group counts (days, SKUs, provinces) stay, per-group
// volumes and per-buyer or per-after-sale lists grow N-fold. It says nothing about ingest speed
// (raw is not copied, and every copy keeps the file of its original).
import {copyFile, rm} from "node:fs/promises";
import {resolve} from "node:path";
import {quotedIdentifier} from "@duckdb/node-api";
import {COLUMNS, type FileKind} from "../src/pipelines/ingest/columns.js";
import {TABLE, stagingColumn} from "../src/pipelines/ingest/sql.js";
import {defaultConfig} from "../src/pipelines/config.js";
import {martsToken, rebuildCore} from "../src/pipelines/refresh.js";
import {refreshMarts} from "../src/pipelines/metrics/refresh.js";
import {Warehouse} from "../src/pipelines/warehouse.js";

/** Columns that identify an order, an after-sale, a buyer or a parcel: each copy gets its own. */
export function identityColumns(kind: FileKind): string[] {
  return COLUMNS[kind]
    .filter(
      (spec) =>
        (spec.type === "id" && spec.name !== "product_id") ||
        spec.type === "pii" ||
        spec.name.endsWith("_tracking_no"),
    )
    .map((spec) => stagingColumn(spec).name);
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const from = option("from");
  const to = option("to");
  const times = Number(option("times") ?? 10);
  if (!from || !to || !Number.isInteger(times) || times < 2) {
    console.error("usage: npm run bench:scale-up -- --from <warehouse> --to <warehouse> [--times N ≥ 2]");
    process.exit(2);
  }
  await rm(resolve(to), {force: true});
  await rm(`${resolve(to)}.wal`, {force: true});
  await copyFile(resolve(from), resolve(to));
  const warehouse = await Warehouse.open(resolve(to));
  const start = performance.now();
  for (const kind of ["order", "after_sale"] as const) {
    const table = `staging.${TABLE[kind]}`;
    const identities = identityColumns(kind).map(quotedIdentifier);
    // Rows already there are copy 0; source_row moves copy k out of the way of the others.
    const before = Number((await warehouse.one(`select count(*)::bigint as n from ${table}`))!.n);
    await warehouse.run(
      `insert into ${table}
       select original.* replace (
           source_row + copy * 1000000000 as source_row,
           ${identities.map((c) => `${c} || copy::varchar as ${c}`).join(",\n           ")}
       )
       from ${table} as original, range(1, ${times}) as copies(copy)`,
    );
    console.log(
      `${table}: ${before.toLocaleString("en-US")} → ${(before * times).toLocaleString("en-US")} rows`,
    );
  }
  console.log(`copied in ${((performance.now() - start) / 1000).toFixed(0)} s; rebuilding core and marts …`);
  const config = {...defaultConfig(), warehouse: resolve(to)};
  await rebuildCore(warehouse, config);
  await refreshMarts(warehouse);
  // No file was loaded, so the freshness token must be set here, or readers would think the marts
  // of the copied warehouse still current.
  await warehouse.setSetting("marts_token", await martsToken(warehouse, config));
  await warehouse.run("checkpoint");
  const lines = await warehouse.one(
    "select count(*)::bigint as lines, count(distinct order_id)::bigint as orders from core.order_lines",
  );
  const afterSales = await warehouse.one("select count(*)::bigint as n from core.after_sales");
  warehouse.close();
  console.log(
    `done in ${((performance.now() - start) / 1000).toFixed(0)} s: ${Number(lines!.lines).toLocaleString("en-US")} order lines (${Number(lines!.orders).toLocaleString("en-US")} orders), ${Number(afterSales!.n).toLocaleString("en-US")} after-sales in ${to}`,
  );
}

await main();
