import {createHash} from "node:crypto";
import {describe, expect, test} from "vitest";
import {
  DETAIL_AFTER_SALE_TYPES,
  LIST_AFTER_SALE_TYPES,
  ORDER_STATUSES,
  detailAfterSaleStatus,
  listAfterSaleStatus,
} from "../../src/pipelines/api/enums.js";
import {asObject, parseLossless, stringifyLossless} from "../../src/pipelines/api/json.js";
import {mapAfterSale, mapOrder, specText} from "../../src/pipelines/api/mapping.js";
import {hashPii, scrubPii} from "../../src/pipelines/api/pii.js";
import {parseSpec} from "../../src/pipelines/normalize/spec.js";
import {
  classifyAfterSaleStatus,
  classifyOrderStatus,
  normalizeAfterSaleType,
} from "../../src/pipelines/normalize/status.js";

describe("enumerations → the exports' texts", () => {
  test("List and Detail types: the same export type, whichever numbering", () => {
    expect(LIST_AFTER_SALE_TYPES[1]).toBe("已发货仅退款"); // List: 已发货仅退款
    expect(DETAIL_AFTER_SALE_TYPES[1]).toBe("已发货仅退款"); // Detail: 售后仅退款 (after shipment)
    expect(LIST_AFTER_SALE_TYPES[2]).toBe("未发货仅退款"); // List: 未发货仅退款
    expect(DETAIL_AFTER_SALE_TYPES[2]).toBe("未发货仅退款"); // Detail: 发货前退款
    for (const text of [...Object.values(LIST_AFTER_SALE_TYPES)])
      expect(normalizeAfterSaleType(text)).toBe(text);
    // Detail's 系统取消/用户取消 have no export type: unknown, counted, not guessed.
    expect(normalizeAfterSaleType(DETAIL_AFTER_SALE_TYPES[4])).toBeNull();
    expect(normalizeAfterSaleType(DETAIL_AFTER_SALE_TYPES[5])).toBeNull();
  });

  test.each([
    [6, "in_progress"],
    [7, "in_progress"],
    [8, "in_progress"],
    [11, "in_progress"],
    [3, "in_progress"],
    [13, "in_progress"],
    [12, "succeeded"],
    [14, "succeeded"],
    [27, "rejected"],
    [28, "closed"],
    [29, "rejected"],
  ])("List status %i → %s", (code, group) => {
    for (const type of ["退货退款", "换货", "补寄"])
      expect(classifyAfterSaleStatus(listAfterSaleStatus(code, type))).toBe(group);
  });

  test.each([
    [6, 1, "in_progress"],
    [7, 1, "in_progress"],
    [11, 1, "in_progress"],
    [12, 3, "succeeded"],
    [14, 3, "succeeded"],
    [27, 1, "rejected"],
    [28, 1, "closed"],
    [29, 1, "rejected"],
    [51, 3, "succeeded"],
    [51, 1, "cancelled"],
    [53, 3, "succeeded"],
  ])("Detail status %i (refund status %i) → %s", (code, refund, group) => {
    expect(classifyAfterSaleStatus(detailAfterSaleStatus(code, "退货退款", refund))).toBe(group);
  });

  test("success texts are the exports' (同意退款，退款成功 / 换货成功), unknown codes give null", () => {
    expect(listAfterSaleStatus(12, "退货退款")).toBe("同意退款，退款成功");
    expect(listAfterSaleStatus(12, "换货")).toBe("换货成功");
    expect(detailAfterSaleStatus(14, "换货", null)).toBe("换货成功");
    expect(listAfterSaleStatus(99, "退货退款")).toBeNull();
  });

  test("order statuses classify like the export's", () => {
    expect(
      Object.fromEntries(Object.entries(ORDER_STATUSES).map(([k, v]) => [k, classifyOrderStatus(v)])),
    ).toEqual({
      1: "unpaid",
      105: "unshipped",
      2: "unshipped",
      101: "shipped",
      3: "shipped",
      4: "closed",
      5: "completed",
    });
  });
});

const LIST_ITEM = `{
  "aftersale_info": {"aftersale_id": 7100000000000000001, "aftersale_type": 0, "aftersale_status": 12,
    "related_id": "7200000000000000011", "apply_time": 1762308000, "update_time": 1762660800,
    "status_deadline": 0, "refund_amount": 129950, "refund_post_amount": 50, "refund_tax_amount": 0,
    "aftersale_num": 1, "aftersale_refund_type": 0, "refund_type": 1, "arbitrate_status": 0,
    "return_logistics_code": "YT7350000000001", "return_logistics_company_name": "圆通速递",
    "is_agree_refuse_sign": 2, "reason_second_labels": [{"code": 101, "name": "尺码偏小"}],
    "order_logistics": [{"tracking_no": "SF1400000000001"}]},
  "order_info": {"shop_order_id": 7200000000000000001, "related_order_info": [
    {"sku_order_id": 7200000000000000011, "order_status": 3, "pay_amount": 129900, "post_amount": 0,
     "product_id": 3600000000000000001, "product_name": "法式碎花连衣裙", "shop_sku_code": "DR01-RD-M",
     "sku_spec": [{"name": "颜色", "value": "红色"}, {"name": "尺码", "value": "M"}]}]},
  "text_part": {"reason_text": "大小／尺寸／重量与商品描述不符", "aftersale_status_text": "退款成功", "logistics_text": "已发货"}
}`;

describe("afterSale/List item → after-sale export row", () => {
  test("IDs exact, money in 元, times in Beijing, texts as the export writes them", () => {
    const {row, notes} = mapAfterSale(parseLossless(LIST_ITEM));
    expect(notes).toEqual([]);
    expect(row!.key).toBe("7100000000000000001");
    expect(row!.cells).toMatchObject({
      after_sale_id: "7100000000000000001",
      order_id: "7200000000000000001",
      order_item_id: "7200000000000000011",
      product_id: "3600000000000000001",
      after_sale_type: "退货退款",
      after_sale_status: "同意退款，退款成功",
      item_shipping_status: "已发货",
      payable: "1299.00",
      refund_goods: "1299.00", // 1299.50 total − 0.50 freight
      refund_freight: "0.50",
      refund_tax: "0.00",
      applied_at: "2025-11-05 10:00:00",
      deadline_at: null,
      refund_method: "原路退款",
      reason: "大小／尺寸／重量与商品描述不符",
      reason_label: "尺码偏小",
      is_express_refund: "是",
      is_refund_after_rejection: "否",
      shipping_tracking_no: "SF1400000000001",
      sku_code: "DR01-RD-M",
      quantity: "1",
    });
    expect(row!.updatedAt).toBe(1762660800);
    expect(row!.extras).toMatchObject({更新时间: "2025-11-09 12:00:00", 商品规格: "颜色:红色;尺码:M"});
  });

  test("Detail, when fetched, gives the fresher status (its own numbering) and the times the list lacks", () => {
    const detail = asObject(
      parseLossless(`{"process_info": {"after_sale_info": {"after_sale_id": 7100000000000000001,
        "after_sale_status": 28, "after_sale_type": 1, "refund_status": 1, "refund_total_amount": 2000,
        "refund_post_amount": 0, "update_time": 1762700000, "refund_time": 0, "reason": "七天无理由退货",
        "reason_remark": "不想要了", "aftersale_status_to_final_time": 1762690000},
        "logistics_info": {"return": {"tracking_no": "YT1", "logistics_time": 1762400000}}}}`),
    );
    const {row} = mapAfterSale(parseLossless(LIST_ITEM), detail);
    expect(row!.cells).toMatchObject({
      after_sale_type: "已发货仅退款",
      after_sale_status: "售后关闭",
      refund_goods: "20.00",
      reason: "七天无理由退货",
      buyer_comment: "不想要了",
      return_shipped_at: "2025-11-06 11:33:20",
      refunded_at: null,
      finalized_at: "2025-11-09 20:06:40",
    });
    expect(row!.updatedAt).toBe(1762700000);
  });

  test("a cell that can't be converted is passed on as sent (ingest rejects the row)", () => {
    const item = parseLossless(LIST_ITEM.replace('"refund_amount": 129950', '"refund_amount": "abc"'));
    expect(mapAfterSale(item).row!.cells.refund_goods).toBe("abc");
  });

  test("an item without an ID is skipped with a note", () => {
    expect(mapAfterSale(parseLossless('{"aftersale_info": {}}'))).toEqual({
      row: null,
      notes: ["an item without aftersale_id was skipped"],
    });
  });
});

describe("sku_spec → 商品规格 → colour and size", () => {
  test("名:值 parts joined with ;, read back by the export's spec parser", () => {
    const text = specText([
      {name: "颜色", value: "黑色"},
      {name: "尺码", value: "XL"},
    ]);
    expect(text).toBe("颜色:黑色;尺码:XL");
    const parsed = parseSpec(text);
    expect(parsed.color).toBe("黑色");
    expect(parsed.size?.label).toBe("XL");
  });

  test("separators inside values can't split a part; empty specs give null", () => {
    expect(specText([{name: "颜色", value: "黑;白:拼色"}])).toBe("颜色:黑 白 拼色");
    expect(specText([])).toBeNull();
    expect(specText(null)).toBeNull();
  });
});

describe("order/searchList → order export rows", () => {
  const ORDER = `{"order_id": 7200000000000000001, "order_status": 3, "pay_type": 2, "create_time": 1762300000,
    "pay_time": 1762300100, "ship_time": 1762400000, "update_time": 1762400000, "buyer_words": "请发顺丰",
    "encrypt_post_receiver": "#李四#", "encrypt_post_tel": "#13900000000#",
    "post_addr": {"province": {"id": "44", "name": "广东省"}, "city": {"name": "广州市"}, "town": {"name": "天河区"},
      "street": {"name": "石牌街道"}, "encrypt_detail": "#石牌路1号#"},
    "sku_order_list": [{"order_id": "7200000000000000011", "product_id": 3600000000000000001,
      "code": "DR01-RD-M", "spec": [{"name": "颜色", "value": "红色"}, {"name": "尺码", "value": "M"}],
      "item_num": 2, "origin_amount": 64950, "pay_amount": 119900, "post_amount": 0, "promotion_amount": 10000}]}`;

  test("one row per 子订单; buyer PII hashed with the warehouse salt", () => {
    const [row, ...rest] = mapOrder(parseLossless(ORDER), "salt");
    expect(rest).toEqual([]);
    const sha = (text: string) =>
      createHash("sha256")
        .update("salt" + text)
        .digest("hex");
    expect(row!.cells).toMatchObject({
      order_id: "7200000000000000001",
      order_item_id: "7200000000000000011",
      product_id: "3600000000000000001",
      payment_method: "支付宝",
      spec: "颜色:红色;尺码:M",
      quantity: "2",
      unit_price: "649.50",
      payable: "1199.00",
      discount_total: "100.00",
      order_status: "已发货",
      created_at: "2025-11-05 07:46:40",
      shipped_at: "2025-11-06 11:33:20",
      province: "广东省",
      city: "广州市",
      district: "天河区",
      recipient_name: sha("#李四#"),
      recipient_phone: sha("#13900000000#"),
      street: sha("石牌街道"),
      address: sha("#石牌路1号#"),
      buyer_message: sha("请发顺丰"),
    });
    expect(JSON.stringify(row)).not.toMatch(/李四|13900000000|石牌|顺丰/);
  });
});

describe("PII in raw pages", () => {
  test("names, phones, street and detail hashed like ingest does; regions and numbers kept exactly", () => {
    const body = parseLossless(`{"data": {"after_sale_id": 7100000000000000001,
      "post_receiver": "张三", "encrypt_post_tel_sec": "#138#", "mask_post_receiver": "张*",
      "post_address": {"province": {"id": "44", "name": "广东省"}, "street": {"id": "1", "name": "某街道"}, "detail": "某路1号"},
      "return_address": {"detail": "商家仓库"}, "reason_remark": "偏小"}}`);
    const scrubbed = stringifyLossless(scrubPii(body, "s"));
    expect(scrubbed).not.toMatch(/张|#138#|某街道|某路/);
    expect(scrubbed).toContain('"after_sale_id":7100000000000000001');
    expect(scrubbed).toContain('"name":"广东省"');
    expect(scrubbed).toContain(`"post_receiver":"${hashPii("s", "张三")}"`);
    expect(scrubbed).toContain('"reason_remark":"偏小"');
  });
});
