/**
 * The report's content as a list of blocks of plain text (headings, lists, tables, notes), built
 * once from the data and written out by each renderer with its own escaping, so that the Markdown,
 * the HTML and the dashboard page say exactly the same thing. Every number is formatted here from a
 * field of the data; sentences come from fixed templates.
 */
import {perWeek} from "./figures.js";
import {narrative} from "./narrative.js";
import {
  bandRange,
  count,
  hours,
  interval,
  MISSING,
  pct,
  pointChange,
  points,
  ratio3,
  relative,
  RISK_LABELS,
  score,
  yuan,
  zScore,
} from "./present.js";
import type {Figures, ReportData} from "./types.js";

export type Align = "left" | "right";

export type Block =
  | {kind: "heading"; level: 1 | 2 | 3; text: string}
  | {kind: "paragraph"; text: string}
  | {kind: "list"; items: string[]}
  | {kind: "note"; text: string}
  | {kind: "table"; name: string; headers: string[]; align: Align[]; rows: string[][]}
  /** The trend chart: drawn in HTML, left out of Markdown (which has the trend table). */
  | {kind: "chart"};

const table = (
  name: string,
  columns: [header: string, align: Align][],
  rows: string[][],
): Extract<Block, {kind: "table"}> => ({
  kind: "table",
  name,
  headers: columns.map(([h]) => h),
  align: columns.map(([, a]) => a),
  rows,
});

/** 2026-W43–W46; the year of the last week kept when it is another (2026-W52–2027-W03). */
function weekRange(weeks: readonly string[]): string {
  const first = weeks[0] ?? "";
  const last = weeks[weeks.length - 1] ?? "";
  if (weeks.length < 2) return first;
  return `${first}–${last.slice(0, 5) === first.slice(0, 5) ? last.slice(5) : last}`;
}

function headlineRows(data: ReportData): string[][] {
  const {current, previous, prior4} = data.headline;
  const avg = (f: (x: Figures) => number) => perWeek(f(prior4), prior4);
  const has = (f: Figures) => f.weeksWithData > 0;
  const countRow = (label: string, f: (x: Figures) => number, format: (v: number | null) => string) => [
    label,
    format(f(current)),
    has(previous) ? format(f(previous)) : MISSING,
    format(avg(f)),
    relative(f(current), has(previous) ? f(previous) : null),
    relative(f(current), avg(f)),
  ];
  const rateRow = (label: string, f: (x: Figures) => number | null | undefined) => [
    label,
    pct(f(current)),
    pct(f(previous)),
    pct(f(prior4)),
    points(f(current), f(previous)),
    points(f(current), f(prior4)),
  ];
  const maturity = (x: Figures) =>
    x.forecast ? `${pct(x.forecast.completionShare)}${x.forecast.isMature ? " 已成熟" : " 未成熟"}` : MISSING;
  const range = (x: Figures) => interval(x.forecast?.rateLow, x.forecast?.rateHigh);
  return [
    countRow("已支付子订单", (x) => x.paidOrders, count),
    countRow("已发货件数", (x) => x.shippedUnits, count),
    countRow("已退货件数（至今）", (x) => x.returnedUnits, count),
    rateRow("件数退货率（至今）", (x) => x.unitReturnRate),
    rateRow("预测最终退货率", (x) => x.forecast?.rate),
    ["预测95%区间", range(current), range(previous), range(prior4), MISSING, MISSING],
    ["批次完成度", maturity(current), maturity(previous), maturity(prior4), MISSING, MISSING],
    countRow("退款金额", (x) => x.refundAmount, yuan),
    countRow("物流成本", (x) => x.logisticsCostAmount, yuan),
    countRow("损耗", (x) => x.lossAmount, yuan),
  ];
}

function maturityNote(data: ReportData): string {
  const {current, previous, prior4} = data.headline;
  const periods: [string, Figures][] = [
    ["本周", current],
    ["上周", previous],
    ["前四周", prior4],
  ];
  const immature = periods.filter(([, f]) => f.forecast && !f.forecast.isMature);
  if (immature.length === 0) return "成熟度：本周及对比各期的批次均已成熟，退货率与成本不会再有明显变化。";
  return (
    `成熟度：${immature.map(([label, f]) => `${label}批次完成度 ${pct(f.forecast!.completionShare)}`).join("，")}，尚未成熟。` +
    "未成熟批次仍在产生退货，至今观测的退货率、退款、物流成本和损耗都偏低，还会上升；退货率请看预测最终值及其95%区间（marts.cohort_maturity）。"
  );
}

function trendRows(data: ReportData): string[][] {
  return [...data.trend]
    .reverse()
    .map((point) => [
      point.week,
      count(point.shippedUnits),
      pct(point.unitReturnRate),
      pct(point.forecast?.rate),
      interval(point.forecast?.rateLow, point.forecast?.rateHigh),
      point.forecast
        ? `${pct(point.forecast.completionShare)}${point.forecast.isMature ? "" : " 未成熟"}`
        : MISSING,
    ]);
}

function reasonBlocks(data: ReportData): Block[] {
  const {reasons, settings, headline} = data;
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "退货原因"},
    {
      kind: "paragraph",
      text:
        `各原因分组占退货件数的比例，本周与前四周（${weekRange(headline.prior4.weeks)}）比较，变化达到 ${pointChange(settings.reasonShareThreshold).replace(/^\+/, "")} 的列出。` +
        `本周退货 ${count(reasons.currentReturnedUnits)} 件，前四周 ${count(reasons.priorReturnedUnits)} 件。`,
    },
  ];
  if (!reasons.comparable)
    blocks.push({
      kind: "paragraph",
      text: `本周无原因结构比较：本周或前四周退货不足 ${count(settings.minReturnedUnits)} 件。`,
    });
  else if (reasons.moved.length === 0)
    blocks.push({kind: "paragraph", text: "本周无占比变化达到阈值的原因分组。"});
  else
    blocks.push(
      table(
        "reasons",
        [
          ["原因分组", "left"],
          ["本周退货件数", "right"],
          ["本周占比", "right"],
          ["前四周退货件数", "right"],
          ["前四周占比", "right"],
          ["变化", "right"],
        ],
        reasons.moved.map((r) => [
          r.reasonGroup,
          count(r.currentUnits),
          pct(r.currentShare),
          count(r.priorUnits),
          pct(r.priorShare),
          pointChange(r.change),
        ]),
      ),
    );
  return blocks;
}

function skuBlocks(data: ReportData): Block[] {
  const {skus} = data;
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "SKU"},
    {
      kind: "paragraph",
      text:
        `突增检测：批次周 ${skus.spikeWeek.week} 的订单本周满 14 天，用支付后 14 天内的退货与其前四周比较（marts.sku_weekly）。` +
        "“首次”表示该 SKU 以前没有突增过。",
    },
  ];
  if (skus.spikes.length === 0)
    blocks.push({kind: "paragraph", text: `本周无新检测到的 SKU 突增（批次周 ${skus.spikeWeek.week}）。`});
  else
    blocks.push(
      table(
        "sku-spikes",
        [
          ["店铺", "left"],
          ["SKU", "left"],
          ["商品", "left"],
          ["发货件数", "right"],
          ["14天退货件数", "right"],
          ["14天退货率", "right"],
          ["前四周14天退货率", "right"],
          ["z", "right"],
          ["上次突增", "left"],
        ],
        skus.spikes.map((s) => [
          s.shopId,
          s.skuCode,
          s.productName ?? MISSING,
          count(s.shippedUnits),
          count(s.returnedUnitsByDay14),
          pct(s.returnRateByDay14),
          pct(s.priorReturnRateByDay14),
          zScore(s.zScore),
          s.previousSpikeWeek ?? "首次",
        ]),
      ),
    );
  blocks.push({
    kind: "paragraph",
    text: "本周订单中退货件数最多的 SKU（至今），及其在问题 SKU 排名中的位置（marts.problem_skus，全部已载入数据）：",
  });
  if (skus.top.length === 0) blocks.push({kind: "paragraph", text: "本周无 SKU 退货。"});
  else
    blocks.push(
      table(
        "sku-top",
        [
          ["店铺", "left"],
          ["SKU", "left"],
          ["商品", "left"],
          ["发货件数", "right"],
          ["退货件数", "right"],
          ["退货率（至今）", "right"],
          ["问题SKU排名", "right"],
          ["收缩后退货率", "right"],
          ["主要原因", "left"],
        ],
        skus.top.map((s) => [
          s.shopId,
          s.skuCode,
          s.productName ?? MISSING,
          count(s.shippedUnits),
          count(s.returnedUnits),
          pct(s.returnRate),
          s.problemRank === null ? MISSING : `${s.problemRank}${s.lowVolume ? "（量少）" : ""}`,
          pct(s.shrunkRate),
          s.topReasonGroup ?? MISSING,
        ]),
      ),
    );
  return blocks;
}

function sizeBlocks(data: ReportData): Block[] {
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "尺码"},
    {
      kind: "paragraph",
      text: "按退货说明中偏小、偏大的说法判定的商品（marts.product_size_verdicts，全部已载入数据）。",
    },
  ];
  if (data.sizes.length === 0) blocks.push({kind: "paragraph", text: "本周无偏小或偏大的商品。"});
  else
    blocks.push(
      table(
        "sizes",
        [
          ["店铺", "left"],
          ["商品", "left"],
          ["结论", "left"],
          ["尺码退货单数", "right"],
          ["偏小说法", "right"],
          ["偏大说法", "right"],
          ["同向占比", "right"],
          ["退货偏多的尺码", "left"],
        ],
        data.sizes.map((s) => [
          s.shopId,
          s.productName ?? s.productId,
          s.verdict,
          count(s.sizeReturnedOrders),
          count(s.smallMentionOrders),
          count(s.largeMentionOrders),
          pct(s.share),
          s.sizesReturningMore ?? MISSING,
        ]),
      ),
    );
  return blocks;
}

function commentThemeBlocks(data: ReportData): Block[] {
  const themes = data.commentThemes;
  const weeks = count(themes.priorWeeks);
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "买家说法"},
    {
      kind: "paragraph",
      text:
        `按售后申请周：本周申请、有说明（用户售后说明）的售后 ${count(themes.commentedCount)} 单，其中 ${count(themes.themedCount)} 单说到词表中的主题（marts.sku_comment_themes，一条说明可含多个主题）。` +
        `增长：某 SKU 的某主题本周售后数比前 ${weeks} 周的周均多至少 ${count(themes.minCountIncrease)} 单，` +
        `且占该 SKU 有说明售后的比例比前 ${weeks} 周高至少 ${pointChange(themes.minShareIncrease).replace(/^\+/, "")}。`,
    },
  ];
  if (themes.growing.length === 0) blocks.push({kind: "paragraph", text: "本周无增长的买家说法主题。"});
  else
    blocks.push(
      table(
        "comment-themes",
        [
          ["店铺", "left"],
          ["SKU", "left"],
          ["商品", "left"],
          ["主题", "left"],
          ["本周售后数", "right"],
          ["占有说明售后", "right"],
          [`前${weeks}周周均`, "right"],
          [`前${weeks}周占比`, "right"],
          ["变化", "right"],
        ],
        themes.growing.map((t) => [
          t.shopId,
          t.skuCode,
          t.productName ?? t.productId ?? MISSING,
          t.theme,
          count(t.afterSaleCount),
          pct(t.shareOfComments),
          t.priorAverageCount === null ? MISSING : t.priorAverageCount.toFixed(1),
          pct(t.priorShareOfComments),
          pointChange(t.shareIncrease),
        ]),
      ),
    );
  return blocks;
}

function provinceBlocks(data: ReportData): Block[] {
  const {provinces, settings, headline} = data;
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "地区"},
    {
      kind: "paragraph",
      text:
        `各省本周件数退货率（至今）与前四周（${weekRange(headline.prior4.weeks)}）比较，扣除全部省份合计的变化` +
        `（本周 ${pct(provinces.currentRate)}，前四周 ${pct(provinces.priorRate)}，${pointChange(provinces.change)}：本周批次较新，退货率普遍偏低）。` +
        `两期各至少 ${count(settings.minVolume)} 件才比较，共比较 ${count(provinces.compared)} 个省份；` +
        `扣除后的变化达到 ${pointChange(settings.provinceThreshold).replace(/^\+/, "")} 且 |z| ≥ 1.96 的列出。`,
    },
  ];
  if (provinces.moved.length === 0) blocks.push({kind: "paragraph", text: "本周无退货率明显变化的省份。"});
  else
    blocks.push(
      table(
        "provinces",
        [
          ["省份", "left"],
          ["本周发货件数", "right"],
          ["本周退货率", "right"],
          ["前四周发货件数", "right"],
          ["前四周退货率", "right"],
          ["变化", "right"],
          ["扣除全部后", "right"],
          ["z", "right"],
        ],
        provinces.moved.map((p) => [
          p.provinceName,
          count(p.currentShippedUnits),
          pct(p.currentRate),
          count(p.priorShippedUnits),
          pct(p.priorRate),
          pointChange(p.change),
          pointChange(p.excessChange),
          zScore(p.zScore),
        ]),
      ),
    );
  return blocks;
}

function platformBlocks(data: ReportData): Block[] {
  const {scores, bands} = data.platform;
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "平台体验分指标（估算）"},
    {
      kind: "paragraph",
      text: "近30天滚动窗口，取本周最后一天（marts.platform_score_daily）；平台用我们没有的数据计算，这里是按其公布口径的估算。分档见 marts.cost_assumptions。",
    },
  ];
  if (scores.length === 0) {
    blocks.push({kind: "paragraph", text: "本周无平台指标估算（没有店铺的数据覆盖本周）。"});
    return blocks;
  }
  const value = (unit: string, v: number | null) => (unit === "hours" ? hours(v) : ratio3(v));
  blocks.push(
    table(
      "platform",
      [
        ["店铺", "left"],
        ["指标", "left"],
        ["日期", "left"],
        ["数值", "right"],
        ["分档得分", "right"],
        ["本档范围", "left"],
        ["上周末", "right"],
        ["上周末得分", "right"],
        ["分母", "right"],
        ["备注", "left"],
      ],
      scores.map((s) => {
        const banded = (bands[s.metric]?.length ?? 0) > 0;
        const notes = [
          s.lowVolume ? "样本不足，平台不展示" : "",
          s.isFullWindow ? "" : "窗口内数据不满30天",
        ].filter(Boolean);
        return [
          s.shopId,
          s.metricLabel,
          s.date,
          value(s.unit, s.value),
          banded && s.value !== null ? score(s.bandScore) : MISSING,
          banded && s.value !== null ? bandRange(bands[s.metric]!, s.band) : MISSING,
          value(s.unit, s.previousValue),
          banded && s.previousValue !== null ? score(s.previousBandScore) : MISSING,
          count(s.denominator),
          notes.join("；") || MISSING,
        ];
      }),
    ),
  );
  return blocks;
}

function slaBlocks(data: ReportData): Block[] {
  const {backlog, times} = data.sla;
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "售后时效与逾期"},
    {
      kind: "paragraph",
      text: "未完结售后截至各店最新数据时间（marts.after_sale_backlog）：逾期 = 已过平台的自动处理截止时间仍未完结；不再出现在最新导出中的单独计为状态未知。",
    },
  ];
  if (backlog.length === 0) blocks.push({kind: "paragraph", text: "本周无未完结的售后。"});
  else {
    if (backlog.every((b) => b.overdueCount === 0))
      blocks.push({kind: "paragraph", text: "本周无逾期未处理的售后。"});
    blocks.push(
      table(
        "backlog",
        [
          ["店铺", "left"],
          ["截至", "left"],
          ["未完结", "right"],
          ["已逾期", "right"],
          ["其中截止时间在本周", "right"],
          ["24小时内到期", "right"],
          ["状态未知", "right"],
        ],
        backlog.map((b) => [
          b.shopId,
          b.asOfAt,
          count(b.openCount),
          count(b.overdueCount),
          count(b.overdueInWeekCount),
          count(b.due24hCount),
          count(b.staleCount),
        ]),
      ),
    );
  }
  blocks.push({
    kind: "paragraph",
    text: "本周申请的售后的处理时长（marts.after_sale_times_weekly，全部类型）：只含已处理的，最近几周会随处理继续变化；前四周为平均值。",
  });
  if (times.length === 0) blocks.push({kind: "paragraph", text: "本周无售后申请。"});
  else
    blocks.push(
      table(
        "handling-times",
        [
          ["店铺", "left"],
          ["本周申请", "right"],
          ["已审核", "right"],
          ["审核时长中位数", "right"],
          ["审核时长P90", "right"],
          ["前四周平均审核时长", "right"],
          ["已退款", "right"],
          ["退款时长中位数", "right"],
          ["退款时长P90", "right"],
          ["前四周平均退款时长", "right"],
        ],
        times.map((t) => [
          t.shopId,
          count(t.afterSaleCount),
          count(t.reviewedCount),
          hours(t.reviewHoursP50),
          hours(t.reviewHoursP90),
          hours(t.priorReviewHoursMean),
          count(t.refundedCount),
          hours(t.refundHoursP50),
          hours(t.refundHoursP90),
          hours(t.priorRefundHoursMean),
        ]),
      ),
    );
  return blocks;
}

function parcelBlocks(data: ReportData): Block[] {
  const {stuckDays, shops} = data.parcels;
  const days = stuckDays === null ? MISSING : String(stuckDays);
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "退货物流"},
    {
      kind: "paragraph",
      text: `买家已寄回、商家尚未收到的退货截至各店最新数据时间（marts.return_parcels）：在途超过 ${days} 天为卡住；导出中没有退货异常出现的时间，按退货发货时间归周。`,
    },
  ];
  if (shops.length === 0) {
    blocks.push({kind: "paragraph", text: "没有退货包裹。"});
    return blocks;
  }
  if (shops.every((s) => s.stuckCount === 0 && s.exceptionInWeekCount === 0))
    blocks.push({kind: "paragraph", text: "没有卡住的退货，本周也没有新的退货异常。"});
  blocks.push(
    table(
      "parcels",
      [
        ["店铺", "left"],
        ["截至", "left"],
        ["退货在途", "right"],
        ["卡住", "right"],
        ["其中本周转为卡住", "right"],
        ["本周新增退货异常", "right"],
      ],
      shops.map((s) => [
        s.shopId,
        s.asOfAt,
        count(s.inTransitCount),
        count(s.stuckCount),
        count(s.stuckInWeekCount),
        count(s.exceptionInWeekCount),
      ]),
    ),
  );
  return blocks;
}

function riskBlocks(data: ReportData): Block[] {
  const blocks: Block[] = [
    {kind: "heading", level: 3, text: "风险信号"},
    {
      kind: "paragraph",
      text: "本周新出现的待核查名单（按申请时间的北京日期），不是结论；明细见看板与风险表。",
    },
  ];
  if (data.risks.every((r) => r.count === 0)) blocks.push({kind: "paragraph", text: "本周无新的风险信号。"});
  blocks.push(
    table(
      "risks",
      [
        ["信号", "left"],
        ["本周新增", "right"],
        ["其中", "left"],
        ["说明", "left"],
      ],
      data.risks.map((r) => {
        const label = RISK_LABELS[r.signal];
        return [
          label.label,
          `${count(r.count)}${label.unit}`,
          r.notableCount === null || !label.notable
            ? MISSING
            : `${label.notable} ${count(r.notableCount)}${label.unit}`,
          label.note,
        ];
      }),
    ),
  );
  return blocks;
}

function definitions(data: ReportData): string[] {
  return [
    "批次：子订单按支付日期（北京时间；没有支付时间时用下单时间）归入 ISO 周（周一至周日）；本周的订单、退货和成本都是这批订单的。",
    "已支付子订单、已发货件数、已退货件数：marts.return_rates_daily；件数退货率 = 已退货子订单的件数 ÷ 已发货件数，退货 = 有未关闭的退货退款或已发货仅退款。",
    "预测最终退货率与95%区间、批次完成度：marts.cohort_maturity（滞后曲线 + Bornhuetter–Ferguson，docs/metrics.md 第7节）；多个批次合计时区间按该表说明的方差合成。",
    "退款金额（退商品金额）、物流成本、损耗：marts.return_costs，按同一批次日期归属；物流成本与损耗依赖 marts.cost_assumptions 中的假设。",
    `前四周平均：${weekRange(data.headline.prior4.weeks)} 中有数据的 ${count(data.headline.prior4.weeksWithData)} 周的周平均；比率为四周合计（Σ分子 ÷ Σ分母），不是各周比率的平均。`,
    "较上周、较前四周：数量与金额为相对变化（%），比率为百分点之差。",
    "买家说法：marts.sku_comment_themes，售后按申请时间（北京）归周，任何类型与状态；说明先脱敏再按词表匹配，只发布主题与计数，词表见 marts.cost_assumptions（comments）。",
  ];
}

function scope(data: ReportData): string {
  const shops = data.settings.shop ? [data.settings.shop] : data.coverage.shops.map((s) => s.shopId);
  const days = data.headline.current.daysWithData;
  const complete = !data.coverage.isWeekComplete
    ? "本周数据不完整（导出尚未覆盖到周日）。"
    : days < 7
      ? `本周只有 ${count(days)} 天有订单。`
      : "";
  return (
    `范围：${data.settings.shop ? "店铺" : "全部店铺"} ${shops.join("、")} · 数据截至 ${data.coverage.asOfDate ?? MISSING} · ` +
    `全部数字取自 marts 表，口径见文末。${complete}`
  );
}

export function reportBlocks(data: ReportData): Block[] {
  const {prior4} = data.headline;
  return [
    {kind: "heading", level: 1, text: data.title},
    {kind: "paragraph", text: scope(data)},
    {kind: "heading", level: 2, text: "摘要"},
    {kind: "list", items: narrative(data)},
    {kind: "heading", level: 2, text: "核心指标"},
    table(
      "headline",
      [
        ["指标", "left"],
        [`本周 ${data.week.week}`, "right"],
        [`上周 ${data.headline.previous.weeks[0]}`, "right"],
        [`前四周平均 ${weekRange(prior4.weeks)}`, "right"],
        ["较上周", "right"],
        ["较前四周平均", "right"],
      ],
      headlineRows(data),
    ),
    {kind: "note", text: maturityNote(data)},
    {kind: "heading", level: 2, text: `近${data.trend.length}周件数退货率`},
    {kind: "chart"},
    table(
      "trend",
      [
        ["批次周", "left"],
        ["已发货件数", "right"],
        ["退货率（至今）", "right"],
        ["预测最终", "right"],
        ["95%区间", "right"],
        ["完成度", "right"],
      ],
      trendRows(data),
    ),
    {kind: "heading", level: 2, text: "本周变化"},
    ...reasonBlocks(data),
    ...skuBlocks(data),
    ...sizeBlocks(data),
    ...commentThemeBlocks(data),
    ...provinceBlocks(data),
    ...platformBlocks(data),
    ...slaBlocks(data),
    ...parcelBlocks(data),
    ...riskBlocks(data),
    {kind: "heading", level: 2, text: "口径"},
    {kind: "list", items: definitions(data)},
  ];
}
