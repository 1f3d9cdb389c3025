/**
 * marts.return_costs and its assumptions on the fixture of costsOpsFixture.ts. Every expected amount
 * is worked out by hand below from the fixture's table.
 *
 * Default assumptions: outbound 3.50 元 per 主订单, return parcel 10 元, the merchant pays the return
 * parcel of 质量问题 / 描述不符 / 错发漏发 and of any （…品质原因） reason, the buyer the rest; unit
 * cost from the SKU master (CT-*: 80.00), else 40% of price (SK-RD-S: 99 × 0.4 = 39.60); 30% of
 * returned goods unsellable, all of refund-only goods lost; handling 5 元 per 退货退款.
 *
 * Returned 子订单 (shipped, effective after-sale; costed from the attributed one):
 *   L11 S1 退货退款 七天无理由 (buyer pays): outbound 3.50 / 2 lines of O1 = 1.75; loss 80 × 1 × 0.3 = 24.00;
 *       handling 5 → 30.75; refund 299.00
 *   L12 S2 退货退款 质量问题: outbound 1.75; return parcel YT0001 shared with L11 → 10 / 2 = 5.00 (merchant);
 *       loss 39.60 × 2 × 0.3 = 23.76; handling 5 → 35.51; refund 198.00
 *   L21 S3 已发货仅退款 物流 (新疆): outbound 3.50; refunded freight 8.00; loss 80 × 1 = 80.00 → 91.50; refund 299.00
 *   L31 S5 已发货仅退款, 商品数量 1 of 3: outbound 350 fen / 3 = 116 r 2 → L31 1.17 (L32 1.17, L33 1.16);
 *       loss 80 × 1 = 80.00 → 81.17; refund 299.00
 *   L33 S7 已发货仅退款 (in progress): outbound 1.16; loss 80.00 → 81.16; refund 299.00
 *   L51 S8, L61 S9 (unknown status): 3.50 + 80.00 = 83.50 each; refund 299.00 each
 *   L71 S10 退货退款 尺码（商品品质原因）: merchant pays (tag): outbound 3.50, return JT7777 10.00 (S13 on the
 *       same parcel is closed: not costed), loss 39.60 × 0.3 = 11.88, handling 5 → 30.38; refund missing → 0
 *   L81 S11 退货退款 描述不符: outbound 3.50, return ZT9999 10.00 (S12 closed), loss 24.00, handling 5 → 42.50
 * Not returned: L0, L32 (S6 rejected), L41 (unshipped), L91 (S12 closed), delta's L101.
 * gamma totals: outbound 23.33, return 25.00, refunded 8.00, goods 483.64, handling 20.00 → 559.97;
 * refund 2291.00 (8 × 299 − 299 + 198 … = 299 × 7 + 198); GMV 3584.00.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  assumptionRows,
  assumptionsFingerprint,
  DEFAULT_ASSUMPTIONS,
  formatAssumptions,
} from "../../src/pipelines/metrics/assumptions.js";
import {DEFAULT_COST_CONFIG, normalizeCostConfig} from "../../src/pipelines/metrics/costConfig.js";
import type {Row, Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {buildCostOpsRiskMarts, costsOpsWarehouse, failingChecks, item} from "./costsOpsFixture.js";

let warehouse: Warehouse;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({warehouse, cleanup} = await costsOpsWarehouse());
});
afterAll(async () => {
  warehouse?.close();
  await cleanup();
});

const COMPONENTS = `order_item_id, outbound_freight_amount as outbound, return_freight_amount as return_freight,
  refunded_freight_amount as refunded, freight_insurance_amount as insurance, goods_loss_amount as goods,
  handling_amount as handling, total_cost_amount as total, refund_goods_amount as refund`;

const byLine = (rows: Row[]) =>
  Object.fromEntries(
    rows.map(({order_item_id, ...rest}) => [`L${Number(String(order_item_id).slice(-3))}`, rest]),
  );

const money = (
  outbound: string,
  return_freight: string,
  refunded: string,
  insurance: string,
  goods: string,
  handling: string,
  total: string,
  refund: string,
) => ({
  outbound,
  return_freight,
  refunded,
  insurance,
  goods,
  handling,
  total,
  refund,
});

describe("return costs, default assumptions", () => {
  it("every component of every 子订单, by hand", async () => {
    const rows = await warehouse.all(`select ${COMPONENTS} from marts.return_costs order by order_item_id`);
    const zero = money("0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00", "0.00");
    expect(byLine(rows)).toEqual({
      L0: zero,
      L11: money("1.75", "0.00", "0.00", "0.00", "24.00", "5.00", "30.75", "299.00"),
      L12: money("1.75", "5.00", "0.00", "0.00", "23.76", "5.00", "35.51", "198.00"),
      L21: money("3.50", "0.00", "8.00", "0.00", "80.00", "0.00", "91.50", "299.00"),
      L31: money("1.17", "0.00", "0.00", "0.00", "80.00", "0.00", "81.17", "299.00"),
      L32: zero,
      L33: money("1.16", "0.00", "0.00", "0.00", "80.00", "0.00", "81.16", "299.00"),
      L41: zero,
      L51: money("3.50", "0.00", "0.00", "0.00", "80.00", "0.00", "83.50", "299.00"),
      L61: money("3.50", "0.00", "0.00", "0.00", "80.00", "0.00", "83.50", "299.00"),
      L71: money("3.50", "10.00", "0.00", "0.00", "11.88", "5.00", "30.38", "0.00"),
      L81: money("3.50", "10.00", "0.00", "0.00", "24.00", "5.00", "42.50", "299.00"),
      L91: zero,
      L101: zero,
    });
  });

  it("says which assumption it applied on each returned 子订单", async () => {
    const rows = await warehouse.all(
      `select order_item_id, return_freight_payer, unit_cost_amount, unit_cost_source, unsellable_rate,
          after_sale_units, expected_lost_units, is_refund_amount_missing
       from marts.return_costs where is_returned order by order_item_id`,
    );
    const applied = (
      payer: string | null,
      cost: string,
      source: string,
      rate: number,
      units: number,
      lost: number,
    ) => ({
      return_freight_payer: payer,
      unit_cost_amount: cost,
      unit_cost_source: source,
      unsellable_rate: rate,
      after_sale_units: units,
      expected_lost_units: lost,
    });
    const {L71, ...others} = byLine(rows);
    expect(others).toEqual({
      L11: {...applied("buyer", "80.00", "商品档案", 0.3, 1, 0.3), is_refund_amount_missing: false},
      L12: {...applied("merchant", "39.60", "售价比例", 0.3, 2, 0.6), is_refund_amount_missing: false},
      L21: {...applied(null, "80.00", "商品档案", 1, 1, 1), is_refund_amount_missing: false},
      // S5 covers 1 of the 3 units (its 商品数量).
      L31: {...applied(null, "80.00", "商品档案", 1, 1, 1), is_refund_amount_missing: false},
      L33: {...applied(null, "80.00", "商品档案", 1, 1, 1), is_refund_amount_missing: false},
      L51: {...applied(null, "80.00", "商品档案", 1, 1, 1), is_refund_amount_missing: false},
      L61: {...applied(null, "80.00", "商品档案", 1, 1, 1), is_refund_amount_missing: false},
      L81: {...applied("merchant", "80.00", "商品档案", 0.3, 1, 0.3), is_refund_amount_missing: false},
    });
    expect(L71).toEqual({
      ...applied("merchant", "39.60", "售价比例", 0.3, 1, 0.3),
      is_refund_amount_missing: true,
    });
  });

  it("totals, per returned 子订单 and as a share of GMV", async () => {
    const total = await warehouse.one(
      `select sum(returned_orders) as returned, sum(paid_orders) as paid, sum(gmv_amount) as gmv,
          sum(refund_goods_amount) as refund, sum(outbound_freight_amount) as outbound,
          sum(return_freight_amount) as return_freight, sum(refunded_freight_amount) as refunded,
          sum(goods_loss_amount) as goods, sum(handling_amount) as handling,
          sum(logistics_cost_amount) as logistics, sum(loss_amount) as loss, sum(total_cost_amount) as total
       from marts.return_costs where shop_id = 'gamma'`,
    );
    expect(total).toEqual({
      returned: "9",
      paid: "13",
      // 299 + 299 + 198 + 299 + 897 + 99 + 299 + 99 + 299 + 299 + 99 + 299 + 99
      gmv: "3584.00",
      refund: "2291.00",
      outbound: "23.33",
      return_freight: "25.00",
      refunded: "8.00",
      goods: "483.64",
      handling: "20.00",
      logistics: "56.33",
      loss: "503.64",
      total: "559.97",
    });
    // Per returned 子订单 559.97 / 9 ≈ 62.22 元; share of GMV 559.97 / 3584 ≈ 15.6%.
    const ratios = await warehouse.one(
      `select round(sum(total_cost_amount) / sum(returned_orders), 2) as per_return,
          sum(total_cost_amount) / sum(gmv_amount) as share_of_gmv
       from marts.return_costs where shop_id = 'gamma'`,
    );
    expect(ratios?.per_return).toBe(62.22);
    expect(ratios?.share_of_gmv).toBeCloseTo(559.97 / 3584, 12);
  });

  it("by reason, the costs add up to the total (a reason slices the returns only)", async () => {
    const rows = await warehouse.all(
      `select reason_group, sum(total_cost_amount) as total from marts.return_costs
       where reason_group is not null group by all order by reason_group`,
    );
    // 物流: 91.50 + 81.17 + 81.16 + 83.50 + 83.50 = 420.83
    expect(rows).toEqual([
      {reason_group: "七天无理由", total: "30.75"},
      {reason_group: "尺码", total: "30.38"},
      {reason_group: "描述不符", total: "42.50"},
      {reason_group: "物流", total: "420.83"},
      {reason_group: "质量问题", total: "35.51"},
    ]);
  });

  it("carries the dimensions: by channel, province and size", async () => {
    const rows = await warehouse.all(
      `select traffic_source, sum(total_cost_amount) as total, sum(gmv_amount) as gmv
       from marts.return_costs where shop_id = 'gamma' group by all order by all`,
    );
    // 精选联盟: L11 30.75 + L12 35.51 + L31 81.17 + L33 81.16 + L71 30.38 = 258.97;
    //   GMV 299 + 198 + 897 + 99 + 299 + 99 = 1891
    // 小店自卖: L21 91.50 + L51 83.50 + L61 83.50 + L81 42.50 = 301.00; GMV 3584 − 1891 = 1693
    expect(rows).toEqual([
      {traffic_source: "小店自卖", total: "301.00", gmv: "1693.00"},
      {traffic_source: "精选联盟", total: "258.97", gmv: "1891.00"},
    ]);
    const xinjiang = await warehouse.one(
      "select province_code, province_name, sum(total_cost_amount) as total from marts.return_costs where province_code = '650000' group by all",
    );
    expect(xinjiang).toEqual({province_code: "650000", province_name: "新疆维吾尔自治区", total: "91.50"});
  });

  it("passes the data checks", async () => {
    expect(await failingChecks(warehouse, "return_costs")).toEqual([]);
    expect(await failingChecks(warehouse, "cost_assumptions")).toEqual([]);
  });

  it("golden snapshot", async () => {
    await expectGolden(
      "metrics_marts_return_costs.json",
      // return_parcel_hash is bookkeeping for the incremental refresh (a DuckDB hash, not a figure).
      jsonLines(
        await warehouse.all("select * exclude (return_parcel_hash) from marts.return_costs order by all"),
      ),
    );
    await expectGolden(
      "metrics_marts_cost_assumptions.json",
      jsonLines(await warehouse.all("select * from marts.cost_assumptions order by all")),
    );
  });
});

describe("return costs, configured assumptions", () => {
  // outbound 4.00 (新疆 by code 12.00), return 10.00 (广东 by name 12.00); other reasons' return
  // parcels insured, premium 1.00 per shipped 主订单; 质量问题 80% unsellable; cost 50% of price;
  // handling 6.00.
  const config = normalizeCostConfig(
    {
      outboundFreight: {perParcel: 4, byProvince: {"650000": 12}},
      returnFreight: {perParcel: 10, byProvince: {广东: 12}},
      otherReturnFreightPaidBy: "insurance",
      freightInsurancePremiumPerOrder: 1,
      unsellableRate: {default: 0.3, byReasonGroup: {质量问题: 0.8}},
      unitCostShareOfPrice: 0.5,
      handlingCostPerReturn: 6,
    },
    "returnscope.config.json",
  );

  beforeAll(async () => {
    await buildCostOpsRiskMarts(warehouse, {...DEFAULT_ASSUMPTIONS, costs: config});
  });
  afterAll(async () => {
    await buildCostOpsRiskMarts(warehouse);
  });

  it("applies them, by hand", async () => {
    const rows = await warehouse.all(`select ${COMPONENTS} from marts.return_costs order by order_item_id`);
    const premiumOnly = (p: string) => money("0.00", "0.00", "0.00", p, "0.00", "0.00", p, "0.00");
    expect(byLine(rows)).toEqual({
      // Every shipped 主订单 pays the premium, returned or not; O3's 1.00 splits 0.34 / 0.33 / 0.33.
      L0: premiumOnly("1.00"),
      // 七天无理由: insured, the merchant pays no return parcel. 4.00 / 2; 24.00 + 6.
      L11: money("2.00", "0.00", "0.00", "0.50", "24.00", "6.00", "32.50", "299.00"),
      // YT0001 from 广东: 12.00 / 2 = 6.00; cost 49.50 × 2 × 0.8 = 79.20.
      L12: money("2.00", "6.00", "0.00", "0.50", "79.20", "6.00", "93.70", "198.00"),
      L21: money("12.00", "0.00", "8.00", "1.00", "80.00", "0.00", "101.00", "299.00"),
      // 400 fen / 3 = 133 r 1 → 1.34, 1.33, 1.33.
      L31: money("1.34", "0.00", "0.00", "0.34", "80.00", "0.00", "81.68", "299.00"),
      L32: premiumOnly("0.33"),
      L33: money("1.33", "0.00", "0.00", "0.33", "80.00", "0.00", "81.66", "299.00"),
      // Not shipped: no parcel, no premium.
      L41: premiumOnly("0.00"),
      L51: money("4.00", "0.00", "0.00", "1.00", "80.00", "0.00", "85.00", "299.00"),
      L61: money("4.00", "0.00", "0.00", "1.00", "80.00", "0.00", "85.00", "299.00"),
      // 尺码 tagged 商品品质: the merchant pays; 49.50 × 0.3 = 14.85.
      L71: money("4.00", "10.00", "0.00", "1.00", "14.85", "6.00", "35.85", "0.00"),
      L81: money("4.00", "10.00", "0.00", "1.00", "24.00", "6.00", "45.00", "299.00"),
      L91: premiumOnly("1.00"),
      L101: premiumOnly("1.00"),
    });
    const payer = await warehouse.one(
      `select return_freight_payer from marts.return_costs where order_item_id = '${item(11)}'`,
    );
    expect(payer?.return_freight_payer).toBe("insurance");
  });

  it("records them as config in marts.cost_assumptions", async () => {
    const rows = await warehouse.all(
      `select parameter, key, value, text_value, source from marts.cost_assumptions
       where area = 'costs' and parameter in ('outbound_freight_per_parcel', 'return_freight_per_parcel',
           'other_return_freight_paid_by', 'handling_cost_per_return', 'unit_cost_share_of_price')
       order by parameter, key`,
    );
    expect(rows).toEqual([
      {parameter: "handling_cost_per_return", key: "*", value: 6, text_value: null, source: "config"},
      {
        parameter: "other_return_freight_paid_by",
        key: "*",
        value: null,
        text_value: "insurance",
        source: "config",
      },
      {parameter: "outbound_freight_per_parcel", key: "*", value: 4, text_value: null, source: "config"},
      {
        parameter: "outbound_freight_per_parcel",
        key: "650000",
        value: 12,
        text_value: null,
        source: "config",
      },
      {parameter: "return_freight_per_parcel", key: "*", value: 10, text_value: null, source: "config"},
      {parameter: "return_freight_per_parcel", key: "440000", value: 12, text_value: null, source: "config"},
      {parameter: "unit_cost_share_of_price", key: "*", value: 0.5, text_value: null, source: "config"},
    ]);
    expect(await failingChecks(warehouse, "return_costs")).toEqual([]);
  });
});

describe("cost assumptions", () => {
  it("defaults: every parameter is a documented default", () => {
    const rows = assumptionRows(DEFAULT_ASSUMPTIONS).filter((r) => r.area === "costs");
    expect(rows.every((r) => r.source === "default" && /^\[[ABCU]\]$/.test(r.tag) && r.note !== "")).toBe(
      true,
    );
    expect(formatAssumptions(rows)).toEqual([
      "costs.outbound_freight_per_parcel (default, [U], 元/包裹): 3.5",
      "costs.return_freight_per_parcel (default, [U], 元/包裹): 10",
      "costs.merchant_pays_return_freight (default, [U], 原因分组): 质量问题, 描述不符, 错发漏发",
      "costs.merchant_pays_quality_flagged (default, [U], 是/否): 1",
      "costs.other_return_freight_paid_by (default, [A], buyer|merchant|insurance): buyer",
      "costs.freight_insurance_premium_per_order (default, [C], 元/主订单): 0",
      "costs.unit_cost_share_of_price (default, [U], 占单价比例): 0.4",
      "costs.unsellable_rate (default, [C], 比例): 0.3",
      "costs.handling_cost_per_return (default, [C], 元/退货): 5",
    ]);
  });

  it("shows an emptied list, and fingerprints what is in force", () => {
    const costs = normalizeCostConfig({merchantPaysReturnFreightFor: []}, "x.json");
    const rows = assumptionRows({...DEFAULT_ASSUMPTIONS, costs});
    expect(rows.filter((r) => r.parameter === "merchant_pays_return_freight")).toMatchObject([
      {key: "-", value: null, text_value: "无 none", source: "config"},
    ]);
    expect(assumptionsFingerprint({...DEFAULT_ASSUMPTIONS, costs})).not.toBe(
      assumptionsFingerprint(DEFAULT_ASSUMPTIONS),
    );
    expect(assumptionsFingerprint(DEFAULT_ASSUMPTIONS)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("normalizes a spec: flat rates, names to codes, configured keys", () => {
    const config = normalizeCostConfig(
      {returnFreight: 12, outboundFreight: {byProvince: {西藏: 15}}, unsellableRate: 0.5},
      "x.json",
    );
    expect(config.returnFreight).toEqual({perParcel: 12, byProvince: {}});
    expect(config.outboundFreight).toEqual({perParcel: 3.5, byProvince: {"540000": 15}});
    expect(config.unsellableRate).toEqual({default: 0.5, byReasonGroup: {}});
    expect(config.configured).toEqual(["outboundFreight", "returnFreight", "unsellableRate"]);
    expect(config.handlingCostPerReturn).toBe(DEFAULT_COST_CONFIG.handlingCostPerReturn);
    expect(normalizeCostConfig({}, "x.json")).toEqual(DEFAULT_COST_CONFIG);
  });

  it.each([
    [[], "x.json: costs must be an object: []"],
    [
      {shipping: 1},
      "x.json: unknown setting costs.shipping (known: outboundFreight, returnFreight, merchantPaysReturnFreightFor, merchantPaysQualityFlagged, otherReturnFreightPaidBy, freightInsurancePremiumPerOrder, unitCostShareOfPrice, unsellableRate, handlingCostPerReturn)",
    ],
    [{returnFreight: -1}, "x.json: costs.returnFreight must be a number >= 0: -1"],
    [{returnFreight: {perParcel: "10"}}, 'x.json: costs.returnFreight.perParcel must be a number >= 0: "10"'],
    [
      {returnFreight: {byProvince: {火星: 3}}},
      "x.json: costs.returnFreight.byProvince has an unknown province (a name or GB/T 2260 code): 火星",
    ],
    [{unitCostShareOfPrice: 1.5}, "x.json: costs.unitCostShareOfPrice must be a number between 0 and 1: 1.5"],
    [
      {merchantPaysReturnFreightFor: ["质量"]},
      'x.json: costs.merchantPaysReturnFreightFor[0] must be one of 七天无理由, 质量问题, 错发漏发, 尺码, 描述不符, 物流, 协商其他, 未知: "质量"',
    ],
    [
      {otherReturnFreightPaidBy: "seller"},
      'x.json: costs.otherReturnFreightPaidBy must be one of buyer, merchant, insurance: "seller"',
    ],
    [
      {merchantPaysQualityFlagged: "yes"},
      'x.json: costs.merchantPaysQualityFlagged must be true or false: "yes"',
    ],
    [
      {unsellableRate: {byReasonGroup: {尺码: 2}}},
      "x.json: costs.unsellableRate.byReasonGroup.尺码 must be a number between 0 and 1: 2",
    ],
  ])("rejects %j", (spec, message) => {
    expect(() => normalizeCostConfig(spec, "x.json")).toThrow(message);
  });
});
