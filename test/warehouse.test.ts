import {mkdtemp, rm} from "node:fs/promises";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterEach, describe, expect, it} from "vitest";
import {Warehouse, memoryBytes} from "../src/pipelines/warehouse.js";

// A list aggregate holds its whole state in memory (it can't spill): 300,000 strings of ~110 bytes
// need some 40 MB, so it fails at a 16 MB limit and succeeds at 256 MB.
const HUNGRY = `insert into result select len(list(repeat('x', 100) || range)) as n from range(300000)`;

describe("memoryBytes", () => {
  it("reads DuckDB's memory settings", () => {
    expect(memoryBytes("1536MB")).toBe(1536e6);
    expect(memoryBytes("4GB")).toBe(4e9);
    expect(memoryBytes("2048MiB")).toBe(2 * 2 ** 30);
    expect(memoryBytes(" 1.5 GiB ")).toBe(1.5 * 2 ** 30);
    expect(memoryBytes("lots")).toBeNaN();
    expect(memoryBytes("5 parsecs")).toBeNaN();
  });
});

describe("Warehouse.transaction when DuckDB runs out of memory", () => {
  let dir: string;
  afterEach(async () => rm(dir, {recursive: true, force: true}));

  async function open(memoryCeiling: string): Promise<Warehouse> {
    dir = await mkdtemp(join(tmpdir(), "returnscope-memory-"));
    const warehouse = await Warehouse.open(join(dir, "w.duckdb"), {memoryLimit: "16MB", memoryCeiling});
    await warehouse.run("create table result (n bigint)");
    return warehouse;
  }

  const limit = async (warehouse: Warehouse) =>
    (await warehouse.one("select current_setting('memory_limit') as v"))!.v;

  it("retries once at the ceiling, commits, and goes back to the limit", async () => {
    const warehouse = await open("256MB");
    const before = await limit(warehouse);
    const messages: string[] = [];
    warehouse.onMemoryRetry = (message) => messages.push(message);
    let runs = 0;
    await warehouse.transaction(async () => {
      runs++;
      await warehouse.run("insert into result values (-1)");
      await warehouse.run(HUNGRY);
    });
    expect(runs).toBe(2);
    expect(messages).toEqual([
      "warehouse: out of memory at memory_limit 16MB; retrying the transaction at 256MB",
    ]);
    // The first run's rows were rolled back: one -1, not two.
    expect(await warehouse.all("select n::integer as n from result order by n")).toEqual([
      {n: -1},
      {n: 300000},
    ]);
    expect(await limit(warehouse)).toBe(before);
    warehouse.close();
  });

  it("remembers a key that needed the ceiling, and starts its next transaction there", async () => {
    const warehouse = await open("256MB");
    const before = await limit(warehouse);
    const messages: string[] = [];
    warehouse.onMemoryRetry = (message) => messages.push(message);
    const limits: unknown[] = [];
    let runs = 0;
    const hungry = async () => {
      runs++;
      limits.push(await limit(warehouse));
      await warehouse.run(HUNGRY);
    };
    await warehouse.transaction(hungry, {memoryKey: "marts/hungry.sql"});
    expect([runs, messages.length]).toEqual([2, 1]);
    expect(await warehouse.setting("memory_ceiling:marts/hungry.sql")).toBe("16MB");
    // Next time: one run, at the ceiling, no failure first; then the limit is back.
    await warehouse.transaction(hungry, {memoryKey: "marts/hungry.sql"});
    expect([runs, messages.length]).toEqual([3, 1]);
    expect(limits[2]).toBe(limits[1]);
    expect(limits[2]).not.toBe(before);
    expect(await limit(warehouse)).toBe(before);
    // Another key, or none, still starts at the limit and retries.
    await warehouse.transaction(hungry, {memoryKey: "marts/other.sql"});
    await warehouse.transaction(hungry);
    expect([runs, messages.length]).toEqual([7, 3]);
    expect(await warehouse.all("select n::integer as n from result")).toEqual(Array(4).fill({n: 300000}));
    warehouse.close();
  });

  it("runs a transaction declared atCeiling there from the start, then goes back to the limit", async () => {
    const warehouse = await open("256MB");
    const before = await limit(warehouse);
    warehouse.onMemoryRetry = () => expect.unreachable("no failure first");
    const limits: unknown[] = [];
    await warehouse.transaction(
      async () => {
        limits.push(await limit(warehouse));
        await warehouse.run(HUNGRY);
      },
      {atCeiling: true},
    );
    expect(limits).toHaveLength(1);
    expect(limits[0]).not.toBe(before);
    expect(await limit(warehouse)).toBe(before);
    expect(await warehouse.all("select n::integer as n from result")).toEqual([{n: 300000}]);
    // Nothing is remembered: it is the model's declaration, not a failure.
    expect(await warehouse.all("select * from meta.settings where key like 'memory_ceiling:%'")).toEqual([]);
    warehouse.close();
  });

  it("fails as before when the ceiling is no higher than the limit, leaving nothing", async () => {
    const warehouse = await open("16MB");
    warehouse.onMemoryRetry = () => expect.unreachable("no retry at the same limit");
    await expect(
      warehouse.transaction(async () => {
        await warehouse.run("insert into result values (-1)");
        await warehouse.run(HUNGRY);
      }),
    ).rejects.toThrow(/Out of Memory Error/);
    expect(await warehouse.all("select * from result")).toEqual([]);
    warehouse.close();
  });

  it("does not retry other errors", async () => {
    const warehouse = await open("256MB");
    let runs = 0;
    await expect(
      warehouse.transaction(async () => {
        runs++;
        await warehouse.run("select * from no_such_table");
      }),
    ).rejects.toThrow(/no_such_table/);
    expect(runs).toBe(1);
    warehouse.close();
  });
});
