import {describe, expect, it} from "vitest";
import {
  SHARING_LABELS,
  label,
  listNote,
  riskRules,
  riskThresholds,
  shopTotals,
  shortKey,
  totalFor,
} from "../../src/components/risk.js";
import {
  assumptionRows,
  DEFAULT_ASSUMPTIONS,
  normalizeRiskConfig,
} from "../../src/pipelines/metrics/assumptions.js";

const defaults = assumptionRows(DEFAULT_ASSUMPTIONS).filter((r) => r.area !== "costs");

describe("risk thresholds", () => {
  it("are read from the assumptions the marts were built with", () => {
    const t = riskThresholds(defaults);
    expect(t).toMatchObject({
      minReturns: 5,
      minRefundOnlyOrders: 3,
      minRefundOnlyShare: 0.5,
      lateWindowDays: 7,
      signDelayDays: 3,
      qualityReasonGroups: ["质量问题", "描述不符"],
    });
    expect(t.subjectiveKeywords).toContain("不想要");
  });

  it("are stated in the rules with the numbers in force", () => {
    const risk = normalizeRiskConfig(
      {
        minReturns: 8,
        minRefundOnlyOrders: 4,
        minRefundOnlyShare: 0.25,
        lateWindowDays: 10,
        subjectiveKeywords: ["拍错"],
      },
      "x.json",
    );
    const rows = assumptionRows({...DEFAULT_ASSUMPTIONS, risk}).filter((r) => r.area !== "costs");
    const rules = riskRules(riskThresholds(rows));
    expect(rules.buyers).toContain("已退货子订单 ≥ 8 个");
    expect(rules.buyers).toContain("≥ 4 个，且占其已发货子订单 ≥ 25%");
    expect(rules.late).toContain("超过 10 天");
    expect(rules.late).toContain("“发货时间 + 3 天”");
    expect(rules.appeal).toContain("原因分组为 质量问题、描述不符");
    expect(rules.appeal).toContain("主观词（拍错；");
  });

  it("show a question mark rather than a number the warehouse does not have", () => {
    const rules = riskRules(riskThresholds([]));
    expect(rules.buyers).toContain("已退货子订单 ≥ ? 个");
    expect(rules.appeal).toContain("原因分组为 —");
  });
});

describe("capped lists", () => {
  const rows = [
    {shop_id: "a", shop_count: 700},
    {shop_id: "a", shop_count: 700},
    {shop_id: "b", shop_count: 3},
  ];

  it("count every flagged row of the chosen shops, not only those listed", () => {
    const totals = shopTotals(rows);
    expect([...totals]).toEqual([
      ["a", 700],
      ["b", 3],
    ]);
    expect(totalFor(totals, () => true)).toBe(703);
    expect(totalFor(totals, (shop) => shop === "b")).toBe(3);
    expect(totalFor(new Map(), () => true)).toBe(0);
  });

  it("say how many are shown when the list is capped", () => {
    expect(listNote(500, 1234)).toBe("共 1,234 条，列表显示其中 500 条");
    expect(listNote(12, 12)).toBe("共 12 条");
  });
});

describe("labels", () => {
  it("shorten hash keys for the screen and translate codes", () => {
    expect(shortKey("0123456789abcdef0123")).toBe("0123456789ab");
    expect(shortKey(null)).toBe("—");
    expect(label(SHARING_LABELS, "different_buyers")).toBe("不同买家");
    expect(label(SHARING_LABELS, "new_kind")).toBe("new_kind");
    expect(label(SHARING_LABELS, null)).toBe("—");
  });
});
