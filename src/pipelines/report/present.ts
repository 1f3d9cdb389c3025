/**
 * How the report words and formats its figures, shared by the renderers: the number formats of the
 * dashboard (src/components/format.ts) plus the few the report adds (hours, z, score bands), and
 * the Chinese labels of its signals.
 */
import {formatDelta, formatNumber, formatPercent, formatYuan, MISSING} from "../../components/format.js";
import type {RiskSignalName, ScoreBand} from "./types.js";

export {formatNumber as count, formatYuan as yuan, MISSING};

/** A rate or share: 17.7%. */
export const pct = (value: number | null | undefined): string => formatPercent(value);

/** The platform's small ratios need more digits: its band bounds are 0.026%, 0.180% … */
export const ratio3 = (value: number | null | undefined): string => formatPercent(value, 3);

export const hours = (value: number | null | undefined): string =>
  typeof value === "number" && Number.isFinite(value) ? `${value.toFixed(1)}小时` : MISSING;

export const zScore = (value: number | null | undefined): string =>
  typeof value === "number" && Number.isFinite(value) ? value.toFixed(2) : MISSING;

/** Change of a count or amount: +5.2%. */
export const relative = (current: number | null | undefined, previous: number | null | undefined): string =>
  formatDelta(current, previous, "relative").text;

/** Change of a rate: +1.2个百分点. */
export const points = (current: number | null | undefined, previous: number | null | undefined): string =>
  formatDelta(current, previous, "points").text;

/** A difference that is already a difference of rates (0.012 → +1.2个百分点). */
export const pointChange = (change: number | null | undefined): string => points(change, 0);

export const interval = (low: number | null | undefined, high: number | null | undefined): string =>
  low === null || low === undefined || high === null || high === undefined
    ? MISSING
    : `${pct(low)}–${pct(high)}`;

export const score = (value: number | null | undefined): string =>
  typeof value === "number" ? `${value}分` : "未给出";

/** The range of values a band covers: ≤0.260%, 0.260%–1.310% (exclusive below), >1.310%. */
export function bandRange(bands: readonly ScoreBand[], band: number | null): string {
  const index = bands.findIndex((b) => b.band === band);
  const current = bands[index];
  if (!current) return MISSING;
  const lower = index > 0 ? bands[index - 1]!.upperBound : null;
  if (current.upperBound === null) return lower === null ? "全部" : `>${ratio3(lower)}`;
  return lower === null ? `≤${ratio3(current.upperBound)}` : `${ratio3(lower)}–${ratio3(current.upperBound)}`;
}

export const RISK_LABELS: Record<
  RiskSignalName,
  {label: string; unit: string; notable: string; note: string}
> = {
  late_applications: {
    label: "签收七天后才申请的售后",
    unit: "张",
    notable: "七天无理由",
    note: "七天无理由退货可拒绝；签收时间为估计（marts.risk_late_applications）",
  },
  appeal_candidates: {
    label: "可申诉的品质退货",
    unit: "张",
    notable: "",
    note: "计入商品品质退货率、说明含主观词，可申诉“品质退货与事实不符”（marts.appeal_candidates）",
  },
  shared_tracking: {
    label: "共用的退货运单号",
    unit: "个",
    notable: "不同买家",
    note: "本周又有售后使用同一退货运单号（marts.risk_shared_tracking）",
  },
  risk_buyers: {
    label: "有新申请的风险买家",
    unit: "个",
    notable: "仅退款占比高",
    note: "已标记的买家本周又申请售后（marts.risk_buyers）",
  },
};

/** 2026-11-22 → 11月22日. */
export {formatMonthDay as monthDay} from "../../components/format.js";
