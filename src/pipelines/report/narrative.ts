/**
 * The summary in Chinese: one sentence per topic, from fixed templates filled with the data's own
 * figures (nothing is invented; a topic with nothing to report says so). Deterministic: the same
 * data gives the same words.
 */
import {perWeek} from "./figures.js";
import {
  count,
  hours,
  interval,
  monthDay,
  pct,
  pointChange,
  points,
  ratio3,
  relative,
  RISK_LABELS,
  score,
  yuan,
} from "./present.js";
import type {Figures, ReportData} from "./types.js";

const LISTED = 3;

/** The first few items, then how many there are in all: "a；b；c；等 5 个". */
function listOf(items: readonly string[], unit: string): string {
  const shown = items.slice(0, LISTED).join("；");
  return items.length > LISTED ? `${shown}；等 ${items.length} ${unit}` : shown;
}

function orders(data: ReportData): string {
  const {current, previous, prior4} = data.headline;
  return (
    `本周已支付子订单 ${count(current.paidOrders)} 笔，较上周 ${relative(current.paidOrders, previous.weeksWithData ? previous.paidOrders : null)}，` +
    `较前四周平均 ${relative(current.paidOrders, perWeek(prior4.paidOrders, prior4))}。`
  );
}

function returnRate(data: ReportData): string {
  const {current, previous, prior4} = data.headline;
  const observed = `本周批次件数退货率至今 ${pct(current.unitReturnRate)}（发货 ${count(current.shippedUnits)} 件，退货 ${count(current.returnedUnits)} 件）`;
  const f = current.forecast;
  if (f && !f.isMature)
    return (
      `${observed}；批次尚未成熟（完成度 ${pct(f.completionShare)}），预测最终 ${pct(f.rate)}（95%区间 ${interval(f.rateLow, f.rateHigh)}），` +
      `较上周预测 ${points(f.rate, previous.forecast?.rate)}，较前四周预测 ${points(f.rate, prior4.forecast?.rate)}。`
    );
  return (
    `${observed}，批次已成熟；较上周 ${points(current.unitReturnRate, previous.unitReturnRate)}，` +
    `较前四周 ${points(current.unitReturnRate, prior4.unitReturnRate)}。`
  );
}

function costs(data: ReportData): string {
  const {current, previous} = data.headline;
  const has = (f: Figures) => (f.weeksWithData > 0 ? f : null);
  const immature = current.forecast && !current.forecast.isMature ? "，本周批次未成熟，还会增加" : "";
  return (
    `退款金额 ${yuan(current.refundAmount)}，物流成本 ${yuan(current.logisticsCostAmount)}，损耗 ${yuan(current.lossAmount)}，` +
    `较上周分别 ${relative(current.refundAmount, has(previous)?.refundAmount)}、${relative(current.logisticsCostAmount, has(previous)?.logisticsCostAmount)}、` +
    `${relative(current.lossAmount, has(previous)?.lossAmount)}（按支付批次归属${immature}）。`
  );
}

function reasons(data: ReportData): string {
  const {reasons, settings} = data;
  if (!reasons.comparable)
    return `退货原因：本周无原因结构比较（退货不足 ${count(settings.minReturnedUnits)} 件）。`;
  if (reasons.moved.length === 0)
    return `退货原因：本周无占比变化达到 ${pointChange(settings.reasonShareThreshold).replace(/^\+/, "")} 的原因分组。`;
  return `退货原因：${listOf(
    reasons.moved.map(
      (r) =>
        `${r.reasonGroup} 占比 ${pct(r.currentShare)}（前四周 ${pct(r.priorShare)}，${pointChange(r.change)}）`,
    ),
    "个分组",
  )}。`;
}

function skus(data: ReportData): string {
  const {spikes, top, spikeWeek} = data.skus;
  const first = spikes.filter((s) => s.previousSpikeWeek === null).length;
  const spikeText =
    spikes.length === 0
      ? `本周无新检测到的突增（批次周 ${spikeWeek.week}）`
      : `批次周 ${spikeWeek.week} 有 ${count(spikes.length)} 个 SKU 突增（其中首次 ${count(first)} 个）：${listOf(
          spikes.map(
            (s) =>
              `${s.skuCode} 14天退货率 ${pct(s.returnRateByDay14)}（前四周 ${pct(s.priorReturnRateByDay14)}）`,
          ),
          "个",
        )}`;
  const most = top[0];
  const topText = most
    ? `；本周退货最多的是 ${most.skuCode}（${most.productName ?? most.productId ?? most.shopId}），退货 ${count(most.returnedUnits)} 件`
    : "";
  return `SKU：${spikeText}${topText}。`;
}

function sizes(data: ReportData): string {
  if (data.sizes.length === 0) return "尺码：本周无偏小或偏大的商品。";
  const small = data.sizes.filter((s) => s.verdict === "偏小").length;
  return `尺码：${count(small)} 个商品偏小、${count(data.sizes.length - small)} 个偏大（累计数据）：${listOf(
    data.sizes.map(
      (s) =>
        `${s.productName ?? s.productId} ${s.verdict}（偏小说法 ${count(s.smallMentionOrders)} 单，偏大 ${count(s.largeMentionOrders)} 单）`,
    ),
    "个商品",
  )}。`;
}

function provinces(data: ReportData): string {
  const {provinces} = data;
  if (provinces.moved.length === 0) return "地区：本周无退货率明显变化的省份。";
  return `地区：${listOf(
    provinces.moved.map(
      (p) =>
        `${p.provinceName} 退货率 ${pct(p.currentRate)}（前四周 ${pct(p.priorRate)}），扣除全部省份的变化后 ${pointChange(p.excessChange)}`,
    ),
    "个省份",
  )}。`;
}

function platform(data: ReportData): string {
  const scored = data.platform.scores.filter(
    (s) => s.value !== null && (data.platform.bands[s.metric]?.length ?? 0) > 0,
  );
  if (scored.length === 0) return "平台体验分指标：本周无估算。";
  const shops = [...new Set(scored.map((s) => s.shopId))];
  return `平台体验分指标（估算）：${shops
    .map((shop) => {
      const rows = scored.filter((s) => s.shopId === shop);
      return `${shop} ${rows
        .map(
          (s) =>
            `${s.metricLabel} ${ratio3(s.value)}（${score(s.bandScore)}档${s.lowVolume ? "，样本不足" : ""}）`,
        )
        .join("、")}（${monthDay(rows[0]!.date)}）`;
    })
    .join("；")}。`;
}

function sla(data: ReportData): string {
  const {backlog, times} = data.sla;
  const overdue = backlog.reduce((sum, b) => sum + b.overdueCount, 0);
  const inWeek = backlog.reduce((sum, b) => sum + b.overdueInWeekCount, 0);
  const due = backlog.reduce((sum, b) => sum + b.due24hCount, 0);
  const backlogText =
    overdue === 0
      ? `本周无逾期未处理的售后，24小时内到期 ${count(due)} 张`
      : `逾期未处理的售后 ${count(overdue)} 张（截止时间在本周的 ${count(inWeek)} 张），24小时内到期 ${count(due)} 张`;
  const slowest = [...times]
    .filter((t) => t.reviewHoursP90 !== null)
    .sort((a, b) => b.reviewHoursP90! - a.reviewHoursP90! || a.shopId.localeCompare(b.shopId))[0];
  const timeText = slowest
    ? `；审核时长P90最长的是 ${slowest.shopId}，${hours(slowest.reviewHoursP90)}（前四周平均 ${hours(slowest.priorReviewHoursMean)}）`
    : "";
  return `售后时效：${backlogText}${timeText}。`;
}

function risks(data: ReportData): string {
  const found = data.risks.filter((r) => r.count > 0);
  if (found.length === 0) return "风险信号：本周无新的风险信号。";
  return `风险信号：本周新增${found
    .map((r) => {
      const label = RISK_LABELS[r.signal];
      const notable =
        label.notable && r.notableCount !== null
          ? `（${label.notable} ${count(r.notableCount)}${label.unit}）`
          : "";
      return `${label.label} ${count(r.count)}${label.unit}${notable}`;
    })
    .join("、")}。`;
}

/** The summary sentences, in the order of the report's sections. */
export function narrative(data: ReportData): string[] {
  return [
    orders(data),
    returnRate(data),
    costs(data),
    reasons(data),
    skus(data),
    sizes(data),
    provinces(data),
    platform(data),
    sla(data),
    risks(data),
  ];
}
