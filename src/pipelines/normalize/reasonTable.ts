/**
 * After-sale reason data: exact texts with codes and groups, and the keyword fallback.
 *
 * Provenance (domain.md §6):
 * - The TEXTS and CODES of OFFICIAL_REASON_RULES are official [A]: the 买家发起售后申请消息 doc
 *   (message 200, ≈2020-21) as reproduced in bububa/jinritemai-go. They are stored in normalised
 *   form (see normalizeReasonText): `/` without spaces, no suffix.
 * - Every GROUP assignment is our proposal [U]; the platform publishes no grouping (§3.2, §6.2).
 * - BUYER_UI_REASON_RULES and REASON_KEYWORD_RULES are our proposal [U]: texts assumed from the
 *   current buyer UI and merchant code, without codes. Confirm them against a real export.
 */

import type {ReasonGroup, ReasonRule} from "./reason.js";

export const OFFICIAL_REASON_RULES: readonly ReasonRule[] = Object.freeze([
  {code: 1, text: "多拍/错拍/不想要", group: "七天无理由"},
  {code: 2, text: "未按约定时间发货", group: "物流"},
  {code: 3, text: "快递一直未送达", group: "物流"},
  {code: 4, text: "快递无跟踪记录", group: "物流"},
  {code: 5, text: "收到商品少件/错件/空包裹", group: "错发漏发"},
  {code: 6, text: "不喜欢/效果不好", group: "七天无理由"},
  {code: 7, text: "做工粗糙/有瑕疵/破损或污渍", group: "质量问题"},
  {code: 8, text: "功能故障", group: "质量问题"},
  {code: 9, text: "效果与商品描述不符", group: "描述不符"},
  {code: 10, text: "商品材质/品牌/外观等描述不符", group: "描述不符"},
  {code: 11, text: "生产日期/保质期/规格等描述不符", group: "描述不符"},
  {code: 12, text: "假冒品牌", group: "质量问题"},
  {code: 13, text: "协商一致退款", group: "协商其他"},
  {code: 14, text: "缺货", group: "协商其他"},
  {code: 15, text: "其他", group: "协商其他"},
  // Officially a "与商品描述不符" reason, but for apparel it is the size bucket (§6.2 caveat).
  {code: 16, text: "大小/尺寸/重量与商品描述不符", group: "尺码"},
  {code: 17, text: "生产日期/保质期与商品描述不符", group: "描述不符"},
  {code: 18, text: "品种/规格/成分等描述不符", group: "描述不符"},
  {code: 19, text: "商品腐烂/变质", group: "质量问题"},
  {code: 20, text: "少件/漏发", group: "错发漏发"},
  {code: 21, text: "包装/商品破损", group: "质量问题"},
  {code: 22, text: "商家发错货", group: "错发漏发"},
  {code: 23, text: "与商家协商一致退款", group: "协商其他"},
  {code: 24, text: "退运费", group: "协商其他"},
  {code: 25, text: "品种/产品/规格/成分等描述不符", group: "描述不符"},
  {code: 26, text: "商品腐烂/变质/死亡", group: "质量问题"},
  {code: 27, text: "商品变质/过期", group: "质量问题"},
  {code: 28, text: "规格等描述不符", group: "描述不符"},
  // Same normalised text as code 5; see FULLWIDTH_SLASH_CODES.
  {code: 29, text: "收到商品少件/错件/空包裹", group: "错发漏发"},
  {code: 30, text: "盗版", group: "质量问题"},
  {code: 31, text: "做工粗糙/有瑕疵/有污渍", group: "质量问题"},
  {code: 32, text: "产品破损/损坏", group: "质量问题"},
  {code: 33, text: "商品材质/外观等描述不符", group: "描述不符"},
  {code: 34, text: "使用后过敏", group: "质量问题"},
] satisfies ReasonRule[]);

/**
 * Codes whose official text was written with full-width `／` (the others use ` / ` or none). Only
 * used to tell apart codes 5 and 29, whose texts differ in nothing else: a raw text with `／`
 * is taken as 29, otherwise as 5.
 */
export const FULLWIDTH_SLASH_CODES: ReadonlySet<number> = new Set([16, 17, 18, 20, 21, 25, 26, 27, 29]);

/**
 * Current buyer-UI texts, UNCONFIRMED [U], hence no code. Texts equal to an official one after
 * normalisation (少件/漏发 = 20, 商家发错货 = 22, 协商一致退款 = 13, 其他 = 15) are left to the
 * official entry so that they keep their code.
 */
export const BUYER_UI_REASON_RULES: readonly ReasonRule[] = Object.freeze([
  {text: "七天无理由退货", group: "七天无理由"},
  {text: "七天无理由", group: "七天无理由"},
  {text: "无理由退款", group: "七天无理由"},
  {text: "不想要了", group: "七天无理由"},
  {text: "拍错/多拍", group: "七天无理由"},
  // The buyer's own mistake, not a product problem (§6.2 apparel caveat).
  {text: "尺码拍错", group: "七天无理由"},
  {text: "尺码不合适", group: "尺码"},
  {text: "尺码偏大", group: "尺码"},
  {text: "尺码偏小", group: "尺码"},
  {text: "大小不合适", group: "尺码"},
  {text: "质量问题", group: "质量问题"},
  {text: "商品质量问题", group: "质量问题"},
  {text: "做工粗糙/有瑕疵", group: "质量问题"},
  {text: "商品破损", group: "质量问题"},
  {text: "发错货", group: "错发漏发"},
  {text: "收到商品与描述不符", group: "描述不符"},
  {text: "描述不符", group: "描述不符"},
  {text: "商品与页面描述不符", group: "描述不符"},
  {text: "未收到货", group: "物流"},
  {text: "快递/物流一直未送达", group: "物流"},
  {text: "拒签", group: "物流"},
  {text: "物流问题", group: "物流"},
] satisfies ReasonRule[]);

/** Exact-match table: official first, so a text in both keeps its official code. */
export const REASON_RULES: readonly ReasonRule[] = Object.freeze([
  ...OFFICIAL_REASON_RULES,
  ...BUYER_UI_REASON_RULES,
]);

export interface ReasonKeywordRule {
  keywords: readonly string[];
  group: ReasonGroup;
}

/**
 * Fallback for texts not in the table, UNCONFIRMED [U]. The FIRST rule with a keyword contained in
 * the normalised text wins, so the order encodes these precedences:
 * 1. 七天无理由 first: 尺码拍错 / 拍错尺码 is the buyer's mistake even though it mentions 尺码.
 * 2. 错发漏发 before 尺码: 发错尺码 is the merchant's error, not a fit problem.
 * 3. 尺码 before 描述不符: 尺寸与描述不符 is about size (like code 16).
 * 4. 描述不符 before 质量问题: 材质与描述不符 / 质量与描述不符 are description mismatches.
 * 5. 质量问题 before 物流: 快递破损 / 运输破损 count with code 21 包装/商品破损.
 * 6. 物流 before 协商其他; 其他 is the very last resort.
 */
export const REASON_KEYWORD_RULES: readonly ReasonKeywordRule[] = Object.freeze([
  {
    group: "七天无理由",
    keywords: ["无理由", "拍错", "多拍", "错拍", "不想要", "不喜欢", "不需要", "效果不好"],
  },
  {group: "错发漏发", keywords: ["错发", "发错", "漏发", "少件", "少发", "错件", "漏件", "缺件", "空包"]},
  {group: "尺码", keywords: ["尺码", "尺寸", "大小", "码数", "码子", "偏大", "偏小", "不合身", "穿不上"]},
  {group: "描述不符", keywords: ["描述不符", "不符", "色差"]},
  {
    group: "质量问题",
    keywords: [
      "质量",
      "瑕疵",
      "破损",
      "损坏",
      "做工",
      "故障",
      "假冒",
      "假货",
      "盗版",
      "过敏",
      "变质",
      "腐烂",
      "过期",
      "污渍",
      "起球",
      "掉色",
      "褪色",
      "缩水",
      "变形",
      "开线",
      "脱线",
      "异味",
    ],
  },
  {
    group: "物流",
    keywords: ["快递", "物流", "未送达", "未收到", "没收到", "拒签", "发货", "配送", "派送", "签收", "丢件"],
  },
  {group: "协商其他", keywords: ["协商", "缺货", "运费", "其他"]},
] satisfies ReasonKeywordRule[]);
