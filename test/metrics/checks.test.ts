/**
 * The data checks of src/pipelines/checks/ pass on the fixture and catch what they are meant to
 * catch when a mart is broken on purpose; every metric runs by every dimension it allows, with
 * rates inside [0, 1].
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {checkNames, runChecks} from "../../src/pipelines/metrics/checks.js";
import {queryMetric} from "../../src/pipelines/metrics/query.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import {METRICS} from "../../src/pipelines/metrics/registry.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {fixtureWarehouse} from "./fixture.js";

let warehouse: Warehouse;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({warehouse, cleanup} = await fixtureWarehouse());
});
afterAll(async () => {
  warehouse.close();
  await cleanup();
});

const failing = async () =>
  Object.fromEntries(
    (await runChecks(warehouse)).filter((c) => c.rows.length).map((c) => [c.name, c.rows.length]),
  );

describe("data checks", () => {
  it("cover every mart and the intermediate table", async () => {
    expect(await checkNames()).toEqual([
      "after_sales_applied_daily_matches_core",
      "after_sales_applied_daily_not_null_keys",
      "after_sales_applied_daily_unique_grain",
      "cohort_maturity_forecast_bounds",
      "cohort_maturity_unique_grain",
      "int_order_line_returns_consistent_flags",
      "int_order_line_returns_matches_core",
      "int_order_line_returns_unique_grain",
      "return_lag_curve_share_valid",
      "return_rates_daily_not_null_keys",
      "return_rates_daily_rates_in_range",
      "return_rates_daily_reasons_sum_to_returns",
      "return_rates_daily_unique_grain",
    ]);
  });

  it("pass on the fixture warehouse", async () => {
    expect(await failing()).toEqual({});
  });

  it("catch a broken mart", async () => {
    try {
      // Beta's returned row twice: the grain is no longer unique, and beta's 11-02 totals no longer
      // match the 子订单 facts.
      await warehouse.run(
        "insert into marts.return_rates_daily select * from marts.return_rates_daily where shop_id = 'beta'",
      );
      // Returns on the rows of not-returned size-L 子订单 (L3 11-02, L5 11-09, L10 11-10): more
      // returned than shipped (row and group: 3 + 3), returns without a reason (3), and three more
      // shop-days whose returns disagree with the 子订单 facts.
      await warehouse.run(
        `update marts.return_rates_daily set returned_units = shipped_units + 1, returned_orders = 1
         where reason_group is null and shipped_units > 0 and size = 'L'`,
      );
      // The one 换货 (alpha, 11-12) goes missing.
      await warehouse.run("delete from marts.after_sales_applied_daily where after_sale_type = '换货'");
      // A category and an attributed after-sale's status that core no longer has (L1, L8).
      await warehouse.run(
        `update intermediate.int_order_line_returns set category = 'T恤'
         where order_item_id = '6910000000000000011'`,
      );
      await warehouse.run(
        `update intermediate.int_order_line_returns set first_return_status_group = 'closed'
         where order_item_id = '6910000000000000081'`,
      );
      expect(await failing()).toEqual({
        after_sales_applied_daily_matches_core: 1,
        int_order_line_returns_matches_core: 2,
        return_rates_daily_not_null_keys: 3,
        return_rates_daily_rates_in_range: 6,
        return_rates_daily_reasons_sum_to_returns: 4,
        return_rates_daily_unique_grain: 1,
      });
    } finally {
      await refreshMarts(warehouse);
    }
    expect(await failing()).toEqual({});
  });
});

describe("every metric by every dimension it allows", () => {
  for (const metric of METRICS) {
    it(metric.name, async () => {
      for (const dimension of metric.dimensions) {
        const rows = await queryMetric(warehouse, {metric: metric.name, by: [dimension]});
        expect(rows.length, dimension).toBeGreaterThan(0);
        for (const row of rows) {
          if (metric.kind === "rate") {
            const rate = row.rate;
            if (rate !== null) expect(rate).toBeGreaterThanOrEqual(0);
            if (rate !== null) expect(rate).toBeLessThanOrEqual(1);
            expect(Number(row[metric.numerator])).toBeLessThanOrEqual(Number(row[metric.denominator!]));
          }
          expect(typeof row.low_volume).toBe("boolean");
        }
      }
    });
  }
});
