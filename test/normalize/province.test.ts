import {describe, expect, it} from "vitest";
import {normalizeProvince, PROVINCES} from "../../src/pipelines/normalize/province.js";

// Written by hand from domain.md §7, independently of PROVINCES.
const EXPECTED: readonly (readonly [code: string, full: string, short: string])[] = [
  ["110000", "北京市", "北京"],
  ["120000", "天津市", "天津"],
  ["130000", "河北省", "河北"],
  ["140000", "山西省", "山西"],
  ["150000", "内蒙古自治区", "内蒙古"],
  ["210000", "辽宁省", "辽宁"],
  ["220000", "吉林省", "吉林"],
  ["230000", "黑龙江省", "黑龙江"],
  ["310000", "上海市", "上海"],
  ["320000", "江苏省", "江苏"],
  ["330000", "浙江省", "浙江"],
  ["340000", "安徽省", "安徽"],
  ["350000", "福建省", "福建"],
  ["360000", "江西省", "江西"],
  ["370000", "山东省", "山东"],
  ["410000", "河南省", "河南"],
  ["420000", "湖北省", "湖北"],
  ["430000", "湖南省", "湖南"],
  ["440000", "广东省", "广东"],
  ["450000", "广西壮族自治区", "广西"],
  ["460000", "海南省", "海南"],
  ["500000", "重庆市", "重庆"],
  ["510000", "四川省", "四川"],
  ["520000", "贵州省", "贵州"],
  ["530000", "云南省", "云南"],
  ["540000", "西藏自治区", "西藏"],
  ["610000", "陕西省", "陕西"],
  ["620000", "甘肃省", "甘肃"],
  ["630000", "青海省", "青海"],
  ["640000", "宁夏回族自治区", "宁夏"],
  ["650000", "新疆维吾尔自治区", "新疆"],
  ["710000", "台湾省", "台湾"],
  ["810000", "香港特别行政区", "香港"],
  ["820000", "澳门特别行政区", "澳门"],
];

describe("PROVINCES", () => {
  it("has all 34 divisions in code order", () => {
    expect(PROVINCES).toHaveLength(34);
    expect(PROVINCES.map((p) => [p.code, p.name, p.short])).toEqual(EXPECTED);
  });
});

describe("normalizeProvince: all 34", () => {
  it.each(EXPECTED)("%s %s / %s", (code, full, short) => {
    expect(normalizeProvince(full)?.code).toBe(code);
    expect(normalizeProvince(short)?.code).toBe(code);
    expect(normalizeProvince(code)?.code).toBe(code);
    expect(normalizeProvince(code.slice(0, 2))?.code).toBe(code);
    expect(normalizeProvince(`中国${full}`)?.code).toBe(code);
    expect(normalizeProvince(` ${short} `)?.code).toBe(code);
    expect(normalizeProvince(full)).toEqual({code, name: full, short});
  });
});

describe("normalizeProvince: variants", () => {
  it.each([
    ["内蒙", "150000"],
    ["内蒙自治区", "150000"],
    ["内蒙古省", "150000"],
    ["广西省", "450000"],
    ["广西壮族", "450000"],
    ["新疆省", "650000"],
    ["新疆维吾尔族自治区", "650000"],
    ["宁夏省", "640000"],
    ["宁夏回族", "640000"],
    ["西藏省", "540000"],
    ["黑龙江省", "230000"],
    ["香港特区", "810000"],
    ["中国香港", "810000"],
    ["中國香港", "810000"],
    ["中国 香港", "810000"],
    ["中华人民共和国香港特别行政区", "810000"],
    ["澳门特区", "820000"],
    ["澳門", "820000"],
    ["中国台湾", "710000"],
    ["台灣", "710000"],
    ["臺灣省", "710000"],
    ["830000", "710000"],
    ["83", "710000"],
    ["４４００００", "440000"],
    ["41", "410000"],
    ["北京省", "110000"],
    // 山西 vs 陕西
    ["山西", "140000"],
    ["山西省", "140000"],
    ["山西省太原市", "140000"],
    ["陕西", "610000"],
    ["陕西省", "610000"],
    ["陕西省西安市", "610000"],
    ["140000", "140000"],
    ["610000", "610000"],
    // whole addresses: the province at the start
    ["广东省深圳市南山区", "440000"],
    ["广东省 深圳市 南山区", "440000"],
    ["广东深圳市", "440000"],
    ["北京市北京市朝阳区", "110000"],
    ["北京 / 北京市 / 朝阳区", "110000"],
    ["吉林市", "220000"],
    ["江苏镇江市", "320000"],
    ["黑龙江道里区", "230000"],
    ["青海海南藏族自治州", "630000"],
    ["云南大理白族自治州", "530000"],
    ["湖南湘西土家族苗族自治州", "430000"],
    ["四川凉山彝族自治州", "510000"],
    ["内蒙古自治区乌海市海南区", "150000"],
  ])("%j → %s", (raw, code) => {
    expect(normalizeProvince(raw)?.code).toBe(code);
  });
});

describe("normalizeProvince: unknown bucket", () => {
  it.each([
    [""],
    ["  "],
    ["-"],
    ["海外"],
    ["国外"],
    ["其他"],
    ["中国"],
    ["未知"],
    ["广"],
    ["省"],
    ["abc"],
    ["Guangdong"],
    // places that merely start with a province name
    ["海南藏族自治州"],
    ["河南蒙古族自治县"],
    ["海南区"],
    ["海南州"],
    ["北京路"],
    ["河南县"],
    // codes that are not province-level
    ["440300"],
    ["123456"],
    ["99"],
    ["00"],
    ["4400"],
    ["4400000"],
    ["1"],
  ])("%j → null", (raw) => {
    expect(normalizeProvince(raw)).toBeNull();
  });

  it.each([[null], [undefined], [44 as unknown as string]])("non-string %j → null", (raw) => {
    expect(normalizeProvince(raw)).toBeNull();
  });
});
