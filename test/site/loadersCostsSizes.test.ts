/**
 * The data loaders of the costs and sizes pages (and the regions page's cost columns), run as
 * Framework runs them (a child process each, reading the warehouse read-only) against a warehouse
 * loaded from the hand-made fixtures: what they publish adds up to the marts, checked by independent
 * SQL. The SKU list's cap is checked on a warehouse whose marts.return_costs is generated in SQL.
 */
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {loaderOutput} from "./loaderHarness.js";
import {
  costProvinceRows,
  costReasonRows,
  costSkuData,
  type CostAssumption,
  type CostReasonRow,
} from "../../src/components/costs.js";
import type {SizeFitRow, VerdictRow} from "../../src/components/sizes.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";
import {fixtureShopInbox, runIngest, tempDir, testConfig} from "../helpers.js";

const LOADERS = [
  "return_costs/reasons",
  "return_costs/skus",
  "return_costs/provinces",
  "cost_assumptions/costs",
  "size_fit",
  "product_size_verdicts",
] as const;

const load = loaderOutput;

let dir: string;
let cleanup: () => Promise<void>;
let warehousePath: string;
const outputs = new Map<string, string>();

beforeAll(async () => {
  ({dir, cleanup} = await tempDir());
  const inbox = await fixtureShopInbox(dir);
  const config = testConfig(dir, inbox);
  const {warehouse} = await runIngest(config);
  await ensureFresh(warehouse, config);
  warehouse.close();
  warehousePath = config.warehouse;
  const texts = await Promise.all(LOADERS.map((name) => load(name, warehousePath)));
  LOADERS.forEach((name, i) => outputs.set(name, texts[i]!));
}, 120_000);
afterAll(() => cleanup());

const json = (name: (typeof LOADERS)[number]): unknown => JSON.parse(outputs.get(name) ?? "undefined");

async function sql(path: string, text: string): Promise<Record<string, unknown>[]> {
  const warehouse = await Warehouse.open(path, {readOnly: true});
  try {
    return await warehouse.all(text);
  } finally {
    warehouse.close();
  }
}

/** Σ of numeric fields of rows, grouped by a key: the independent side of each comparison. */
function sums<R>(rows: readonly R[], keyOf: (row: R) => string, fields: readonly (keyof R & string)[]) {
  const totals = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const key = keyOf(row);
    const known = totals.get(key) ?? Object.fromEntries(fields.map((f) => [f, 0]));
    for (const field of fields) known[field] = Math.round((known[field]! + Number(row[field])) * 100) / 100;
    totals.set(key, known);
  }
  return Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)));
}

/** SQL rows {key, …numbers} as the same shape as sums(). */
const keyed = (rows: Record<string, unknown>[]) =>
  Object.fromEntries(
    rows
      .map((r): [string, Record<string, number>] => [
        String(r.key),
        Object.fromEntries(
          Object.entries(r)
            .filter(([k]) => k !== "key")
            .map(([k, v]) => [k, Number(v)]),
        ),
      ])
      .sort(([a], [b]) => a.localeCompare(b)),
  );

const COMPONENTS = [
  "outbound_freight_amount",
  "return_freight_amount",
  "refunded_freight_amount",
  "freight_insurance_amount",
  "goods_loss_amount",
  "handling_amount",
] as const;

describe("return_costs/reasons", () => {
  it("publishes column-wise rows that add up to marts.return_costs, by reason group", async () => {
    const rows = costReasonRows(json("return_costs/reasons"));
    expect(rows.length).toBeGreaterThan(1);
    const fields = [
      "paid_orders",
      "returned_orders",
      "return_refund_orders",
      "merchant_freight_orders",
      "gmv_amount",
      "refund_goods_amount",
      ...COMPONENTS,
    ] as const;
    const published = sums(rows, (r) => r.reason_group ?? "-", fields);
    const expected = keyed(
      await sql(
        warehousePath,
        `select coalesce(case when is_returned then coalesce(reason_group, '未知') end, '-') as key,
                count(*)::double as paid_orders,
                count(*) filter (where is_returned)::double as returned_orders,
                count(*) filter (where is_returned and after_sale_type = '退货退款')::double as return_refund_orders,
                count(*) filter (where is_returned and return_freight_payer = 'merchant')::double as merchant_freight_orders,
                sum(gmv_amount)::double as gmv_amount, sum(refund_goods_amount)::double as refund_goods_amount,
                ${COMPONENTS.map((c) => `sum(${c})::double as ${c}`).join(", ")}
         from marts.return_costs group by all`,
      ),
    );
    expect(published).toEqual(expected);
    // Costs sit on returned 子订单: the not-returned group has GMV but no returns.
    expect(published["-"]!.returned_orders).toBe(0);
    expect(Object.values(published).reduce((s, r) => s + r.returned_orders!, 0)).toBeGreaterThan(0);
  });

  it("has one row per grain, weeks starting on Mondays, with the ISO week and its days", async () => {
    const rows = costReasonRows(json("return_costs/reasons"));
    const grain = (r: CostReasonRow) =>
      [r.week_start, r.shop_id, r.category, r.channel, r.reason_group].map(String).join("|");
    expect(new Set(rows.map(grain)).size).toBe(rows.length);
    const weeks = await sql(
      warehousePath,
      `select distinct strftime(date_trunc('week', cohort_date), '%Y-%m-%d') as week_start,
              strftime(cohort_date, '%G-W%V') as week from marts.return_costs`,
    );
    const isoWeek = new Map(weeks.map((w) => [String(w.week_start), String(w.week)]));
    for (const row of rows) {
      expect(new Date(`${row.week_start}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(row.week).toBe(isoWeek.get(row.week_start));
      expect(row.week_days).toBeGreaterThanOrEqual(1);
      expect(row.week_days).toBeLessThanOrEqual(7);
    }
  });
});

describe("return_costs/skus", () => {
  it("adds up to marts.return_costs by SKU, naming the listed SKUs as marts.problem_skus does", async () => {
    const {rows, listed} = costSkuData(json("return_costs/skus"));
    const fields = [
      "paid_orders",
      "returned_orders",
      "gmv_amount",
      "refund_goods_amount",
      "logistics_cost_amount",
      "loss_amount",
      "total_cost_amount",
    ] as const;
    // The fixtures have fewer than 100 SKUs: every SKU is listed, none summed into the rest.
    expect(rows.every((r) => r.sku_rank !== null)).toBe(true);
    const published = sums(rows, (r) => `${r.shop_id}|${r.sku_code}`, fields);
    const expected = keyed(
      await sql(
        warehousePath,
        `select shop_id || '|' || coalesce(sku_code, 'null') as key, count(*)::double as paid_orders,
                count(*) filter (where is_returned)::double as returned_orders,
                ${fields
                  .slice(2)
                  .map((f) => `sum(${f})::double as ${f}`)
                  .join(", ")}
         from marts.return_costs group by all`,
      ),
    );
    expect(published).toEqual(expected);
    const names = await sql(
      warehousePath,
      "select shop_id, sku_code, product_id, product_name, color, size from marts.problem_skus",
    );
    expect(listed.length).toBe(Object.keys(expected).length);
    for (const sku of listed.filter((s) => s.sku_code !== null)) {
      const known = names.find((n) => n.shop_id === sku.shop_id && n.sku_code === sku.sku_code);
      expect(sku, sku.sku_code!).toMatchObject({
        product_id: known?.product_id ?? null,
        product_name: known?.product_name ?? null,
      });
    }
    expect(listed.map((s) => s.sku_rank)).toEqual(listed.map((_, i) => i + 1));
  });
});

describe("return_costs/provinces", () => {
  it("adds up to marts.return_costs by province", async () => {
    const rows = costProvinceRows(json("return_costs/provinces"));
    const fields = [
      "paid_orders",
      "returned_orders",
      "gmv_amount",
      "logistics_cost_amount",
      "total_cost_amount",
    ] as const;
    const expected = keyed(
      await sql(
        warehousePath,
        `select coalesce(province_code, '未知') as key, count(*)::double as paid_orders,
                count(*) filter (where is_returned)::double as returned_orders,
                ${fields
                  .slice(2)
                  .map((f) => `sum(${f})::double as ${f}`)
                  .join(", ")}
         from marts.return_costs group by all`,
      ),
    );
    expect(Object.keys(expected).length).toBeGreaterThan(1);
    expect(sums(rows, (r) => r.province_code ?? "未知", fields)).toEqual(expected);
  });
});

describe("cost_assumptions/costs", () => {
  it("is the costs area of marts.cost_assumptions", async () => {
    const rows = json("cost_assumptions/costs") as CostAssumption[];
    const expected = await sql(
      warehousePath,
      `select parameter, key, value, text_value, unit, source, tag, note
       from marts.cost_assumptions where area = 'costs' order by parameter, key`,
    );
    expect(rows).toEqual(expected);
    expect(rows.map((r) => r.parameter)).toEqual(
      expect.arrayContaining([
        "outbound_freight_per_parcel",
        "return_freight_per_parcel",
        "handling_cost_per_return",
      ]),
    );
  });
});

describe("size_fit and product_size_verdicts", () => {
  it("size_fit: every (product, size) of the mart, with its counts", async () => {
    const rows = json("size_fit") as SizeFitRow[];
    const fields = [
      "shipped_units",
      "returned_orders",
      "returned_units",
      "size_returned_orders",
      "size_returned_units",
      "small_mention_orders",
      "large_mention_orders",
      "mixed_mention_orders",
    ] as const;
    const expected = keyed(
      await sql(
        warehousePath,
        `select shop_id || '|' || product_id || '|' || coalesce(size, 'null') as key,
                ${fields.map((f) => `${f}::double as ${f}`).join(", ")} from marts.size_fit`,
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(sums(rows, (r) => `${r.shop_id}|${r.product_id}|${r.size}`, fields)).toEqual(expected);
  });

  it("product_size_verdicts: one row per product, verdict and evidence as in the mart", async () => {
    const rows = json("product_size_verdicts") as VerdictRow[];
    const expected = await sql(
      warehousePath,
      `select shop_id, product_id, product_name, category, verdict,
              small_mention_orders::double as small_mention_orders,
              large_mention_orders::double as large_mention_orders,
              size_returned_orders::double as size_returned_orders, sign_z
       from marts.product_size_verdicts order by shop_id, product_id`,
    );
    expect(
      rows
        .map((r) => ({...r}))
        .map((r) => Object.fromEntries(Object.keys(expected[0]!).map((k) => [k, r[k as keyof VerdictRow]]))),
    ).toEqual(expected);
  });
});

describe("no buyer data", () => {
  it("publishes no buyer field: no names, phone numbers, addresses or buyer keys", async () => {
    const keys = await sql(
      warehousePath,
      "select distinct buyer_key from core.order_lines where buyer_key is not null",
    );
    expect(keys.length).toBeGreaterThan(0);
    const text = [...outputs.values()].join("\n");
    for (const secret of [
      "张**",
      "138****0001",
      "139****0002",
      "13812345678",
      ...keys.map((k) => String(k.buyer_key)),
    ])
      expect(text, secret).not.toContain(secret);
    // And no column that could hold one (nested objects included).
    const columns = new Set<string>();
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object")
        for (const [key, item] of Object.entries(value)) {
          columns.add(key);
          walk(item);
        }
    };
    for (const output of outputs.values()) walk(JSON.parse(output));
    expect(columns.size).toBeGreaterThan(20);
    const personal = /buyer|receiver|recipient|phone|address|comment|^order_id$|order_item|after_sale_id/;
    expect([...columns].filter((column) => personal.test(column))).toEqual([]);
  });
});

describe("the SKU list's cap", () => {
  let capped: string;

  beforeAll(async () => {
    // One shop, 150 SKUs over two weeks and two channels; SKU i costs i 元 per returned 子订单, so
    // the 100 listed are SKU-051 … SKU-150 and the other 50 (1 … 50 元) make the rest.
    capped = join(dir, "capped.duckdb");
    const warehouse = await Warehouse.open(capped);
    try {
      await warehouse.run("create schema marts");
      await warehouse.run(
        `create table marts.return_costs as
         select 'shop' as shop_id, 'SKU-' || lpad(sku::varchar, 3, '0') as sku_code,
                (date '2026-11-02' + (7 * week)::integer)::date as cohort_date, '裙' as category,
                case when returned then '精选联盟' else '小店自卖' end as traffic_source,
                1 as paid_orders, returned::integer as returned_orders, 100.00::decimal(18, 2) as gmv_amount,
                (case when returned then 50 else 0 end)::decimal(18, 2) as refund_goods_amount,
                (case when returned then sku * 0.25 else 0 end)::decimal(18, 2) as logistics_cost_amount,
                (case when returned then sku * 0.75 else 0 end)::decimal(18, 2) as loss_amount,
                (case when returned then sku else 0 end)::decimal(18, 2) as total_cost_amount
         from range(1, 151) as skus(sku), range(2) as weeks(week), (values (true), (false)) as flags(returned)`,
      );
      await warehouse.run(
        `create table marts.problem_skus as
         select distinct shop_id, sku_code, 'P' || sku_code as product_id, '商品 ' || sku_code as product_name,
                '黑色' as color, 'M' as size
         from marts.return_costs`,
      );
    } finally {
      warehouse.close();
    }
  });

  it("lists each shop's 100 most costly SKUs and sums the others into one row per week and channel", async () => {
    const {rows, listed} = costSkuData(JSON.parse(await load("return_costs/skus", capped)));
    expect(listed).toHaveLength(100);
    expect(listed[0]).toEqual({
      shop_id: "shop",
      sku_rank: 1,
      sku_code: "SKU-150",
      product_id: "PSKU-150",
      product_name: "商品 SKU-150",
      color: "黑色",
      size: "M",
    });
    expect(listed[99]!.sku_code).toBe("SKU-051");
    const rest = rows.filter((r) => r.sku_rank === null);
    // Two weeks × two channels; the rest has no SKU code.
    expect(rest).toHaveLength(4);
    expect(rest.every((r) => r.sku_code === null)).toBe(true);
    // 1 + … + 50 = 1275 元 per week, from one returned 子订单 per SKU and week.
    expect(rest.reduce((s, r) => s + r.total_cost_amount, 0)).toBe(2 * 1275);
    expect(rest.reduce((s, r) => s + r.returned_orders, 0)).toBe(100);
    // Nothing is lost: all 150 SKUs × 2 weeks × 2 lines.
    expect(rows.reduce((s, r) => s + r.paid_orders, 0)).toBe(600);
    expect(rows.reduce((s, r) => s + r.total_cost_amount, 0)).toBe((2 * (150 * 151)) / 2);
    const sku150 = rows.filter((r) => r.sku_code === "SKU-150");
    expect(sku150.reduce((s, r) => s + r.total_cost_amount, 0)).toBe(300);
    expect(sku150.every((r) => r.sku_rank === 1)).toBe(true);
  });
});
