import {describe, expect, it} from "vitest";
import {ALL} from "../../src/components/controls.js";
import {
  cohortSeries,
  costKpis,
  defaultWeek,
  filterDimensions,
  maturityFor,
  maturityNote,
  rankProblemSkus,
  rateKpis,
  shiftWeek,
  sumWeeks,
  weeksOf,
  type CostWeek,
  type MaturityWeek,
  type ProblemSku,
  type RateWeek,
} from "../../src/components/overview.js";

const rate = (
  week_start: string,
  shop_id: string,
  category: string | null,
  channel: string | null,
  paid: number,
  shipped: number,
  returned: number,
  week_days = 7,
): RateWeek => ({
  week_start,
  week: `W${week_start}`,
  week_days,
  shop_id,
  category,
  channel,
  paid_orders: paid,
  shipped_orders: shipped,
  shipped_units: shipped,
  returned_orders: returned,
  returned_units: returned,
});

// Ten weeks of two shops; shop b has a NULL category and channel (a group of its own).
const WEEKS = Array.from({length: 10}, (_, i) => shiftWeek("2026-11-16", 9 - i));
const RATES: RateWeek[] = WEEKS.flatMap((week, i) => [
  rate(week, "a", "裙", "精选联盟", 100 + i, 100, 10 + i),
  rate(week, "a", "裙", "小店自卖", 50, 50, 5),
  rate(week, "b", null, null, 20, 20, 2, i === 9 ? 3 : 7),
]);
const all = {shop: ALL, category: ALL, channel: ALL} as const;

describe("weeks", () => {
  it("shifts Mondays by whole weeks, across months and years", () => {
    expect(shiftWeek("2026-11-16", 1)).toBe("2026-11-09");
    expect(shiftWeek("2026-11-16", 4)).toBe("2026-10-19");
    expect(shiftWeek("2026-01-05", 1)).toBe("2025-12-29");
    expect(shiftWeek("2026-11-16", -1)).toBe("2026-11-23");
  });

  it("lists distinct weeks in order and defaults to the last complete one", () => {
    const weeks = weeksOf(RATES);
    expect(weeks.map((w) => w.week_start)).toEqual(WEEKS);
    // The last week is complete for shop a (7 days) even though shop b's row says 3.
    expect(defaultWeek(weeks)?.week_start).toBe("2026-11-16");
    const partial = weeksOf([
      rate("2026-11-09", "a", null, null, 1, 1, 0),
      rate("2026-11-16", "a", null, null, 1, 1, 0, 2),
    ]);
    expect(defaultWeek(partial)?.week_start).toBe("2026-11-09");
    expect(defaultWeek([])).toBeUndefined();
  });
});

describe("filters", () => {
  it("keeps rows of the chosen shop, category and channel; NULL is a value, ALL is everything", () => {
    expect(filterDimensions(RATES, all)).toHaveLength(30);
    expect(filterDimensions(RATES, {...all, shop: "b"})).toHaveLength(10);
    expect(filterDimensions(RATES, {...all, category: null})).toHaveLength(10);
    expect(filterDimensions(RATES, {...all, channel: "精选联盟"})).toHaveLength(10);
    expect(filterDimensions(RATES, {shop: "a", category: "裙", channel: null})).toHaveLength(0);
  });

  it("sums the chosen weeks", () => {
    const totals = sumWeeks(RATES, ["paid_orders", "returned_units"], new Set(["2026-11-16", "2026-11-09"]));
    expect(totals).toEqual({
      paid_orders: 109 + 108 + 2 * 50 + 2 * 20,
      returned_units: 19 + 18 + 2 * 5 + 2 * 2,
    });
  });
});

describe("KPIs", () => {
  it("orders and the unit return rate of the anchor week, with week-over-week and four-week changes", () => {
    const [orders, returnRate] = rateKpis(RATES, "2026-11-16");
    // Anchor week: paid 109 + 50 + 20 = 179; the week before 178.
    expect(orders).toMatchObject({key: "orders", value: 179, text: "179"});
    expect(orders!.weekOverWeek.value).toBeCloseTo(179 / 178 - 1, 12);
    // Four weeks to the anchor: 106..109 + 4 × 70; the four before: 102..105 + 4 × 70.
    expect(orders!.fourWeeks.value).toBeCloseTo(
      (106 + 107 + 108 + 109 + 280) / (102 + 103 + 104 + 105 + 280) - 1,
      12,
    );
    // Rate: (19 + 5 + 2) / 170; the week before (18 + 5 + 2) / 170.
    expect(returnRate).toMatchObject({key: "unit_return_rate", text: "15.3%", riseIsBad: true});
    expect(returnRate!.value).toBeCloseTo(26 / 170, 12);
    expect(returnRate!.weekOverWeek.value).toBeCloseTo(1 / 170, 12);
    expect(returnRate!.weekOverWeek.text).toBe("+0.6个百分点");
  });

  it("has no deltas where there is no earlier data", () => {
    const [orders] = rateKpis(RATES, WEEKS[0]!);
    expect(orders!.value).toBe(170);
    expect(orders!.weekOverWeek.text).toBe("—");
    expect(orders!.fourWeeks.text).toBe("—");
  });

  it("an empty selection has zero orders and no rate", () => {
    const [orders, returnRate] = rateKpis([], "2026-11-16");
    expect(orders!.value).toBe(0);
    expect(returnRate!.value).toBeNull();
    expect(returnRate!.text).toBe("—");
  });

  it("costs: refunds, logistics, loss and the share of GMV", () => {
    const cost = (
      week_start: string,
      gmv: number,
      refund: number,
      logistics: number,
      loss: number,
    ): CostWeek => ({
      week_start,
      shop_id: "a",
      category: null,
      channel: null,
      gmv_amount: gmv,
      refund_goods_amount: refund,
      logistics_cost_amount: logistics,
      loss_amount: loss,
      total_cost_amount: logistics + loss,
    });
    const kpis = costKpis(
      [cost("2026-11-16", 10_000, 2_000, 50, 150), cost("2026-11-09", 10_000, 1_000, 40, 60)],
      "2026-11-16",
    );
    expect(kpis.map((k) => [k.key, k.text, k.weekOverWeek.text])).toEqual([
      ["refund_amount", "2,000.00元", "+100.0%"],
      ["logistics_cost", "50.00元", "+25.0%"],
      ["loss", "150.00元", "+150.0%"],
      ["cost_share_of_gmv", "2.00%", "+1.0个百分点"],
    ]);
  });
});

const maturity = (
  week_start: string,
  shop_id: string | null,
  category: string | null,
  is_mature: boolean,
  forecast: number | null,
): MaturityWeek => ({
  week_start,
  week: `W${week_start}`,
  shop_id,
  category,
  all_shops: shop_id === null,
  all_categories: category === "*",
  shipped_units: 100,
  returned_units: 10,
  is_mature,
  completion_share: is_mature ? 1 : 0.5,
  observed_rate: 0.1,
  forecast_rate: forecast,
  forecast_rate_low: forecast === null ? null : forecast - 0.02,
  forecast_rate_high: forecast === null ? null : forecast + 0.02,
});

describe("maturity and the cohort series", () => {
  const MATURITY = [
    maturity("2026-11-09", null, "*", true, 0.1),
    maturity("2026-11-16", null, "*", false, 0.2),
    maturity("2026-11-16", "a", "*", false, 0.25),
    maturity("2026-11-16", "b", null, false, 0.3),
  ].map((row) => ({...row, category: row.category === "*" ? null : row.category}));

  it("picks the rows standing for exactly the chosen shop and category", () => {
    expect(maturityFor(MATURITY, all).map((r) => r.forecast_rate)).toEqual([0.1, 0.2]);
    expect(maturityFor(MATURITY, {shop: "a", category: ALL}).map((r) => r.forecast_rate)).toEqual([0.25]);
    expect(maturityFor(MATURITY, {shop: "b", category: null}).map((r) => r.forecast_rate)).toEqual([0.3]);
    expect(maturityFor(MATURITY, {shop: "b", category: ALL})).toEqual([]);
  });

  it("adds the forecast to the observed rate, except under a channel filter", () => {
    const filters = {...all, from: "2026-11-09", to: "2026-11-16"};
    const points = cohortSeries(RATES, MATURITY, filters);
    expect(points.map((p) => p.week_start)).toEqual(["2026-11-09", "2026-11-16"]);
    expect(points[1]).toMatchObject({
      shipped_units: 170,
      returned_units: 26,
      is_mature: false,
      forecast_rate: 0.2,
    });
    const byChannel = cohortSeries(RATES, MATURITY, {...filters, channel: "精选联盟"});
    expect(byChannel[1]).toMatchObject({
      shipped_units: 100,
      returned_units: 19,
      is_mature: false,
      forecast_rate: null,
    });
  });

  it("notes the forecast on the return-rate card when the anchor week is immature", () => {
    expect(maturityNote(MATURITY, all, "2026-11-16")).toBe("未成熟 · 预测最终 20.0%（18.0%–22.0%）");
    expect(maturityNote(MATURITY, {...all, channel: "x"}, "2026-11-16")).toBe("未成熟：退货仍在发生");
    expect(maturityNote(MATURITY, all, "2026-11-09")).toBeUndefined();
  });
});

describe("problem SKUs", () => {
  const sku = (shop_id: string, sku_code: string, category: string | null, low: number, shrunk: number) =>
    ({shop_id, sku_code, category, interval_low: low, shrunk_rate: shrunk}) as ProblemSku;
  const SKUS = [
    sku("a", "A1", "裙", 0.1, 0.2),
    sku("b", "B1", null, 0.3, 0.4),
    sku("a", "A2", "裙", 0.3, 0.35),
    sku("a", "A3", null, 0.05, 0.1),
  ];

  it("ranks by the interval's lower end, then the shrunk rate, across the chosen shops", () => {
    expect(rankProblemSkus(SKUS, {shop: ALL, category: ALL}).map((s) => s.sku_code)).toEqual([
      "B1",
      "A2",
      "A1",
      "A3",
    ]);
    expect(rankProblemSkus(SKUS, {shop: "a", category: ALL}).map((s) => s.sku_code)).toEqual([
      "A2",
      "A1",
      "A3",
    ]);
    expect(rankProblemSkus(SKUS, {shop: ALL, category: null}).map((s) => s.sku_code)).toEqual(["B1", "A3"]);
  });
});
