/**
 * After-sale reason texts as buyers pick them, with the comments (用户售后说明) they type. Texts come
 * from domain.md §6.1 in both slash styles, some with the `（商品品质原因）` suffix newer exports add,
 * some current UI texts outside the official list, and two texts no normaliser can know.
 */
import {Random, WeightedTable} from "./random.js";

export type ReasonGroup =
  "七天无理由" | "质量问题" | "尺码" | "描述不符" | "错发漏发" | "物流" | "协商" | "其他";

export interface ReasonText {
  text: string;
  /** Official reason code of domain.md §6.1, or null for texts outside that list. */
  code: number | null;
  group: ReasonGroup;
  /** True for texts the generator uses on purpose to exercise the "unknown reason" path. */
  unknown: boolean;
}

const reason = (text: string, code: number | null, group: ReasonGroup, unknown = false): ReasonText => ({
  text,
  code,
  group,
  unknown,
});

export const REASONS = {
  sevenDays: reason("七天无理由退货", null, "七天无理由"),
  dislike: reason("不喜欢 / 效果不好", 6, "七天无理由"),
  wrongOrder: reason("多拍 / 错拍 / 不想要", 1, "七天无理由"),
  noLongerWanted: reason("不想要了", null, "七天无理由"),
  size: reason("大小／尺寸／重量与商品描述不符", 16, "尺码"),
  sizeQuality: reason("大小／尺寸／重量与商品描述不符（商品品质原因）", 16, "尺码"),
  sizeUnfit: reason("尺码不合适", null, "尺码"),
  effect: reason("效果与商品描述不符", 9, "描述不符"),
  effectQuality: reason("效果与商品描述不符（商品品质原因）", 9, "描述不符"),
  material: reason("商品材质 / 品牌 / 外观等描述不符", 10, "描述不符"),
  flawSpaced: reason("做工粗糙 / 有瑕疵 / 破损或污渍", 7, "质量问题"),
  flawFullWidth: reason("做工粗糙／有瑕疵／破损或污渍", 7, "质量问题"),
  flawSpacedSuffix: reason("做工粗糙 / 有瑕疵 / 破损或污渍（商品品质原因）", 7, "质量问题"),
  flawFullWidthSuffix: reason("做工粗糙／有瑕疵／破损或污渍（商品品质原因）", 7, "质量问题"),
  flawStain: reason("做工粗糙 / 有瑕疵 / 有污渍", 31, "质量问题"),
  damaged: reason("包装／商品破损", 21, "质量问题"),
  missing: reason("收到商品少件 / 错件 / 空包裹", 5, "错发漏发"),
  wrongItem: reason("商家发错货", 22, "错发漏发"),
  notDelivered: reason("快递一直未送达", 3, "物流"),
  noTracking: reason("快递无跟踪记录", 4, "物流"),
  notReceived: reason("未收到货", null, "物流"),
  late: reason("未按约定时间发货", 2, "物流"),
  agreed: reason("与商家协商一致退款", 23, "协商"),
  wrongAddress: reason("地址/电话信息填写错误", null, "其他"),
  other: reason("其他", 15, "其他"),
  unlikeAd: reason("商品与宣传不一致", null, "其他", true),
  unlikeLive: reason("主播描述与实物不符", null, "其他", true),
} as const;

export type ReasonKey = keyof typeof REASONS;

const table = (entries: readonly (readonly [ReasonKey, number])[]) =>
  new WeightedTable(entries.map(([key, weight]) => [REASONS[key], weight] as const));

/** Reasons for an ordinary after-sale once the parcel has shipped. */
export const POST_SHIP_REASONS = table([
  ["sevenDays", 20],
  ["dislike", 14],
  ["wrongOrder", 5],
  ["size", 10],
  ["sizeQuality", 2],
  ["sizeUnfit", 6],
  ["effect", 7],
  ["effectQuality", 1.5],
  ["material", 6],
  ["flawSpaced", 2.5],
  ["flawFullWidth", 1.5],
  ["flawSpacedSuffix", 1],
  ["flawFullWidthSuffix", 0.7],
  ["flawStain", 0.8],
  ["damaged", 1],
  ["missing", 2],
  ["wrongItem", 2],
  ["notDelivered", 1.2],
  ["noTracking", 0.4],
  ["notReceived", 0.6],
  ["agreed", 1],
  ["other", 3],
  ["unlikeAd", 1.5],
  ["unlikeLive", 1],
]);

export const PRE_SHIP_REASONS = table([
  ["wrongOrder", 45],
  ["noLongerWanted", 22],
  ["wrongAddress", 12],
  ["late", 6],
  ["agreed", 5],
  ["other", 6],
  ["sevenDays", 4],
]);

/** Story 1: the product that runs small. */
export const SIZE_STORY_REASONS = table([
  ["size", 45],
  ["sizeQuality", 15],
  ["sizeUnfit", 40],
]);

/** Story 2: the defective SKUs. */
export const DEFECT_STORY_REASONS = table([
  ["flawSpaced", 30],
  ["flawFullWidth", 20],
  ["flawSpacedSuffix", 20],
  ["flawFullWidthSuffix", 15],
  ["flawStain", 10],
  ["damaged", 5],
]);

/** Story 6: refund-only abusers claim the parcel never came. */
export const ABUSE_STORY_REASONS = table([
  ["notDelivered", 45],
  ["notReceived", 35],
  ["noTracking", 20],
]);

export const NOT_RECEIVED_TEXTS: readonly string[] = [
  REASONS.notDelivered.text,
  REASONS.notReceived.text,
  REASONS.noTracking.text,
];

const COMMENTS: Record<ReasonGroup | "small" | "defect", readonly string[]> = {
  七天无理由: ["-", "-", "不喜欢", "不想要了", "买多了", "上身效果不好", "和想象的不一样", "面料太薄"],
  质量问题: ["有线头", "做工一般", "有个小洞", "开线了", "-"],
  尺码: ["偏大", "尺码不合适", "太长了", "肩宽不合适", "偏小", "-"],
  描述不符: ["颜色和图片不一样", "色差大", "面料和描述不一样", "实物和直播间看到的差别很大", "-"],
  错发漏发: ["发错颜色了", "少了一件", "收到的尺码不对"],
  物流: ["一直没收到", "物流一直不动", "快递显示签收了但我没收到", "没收到货"],
  协商: ["和客服说好了退部分款", "-"],
  其他: ["-", "不想要了", "直播间说的和收到的不一样"],
  small: [
    "偏小",
    "小了一码",
    "尺码偏小，穿不上",
    "平时穿M，这件M太紧了",
    "腰围太小，拉链拉不上",
    "偏小，建议拍大一码",
  ],
  defect: [
    "起球了",
    "洗了一次就起球",
    "掉色严重，染到别的衣服上",
    "有线头，开线了",
    '说是"不起球"结果穿一天就起球',
    "袖口有污渍",
    "掉色",
  ],
};

export type CommentTheme = keyof typeof COMMENTS;

/**
 * A buyer's comment; a few carry a phone number, which the pipeline must mask before anything is
 * shown or stored downstream.
 */
export function buyerComment(random: Random, theme: CommentTheme): {text: string; hasPhone: boolean} {
  const text = random.pick(COMMENTS[theme]);
  if (random.chance(0.025)) {
    const phone = `1${random.pick(["38", "39", "58", "86", "77"])}${random.digits(8)}`;
    const withPhone = random.chance(0.5)
      ? `有问题打我电话${phone}`
      : `${text === "-" ? "尽快处理" : text}，联系电话：${phone}`;
    return {text: withPhone, hasPhone: true};
  }
  return {text, hasPhone: false};
}

const LABELS: Record<ReasonGroup, string> = {
  七天无理由: "-",
  质量问题: "商品质量问题",
  尺码: "尺码不符",
  描述不符: "描述不符",
  错发漏发: "错漏发",
  物流: "物流问题",
  协商: "-",
  其他: "-",
};

/** 售后原因标签: a second-level label, not always filled. */
export function reasonLabel(random: Random, group: ReasonGroup, theme: CommentTheme): string {
  if (theme === "defect") return random.pick(["起球", "掉色", "开线", "污渍"]);
  if (theme === "small") return random.pick(["尺码偏小", "尺码不符"]);
  return random.chance(0.6) ? LABELS[group] : "-";
}
