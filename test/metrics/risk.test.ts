/**
 * The risk marts (risk_buyers, risk_shared_tracking, risk_late_applications, appeal_candidates) on
 * the fixture of costsOpsFixture.ts, worked out by hand below, and on the demo sample, whose planted
 * refund-only abusers (truth.json) must top the risk list.
 *
 * Buyers (子订单 shipped / returned / with a 已发货仅退款 claim of any status):
 *   B1  L0 L11 L12: 3 / 2 / 0        B2 L21: 1 / 1 / 1        B4 L71: 1 / 1 / 0    B5 L81: 1 / 1 / 0
 *   B3  L31 L32 L33 L51 L61 (+ L41 unshipped): 5 / 4 (L32's S6 was rejected) / 5 → 100% refund-only
 *   B3F L91: 1 / 0 / 0 — same masked name, phone and address as B3 but another city: another key.
 * Default thresholds (≥ 5 returns; ≥ 3 refund-only claims making ≥ 50% of shipped): only B3.
 *
 * Shared return waybills: YT0001 S1 + S2 (both 子订单 of O1: same_order); JT7777 S13 (closed) and
 * S10 on L71 (same_item: a buyer applying again); ZT9999 S11 (B5) and S12 (B3F): different_buyers.
 *
 * Late (applied more than 7 days after 签收 ≈ min(订单完成时间, 发货时间 + 3 d)):
 *   S6  L32 signed 11-05 20:00 (订单完成时间), applied 11-14 10:00 → 8 d 14 h: 1.5833 d late
 *   S10 L71 signed 11-09 10:00 (发货 + 3 d), applied 11-20 10:00 → 11 d: 4 d late
 *   S12 L91 signed 11-06 11:00, applied 11-15 10:00 → 8 d 23 h: 1.9583 d late, 七天无理由
 *   Not late: S13 L71 applied exactly 3 d after 签收, S5 S7 2.6 d, S9 1 d, S1 S2 S8 S11 before it.
 *
 * Appeal candidates (count in 商品品质退货率 and the comment has a subjective word):
 *   S2 tagged 商品品质, "不想要了" → 不想要;  S10 tagged (尺码), "尺码拍错了" → 尺码拍错, 拍错;
 *   S11 描述不符 untagged, "拍错颜色了，颜色和图片不一样" → 拍错.  Not: S13 质量问题 "不喜欢" (closed).
 */
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {DEFAULT_ASSUMPTIONS, normalizeRiskConfig} from "../../src/pipelines/metrics/assumptions.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import {SUBJECTIVE_KEYWORDS} from "../../src/pipelines/metrics/riskKeywords.js";
import {generateSample, type SampleTruth} from "../../src/pipelines/sample/generate.js";
import type {Row, Warehouse} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {runIngest, tempDir, testConfig} from "../helpers.js";
import {
  afterSale,
  BUYERS,
  buildCostOpsRiskMarts,
  costsOpsWarehouse,
  expectedBuyerRiskKey,
  failingChecks,
  keyNames,
  piiSalt,
} from "./costsOpsFixture.js";

const RISK_MARTS = [
  "marts.risk_buyers",
  "marts.risk_shared_tracking",
  "marts.risk_late_applications",
  "marts.appeal_candidates",
];

describe("risk signals on the fixture", () => {
  let warehouse: Warehouse;
  let cleanup: () => Promise<void>;
  let names: Map<string, string>;
  /** Rows with hashed keys replaced by the fixture's names (B3, YT0001 …). */
  const named = async (sql: string) =>
    (await warehouse.all(sql)).map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, typeof v === "string" ? (names.get(v) ?? v) : v]),
      ),
    );

  beforeAll(async () => {
    ({warehouse, cleanup} = await costsOpsWarehouse());
    names = await keyNames(warehouse);
  });
  afterAll(async () => {
    warehouse?.close();
    await cleanup();
  });

  it("risk buyers: B3's refund-only claims, by hand", async () => {
    expect(await named("select * exclude (shop_id) from marts.risk_buyers order by all")).toEqual([
      {
        risk_rank: "1",
        buyer_risk_key: "B3",
        has_high_refund_only: true,
        has_many_returns: false,
        main_order_count: "4",
        paid_orders: "6",
        shipped_orders: "5",
        returned_orders: "4",
        refund_only_orders: "5",
        after_sale_count: "7",
        return_rate: 0.8,
        refund_only_share: 1,
        first_applied_at: "2026-11-06 10:00:00",
        last_applied_at: "2026-11-14 10:00:00",
      },
    ]);
  });

  it("the key hashes buyer_key again with 市 and 区: same masked fields in another city differ", async () => {
    const salt = await piiSalt(warehouse);
    const b3 = expectedBuyerRiskKey(salt, BUYERS.B3);
    expect(b3).not.toBe(expectedBuyerRiskKey(salt, BUYERS.B3F));
    const row = await warehouse.one("select buyer_risk_key from marts.risk_buyers");
    expect(row?.buyer_risk_key).toBe(b3);
    expect(b3).toMatch(/^[0-9a-f]{64}$/);
  });

  it("shared return waybills, by hand", async () => {
    expect(
      await named(
        `select return_tracking_key, sharing, after_sale_count, order_item_count, main_order_count, buyer_count,
            after_sale_ids from marts.risk_shared_tracking order by sharing`,
      ),
    ).toEqual([
      {
        return_tracking_key: "ZT9999",
        sharing: "different_buyers",
        after_sale_count: "2",
        order_item_count: "2",
        main_order_count: "2",
        buyer_count: "2",
        after_sale_ids: [afterSale(11), afterSale(12)],
      },
      {
        return_tracking_key: "JT7777",
        sharing: "same_item",
        after_sale_count: "2",
        order_item_count: "1",
        main_order_count: "1",
        buyer_count: "1",
        after_sale_ids: [afterSale(10), afterSale(13)],
      },
      {
        return_tracking_key: "YT0001",
        sharing: "same_order",
        after_sale_count: "2",
        order_item_count: "2",
        main_order_count: "1",
        buyer_count: "1",
        after_sale_ids: [afterSale(1), afterSale(2)],
      },
    ]);
  });

  it("late applications, by hand", async () => {
    const rows = await named(
      `select after_sale_id, signed_at_estimate, signed_at_source, days_late, is_no_reason, buyer_risk_key
       from marts.risk_late_applications order by after_sale_id`,
    );
    expect(rows.map((r) => ({...r, days_late: Math.round(Number(r.days_late) * 1e6) / 1e6}))).toEqual([
      {
        after_sale_id: afterSale(6),
        signed_at_estimate: "2026-11-05 20:00:00",
        signed_at_source: "订单完成时间",
        days_late: 1.583333,
        is_no_reason: false,
        buyer_risk_key: "B3",
      },
      {
        after_sale_id: afterSale(10),
        signed_at_estimate: "2026-11-09 10:00:00",
        signed_at_source: "发货时间+N天",
        days_late: 4,
        is_no_reason: false,
        buyer_risk_key: "B4",
      },
      {
        after_sale_id: afterSale(12),
        signed_at_estimate: "2026-11-06 11:00:00",
        signed_at_source: "发货时间+N天",
        days_late: 1.958333,
        is_no_reason: true,
        buyer_risk_key: "B3F",
      },
    ]);
  });

  it("appeal candidates, by hand", async () => {
    expect(
      await warehouse.all(
        "select after_sale_id, reason_group, quality_basis, matched_keywords from marts.appeal_candidates order by all",
      ),
    ).toEqual([
      {
        after_sale_id: afterSale(2),
        reason_group: "质量问题",
        quality_basis: "tag",
        matched_keywords: ["不想要"],
      },
      {
        after_sale_id: afterSale(10),
        reason_group: "尺码",
        quality_basis: "tag",
        matched_keywords: ["尺码拍错", "拍错"],
      },
      {
        after_sale_id: afterSale(11),
        reason_group: "描述不符",
        quality_basis: "reason_group",
        matched_keywords: ["拍错"],
      },
    ]);
  });

  it("publishes no buyer field, comment or tracking number", async () => {
    const raw = [
      ...Object.values(BUYERS).flatMap((b) => [b.收件人, b.收件人手机号, b.详细地址, b.区]),
      "YT0001",
      "JT7777",
      "ZT9999",
      "不想要了",
      "尺码拍错了",
    ];
    for (const table of RISK_MARTS) {
      const text = JSON.stringify(await warehouse.all(`select * from ${table}`));
      for (const value of raw) expect(text, `${table} contains ${value}`).not.toContain(value);
    }
  });

  it("passes the data checks", async () => {
    for (const prefix of ["risk_", "appeal_"]) expect(await failingChecks(warehouse, prefix)).toEqual([]);
  });

  it("golden snapshots (keys replaced by the fixture's names)", async () => {
    for (const table of RISK_MARTS)
      await expectGolden(
        `metrics_${table.replace(".", "_")}.json`,
        // Sorted after naming: the hashed keys, and so their order, change with the salt.
        jsonLines(
          (await named(`select * from ${table}`))
            .map((row) => JSON.stringify(row))
            .sort()
            .map((row) => JSON.parse(row) as unknown),
        ),
      );
  });

  describe("configured", () => {
    // Two returns make "many"; a 3-day window (S13, exactly 3 days after 签收, is not late: more
    // than the window is); only the word 颜色 is subjective.
    const risk = normalizeRiskConfig(
      {minReturns: 2, lateWindowDays: 3, subjectiveKeywords: ["颜色"]},
      "returnscope.config.json",
    );
    beforeAll(async () => {
      await buildCostOpsRiskMarts(warehouse, {...DEFAULT_ASSUMPTIONS, risk});
    });
    afterAll(async () => {
      await buildCostOpsRiskMarts(warehouse);
    });

    it("applies the thresholds, the window and the word list", async () => {
      expect(
        await named(
          "select risk_rank, buyer_risk_key, has_high_refund_only, has_many_returns, returned_orders from marts.risk_buyers order by risk_rank",
        ),
      ).toEqual([
        {
          risk_rank: "1",
          buyer_risk_key: "B3",
          has_high_refund_only: true,
          has_many_returns: true,
          returned_orders: "4",
        },
        {
          risk_rank: "2",
          buyer_risk_key: "B1",
          has_high_refund_only: false,
          has_many_returns: true,
          returned_orders: "2",
        },
      ]);
      const late = await warehouse.all("select after_sale_id from marts.risk_late_applications order by all");
      expect(late.map((r) => r.after_sale_id)).toEqual([afterSale(6), afterSale(10), afterSale(12)]);
      expect(
        await warehouse.all("select after_sale_id, matched_keywords from marts.appeal_candidates"),
      ).toEqual([{after_sale_id: afterSale(11), matched_keywords: ["颜色"]}]);
    });
  });

  it("rejects bad settings with one line naming the key", () => {
    const bad = (spec: unknown) => () => normalizeRiskConfig(spec, "x.json");
    expect(bad({minReturns: 0})).toThrow("x.json: risk.minReturns must be a number >= 1: 0");
    expect(bad({minRefundOnlyOrders: 2.5})).toThrow(
      "x.json: risk.minRefundOnlyOrders must be a whole number: 2.5",
    );
    expect(bad({subjectiveKeywords: ["不想要", ""]})).toThrow(
      'x.json: risk.subjectiveKeywords[1] must be a non-empty string: ""',
    );
    expect(bad({keywords: []})).toThrow(
      "x.json: unknown setting risk.keywords (known: minReturns, minRefundOnlyOrders, minRefundOnlyShare, lateWindowDays, subjectiveKeywords, stuckParcelDays)",
    );
    expect(normalizeRiskConfig({}, "x.json").subjectiveKeywords).toBe(SUBJECTIVE_KEYWORDS);
  });
});

describe("risk signals on the demo sample", () => {
  let warehouse: Warehouse;
  let truth: SampleTruth;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    ({truth} = await generateSample({outDir: temp.dir}));
    ({warehouse} = await runIngest(testConfig(temp.dir, join(temp.dir, "inbox"))));
    await refreshMarts(warehouse);
    await buildCostOpsRiskMarts(warehouse);
  });
  afterAll(async () => {
    warehouse?.close();
    await cleanup();
  });

  it("the planted refund-only abusers are the top risk buyers of their shop", async () => {
    const {shop, buyers} = truth.stories.refundOnlyAbuse;
    expect(buyers.length).toBe(4);
    const salt = await piiSalt(warehouse);
    const abusers = buyers.map((b) => expectedBuyerRiskKey(salt, b));
    const ranked: Row[] = await warehouse.all(
      "select buyer_risk_key, has_high_refund_only, refund_only_orders from marts.risk_buyers where shop_id = $shop order by risk_rank",
      {shop},
    );
    expect(new Set(ranked.slice(0, abusers.length).map((r) => r.buyer_risk_key))).toEqual(new Set(abusers));
    // Flagged for their refund-only share, and well clear of everybody else's claims.
    expect(ranked.slice(0, abusers.length).every((r) => r.has_high_refund_only)).toBe(true);
    const next = Number(ranked[abusers.length]?.refund_only_orders ?? 0);
    expect(
      Math.min(...ranked.slice(0, abusers.length).map((r) => Number(r.refund_only_orders))),
    ).toBeGreaterThan(3 * Math.max(1, next));
  });

  it("every cost, operations, platform and risk mart passes its data checks", async () => {
    expect(await failingChecks(warehouse)).toEqual([]);
  });
});
