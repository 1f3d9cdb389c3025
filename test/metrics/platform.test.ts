/**
 * marts.platform_score_daily on the fixture of costsOpsFixture.ts: estimates of 商品品质退货率,
 * 发货物流品退率 and 售后平均审核时长 over 30-day windows ending each day. Worked out by hand:
 *
 * 签收 (estimated) per 主订单 = earlier of 订单完成时间 and 发货时间 + 3 days:
 *   O0 10-05, O1 11-06 (completed 11-12 is later), O2 11-07, O3 11-05 (completed 11-05 20:00 is
 *   earlier than 11-07 18:00), O5 11-12, O6 11-13, O7 11-09, O8 11-16, O9 11-06; O4 never shipped.
 * 商品品质 主订单 (an effective after-sale with a 商品品质 reason): O1 (S2 tagged), O7 (S10 尺码 tagged),
 *   O8 (S11 描述不符, untagged, a quality_reason_group). Not: S13 质量问题 (closed), S12 (closed).
 * Payment dates: O0 10-01, O1 11-02, O9 11-02, O2 11-03, O3 11-04, O7 11-05, O4 11-06, O5 11-08,
 *   O6 11-09, O8 11-12.
 * First after-sale (not closed) is 物流品质: O2 (S3 tagged （物流品质原因）), O5 (S8 物流 group), O6 (S9,
 *   unknown status counts). Not O3: its first is S15 (换货 尺码, 11-06) before S5 (11-08).
 * 售后平均审核时长, by refund day: S4 11-06 0.5 h, S3 11-07 6 h, S5 11-08 10 h, S1 11-09 2 h, S8 11-12
 *   3 h, S10 11-20 5 min → 21.583 h over 6 by 11-20.
 * gamma's rows run from 10-01 (O0's payment, its first count) to 11-20 (as-of): 51 days; delta's
 * from 11-01 to 11-02.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  DEFAULT_ASSUMPTIONS,
  DEFAULT_PLATFORM_CONFIG,
  normalizePlatformConfig,
} from "../../src/pipelines/metrics/assumptions.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {buildCostOpsRiskMarts, costsOpsWarehouse, failingChecks} from "./costsOpsFixture.js";

let warehouse: Warehouse;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({warehouse, cleanup} = await costsOpsWarehouse());
});
afterAll(async () => {
  warehouse?.close();
  await cleanup();
});

const day = (date: string, shop = "gamma") =>
  warehouse.all(
    `select metric, numerator, denominator::integer as denominator, value, band, band_score, low_volume
     from marts.platform_score_daily where shop_id = $shop and date = $date::date order by metric`,
    {shop, date},
  );

const figure = (
  metric: string,
  numerator: number,
  denominator: number,
  band: number | null = null,
  score: number | null = null,
  lowVolume = true,
) => ({
  metric,
  numerator,
  denominator,
  value: denominator > 0 ? numerator / denominator : null,
  band,
  band_score: score,
  low_volume: lowVolume,
});

describe("platform metric estimates, default bands", () => {
  it("on the shop's first day only O0 is in any window", async () => {
    // 发货物流品退率 0 of 1 → ≤ 0.026%: band 1, 100 points; nothing signed yet.
    expect(await day("2026-10-01")).toEqual([
      figure("after_sale_review_hours", 0, 0),
      figure("logistics_quality_return_rate", 0, 1, 1, 100),
      figure("product_quality_return_rate", 0, 0),
    ]);
  });

  it("a 主订单 leaves the window 30 days later", async () => {
    // O0 paid 10-01: in the windows ending 10-30 (10-01…10-30), not in the one ending 10-31.
    const logistics = async (date: string) => (await day(date))[1]?.denominator;
    expect(await logistics("2026-10-30")).toBe(1);
    expect(await logistics("2026-10-31")).toBe(0);
  });

  it("11-03, 11-04 and 11-06, by hand", async () => {
    // Signed in 10-05…11-03: O0 (no quality after-sale). Paid 10-05…11-03: O1, O9, O2 (物流).
    expect(await day("2026-11-03")).toEqual([
      figure("after_sale_review_hours", 0, 0),
      figure("logistics_quality_return_rate", 1, 3, 4, 50),
      figure("product_quality_return_rate", 0, 1, 1, 100),
    ]);
    // O0 signed 10-05 has left; O3 (paid 11-04) joins the paid ones.
    expect(await day("2026-11-04")).toEqual([
      figure("after_sale_review_hours", 0, 0),
      figure("logistics_quality_return_rate", 1, 4, 4, 50),
      figure("product_quality_return_rate", 0, 0),
    ]);
    // Signed: O3, O1, O9 → O1 is 商品品质: 1/3 > 1.31% → band 3, 50 points. Paid: + O7, O4.
    // Review: S4 refunded 11-06 after 0.5 h (no band: the source gives none).
    expect(await day("2026-11-06")).toEqual([
      figure("after_sale_review_hours", 0.5, 1),
      figure("logistics_quality_return_rate", 1, 6, 4, 50),
      figure("product_quality_return_rate", 1, 3, 3, 50),
    ]);
  });

  it("11-20, the as-of date", async () => {
    const rows = await day("2026-11-20");
    expect(rows[0]?.numerator).toBeCloseTo(21 + 35 / 60, 9);
    expect(rows.map(({numerator: _n, value: _v, ...rest}) => rest)).toEqual([
      {metric: "after_sale_review_hours", denominator: 6, band: null, band_score: null, low_volume: true},
      // O1 O2 O3 O4 O5 O6 O7 O8 O9 paid; O2 O5 O6 物流 → 3/9.
      {metric: "logistics_quality_return_rate", denominator: 9, band: 4, band_score: 50, low_volume: true},
      // 8 signed (all but O4; O0 has left), O1 O7 O8 商品品质 → 3/8.
      {metric: "product_quality_return_rate", denominator: 8, band: 3, band_score: 50, low_volume: true},
    ]);
    expect(rows[1]?.value).toBeCloseTo(3 / 9, 12);
    expect(rows[2]?.value).toBe(0.375);
  });

  it("labels the figures as estimates and says which rows have a full window", async () => {
    const rows = await warehouse.all(
      `select shop_id, count(*)::integer as n, min(date)::varchar as first, max(date)::varchar as last,
          bool_and(is_estimate) as estimates, count(*) filter (where is_full_window)::integer as full_windows
       from marts.platform_score_daily group by all order by all`,
    );
    // gamma: 51 days × 3 metrics; full windows from 10-30 (29 days after 10-01): 22 days × 3.
    expect(rows).toEqual([
      {shop_id: "delta", n: 6, first: "2026-11-01", last: "2026-11-02", estimates: true, full_windows: 0},
      {shop_id: "gamma", n: 153, first: "2026-10-01", last: "2026-11-20", estimates: true, full_windows: 66},
    ]);
    const labels = await warehouse.all(
      "select distinct metric, metric_label, unit from marts.platform_score_daily order by metric",
    );
    expect(labels).toEqual([
      {metric: "after_sale_review_hours", metric_label: "售后平均审核时长", unit: "hours"},
      {metric: "logistics_quality_return_rate", metric_label: "发货物流品退率", unit: "ratio"},
      {metric: "product_quality_return_rate", metric_label: "商品品质退货率", unit: "ratio"},
    ]);
  });

  it("passes the data checks", async () => {
    expect(await failingChecks(warehouse, "platform_score_daily")).toEqual([]);
  });

  it("golden snapshot", async () => {
    await expectGolden(
      "metrics_marts_platform_score_daily.json",
      jsonLines(await warehouse.all("select * from marts.platform_score_daily order by all")),
    );
  });
});

describe("platform metric estimates, configured", () => {
  // 签收 = 发货时间 + 1 day (or 订单完成时间 if earlier), 7-day windows, only 质量问题 counts when
  // untagged (S11 描述不符 no longer does), bands 30% / 40% / above, at least 5 orders.
  const platform = normalizePlatformConfig(
    {
      signDelayDays: 1,
      windowDays: 7,
      qualityReasonGroups: ["质量问题"],
      minOrders: 5,
      bands: {
        productQualityReturnRate: [
          {upTo: 0.3, score: 100},
          {upTo: 0.4, score: 60},
          {upTo: null, score: 50},
        ],
      },
    },
    "returnscope.config.json",
  );

  beforeAll(async () => {
    await buildCostOpsRiskMarts(warehouse, {...DEFAULT_ASSUMPTIONS, platform});
  });
  afterAll(async () => {
    await buildCostOpsRiskMarts(warehouse);
  });

  it("applies them, by hand", async () => {
    // Signed (+1 day): O1 11-04, O9 11-04, O2 11-05, O3 11-05 (11-05 18:00 is before completion
    // 20:00), O7 11-07, O5 11-10, O6 11-11, O8 11-14. Window 11-04…11-10: 6 orders, O1 and O7
    // 商品品质 → 1/3 ≤ 40%: band 2, 60 points. Paid 11-04…11-10: O3 O7 O4 O5 O6, 物流 O5 O6 → 2/5.
    expect(await day("2026-11-10")).toEqual([
      figure("after_sale_review_hours", 2 + 6 + 10 + 0.5, 4, null, null, true),
      figure("logistics_quality_return_rate", 2, 5, 4, 50, false),
      figure("product_quality_return_rate", 2, 6, 2, 60, false),
    ]);
    // Window 11-14…11-20: only O8 signed, and 描述不符 no longer counts → 0 of 1: band 1.
    const last = await day("2026-11-20");
    expect(last[2]).toEqual(figure("product_quality_return_rate", 0, 1, 1, 100, true));
  });

  it("rejects bad settings with one line naming the key", () => {
    const bad = (spec: unknown) => () => normalizePlatformConfig(spec, "x.json");
    expect(bad({window: 30})).toThrow(
      "x.json: unknown setting platform.window (known: windowDays, signDelayDays, qualityReasonGroups, logisticsReasonGroups, minOrders, bands, handlingTargetHours)",
    );
    expect(bad({windowDays: 7.5})).toThrow("x.json: platform.windowDays must be a whole number: 7.5");
    expect(bad({bands: {productQualityReturnRate: [{upTo: 0.01, score: 100}]}})).toThrow(
      "x.json: platform.bands.productQualityReturnRate[0].upTo must be null on the last band only (no upper limit): 0.01",
    );
    expect(
      bad({
        bands: {
          logisticsQualityReturnRate: [
            {upTo: 0.01, score: 100},
            {upTo: 0.005, score: 70},
            {upTo: null, score: 50},
          ],
        },
      }),
    ).toThrow(
      "x.json: platform.bands.logisticsQualityReturnRate[1].upTo must be above the band before it: 0.005",
    );
    expect(bad({bands: {quality: []}})).toThrow(
      "x.json: unknown setting platform.bands.quality (known: productQualityReturnRate, logisticsQualityReturnRate)",
    );
    expect(normalizePlatformConfig({}, "x.json")).toEqual(DEFAULT_PLATFORM_CONFIG);
  });
});
