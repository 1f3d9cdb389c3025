import {describe, expect, it} from "vitest";
import {normalizeSize, SIZE_LABELS_IN_ORDER} from "../../src/pipelines/normalize/size.js";

describe("normalizeSize: letter sizes", () => {
  it.each([
    ["XXS", "XXS", 0],
    ["2XS", "XXS", 0],
    ["XS", "XS", 1],
    ["S", "S", 2],
    ["M", "M", 3],
    ["L", "L", 4],
    ["XL", "XL", 5],
    ["XXL", "XXL", 6],
    ["2XL", "XXL", 6],
    ["3XL", "3XL", 7],
    ["XXXL", "3XL", 7],
    ["4XL", "4XL", 8],
    ["XXXXL", "4XL", 8],
    ["5XL", "5XL", 9],
    ["6XL", "6XL", 10],
    // case, full width, 码/号, brackets, whitespace
    ["xl", "XL", 5],
    ["Xl", "XL", 5],
    ["2xl", "XXL", 6],
    ["ＸＬ", "XL", 5],
    ["ｘｌ", "XL", 5],
    ["２ＸＬ", "XXL", 6],
    ["S码", "S", 2],
    ["XL号", "XL", 5],
    ["3XL码", "3XL", 7],
    ["(XL)", "XL", 5],
    ["（XL）", "XL", 5],
    ["【XL】", "XL", 5],
    ["[M]", "M", 3],
    ["  L  ", "L", 4],
    ["\tM\u3000", "M", 3],
    ["X L", "XL", 5],
    // size + bracketed weight hint
    ["L(120-140斤)", "L", 4],
    ["L（120-140斤）", "L", 4],
    ["L【建议120-140斤】", "L", 4],
    ["XL [建议140-160斤]", "XL", 5],
    ["L码(120-140斤)", "L", 4],
    ["L(170/88A)", "L", 4],
  ])("%j → %s", (raw, label, sortKey) => {
    expect(normalizeSize(raw)).toEqual({label, sortKey, system: "letter"});
  });
});

describe("normalizeSize: free size", () => {
  it.each([
    "均码",
    "F",
    "f",
    "FREE",
    "Free",
    "FREESIZE",
    "free size",
    "One Size",
    "ONE SIZE",
    "均码(F)",
    "均码（F）",
    "F码",
    "（均码）",
  ])("%j → 均码", (raw) => {
    expect(normalizeSize(raw)).toEqual({label: "均码", sortKey: 50, system: "free"});
  });
});

describe("normalizeSize: numeric sizes", () => {
  it.each([
    // shoes 35–46 with halves
    ["35", "35", 135],
    ["38", "38", 138],
    ["38.5", "38.5", 138.5],
    ["38.0", "38", 138],
    ["46", "46", 146],
    ["45.5", "45.5", 145.5],
    ["38码", "38", 138],
    ["38.5码", "38.5", 138.5],
    ["３８", "38", 138],
    ["４０码", "40", 140],
    // waist 25–36
    ["25", "25", 125],
    ["28", "28", 128],
    ["36", "36", 136],
    ["腰围28", "28", 128],
    ["腰围 30 码", "30", 130],
    // children's heights 73–170
    ["73", "73", 173],
    ["90", "90", 190],
    ["100", "100", 200],
    ["110", "110", 210],
    ["110cm", "110", 210],
    ["110CM", "110", 210],
    ["110 cm", "110", 210],
    ["120厘米", "120", 220],
    ["身高130", "130", 230],
    ["身高140cm", "140", 240],
    ["170", "170", 270],
    ["110码", "110", 210],
    // GB/T 1335 height/girth + body type
    ["170/88A", "170/88A", 270.088],
    ["170/88a", "170/88A", 270.088],
    ["175/92A", "175/92A", 275.092],
    ["160/84", "160/84", 260.084],
    ["１７０／８８Ａ", "170/88A", 270.088],
    ["170/88A(L)", "170/88A", 270.088],
  ])("%j → %s", (raw, label, sortKey) => {
    expect(normalizeSize(raw)).toEqual({label, sortKey, system: "numeric"});
  });
});

describe("normalizeSize: not a size", () => {
  it.each([
    [""],
    ["   "],
    ["黑色"],
    ["XXXXXL"],
    ["XXXXXXL"],
    ["7XL"],
    ["3XS"],
    ["M/L"],
    ["S-M"],
    ["35/36"],
    ["M(XL)"],
    ["L(均码)"],
    ["大号"],
    ["均"],
    ["码"],
    ["24"],
    ["47"],
    ["72"],
    ["171"],
    ["25.5"],
    ["46.5"],
    ["38.3"],
    ["038"],
    ["1000"],
    ["38cm"],
    ["腰围40"],
    ["腰围38.5"],
    ["身高60"],
    ["-"],
    ["XL 120-140斤"],
    ["L(120-140斤"],
    ["170/20A"],
    ["50/88A"],
    ["x".repeat(100)],
  ])("%j → null", (raw) => {
    expect(normalizeSize(raw)).toBeNull();
  });

  it.each([[null], [undefined], [42 as unknown as string], [{} as unknown as string]])(
    "non-string %j → null",
    (raw) => {
      expect(normalizeSize(raw)).toBeNull();
    },
  );
});

describe("size ordering", () => {
  it("lists the letter sizes in order", () => {
    expect(SIZE_LABELS_IN_ORDER).toEqual([
      "XXS",
      "XS",
      "S",
      "M",
      "L",
      "XL",
      "XXL",
      "3XL",
      "4XL",
      "5XL",
      "6XL",
    ]);
  });

  it("sorts letters, then 均码, then numeric by value", () => {
    const raws = ["110", "均码", "XL", "38.5", "S", "170/88A", "28", "3XL", "38", "165/84A", "170"];
    const sorted = raws
      .map((r) => normalizeSize(r))
      .filter((s) => s !== null)
      .sort((a, b) => a.sortKey - b.sortKey)
      .map((s) => s.label);
    expect(sorted).toEqual([
      "S",
      "XL",
      "3XL",
      "均码",
      "28",
      "38",
      "38.5",
      "110",
      "165/84A",
      "170",
      "170/88A",
    ]);
  });

  it("gives each letter label its index as sortKey", () => {
    SIZE_LABELS_IN_ORDER.forEach((label, i) => expect(normalizeSize(label)?.sortKey).toBe(i));
  });

  it("returns fresh objects", () => {
    const a = normalizeSize("XL");
    const b = normalizeSize("XL");
    expect(a).not.toBe(b);
    expect(a).toEqual(b);
  });
});
