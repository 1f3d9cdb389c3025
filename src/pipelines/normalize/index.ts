export {normalizeSize, SIZE_LABELS_IN_ORDER, type NormalizedSize, type SizeSystem} from "./size.js";
export {parseSpec, sizeFromSkuCode, DEFAULT_SKU_SIZE_PATTERN, type SpecParts} from "./spec.js";
export {normalizeProvince, PROVINCES, type Province} from "./province.js";
export {
  classifyReason,
  normalizeReasonText,
  REASON_GROUPS,
  type NormalizedReason,
  type QualityFlag,
  type ReasonGroup,
  type ReasonRule,
} from "./reason.js";
export {
  REASON_RULES,
  OFFICIAL_REASON_RULES,
  BUYER_UI_REASON_RULES,
  REASON_KEYWORD_RULES,
  type ReasonKeywordRule,
} from "./reasonTable.js";
