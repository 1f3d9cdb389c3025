import {afterAll, beforeAll, describe, it} from "vitest";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {
  coreSnapshot,
  fixture,
  makeInbox,
  runIngest,
  tempDir,
  testConfig,
  writeAfterSaleFixtures,
} from "../helpers.js";

// Golden snapshots of the core tables built from the hand-made fixtures. The values that matter were
// checked by hand in ingest.test.ts; these catch every other change, column by column.
let warehouse: Warehouse;
let snapshot: Awaited<ReturnType<typeof coreSnapshot>>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  const {v1, v2} = await writeAfterSaleFixtures(temp.dir);
  const inbox = await makeInbox(temp.dir, {
    live: [
      fixture("orders_a.csv"),
      fixture("orders_a_later.csv"),
      fixture("orders_bad.csv"),
      fixture("sku_master.csv"),
      v1,
      v2,
    ],
    basics: [fixture("orders_b_gbk.csv"), fixture("after_sales_basics.csv")],
  });
  ({warehouse} = await runIngest(testConfig(temp.dir, inbox)));
  snapshot = await coreSnapshot(warehouse);
});

afterAll(async () => {
  warehouse.close();
  await cleanup();
});

describe("golden core tables", () => {
  for (const table of ["order_lines", "after_sales", "skus", "shops"] as const) {
    it(`core.${table}`, async () => {
      await expectGolden(`core_${table}.json`, jsonLines(snapshot[table] ?? []));
    });
  }
});
