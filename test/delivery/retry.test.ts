import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from "vitest";
import {
  checkDeliveryEnv,
  deliverReport,
  ensureDeliveryLog,
  normalizeDeliveryConfig,
} from "../../src/pipelines/delivery/index.js";
import {backoffDelay} from "../../src/pipelines/delivery/retry.js";
import {PipelineError} from "../../src/pipelines/errors.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {tempDir} from "../helpers.js";
import {
  SECRETS,
  TOKENS,
  channelNamed,
  deliveryLog,
  envFor,
  openWarehouse,
  recordingSleep,
  report,
  robotChannels,
} from "./fixture.js";
import {startFakePlatforms, type FakePlatforms} from "./platforms.js";

let platforms: FakePlatforms;
beforeAll(async () => {
  platforms = await startFakePlatforms(SECRETS, TOKENS);
});
afterAll(() => platforms.close());

let dir: string;
let cleanup: () => Promise<void>;
let warehouse: Warehouse;
beforeEach(async () => {
  ({dir, cleanup} = await tempDir());
  warehouse = await openWarehouse(dir);
  platforms.received.length = 0;
  platforms.faults = [];
});
afterEach(async () => {
  warehouse.close();
  await cleanup();
});

describe("retries", () => {
  it("backs off exponentially from the base delay, and waits at least what Retry-After asks", () => {
    const policy = {attempts: 5, baseDelayMs: 1000};
    expect([1, 2, 3, 4].map((n) => backoffDelay(policy, n))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffDelay(policy, 1, 2500)).toBe(2500);
    expect(backoffDelay(policy, 3, 2500)).toBe(4000);
    expect(backoffDelay({attempts: 10, baseDelayMs: 60_000}, 10)).toBe(300_000);
  });

  it("retries HTTP 500 and a connection reset, then succeeds; every attempt is logged", async () => {
    platforms.faults = ["500", "reset"];
    const logger = memoryLogger();
    const sleep = recordingSleep();
    const results = await deliverReport(report(), [channelNamed("飞书运营群")], {
      warehouse,
      logger,
      env: envFor(platforms.urls),
      sleep,
    });
    expect(results[0]).toMatchObject({channel: "飞书运营群", status: "sent", attempts: 3});
    expect(sleep.calls).toEqual([1000, 2000]);
    expect(platforms.received.map((r) => r.refused)).toEqual(["fault:500", "fault:reset", undefined]);
    const hook = `http://127.0.0.1:${new URL(platforms.origin).port}/open-apis/bot/v2/hook/***`;
    expect(logger.lines[0]).toBe(
      `warn: delivery 2026-W47: channel 飞书运营群 (feishu, ${hook}): attempt 1 of 3 failed: ` +
        "HTTP 500 (Internal Server Error); retrying in 1000 ms",
    );
    expect(logger.lines[1]).toMatch(
      /^warn: delivery 2026-W47: channel 飞书运营群 \(feishu, .*\): attempt 2 of 3 failed: network error: fetch failed \(.+\); retrying in 2000 ms$/,
    );
    expect(logger.lines[2]).toBe(
      `info: delivery 2026-W47: channel 飞书运营群 (feishu, ${hook}): sent after 3 attempts (HTTP 200)`,
    );
    // Each attempt is signed afresh, and the last one passed the platform's check.
    expect(platforms.received[2]!.status).toBe(200);
    const log = await deliveryLog(warehouse);
    expect(log.map((r) => [r.channel_name, r.attempt_count, r.status])).toEqual([["飞书运营群", 3, "sent"]]);
  });

  it("retries HTTP 429 after the delay the server asks for", async () => {
    platforms.faults = ["429"];
    const sleep = recordingSleep();
    const logger = memoryLogger();
    const results = await deliverReport(report(), [channelNamed("bi")], {
      logger,
      env: envFor(platforms.urls),
      sleep,
    });
    expect(results[0]).toMatchObject({status: "sent", attempts: 2});
    expect(sleep.calls).toEqual([2000]);
    expect(logger.lines[0]).toContain(
      `attempt 1 of 3 failed: HTTP 429 ({"error":"too many requests"}); retrying in 2000 ms`,
    );
  });

  it("retries each platform's rate-limit code, which comes with HTTP 200", async () => {
    const sleep = recordingSleep();
    const logger = memoryLogger();
    const channels = robotChannels().filter((c) => c.type !== "webhook");
    const results: string[] = [];
    for (const channel of channels) {
      platforms.faults = ["rate-limit"];
      const [result] = await deliverReport(report(), [channel], {logger, env: envFor(platforms.urls), sleep});
      results.push(`${result!.type}:${result!.status}:${result!.attempts}`);
    }
    expect(platforms.received.map((r) => [r.platform, r.status, r.refused ?? "ok"])).toEqual([
      ["feishu", 200, "fault:rate-limit"],
      ["feishu", 200, "ok"],
      ["dingtalk", 200, "fault:rate-limit"],
      ["dingtalk", 200, "ok"],
      ["wecom", 200, "fault:rate-limit"],
      ["wecom", 200, "ok"],
    ]);
    expect(results).toEqual(["feishu:sent:2", "dingtalk:sent:2", "wecom:sent:2"]);
    expect(sleep.calls).toEqual([1000, 1000, 1000]);
    const warnings = logger.lines.filter((l) => l.startsWith("warn: "));
    expect(warnings[0]).toContain(
      "rate limited (code 11232: frequency limited psm[lark.oapi.app_platform_runtime]appID[1500])",
    );
    expect(warnings[1]).toContain("rate limited (code 130101: send too fast, exceed 20 times per minute)");
    expect(warnings[2]).toContain("rate limited (code 45009: api freq out of limit)");
  });

  it("gives up after the configured attempts and records the failure", async () => {
    platforms.faults = ["500", "500", "500"];
    const {retries} = normalizeDeliveryConfig({retries: {attempts: 2, baseDelayMs: 250}}, "test.config.json");
    const sleep = recordingSleep();
    const logger = memoryLogger();
    const results = await deliverReport(report(), [channelNamed("企微仓库群")], {
      warehouse,
      logger,
      env: envFor(platforms.urls),
      sleep,
      retries,
    });
    expect(results[0]).toMatchObject({status: "failed", attempts: 2});
    expect(sleep.calls).toEqual([250]);
    expect(platforms.received).toHaveLength(2);
    const key = `http://127.0.0.1:${new URL(platforms.origin).port}/cgi-bin/webhook/send?key=***`;
    expect(results[0]!.message).toBe(
      `channel 企微仓库群 (wecom, ${key}): HTTP 500 (Internal Server Error) (gave up after 2 attempts)`,
    );
    expect(logger.lines).toEqual([
      `warn: delivery 2026-W47: channel 企微仓库群 (wecom, ${key}): attempt 1 of 2 failed: HTTP 500 (Internal Server Error); retrying in 250 ms`,
      `error: delivery 2026-W47: ${results[0]!.message}`,
    ]);
    const log = await deliveryLog(warehouse);
    expect(log.map((r) => [r.channel_name, r.attempt_count, r.status, r.message])).toEqual([
      ["企微仓库群", 2, "failed", results[0]!.message],
    ]);
  });

  it("times out a silent server and retries it", async () => {
    const hang = async () => new Promise<Response>(() => {});
    let calls = 0;
    const slowThenFast: typeof fetch = (input, init) => (++calls === 1 ? hang() : fetch(input, init));
    const abortable: typeof fetch = (input, init) =>
      Promise.race([
        slowThenFast(input, init),
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason), {once: true}),
        ),
      ]);
    const logger = memoryLogger();
    const results = await deliverReport(report(), [channelNamed("钉钉客服群")], {
      logger,
      env: envFor(platforms.urls),
      fetch: abortable,
      sleep: recordingSleep(),
      timeoutMs: 200,
    });
    expect(results[0]).toMatchObject({status: "sent", attempts: 2});
    expect(logger.lines[0]).toContain("attempt 1 of 3 failed: no answer within 200 ms; retrying in 1000 ms");
  });

  it("fails a channel whose environment variable is missing, names it, and still delivers the others", async () => {
    const env: Record<string, string | undefined> = {...envFor(platforms.urls)};
    delete env.RETURNSCOPE_DINGTALK_SECRET;
    env.RETURNSCOPE_WECOM_WEBHOOK = "  ";
    const logger = memoryLogger();
    const results = await deliverReport(report(), robotChannels(), {warehouse, logger, env});
    expect(results.map((r) => [r.channel, r.status, r.attempts, r.message])).toEqual([
      ["飞书运营群", "sent", 1, expect.stringContaining("sent")],
      [
        "钉钉客服群",
        "failed",
        0,
        "channel 钉钉客服群: environment variable RETURNSCOPE_DINGTALK_SECRET (the signing secret) is not set",
      ],
      [
        "企微仓库群",
        "failed",
        0,
        "channel 企微仓库群: environment variable RETURNSCOPE_WECOM_WEBHOOK (the webhook URL) is not set",
      ],
      ["bi", "sent", 1, expect.stringContaining("sent")],
    ]);
    expect(platforms.received.map((r) => r.platform)).toEqual(["feishu", "webhook"]);
    expect(logger.lines).toContain(
      "error: delivery 2026-W47: channel 钉钉客服群: environment variable RETURNSCOPE_DINGTALK_SECRET (the signing secret) is not set",
    );
    const log = await deliveryLog(warehouse);
    expect(log.map((r) => [r.channel_name, r.attempt_count, r.status])).toEqual([
      ["飞书运营群", 1, "sent"],
      ["钉钉客服群", 0, "failed"],
      ["企微仓库群", 0, "failed"],
      ["bi", 1, "sent"],
    ]);
  });

  it("checks every variable up front when asked, without sending anything", () => {
    const env: Record<string, string | undefined> = {...envFor(platforms.urls)};
    delete env.RETURNSCOPE_FEISHU_SECRET;
    delete env.RETURNSCOPE_HOOK_URL;
    expect(() => checkDeliveryEnv(robotChannels(), env)).toThrow(PipelineError);
    expect(() => checkDeliveryEnv(robotChannels(), env)).toThrow(
      "environment variables not set: RETURNSCOPE_FEISHU_SECRET (channel 飞书运营群), RETURNSCOPE_HOOK_URL (channel bi)",
    );
    expect(() => checkDeliveryEnv(robotChannels(), envFor(platforms.urls))).not.toThrow();
  });

  it("rejects a malformed env URL without echoing it, and a report week that is not an ISO week", async () => {
    const results = await deliverReport(report(), [channelNamed("bi")], {
      logger: memoryLogger(),
      env: {...envFor(platforms.urls), RETURNSCOPE_HOOK_URL: "hooks.example/TOKENwombat-8c1f0e"},
    });
    expect(results[0]!.message).toBe(
      "channel bi: environment variable RETURNSCOPE_HOOK_URL is not a valid URL",
    );
    await expect(
      deliverReport(report({week: "2026-47"}), [], {logger: memoryLogger(), env: {}}),
    ).rejects.toThrow('report week must look like 2026-W47: "2026-47"');
  });

  it("creates meta.delivery_log idempotently", async () => {
    await ensureDeliveryLog(warehouse);
    await ensureDeliveryLog(warehouse);
    const columns = await warehouse.all(
      `select column_name, data_type from information_schema.columns
       where table_schema = 'meta' and table_name = 'delivery_log' order by ordinal_position`,
    );
    expect(columns.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      "delivery_id INTEGER",
      "week VARCHAR",
      "channel_name VARCHAR",
      "channel_type VARCHAR",
      "attempt_count INTEGER",
      "status VARCHAR",
      "started_at TIMESTAMP WITH TIME ZONE",
      "finished_at TIMESTAMP WITH TIME ZONE",
      "message VARCHAR",
    ]);
  });
});
