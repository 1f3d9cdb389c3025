import {describe, expect, it} from "vitest";
import {
  MISSING,
  formatDelta,
  formatMonthDay,
  formatNumber,
  formatPercent,
  formatWeek,
  formatYuan,
} from "../../src/components/format.js";

describe("formatNumber", () => {
  it.each([
    [0, "0"],
    [7, "7"],
    [9876, "9,876"],
    [9999.4, "9,999"],
    [9999.6, "1.00万"],
    [12345, "1.23万"],
    [123456, "12.35万"],
    [1234567, "123.5万"],
    [12345678, "1235万"],
    [99_999_999, "1.00亿"],
    [123_456_789, "1.23亿"],
    [-12345, "-1.23万"],
    [-42, "-42"],
  ])("%d → %s", (value, text) => expect(formatNumber(value)).toBe(text));

  it("shows a dash for missing values", () => {
    for (const value of [null, undefined, NaN, Infinity]) expect(formatNumber(value)).toBe(MISSING);
  });
});

describe("formatYuan", () => {
  it.each([
    [0, "0.00元"],
    [1234.5, "1,234.50元"],
    [9999.99, "9,999.99元"],
    [21_749.3, "2.17万元"],
    [150_000_000, "1.50亿元"],
    [-88.1, "-88.10元"],
  ])("%d → %s", (value, text) => expect(formatYuan(value)).toBe(text));

  it("shows a dash for missing values", () => expect(formatYuan(null)).toBe(MISSING));
});

describe("formatPercent", () => {
  it("formats fractions as percentages", () => {
    expect(formatPercent(0.1234)).toBe("12.3%");
    expect(formatPercent(0.0215, 2)).toBe("2.15%");
    expect(formatPercent(1)).toBe("100.0%");
    expect(formatPercent(0)).toBe("0.0%");
    expect(formatPercent(null)).toBe(MISSING);
  });
});

describe("formatDelta", () => {
  it("gives counts and amounts a relative change", () => {
    const delta = formatDelta(105, 100, "relative");
    expect(delta).toMatchObject({text: "+5.0%", direction: "up"});
    expect(delta.value).toBeCloseTo(0.05, 12);
    expect(formatDelta(673, 902, "relative")).toMatchObject({text: "-25.4%", direction: "down"});
    expect(formatDelta(100, 100, "relative")).toMatchObject({value: 0, text: "±0.0%", direction: "flat"});
  });

  it("gives rates a change in 百分点", () => {
    expect(formatDelta(0.142, 0.274, "points")).toMatchObject({text: "-13.2个百分点", direction: "down"});
    expect(formatDelta(0.3, 0.29, "points")).toMatchObject({text: "+1.0个百分点", direction: "up"});
  });

  it("a change that rounds to 0.0 is flat", () => {
    expect(formatDelta(1000.4, 1000, "relative")).toMatchObject({text: "±0.0%", direction: "flat"});
  });

  it("has no delta without a previous value, or from zero for a relative change", () => {
    const none = {value: null, text: MISSING, direction: "none"};
    expect(formatDelta(5, null, "relative")).toEqual(none);
    expect(formatDelta(null, 5, "relative")).toEqual(none);
    expect(formatDelta(5, 0, "relative")).toEqual(none);
    expect(formatDelta(0.1, 0, "points")).toMatchObject({text: "+10.0个百分点"});
  });
});

describe("dates", () => {
  it("formats a month and day", () => expect(formatMonthDay("2026-01-05")).toBe("1月5日"));
  it("formats a cohort week by its Monday, across a month end", () => {
    expect(formatWeek("2026-11-16", "2026-W47")).toBe("2026-W47（11月16日–11月22日）");
    expect(formatWeek("2026-07-27", "2026-W31")).toBe("2026-W31（7月27日–8月2日）");
  });
});
