/**
 * The weekly report as a job: written, delivered (to a real HTTP server on loopback that checks the
 * signature as the receiver would), recorded in the job history with its week — and the scheduler
 * catching up on a week missed while it was down.
 */
import {createHmac} from "node:crypto";
import {existsSync} from "node:fs";
import {createServer, type Server} from "node:http";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {defaultConfig, type Config} from "../../src/pipelines/config.js";
import {normalizeDeliveryConfig} from "../../src/pipelines/delivery/index.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {produceWeeklyReport, weeklyReportMissed} from "../../src/pipelines/report/job.js";
import {Scheduler, type Clock} from "../../src/pipelines/schedule/scheduler.js";
import {cronTrigger} from "../../src/pipelines/schedule/triggers.js";
import {Warehouse} from "../../src/pipelines/warehouse.js";
import {reportWarehouse} from "./fixture.js";

const SECRET = "hook-secret-Wombat-42";
let dir: string;
let path: string;
let cleanup: () => Promise<void>;
let server: Server;
let url: string;
let received: {body: string; signature: string | undefined; valid: boolean}[] = [];
let failNext = 0;

beforeAll(async () => {
  ({dir, path, cleanup} = await reportWarehouse());
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      if (failNext > 0) {
        failNext--;
        response.writeHead(500).end("busy");
        return;
      }
      const signature = request.headers["x-returnscope-signature"] as string | undefined;
      const expected = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
      received.push({body, signature, valid: signature === expected});
      response.writeHead(signature === expected ? 200 : 401, {"content-type": "application/json"}).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as {port: number};
  url = `http://127.0.0.1:${address.port}/hook`;
}, 300_000);
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await cleanup?.();
});

function config(): Config {
  return {
    ...defaultConfig(),
    warehouse: path,
    delivery: normalizeDeliveryConfig(
      {
        channels: [{type: "webhook", name: "bi", webhookEnv: "RS_HOOK", secretEnv: "RS_HOOK_SECRET"}],
        retries: {attempts: 2, baseDelayMs: 1},
      },
      "test",
    ),
  };
}
const env = () => ({RS_HOOK: url, RS_HOOK_SECRET: SECRET});
// Monday 2026-11-23 10:00 Beijing: the Monday 09:00 report of 2026-W47 is an hour overdue.
const MONDAY = new Date("2026-11-23T02:00:00Z");

async function jobRuns() {
  const warehouse = await Warehouse.open(path, {readOnly: true});
  try {
    return await warehouse.all(
      "select job, trigger, detail, status, message from meta.job_runs where job = 'weekly-report' order by run_id",
    );
  } finally {
    warehouse.close();
  }
}

describe("the weekly report job", () => {
  it("nothing is due without a warehouse, and checking does not create one", async () => {
    const missing = join(dir, "none", "warehouse.duckdb");
    expect(await weeklyReportMissed({...config(), warehouse: missing}, MONDAY)).toBe(false);
    expect(existsSync(missing)).toBe(false);
  });

  it("a failed delivery fails the run and leaves the week due", async () => {
    failNext = 10;
    expect(await weeklyReportMissed(config(), MONDAY)).toBe(true);
    const result = await produceWeeklyReport(config(), {
      trigger: "schedule",
      busy: "skip",
      logger: memoryLogger(),
      env: env(),
      now: () => MONDAY,
      reportsDir: join(dir, "reports"),
      pdf: false,
      sleep: async () => {},
    });
    expect(result.status).toBe("failed");
    expect(result.message).toMatch(/^report 2026-W47 written; sent to 0 of 1 channel\(s\); bi: /);
    expect(await weeklyReportMissed(config(), MONDAY)).toBe(true);
    failNext = 0;
  });

  it("the scheduler catches up at start: the report of the missed week, written and delivered once", async () => {
    received = [];
    const controller = new AbortController();
    let now = MONDAY.getTime();
    const until = now + 3 * 3_600_000;
    const clock: Clock = {
      now: () => new Date(now),
      sleep: async (ms) => {
        now = Math.min(now + ms, until);
        if (now >= until) controller.abort();
      },
    };
    const logger = memoryLogger();
    const cfg = config();
    const job = {
      name: "weekly-report",
      trigger: cronTrigger("0 9 * * 1", "Asia/Shanghai", "schedule.weeklyReport"),
      catchUp: (at: Date) => weeklyReportMissed(cfg, at),
      run: async ({trigger, signal}: {trigger: "schedule" | "catch-up"; signal: AbortSignal}) => {
        await produceWeeklyReport(cfg, {
          trigger,
          busy: "wait",
          logger,
          env: env(),
          signal,
          now: clock.now,
          reportsDir: join(dir, "reports"),
          pdf: false,
        });
      },
    };
    await new Scheduler([job], {clock, logger, signal: controller.signal}).run();
    expect(received).toHaveLength(1);
    expect(received[0]!.valid).toBe(true);
    const payload = JSON.parse(received[0]!.body) as {week: string; title: string; text: string};
    expect(payload.week).toBe("2026-W47");
    expect(payload.title).toContain("2026-W47");
    expect(existsSync(join(dir, "reports", "2026-W47.md"))).toBe(true);
    expect(existsSync(join(dir, "reports", "2026-W47.html"))).toBe(true);
    expect((await jobRuns()).map((r) => [r.trigger, r.detail, r.status])).toEqual([
      ["schedule", "2026-W47", "failed"],
      ["catch-up", "2026-W47", "succeeded"],
    ]);
    expect(await weeklyReportMissed(cfg, MONDAY)).toBe(false);
    // Nothing of the secret in the log or the history.
    expect(JSON.stringify([logger.lines, await jobRuns()])).not.toContain(SECRET);
  });
});
