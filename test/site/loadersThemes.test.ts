/**
 * The data loaders of the comment themes (src/data/sku_comment_themes/*), run as Framework runs
 * them (a child process each, the warehouse read-only), against a warehouse loaded from a small demo
 * sample (two shops) plus the hand-made fixtures as a third shop, with comments planted in core before
 * the marts are rebuilt: theme words next to phone numbers, handles, names and an address. Each
 * loader is checked against a query of its own that counts from the per-after-sale matches
 * (intermediate.int_after_sale_comment_themes), not from the marts it reads; no comment text, phone
 * number, name, 售后单号 or order ID may appear in their output.
 */
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {runLoader} from "./loaderHarness.js";
import {fromColumns} from "../../src/components/columnar.js";
import {refreshMarts} from "../../src/pipelines/metrics/refresh.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {Warehouse, type Row} from "../../src/pipelines/warehouse.js";
import {runIngest, tempDir, testConfig, sampleWithFixtureShop} from "../helpers.js";

const LOADERS = [
  "sku_comment_themes/skus",
  "sku_comment_themes/products",
  "sku_comment_themes/comments",
  "sku_comments",
];

/** Each SKU's latest comment, rewritten: themes, and what must never be published. */
const PLANTED_COMMENTS: [string, string[]][] = [
  ["起球了还掉色，电话13912345678，姓名：王小明", ["起球", "掉色/褪色"]],
  ["偏小 加微信 wx_abc12345 或 QQ 87654321，联系人李四", ["偏小"]],
  ["有异味，+86 137-0000-1234 张女士，地址：北京市朝阳区幸福路1号", ["异味"]],
];
const SECRETS = [
  "13912345678",
  "137-0000-1234",
  "wx_abc12345",
  "87654321",
  "王小明",
  "李四",
  "张女士",
  "幸福路",
];

let cleanup: () => Promise<void>;
let warehousePath: string;
const outputs = new Map<string, string>();
const planted: {after_sale_id: string; shop_id: string; sku_code: string}[] = [];

beforeAll(async () => {
  let dir: string;
  ({dir, cleanup} = await tempDir());
  const inbox = await sampleWithFixtureShop(dir, 4000);
  const config = testConfig(dir, inbox);
  const {warehouse} = await runIngest(config);
  try {
    await ensureFresh(warehouse, config);
    // The latest comment of three SKUs of the live shop: shown on the products page.
    const latest = await warehouse.all(
      `select after_sale_id, shop_id, sku_code from marts.sku_comments
       where comment_rank = 1 and shop_id = 'live-apparel' order by sku_code limit 3`,
    );
    expect(latest).toHaveLength(3);
    for (const [i, row] of latest.entries()) {
      await warehouse.run("update core.after_sale_states set buyer_comment = $c where after_sale_id = $id", {
        c: PLANTED_COMMENTS[i]![0],
        id: String(row.after_sale_id),
      });
      planted.push({
        after_sale_id: String(row.after_sale_id),
        shop_id: String(row.shop_id),
        sku_code: String(row.sku_code),
      });
    }
    await refreshMarts(warehouse, {
      costs: config.costs,
      platform: config.platform,
      risk: config.risk,
      commentThemes: config.commentThemes,
    });
  } finally {
    warehouse.close();
  }
  warehousePath = config.warehouse;
  const results = await Promise.all(LOADERS.map((name) => runLoader(name, warehousePath)));
  LOADERS.forEach((name, i) => {
    const result = results[i]!;
    if (result.code !== 0) throw new Error(`${name} exited ${result.code}: ${result.stderr}`);
    outputs.set(name, result.stdout);
  });
}, 240_000);
afterAll(() => cleanup?.());

const columnar = <T = Record<string, unknown>>(name: string): T[] =>
  fromColumns<T>(JSON.parse(outputs.get(name) ?? "null"));

async function query(sql: string): Promise<Row[]> {
  const warehouse = await Warehouse.open(warehousePath, {readOnly: true});
  try {
    return await warehouse.all(sql);
  } finally {
    warehouse.close();
  }
}

/** Rows as "a|b|c" strings, sorted, for comparing sets of tuples (numbers to 12 digits). */
const tuples = (rows: readonly Record<string, unknown>[], keys: readonly string[]) =>
  rows
    .map((r) =>
      keys
        .map((k) => {
          const v = r[k];
          if (v === null || v === undefined) return "";
          return typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(12) : String(v);
        })
        .join("|"),
    )
    .sort();

/** The after-sales the theme marts count (with an application week), one row per theme named. */
const THEMED = `
  select after_sale_id, shop_id, product_id, product_name, sku_code, category, week_start, is_return,
         unnest(themes) as theme
  from intermediate.int_after_sale_comment_themes where week_start is not null`;
const SCOPED = "select * from intermediate.int_after_sale_comment_themes where week_start is not null";

describe("sku_comment_themes loaders", () => {
  it("skus: each SKU's themes over all weeks, both shares, and the latest week each grew", async () => {
    const expected = await query(
      `with themed as (${THEMED}), scoped as (${SCOPED}),
       sku as (
           select shop_id, sku_code, count(*) filter (where has_comment) as commented,
                  count(*) filter (where is_return) as returns, count(*) as after_sales
           from scoped group by all
       ),
       theme as (
           select shop_id, sku_code, theme, count(*) as n, count(*) filter (where is_return) as r
           from themed group by all
       ),
       growth as (
           select shop_id, sku_code, theme, max(week) as latest_growth_week, count(*) as growing_weeks
           from marts.sku_comment_themes where is_growing group by all
       )
       select theme.shop_id, theme.sku_code, theme.theme, theme.n::double as after_sale_count,
              theme.r::double as return_count, sku.commented::double as sku_commented_count,
              sku.after_sales::double as sku_after_sale_count, sku.returns::double as sku_return_count,
              theme.n / sku.commented as share_of_comments, theme.r / nullif(sku.returns, 0) as share_of_returns,
              coalesce(growth.growing_weeks, 0)::integer as growing_weeks, growth.latest_growth_week
       from theme join sku using (shop_id, sku_code) left join growth using (shop_id, sku_code, theme)`,
    );
    const keys = [
      "shop_id",
      "sku_code",
      "theme",
      "after_sale_count",
      "return_count",
      "sku_commented_count",
      "sku_after_sale_count",
      "sku_return_count",
      "share_of_comments",
      "share_of_returns",
      "growing_weeks",
      "latest_growth_week",
    ];
    const rows = columnar("sku_comment_themes/skus");
    expect(rows.length).toBeGreaterThan(100);
    expect(tuples(rows, keys)).toEqual(tuples(expected, keys));
    expect(rows.some((r) => r.latest_growth_week !== null)).toBe(true);
    // The planted comments' themes are counted under their SKUs.
    for (const [i, {shop_id, sku_code}] of planted.entries())
      for (const theme of PLANTED_COMMENTS[i]![1])
        expect(
          rows.find((r) => r.shop_id === shop_id && r.sku_code === sku_code && r.theme === theme),
        ).toBeDefined();
  });

  it("products: commented after-sales and theme counts by week, shop, category and product that add up", async () => {
    const rows = columnar<{
      week_start: string;
      shop_id: string;
      category: string | null;
      product_id: string | null;
      product_name: string | null;
      theme: string | null;
      commented_count: number;
      theme_count: number;
    }>("sku_comment_themes/products");
    const keys = ["week_start", "shop_id", "category", "product_id", "product_name"];
    const commented = await query(
      `select strftime(week_start, '%Y-%m-%d') as week_start, shop_id, category, product_id, product_name,
              count(*)::double as n
       from (${SCOPED}) where has_comment group by all`,
    );
    expect(
      tuples(
        rows.filter((r) => r.theme === null).map((r) => ({...r, n: r.commented_count})),
        [...keys, "n"],
      ),
    ).toEqual(tuples(commented, [...keys, "n"]));
    const themed = await query(
      `select strftime(week_start, '%Y-%m-%d') as week_start, shop_id, category, product_id, product_name, theme,
              count(*)::double as n
       from (${THEMED}) group by all`,
    );
    expect(
      tuples(
        rows.filter((r) => r.theme !== null).map((r) => ({...r, n: r.theme_count})),
        [...keys, "theme", "n"],
      ),
    ).toEqual(tuples(themed, [...keys, "theme", "n"]));
    for (const row of rows) {
      expect(row.theme === null ? row.theme_count : row.commented_count).toBe(0);
      expect(new Date(`${row.week_start}T00:00:00Z`).getUTCDay()).toBe(1);
    }
  });

  it("comments: the themes of the comments the products page lists, keyed as sku_comments is", async () => {
    const expected = await query(
      `select c.shop_id, c.sku_code, c.comment_rank, array_to_string(t.themes, '、') as themes
       from marts.sku_comments c join intermediate.int_after_sale_comment_themes t using (after_sale_id)
       where c.comment_rank <= 5 and len(t.themes) > 0`,
    );
    const rows = columnar<{shop_id: string; sku_code: string; comment_rank: number; themes: string}>(
      "sku_comment_themes/comments",
    );
    const keys = ["shop_id", "sku_code", "comment_rank", "themes"];
    expect(tuples(rows, keys)).toEqual(tuples(expected, keys));
    // Every row points at a comment the sku_comments loader publishes.
    const listed = new Set(
      (
        JSON.parse(outputs.get("sku_comments")!) as {
          shop_id: string;
          sku_code: string;
          comment_rank: number;
        }[]
      ).map((c) => `${c.shop_id}|${c.sku_code}|${c.comment_rank}`),
    );
    for (const row of rows)
      expect(listed.has(`${row.shop_id}|${row.sku_code}|${row.comment_rank}`)).toBe(true);
    for (const [i, {shop_id, sku_code}] of planted.entries())
      expect(
        rows.find((r) => r.shop_id === shop_id && r.sku_code === sku_code && r.comment_rank === 1)?.themes,
      ).toBe(PLANTED_COMMENTS[i]![1].join("、"));
  });

  it("publish theme labels and counts only: no comment text, phone number, name, 售后单号 or order ID", async () => {
    const comments = await query(
      "select comment_masked from intermediate.int_after_sale_comments where length(comment_masked) > 6",
    );
    const ids = await query(
      `select after_sale_id as id from core.after_sales union select order_id from core.after_sales
       union select order_item_id from core.order_lines`,
    );
    for (const name of LOADERS.filter((n) => n.startsWith("sku_comment_themes/"))) {
      const text = outputs.get(name)!;
      for (const secret of SECRETS) expect(text, `${name}: ${secret}`).not.toContain(secret);
      for (const {comment_masked} of comments)
        expect(text.includes(String(comment_masked)), `${name}: ${comment_masked}`).toBe(false);
      const digits = new Set([...text.matchAll(/\d{19}/g)].map((m) => m[0]));
      for (const {id} of ids) expect(digits.has(String(id)), `${name}: ${id}`).toBe(false);
      expect(text).not.toMatch(/comment_masked|buyer_comment|after_sale_id/);
    }
  });

  it("stay small: columnar JSON, bytes per row", () => {
    for (const name of LOADERS.filter((n) => n.startsWith("sku_comment_themes/"))) {
      const text = outputs.get(name)!;
      const rows = columnar(name).length;
      expect(Array.isArray(JSON.parse(text)), name).toBe(false);
      expect(text.length / Math.max(rows, 1), name).toBeLessThan(200);
    }
  });
});
