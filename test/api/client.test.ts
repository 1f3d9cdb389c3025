import {stat, readFile} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import {DoudianApiError} from "../../src/pipelines/api/errors.js";
import {TokenBucket, backoffDelay} from "../../src/pipelines/api/rateLimit.js";
import {openSession, type ApiSession} from "../../src/pipelines/api/session.js";
import {normalizeApiConfig, type ApiConfig, type ApiSecrets} from "../../src/pipelines/api/settings.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {tempDir} from "../helpers.js";
import {FakeDoudian, TestClock} from "./fakeDoudian.js";

const APP_KEY = "7301234567890123456";
const APP_SECRET = "appsecret-QZ8W-client-test";
const SHOP_ID = "88886666";

let dir: string;
let cleanup: () => Promise<void>;
let clock: TestClock;
let fake: FakeDoudian;
let logger: ReturnType<typeof memoryLogger>;

beforeEach(async () => {
  ({dir, cleanup} = await tempDir());
  clock = new TestClock(Date.UTC(2026, 10, 12, 0, 0, 0));
  fake = new FakeDoudian({
    appKey: APP_KEY,
    appSecret: APP_SECRET,
    shopId: SHOP_ID,
    authCode: "AUTHCODE-1",
    now: clock.seconds,
    accessLifetime: 7200,
  });
  await fake.start();
  logger = memoryLogger();
});

afterEach(async () => {
  await fake.close();
  await cleanup();
});

function session(overrides: Record<string, unknown> = {}, secrets: Partial<ApiSecrets> = {}): ApiSession {
  const config: ApiConfig = normalizeApiConfig(
    {
      tokenFile: join(dir, "tokens", "doudian-tokens.json"),
      backoffMs: 1000,
      maxAttempts: 4,
      qps: 100,
      ...overrides,
    },
    "test",
  );
  return openSession(
    {appKey: APP_KEY, appSecret: APP_SECRET, shopId: SHOP_ID, authCode: null, gateway: fake.url, ...secrets},
    config,
    {logger, now: clock.now, sleep: clock.sleep, random: () => 1},
  );
}

const list = (s: ApiSession) =>
  s.call("/afterSale/List", {page: 0, size: 10, update_start_time: 0, update_end_time: 2e9});

describe("tokens", () => {
  test("a 自用型 token is created once, stored with mode 0600 and reused by the next session", async () => {
    await list(session());
    const file = join(dir, "tokens", "doudian-tokens.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(await readFile(file, "utf8"));
    expect(stored.tokens[`${APP_KEY}:${SHOP_ID}`].access_token).toBe(fake.issued[0]);
    expect(fake.callsTo("token.create")[0]!.params).toMatchObject({
      grant_type: "authorization_self",
      shop_id: SHOP_ID,
      code: "",
    });
    await list(session());
    expect(fake.callsTo("token.create")).toHaveLength(1);
    expect(fake.callsTo("afterSale.List").every((c) => c.query.access_token === fake.issued[0])).toBe(true);
  });

  test("refreshed before it expires: no call is made with a token about to lapse", async () => {
    await list(session());
    clock.ms += (7200 - 30 * 60) * 1000; // 30 minutes left, margin 60
    await list(session());
    expect(fake.callsTo("token.refresh")).toHaveLength(1);
    expect(fake.calls.filter((c) => c.method === "afterSale.List" && !c.verified)).toHaveLength(0);
    expect(fake.callsTo("afterSale.List")[1]!.query.access_token).toBe(fake.issued[2]);
  });

  test("a token the platform says expired is refreshed once and the call repeated", async () => {
    const s = session();
    await list(s);
    fake.expireAccessTokens();
    await list(s);
    expect(fake.callsTo("token.refresh")).toHaveLength(1);
    expect(fake.callsTo("afterSale.List").map((c) => c.verified)).toEqual([true, false, true]);
  });

  test("a refused refresh token falls back to creating a token (自用型)", async () => {
    const s = session();
    await list(s);
    clock.ms += 15 * 86400 * 1000; // both tokens lapsed
    await list(s);
    expect(fake.callsTo("token.create")).toHaveLength(2);
  });

  test("工具型 apps: an authorisation code creates the token; without one the error says what to do", async () => {
    await expect(list(session({appType: "tool"}, {shopId: null}))).rejects.toThrow(/set DOUDIAN_AUTH_CODE/);
    await list(session({appType: "tool"}, {shopId: null, authCode: "AUTHCODE-1"}));
    expect(fake.callsTo("token.create").at(-1)!.params).toMatchObject({
      grant_type: "authorization_code",
      code: "AUTHCODE-1",
    });
  });
});

describe("failures", () => {
  test("bad credentials: one call, no retry, the platform's code and message in the error, no secret", async () => {
    const error = await list(session({}, {appSecret: "WRONG-secret-7Hq2"})).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DoudianApiError);
    expect((error as DoudianApiError).kind).toBe("credentials");
    expect((error as Error).message).toBe(
      "抖店 API token.create: the platform rejected the app credentials: check DOUDIAN_APP_KEY and DOUDIAN_APP_SECRET " +
        "(platform code 40003, isv.signature-invalid, HTTP 200: 参数不合法 / 签名校验失败)",
    );
    expect(fake.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
    expect((error as Error).message + logger.lines.join("\n")).not.toContain("WRONG-secret-7Hq2");
  });

  test("missing permission / expired authorisation (30001): not retried, named", async () => {
    const s = session();
    fake.inject = (call) =>
      call.method === "afterSale.List"
        ? {body: {code: 30001, msg: "无权限", sub_code: "isv.app-not-authorized", sub_msg: "店铺授权已过期"}}
        : undefined;
    const error = (await list(s).catch((e: unknown) => e)) as DoudianApiError;
    expect(error.kind).toBe("authorization");
    expect(error.message).toMatch(
      /afterSale\.List: the shop's authorisation of this app is missing, expired or closed.*code 30001, isv\.app-not-authorized.*无权限 \/ 店铺授权已过期/,
    );
    expect(fake.callsTo("afterSale.List")).toHaveLength(1);
  });

  test("throttling: exponential backoff on the injected sleep, then success", async () => {
    const s = session();
    let throttled = 0;
    fake.inject = (call) =>
      call.method === "afterSale.List" && throttled++ < 2
        ? {body: {code: 20000, msg: "服务不可用", sub_code: "isp.flow-limit", sub_msg: "调用频率超限"}}
        : undefined;
    const response = await list(s);
    expect(response.data).toHaveProperty("items");
    expect(clock.sleeps).toEqual([1000, 2000]);
    expect(logger.lines.filter((l) => l.startsWith("warn:"))).toEqual([
      "warn: afterSale.List: throttled (服务不可用 / 调用频率超限); retry 1 of 3 in 1.0 s",
      "warn: afterSale.List: throttled (服务不可用 / 调用频率超限); retry 2 of 3 in 2.0 s",
    ]);
  });

  test("HTTP 429 and 5xx are retried; after the last attempt the error says so", async () => {
    const s = session({maxAttempts: 3});
    fake.inject = (call) =>
      call.method === "afterSale.List" ? {status: 503, body: "<html>busy</html>"} : undefined;
    const error = (await list(s).catch((e: unknown) => e)) as DoudianApiError;
    expect(error.kind).toBe("transient");
    expect(error.message).toMatch(/HTTP 503/);
    expect(fake.callsTo("afterSale.List")).toHaveLength(3);
    // Calls 4 and 5 are throttled with HTTP 429, call 6 succeeds.
    fake.inject = (call) =>
      call.method === "afterSale.List" && fake.callsTo("afterSale.List").length <= 5
        ? {status: 429, body: {}}
        : undefined;
    await list(s);
    expect(fake.callsTo("afterSale.List").map((c) => c.verified)).toHaveLength(6);
  });

  test("a bad parameter is not retried", async () => {
    const error = (await session()
      .call("/afterSale/List", {page: 0, size: 500})
      .catch((e: unknown) => e)) as DoudianApiError;
    expect(error.kind).toBe("request");
    expect(error.message).toMatch(/size不能超过100/);
    expect(fake.callsTo("afterSale.List")).toHaveLength(1);
  });

  test("md5 signing (legacy apps) is accepted by the platform too", async () => {
    await list(session({signMethod: "md5"}));
    expect(fake.calls.every((c) => c.verified && c.query.sign_method === "md5")).toBe(true);
  });
});

describe("pacing", () => {
  test("token bucket: qps 2, burst 1 → calls 500 ms apart", async () => {
    const bucket = new TokenBucket(2, 1, () => clock.ms, clock.sleep);
    const waits = [];
    for (let i = 0; i < 4; i++) waits.push(await bucket.take());
    expect(waits).toEqual([0, 500, 500, 500]);
  });

  test("token bucket: a pause refills up to the burst", async () => {
    const bucket = new TokenBucket(1, 3, () => clock.ms, clock.sleep);
    for (let i = 0; i < 3; i++) expect(await bucket.take()).toBe(0);
    expect(await bucket.take()).toBe(1000);
    clock.ms += 10_000;
    for (let i = 0; i < 3; i++) expect(await bucket.take()).toBe(0);
  });

  test("the client waits for the bucket before each call", async () => {
    const s = session({qps: 1, burst: 1});
    await list(s); // token.create, then the call: the second waits a second
    await list(s);
    expect(clock.sleeps).toEqual([1000, 1000]);
  });

  test("backoff doubles up to the cap, jittered within its upper half", () => {
    const options = {baseMs: 1000, maxMs: 5000};
    expect([1, 2, 3, 4].map((n) => backoffDelay(n, {...options, random: () => 1}))).toEqual([
      1000, 2000, 4000, 5000,
    ]);
    expect(backoffDelay(2, {...options, random: () => 0})).toBe(1000);
  });
});
