/**
 * The warehouse of the report tests: the seeded demo sample at 4,000 order lines (two shops, 120 days
 * to Sunday 2026-11-22, so 2026-W47 is the last complete week, with a week of returns still to
 * come), plus the hand-made fixtures as a third shop, "fixture-shop" (its product name
 * `修身连衣裙 <b>新款</b>` must come out as text). The same layout as test/browser/site.test.ts.
 */
import {cp, mkdir} from "node:fs/promises";
import {join} from "node:path";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {generateSample} from "../../src/pipelines/sample/generate.js";
import {fixture, runIngest, tempDir, testConfig, writeAfterSaleFixtures} from "../helpers.js";

export const FIXTURE_SHOP = "fixture-shop";

export async function reportWarehouse(): Promise<{dir: string; path: string; cleanup: () => Promise<void>}> {
  const {dir, cleanup} = await tempDir();
  await generateSample({outDir: join(dir, "sample"), orders: 4000});
  const inbox = join(dir, "sample", "inbox");
  const shopDir = join(inbox, FIXTURE_SHOP);
  await mkdir(shopDir, {recursive: true});
  for (const name of ["orders_a.csv", "orders_a_later.csv", "after_sales_basics.csv", "sku_master.csv"])
    await cp(fixture(name), join(shopDir, name));
  await writeAfterSaleFixtures(shopDir);
  const config = testConfig(dir, inbox);
  const {warehouse, summary} = await runIngest(config);
  try {
    if (summary.failed > 0) throw new Error(`fixture ingest failed: ${JSON.stringify(summary.files)}`);
    await ensureFresh(warehouse, config);
  } finally {
    warehouse.close();
  }
  return {dir, path: config.warehouse, cleanup};
}
