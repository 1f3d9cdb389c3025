import {describe, expect, it} from "vitest";
import {
  assumptionKeys,
  assumptionValue,
  bandAreas,
  bandFor,
  bandRange,
  bandScore,
  latestByShop,
  rateCeiling,
  rateTicks,
  scoreBands,
  symlogConstant,
  symlogMiddle,
  type Assumption,
  type PlatformDay,
} from "../../src/components/platform.js";
import {assumptionRows, DEFAULT_ASSUMPTIONS} from "../../src/pipelines/metrics/assumptions.js";

// The rows marts.cost_assumptions holds with the defaults, as cost_assumptions.json publishes them.
const assumptions: Assumption[] = assumptionRows(DEFAULT_ASSUMPTIONS).filter((r) => r.area !== "costs");

describe("score bands from the assumptions", () => {
  it("read the bands in force, lowest first, each starting where the one below ends", () => {
    expect(scoreBands(assumptions, "product_quality_return_rate")).toEqual([
      {band: 1, lower: 0, upper: 0.0026, score: 100},
      {band: 2, lower: 0.0026, upper: 0.0131, score: 60},
      {band: 3, lower: 0.0131, upper: null, score: 50},
    ]);
    expect(scoreBands(assumptions, "logistics_quality_return_rate")).toEqual([
      {band: 1, lower: 0, upper: 0.00026, score: 100},
      {band: 2, lower: 0.00026, upper: 0.0018, score: 70},
      {band: 3, lower: 0.0018, upper: 0.00334, score: null},
      {band: 4, lower: 0.00334, upper: null, score: 50},
    ]);
  });

  it("follow configured bands, not numbers in the page", () => {
    const configured = assumptions
      .filter((r) => !r.key.startsWith("product_quality_return_rate:"))
      .concat([
        {...assumptions[0]!, parameter: "band_upper_bound", key: "product_quality_return_rate:1", value: 0.3},
        {...assumptions[0]!, parameter: "band_score", key: "product_quality_return_rate:1", value: 90},
        {
          ...assumptions[0]!,
          parameter: "band_upper_bound",
          key: "product_quality_return_rate:2",
          value: null,
        },
        {...assumptions[0]!, parameter: "band_score", key: "product_quality_return_rate:2", value: 10},
      ]);
    expect(scoreBands(configured, "product_quality_return_rate")).toEqual([
      {band: 1, lower: 0, upper: 0.3, score: 90},
      {band: 2, lower: 0.3, upper: null, score: 10},
    ]);
  });

  it("place a value in the first band whose upper bound it does not exceed (bounds inclusive)", () => {
    const bands = scoreBands(assumptions, "product_quality_return_rate");
    expect(bandFor(0, bands)?.band).toBe(1);
    expect(bandFor(0.0026, bands)?.band).toBe(1);
    expect(bandFor(0.00261, bands)?.band).toBe(2);
    expect(bandFor(0.0131, bands)?.band).toBe(2);
    expect(bandFor(0.5, bands)?.band).toBe(3);
    expect(bandFor(null, bands)).toBeNull();
  });

  it("describe a band's range and score", () => {
    const [first, second, third, fourth] = scoreBands(assumptions, "logistics_quality_return_rate");
    expect(bandRange(first!)).toBe("≤ 0.026%");
    expect(bandRange(second!)).toBe("0.026%–0.18%");
    expect(bandRange(fourth!)).toBe("> 0.334%");
    expect(bandScore(third!)).toBe("分数未给出");
    expect(bandScore(second!)).toBe("70 分");
    expect(bandScore(null)).toBe("—");
  });

  it("read single values and lists", () => {
    expect(assumptionValue(assumptions, "platform", "sign_delay_days")).toBe(3);
    expect(assumptionValue(assumptions, "platform", "handling_target_hours")).toBe(48);
    expect(assumptionValue(assumptions, "platform", "nothing")).toBeNull();
    expect(assumptionKeys(assumptions, "platform", "quality_reason_group")).toEqual(["质量问题", "描述不符"]);
  });
});

describe("the chart", () => {
  const bands = scoreBands(assumptions, "product_quality_return_rate");

  it("reaches above the highest value and a quarter above the highest bound", () => {
    expect(rateCeiling([0.001, null], bands)).toBeCloseTo(0.0131 * 1.25, 12);
    expect(rateCeiling([0.1], bands)).toBeCloseTo(0.11, 12);
  });

  it("shades each band up to the top of the axis", () => {
    expect(bandAreas(bands, 0.02)).toEqual([
      {band: 1, score: 100, y1: 0, y2: 0.0026},
      {band: 2, score: 60, y1: 0.0026, y2: 0.0131},
      {band: 3, score: 50, y1: 0.0131, y2: 0.02},
    ]);
    // A top inside band 2: band 3 is not drawn, band 2 stops at the top.
    expect(bandAreas(bands, 0.01)).toEqual([
      {band: 1, score: 100, y1: 0, y2: 0.0026},
      {band: 2, score: 60, y1: 0.0026, y2: 0.01},
    ]);
  });

  it("uses a symlog axis whose linear part ends at the lowest bound", () => {
    expect(symlogConstant(bands)).toBe(0.0026);
    const c = 0.0026;
    // Halfway on the axis: log1p(y/c) of the middle is the mean of the ends' log1p(y/c).
    const middle = symlogMiddle(0.0026, 0.0131, c);
    expect(Math.log1p(middle / c)).toBeCloseTo((Math.log1p(1) + Math.log1p(0.0131 / c)) / 2, 12);
    expect(symlogMiddle(0, 0, c)).toBe(0);
  });

  it("ticks at 0, the band bounds and round values well above them", () => {
    expect(rateTicks(bands, 0.1)).toEqual([0, 0.0026, 0.0131, 0.05, 0.1]);
    // 0.005 steps under a top of 1%: 0.5% is far enough above 0.26% to be labelled (1.8×).
    expect(rateTicks(bands, 0.01)).toEqual([0, 0.0026, 0.005, 0.01]);
  });
});

const day = (shop_id: string, date: string, metric: string, value: number | null): PlatformDay => ({
  week_start: "2026-11-23",
  week: "2026-W48",
  week_days: 7,
  shop_id,
  date,
  metric,
  metric_label: metric,
  is_estimate: true,
  is_full_window: true,
  numerator: 0,
  denominator: 0,
  value,
  band: null,
  band_score: null,
  low_volume: false,
});

describe("current values", () => {
  it("are each shop's last day of the metric among the rows", () => {
    const rows = [
      day("b", "2026-11-27", "product_quality_return_rate", 0.2),
      day("a", "2026-11-28", "product_quality_return_rate", 0.01),
      day("a", "2026-11-27", "product_quality_return_rate", 0.02),
      day("b", "2026-11-26", "product_quality_return_rate", 0.3),
      day("a", "2026-11-29", "logistics_quality_return_rate", 0.5),
    ];
    expect(
      latestByShop(rows, "product_quality_return_rate").map((d) => [d.shop_id, d.date, d.value]),
    ).toEqual([
      ["a", "2026-11-28", 0.01],
      ["b", "2026-11-27", 0.2],
    ]);
  });
});
