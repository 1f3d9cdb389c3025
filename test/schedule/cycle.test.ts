/**
 * The ingest → refresh → build cycle under the lock, with its job history; two real processes
 * started together; a real SIGTERM in the middle of a run.
 */
import {spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {runCycle} from "../../src/pipelines/schedule/cycle.js";
import {acquireLock, lockPathFor} from "../../src/pipelines/schedule/lock.js";
import {jobHistory} from "../../src/pipelines/schedule/jobs.js";
import {generateSample} from "../../src/pipelines/sample/generate.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";
import {coreSnapshot, fixture, makeInbox, tempDir, testConfig} from "../helpers.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Runs node with `args` in `cwd` (a temp folder: no config file there), paths relative to the repo. */
function run(args: string[], cwd = root): Promise<{code: number | null; stdout: string; stderr: string}> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("RETURNSCOPE_")),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {cwd, env});
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({code, stdout, stderr}));
  });
}

async function open<T>(path: string, fn: (w: Warehouse) => Promise<T>): Promise<T> {
  const warehouse = await Warehouse.open(path, {readOnly: true});
  try {
    return await fn(warehouse);
  } finally {
    warehouse.close();
  }
}

let dir: string;
let cleanup: () => Promise<void>;
let sampleInbox: string;
let reference: Awaited<ReturnType<typeof coreSnapshot>>;
let sampleFiles: number;

beforeAll(async () => {
  ({dir, cleanup} = await tempDir());
  const sample = await generateSample({outDir: join(dir, "sample"), orders: 3000});
  sampleInbox = join(dir, "sample", "inbox");
  sampleFiles = sample.files.filter((f) => f.startsWith("inbox/")).length;
  // The reference: the same inbox ingested once, alone.
  const config = testConfig(join(dir, "reference"), sampleInbox);
  await mkdir(join(dir, "reference"));
  const result = await runCycle(config, {
    trigger: "manual",
    busy: "skip",
    logger: memoryLogger(),
    build: "never",
    siteOut: "",
  });
  expect(result.status).toBe("succeeded");
  reference = await open(config.warehouse, coreSnapshot);
}, 180_000);
afterAll(() => cleanup());

describe("a cycle", () => {
  it("records its run in the job history, rebuilds only when new data arrived, and releases the lock", async () => {
    const sub = join(dir, "history");
    const inbox = await makeInbox(sub, {
      "shop-a": [fixture("orders_a.csv"), fixture("after_sales_basics.csv")],
    });
    const config = testConfig(sub, inbox);
    const builds: string[] = [];
    const options = {
      trigger: "schedule" as const,
      busy: "skip" as const,
      logger: memoryLogger(),
      build: "when-changed" as const,
      siteOut: join(sub, "dist"),
      buildSite: async (warehouse: string, out: string) => {
        builds.push(warehouse);
        await mkdir(out, {recursive: true});
        await writeFile(join(out, "index.html"), "site");
        return {out, pages: ["index"], bytes: 4, files: 1, dataBytes: 0, seconds: 0};
      },
    };
    const first = await runCycle(config, options);
    expect(first.status).toBe("succeeded");
    expect(first.message).toBe("2 loaded, 0 skipped, 0 failed; site rebuilt (1 pages)");
    const second = await runCycle(config, options);
    expect(second.message).toBe("0 loaded, 2 skipped, 0 failed");
    expect(builds).toEqual([config.warehouse]);
    expect(existsSync(lockPathFor(config.warehouse))).toBe(false);
    const history = await open(config.warehouse, (w) => jobHistory(w));
    expect(
      history.map((h) => [h.job, h.trigger, h.status, h.files_loaded, h.files_skipped, h.files_failed]),
    ).toEqual([
      ["run", "schedule", "succeeded", 0, 2, 0],
      ["run", "schedule", "succeeded", 2, 0, 0],
    ]);
  });

  it("skips while another run holds the lock, and records a failed build as failed", async () => {
    const sub = join(dir, "busy");
    const inbox = await makeInbox(sub, {"shop-a": [fixture("orders_a.csv")]});
    const config = testConfig(sub, inbox);
    const lock = await acquireLock(config.warehouse, {job: "ingest", busy: "skip"});
    const logger = memoryLogger();
    const skipped = await runCycle(config, {
      trigger: "schedule",
      busy: "skip",
      logger,
      build: "never",
      siteOut: "",
    });
    expect(skipped.status).toBe("skipped");
    expect(skipped.message).toMatch(
      /^run skipped: another run \(ingest, pid \d+ on .+\) holds .+\.lock; try again when it has finished$/,
    );
    await lock.release();
    const failed = await runCycle(config, {
      trigger: "manual",
      busy: "skip",
      logger,
      build: "always",
      siteOut: join(sub, "dist"),
      buildSite: async () => {
        throw new Error("observable build exited 1: data loader problem_skus failed");
      },
    });
    expect(failed.status).toBe("failed");
    const [last] = await open(config.warehouse, (w) => jobHistory(w, 1));
    expect(last).toMatchObject({
      status: "failed",
      files_loaded: 1,
      message: "observable build exited 1: data loader problem_skus failed",
    });
    expect(existsSync(lockPathFor(config.warehouse))).toBe(false);
  });

  it("marks a run left 'running' by a killed process as interrupted", async () => {
    const sub = join(dir, "killed");
    const inbox = await makeInbox(sub, {"shop-a": [fixture("orders_a.csv")]});
    const config = testConfig(sub, inbox);
    const w = await Warehouse.open(config.warehouse);
    await w.run(
      "insert into meta.job_runs (run_id, job, trigger, pid, host, started_at, status) values (999, 'run', 'schedule', 99999999, 'gone-host', now(), 'running')",
    );
    w.close();
    const logger = memoryLogger();
    await runCycle(config, {trigger: "manual", busy: "skip", logger, build: "never", siteOut: ""});
    expect(logger.lines).toContain("warn: 1 earlier run(s) had stopped before finishing: marked interrupted");
    const killed = await open(config.warehouse, (x) =>
      x.one("select status, message from meta.job_runs where run_id = 999"),
    );
    expect(killed).toEqual({
      status: "interrupted",
      message: "the process stopped before the run finished (killed or crashed)",
    });
  });
});

describe("two processes", () => {
  it("a scheduled run and a manual ingest started together: no file loaded twice, the same core as one ingest", async () => {
    for (const round of [1, 2]) {
      const warehouse = join(dir, `two-${round}`, "warehouse.duckdb");
      await mkdir(join(dir, `two-${round}`));
      const common = ["--warehouse", warehouse, "--inbox", sampleInbox];
      const [scheduled, manual] = await Promise.all([
        run([join(root, "bin/returnscope.js"), "run", "--no-build", "--no-report", ...common], dir),
        run([join(root, "bin/returnscope.js"), "ingest", "--json", ...common], dir),
      ]);
      expect(scheduled.code, scheduled.stderr).toBe(0);
      expect(manual.code, manual.stderr).toBe(0);
      const loaded = await open(warehouse, (w) =>
        w.all(
          "select sha256, count(*)::integer as n from meta.ingest_log where status = 'loaded' group by sha256 having n > 1",
        ),
      );
      expect(loaded).toEqual([]);
      const counts = await open(warehouse, (w) =>
        w.one("select count(*)::integer as loaded from meta.ingest_log where status = 'loaded'"),
      );
      expect(counts).toEqual({loaded: sampleFiles});
      expect(await open(warehouse, coreSnapshot)).toEqual(reference);
      // They met: the scheduled run skipped, or the manual ingest waited for it.
      const met =
        /run skipped: another run \(ingest, pid \d+/.test(scheduled.stderr) ||
        /waiting for another run \(run, pid \d+/.test(manual.stderr);
      expect(met, `${scheduled.stderr}\n${manual.stderr}`).toBe(true);
      // Who went first differs; between them every file was loaded exactly once.
      const summary = JSON.parse(manual.stdout) as {loaded: number; skipped: number};
      const history = await open(warehouse, (w) => jobHistory(w));
      const total = history.reduce((s, h) => s + h.files_loaded, 0);
      expect(total).toBe(sampleFiles);
      expect(summary.loaded === 0 || summary.loaded === sampleFiles).toBe(true);
      expect(existsSync(lockPathFor(warehouse))).toBe(false);
    }
  }, 240_000);

  it("SIGTERM in the middle of a run: the file in hand completes or rolls back, the rest wait, exit 0", async () => {
    const warehouse = join(dir, "sigterm", "warehouse.duckdb");
    await mkdir(join(dir, "sigterm"));
    const child = await run([
      "--import",
      "tsx",
      "test/schedule/signal-child.ts",
      warehouse,
      sampleInbox,
      "2",
    ]);
    expect(child.code, child.stderr).toBe(0);
    const out = JSON.parse(child.stdout) as {status: string; message: string; log: string[]};
    expect(out.status).toBe("interrupted");
    expect(out.log).toContain("warn: SIGTERM: stopping after the file in hand (again to exit at once) …");
    expect(out.log).toContain(
      `warn: stopped: ${sampleFiles - 2} file(s) not started; they load on the next run`,
    );
    expect(existsSync(lockPathFor(warehouse))).toBe(false);
    const [run1] = await open(warehouse, (w) => jobHistory(w, 1));
    expect(run1).toMatchObject({status: "interrupted", files_loaded: 2});
    // The next run loads the rest and converges on the reference.
    const config = testConfig(join(dir, "sigterm"), sampleInbox);
    const next = await runCycle(config, {
      trigger: "manual",
      busy: "skip",
      logger: memoryLogger(),
      build: "never",
      siteOut: "",
    });
    expect(next.message).toBe(`${sampleFiles - 2} loaded, 2 skipped, 0 failed`);
    expect(await open(warehouse, coreSnapshot)).toEqual(reference);
  }, 180_000);
});
