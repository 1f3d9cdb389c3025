/**
 * The warehouse of the report tests: the seeded demo sample at 4,000 order lines (two shops, 120 days
 * to Sunday 2026-11-22, so 2026-W47 is the last complete week, with a week of returns still to
 * come), plus the hand-made fixtures as a third shop, "fixture-shop" (its product name
 * `修身连衣裙 <b>新款</b>` must come out as text). The same layout as test/browser/site.test.ts.
 */
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {runIngest, tempDir, testConfig, sampleWithFixtureShop} from "../helpers.js";

export const FIXTURE_SHOP = "fixture-shop";

export async function reportWarehouse(): Promise<{dir: string; path: string; cleanup: () => Promise<void>}> {
  const {dir, cleanup} = await tempDir();
  const inbox = await sampleWithFixtureShop(dir, 4000, FIXTURE_SHOP);
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
