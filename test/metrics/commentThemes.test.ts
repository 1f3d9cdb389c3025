/**
 * What buyers say: the comment-theme lexicon (src/pipelines/normalize/commentThemes.ts), its config
 * section, the matching model (intermediate.int_after_sale_comment_themes) and the marts
 * sku_comment_weeks and sku_comment_themes. The fixture is an after-sale XLSX written here: a
 * comment for every theme, several themes in one comment, a phone number inside a comment, and
 * weeks that make themes grow (or just miss). Expected figures are worked out by hand below.
 */
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {normalizeConfig} from "../../src/pipelines/config.js";
import {
  assumptionRows,
  assumptionsFingerprint,
  DEFAULT_ASSUMPTIONS,
  writeCostAssumptions,
} from "../../src/pipelines/metrics/assumptions.js";
import {
  DEFAULT_COMMENT_THEMES_CONFIG,
  normalizeCommentThemesConfig,
  type CommentThemesConfig,
} from "../../src/pipelines/metrics/commentThemeConfig.js";
import {DEFAULT_COST_CONFIG} from "../../src/pipelines/metrics/costConfig.js";
import {COMMENT_THEMES} from "../../src/pipelines/normalize/commentThemes.js";
import {ensureFresh, ensureMartsFresh} from "../../src/pipelines/refresh.js";
import {readModel, Warehouse, type Row} from "../../src/pipelines/warehouse.js";
import {expectGolden, jsonLines} from "../golden.js";
import {
  AFTER_SALE_HEADERS,
  makeInbox,
  runIngest,
  tempDir,
  testConfig,
  writeAfterSaleXlsx,
  type Cell,
} from "../helpers.js";

// ------------------------------------------------------------------------------------------------
// The lexicon and its matching, on comments alone (an in-memory warehouse with a stand-in core).

/** The themes the matching model finds in each comment, under the given lexicon. */
async function themesOf(
  comments: string[],
  commentThemes: CommentThemesConfig = DEFAULT_COMMENT_THEMES_CONFIG,
): Promise<string[][]> {
  const warehouse = await Warehouse.open(":memory:");
  try {
    for (const schema of ["core", "intermediate", "marts"])
      await warehouse.run(`create schema if not exists ${schema}`);
    await writeCostAssumptions(warehouse, DEFAULT_COST_CONFIG, {commentThemes});
    await warehouse.run(
      `create table core.after_sales as
       select ('A' || lpad(i::varchar, 3, '0')) as after_sale_id, 's' as shop_id, 'P' as product_id,
              'p' as product_name, 'SKU' as sku_code, '退货退款' as after_sale_type,
              null::varchar as after_sale_status_group, timestamp '2026-11-02 10:00:00' as applied_at,
              1 as quantity, null::varchar as order_item_id
       from range(${comments.length}) as t(i);
       create table core.order_lines (order_item_id varchar, product_id varchar, product_name varchar,
                                      sku_code varchar, quantity integer);
       create table core.skus (shop_id varchar, sku_code varchar, category varchar);
       create table intermediate.int_after_sale_comments (after_sale_id varchar, shop_id varchar, comment_masked varchar);`,
    );
    for (const [i, comment] of comments.entries())
      await warehouse.run("insert into intermediate.int_after_sale_comments values ($id, 's', $c)", {
        id: `A${String(i).padStart(3, "0")}`,
        c: comment,
      });
    await warehouse.run(await readModel("intermediate/int_after_sale_comment_facts.sql"));
    await warehouse.run(await readModel("intermediate/int_comment_product_names.sql"));
    await warehouse.run(await readModel("intermediate/int_after_sale_comment_themes.sql"));
    const rows = await warehouse.all(
      "select after_sale_id, themes from intermediate.int_after_sale_comment_themes order by after_sale_id",
    );
    return rows.map((r) => r.themes as string[]);
  } finally {
    warehouse.close();
  }
}

describe("the comment-theme lexicon", () => {
  it("has the themes a product team asked for, with their synonyms grouped under one label", () => {
    const labels = COMMENT_THEMES.map((t) => t.theme);
    for (const label of ["起球", "掉色/褪色", "缩水", "开线/线头", "色差", "偏大", "偏小", "太长", "太短"])
      expect(labels).toContain(label);
    for (const label of ["面料薄", "透", "异味", "与图片不符", "做工差", "破损", "少件"])
      expect(labels).toContain(label);
    const keywords = (label: string) => COMMENT_THEMES.find((t) => t.theme === label)!.keywords;
    expect(keywords("与图片不符")).toEqual(
      expect.arrayContaining(["与图片不符", "与图片不一致", "和图片不一样"]),
    );
    expect(keywords("掉色/褪色")).toEqual(expect.arrayContaining(["掉色", "褪色"]));
    expect(keywords("开线/线头")).toEqual(expect.arrayContaining(["开线", "线头"]));
  });

  it("is well formed: unique labels, every keyword in one theme only, no exclusion equal to a keyword", () => {
    const labels = COMMENT_THEMES.map((t) => t.theme);
    expect(new Set(labels).size).toBe(labels.length);
    const owners = new Map<string, string>();
    for (const t of COMMENT_THEMES) {
      expect(t.keywords.length, t.theme).toBeGreaterThan(0);
      expect(t.en, t.theme).toBeTruthy();
      for (const word of t.keywords) {
        expect(word.trim(), t.theme).toBe(word);
        expect(owners.get(word.toLowerCase()), `${word} in ${t.theme}`).toBeUndefined();
        owners.set(word.toLowerCase(), t.theme);
        expect(t.exclude, `${t.theme}: ${word}`).not.toContain(word);
      }
    }
  });

  it("偏大 and 偏小 use the size words of intermediate.int_size_keywords, whose not-size phrases 偏大 excludes", async () => {
    const warehouse = await Warehouse.open(":memory:");
    try {
      await warehouse.run("create schema intermediate");
      await warehouse.run(await readModel("intermediate/int_size_keywords.sql"));
      const words = async (direction: string) =>
        (
          await warehouse.all(
            "select keyword from intermediate.int_size_keywords where direction = $d order by keyword",
            {d: direction},
          )
        ).map((r) => String(r.keyword));
      const theme = (label: string) => COMMENT_THEMES.find((t) => t.theme === label)!;
      expect([...theme("偏小").keywords].sort()).toEqual((await words("small")).sort());
      expect([...theme("偏大").keywords].sort()).toEqual((await words("large")).sort());
      expect(theme("偏大").exclude).toEqual(expect.arrayContaining(await words("not_size")));
    } finally {
      warehouse.close();
    }
  });

  it("matches substrings, cuts a theme's exclusions first, and gives a comment every theme it names", async () => {
    const cases: [string, string[]][] = [
      ["起球了", ["起球"]],
      ['说是"不起球"结果穿一天就起球', ["起球"]],
      ["不起球，很满意", []],
      ["色差太大", ["色差"]],
      ["没有色差，但是偏大", ["偏大"]],
      ["颜色和图片不一样", ["色差", "与图片不符"]],
      ["与图片不一致", ["与图片不符"]],
      ["洗了一次就洗小了", ["缩水"]],
      ["物流时间太长", []],
      ["裤腿太长了", ["太长"]],
      ["透气但是有点透", ["透"]],
      ["没有异味", []],
      ["偏大，而且掉色，还有线头", ["掉色/褪色", "开线/线头", "偏大"]],
      ["电话＊＊＊", []],
    ];
    expect(await themesOf(cases.map(([comment]) => comment))).toEqual(cases.map(([, themes]) => themes));
  });

  it("matches the lexicon in force: a configured theme, an extended one, any letter case", async () => {
    const config = normalizeCommentThemesConfig(
      {themes: {QC不过: ["qc"], 起球: {keywords: ["毛毛"], exclude: ["没毛毛"]}}},
      "t.json",
    );
    expect(await themesOf(["QC没过", "全是毛毛", "没毛毛", "起球"], config)).toEqual([
      ["QC不过"],
      ["起球"],
      [],
      ["起球"],
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
// The config section.

describe("the commentThemes config", () => {
  const fails = (commentThemes: unknown) => () => normalizeConfig({commentThemes}, "x.json");
  it.each([
    [5, "x.json: commentThemes must be an object: 5"],
    [{theme: {}}, "x.json: unknown setting commentThemes.theme (known: themes, growth)"],
    [{themes: []}, "x.json: commentThemes.themes must be an object: []"],
    [
      {themes: {静电: "静电"}},
      'x.json: commentThemes.themes.静电 must be an array of keywords or {keywords, exclude}: "静电"',
    ],
    [
      {themes: {静电: []}},
      "x.json: commentThemes.themes.静电 must list at least one keyword for a new theme",
    ],
    [{themes: {静电: ["静电", ""]}}, 'x.json: commentThemes.themes.静电[1] must be a non-empty string: ""'],
    [
      {themes: {静电: {keywords: "静电"}}},
      'x.json: commentThemes.themes.静电.keywords must be an array of words: "静电"',
    ],
    [
      {themes: {静电: {keywords: ["静电"], excludes: []}}},
      "x.json: unknown setting commentThemes.themes.静电.excludes (known: keywords, exclude)",
    ],
    [
      {themes: {毛球多: ["毛球多了", "起球"]}},
      'x.json: commentThemes.themes.毛球多[1] "起球" is already a keyword of theme 起球',
    ],
    [
      {themes: {起球: {keywords: ["色差"]}}},
      'x.json: commentThemes.themes.起球.keywords[0] "色差" is already a keyword of theme 色差',
    ],
    [
      {themes: {这是一个超过十二个字的主题名字: ["x"]}},
      'x.json: commentThemes.themes: a theme name must be 1 to 12 characters: "这是一个超过十二个字的主题名字"',
    ],
    [{themes: {" ": ["x"]}}, 'x.json: commentThemes.themes: a theme name must be 1 to 12 characters: " "'],
    [{growth: 4}, "x.json: commentThemes.growth must be an object: 4"],
    [
      {growth: {minCount: 1}},
      "x.json: unknown setting commentThemes.growth.minCount (known: priorWeeks, minCountIncrease, minShareIncrease)",
    ],
    [
      {growth: {priorWeeks: 0}},
      "x.json: commentThemes.growth.priorWeeks must be a number between 1 and 12: 0",
    ],
    [{growth: {priorWeeks: 2.5}}, "x.json: commentThemes.growth.priorWeeks must be a whole number: 2.5"],
    [
      {growth: {minCountIncrease: 0}},
      "x.json: commentThemes.growth.minCountIncrease must be a number between 1 and 1000000: 0",
    ],
    [
      {growth: {minShareIncrease: 10}},
      "x.json: commentThemes.growth.minShareIncrease must be a number between 0 and 1: 10",
    ],
    [
      {growth: {minShareIncrease: "10%"}},
      'x.json: commentThemes.growth.minShareIncrease must be a number between 0 and 1: "10%"',
    ],
  ])("rejects %j with one line naming the file and key", (spec, message) => {
    expect(fails(spec)).toThrow(message);
    try {
      fails(spec)();
    } catch (error) {
      expect((error as Error).message).toBe(message);
    }
  });

  it("is a known top-level setting", () => {
    expect(() => normalizeConfig({commentTheme: {}}, "x.json")).toThrow(/\(known: .*commentThemes/);
    expect(normalizeConfig({}, "x.json").commentThemes).toBe(DEFAULT_COMMENT_THEMES_CONFIG);
  });

  it("adds a theme, extends one, sets the rule; marts.cost_assumptions rows say what came from the config", () => {
    const config = normalizeConfig(
      {
        commentThemes: {
          themes: {起球: ["毛毛", " 起球 "], 静电: {keywords: ["静电多", "吸毛"], exclude: ["防静电多"]}},
          growth: {priorWeeks: 6, minShareIncrease: 0.2},
        },
      },
      "x.json",
    ).commentThemes;
    expect(config.growth).toEqual({priorWeeks: 6, minCountIncrease: 3, minShareIncrease: 0.2});
    expect(config.configured).toEqual(["themes", "priorWeeks", "minShareIncrease"]);
    const pilling = config.themes.find((t) => t.theme === "起球")!;
    expect(pilling.keywords).toEqual([...COMMENT_THEMES[0]!.keywords, "毛毛"]);
    expect(config.themes.at(-1)).toMatchObject({
      theme: "静电",
      en: null,
      keywords: ["静电多", "吸毛"],
      exclude: ["防静电多"],
      isConfigured: true,
    });
    // The built-in 面料手感差 has 静电 as a keyword; 静电多 is a different word, so it is allowed.
    const rows = assumptionRows({...DEFAULT_ASSUMPTIONS, commentThemes: config}).filter(
      (r) => r.area === "comments",
    );
    const row = (parameter: string, key: string) =>
      rows.find((r) => r.parameter === parameter && r.key === key);
    expect(row("theme", "起球")).toMatchObject({value: 1, text_value: "pilling", source: "default"});
    expect(row("theme", "静电")).toMatchObject({
      value: COMMENT_THEMES.length + 1,
      text_value: null,
      source: "config",
    });
    expect(row("theme_keyword", "起球:起球")).toMatchObject({text_value: "起球", source: "default"});
    expect(row("theme_keyword", "起球:毛毛")).toMatchObject({text_value: "起球", source: "config"});
    expect(row("theme_exclude", "静电:防静电多")).toMatchObject({text_value: "静电", source: "config"});
    expect(row("growth_prior_weeks", "*")).toMatchObject({value: 6, source: "config"});
    expect(row("growth_min_count_increase", "*")).toMatchObject({value: 3, source: "default"});
    expect(row("growth_min_share_increase", "*")).toMatchObject({value: 0.2, source: "config"});
    expect(assumptionsFingerprint({...DEFAULT_ASSUMPTIONS, commentThemes: config})).not.toBe(
      assumptionsFingerprint(DEFAULT_ASSUMPTIONS),
    );
  });
});

// ------------------------------------------------------------------------------------------------
// The marts, on an after-sale export written here.

const PHONE = "13812345678";
const PHONE_COMMENT = `偏大，电话${PHONE}`;

/** One comment for every built-in theme, naming that theme only (SKU TS-03, week 2026-W43). */
const ONE_PER_THEME: Record<string, string> = {
  起球: "衣服起球",
  掉毛: "掉毛严重",
  "掉色/褪色": "洗了褪色",
  缩水: "洗了就缩水",
  变形: "洗完变形",
  "开线/线头": "袖子开线",
  做工差: "做工粗糙",
  破损: "有破洞",
  污渍: "领口有污渍",
  色差: "有色差",
  与图片不符: "和图片不一样",
  偏大: "码偏大",
  偏小: "穿不上",
  尺码不合适: "不合身",
  太长: "袖子太长",
  太短: "裤子太短",
  面料薄: "料子薄",
  面料手感差: "手感差",
  透: "白色很透",
  异味: "有异味",
  少件: "少发了腰带",
  发错货: "发错款了",
  上身效果差: "显胖",
  "不想要/拍错": "拍错了",
  物流问题: "一直没收到",
};

interface Sale {
  sku: string;
  /** Application date (the week is its ISO week). */
  date: string;
  comment: string | null;
  type?: string;
  status?: string;
  quantity?: number;
}

const W41 = "2026-10-06";
const W42 = "2026-10-13";
const W43 = "2026-10-20";
const W44 = "2026-10-27";
const W45 = "2026-11-03";
const times = (n: number, sale: Sale): Sale[] => Array.from({length: n}, () => sale);

const SALES: Sale[] = [
  // TS-01: 起球 grows in W45 (4 of 5 commented after-sales, against 1 of 4 in W41–W44).
  {sku: "TS-01", date: W41, comment: PHONE_COMMENT},
  {sku: "TS-01", date: W42, comment: "起球了"},
  {sku: "TS-01", date: W43, comment: "偏大"},
  {sku: "TS-01", date: W44, comment: "尺码偏大了"},
  {sku: "TS-01", date: W45, comment: "起球严重", quantity: 2},
  {sku: "TS-01", date: W45, comment: "起球了，还掉色"},
  {sku: "TS-01", date: W45, comment: "洗了一次就起球", status: "售后关闭"},
  {sku: "TS-01", date: W45, comment: "起毛球", type: "换货"},
  {sku: "TS-01", date: W45, comment: "尽快处理"},
  {sku: "TS-01", date: W45, comment: null},
  // TS-02: 色差 up by exactly 3 a week (5 against 8 ÷ 4), but its share stays at 100%: not growing.
  ...[W41, W42, W43, W44].flatMap((date) => times(2, {sku: "TS-02", date, comment: "色差太大"})),
  ...times(5, {sku: "TS-02", date: W45, comment: "色差大"}),
  // TS-04: 面料薄 at 5 of 10 against 4 of 10: up by 4 a week and by 10 points exactly (0.5 − 0.4 in
  // floating point is 0.0999…): growing, the rule's bounds being inclusive.
  ...[W41, W42].flatMap((date) => [
    {sku: "TS-04", date, comment: "面料太薄"},
    ...times(2, {sku: "TS-04", date, comment: "尽快处理"}),
  ]),
  ...[W43, W44].flatMap((date) => [
    {sku: "TS-04", date, comment: "面料太薄"},
    {sku: "TS-04", date, comment: "尽快处理"},
  ]),
  ...times(5, {sku: "TS-04", date: W45, comment: "面料太薄"}),
  ...times(5, {sku: "TS-04", date: W45, comment: "尽快处理"}),
  // TS-03: a comment for every theme, all in W43; none grows (1 each, nothing before).
  ...Object.values(ONE_PER_THEME).map((comment) => ({sku: "TS-03", date: W43, comment})),
];

const PRODUCTS: Record<string, string> = {
  "TS-01": "3500000000000000101",
  "TS-02": "3500000000000000102",
  "TS-03": "3500000000000000103",
  "TS-04": "3500000000000000104",
};

let cleanup: () => Promise<void>;
let warehouse: Warehouse;
let config: ReturnType<typeof testConfig>;

beforeAll(async () => {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  const inbox = await makeInbox(temp.dir, {"shop-t": []});
  const records: Record<string, Cell>[] = SALES.map((sale, i) => ({
    售后单号: `71000000000000${String(i).padStart(5, "0")}`,
    订单号: `69100000000000${String(i).padStart(5, "0")}`,
    商品单号: `69200000000000${String(i).padStart(5, "0")}`,
    商品名称: `测试商品 ${sale.sku}`,
    商品ID: PRODUCTS[sale.sku]!,
    商品发货状态: "已发货",
    售后类型: sale.type ?? "退货退款",
    "退商品金额（元）": "59.00",
    售后状态: sale.status ?? "待商家收货",
    售后申请时间: `${sale.date} ${String(8 + (i % 10)).padStart(2, "0")}:00:00`,
    售后原因: "七天无理由退货",
    用户售后说明: sale.comment ?? "-",
    商家编码: sale.sku,
    商品数量: sale.quantity ?? 1,
  }));
  await writeAfterSaleXlsx(join(inbox, "shop-t", "售后单导出.xlsx"), records, [
    ...AFTER_SALE_HEADERS,
    "商品数量",
  ]);
  config = testConfig(temp.dir, inbox, {defaultShop: "shop-t"});
  ({warehouse} = await runIngest(config));
  await ensureFresh(warehouse, config);
}, 60_000);
afterAll(async () => {
  warehouse?.close();
  await cleanup?.();
});

const themeRow = async (sku: string, week: string, theme: string): Promise<Row | undefined> =>
  warehouse.one(
    "select * from marts.sku_comment_themes where sku_code = $sku and week = $week and theme = $theme",
    {sku, week, theme},
  );

describe("marts.sku_comment_themes and sku_comment_weeks", () => {
  it("find every theme in its comment", async () => {
    expect(Object.keys(ONE_PER_THEME).sort()).toEqual(COMMENT_THEMES.map((t) => t.theme).sort());
    const rows = await warehouse.all(
      `select theme, after_sale_count::integer as n, share_of_comments from marts.sku_comment_themes
       where sku_code = 'TS-03' order by theme_order`,
    );
    expect(rows).toEqual(
      COMMENT_THEMES.map((t) => ({theme: t.theme, n: 1, share_of_comments: 1 / COMMENT_THEMES.length})),
    );
  });

  it("count a SKU-week's after-sales, comments, themes and returns (the denominators)", async () => {
    const week = await warehouse.one(
      "select * from marts.sku_comment_weeks where sku_code = 'TS-01' and week = '2026-W45'",
    );
    // a–f: 6 after-sales, 5 with a comment, 4 naming a theme; returns: a, b, 尽快处理 and the one
    // without a comment (the closed one and the 换货 are not); units 2 + 1 + 1 + 1.
    expect(week).toMatchObject({
      shop_id: "shop-t",
      product_id: PRODUCTS["TS-01"],
      product_name: "测试商品 TS-01",
      week_start: "2026-11-02",
      after_sale_count: "6",
      commented_count: "5",
      themed_count: "4",
      return_count: "4",
      commented_return_count: "3",
      returned_units: "5",
    });
    const weeks = await warehouse.all(
      "select week, commented_count::integer as n from marts.sku_comment_weeks where sku_code = 'TS-01' order by week",
    );
    expect(weeks).toEqual(
      ["2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"].map((w, i) => ({
        week: w,
        n: i < 4 ? 1 : 5,
      })),
    );
  });

  it("a theme that grew: counts, both shares, the prior weeks and the flag", async () => {
    expect(await themeRow("TS-01", "2026-W45", "起球")).toMatchObject({
      after_sale_count: "4", // a, b, the closed one, the 换货
      return_count: "2", // a and b
      returned_units: "3",
      commented_count: "5",
      sku_return_count: "4",
      share_of_comments: 0.8,
      share_of_returns: 0.5,
      prior_weeks: 4,
      prior_after_sale_count: "1", // W42
      prior_commented_count: "4",
      prior_average_count: 0.25,
      prior_share_of_comments: 0.25,
      count_increase: 3.75,
      is_growing: true,
    });
    expect(Number((await themeRow("TS-01", "2026-W45", "起球"))!.share_increase)).toBeCloseTo(0.55, 12);
  });

  it("a comment with two themes counts under each", async () => {
    expect(await themeRow("TS-01", "2026-W45", "掉色/褪色")).toMatchObject({
      after_sale_count: "1",
      return_count: "1",
      share_of_comments: 0.2,
      share_of_returns: 0.25,
      prior_after_sale_count: "0",
      is_growing: false,
    });
  });

  it("the growth rule at its bounds: a count up by exactly 3 with a flat share is not growing; up 10 points exactly is", async () => {
    expect(await themeRow("TS-02", "2026-W45", "色差")).toMatchObject({
      after_sale_count: "5",
      prior_after_sale_count: "8",
      prior_average_count: 2,
      count_increase: 3,
      share_of_comments: 1,
      prior_share_of_comments: 1,
      share_increase: 0,
      is_growing: false,
    });
    // 色差太大 is not 偏大.
    expect(await themeRow("TS-02", "2026-W41", "偏大")).toBeUndefined();
    const fabric = await themeRow("TS-04", "2026-W45", "面料薄");
    expect(fabric).toMatchObject({
      after_sale_count: "5",
      commented_count: "10",
      share_of_comments: 0.5,
      prior_after_sale_count: "4",
      prior_commented_count: "10",
      prior_share_of_comments: 0.4,
      count_increase: 4,
      is_growing: true,
    });
    expect(Number(fabric!.share_increase)).toBeCloseTo(0.1, 12);
    const growing = await warehouse.all(
      "select sku_code, week, theme from marts.sku_comment_themes where is_growing order by all",
    );
    expect(growing).toEqual([
      {sku_code: "TS-01", week: "2026-W45", theme: "起球"},
      {sku_code: "TS-04", week: "2026-W45", theme: "面料薄"},
    ]);
  });

  it("theme rows add up to the themed after-sales, each comment once per theme", async () => {
    const [sums] = await warehouse.all(
      `select (select sum(after_sale_count) from marts.sku_comment_themes)::integer as theme_rows,
              (select sum(len(themes)) from intermediate.int_after_sale_comment_themes)::integer as matches,
              (select sum(commented_count) from marts.sku_comment_weeks)::integer as commented,
              (select count(*) from intermediate.int_after_sale_comments)::integer as comments`,
    );
    expect(sums).toEqual({theme_rows: sums!.matches, matches: sums!.matches, commented: 67, comments: 67});
    expect(
      await warehouse.all(
        `select * from marts.sku_comment_themes
         where share_of_comments not between 0 and 1 or share_of_returns not between 0 and 1
            or after_sale_count > commented_count or return_count > sku_return_count`,
      ),
    ).toEqual([]);
  });

  it("publish no comment text: the phone number and the comment around it reach no mart", async () => {
    const tables = await warehouse.all(
      "select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'intermediate') and table_name <> 'int_after_sale_comments'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["sku_comment_themes", "sku_comment_weeks", "int_after_sale_comment_themes"]),
    );
    for (const {table_schema, table_name} of tables) {
      const text = JSON.stringify(await warehouse.all(`select * from ${table_schema}.${table_name}`));
      expect(text, `${table_schema}.${table_name}`).not.toContain(PHONE);
      expect(text, `${table_schema}.${table_name}`).not.toContain(PHONE_COMMENT);
    }
    // The comment was there to be masked, and it still counts under its theme.
    expect(await themeRow("TS-01", "2026-W41", "偏大")).toMatchObject({after_sale_count: "1"});
  });

  it("golden snapshots", async () => {
    await expectGolden(
      "metrics_marts_sku_comment_themes.json",
      jsonLines(await warehouse.all("select * from marts.sku_comment_themes order by all")),
    );
    await expectGolden(
      "metrics_marts_sku_comment_weeks.json",
      jsonLines(await warehouse.all("select * from marts.sku_comment_weeks order by all")),
    );
  });

  it("are rebuilt with the lexicon when the config changes, and only then", async () => {
    const configured = {
      ...config,
      commentThemes: normalizeCommentThemesConfig(
        {themes: {催发货: ["尽快处理"]}, growth: {minCountIncrease: 1}},
        "t.json",
      ),
    };
    try {
      expect(await ensureMartsFresh(warehouse, configured)).toBe(true);
      expect(await ensureMartsFresh(warehouse, configured)).toBe(false);
      expect(await themeRow("TS-04", "2026-W45", "催发货")).toMatchObject({
        after_sale_count: "5",
        share_of_comments: 0.5,
        prior_after_sale_count: "6",
        is_growing: false, // 0.5 against 0.6
      });
      expect(await themeRow("TS-01", "2026-W42", "起球")).toMatchObject({is_growing: true}); // up by 1
    } finally {
      expect(await ensureMartsFresh(warehouse, config)).toBe(true);
    }
    expect(await themeRow("TS-04", "2026-W45", "催发货")).toBeUndefined();
  });
});
