import {describe, expect, it} from "vitest";
import {
  classifyReason,
  normalizeReasonText,
  REASON_GROUPS,
  type ReasonGroup,
  type ReasonRule,
} from "../../src/pipelines/normalize/reason.js";
import {OFFICIAL_REASON_RULES, REASON_RULES} from "../../src/pipelines/normalize/reasonTable.js";

// Written by hand from domain.md §6.1 (texts in normalised form) and the grouping of the brief.
const OFFICIAL: readonly (readonly [code: number, text: string, group: ReasonGroup])[] = [
  [1, "多拍/错拍/不想要", "七天无理由"],
  [2, "未按约定时间发货", "物流"],
  [3, "快递一直未送达", "物流"],
  [4, "快递无跟踪记录", "物流"],
  [5, "收到商品少件/错件/空包裹", "错发漏发"],
  [6, "不喜欢/效果不好", "七天无理由"],
  [7, "做工粗糙/有瑕疵/破损或污渍", "质量问题"],
  [8, "功能故障", "质量问题"],
  [9, "效果与商品描述不符", "描述不符"],
  [10, "商品材质/品牌/外观等描述不符", "描述不符"],
  [11, "生产日期/保质期/规格等描述不符", "描述不符"],
  [12, "假冒品牌", "质量问题"],
  [13, "协商一致退款", "协商其他"],
  [14, "缺货", "协商其他"],
  [15, "其他", "协商其他"],
  [16, "大小/尺寸/重量与商品描述不符", "尺码"],
  [17, "生产日期/保质期与商品描述不符", "描述不符"],
  [18, "品种/规格/成分等描述不符", "描述不符"],
  [19, "商品腐烂/变质", "质量问题"],
  [20, "少件/漏发", "错发漏发"],
  [21, "包装/商品破损", "质量问题"],
  [22, "商家发错货", "错发漏发"],
  [23, "与商家协商一致退款", "协商其他"],
  [24, "退运费", "协商其他"],
  [25, "品种/产品/规格/成分等描述不符", "描述不符"],
  [26, "商品腐烂/变质/死亡", "质量问题"],
  [27, "商品变质/过期", "质量问题"],
  [28, "规格等描述不符", "描述不符"],
  [29, "收到商品少件/错件/空包裹", "错发漏发"],
  [30, "盗版", "质量问题"],
  [31, "做工粗糙/有瑕疵/有污渍", "质量问题"],
  [32, "产品破损/损坏", "质量问题"],
  [33, "商品材质/外观等描述不符", "描述不符"],
  [34, "使用后过敏", "质量问题"],
];

// Codes 5 and 29 differ only in slash style: ／ means 29, anything else 5.
const asciiCode = (code: number) => (code === 29 ? 5 : code);
const fullwidthCode = (code: number) => (code === 5 ? 29 : code);

const spaced = (text: string) => text.replaceAll("/", " / ");
const fullwidth = (text: string) => text.replaceAll("/", "／");

describe("reason table", () => {
  it("holds exactly the 34 official codes", () => {
    expect(OFFICIAL_REASON_RULES.map((r) => [r.code, r.text, r.group])).toEqual(OFFICIAL);
  });

  it("has no duplicate text except the official 5/29 pair", () => {
    const texts = REASON_RULES.map((r) => r.text);
    const duplicates = texts.filter((t, i) => texts.indexOf(t) !== i);
    expect(duplicates).toEqual(["收到商品少件/错件/空包裹"]);
  });

  it("stores texts in normalised form and only known groups", () => {
    for (const rule of REASON_RULES) {
      expect(normalizeReasonText(rule.text)).toEqual({text: rule.text, qualityFlag: null, suffix: null});
      expect(REASON_GROUPS).toContain(rule.group);
    }
  });

  it("covers every group", () => {
    expect(new Set(REASON_RULES.map((r) => r.group))).toEqual(new Set(REASON_GROUPS));
  });
});

describe("classifyReason: official texts", () => {
  it.each(OFFICIAL)("%i %s in every slash style and with suffixes", (code, text, group) => {
    const variants: [string, number][] = [
      [text, asciiCode(code)],
      [spaced(text), asciiCode(code)],
      [fullwidth(text), fullwidthCode(code)],
      [text.replaceAll("/", " ／ "), fullwidthCode(code)],
    ];
    for (const [raw, expectedCode] of variants) {
      expect(classifyReason(raw)).toEqual({
        raw,
        text,
        qualityFlag: null,
        suffix: null,
        code: expectedCode,
        group,
      });
      const quality = `${raw}（商品品质原因）`;
      expect(classifyReason(quality)).toEqual({
        raw: quality,
        text,
        qualityFlag: "商品品质",
        suffix: "商品品质原因",
        code: expectedCode,
        group,
      });
      const logistics = `${raw} (物流品质原因)`;
      expect(classifyReason(logistics)).toMatchObject({
        text,
        qualityFlag: "物流品质",
        code: expectedCode,
        group,
      });
    }
  });

  it("uses the verbatim SDK wording", () => {
    expect(classifyReason("多拍 / 错拍 / 不想要")).toMatchObject({code: 1, group: "七天无理由"});
    expect(classifyReason("大小／尺寸／重量与商品描述不符")).toMatchObject({code: 16, group: "尺码"});
    expect(classifyReason("商品腐烂/变质")).toMatchObject({code: 19, group: "质量问题"});
    expect(classifyReason("收到商品少件 / 错件 / 空包裹")).toMatchObject({code: 5});
    expect(classifyReason("收到商品少件／错件／空包裹")).toMatchObject({code: 29});
  });
});

describe("classifyReason: buyer-UI texts (no code)", () => {
  it.each([
    ["七天无理由退货", "七天无理由"],
    ["七天无理由", "七天无理由"],
    ["无理由退款", "七天无理由"],
    ["不想要了", "七天无理由"],
    ["拍错/多拍", "七天无理由"],
    ["拍错 / 多拍", "七天无理由"],
    ["尺码拍错", "七天无理由"],
    ["尺码不合适", "尺码"],
    ["尺码偏大", "尺码"],
    ["尺码偏小", "尺码"],
    ["大小不合适", "尺码"],
    ["质量问题", "质量问题"],
    ["商品质量问题", "质量问题"],
    ["做工粗糙/有瑕疵", "质量问题"],
    ["做工粗糙／有瑕疵", "质量问题"],
    ["商品破损", "质量问题"],
    ["发错货", "错发漏发"],
    ["收到商品与描述不符", "描述不符"],
    ["描述不符", "描述不符"],
    ["商品与页面描述不符", "描述不符"],
    ["未收到货", "物流"],
    ["快递/物流一直未送达", "物流"],
    ["快递／物流一直未送达", "物流"],
    ["拒签", "物流"],
    ["物流问题", "物流"],
  ] as const)("%s → %s", (raw, group) => {
    expect(classifyReason(raw)).toMatchObject({raw, code: null, group});
  });

  it.each([
    ["少件/漏发", 20],
    ["商家发错货", 22],
    ["协商一致退款", 13],
    ["其他", 15],
  ])("%s keeps its official code %i", (raw, code) => {
    expect(classifyReason(raw)?.code).toBe(code);
  });
});

describe("classifyReason: keyword fallback", () => {
  it.each([
    ["7天无理由退货", "七天无理由"],
    ["七天无理由退换", "七天无理由"],
    // 拍错 wins over 尺码: the buyer's own mistake
    ["尺码拍错了", "七天无理由"],
    ["拍错尺码", "七天无理由"],
    ["不喜欢这个颜色", "七天无理由"],
    // 错发 wins over 尺码: the merchant's error
    ["发错尺码", "错发漏发"],
    ["尺码发错了", "错发漏发"],
    ["少发了一件", "错发漏发"],
    ["空包裹", "错发漏发"],
    // 尺码 wins over 描述不符 and 质量
    ["尺寸与描述不符", "尺码"],
    ["大小与描述不符", "尺码"],
    ["尺码不标准质量差", "尺码"],
    ["码数偏小", "尺码"],
    ["衣服偏大", "尺码"],
    // 描述不符 wins over 质量
    ["材质与描述不符", "描述不符"],
    ["质量与描述不符", "描述不符"],
    ["颜色与图片不符", "描述不符"],
    ["有色差", "描述不符"],
    // 质量 wins over 物流
    ["快递破损", "质量问题"],
    ["运输途中破损", "质量问题"],
    ["质量不好", "质量问题"],
    ["衣服起球", "质量问题"],
    ["洗后掉色", "质量问题"],
    ["开线了", "质量问题"],
    ["假货", "质量问题"],
    ["使用后皮肤过敏", "质量问题"],
    // 物流
    ["快递太慢", "物流"],
    ["物流停滞", "物流"],
    ["一直未收到", "物流"],
    ["没收到货", "物流"],
    ["发货太慢", "物流"],
    ["超时未发货", "物流"],
    ["快递员拒签", "物流"],
    // 协商其他 last
    ["协商退款", "协商其他"],
    ["商家缺货了", "协商其他"],
    ["补运费差价", "协商其他"],
    ["其他原因", "协商其他"],
  ] as const)("%s → %s", (raw, group) => {
    expect(classifyReason(raw)).toMatchObject({code: null, group});
  });

  it.each([["随便写的"], ["abc"], ["颜色好看"], ["（商品品质原因）"]])("%s → group null", (raw) => {
    const result = classifyReason(raw);
    expect(result).not.toBeNull();
    expect(result?.group).toBeNull();
    expect(result?.code).toBeNull();
  });

  it("keeps the quality flag of an unknown text", () => {
    expect(classifyReason("莫名其妙的原因（商品品质原因）")).toEqual({
      raw: "莫名其妙的原因（商品品质原因）",
      text: "莫名其妙的原因",
      qualityFlag: "商品品质",
      suffix: "商品品质原因",
      code: null,
      group: null,
    });
  });
});

describe("classifyReason: extraRules", () => {
  const extra: ReasonRule[] = [
    {text: "不喜欢 / 效果不好", group: "描述不符"},
    {text: "颜色好看但是不想要", group: "七天无理由", code: 1},
  ];

  it("are checked before the built-in table, with normalised matching", () => {
    expect(classifyReason("不喜欢／效果不好（商品品质原因）", extra)).toMatchObject({
      code: null,
      group: "描述不符",
      qualityFlag: "商品品质",
    });
    expect(classifyReason("颜色好看但是不想要", extra)).toMatchObject({code: 1, group: "七天无理由"});
  });

  it("fall through to the table and keywords when nothing matches", () => {
    expect(classifyReason("功能故障", extra)).toMatchObject({code: 8, group: "质量问题"});
    expect(classifyReason("衣服起球", extra)).toMatchObject({code: null, group: "质量问题"});
  });

  it("skip malformed entries instead of throwing", () => {
    const broken = [
      null,
      {text: 3},
      {text: "功能故障", group: "nonsense"},
      {text: "", group: "物流"},
    ] as unknown as ReasonRule[];
    expect(classifyReason("功能故障", broken)).toMatchObject({code: 8, group: "质量问题"});
    expect(classifyReason("功能故障", "x" as unknown as ReasonRule[])).toMatchObject({code: 8});
  });
});

describe("classifyReason: empty input", () => {
  it.each([[""], ["   "], ["-"], ["--"], [null], [undefined], [42 as unknown as string]])(
    "%j → null",
    (raw) => {
      expect(classifyReason(raw)).toBeNull();
    },
  );
});

describe("normalizeReasonText", () => {
  it.each([
    ["做工粗糙 / 有瑕疵 / 破损或污渍", "做工粗糙/有瑕疵/破损或污渍", null, null],
    ["做工粗糙／有瑕疵／破损或污渍", "做工粗糙/有瑕疵/破损或污渍", null, null],
    ["做工粗糙 ／ 有瑕疵/ 破损或污渍", "做工粗糙/有瑕疵/破损或污渍", null, null],
    ["  功能故障  ", "功能故障", null, null],
    ["功能故障（商品品质原因）", "功能故障", "商品品质", "商品品质原因"],
    ["功能故障(商品品质原因)", "功能故障", "商品品质", "商品品质原因"],
    ["功能故障 （ 商品品质原因 ）", "功能故障", "商品品质", "商品品质原因"],
    ["功能故障【商品品质原因】", "功能故障", "商品品质", "商品品质原因"],
    ["快递一直未送达（物流品质原因）", "快递一直未送达", "物流品质", "物流品质原因"],
    ["多拍 / 错拍 / 不想要 (无理由)", "多拍/错拍/不想要", null, "无理由"],
    ["功能故障（补充说明）", "功能故障", null, "补充说明"],
    ["功能故障（商品品质原因）（补充）", "功能故障", "商品品质", "商品品质原因 补充"],
    ["商品  材质", "商品 材质", null, null],
    ["（商品品质原因）", "(商品品质原因)", null, null],
    ["效果（实际）与描述不符", "效果(实际)与描述不符", null, null],
  ])("%j", (raw, text, qualityFlag, suffix) => {
    expect(normalizeReasonText(raw)).toEqual({text, qualityFlag, suffix});
  });
});
