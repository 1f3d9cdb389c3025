import {describe, expect, it} from "vitest";
import {DEFAULT_SKU_SIZE_PATTERN, parseSpec, sizeFromSkuCode} from "../../src/pipelines/normalize/spec.js";

const XL = {label: "XL", sortKey: 5, system: "letter"};
const M = {label: "M", sortKey: 3, system: "letter"};
const FREE = {label: "均码", sortKey: 50, system: "free"};

describe("parseSpec", () => {
  it.each([
    // key:value forms
    ["颜色:黑色;尺码:XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["颜色：黑色；尺码：XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["颜色:黑色；尺码：XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    [" 颜色 : 黑色 ; 尺码 : XL ", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["尺码:XL;颜色:黑色", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["颜色:黑色;;尺码:XL;", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["颜色分类:黑色;尺寸:XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["主要颜色:黑色;码数:M", {color: "黑色", size: M, sizeText: "M", other: {}}],
    ["色系:黑色系;大小:均码", {color: "黑色系", size: FREE, sizeText: "均码", other: {}}],
    [
      "颜色:白色;鞋码:38.5",
      {color: "白色", size: {label: "38.5", sortKey: 138.5, system: "numeric"}, sizeText: "38.5", other: {}},
    ],
    [
      "颜色:粉色;身高:110cm",
      {color: "粉色", size: {label: "110", sortKey: 210, system: "numeric"}, sizeText: "110cm", other: {}},
    ],
    [
      "颜色:黑色;尺码:XL【建议140-160斤】",
      {color: "黑色", size: XL, sizeText: "XL【建议140-160斤】", other: {}},
    ],
    // unknown size under a size key: reported via sizeText
    ["颜色:黑色;尺码:大号", {color: "黑色", size: null, sizeText: "大号", other: {}}],
    ["尺码:M/L", {color: null, size: null, sizeText: "M/L", other: {}}],
    // other keys
    ["颜色:黑色;尺码:XL;款式:加绒", {color: "黑色", size: XL, sizeText: "XL", other: {款式: "加绒"}}],
    ["版本:标准版", {color: null, size: null, sizeText: null, other: {版本: "标准版"}}],
    // keys win over content
    ["颜色:XL", {color: "XL", size: null, sizeText: null, other: {}}],
    // two size keys: the recognisable one wins, the other is kept
    [
      "尺码:大童;身高:130",
      {
        color: null,
        size: {label: "130", sortKey: 230, system: "numeric"},
        sizeText: "130",
        other: {尺码: "大童"},
      },
    ],
    ["尺码:XL;身高:175", {color: null, size: XL, sizeText: "XL", other: {身高: "175"}}],
    // duplicate keys
    ["颜色:黑色;颜色:白色", {color: "黑色", size: null, sizeText: null, other: {颜色: "白色"}}],
    ["款式:A;款式:B", {color: null, size: null, sizeText: null, other: {款式: "A", "款式#2": "B"}}],
    // "-" means no value
    ["颜色:-;尺码:XL", {color: null, size: XL, sizeText: "XL", other: {}}],
    // values only
    ["黑色;XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["XL;黑色", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["黑色；XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["XL", {color: null, size: XL, sizeText: "XL", other: {}}],
    ["ＸＬ", {color: null, size: XL, sizeText: "ＸＬ", other: {}}],
    ["黑色", {color: "黑色", size: null, sizeText: null, other: {}}],
    ["黑色;大号", {color: "黑色", size: null, sizeText: null, other: {规格2: "大号"}}],
    ["黑色;XL;加绒", {color: "黑色", size: XL, sizeText: "XL", other: {规格3: "加绒"}}],
    [
      "S;M",
      {color: null, size: {label: "S", sortKey: 2, system: "letter"}, sizeText: "S", other: {规格2: "M"}},
    ],
    // mixed keyed and values-only
    ["颜色:黑色;XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["尺码:XL;黑色", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    // comma fallback only when it clearly separates parts
    ["颜色:黑色,尺码:XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["黑色，XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
    ["黑白,拼色", {color: "黑白,拼色", size: null, sizeText: null, other: {}}],
    ["颜色:黑色,白色;尺码:XL", {color: "黑色,白色", size: XL, sizeText: "XL", other: {}}],
    // newlines separate too
    ["颜色:黑色\n尺码:XL", {color: "黑色", size: XL, sizeText: "XL", other: {}}],
  ])("%j", (text, expected) => {
    expect(parseSpec(text)).toEqual(expected);
  });

  it.each([[""], ["  "], [";"], ["-"], [null], [undefined], [42 as unknown as string]])(
    "empty %j",
    (text) => {
      expect(parseSpec(text)).toEqual({color: null, size: null, sizeText: null, other: {}});
    },
  );

  it("keeps a __proto__ key as data", () => {
    const parts = parseSpec("__proto__:x;颜色:黑色");
    expect(Object.getPrototypeOf(parts.other)).toBe(Object.prototype);
    expect(Object.keys(parts.other)).toEqual(["__proto__"]);
    expect(parts.color).toBe("黑色");
  });
});

describe("sizeFromSkuCode", () => {
  it.each([
    ["ABC123-XL", XL],
    ["ABC123_XL", XL],
    ["ABC123 XL", XL],
    ["ABC-BLK-m", M],
    ["ABC-2XL", {label: "XXL", sortKey: 6, system: "letter"}],
    ["SHOE-38.5", {label: "38.5", sortKey: 138.5, system: "numeric"}],
    ["KID-110", {label: "110", sortKey: 210, system: "numeric"}],
    ["  ABC-XL  ", XL],
    ["ABC-BLK", null],
    ["ABC-001", null],
    ["ABCXL", null],
    ["XL", null],
    ["", null],
    [null, null],
    [undefined, null],
  ])("%j with the default pattern", (code, expected) => {
    expect(sizeFromSkuCode(code, DEFAULT_SKU_SIZE_PATTERN)).toEqual(expected);
  });

  it("uses the named group of a custom pattern", () => {
    const pattern = /^[A-Z]+(?<size>\d{2,3})[A-Z]$/;
    expect(sizeFromSkuCode("TS110B", pattern)).toEqual({label: "110", sortKey: 210, system: "numeric"});
    expect(sizeFromSkuCode("TS999B", pattern)).toBeNull();
  });

  it("returns null when the pattern has no size group", () => {
    expect(sizeFromSkuCode("ABC-XL", /-(\w+)$/)).toBeNull();
  });

  it("gives the same answer on repeated calls with a global pattern", () => {
    const pattern = /-(?<size>\w+)$/g;
    expect(sizeFromSkuCode("ABC-XL", pattern)).toEqual(XL);
    expect(sizeFromSkuCode("ABC-XL", pattern)).toEqual(XL);
    expect(pattern.lastIndex).toBe(0);
  });
});
