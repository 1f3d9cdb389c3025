import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {main, type Io} from "../src/pipelines/cli.js";
import {fixture, makeInbox, tempDir, writeAfterSaleFixtures} from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({dir, cleanup} = await tempDir()));
afterEach(() => cleanup());

async function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{code: number; out: string; err: string}> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {out: (t) => out.push(t), err: (t) => err.push(t), env: {...env}, cwd: dir};
  const code = await main(["node", "returnscope", ...args], io);
  return {code, out: out.join("\n"), err: err.join("\n")};
}

describe("returnscope CLI", () => {
  it("has --help on every command", async () => {
    for (const command of [[], ["ingest"], ["status"], ["sample"], ["demo"]]) {
      const {code, out} = await run([...command, "--help"]);
      expect(code).toBe(0);
      expect(out).toContain("Usage: returnscope");
    }
    const ingestHelp = (await run(["ingest", "--help"])).out;
    for (const flag of ["--warehouse <file>", "--inbox <dir>", "--json", "--shop <id>"])
      expect(ingestHelp).toContain(flag);
  });

  it("fails on an unknown command with the list of commands", async () => {
    const {code, err} = await run(["ingets"]);
    expect(code).toBe(2);
    expect(err).toContain("unknown command 'ingets'");
    expect(err).toContain("(Did you mean ingest?)");
  });

  it("ingest --json prints a per-file summary and totals, and exits 1 when a file failed", async () => {
    const inbox = await makeInbox(dir, {
      live: [fixture("orders_a.csv"), fixture("orders_bad.csv"), fixture("unknown_kind.csv")],
    });
    const warehouse = join(dir, "w.duckdb");
    const {code, out} = await run(["ingest", "--json", "--warehouse", warehouse, "--inbox", inbox]);
    expect(code).toBe(1);
    const summary = JSON.parse(out);
    expect(summary.files.map((f: Record<string, unknown>) => Object.keys(f))).toEqual(
      Array(3).fill([
        "path",
        "sha256",
        "kind",
        "shop",
        "status",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "message",
      ]),
    );
    expect(
      summary.files.map((f: Record<string, unknown>) => [
        f.path,
        f.kind,
        f.shop,
        f.status,
        f.rows_loaded,
        f.rows_rejected,
      ]),
    ).toEqual([
      ["live/orders_a.csv", "order", "live", "loaded", 5, 0],
      ["live/orders_bad.csv", "order", "live", "loaded", 3, 5],
      ["live/unknown_kind.csv", null, "live", "failed", 0, 0],
    ]);
    expect(summary.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(summary.totals.order).toEqual({files: 2, rows_read: 13, rows_loaded: 8, rows_rejected: 5});

    const again = await run(["ingest", "--json", "--warehouse", warehouse, "--inbox", inbox]);
    expect(JSON.parse(again.out).files.map((f: Record<string, unknown>) => f.status)).toEqual([
      "skipped",
      "skipped",
      "failed",
    ]);
  });

  it("takes the warehouse and inbox from the environment, and files from the command line", async () => {
    const env = {RETURNSCOPE_WAREHOUSE: join(dir, "env.duckdb"), RETURNSCOPE_INBOX: join(dir, "nowhere")};
    const {code, out} = await run(["ingest", "--shop", "basics", fixture("orders_b_gbk.csv")], env);
    expect(code).toBe(0);
    expect(out).toMatch(/已载入\s+basics\s+订单导出/);
    const status = await run(["status", "--json"], env);
    const report = JSON.parse(status.out);
    expect(report.warehouse).toBe(join(dir, "env.duckdb"));
    expect(report.tables["core.order_lines"]).toBe(3);
    expect(report.totals.order).toEqual({files: 1, rows_read: 3, rows_loaded: 3, rows_rejected: 0});
  });

  it("status shows rejects and unknown values by count", async () => {
    const inbox = await makeInbox(dir, {live: [fixture("orders_a.csv"), fixture("orders_bad.csv")]});
    const warehouse = join(dir, "w.duckdb");
    await run(["ingest", "--warehouse", warehouse, "--inbox", inbox]);
    const {code, out} = await run(["status", "--warehouse", warehouse, "--inbox", inbox]);
    expect(code).toBe(0);
    expect(out).toContain("拒绝的行");
    expect(out).toMatch(/order\s+子订单编号\s+missing key 子订单编号\s+1\s+live\/orders_bad.csv row 5: -/);
    expect(out).toContain("未识别的值");
    expect(out).toMatch(/省\s+海外\s+1/);
    const json = JSON.parse((await run(["status", "--json", "--warehouse", warehouse])).out);
    expect(json.rejects.reduce((n: number, r: {count: number}) => n + r.count, 0)).toBe(5);
  });

  it("rejects a bad config file with a message naming the file and the setting", async () => {
    const config = join(dir, "bad.json");
    await import("node:fs/promises").then((fs) =>
      fs.writeFile(config, JSON.stringify({skuSizePattern: "([a-z]+)"})),
    );
    const {code, err} = await run(["status", "--config", config, "--warehouse", join(dir, "w.duckdb")]);
    expect(code).toBe(2);
    expect(err).toBe(`error: ${config}: skuSizePattern needs a named group (?<size>…): ([a-z]+)`);
  });
});

describe("returnscope metrics (wired into the CLI)", () => {
  it("answers right after ingest: the marts are never stale", async () => {
    const inbox = await makeInbox(dir, {live: [fixture("orders_a.csv")]});
    const warehouse = join(dir, "w.duckdb");
    await run(["ingest", "--warehouse", warehouse, "--inbox", inbox]);
    const first = JSON.parse(
      (
        await run([
          "metrics",
          "unit-return-rate",
          "--by",
          "shop",
          "--format",
          "json",
          "--warehouse",
          warehouse,
        ])
      ).out,
    );
    // orders_a.csv: shipped lines 011 (1 unit), 012 (2), 041 (3); no after-sales yet.
    expect(first).toMatchObject([{shop: "live", returned_units: 0, shipped_units: 6, rate: 0}]);
    // An after-sale export arrives: 011 returned (effective, 1 unit) → 1/6.
    const {v2} = await writeAfterSaleFixtures(dir);
    await run(["ingest", "--warehouse", warehouse, "--shop", "live", v2]);
    const second = JSON.parse(
      (
        await run([
          "metrics",
          "unit-return-rate",
          "--by",
          "shop",
          "--format",
          "json",
          "--warehouse",
          warehouse,
        ])
      ).out,
    );
    expect(second[0]).toMatchObject({shop: "live", returned_units: 1, shipped_units: 6});
    expect(second[0].rate).toBeCloseTo(1 / 6, 10);
  });
});
