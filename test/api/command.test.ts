import {existsSync} from "node:fs";
import {writeFile} from "node:fs/promises";
import {join} from "node:path";
import {Command} from "commander";
import {afterEach, expect, test} from "vitest";
import {registerPullCommand} from "../../src/pipelines/api/command.js";
import {normalizeApiConfig} from "../../src/pipelines/api/settings.js";
import {main} from "../../src/pipelines/cli.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";
import {tempDir, testConfig} from "../helpers.js";
import {FakeDoudian} from "./fakeDoudian.js";
import {afterSale} from "./pullFixture.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

test("returnscope pull --json: secrets from DOUDIAN_SECRETS_FILE, the gateway from DOUDIAN_GATEWAY", async () => {
  const {dir, cleanup} = await tempDir();
  cleanups.push(cleanup);
  const fake = new FakeDoudian({
    appKey: "7300000000000000001",
    appSecret: "cmd-secret-P4L",
    shopId: "1234",
    now: () => Math.floor(Date.now() / 1000),
  });
  await fake.start();
  cleanups.push(() => fake.close());
  const now = Math.floor(Date.now() / 1000);
  fake.afterSales.push(afterSale(1, {updateTime: now - 3600, status: 12}));
  const secretsFile = join(dir, "doudian-secrets.json");
  await writeFile(
    secretsFile,
    JSON.stringify({appKey: "7300000000000000001", appSecret: "cmd-secret-P4L", shopId: "1234"}),
    {mode: 0o600},
  );
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: {DOUDIAN_SECRETS_FILE: secretsFile, DOUDIAN_GATEWAY: fake.url},
  };
  const config = {
    ...testConfig(dir, join(dir, "inbox")),
    api: normalizeApiConfig(
      {initialLookbackDays: 1, qps: 1000, tokenFile: join(dir, "tokens.json"), endpoints: ["after_sales"]},
      "test",
    ),
  };
  const program = new Command().exitOverride();
  registerPullCommand(program, {io, loadConfig: async () => config});
  await program.parseAsync(["node", "returnscope", "pull", "--json"]);
  const summary = JSON.parse(out.join("\n"));
  expect(summary).toMatchObject({
    shop: "default",
    mode: "incremental",
    stopped: false,
    ingest: {loaded: 1, failed: 0},
  });
  expect(summary.endpoints[0]).toMatchObject({method: "afterSale.List", complete: true, rows: 1});
  expect(err).toEqual([]);
  expect(out.join("\n") + err.join("\n")).not.toContain("cmd-secret-P4L");
  const warehouse = await Warehouse.open(config.warehouse);
  try {
    expect(await warehouse.all("select after_sale_id, after_sale_status from core.after_sales")).toEqual([
      {after_sale_id: "7100000000000000001", after_sale_status: "同意退款，退款成功"},
    ]);
    // A job like ingest: under the lock (released) and in the job history.
    expect(
      await warehouse.all("select job, trigger, status, files_loaded, files_failed from meta.job_runs"),
    ).toEqual([{job: "pull-api", trigger: "manual", status: "succeeded", files_loaded: 1, files_failed: 0}]);
    expect(existsSync(`${config.warehouse}.lock`)).toBe(false);
  } finally {
    warehouse.close();
  }
});

test("the CLI knows the command; bad dates are usage errors", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: {},
    cwd: process.cwd(),
  };
  expect(await main(["node", "returnscope", "pull", "--help"], io)).toBe(0);
  expect(out.join("\n")).toMatch(/--from <date>[\s\S]*DOUDIAN_SECRETS_FILE/);
  expect(await main(["node", "returnscope", "pull", "--from", "2026-13"], io)).toBe(2);
  expect(err.join("\n")).toContain("expected a date YYYY-MM-DD, got 2026-13");
});
