import {describe, expect, it} from "vitest";
import {overviewAlerts, type AlertInputs} from "../../src/components/alerts.js";
import {ALL} from "../../src/components/controls.js";

const everything = {shop: ALL, category: ALL} as const;
const inputs: AlertInputs = {
  week: "2026-W47",
  backlog: [
    {shop_id: "a", category: "连衣裙", deadline_state: "overdue", after_sale_count: 2},
    {shop_id: "b", category: "T恤", deadline_state: "overdue", after_sale_count: 1},
    {shop_id: "a", category: "连衣裙", deadline_state: "due_24h", after_sale_count: 4},
    {shop_id: "a", category: null, deadline_state: "later", after_sale_count: 9},
    {shop_id: "b", category: "T恤", deadline_state: "stale", after_sale_count: 5},
  ],
  scores: [
    {
      shop_id: "a",
      date: "2026-11-21",
      metric: "q",
      metric_label: "商品品质退货率",
      value: 0.02,
      band: 3,
      low_volume: false,
    },
    {
      shop_id: "a",
      date: "2026-11-22",
      metric: "q",
      metric_label: "商品品质退货率",
      value: 0.005,
      band: 2,
      low_volume: false,
    },
    {
      shop_id: "b",
      date: "2026-11-22",
      metric: "q",
      metric_label: "商品品质退货率",
      value: 0.03,
      band: 3,
      low_volume: false,
    },
    {
      shop_id: "b",
      date: "2026-11-22",
      metric: "l",
      metric_label: "发货物流品退率",
      value: 0.001,
      band: 1,
      low_volume: false,
    },
    {
      shop_id: "c",
      date: "2026-11-22",
      metric: "q",
      metric_label: "商品品质退货率",
      value: 0.5,
      band: 3,
      low_volume: true,
    },
  ],
  skus: [
    {shop_id: "a", sku_code: "A-1", product_name: null, category: "连衣裙", latest_spike_week: "2026-W46"},
    {shop_id: "a", sku_code: "A-2", product_name: null, category: "连衣裙", latest_spike_week: "2026-W43"},
    {shop_id: "b", sku_code: "B-1", product_name: null, category: "T恤", latest_spike_week: "2026-W44"},
    {shop_id: "b", sku_code: "B-2", product_name: null, category: "T恤", latest_spike_week: "2026-W48"},
    {shop_id: "b", sku_code: "B-3", product_name: null, category: "T恤", latest_spike_week: null},
  ],
  jobs: [
    {
      job: "run",
      status: "failed",
      started_beijing: "2026-11-23 03:00",
      message: "1 loaded, 0 skipped, 1 failed",
    },
    {job: "run", status: "succeeded", started_beijing: "2026-11-23 02:00", message: "ok"},
    {job: "weekly-report", status: "succeeded", started_beijing: "2026-11-23 09:00", message: "ok"},
  ],
};

describe("overview alerts", () => {
  it("lists the urgent first: overdue, last-band scores, a failed run; then due soon, middle bands, spikes", () => {
    const alerts = overviewAlerts(inputs, everything);
    expect(alerts.map((a) => [a.kind, a.severity, a.text])).toEqual([
      ["sla", "high", "3 张售后已超过自动处理截止时间"],
      // Shop b's latest quality estimate is in the last band; shop a's latest (11-22) is in band 2.
      ["score", "high", "店铺 b 商品品质退货率（估算）3.00%，处于第3档（2026-11-22）"],
      ["job", "high", "最近一次导入·刷新·构建失败（2026-11-23 03:00）：1 loaded, 0 skipped, 1 failed"],
      ["sla", "medium", "4 张售后将在24小时内到期"],
      ["score", "medium", "店铺 a 商品品质退货率（估算）0.50%，处于第2档（2026-11-22）"],
      // W44–W47 count; W43 is too old and W48 is after the week shown.
      ["spike", "medium", "2 个SKU近4周退货率突增：A-1（2026-W46）、B-1（2026-W44）"],
    ]);
    expect(alerts.map((a) => a.page)).toEqual([
      "pages/operations",
      "pages/platform",
      "pages/operations",
      "pages/operations",
      "pages/platform",
      "pages/products",
    ]);
  });

  it("follow the shop and category filters", () => {
    const a = overviewAlerts(inputs, {shop: "a", category: "连衣裙"});
    expect(a.map((x) => x.text)).toEqual([
      "2 张售后已超过自动处理截止时间",
      "最近一次导入·刷新·构建失败（2026-11-23 03:00）：1 loaded, 0 skipped, 1 failed",
      "4 张售后将在24小时内到期",
      "店铺 a 商品品质退货率（估算）0.50%，处于第2档（2026-11-22）",
      "1 个SKU近4周退货率突增：A-1（2026-W46）",
    ]);
  });

  it("say nothing when all is well, and tolerate missing loaders", () => {
    expect(
      overviewAlerts({week: "2026-W47", backlog: null, scores: null, skus: null, jobs: null}, everything),
    ).toEqual([]);
  });
});
