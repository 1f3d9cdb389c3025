/**
 * The data loaders of src/data, run as Framework runs them (a child process each, all at once,
 * reading the warehouse read-only) against a warehouse loaded from the hand-made fixtures.
 */
import {readFile, readdir} from "node:fs/promises";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {dataDir, runLoader} from "./loaderHarness.js";
import {fromColumns} from "../../src/components/columnar.js";
import {ensureFresh} from "../../src/pipelines/refresh.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {cacheKey, emitQuery} from "../../src/pipelines/site/loader.js";
import {loaderCalls, precomputeLoaders} from "../../src/pipelines/site/precompute.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";
import {fixtureShopInbox, runIngest, tempDir, testConfig} from "../helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let warehousePath: string;
let loaders: string[];
const outputs = new Map<string, string>();

beforeAll(async () => {
  ({dir, cleanup} = await tempDir());
  const inbox = await fixtureShopInbox(dir);
  const config = testConfig(dir, inbox);
  const {warehouse} = await runIngest(config);
  await ensureFresh(warehouse, config);
  warehouse.close();
  warehousePath = config.warehouse;
  // Top-level loaders and those one folder down (src/data/<mart>/<view>.json.ts).
  loaders = (await readdir(dataDir, {recursive: true})).filter((name) => name.endsWith(".json.ts")).sort();
  const results = await Promise.all(loaders.map((file) => runLoader(file, warehousePath)));
  loaders.forEach((file, i) => {
    const result = results[i]!;
    if (result.code !== 0) throw new Error(`${file} exited ${result.code}: ${result.stderr}`);
    outputs.set(file.replace(/\.json\.ts$/, ""), result.stdout);
  });
}, 120_000);
afterAll(() => cleanup());

const json = (name: string) => JSON.parse(outputs.get(name) ?? "undefined");
/** A loader's rows, whether it publishes rows or column-wise. */
const rowsOf = (name: string) => {
  const value = json(name);
  return Array.isArray(value) || value === null ? value : fromColumns(value);
};

async function marts<T>(fn: (warehouse: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await Warehouse.open(warehousePath, {readOnly: true});
  try {
    return await fn(warehouse);
  } finally {
    warehouse.close();
  }
}

describe("data loaders", () => {
  it("are named after the published marts they read (file name = mart name)", async () => {
    const tables = await marts((w) =>
      // Marts, and the job history (meta.job_runs) of the 售后时效 page.
      w.all(
        "select table_name from information_schema.tables where table_schema = 'marts' or (table_schema = 'meta' and table_name = 'job_runs')",
      ),
    );
    const names = new Set(tables.map((t) => String(t.table_name)));
    expect(loaders.length).toBeGreaterThanOrEqual(4);
    for (const file of loaders) expect(names, file).toContain(file.split("/")[0]!.replace(/\.json\.ts$/, ""));
  });

  it("write JSON: rows, with numbers as numbers and IDs as strings", () => {
    for (const name of outputs.keys()) {
      const value = json(name);
      if (Array.isArray(value) || value === null) continue;
      // Column-wise: an object of lists of one length.
      const lengths = new Set(
        Object.values(value as Record<string, unknown[] | {codes: unknown[]}>).map((column) =>
          Array.isArray(column) ? column.length : column.codes.length,
        ),
      );
      expect(lengths.size, name).toBeLessThanOrEqual(1); // {} when there are no rows
    }
    const skus = json("problem_skus") as Record<string, unknown>[];
    expect(skus.length).toBeGreaterThan(0);
    for (const sku of skus) {
      expect(typeof sku.shipped_units).toBe("number");
      if (sku.product_id !== null) expect(sku.product_id).toMatch(/^\d{19}$/);
    }
  });

  it("keep product names as text, HTML included (pages render them as text)", () => {
    const names = (json("problem_skus") as {product_name: string | null}[]).map((s) => s.product_name);
    expect(names).toContain("修身连衣裙 <b>新款</b>");
  });

  it("return_rates_daily: weekly sums that add up to the mart", async () => {
    const weekly = rowsOf("return_rates_daily") as Record<string, number>[];
    const total = (key: string) => weekly.reduce((sum, row) => sum + row[key]!, 0);
    const expected = await marts((w) =>
      w.one(`select sum(paid_orders)::double as paid_orders, sum(shipped_units)::double as shipped_units,
               sum(returned_units)::double as returned_units from marts.return_rates_daily`),
    );
    expect({
      paid_orders: total("paid_orders"),
      shipped_units: total("shipped_units"),
      returned_units: total("returned_units"),
    }).toEqual(expected);
    for (const row of weekly) expect(new Date(`${row.week_start}T00:00:00Z`).getUTCDay()).toBe(1);
  });

  it("cohort_maturity: a row for every shop / category filter, the 'all' rows adding up", () => {
    const rows = json("cohort_maturity") as {
      week_start: string;
      all_shops: boolean;
      all_categories: boolean;
      shipped_units: number;
      forecast_rate_low: number | null;
      forecast_rate: number | null;
      forecast_rate_high: number | null;
    }[];
    const weeks = new Set(rows.map((r) => r.week_start));
    for (const week of weeks) {
      const ofWeek = rows.filter((r) => r.week_start === week);
      const everything = ofWeek.filter((r) => r.all_shops && r.all_categories);
      expect(everything).toHaveLength(1);
      const detail = ofWeek.filter((r) => !r.all_shops && !r.all_categories);
      expect(detail.reduce((s, r) => s + r.shipped_units, 0)).toBe(everything[0]!.shipped_units);
    }
    for (const row of rows)
      if (row.forecast_rate !== null) {
        expect(row.forecast_rate_low!).toBeLessThanOrEqual(row.forecast_rate + 1e-12);
        expect(row.forecast_rate_high!).toBeGreaterThanOrEqual(row.forecast_rate - 1e-12);
      }
  });

  it("publish no buyer PII: no names, phone numbers or buyer keys", async () => {
    const keys = await marts((w) =>
      w.all("select distinct buyer_key from core.order_lines where buyer_key is not null"),
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
  });

  it("precomputed in one process (returnscope build), give byte for byte what each loader writes", async () => {
    const {calls, others} = await loaderCalls(dataDir);
    expect(others).toEqual([]); // every loader is one emitQuery call, so every one is precomputed
    const cache = join(dir, "loader-cache");
    const result = await precomputeLoaders(warehousePath, dataDir, cache, memoryLogger());
    expect(result.failed).toEqual([]);
    for (const call of calls) {
      const precomputed = await readFile(join(cache, cacheKey(call.name, call.options)), "utf8");
      expect(precomputed, call.file).toBe(outputs.get(call.file.replace(/\.json\.ts$/, "")));
    }
    // A loader given the cache writes it without opening the warehouse (here: a missing one).
    const call = calls.find((c) => c.file === "problem_skus.json.ts")!;
    const written: string[] = [];
    await emitQuery(call.name, call.options, {
      env: {RETURNSCOPE_LOADER_CACHE: cache, RETURNSCOPE_WAREHOUSE: join(dir, "nowhere.duckdb")},
      write: (text) => void written.push(text),
      fail: (message) => {
        throw new Error(message);
      },
    });
    expect(written.join("")).toBe(outputs.get("problem_skus"));
  });

  it("fail in one line when the warehouse is missing", async () => {
    const result = await runLoader("problem_skus.json.ts", join(dir, "nowhere.duckdb"));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim()).toBe(
      `error: data loader problem_skus: no warehouse at ${join(dir, "nowhere.duckdb")}: run \`returnscope demo\` or \`returnscope ingest\` first`,
    );
  });
});
