import {describe, expect, it} from "vitest";
import {ORDER_COLUMNS} from "../../src/pipelines/ingest/columns.js";
import {detectKind, headerKey, mapHeaders} from "../../src/pipelines/ingest/headers.js";

describe("detectKind", () => {
  it.each([
    [["售后单号", "订单号", "商品单号", "商家编码"], "after_sale"],
    [["\uFEFF主订单编号", "子订单编号", "商家编码"], "order"],
    [['"子订单编号"', "商品ID"], "order"],
    [["商家编码", "尺码", "成本价"], "sku_master"],
    [["SKU编码", "颜色分类"], "sku_master"],
    [["商家编码", "商品名称"], null],
    [["日期", "金额"], null],
    [[], null],
  ] as const)("%j → %s", (headers, kind) => {
    expect(detectKind(headers)).toBe(kind);
  });
});

describe("mapHeaders", () => {
  it("maps by name and alias whatever the order, and keeps unknown columns as extras", () => {
    const mapping = mapHeaders("after_sale", [
      "申请原因",
      "商品单号",
      "售后单号",
      "我的备注",
      "售后状态",
      "售后类型",
      "售后申请时间",
      "退商品金额(元)",
    ]);
    expect(mapping.columns.map((c) => c?.name ?? null)).toEqual([
      "reason",
      "order_item_id",
      "after_sale_id",
      null,
      "after_sale_status",
      "after_sale_type",
      "applied_at",
      "refund_goods",
    ]);
    expect(mapping.missing).toEqual([]);
  });

  it("names every missing required column, alternatives joined", () => {
    expect(mapHeaders("order", ["主订单编号", "商品ID"]).missing).toEqual([
      "子订单编号",
      "商品数量",
      "订单状态",
      "支付完成时间 或 订单提交时间",
    ]);
  });

  it("feeds a known column once; a second column with the same meaning stays an extra", () => {
    const mapping = mapHeaders("order", ["商品金额", "商品单价"]);
    expect(mapping.columns.map((c) => c?.name ?? null)).toEqual(["unit_price", null]);
  });

  it("knows all 75 headers of the 2024-25 order export and the 2022 ones", () => {
    const variantA =
      `主订单编号, 子订单编号, 支付方式, 选购商品, 货号, 商品ID, 商家编码, 商品数量, 商品金额, 订单提交时间, 支付完成时间,
      订单完成时间, 承诺发货时间, 预约发货时间, 买家留言, 旗帜颜色, 商家备注, APP渠道, 订单状态, 取消原因, 售后状态, 订单类型, 发货时间,
      车型, 是否是以旧换新, 换新额外补贴, 换新额外补贴发放状态, 订单应付金额, 运费, 优惠总金额, 平台优惠, 商家优惠, 达人优惠, 商家改价,
      支付优惠, 手续费, 红包抵扣, 降价类优惠, 平台实际承担优惠金额, 商家实际承担优惠金额, 达人实际承担优惠金额, 收件人, 收件人手机号, 省,
      市, 区, 街道, 详细地址, 是否修改过地址, 快递信息, 序列号, 达人ID, 达人昵称, 拼团订单团编号, 商品单价是否含税, 税费, 鲁班落地页ID,
      所属门店ID, 流量来源, 仓库ID, 仓库名称, 是否安心购, 广告渠道, 流量类型, 流量体裁, 流量渠道, 发货主体, 发货主体明细, 教育优惠,
      预计送达时间, 是否平台仓自流转, 是否是渠道商品, 预约送达时间, 建议发货时间（起）, 建议发货时间（止）`
        .split(",")
        .map((h) => h.trim());
    expect(variantA).toHaveLength(75);
    const mapping = mapHeaders("order", variantA);
    expect(mapping.columns.filter((c) => c === null)).toHaveLength(0);
    const variantB = ["商品规格", "商品单价"];
    expect(mapHeaders("order", variantB).columns.map((c) => c?.name)).toEqual(["spec", "unit_price"]);
    expect(new Set(ORDER_COLUMNS.map((c) => c.name)).size).toBe(ORDER_COLUMNS.length);
  });

  it("folds BOMs, quotes, tabs, spaces and bracket widths before matching", () => {
    expect(headerKey('\uFEFF"退商品金额（元）"\t ')).toBe(headerKey("退商品金额(元)"));
  });
});
