import {describe, expect, it} from "vitest";
import {
  NOT_RETURNED,
  assumptionLines,
  componentLines,
  componentMethods,
  componentStack,
  costReasonRows,
  costSettings,
  costSkuData,
  costTotals,
  costsByProvince,
  costsByReason,
  costsBySku,
  costsByWeek,
  fromColumns,
  returnFreightPayer,
  unsellableRateFor,
  type CostAssumption,
  type CostProvinceRow,
  type CostReasonRow,
  type CostSkuRow,
  type ListedSku,
} from "../../src/components/costs.js";

const ZERO = {
  paid_orders: 0,
  returned_orders: 0,
  return_refund_orders: 0,
  merchant_freight_orders: 0,
  gmv_amount: 0,
  refund_goods_amount: 0,
  outbound_freight_amount: 0,
  return_freight_amount: 0,
  refunded_freight_amount: 0,
  freight_insurance_amount: 0,
  goods_loss_amount: 0,
  handling_amount: 0,
};

const row = (
  week_start: string,
  shop_id: string,
  reason_group: string | null,
  measures: Partial<typeof ZERO>,
): CostReasonRow => ({
  week_start,
  week: week_start === "2026-11-02" ? "2026-W45" : "2026-W46",
  week_days: 7,
  shop_id,
  category: "裙",
  channel: "精选联盟",
  reason_group,
  ...ZERO,
  ...measures,
});

// A: not returned (GMV only). B: two 尺码 returns (退货退款, buyer pays the parcel). C: one 质量问题
// return whose parcel the merchant pays. D: a 已发货仅退款 for 物流 in shop b (goods lost, freight refunded).
const A = row("2026-11-02", "a", null, {paid_orders: 10, gmv_amount: 1000});
const B = row("2026-11-02", "a", "尺码", {
  paid_orders: 2,
  returned_orders: 2,
  return_refund_orders: 2,
  gmv_amount: 200,
  refund_goods_amount: 150,
  outbound_freight_amount: 3.5,
  goods_loss_amount: 24,
  handling_amount: 10,
});
const C = row("2026-11-09", "a", "质量问题", {
  paid_orders: 1,
  returned_orders: 1,
  return_refund_orders: 1,
  merchant_freight_orders: 1,
  gmv_amount: 100,
  refund_goods_amount: 100,
  outbound_freight_amount: 1.75,
  return_freight_amount: 10,
  goods_loss_amount: 12,
  handling_amount: 5,
});
const D = row("2026-11-09", "b", "物流", {
  paid_orders: 1,
  returned_orders: 1,
  gmv_amount: 50,
  refund_goods_amount: 50,
  outbound_freight_amount: 3.5,
  refunded_freight_amount: 6,
  goods_loss_amount: 20,
});
const ROWS = [A, B, C, D];

describe("fromColumns", () => {
  it("turns one list per column back into rows, reading only the named columns", () => {
    const payload = [{shop_id: ["a", "b"], category: [null, "裙"], paid_orders: [3, 4], extra: [1]}];
    expect(
      fromColumns<{shop_id: string; category: string | null; paid_orders: number}>(payload, [
        "shop_id",
        "category",
        "paid_orders",
      ]),
    ).toEqual([
      {shop_id: "a", category: null, paid_orders: 3},
      {shop_id: "b", category: "裙", paid_orders: 4},
    ]);
  });

  it("gives no rows for no data: null payload, or the NULL lists of an empty table", () => {
    expect(fromColumns(null, ["shop_id"])).toEqual([]);
    expect(fromColumns([{shop_id: null, paid_orders: null}], ["shop_id", "paid_orders"])).toEqual([]);
  });

  it("refuses columns of different lengths, naming the column", () => {
    expect(() => fromColumns([{a: [1, 2], b: [1]}], ["a", "b"])).toThrow("column b has 1 values, expected 2");
  });

  it("reads the reasons loader's columns", () => {
    const payload = [
      Object.fromEntries(
        Object.keys(B).map((key) => [key, [A, B].map((r) => r[key as keyof CostReasonRow])]),
      ),
    ];
    expect(costReasonRows(payload)).toEqual([A, B]);
  });
});

describe("cost totals and components", () => {
  it("sums every measure, with logistics = 4 freight components and loss = goods + handling", () => {
    const totals = costTotals(ROWS);
    expect(totals).toMatchObject({
      paid_orders: 14,
      returned_orders: 4,
      return_refund_orders: 3,
      merchant_freight_orders: 1,
      gmv_amount: 1350,
      refund_goods_amount: 300,
      outbound_freight_amount: 8.75,
      return_freight_amount: 10,
      refunded_freight_amount: 6,
      freight_insurance_amount: 0,
      goods_loss_amount: 56,
      handling_amount: 15,
      // 8.75 + 10 + 6 + 0
      logistics_cost_amount: 24.75,
      // 56 + 15
      loss_amount: 71,
      total_cost_amount: 95.75,
    });
  });

  it("rounds sums of amounts to the fen", () => {
    const totals = costTotals([
      row("2026-11-02", "a", "尺码", {outbound_freight_amount: 0.1}),
      row("2026-11-02", "a", "尺码", {outbound_freight_amount: 0.2}),
    ]);
    expect(totals.outbound_freight_amount).toBe(0.3);
    expect(totals.total_cost_amount).toBe(0.3);
  });

  it("gives each component per returned 子订单, per paid 子订单, as a share of GMV and of the cost", () => {
    const lines = componentLines(costTotals(ROWS));
    expect(lines.map((l) => l.key)).toEqual([
      "outbound_freight_amount",
      "return_freight_amount",
      "refunded_freight_amount",
      "freight_insurance_amount",
      "logistics_cost_amount",
      "goods_loss_amount",
      "handling_amount",
      "loss_amount",
      "total_cost_amount",
      "refund_goods_amount",
    ]);
    const byKey = Object.fromEntries(lines.map((l) => [l.key, l]));
    expect(byKey.total_cost_amount).toMatchObject({
      kind: "total",
      amount: 95.75,
      per_return: 95.75 / 4,
      per_order: 95.75 / 14,
      share_of_gmv: 95.75 / 1350,
      share_of_cost: 1,
    });
    expect(byKey.handling_amount).toMatchObject({kind: "component", amount: 15, per_return: 3.75});
    expect(byKey.handling_amount!.share_of_cost).toBeCloseTo(15 / 95.75, 12);
    // The refund is revenue given back: shown, never a share of the cost.
    expect(byKey.refund_goods_amount).toMatchObject({
      kind: "refund",
      amount: 300,
      per_return: 75,
      share_of_cost: null,
    });
  });

  it("has no per-order figures without orders", () => {
    const [first] = componentLines(costTotals([]));
    expect(first).toMatchObject({amount: 0, per_return: null, per_order: null, share_of_gmv: null});
  });
});

describe("cost by reason group and by week", () => {
  it("ranks reason groups by cost; shares divide by the GMV of the whole selection", () => {
    const reasons = costsByReason(ROWS);
    // 尺码 3.5 + 24 + 10; 物流 3.5 + 6 + 20; 质量问题 1.75 + 10 + 12 + 5.
    expect(reasons.map((r) => [r.reason_group, r.total_cost_amount])).toEqual([
      ["尺码", 37.5],
      ["物流", 29.5],
      ["质量问题", 28.75],
    ]);
    expect(reasons[0]).toMatchObject({returned_orders: 2, per_return: 18.75, share_of_gmv: 37.5 / 1350});
    expect(reasons[0]!.share_of_cost).toBeCloseTo(37.5 / 95.75, 12);
  });

  it("lists rows that were not returned only when they carry the 运费险 premium", () => {
    const insured = [{...A, freight_insurance_amount: 2.4}, B];
    const reasons = costsByReason(insured);
    expect(reasons.map((r) => r.reason_group)).toEqual(["尺码", NOT_RETURNED]);
    expect(reasons[1]).toMatchObject({total_cost_amount: 2.4, returned_orders: 0, per_return: null});
    expect(reasons[1]!.share_of_gmv).toBeCloseTo(2.4 / 1200, 12);
  });

  it("sums by cohort week, oldest first", () => {
    const weeks = costsByWeek([D, C, B, A]);
    expect(weeks.map((w) => [w.week_start, w.week, w.total_cost_amount, w.gmv_amount])).toEqual([
      ["2026-11-02", "2026-W45", 37.5, 1200],
      ["2026-11-09", "2026-W46", 58.25, 150],
    ]);
    expect(weeks[0]!.share_of_gmv).toBe(37.5 / 1200);
    expect(weeks[1]!.per_return).toBe(58.25 / 2);
  });

  it("stacks components, leaving out the zero ones", () => {
    expect(componentStack(costsByWeek([A, B]), (w) => w.week)).toEqual([
      {key: "2026-W45", component: "出库运费（已损失）", part: "logistics", amount: 3.5},
      {key: "2026-W45", component: "货损（不可再售）", part: "loss", amount: 24},
      {key: "2026-W45", component: "处理费（质检与包装）", part: "loss", amount: 10},
    ]);
  });
});

describe("cost by SKU", () => {
  const sku = (
    week_start: string,
    shop_id: string,
    channel: string,
    sku_rank: number | null,
    sku_code: string | null,
    m: [paid: number, returned: number, gmv: number, refund: number, logistics: number, loss: number],
  ): CostSkuRow => ({
    week_start,
    shop_id,
    category: "裙",
    channel,
    sku_rank,
    sku_code,
    paid_orders: m[0],
    returned_orders: m[1],
    gmv_amount: m[2],
    refund_goods_amount: m[3],
    logistics_cost_amount: m[4],
    loss_amount: m[5],
    total_cost_amount: m[4] + m[5],
  });
  const ROWS = [
    sku("2026-11-02", "a", "精选联盟", 1, "S-1", [5, 2, 500, 100, 20, 10]),
    sku("2026-11-09", "a", "小店自卖", 1, "S-1", [3, 1, 300, 50, 10, 5]),
    sku("2026-11-02", "a", "精选联盟", 2, "S-2", [4, 0, 400, 0, 0, 0]),
    sku("2026-11-02", "b", "精选联盟", 1, null, [2, 2, 100, 80, 20, 30]),
    sku("2026-11-02", "a", "精选联盟", null, null, [10, 1, 1000, 20, 5, 3]),
  ];
  const LISTED: ListedSku[] = [
    {
      shop_id: "a",
      sku_rank: 1,
      sku_code: "S-1",
      product_id: "P1",
      product_name: "裙",
      color: "黑色",
      size: "S",
    },
    {
      shop_id: "a",
      sku_rank: 2,
      sku_code: "S-2",
      product_id: "P1",
      product_name: "裙",
      color: "黑色",
      size: "M",
    },
    {
      shop_id: "b",
      sku_rank: 1,
      sku_code: null,
      product_id: null,
      product_name: null,
      color: null,
      size: null,
    },
  ];

  it("sums a listed SKU over weeks and channels, most costly first, the rest apart", () => {
    const {skus, rest} = costsBySku(ROWS, LISTED);
    // S-2 had no return and no cost in the selection: left out.
    expect(skus.map((s) => [s.shop_id, s.sku_code, s.total_cost_amount])).toEqual([
      ["b", null, 50],
      ["a", "S-1", 45],
    ]);
    expect(skus[1]).toMatchObject({
      product_id: "P1",
      product_name: "裙",
      size: "S",
      paid_orders: 8,
      returned_orders: 3,
      gmv_amount: 800,
      refund_goods_amount: 150,
      logistics_cost_amount: 30,
      loss_amount: 15,
      per_return: 15,
      share_of_gmv: 45 / 800,
    });
    expect(rest).toEqual({
      paid_orders: 10,
      returned_orders: 1,
      gmv_amount: 1000,
      refund_goods_amount: 20,
      logistics_cost_amount: 5,
      loss_amount: 3,
      total_cost_amount: 8,
    });
  });

  it("reads the SKU loader's columns and its list of SKU names", () => {
    const payload = [
      {
        ...Object.fromEntries(
          Object.keys(ROWS[0]!).map((key) => [key, ROWS.map((r) => r[key as keyof CostSkuRow])]),
        ),
        listed_skus: LISTED,
      },
    ];
    expect(costSkuData(payload)).toEqual({rows: ROWS, listed: LISTED});
    expect(costSkuData(null)).toEqual({rows: [], listed: []});
  });
});

describe("cost by province", () => {
  const province = (
    province_code: string | null,
    m: [paid: number, returned: number, gmv: number, logistics: number, total: number],
  ): CostProvinceRow => ({
    week_start: "2026-11-02",
    shop_id: "a",
    category: null,
    channel: null,
    province_code,
    paid_orders: m[0],
    returned_orders: m[1],
    gmv_amount: m[2],
    logistics_cost_amount: m[3],
    total_cost_amount: m[4],
  });

  it("gives cost per returned 子订单 and logistics ÷ GMV; 未知 under the empty key", () => {
    const byCode = costsByProvince([
      province("440000", [10, 2, 1000, 7, 30]),
      province("440000", [5, 1, 500, 3.5, 15]),
      province("650000", [4, 0, 400, 0, 0]),
      province(null, [1, 1, 100, 13.5, 20]),
    ]);
    expect(byCode.get("440000")).toEqual({
      province_code: "440000",
      paid_orders: 15,
      returned_orders: 3,
      gmv_amount: 1500,
      logistics_cost_amount: 10.5,
      total_cost_amount: 45,
      cost_per_return: 15,
      logistics_share: 0.007,
    });
    expect(byCode.get("650000")).toMatchObject({cost_per_return: null, logistics_share: 0});
    expect(byCode.get("")).toMatchObject({province_code: null, cost_per_return: 20, logistics_share: 0.135});
  });
});

describe("the assumptions in force", () => {
  const assumption = (
    parameter: string,
    key: string,
    value: number | null,
    unit: string,
    text_value: string | null = null,
    source = "default",
  ): CostAssumption => ({
    parameter,
    key,
    value,
    text_value,
    unit,
    source,
    tag: "[U]",
    note: `${parameter} note`,
  });
  // The defaults of marts.cost_assumptions, with a province rate and a reason-group override as
  // returnscope.config.json could set them.
  const ROWS: CostAssumption[] = [
    assumption("handling_cost_per_return", "*", 5, "元/退货"),
    assumption("outbound_freight_per_parcel", "*", 3.5, "元/包裹"),
    assumption("outbound_freight_per_parcel", "650000", 12, "元/包裹", null, "config"),
    assumption("return_freight_per_parcel", "*", 10, "元/包裹"),
    assumption("merchant_pays_return_freight", "质量问题", null, "原因分组"),
    assumption("merchant_pays_return_freight", "描述不符", null, "原因分组"),
    assumption("merchant_pays_quality_flagged", "*", 1, "是/否"),
    assumption("other_return_freight_paid_by", "*", null, "buyer|merchant|insurance", "buyer"),
    assumption("freight_insurance_premium_per_order", "*", 0, "元/主订单"),
    assumption("unit_cost_share_of_price", "*", 0.4, "占单价比例"),
    assumption("unsellable_rate", "*", 0.3, "比例"),
    assumption("unsellable_rate", "质量问题", 0.8, "比例", null, "config"),
  ];
  const settings = costSettings(ROWS);
  const names = (code: string) => ({"650000": "新疆"})[code] ?? code;

  it("reads the parameters the cost model uses", () => {
    expect(settings).toEqual({
      outboundRate: 3.5,
      outboundByProvince: [{key: "650000", value: 12}],
      returnRate: 10,
      returnByProvince: [],
      merchantPaysFor: ["质量问题", "描述不符"],
      merchantPaysQualityFlagged: true,
      otherPayer: "buyer",
      premium: 0,
      unitCostShare: 0.4,
      unsellableRate: 0.3,
      unsellableByGroup: [{key: "质量问题", value: 0.8}],
      handlingCost: 5,
    });
    expect(costSettings([]).merchantPaysFor).toEqual([]);
  });

  it("says who pays each reason group's return parcel and its unsellable share", () => {
    expect(returnFreightPayer(settings, "质量问题")).toBe("商家");
    expect(returnFreightPayer(settings, "尺码")).toBe("买家（带品质标记的：商家）");
    expect(returnFreightPayer({...settings, merchantPaysQualityFlagged: false}, "尺码")).toBe("买家");
    expect(returnFreightPayer({...settings, otherPayer: "insurance"}, "尺码")).toBe(
      "运费险（带品质标记的：商家）",
    );
    expect(returnFreightPayer(settings, NOT_RETURNED)).toBe("—");
    expect(unsellableRateFor(settings, "质量问题")).toBe(0.8);
    expect(unsellableRateFor(settings, "尺码")).toBe(0.3);
    expect(unsellableRateFor(settings, NOT_RETURNED)).toBeNull();
  });

  it("prints one line per parameter, in the model's order, with source and keys", () => {
    const lines = assumptionLines(ROWS, names);
    expect(lines.map((l) => [l.label, l.value, l.source])).toEqual([
      ["出库运费 · 每包裹", "3.50元/包裹、新疆 12.00元/包裹", "配置"],
      ["退货运费 · 每包裹", "10.00元/包裹", "默认"],
      ["商家承担退货运费的原因", "质量问题、描述不符", "默认"],
      ["带品质标记时商家承担", "是", "默认"],
      ["其他原因的退货运费由谁承担", "买家", "默认"],
      ["运费险保费 · 每主订单", "0.00元/主订单", "默认"],
      ["无成本价时：成本 = 售价 ×", "0.4", "默认"],
      ["不可再售比例（退货退款）", "30%、质量问题 80%", "配置"],
      ["处理费 · 每个退货退款", "5.00元/退货", "默认"],
    ]);
    expect(lines[0]).toMatchObject({parameter: "outbound_freight_per_parcel", tag: "[U]"});
  });

  it("explains each component with the parameters in force; the handling fee exactly", () => {
    const methods = componentMethods(settings, costTotals([A, B, C, D]), names);
    // 5 元 × 3 退货退款 = the handling total of costTotals.
    expect(methods.handling_amount).toBe("每个退货退款 5.00元 × 3 个 = 15.00元");
    expect(methods.outbound_freight_amount).toContain("3.50元；新疆 12.00元");
    expect(methods.return_freight_amount).toContain("商家承担 质量问题、描述不符及带品质标记的原因");
    expect(methods.return_freight_amount).toContain("其他由买家承担（本选择中商家承担 1 个子订单的包裹）");
    expect(methods.freight_insurance_amount).toContain("未启用");
    expect(methods.goods_loss_amount).toContain("售价 × 0.4");
    expect(methods.goods_loss_amount).toContain("退货退款 30%；质量问题 80%，已发货仅退款 100%");
  });
});
