/**
 * Words in 用户售后说明 that show a quality-reason claim is really a change of mind: the buyer picked
 * a 商品品质 reason but wrote 不想要 or 拍错. Such after-sales can be reported to the platform
 * (品质退货与事实不符, domain.md §3.2) to remove them from 商品品质退货率; marts.appeal_candidates
 * lists them. This is the one list: the config (`risk.subjectiveKeywords`) may replace it, and
 * writeCostAssumptions puts the list in force into marts.cost_assumptions for the SQL to read.
 *
 * Matching is by substring, so a short word also matches inside a longer one (拍错 in 尺码拍错);
 * negations (不是不喜欢) are not understood. Provenance: the four examples of domain.md §3.2 [B],
 * the rest our proposal [U] from the same idea.
 */
export const SUBJECTIVE_KEYWORDS: readonly string[] = Object.freeze([
  // domain.md §3.2 [B]
  "不想要",
  "拍错",
  "不喜欢",
  "尺码拍错",
  // [U] the buyer's own mistake or change of mind
  "错拍",
  "多拍",
  "拍多了",
  "买多了",
  "买错",
  "选错",
  "不需要了",
  "不要了",
  "无理由",
  "想象的不一样",
  "上身效果不好",
  "不适合我",
]);
