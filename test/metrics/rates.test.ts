/**
 * Exact rates on the hand-made fixture (fixture.ts lists every 子订单 and after-sale). Every expected
 * value below was worked out by hand from that table; the arithmetic is in the comments.
 *
 * Returned 子订单 (shipped, with an effective after-sale), by reason of the earliest effective one:
 *   L1 1 unit 尺码 · L2 2 units 质量问题 (A03 11-05 before A02 11-06) · L6 2 units 七天无理由 (status
 *   unknown) · L7 1 unit 质量问题 (A08 beats A09 at the same moment) · L9 1 unit 物流 · L12 1 unit 七天无理由
 *   → 6 子订单, 1+2+2+1+1+1 = 8 units.
 * Shipped: L1 1, L2 2, L3 3, L5 1, L6 2, L7 1, L8 1, L9 1, L10 4, L12 1 → 10 子订单, 17 units
 *   (L4 closed before shipping, L11 待发货).
 * Paid: all 12 子订单 (L9 has no 支付完成时间 but was shipped).
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {queryMetric, type MetricQuery, type MetricRow} from "../../src/pipelines/metrics/query.js";
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

const query = (q: MetricQuery) => queryMetric(warehouse, q);
/** Rows without rate and low_volume, for exact comparison; rates are checked separately. */
const counts = (rows: MetricRow[]) => rows.map(({rate: _rate, low_volume: _low, ...rest}) => rest);
const rates = (rows: MetricRow[], key: (row: MetricRow) => string) =>
  Object.fromEntries(rows.map((row) => [key(row), row.rate]));

describe("default return rates on the fixture", () => {
  it("unit and order return rate over everything", async () => {
    // 8 returned units ÷ 17 shipped units; 6 returned 子订单 ÷ 10 shipped 子订单.
    expect(await query({metric: "unit-return-rate"})).toEqual([
      {returned_units: 8, shipped_units: 17, rate: 8 / 17, low_volume: true},
    ]);
    expect(await query({metric: "order-return-rate"})).toEqual([
      {returned_orders: 6, shipped_orders: 10, rate: 0.6, low_volume: true},
    ]);
  });

  it("counts a 子订单 with two effective after-sales once", async () => {
    // L2 (2 units) has A02 and A03, both effective: shop alpha, cohort 11-02 has L1 1r, L2 2r, L3 3,
    // L4 unshipped → 3 returned units of 6, 2 returned 子订单 of 3.
    const by = {shop: "alpha", from: "2026-11-02", to: "2026-11-02"};
    expect(counts(await query({metric: "unit-return-rate", ...by}))).toEqual([
      {returned_units: 3, shipped_units: 6},
    ]);
    expect(counts(await query({metric: "order-return-rate", ...by}))).toEqual([
      {returned_orders: 2, shipped_orders: 3},
    ]);
  });

  it("by size", async () => {
    // S: L1 1r + L6 2r + L7 1r = 4 of 4 (L11 unshipped) → 1
    // M: L2 2r + L8 1 + L9 1r = 3 of 4 (L4 unshipped) → 0.75
    // L: L3 3 + L5 1 (exchange only) + L10 4 = 0 of 8 → 0
    // XL: L12 1r → 1 of 1
    const rows = await query({metric: "unit-return-rate", by: ["size"]});
    expect(counts(rows)).toEqual([
      {size: "L", returned_units: 0, shipped_units: 8},
      {size: "M", returned_units: 3, shipped_units: 4},
      {size: "S", returned_units: 4, shipped_units: 4},
      {size: "XL", returned_units: 1, shipped_units: 1},
    ]);
    expect(rates(rows, (r) => String(r.size))).toEqual({L: 0, M: 0.75, S: 1, XL: 1});
    // 子订单: S 3 of 3, M 2 of 3, L 0 of 3, XL 1 of 1.
    expect(counts(await query({metric: "order-return-rate", by: ["size"]}))).toEqual([
      {size: "L", returned_orders: 0, shipped_orders: 3},
      {size: "M", returned_orders: 2, shipped_orders: 3},
      {size: "S", returned_orders: 3, shipped_orders: 3},
      {size: "XL", returned_orders: 1, shipped_orders: 1},
    ]);
  });

  it("by reason group: returns with that reason ÷ all shipped units of the group", async () => {
    // 尺码 L1 1; 七天无理由 L6 2 + L12 1 = 3; 物流 L9 1; 质量问题 L2 2 + L7 1 = 3; each ÷ 17.
    const rows = await query({metric: "unit-return-rate", by: ["reason_group"]});
    expect(counts(rows)).toEqual([
      {reason_group: "七天无理由", returned_units: 3, shipped_units: 17},
      {reason_group: "尺码", returned_units: 1, shipped_units: 17},
      {reason_group: "物流", returned_units: 1, shipped_units: 17},
      {reason_group: "质量问题", returned_units: 3, shipped_units: 17},
    ]);
    expect(rates(rows, (r) => String(r.reason_group))).toEqual({
      七天无理由: 3 / 17,
      尺码: 1 / 17,
      物流: 1 / 17,
      质量问题: 3 / 17,
    });
    // The reason slices add up to the group's rate: 8/17.
    expect(rows.reduce((sum, r) => sum + Number(r.rate), 0)).toBeCloseTo(8 / 17, 12);
  });

  it("by size and reason: the denominator is the size's shipped units, not the reason's", async () => {
    // S (4 shipped units): 七天无理由 L6 2, 尺码 L1 1, 质量问题 L7 1.
    // M (4): 物流 L9 1, 质量问题 L2 2. XL (1): 七天无理由 L12 1. L has no returns, so no reason rows.
    const rows = await query({metric: "unit-return-rate", by: ["size", "reason_group"]});
    expect(counts(rows)).toEqual([
      {size: "M", reason_group: "物流", returned_units: 1, shipped_units: 4},
      {size: "M", reason_group: "质量问题", returned_units: 2, shipped_units: 4},
      {size: "S", reason_group: "七天无理由", returned_units: 2, shipped_units: 4},
      {size: "S", reason_group: "尺码", returned_units: 1, shipped_units: 4},
      {size: "S", reason_group: "质量问题", returned_units: 1, shipped_units: 4},
      {size: "XL", reason_group: "七天无理由", returned_units: 1, shipped_units: 1},
    ]);
    expect(rows.map((r) => r.rate)).toEqual([0.25, 0.5, 0.5, 0.25, 0.25, 1]);
  });

  it("by shop and reason, and by raw reason text, with filters applied to both sides", async () => {
    // alpha ships 16 units: 七天无理由 L6 2, 尺码 L1 1, 物流 L9 1, 质量问题 L2 2 + L7 1; beta 1 of 1.
    expect(counts(await query({metric: "unit-return-rate", by: ["shop", "reason_group"]}))).toEqual([
      {shop: "alpha", reason_group: "七天无理由", returned_units: 2, shipped_units: 16},
      {shop: "alpha", reason_group: "尺码", returned_units: 1, shipped_units: 16},
      {shop: "alpha", reason_group: "物流", returned_units: 1, shipped_units: 16},
      {shop: "alpha", reason_group: "质量问题", returned_units: 3, shipped_units: 16},
      {shop: "beta", reason_group: "七天无理由", returned_units: 1, shipped_units: 1},
    ]);
    // Orders, week 2026-W46 of alpha (11-09…11-15): shipped L5, L6, L7, L9, L10 = 5 子订单;
    // returned L6 七天无理由退货, L7 做工粗糙…, L9 快递一直未送达.
    expect(
      counts(
        await query({
          metric: "order-return-rate",
          by: ["reason"],
          shop: "alpha",
          from: "2026-11-09",
          to: "2026-11-15",
        }),
      ),
    ).toEqual([
      {reason: "七天无理由退货", returned_orders: 1, shipped_orders: 5},
      {reason: "做工粗糙/有瑕疵/破损或污渍", returned_orders: 1, shipped_orders: 5},
      {reason: "快递一直未送达", returned_orders: 1, shipped_orders: 5},
    ]);
  });

  it("by province, with a province whose every 子订单 is unshipped (rate null, still listed)", async () => {
    // 广东省 L1 1r, L2 2r, L6 2r, L8 1 → 5/6; 浙江省 L3 3, L9 1r → 1/4; 江苏省 L4, L11 unshipped → 0/0;
    // 内蒙古自治区 L10 0/4; 新疆 L5 0/1; 北京市 L7 1/1; 上海市 L12 1/1.
    const rows = await query({metric: "unit-return-rate", by: ["province"]});
    expect(rows.map((r) => [r.province, r.province_code, r.returned_units, r.shipped_units, r.rate])).toEqual(
      [
        ["上海市", "310000", 1, 1, 1],
        ["内蒙古自治区", "150000", 0, 4, 0],
        ["北京市", "110000", 1, 1, 1],
        ["广东省", "440000", 5, 6, 5 / 6],
        ["新疆维吾尔自治区", "650000", 0, 1, 0],
        ["江苏省", "320000", 0, 0, null],
        ["浙江省", "330000", 1, 4, 0.25],
      ],
    );
  });

  it("by week and month of the payment date (Beijing), falling back to 订单提交时间", async () => {
    // alpha: W44 = L8 (10-31) 0/1; W45 = L1, L2, L3, L4 → 3/6; W46 = L5, L6, L7 (paid 11-09 23:59:59),
    // L9 (no payment time, submitted 11-10), L10 (paid 11-10 00:00:00), L11 → 4/9.
    expect(counts(await query({metric: "unit-return-rate", by: ["week"], shop: "alpha"}))).toEqual([
      {week: "2026-W44", returned_units: 0, shipped_units: 1},
      {week: "2026-W45", returned_units: 3, shipped_units: 6},
      {week: "2026-W46", returned_units: 4, shipped_units: 9},
    ]);
    expect(counts(await query({metric: "unit-return-rate", by: ["month"]}))).toEqual([
      {month: "2026-10", returned_units: 0, shipped_units: 1},
      {month: "2026-11", returned_units: 8, shipped_units: 16},
    ]);
    // --from/--to are inclusive: 11-02…11-09 of alpha is L1, L2, L3, L5, L6, L7 → 6/10.
    expect(
      counts(await query({metric: "unit-return-rate", shop: "alpha", from: "2026-11-02", to: "2026-11-09"})),
    ).toEqual([{returned_units: 6, shipped_units: 10}]);
  });

  it("by channel (流量来源), format (流量体裁), influencer and category", async () => {
    // 精选联盟: L1 1r, L2 2r, L6 2r, L10 4 → 5/9; 小店自卖: L3 3, L5 1, L7 1r, L8 1, L9 1r, L12 1r → 3/8.
    expect(counts(await query({metric: "unit-return-rate", by: ["channel"]}))).toEqual([
      {channel: "小店自卖", returned_units: 3, shipped_units: 8},
      {channel: "精选联盟", returned_units: 5, shipped_units: 9},
    ]);
    // 商品卡 L3 3, L7 1r, L8 1 → 1/5; 直播 L1, L2, L5, L6 → 5/6; 短视频 L9 1r, L10 4 → 1/5; none L12 1/1.
    expect(counts(await query({metric: "unit-return-rate", by: ["format"]}))).toEqual([
      {format: "商品卡", returned_units: 1, shipped_units: 5},
      {format: "直播", returned_units: 5, shipped_units: 6},
      {format: "短视频", returned_units: 1, shipped_units: 5},
      {format: null, returned_units: 1, shipped_units: 1},
    ]);
    // 一起穿搭的小鹿 L10 0/4; 甜甜的穿搭号 L1, L2, L6 → 5/5; none 3/8.
    expect(counts(await query({metric: "unit-return-rate", by: ["influencer"]}))).toEqual([
      {influencer: "一起穿搭的小鹿", returned_units: 0, shipped_units: 4},
      {influencer: "甜甜的穿搭号", returned_units: 5, shipped_units: 5},
      {influencer: null, returned_units: 3, shipped_units: 8},
    ]);
    // From the SKU master: T恤 L9 1r, L10 4 → 1/5; 连衣裙 L1, L2, L3, L5, L6, L7, L8 → 6/11; beta has none.
    expect(counts(await query({metric: "unit-return-rate", by: ["category"]}))).toEqual([
      {category: "T恤", returned_units: 1, shipped_units: 5},
      {category: "连衣裙", returned_units: 6, shipped_units: 11},
      {category: null, returned_units: 1, shipped_units: 1},
    ]);
  });

  it("flags rows below the minimum volume without hiding them", async () => {
    const rows = await query({metric: "unit-return-rate", by: ["size"], minVolume: 4});
    expect(rows.map((r) => [r.size, r.low_volume])).toEqual([
      ["L", false],
      ["M", false],
      ["S", false],
      ["XL", true],
    ]);
    expect((await query({metric: "unit-return-rate", by: ["size"]})).every((r) => r.low_volume)).toBe(true);
  });

  it("sorts by value on request", async () => {
    const rows = await query({metric: "unit-return-rate", by: ["size"], sort: "value"});
    // Ties on the rate (S, XL at 1) go to the larger denominator first.
    expect(rows.map((r) => r.size)).toEqual(["S", "XL", "M", "L"]);
  });
});

describe("side rates on the fixture", () => {
  it("退货退款率, 已发货仅退款率, 换货率 over shipped 子订单; 发货前退款率 over paid 子订单", async () => {
    // 退货退款 not closed on a shipped line: L1 A01, L2 A02, L6 A07, L7 A08, L12 A21 → 5/10
    // (A04 closed, A11 rejected, A16 is on unshipped L11).
    expect(counts(await query({metric: "return-refund-rate"}))).toEqual([
      {return_refund_orders: 5, shipped_orders: 10},
    ]);
    // 已发货仅退款: L2 A03, L7 A09, L9 A12 → 3/10 (A10 failed).
    expect(counts(await query({metric: "shipped-refund-only-rate"}))).toEqual([
      {shipped_refund_only_orders: 3, shipped_orders: 10},
    ]);
    // 换货: L5 A06 → 1/10.
    expect(counts(await query({metric: "exchange-rate"}))).toEqual([
      {exchange_orders: 1, shipped_orders: 10},
    ]);
    // 未发货仅退款 not closed: L4 A05 → 1 of 12 paid (A14 closed).
    const pre = await query({metric: "pre-shipment-refund-rate", by: ["shop"]});
    expect(pre).toEqual([
      {shop: "alpha", unshipped_refund_only_orders: 1, paid_orders: 11, rate: 1 / 11, low_volume: true},
      {shop: "beta", unshipped_refund_only_orders: 0, paid_orders: 1, rate: 0, low_volume: true},
    ]);
  });

  it("after-sales applied, by the day of application", async () => {
    // All 17 after-sales: 退货退款 A01 A02 A04 A07 A08 A11 A15 A16 A21 = 9; 已发货仅退款 A03 A09 A10 A12 = 4;
    // 未发货仅退款 A05 A14 = 2; 换货 A06 = 1; A13 (仅退款, shipping status unknown) = 未知.
    expect(counts(await query({metric: "after-sales-applied", by: ["type"]}))).toEqual([
      {type: "已发货仅退款", after_sale_count: 4},
      {type: "换货", after_sale_count: 1},
      {type: "未发货仅退款", after_sale_count: 2},
      {type: "未知", after_sale_count: 1},
      {type: "退货退款", after_sale_count: 9},
    ]);
    // W45 (11-02…11-08): A05 A10 A01 A03 A11 A02 A04 A21 A15 = 9; W46: A14 A16 A06 A07 A08 A09 A12 A13 = 8.
    expect(counts(await query({metric: "after-sales-applied", by: ["week"]}))).toEqual([
      {week: "2026-W45", after_sale_count: 9},
      {week: "2026-W46", after_sale_count: 8},
    ]);
    // Every after-sale under its own reason: 七天无理由 A02 A04 A05 A07 A11 A14 A16 A21 = 8, 尺码 A01 A06,
    // 质量问题 A03 A08, 物流 A10 A12, 错发漏发 A09, 协商其他 A13, 未知 A15 (no reason given).
    expect(
      counts(await query({metric: "after-sales-applied", by: ["reason_group"], from: "2026-11-01"})),
    ).toEqual([
      {reason_group: "七天无理由", after_sale_count: 8},
      {reason_group: "协商其他", after_sale_count: 1},
      {reason_group: "尺码", after_sale_count: 2},
      {reason_group: "未知", after_sale_count: 1},
      {reason_group: "物流", after_sale_count: 2},
      {reason_group: "质量问题", after_sale_count: 2},
      {reason_group: "错发漏发", after_sale_count: 1},
    ]);
  });
});

describe("the 子订单 facts behind the rates", () => {
  it("attribute each returned 子订单 to its earliest effective after-sale", async () => {
    const rows = await warehouse.all(
      `select order_item_id, is_returned, first_return_after_sale_id, first_return_reason_group
       from intermediate.int_order_line_returns
       where has_effective_after_sale order by order_item_id`,
    );
    expect(rows.map((r) => Object.values(r))).toEqual([
      ["6910000000000000011", true, "7000000000000000001", "尺码"],
      ["6910000000000000012", true, "7000000000000000003", "质量问题"], // earlier of two
      ["6910000000000000051", true, "7000000000000000007", "七天无理由"], // unknown status counts
      ["6910000000000000061", true, "7000000000000000008", "质量问题"], // tie → smaller 售后单号
      ["6910000000000000081", true, "7000000000000000012", "物流"], // cohort from 订单提交时间
      ["6910000000000000101", false, "7000000000000000016", "七天无理由"], // effective, but unshipped
      ["6910000000000000111", true, "7000000000000000021", "七天无理由"],
    ]);
  });

  it("keeps effective returns on unshipped 子订单 visible in the mart, outside every rate", async () => {
    const row = await warehouse.one(
      "select sum(unshipped_returned_orders)::integer as n from marts.return_rates_daily",
    );
    expect(row).toEqual({n: 1}); // L11 with A16
  });
});

describe("query errors", () => {
  const error = (q: MetricQuery) =>
    query(q).then(
      () => "no error",
      (e: Error) => `${e.name}: ${e.message}`,
    );

  it("name what was wrong and list the valid values", async () => {
    expect(await error({metric: "unit-return"})).toBe(
      'PipelineError: unknown metric "unit-return"; valid: unit-return-rate, order-return-rate, return-refund-rate, shipped-refund-only-rate, exchange-rate, pre-shipment-refund-rate, after-sales-applied, forecast-return-rate',
    );
    expect(await error({metric: "unit-return-rate", by: ["colour"]})).toBe(
      'PipelineError: unknown dimension "colour"; valid: week, month, shop, reason_group, reason, product, sku, size, color, category, province, city, channel, influencer, format, app, traffic_type',
    );
    expect(await error({metric: "exchange-rate", by: ["reason_group"]})).toBe(
      'PipelineError: dimension "reason_group" is not available for exchange-rate; valid: week, month, shop, product, sku, size, color, category, province, city, channel, influencer, format, app, traffic_type',
    );
    expect(await error({metric: "unit-return-rate", from: "2026-02-30"})).toBe(
      'PipelineError: --from must be a date YYYY-MM-DD: "2026-02-30"',
    );
    expect(await error({metric: "unit-return-rate", to: "2026/11/01"})).toBe(
      'PipelineError: --to must be a date YYYY-MM-DD: "2026/11/01"',
    );
    expect(await error({metric: "unit-return-rate", from: "2026-11-10", to: "2026-11-01"})).toBe(
      "PipelineError: --from 2026-11-10 is after --to 2026-11-01",
    );
  });

  it("take values as parameters, never as SQL", async () => {
    expect(await query({metric: "unit-return-rate", shop: "alpha' or '1'='1"})).toEqual([
      {returned_units: 0, shipped_units: 0, rate: null, low_volume: true},
    ]);
  });
});
