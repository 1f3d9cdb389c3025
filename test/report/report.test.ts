/**
 * The weekly report on a seeded sample (fixture.ts): a golden snapshot of the Markdown, every number
 * in it recomputed from the marts by SQL written here (never through buildReportData), the HTML's
 * safety (no script, no external URL, product names escaped, inline SVG), the short text, the files
 * written, the dashboard's loaders and dynamic paths, and the CLI.
 */
import {copyFile, mkdir, readFile, readdir, writeFile} from "node:fs/promises";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {formatDelta, formatNumber, formatPercent, formatYuan, MISSING} from "../../src/components/format.js";
import {main} from "../../src/pipelines/cli.js";
import {defaultConfig} from "../../src/pipelines/config.js";
import type {ReportMessage} from "../../src/pipelines/delivery/message.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {runReport} from "../../src/pipelines/report/command.js";
import {buildReportData, type ReportOptions} from "../../src/pipelines/report/data.js";
import {renderHtml, renderReportBody} from "../../src/pipelines/report/html.js";
import {renderMarkdown} from "../../src/pipelines/report/markdown.js";
import {RISK_LABELS} from "../../src/pipelines/report/present.js";
import {
  emitReportIndex,
  emitReportWeek,
  reportPagePaths,
  reportWeeks,
} from "../../src/pipelines/report/site.js";
import {renderText, TEXT_MAX_CHARS} from "../../src/pipelines/report/text.js";
import type {ReportData} from "../../src/pipelines/report/types.js";
import {parseWeek} from "../../src/pipelines/report/week.js";
import {readReportIndex, writeReport} from "../../src/pipelines/report/write.js";
import {Warehouse, type Params, type Row} from "../../src/pipelines/warehouse.js";
import {expectGolden} from "../golden.js";
import {FIXTURE_SHOP, reportWarehouse} from "./fixture.js";

let dir: string;
let path: string;
let cleanup: () => Promise<void>;
let warehouse: Warehouse;

beforeAll(async () => {
  ({dir, path, cleanup} = await reportWarehouse());
  warehouse = await Warehouse.open(path, {readOnly: true});
}, 180_000);
afterAll(async () => {
  warehouse?.close();
  await cleanup?.();
});

const report = (week: string, options: ReportOptions = {}) =>
  buildReportData(warehouse, parseWeek(week), options);
const q = (sql: string, params: Params = {}): Promise<Row[]> => warehouse.all(sql, params);
const n = (value: unknown): number => Number(value ?? 0);
const nOrNull = (value: unknown): number | null =>
  value === null || value === undefined ? null : Number(value);

// ---------------------------------------------------------------------------------------------
// Reading the Markdown back: tables (cells unescaped) and the prose around them.

interface MdTable {
  headers: string[];
  rows: string[][];
}

const unescapeMd = (text: string) => text.replace(/\\(.)/g, "$1");
const cellsOf = (line: string) =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((cell) => unescapeMd(cell.trim()));

function parseMarkdown(markdown: string): {tables: MdTable[]; prose: string[]} {
  const lines = markdown.split("\n");
  const tables: MdTable[] = [];
  const prose: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith("|") && lines[i + 1]?.startsWith("|---")) {
      const table: MdTable = {headers: cellsOf(lines[i]!), rows: []};
      for (i += 2; i < lines.length && lines[i]!.startsWith("|"); i++) table.rows.push(cellsOf(lines[i]!));
      i--;
      tables.push(table);
    } else prose.push(unescapeMd(lines[i]!));
  }
  return {tables, prose};
}

const tableWith = (tables: MdTable[], ...headers: string[]) =>
  tables.find((t) => headers.every((h) => t.headers.includes(h)));

// ---------------------------------------------------------------------------------------------
// The expected figures, from the marts, by week label (strftime %G-W%V), not by the report's code.

const pct = (value: number | null | undefined) => formatPercent(value);
const rel = (a: number | null, b: number | null) => formatDelta(a, b, "relative").text;
const pts = (a: number | null | undefined, b: number | null | undefined) => formatDelta(a, b, "points").text;
const hours = (value: number | null) => (value === null ? MISSING : `${value.toFixed(1)}小时`);
const range = (low: number | null, high: number | null) =>
  low === null || high === null ? MISSING : `${pct(low)}–${pct(high)}`;

const DAY = 86_400_000;
const addDays = (date: string, days: number) =>
  new Date(new Date(`${date}T00:00:00Z`).getTime() + days * DAY).toISOString().slice(0, 10);
/** The week labels of the `count` weeks starting `weeksBack` weeks before the Monday `monday`. */
const labels = async (monday: string, weeksBack: number, count: number): Promise<string[]> =>
  (
    await q(
      `select strftime($d::date - (7 * $back)::integer + (7 * i)::integer, '%G-W%V') as week
       from range(0, $count) as t(i) order by i`,
      {d: monday, back: weeksBack, count},
    )
  ).map((r) => String(r.week));

interface Period {
  weeks: number;
  paid: number;
  shipped: number;
  returned: number;
  rate: number | null;
  refund: number;
  logistics: number;
  loss: number;
  forecast: {rate: number; low: number; high: number; completion: number; mature: boolean} | null;
}

async function period(weeks: string[]): Promise<Period> {
  const params = {weeks: JSON.stringify(weeks)};
  const inWeeks = `strftime(cohort_date, '%G-W%V') in (select unnest(from_json($weeks, '["varchar"]')))`;
  const [r] = await q(
    `select count(distinct strftime(cohort_date, '%G-W%V'))::integer as weeks,
            coalesce(sum(paid_orders), 0)::double as paid, coalesce(sum(shipped_units), 0)::double as shipped,
            coalesce(sum(returned_units), 0)::double as returned
     from marts.return_rates_daily where ${inWeeks}`,
    params,
  );
  const [c] = await q(
    `select coalesce(sum(refund_goods_amount), 0)::double as refund,
            coalesce(sum(logistics_cost_amount), 0)::double as logistics, coalesce(sum(loss_amount), 0)::double as loss
     from marts.return_costs where ${inWeeks}`,
    params,
  );
  const [m] = await q(
    `with cohorts as (select * from marts.cohort_maturity where ${inWeeks}),
     prior as (
         select sum(remaining_exposure_units) ** 2 * max(expected_return_rate_variance) as variance
         from cohorts group by shop_id, category
     ),
     sums as (
         select count(*) as cohorts, sum(shipped_units)::double as shipped, sum(forecast_returned_units) as forecast,
                sum(returned_units - open_returned_units)::double as settled,
                sum(process_variance_units) + (select coalesce(sum(variance), 0) from prior) as variance,
                sum(shipped_units * completion_share) / sum(shipped_units) as completion,
                bool_and(is_mature) as mature
         from cohorts
     )
     select *, forecast / shipped as rate,
            greatest(settled, forecast - 1.959964 * sqrt(variance)) / shipped as low,
            least(shipped, forecast + 1.959964 * sqrt(variance)) / shipped as high
     from sums`,
    params,
  );
  const shipped = n(r!.shipped);
  return {
    weeks: n(r!.weeks),
    paid: n(r!.paid),
    shipped,
    returned: n(r!.returned),
    rate: shipped > 0 ? n(r!.returned) / shipped : null,
    refund: n(c!.refund),
    logistics: n(c!.logistics),
    loss: n(c!.loss),
    forecast:
      n(m!.cohorts) === 0
        ? null
        : {
            rate: n(m!.rate),
            low: n(m!.low),
            high: n(m!.high),
            completion: n(m!.completion),
            mature: m!.mature === true,
          },
  };
}

function expectedHeadline(current: Period, previous: Period, prior: Period): string[][] {
  const avg = (v: number) => (prior.weeks > 0 ? v / prior.weeks : null);
  const prev = (v: number) => (previous.weeks > 0 ? v : null);
  const counts = (label: string, f: (p: Period) => number, format: (v: number | null) => string) => [
    label,
    format(f(current)),
    previous.weeks > 0 ? format(f(previous)) : MISSING,
    format(avg(f(prior))),
    rel(f(current), prev(f(previous))),
    rel(f(current), avg(f(prior))),
  ];
  const rates = (label: string, f: (p: Period) => number | null | undefined) => [
    label,
    pct(f(current)),
    pct(f(previous)),
    pct(f(prior)),
    pts(f(current), f(previous)),
    pts(f(current), f(prior)),
  ];
  const interval = (p: Period) => (p.forecast ? range(p.forecast.low, p.forecast.high) : MISSING);
  const maturity = (p: Period) =>
    p.forecast ? `${pct(p.forecast.completion)} ${p.forecast.mature ? "已成熟" : "未成熟"}` : MISSING;
  return [
    counts("已支付子订单", (p) => p.paid, formatNumber),
    counts("已发货件数", (p) => p.shipped, formatNumber),
    counts("已退货件数（至今）", (p) => p.returned, formatNumber),
    rates("件数退货率（至今）", (p) => p.rate),
    rates("预测最终退货率", (p) => p.forecast?.rate),
    ["预测95%区间", interval(current), interval(previous), interval(prior), MISSING, MISSING],
    ["批次完成度", maturity(current), maturity(previous), maturity(prior), MISSING, MISSING],
    counts("退款金额", (p) => p.refund, formatYuan),
    counts("物流成本", (p) => p.logistics, formatYuan),
    counts("损耗", (p) => p.loss, formatYuan),
  ];
}

interface Expected {
  tables: Record<string, string[][]>;
  /** Figures the prose states that no table cell holds (totals, counts of rows). */
  extra: string[];
}

/** Every table of the report of the week starting `monday`, recomputed from the marts. */
async function expectedReport(monday: string, settings: ReturnType<typeof settingsOf>): Promise<Expected> {
  const [week] = await labels(monday, 0, 1);
  const prior = await labels(monday, 4, 4);
  const [previousWeek] = await labels(monday, 1, 1);
  const trendWeeks = await labels(monday, 11, 12);
  const end = addDays(monday, 6);
  const current = await period([week!]);
  const previous = await period([previousWeek!]);
  const prior4 = await period(prior);
  const tables: Record<string, string[][]> = {};
  const extra: string[] = [];

  tables.headline = expectedHeadline(current, previous, prior4);
  extra.push(formatNumber(prior4.weeks));

  tables.trend = [];
  for (const label of [...trendWeeks].reverse()) {
    const p = await period([label]);
    tables.trend.push([
      label,
      formatNumber(p.shipped),
      pct(p.rate),
      pct(p.forecast?.rate),
      p.forecast ? range(p.forecast.low, p.forecast.high) : MISSING,
      p.forecast ? `${pct(p.forecast.completion)}${p.forecast.mature ? "" : " 未成熟"}` : MISSING,
    ]);
  }

  // Reasons: shares of returned units by group, this week against the four before.
  const reasonRows = await q(
    `select coalesce(reason_group, '未知') as reason_group,
            coalesce(sum(returned_units) filter (where strftime(cohort_date, '%G-W%V') = $week), 0)::double as current_units,
            coalesce(sum(returned_units) filter (where strftime(cohort_date, '%G-W%V') <> $week), 0)::double as prior_units
     from marts.return_rates_daily
     where reason is not null and strftime(cohort_date, '%G-W%V') in (select unnest(from_json($weeks, '["varchar"]')))
     group by all`,
    {week: week!, weeks: JSON.stringify([week, ...prior])},
  );
  const currentTotal = reasonRows.reduce((s, r) => s + n(r.current_units), 0);
  const priorTotal = reasonRows.reduce((s, r) => s + n(r.prior_units), 0);
  extra.push(formatNumber(currentTotal), formatNumber(priorTotal));
  const comparable =
    currentTotal > 0 &&
    priorTotal > 0 &&
    currentTotal >= settings.minReturnedUnits &&
    priorTotal >= settings.minReturnedUnits;
  tables.reasons = comparable
    ? reasonRows
        .map((r) => ({
          group: String(r.reason_group),
          cu: n(r.current_units),
          pu: n(r.prior_units),
          change: n(r.current_units) / currentTotal - n(r.prior_units) / priorTotal,
        }))
        .filter((r) => Math.abs(r.change) >= settings.reasonShareThreshold)
        .sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.group.localeCompare(b.group))
        .map((r) => [
          r.group,
          formatNumber(r.cu),
          pct(r.cu / currentTotal),
          formatNumber(r.pu),
          pct(r.pu / priorTotal),
          pts(r.change, 0),
        ])
    : [];

  // Provinces: own change beyond the whole selection's, with volume and |z| >= 1.96.
  const provinceRows = await q(
    `select province_code, coalesce(max(province_name), '未知') as name,
            coalesce(sum(shipped_units) filter (where strftime(cohort_date, '%G-W%V') = $week), 0)::double as cs,
            coalesce(sum(returned_units) filter (where strftime(cohort_date, '%G-W%V') = $week), 0)::double as cr,
            coalesce(sum(shipped_units) filter (where strftime(cohort_date, '%G-W%V') <> $week), 0)::double as ps,
            coalesce(sum(returned_units) filter (where strftime(cohort_date, '%G-W%V') <> $week), 0)::double as pr
     from marts.return_rates_daily
     where strftime(cohort_date, '%G-W%V') in (select unnest(from_json($weeks, '["varchar"]')))
     group by province_code`,
    {week: week!, weeks: JSON.stringify([week, ...prior])},
  );
  const sum = (key: string) => provinceRows.reduce((s, r) => s + n(r[key]), 0);
  const overallCurrent = sum("cs") > 0 ? sum("cr") / sum("cs") : null;
  const overallPrior = sum("ps") > 0 ? sum("pr") / sum("ps") : null;
  const overallChange =
    overallCurrent !== null && overallPrior !== null ? overallCurrent - overallPrior : null;
  extra.push(pct(overallCurrent), pct(overallPrior), pts(overallChange, 0));
  const compared = provinceRows
    .filter(
      (r) =>
        overallChange !== null &&
        n(r.cs) > 0 &&
        n(r.ps) > 0 &&
        n(r.cs) >= settings.minVolume &&
        n(r.ps) >= settings.minVolume,
    )
    .map((r) => {
      const rc = n(r.cr) / n(r.cs);
      const rp = n(r.pr) / n(r.ps);
      const excess = rc - rp - overallChange!;
      const se = Math.sqrt((rc * (1 - rc)) / n(r.cs) + (rp * (1 - rp)) / n(r.ps));
      return {name: String(r.name), r, rc, rp, excess, z: se > 0 ? excess / se : 0};
    });
  extra.push(formatNumber(compared.length));
  tables.provinces = compared
    .filter((p) => Math.abs(p.excess) >= settings.provinceThreshold && Math.abs(p.z) >= 1.96)
    .sort((a, b) => Math.abs(b.excess) - Math.abs(a.excess) || a.name.localeCompare(b.name))
    .map((p) => [
      p.name,
      formatNumber(n(p.r.cs)),
      pct(p.rc),
      formatNumber(n(p.r.ps)),
      pct(p.rp),
      pts(p.rc - p.rp, 0),
      pts(p.excess, 0),
      p.z.toFixed(2),
    ]);

  // SKUs: spikes of the cohort week three weeks back; the most returned SKUs of the week.
  const [spikeWeek] = await labels(monday, 3, 1);
  const spikes = await q(
    `select count(*)::integer as n, count(*) filter (where not exists (
         select 1 from marts.sku_weekly e where e.shop_id = s.shop_id and e.sku_code = s.sku_code
         and e.is_spike and e.week < s.week))::integer as first
     from marts.sku_weekly s where s.week = $week and s.is_spike`,
    {week: spikeWeek!},
  );
  extra.push(formatNumber(n(spikes[0]!.n)), formatNumber(n(spikes[0]!.first)));
  tables.skuTop = (
    await q(
      `select w.shop_id, w.sku_code, p.product_name, w.shipped_units::double as shipped,
              w.returned_units::double as returned, w.return_rate, p.rank::integer as rank, p.shrunk_rate,
              p.top_reason_group, p.low_volume
       from marts.sku_weekly w left join marts.problem_skus p on p.shop_id = w.shop_id and p.sku_code = w.sku_code
       where w.week = $week and w.returned_units > 0
       order by w.returned_units desc, w.return_rate desc, w.shop_id, w.sku_code limit $limit`,
      {week: week!, limit: settings.topSkus},
    )
  ).map((r) => [
    String(r.shop_id),
    String(r.sku_code),
    r.product_name === null ? MISSING : String(r.product_name),
    formatNumber(n(r.shipped)),
    formatNumber(n(r.returned)),
    pct(nOrNull(r.return_rate)),
    r.rank === null ? MISSING : `${r.rank}${r.low_volume ? "（量少）" : ""}`,
    pct(nOrNull(r.shrunk_rate)),
    r.top_reason_group === null ? MISSING : String(r.top_reason_group),
  ]);

  // Sizes (all loaded data).
  const verdicts = await q(
    `select * from marts.product_size_verdicts where verdict in ('偏小', '偏大')
     order by verdict, greatest(small_mention_orders, large_mention_orders) desc, shop_id, product_id`,
  );
  extra.push(
    formatNumber(verdicts.filter((v) => v.verdict === "偏小").length),
    formatNumber(verdicts.filter((v) => v.verdict === "偏大").length),
  );
  tables.sizes = verdicts.map((v) => [
    String(v.shop_id),
    String(v.product_name ?? v.product_id),
    String(v.verdict),
    formatNumber(n(v.size_returned_orders)),
    formatNumber(n(v.small_mention_orders)),
    formatNumber(n(v.large_mention_orders)),
    pct(nOrNull(v.verdict === "偏小" ? v.small_share : v.large_share)),
    v.sizes_returning_more === null ? MISSING : String(v.sizes_returning_more),
  ]);

  // Buyer comments: themes that grew in the week the after-sales were applied for, the rule applied
  // here again to the mart's weekly counts (not its prior_* columns or is_growing flag).
  const [rule] = await q(
    `select max(value) filter (where parameter = 'growth_prior_weeks')::integer as weeks,
            max(value) filter (where parameter = 'growth_min_count_increase')::double as min_count,
            max(value) filter (where parameter = 'growth_min_share_increase')::double as min_share
     from marts.cost_assumptions where area = 'comments'`,
  );
  const [commented] = await q(
    `select coalesce(sum(commented_count), 0)::double as commented, coalesce(sum(themed_count), 0)::double as themed
     from marts.sku_comment_weeks where week = $week`,
    {week: week!},
  );
  extra.push(
    formatNumber(n(commented!.commented)),
    formatNumber(n(commented!.themed)),
    formatNumber(n(rule!.weeks)),
    formatNumber(n(rule!.min_count)),
    pts(n(rule!.min_share), 0).replace("+", ""),
  );
  const themeCounts = await q(
    `with sku_weeks as (
         select shop_id, product_id, sku_code, week_start, sum(commented_count) as commented
         from marts.sku_comment_weeks group by all
     ),
     now as (
         select t.*, sku_weeks.commented from marts.sku_comment_themes t
         join sku_weeks using (shop_id, sku_code, week_start)
         where t.week = $week and sku_weeks.product_id is not distinct from t.product_id
     )
     select now.shop_id, now.sku_code, now.product_id, now.product_name, now.theme, now.theme_order,
            now.after_sale_count::double as count, now.commented::double as commented,
            (select coalesce(sum(p.after_sale_count), 0) from marts.sku_comment_themes p
             where p.shop_id = now.shop_id and p.sku_code = now.sku_code and p.theme = now.theme
               and p.product_id is not distinct from now.product_id
               and p.week_start >= now.week_start - 7 * $weeks and p.week_start < now.week_start)::double as prior_count,
            (select coalesce(sum(p.commented_count), 0) from marts.sku_comment_weeks p
             where p.shop_id = now.shop_id and p.sku_code = now.sku_code
               and p.product_id is not distinct from now.product_id
               and p.week_start >= now.week_start - 7 * $weeks and p.week_start < now.week_start)::double as prior_commented
     from now`,
    {week: week!, weeks: n(rule!.weeks)},
  );
  tables.themes = themeCounts
    .map((t) => {
      const share = n(t.count) / n(t.commented);
      const priorShare = n(t.prior_commented) > 0 ? n(t.prior_count) / n(t.prior_commented) : 0;
      const average = n(t.prior_count) / n(rule!.weeks);
      return {t, share, priorShare, average, increase: share - priorShare};
    })
    .filter(
      (g) => n(g.t.count) - g.average >= n(rule!.min_count) - 1e-9 && g.increase >= n(rule!.min_share) - 1e-9,
    )
    .sort(
      (a, b) =>
        b.increase - a.increase ||
        n(b.t.count) - n(a.t.count) ||
        String(a.t.shop_id).localeCompare(String(b.t.shop_id)) ||
        String(a.t.sku_code).localeCompare(String(b.t.sku_code)) ||
        n(a.t.theme_order) - n(b.t.theme_order),
    )
    .map((g) => [
      String(g.t.shop_id),
      String(g.t.sku_code),
      String(g.t.product_name ?? g.t.product_id ?? MISSING),
      String(g.t.theme),
      formatNumber(n(g.t.count)),
      pct(g.share),
      g.average.toFixed(1),
      pct(g.priorShare),
      pts(g.increase, 0),
    ]);

  // Platform estimates on the week's last day (or the shop's last day within the week).
  const bandRows = await q(
    `select split_part(key, ':', 1) as metric, split_part(key, ':', 2)::integer as band,
            max(value) filter (where parameter = 'band_upper_bound')::double as upper,
            max(value) filter (where parameter = 'band_score')::double as score
     from marts.cost_assumptions where area = 'platform' and parameter in ('band_upper_bound', 'band_score')
     group by all order by metric, band`,
  );
  const bandText = (metric: string, band: number | null) => {
    const bands = bandRows.filter((b) => b.metric === metric);
    const i = bands.findIndex((b) => n(b.band) === band);
    if (i < 0) return MISSING;
    const lower = i > 0 ? nOrNull(bands[i - 1]!.upper) : null;
    const upper = nOrNull(bands[i]!.upper);
    const p3 = (v: number) => formatPercent(v, 3);
    if (upper === null) return lower === null ? "全部" : `>${p3(lower)}`;
    return lower === null ? `≤${p3(upper)}` : `${p3(lower)}–${p3(upper)}`;
  };
  const scores = await q(
    `with last_day as (
         select shop_id, max(date) as day from marts.platform_score_daily where date <= $end::date group by shop_id
     ),
     week_before as (
         select shop_id, max(date) as day from marts.platform_score_daily where date < $monday::date group by shop_id
     )
     select s.*, p.value as previous_value, p.band_score as previous_band_score
     from marts.platform_score_daily s
     join last_day on last_day.shop_id = s.shop_id and last_day.day = s.date and last_day.day >= $monday::date
     left join week_before on week_before.shop_id = s.shop_id
     left join marts.platform_score_daily p
         on p.shop_id = s.shop_id and p.date = week_before.day and p.metric = s.metric
     order by s.shop_id, s.metric`,
    {monday, end},
  );
  tables.platform = scores.map((s) => {
    const banded = bandRows.some((b) => b.metric === s.metric);
    const value = (v: unknown) => (s.unit === "hours" ? hours(nOrNull(v)) : formatPercent(nOrNull(v), 3));
    const score = (v: unknown) => (v === null ? "未给出" : `${n(v)}分`);
    const notes = [
      s.low_volume ? "样本不足，平台不展示" : "",
      s.is_full_window ? "" : "窗口内数据不满30天",
    ].filter(Boolean);
    return [
      String(s.shop_id),
      String(s.metric_label),
      String(s.date),
      value(s.value),
      banded && s.value !== null ? score(s.band_score) : MISSING,
      banded && s.value !== null ? bandText(String(s.metric), nOrNull(s.band)) : MISSING,
      value(s.previous_value),
      banded && s.previous_value !== null ? score(s.previous_band_score) : MISSING,
      formatNumber(n(s.denominator)),
      notes.join("；") || MISSING,
    ];
  });

  // Backlog and handling times.
  const backlog = await q(
    `select shop_id, strftime(max(as_of_at), '%Y-%m-%d %H:%M') as as_of,
            count(*) filter (where not is_stale)::double as open, count(*) filter (where is_overdue)::double as overdue,
            count(*) filter (where is_overdue and strftime(deadline_at, '%G-W%V') = $week)::double as in_week,
            count(*) filter (where is_due_within_24h)::double as due, count(*) filter (where is_stale)::double as stale
     from marts.after_sale_backlog group by shop_id order by shop_id`,
    {week: week!},
  );
  tables.backlog = backlog.map((b) =>
    [String(b.shop_id), String(b.as_of)].concat(
      [b.open, b.overdue, b.in_week, b.due, b.stale].map((v) => formatNumber(n(v))),
    ),
  );
  extra.push(
    ...["overdue", "in_week", "due"].map((key) => formatNumber(backlog.reduce((s, b) => s + n(b[key]), 0))),
  );
  const times = await q(
    `select shop_id,
            max(after_sale_count) filter (where week = $week)::double as applied,
            max(reviewed_count) filter (where week = $week)::double as reviewed,
            max(review_hours_p50) filter (where week = $week) as review_p50,
            max(review_hours_p90) filter (where week = $week) as review_p90,
            sum(review_hours_total) filter (where week <> $week) / nullif(sum(reviewed_count) filter (where week <> $week), 0) as review_prior,
            max(refunded_count) filter (where week = $week)::double as refunded,
            max(refund_hours_p50) filter (where week = $week) as refund_p50,
            max(refund_hours_p90) filter (where week = $week) as refund_p90,
            sum(refund_hours_total) filter (where week <> $week) / nullif(sum(refunded_count) filter (where week <> $week), 0) as refund_prior
     from marts.after_sale_times_weekly
     where after_sale_type = '全部' and week in (select unnest(from_json($weeks, '["varchar"]')))
     group by shop_id having count(*) filter (where week = $week) > 0 order by shop_id`,
    {week: week!, weeks: JSON.stringify([week, ...prior])},
  );
  tables.times = times.map((t) => [
    String(t.shop_id),
    formatNumber(n(t.applied)),
    formatNumber(n(t.reviewed)),
    hours(nOrNull(t.review_p50)),
    hours(nOrNull(t.review_p90)),
    hours(nOrNull(t.review_prior)),
    formatNumber(n(t.refunded)),
    hours(nOrNull(t.refund_p50)),
    hours(nOrNull(t.refund_p90)),
    hours(nOrNull(t.refund_prior)),
  ]);

  // Return parcels: in transit and stuck as of each shop's data; stuck and new 退货异常 in the week.
  const parcels = await q(
    `select shop_id, strftime(max(shop_as_of.as_of_at), '%Y-%m-%d %H:%M') as as_of,
            count(*) filter (where parcel_state = 'in_transit')::double as in_transit,
            count(*) filter (where is_stuck)::double as stuck,
            count(*) filter (where is_stuck and strftime(stuck_since_at, '%G-W%V') = $week)::double as stuck_in_week,
            count(*) filter (
                where has_return_exception and strftime(coalesce(return_shipped_at, applied_at), '%G-W%V') = $week
            )::double as exceptions
     from marts.return_parcels inner join intermediate.int_shop_as_of as shop_as_of using (shop_id)
     group by shop_id order by shop_id`,
    {week: week!},
  );
  tables.parcels = parcels.map((p) =>
    [String(p.shop_id), String(p.as_of)].concat(
      [p.in_transit, p.stuck, p.stuck_in_week, p.exceptions].map((v) => formatNumber(n(v))),
    ),
  );
  const [stuckDays] = await q(
    "select value from marts.cost_assumptions where area = 'risk' and parameter = 'stuck_parcel_days'",
  );
  extra.push(formatNumber(n(stuckDays!.value)));

  // Risk signals that appeared in the week.
  const inWeek = (column: string) => `strftime(${column}, '%G-W%V') = $week`;
  const [risk] = await q(
    `select
       (select count(*) from marts.risk_late_applications where ${inWeek("applied_at")})::double as late,
       (select count(*) from marts.risk_late_applications where ${inWeek("applied_at")} and is_no_reason)::double as late_no_reason,
       (select count(*) from marts.appeal_candidates where ${inWeek("applied_at")})::double as appeals,
       (select count(*) from marts.risk_shared_tracking where ${inWeek("last_applied_at")})::double as tracking,
       (select count(*) from marts.risk_shared_tracking where ${inWeek("last_applied_at")} and sharing = 'different_buyers')::double as tracking_different,
       (select count(*) from marts.risk_buyers where ${inWeek("last_applied_at")})::double as buyers,
       (select count(*) from marts.risk_buyers where ${inWeek("last_applied_at")} and has_high_refund_only)::double as buyers_refund_only`,
    {week: week!},
  );
  const signal = (key: keyof typeof RISK_LABELS, count: unknown, notable: unknown) => {
    const label = RISK_LABELS[key];
    return [
      label.label,
      `${formatNumber(n(count))}${label.unit}`,
      notable === null ? MISSING : `${label.notable} ${formatNumber(n(notable))}${label.unit}`,
      label.note,
    ];
  };
  tables.risks = [
    signal("late_applications", risk!.late, risk!.late_no_reason),
    signal("appeal_candidates", risk!.appeals, null),
    signal("shared_tracking", risk!.tracking, risk!.tracking_different),
    signal("risk_buyers", risk!.buyers, risk!.buyers_refund_only),
  ];
  return {tables, extra};
}

const settingsOf = (data: ReportData) => data.settings;

const TABLE_HEADERS: Record<string, string[]> = {
  headline: ["指标", "较上周"],
  trend: ["批次周", "预测最终"],
  reasons: ["原因分组"],
  provinces: ["省份", "扣除全部后"],
  skuTop: ["问题SKU排名"],
  sizes: ["结论", "偏小说法"],
  themes: ["主题", "占有说明售后"],
  platform: ["指标", "分档得分"],
  backlog: ["截至", "已逾期"],
  times: ["本周申请"],
  parcels: ["退货在途", "其中本周转为卡住"],
  risks: ["信号"],
};

/** The numbers of a text: 1,234 · 1.12万元 · -25.3% · +1.2个百分点 · 22.4小时 · 50分. */
const NUMBER = /[+\-±]?\d[\d,]*(?:\.\d+)?(?:万元|亿元|万|亿|元|%|个百分点|小时|分)?/g;

async function identifiers(): Promise<string[]> {
  const rows = await q(
    `select distinct sku_code as id from marts.sku_weekly
     union select distinct product_name from marts.problem_skus where product_name is not null
     union select distinct product_name from marts.product_size_verdicts where product_name is not null
     union select distinct product_id from marts.product_size_verdicts`,
  );
  // Longest first, so that no shorter name eats part of a longer one.
  return rows.map((r) => String(r.id)).sort((a, b) => b.length - a.length);
}

/** Checks every table against the marts, then that every number of the prose is one of theirs. */
async function checkNumbers(markdown: string, data: ReportData): Promise<number> {
  const {tables, prose} = parseMarkdown(markdown);
  const expected = await expectedReport(data.week.start, settingsOf(data));
  const verified = new Set<string>(expected.extra);
  let checked = 0;
  for (const [name, headers] of Object.entries(TABLE_HEADERS)) {
    const table = tableWith(tables, ...headers);
    const rows = expected.tables[name]!;
    if (rows.length === 0) {
      expect(table, name).toBeUndefined();
      continue;
    }
    expect(table, name).toBeDefined();
    expect(table!.rows, name).toEqual(rows);
    for (const row of rows)
      for (const cell of row) for (const [token] of cell.matchAll(NUMBER)) verified.add(token);
    checked += rows.length;
  }
  expect(tables.length).toBe(Object.values(expected.tables).filter((rows) => rows.length > 0).length);

  const {settings} = data;
  const constants = [
    "7", // docs/metrics.md 第7节
    "14", // day-14 returns of the spike test
    "24小时",
    "30", // 近30天
    "90", // P90
    "95%",
    "1.96",
    formatNumber(settings.trendWeeks),
    formatNumber(settings.minVolume),
    formatNumber(settings.minReturnedUnits),
    pts(settings.reasonShareThreshold, 0).replace("+", ""),
    pts(settings.provinceThreshold, 0).replace("+", ""),
  ];
  let text = prose.join("\n");
  for (const id of await identifiers()) text = text.replaceAll(id, " ");
  text = text
    .replace(/\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?/g, " ")
    .replace(/\d{4}-W\d{2}(?:–W\d{2})?/g, " ")
    .replace(/\d{1,2}月\d{1,2}日/g, " ");
  const unexplained = [...text.matchAll(NUMBER)]
    .map(([token]) => token)
    .filter((token) => !verified.has(token) && !constants.includes(token));
  expect(unexplained).toEqual([]);
  return checked;
}

// ---------------------------------------------------------------------------------------------

describe("the weekly report of the sample's last complete week", () => {
  let data: ReportData;
  let markdown: string;

  beforeAll(async () => {
    data = await report("2026-W47");
    markdown = renderMarkdown(data);
  });

  it("Markdown: golden snapshot", async () => {
    await expectGolden("report_2026-W47.md", markdown);
  });

  it("Markdown: every table matches the marts, and every number of the prose is one of the marts'", async () => {
    expect(await checkNumbers(markdown, data)).toBeGreaterThan(30);
  });

  it("Markdown: with lower thresholds (provinces and more reasons listed), still the marts' numbers", async () => {
    const sensitive = await report("2026-W46", {
      minVolume: 10,
      provinceThreshold: 0.02,
      reasonShareThreshold: 0.02,
    });
    const md = renderMarkdown(sensitive);
    expect(md).toContain("| 省份 |");
    await checkNumbers(md, sensitive);
  });

  it("states the maturity caveat and the forecast with its interval for an immature week", () => {
    expect(data.headline.current.forecast?.isMature).toBe(false);
    expect(markdown).toMatch(/> 成熟度：本周批次完成度 \d+\.\d%/);
    expect(markdown).toMatch(
      /批次尚未成熟（完成度 \d+\.\d%），预测最终 \d+\.\d%（95%区间 \d+\.\d%–\d+\.\d%）/,
    );
  });

  it("says so where a section has nothing to report", () => {
    expect(markdown).toContain("本周无新检测到的 SKU 突增（批次周 2026-W44）。");
    expect(markdown).toContain("本周无退货率明显变化的省份。");
    expect(markdown).toContain("本周无逾期未处理的售后");
  });

  it("is deterministic", async () => {
    expect(renderMarkdown(await report("2026-W47"))).toBe(markdown);
  });

  it("HTML: self-contained, no script, no external URL, product names escaped, an inline SVG chart", async () => {
    const html = renderHtml(data);
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    // The sample's product name holding a script tag is in this week's most returned SKUs.
    expect(html).toContain("【直播专享】&lt;script&gt;alert(1)&lt;/script&gt;法式碎花半身裙");
    const svg = /<svg [^>]*data-chart="trend"[^>]*>[\s\S]*?<\/svg>/.exec(html)?.[0];
    expect(svg).toBeDefined();
    expect(svg).toContain('data-points="12"');
    const [immature] = await q(
      `select count(distinct strftime(cohort_date, '%G-W%V'))::integer as n from marts.cohort_maturity
       where not is_mature and cohort_date between '2026-08-31'::date and '2026-11-22'::date`,
    );
    expect(svg!.match(/data-immature="true"/g)?.length).toBe(n(immature!.n));
  });

  it("HTML: the same tables as the Markdown", () => {
    const unescapeHtml = (s: string) =>
      s
        .replaceAll("&lt;", "<")
        .replaceAll("&gt;", ">")
        .replaceAll("&quot;", '"')
        .replaceAll("&#39;", "'")
        .replaceAll("&amp;", "&");
    const htmlTables = [...renderHtml(data).matchAll(/<table[\s\S]*?<\/table>/g)].map(([table]) =>
      [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) =>
        [...row!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map(([, cell]) => unescapeHtml(cell!)),
      ),
    );
    const mdTables = parseMarkdown(markdown).tables.map((t) => [t.headers, ...t.rows]);
    expect(htmlTables).toEqual(mdTables);
  });

  it("text: the title and the summary within 1500 characters, cut with a notice when longer", () => {
    const text = renderText(data);
    expect(text.length).toBeLessThanOrEqual(TEXT_MAX_CHARS);
    expect(text.split("\n")[0]).toBe(data.title);
    expect(text).toContain("预测最终");
    const short = renderText(data, 300);
    expect(short.length).toBeLessThanOrEqual(300);
    expect(short.endsWith("…（完整报告见邮件或看板）")).toBe(true);
  });
});

describe("a shop's own report", () => {
  it("escapes the fixture's product name `<b>` in Markdown and HTML", async () => {
    const data = await report("2026-W44", {shop: FIXTURE_SHOP});
    expect(data.title).toBe("退货周报 · fixture-shop 2026-W44（10月26日–11月1日）");
    expect(data.skus.top.map((s) => s.productName)).toContain("修身连衣裙 <b>新款</b>");
    const html = renderHtml(data);
    expect(html).toContain("修身连衣裙 &lt;b&gt;新款&lt;/b&gt;");
    expect(html).not.toContain("<b>");
    expect(renderMarkdown(data)).toContain("修身连衣裙 \\<b\\>新款\\</b\\>");
    // One day of orders in that week (Sunday 1 November), said in the scope line.
    expect(renderMarkdown(data)).toContain("本周只有 1 天有订单。");
  });
});

describe("renderers on hand-made rows", () => {
  it("list spikes with their product, and say which are the SKU's first", async () => {
    const data = await report("2026-W47");
    data.skus.spikes = [
      {
        shopId: "live-apparel",
        skuCode: "X-1",
        productName: "<i>毛衣</i> | 新款",
        productId: "1",
        week: "2026-W44",
        shippedUnits: 40,
        returnedUnitsByDay14: 12,
        returnRateByDay14: 0.3,
        priorShippedUnits: 160,
        priorReturnRateByDay14: 0.1,
        zScore: 3.5,
        previousSpikeWeek: null,
        problemRank: 2,
      },
    ];
    const md = renderMarkdown(data);
    expect(md).toContain(
      "| live-apparel | X-1 | \\<i\\>毛衣\\</i\\> \\| 新款 | 40 | 12 | 30.0% | 10.0% | 3.50 | 首次 |",
    );
    expect(md).toContain("批次周 2026-W44 有 1 个 SKU 突增（其中首次 1 个）");
    expect(renderHtml(data)).toContain("&lt;i&gt;毛衣&lt;/i&gt; | 新款");
  });
});

describe("week ranges across a year boundary", () => {
  it("keep the year of the last week", async () => {
    const data = await report("2026-W47");
    data.headline.prior4.weeks = ["2026-W52", "2026-W53", "2027-W01", "2027-W02"];
    expect(renderMarkdown(data)).toContain("| 前四周平均 2026-W52–2027-W02 |");
  });
});

describe("errors", () => {
  it("name the week and what the marts hold when the week has no orders", async () => {
    await expect(report("2026-W10")).rejects.toThrow(
      "no orders in 2026-W10 (2026-03-02 to 2026-03-08): the marts hold cohorts from 2026-07-26 to 2026-11-23",
    );
  });

  it("name a bad option", async () => {
    await expect(report("2026-W47", {reasonShareThreshold: 5})).rejects.toThrow(
      "report: reasonShareThreshold must be a share above 0 and at most 1: 5",
    );
    await expect(report("2026-W47", {topSkus: 0})).rejects.toThrow(
      "report: topSkus must be a whole number from 1 to 100: 0",
    );
    await expect(report("2026-W47", {shop: "nowhere"})).rejects.toThrow(
      "no orders of shop nowhere in the warehouse",
    );
  });
});

describe("writeReport", () => {
  it("writes the Markdown, the HTML and index.json, and returns a ReportMessage", async () => {
    const out = join(dir, "reports");
    const now = () => new Date("2026-11-23T02:00:00Z");
    const w47 = await report("2026-W47");
    const written = await writeReport(w47, {reportsDir: out, pdf: false, now});
    const message: ReportMessage = written.message;
    expect(message.week).toBe("2026-W47");
    expect(message.markdown).toBe(renderMarkdown(w47));
    expect(message.pdfPath).toBeUndefined();
    expect(await readFile(join(out, "2026-W47.md"), "utf8")).toBe(message.markdown);
    expect(await readFile(join(out, "2026-W47.html"), "utf8")).toBe(message.html);

    await writeReport(await report("2026-W46"), {reportsDir: out, pdf: false, now});
    await writeReport(w47, {reportsDir: out, pdf: false, now});
    const index = await readReportIndex(join(out, "index.json"));
    expect(index.weeks.map((w) => w.week)).toEqual(["2026-W47", "2026-W46"]);
    expect(index.weeks[0]).toMatchObject({
      title: w47.title,
      start: "2026-11-16",
      end: "2026-11-22",
      generated_at: "2026-11-23T02:00:00.000Z",
      files: {markdown: "2026-W47.md", html: "2026-W47.html"},
      paid_orders: w47.headline.current.paidOrders,
    });
    expect((await readdir(out)).sort()).toEqual([
      "2026-W46.html",
      "2026-W46.md",
      "2026-W47.html",
      "2026-W47.md",
      "index.json",
    ]);
  });

  it("refuses an index.json it cannot read, naming the file", async () => {
    const out = join(dir, "bad-reports");
    await mkdir(out, {recursive: true});
    await writeFile(join(out, "index.json"), "{not json");
    await expect(writeReport(await report("2026-W47"), {reportsDir: out, pdf: false})).rejects.toThrow(
      `${join(out, "index.json")}: not a report index`,
    );
  });

  it.skipIf(!existsSync("/usr/bin/chromium"))(
    "prints a PDF with Chromium",
    async () => {
      const out = join(dir, "pdf-reports");
      const written = await writeReport(await report("2026-W47"), {reportsDir: out});
      expect(written.paths.pdf).toBe(join(out, "2026-W47.pdf"));
      expect(written.message.pdfPath).toBe(written.paths.pdf);
      const pdf = await readFile(written.paths.pdf!);
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect((await readdir(out)).filter((f) => f.includes(".partial-"))).toEqual([]);
    },
    60_000,
  );
});

describe("the dashboard's weekly pages", () => {
  const io = (env: Record<string, string | undefined>) => {
    const out = {text: "", failed: ""};
    return {
      out,
      io: {env, write: (t: string) => void (out.text += t), fail: (m: string) => void (out.failed = m)},
    };
  };

  it("dynamic paths: the latest complete weeks with orders, none without a warehouse", async () => {
    expect(await reportPagePaths({RETURNSCOPE_WAREHOUSE: path})).toEqual([
      "/reports/2026-W47",
      "/reports/2026-W46",
      "/reports/2026-W45",
      "/reports/2026-W44",
    ]);
    expect(await reportPagePaths({RETURNSCOPE_WAREHOUSE: path, RETURNSCOPE_REPORT_PAGES: "3"})).toEqual([
      "/reports/2026-W47",
      "/reports/2026-W46",
      "/reports/2026-W45",
    ]);
    expect(await reportPagePaths({RETURNSCOPE_WAREHOUSE: join(dir, "missing.duckdb")})).toEqual([]);
    await expect(
      reportPagePaths({RETURNSCOPE_WAREHOUSE: path, RETURNSCOPE_REPORT_PAGES: "all"}),
    ).rejects.toThrow('RETURNSCOPE_REPORT_PAGES must be a whole number >= 0: "all"');
    // The fixture shop alone: its data ends on Friday 6 November, so its last complete week is W44.
    expect((await reportWeeks(warehouse, 2, FIXTURE_SHOP)).map((w) => w.week)).toEqual(["2026-W44"]);
  });

  it("the week's loader writes the report's HTML and data", async () => {
    const {out, io: loaderIo} = io({RETURNSCOPE_WAREHOUSE: path});
    await emitReportWeek(["node", "[week].json.ts", "--week=2026-W47"], loaderIo);
    expect(out.failed).toBe("");
    const json = JSON.parse(out.text);
    expect(json.week).toBe("2026-W47");
    expect(json.html).toBe(renderReportBody(await report("2026-W47")));
    expect(json.html).not.toMatch(/<script/i);
    expect(json.css).toContain(".rs-report");

    const bad = io({RETURNSCOPE_WAREHOUSE: path});
    await emitReportWeek(["node", "[week].json.ts", "--week=2026-W99"], bad.io);
    expect(bad.out.failed).toBe(
      'data loader reports/[week]: invalid week "2026-W99": 2026 has ISO weeks W01 to W53',
    );
  });

  it("the index loader lists the latest weeks, newest first, marking those with a page", async () => {
    const {out, io: loaderIo} = io({RETURNSCOPE_WAREHOUSE: path});
    await emitReportIndex(loaderIo);
    const {weeks} = JSON.parse(out.text) as {weeks: {week: string; has_page: boolean; paid_orders: number}[]};
    expect(weeks).toHaveLength(12);
    expect(weeks[0]).toMatchObject({week: "2026-W47", has_page: true});
    expect(weeks.filter((w) => w.has_page)).toHaveLength(4);
    const [paid] = await q(
      "select sum(paid_orders)::double as n from marts.return_rates_daily where strftime(cohort_date, '%G-W%V') = '2026-W46'",
    );
    expect(weeks[1]).toMatchObject({week: "2026-W46", paid_orders: n(paid!.n)});
  });
});

describe("returnscope report", () => {
  let copy: string;
  const capture = () => {
    const lines = {out: [] as string[], err: [] as string[]};
    return {
      lines,
      io: {out: (t: string) => lines.out.push(t), err: (t: string) => lines.err.push(t), env: {}, cwd: dir},
    };
  };

  beforeAll(async () => {
    // A copy: the CLI opens its warehouse for writing, the tests above hold this one read-only.
    copy = join(dir, "cli.duckdb");
    await copyFile(path, copy);
  });

  it("writes the week asked for and prints JSON with --json", async () => {
    const {lines, io} = capture();
    const out = join(dir, "cli-reports");
    const code = await main(
      [
        "node",
        "returnscope",
        "report",
        "--week",
        "2026-W47",
        "--out",
        out,
        "--no-pdf",
        "--json",
        "--warehouse",
        copy,
      ],
      io,
    );
    expect(lines.err).toEqual([]);
    expect(code).toBe(0);
    const json = JSON.parse(lines.out.join("\n"));
    expect(json.week).toBe("2026-W47");
    expect(json.files.markdown).toBe(join(out, "2026-W47.md"));
    expect(await readFile(join(out, "2026-W47.md"), "utf8")).toBe(renderMarkdown(json.data));
  });

  it("rejects an invalid week before opening the warehouse", async () => {
    const {lines, io} = capture();
    const code = await main(
      ["node", "returnscope", "report", "--week", "2026-W54", "--warehouse", join(dir, "none.duckdb")],
      io,
    );
    expect(code).toBe(2);
    expect(lines.err).toEqual(['error: invalid week "2026-W54": 2026 has ISO weeks W01 to W53']);
    expect(existsSync(join(dir, "none.duckdb"))).toBe(false);
  });

  it("defaults to the last complete week by the Beijing clock, or the data's when the data ends sooner", async () => {
    const deps = (now: string) => ({
      io: capture().io,
      loadConfig: async () => ({...defaultConfig(), warehouse: copy, inbox: join(dir, "sample", "inbox")}),
      openFresh: async (config: {warehouse: string}) => {
        const opened = await Warehouse.open(config.warehouse);
        await ensureFresh(opened, {...defaultConfig(), warehouse: copy, inbox: join(dir, "sample", "inbox")});
        return opened;
      },
      now: () => new Date(now),
    });
    const options = {out: join(dir, "default-reports"), pdf: false};
    const w46 = await runReport(options, deps("2026-11-22T10:00:00Z"));
    expect(w46.message.week).toBe("2026-W46");
    expect(w46.note).toBeUndefined();
    const later = await runReport(options, deps("2027-01-06T10:00:00Z"));
    expect(later.message.week).toBe("2026-W47");
    expect(later.note).toBe(
      "the data ends before the end of 2026-W53: reporting 2026-W47, its last complete week",
    );
  });
});
