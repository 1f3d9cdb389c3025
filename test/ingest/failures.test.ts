import {execFile} from "node:child_process";
import {readFile, readdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {promisify} from "node:util";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {
  coreSnapshot,
  fixture,
  makeInbox,
  rows,
  runIngest,
  tempDir,
  testConfig,
  writeAfterSaleFixtures,
} from "../helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let open: Warehouse[] = [];

beforeEach(async () => {
  ({dir, cleanup} = await tempDir());
});
afterEach(async () => {
  for (const w of open) w.close();
  open = [];
  await cleanup();
});

describe("whole-file failures", () => {
  it("fails each bad file with a clear message, loads the rest, and leaves the files in place", async () => {
    const {v1} = await writeAfterSaleFixtures(dir);
    const truncated = join(dir, "truncated.xlsx");
    const bytes = await readFile(v1);
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const oldExcel = join(dir, "old.xls");
    await writeFile(
      oldExcel,
      Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]),
    );
    const inbox = await makeInbox(dir, {
      live: [
        fixture("empty.csv"),
        fixture("unknown_kind.csv"),
        fixture("missing_columns.csv"),
        fixture("not_a_sheet.xlsx"),
        truncated,
        oldExcel,
        fixture("orders_a.csv"),
      ],
    });
    const quarantine = join(dir, "quarantine");
    const {warehouse, summary, log} = await runIngest(testConfig(dir, inbox, {quarantine}));
    open.push(warehouse);
    const messages = Object.fromEntries(
      summary.files.map((f) => [f.path, [f.status, f.message.replace(/ \(copied to .*\)$/, "")]]),
    );
    expect(messages).toEqual({
      "live/empty.csv": ["failed", "file is empty"],
      "live/unknown_kind.csv": [
        "failed",
        "cannot tell what kind of file this is from its headers: expected 售后单号 (售后单导出), 子订单编号 (订单导出), " +
          "or 商家编码 with 尺码/颜色/品类/成本价/款号 (商品档案); found: 日期, 金额, 备注",
      ],
      "live/missing_columns.csv": [
        "failed",
        "售后单导出 lacks required columns: 商品单号, 售后状态, 售后申请时间",
      ],
      "live/not_a_sheet.xlsx": ["failed", "not an XLSX file: no zip signature (a renamed text file?)"],
      "live/truncated.xlsx": ["failed", expect.stringMatching(/^corrupt zip: /)],
      "live/old.xls": [
        "failed",
        "not a CSV or XLSX file (binary content; old .xls files must be saved as .xlsx)",
      ],
      "live/orders_a.csv": ["loaded", "1 unknown column(s) kept in raw: 自定义列"],
    });
    expect(summary.failed).toBe(6);
    // Errors are logged with the file name, and recorded in the ingest log.
    expect(
      log.filter((line) => line.startsWith("error: live/empty.csv: file is empty (copied to ")),
    ).toHaveLength(1);
    const logged = await rows(
      warehouse,
      "select path, status from meta.ingest_log where status = 'failed' order by path",
    );
    expect(logged.map((r) => r.path)).toEqual([
      "live/empty.csv",
      "live/missing_columns.csv",
      "live/not_a_sheet.xlsx",
      "live/old.xls",
      "live/truncated.xlsx",
      "live/unknown_kind.csv",
    ]);
    // Copied to quarantine, never moved.
    expect((await readdir(quarantine)).length).toBe(6);
    expect((await readdir(join(inbox, "live"))).length).toBe(7);
  });

  it("retries a failed file on the next run", async () => {
    const inbox = await makeInbox(dir, {live: [fixture("unknown_kind.csv")]});
    const first = await runIngest(testConfig(dir, inbox));
    first.warehouse.close();
    const second = await runIngest(testConfig(dir, inbox));
    open.push(second.warehouse);
    expect(second.summary.files.map((f) => f.status)).toEqual(["failed"]);
    expect(
      await rows(
        second.warehouse,
        "select count(*)::integer as n from meta.ingest_log where status = 'failed'",
      ),
    ).toEqual([{n: 2}]);
  });
});

describe("atomicity", () => {
  async function inbox(): Promise<string> {
    const {v1, v2} = await writeAfterSaleFixtures(dir);
    return makeInbox(dir, {
      live: [fixture("orders_a.csv"), fixture("orders_a_later.csv"), fixture("orders_bad.csv"), v1, v2],
    });
  }

  for (const step of ["after-raw", "after-staging", "before-commit"]) {
    it(`an error ${step} leaves none of the file's rows, and the next run converges`, async () => {
      const box = await inbox();
      const clean = await runIngest(testConfig(dir, box, {warehouse: join(dir, "clean.duckdb")}));
      const expected = await coreSnapshot(clean.warehouse);
      clean.warehouse.close();

      const config = testConfig(dir, box);
      let calls = 0;
      const broken = await runIngest(config, {
        fault: (at) => {
          if (at === step && ++calls === 3) throw new Error("injected failure");
        },
      });
      const failed = broken.summary.files.filter((f) => f.status === "failed");
      expect(failed.map((f) => [f.path, f.message])).toEqual([["live/orders_bad.csv", "injected failure"]]);
      for (const table of ["raw.order_lines", "staging.order_lines"]) {
        const n = await rows(
          broken.warehouse,
          `select file_id, source_row, order_item_id from ${table} where order_item_id like '%21_'`,
        );
        expect(n).toEqual([]);
      }
      // Only the after-sale export's own reject (row 5) is there; none of orders_bad.csv's five.
      expect(
        await rows(broken.warehouse, "select source_row::integer as row, column_name from meta.rejects"),
      ).toEqual([{row: 5, column_name: "售后申请时间"}]);
      broken.warehouse.close();

      const rerun = await runIngest(config);
      open.push(rerun.warehouse);
      expect(rerun.summary.files.map((f) => f.status).sort()).toEqual([
        "loaded",
        "skipped",
        "skipped",
        "skipped",
        "skipped",
      ]);
      expect(await coreSnapshot(rerun.warehouse)).toEqual(expected);
    });
  }

  it("a process killed in the middle of a file leaves none of its rows", async () => {
    const box = await inbox();
    const config = testConfig(dir, box);
    const child = promisify(execFile)(
      process.execPath,
      ["--import", "tsx", join(import.meta.dirname, "crash-child.ts"), config.warehouse, box, "2"],
      {cwd: process.cwd()},
    );
    await expect(child).rejects.toMatchObject({signal: "SIGKILL"});

    const after = await runIngest({...config, inbox: join(dir, "nothing-new")}, {files: []});
    const loaded = await rows(
      after.warehouse,
      "select path from meta.ingest_log where status = 'loaded' order by path",
    );
    expect(loaded).toEqual([{path: "live/orders_a.csv"}]);
    expect(await rows(after.warehouse, "select count(*)::integer as n from raw.order_lines")).toEqual([
      {n: 5},
    ]);
    expect(await rows(after.warehouse, "select count(*)::integer as n from staging.order_lines")).toEqual([
      {n: 5},
    ]);
    after.warehouse.close();

    const clean = await runIngest(testConfig(dir, box, {warehouse: join(dir, "clean.duckdb")}));
    const expected = await coreSnapshot(clean.warehouse);
    clean.warehouse.close();
    const rerun = await runIngest(config);
    open.push(rerun.warehouse);
    expect(rerun.summary.files.filter((f) => f.status === "loaded").length).toBe(4);
    expect(await coreSnapshot(rerun.warehouse)).toEqual(expected);
  });
});
