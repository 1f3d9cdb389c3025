// The marts are rebuilt a model per transaction (so that one model out of memory is retried alone
// at the ceiling). In between, some are new and some old: the freshness token must say stale until
// the last model is done, so that a rebuild cut short is redone before anyone reads the marts.
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {dropOtherKind, MART_MODELS} from "../../src/pipelines/metrics/refresh.js";
import {ingest} from "../../src/pipelines/ingest/ingest.js";
import {silentLogger} from "../../src/pipelines/logger.js";
import {ensureMartsFresh, martsToken} from "../../src/pipelines/refresh.js";
import {readModel, Warehouse} from "../../src/pipelines/warehouse.js";
import {testConfig} from "../helpers.js";
import {fixtureWarehouse} from "./fixture.js";

let warehouse: Warehouse;
let dir: string;
let inbox: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({warehouse, dir, inbox, cleanup} = await fixtureWarehouse());
});
afterAll(async () => {
  warehouse.close();
  await cleanup();
});

const count = async (table: string) =>
  Number((await warehouse.one(`select count(*)::integer as n from ${table}`))!.n);

describe("rebuilding the marts", () => {
  it("leaves them stale when cut short, and the next reader rebuilds them all", async () => {
    const config = testConfig(dir, inbox);
    const token = await martsToken(warehouse, config);
    expect(await warehouse.setting("marts_token")).toBe(token);
    const before = await count("marts.return_costs");
    expect(before).toBeGreaterThan(0);

    // Empty a mart built late, then fail the rebuild at the model just before it.
    await warehouse.run("delete from marts.return_costs");
    const late = MART_MODELS.indexOf("marts/return_costs.sql");
    const failAt = await readModel(MART_MODELS[late - 1]!);
    const run = warehouse.run.bind(warehouse);
    warehouse.run = async (sql, params) => {
      if (sql === failAt) throw new Error("injected failure");
      return run(sql, params);
    };
    // As if core had changed since the marts were built: they are stale, and get rebuilt.
    await warehouse.setSetting("marts_token", "token-of-older-data");
    try {
      await expect(ensureMartsFresh(warehouse, config)).rejects.toThrow("injected failure");
    } finally {
      warehouse.run = run;
    }
    // Models before the failure were rebuilt and committed; the token says stale all the same (not
    // the older token, which a later core change could bring back into agreement).
    expect(await warehouse.setting("marts_token")).toBe("");
    expect(await count("marts.return_costs")).toBe(0);

    expect(await ensureMartsFresh(warehouse, config)).toBe(true);
    expect(await warehouse.setting("marts_token")).toBe(token);
    expect(await count("marts.return_costs")).toBe(before);
    expect(await ensureMartsFresh(warehouse, config)).toBe(false);
  });

  it("are refreshed once by an ingest, after its files, even when none is new", async () => {
    const config = testConfig(dir, inbox);
    const token = await martsToken(warehouse, config);
    await warehouse.setSetting("marts_token", "token-of-older-data");
    const run = warehouse.run.bind(warehouse);
    const firstModel = await readModel(MART_MODELS[0]!);
    let builds = 0;
    warehouse.run = async (sql, params) => {
      if (sql === firstModel) builds++;
      return run(sql, params);
    };
    try {
      // Every fixture file is loaded already: nothing new, but the marts were stale.
      const summary = await ingest(warehouse, {config, logger: silentLogger});
      expect(summary.loaded).toBe(0);
      expect(summary.marts?.mode).toBe("full");
      expect(builds).toBe(1);
      expect(await warehouse.setting("marts_token")).toBe(token);
      expect((await ingest(warehouse, {config, logger: silentLogger})).marts).toBeNull();
      expect(builds).toBe(1);
      // Stale again, and a new file: one full build, after the file (not one before it as well).
      await warehouse.setSetting("marts_token", "token-of-older-data");
      const file = fileURLToPath(new URL("../fixtures/orders_a.csv", import.meta.url));
      const loaded = await ingest(warehouse, {
        config,
        logger: silentLogger,
        files: [{path: file, displayPath: "gamma/orders_a.csv", shop: "gamma"}],
      });
      expect(loaded.loaded).toBe(1);
      expect(loaded.marts?.mode).toBe("full");
      expect(builds).toBe(2);
      expect(await count("marts.return_costs where shop_id = 'gamma'")).toBeGreaterThan(0);
    } finally {
      warehouse.run = run;
    }
  });

  it("rebuild a warehouse whose model was built as a table and is now a view, or the reverse", async () => {
    const config = testConfig(dir, inbox);
    const kind = async (schema: string, name: string) =>
      (
        await warehouse.one(
          `select table_type from information_schema.tables where table_schema = $schema and table_name = $name`,
          {schema, name},
        )
      )?.table_type;
    // int_order_line_signed was a table before it became a view: an older warehouse has the table.
    expect(await kind("intermediate", "int_order_line_signed")).toBe("VIEW");
    const rows = await count("intermediate.int_order_line_signed");
    expect(rows).toBeGreaterThan(0);
    await warehouse.run(`
      create table intermediate.signed_copy as select * from intermediate.int_order_line_signed;
      drop view intermediate.int_order_line_signed;
      create table intermediate.int_order_line_signed as select * from intermediate.signed_copy limit 1;
      drop table intermediate.signed_copy;`);
    expect(await kind("intermediate", "int_order_line_signed")).toBe("BASE TABLE");
    await warehouse.setSetting("marts_token", "token-of-older-data");
    expect(await ensureMartsFresh(warehouse, config)).toBe(true);
    expect(await kind("intermediate", "int_order_line_signed")).toBe("VIEW");
    expect(await count("intermediate.int_order_line_signed")).toBe(rows);

    // The reverse: a view where a model now builds a table.
    await warehouse.run("create or replace view intermediate.kind_probe as select 1 as x");
    const table = "create or replace table intermediate.kind_probe as select 2 as x";
    await expect(warehouse.run(table)).rejects.toThrow(/type View/);
    await dropOtherKind(warehouse, table);
    await warehouse.run(table);
    expect(await kind("intermediate", "kind_probe")).toBe("BASE TABLE");
    expect((await warehouse.one("select x from intermediate.kind_probe"))!.x).toBe(2);
    // Nothing to drop when the kind is already right, or when the SQL creates neither.
    await dropOtherKind(warehouse, table);
    await dropOtherKind(warehouse, "select 1");
    expect(await kind("intermediate", "kind_probe")).toBe("BASE TABLE");
    await warehouse.run("drop table intermediate.kind_probe");
  });

  it("run the models that declare `-- @memory: ceiling` at the ceiling, and only those", async () => {
    const config = testConfig(dir, inbox);
    const transaction = warehouse.transaction.bind(warehouse);
    const atCeiling: Record<string, boolean> = {};
    warehouse.transaction = (fn, options = {}) => {
      if (options.memoryKey) atCeiling[options.memoryKey] = options.atCeiling ?? false;
      return transaction(fn, options);
    };
    try {
      await warehouse.setSetting("marts_token", "token-of-older-data");
      expect(await ensureMartsFresh(warehouse, config)).toBe(true);
    } finally {
      warehouse.transaction = transaction;
    }
    expect(Object.keys(atCeiling)).toEqual(MART_MODELS);
    expect(Object.keys(atCeiling).filter((model) => atCeiling[model])).toEqual([
      "marts/return_rates_daily.sql",
      "intermediate/int_shipped_lines.sql",
      "marts/return_costs.sql",
    ]);
  });
});
