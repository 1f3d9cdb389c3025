import {afterAll, beforeAll, describe, it} from "vitest";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {fixtureWarehouse} from "./fixture.js";

// Golden snapshots of the intermediate and mart tables built from the metric fixture. The values
// that matter are checked by hand in rates.test.ts; these catch every other change.
let warehouse: Warehouse;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({warehouse, cleanup} = await fixtureWarehouse());
});
afterAll(async () => {
  warehouse.close();
  await cleanup();
});

describe("golden metric tables", () => {
  for (const table of [
    "intermediate.int_order_line_returns",
    "marts.return_rates_daily",
    "marts.after_sales_applied_daily",
    "marts.return_lag_curve",
    "marts.cohort_maturity",
  ]) {
    it(table, async () => {
      const rows = await warehouse.all(`select * from ${table} order by all`);
      await expectGolden(`metrics_${table.replace(".", "_")}.json`, jsonLines(rows));
    });
  }
});
