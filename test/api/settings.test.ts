import {chmod, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, test} from "vitest";
import {
  DEFAULT_API_CONFIG,
  PRODUCTION_GATEWAY,
  Redactor,
  defaultTokenFile,
  loadApiSecrets,
  normalizeApiConfig,
  redact,
} from "../../src/pipelines/api/settings.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {tempDir} from "../helpers.js";

describe("normalizeApiConfig", () => {
  test("defaults, and what a user may set", () => {
    expect(normalizeApiConfig({}, "c.json")).toEqual(DEFAULT_API_CONFIG);
    expect(
      normalizeApiConfig(
        {
          qps: 2,
          windowMinutes: 60,
          overlapMinutes: 5,
          endpoints: ["orders"],
          tokenFile: "/secure/t.json",
          appType: "tool",
        },
        "c.json",
      ),
    ).toMatchObject({
      qps: 2,
      burst: 2,
      windowMinutes: 60,
      overlapMinutes: 5,
      endpoints: ["orders"],
      tokenFile: "/secure/t.json",
      appType: "tool",
    });
  });

  test.each([
    [[], "c.json: api must be an object"],
    [{qsp: 1}, "c.json: unknown setting api.qsp (known: shop, appType, endpoints"],
    [{qps: 0}, "c.json: api.qps must be a number from 0.01 to 1000: 0"],
    [{pageSize: 200}, "c.json: api.pageSize must be a whole number from 1 to 100: 200"],
    [
      {overlapMinutes: 60, windowMinutes: 60},
      "c.json: api.overlapMinutes (60) must be less than api.windowMinutes (60)",
    ],
    [
      {endpoints: ["refunds"]},
      'c.json: api.endpoints must be a non-empty list of after_sales, orders: ["refunds"]',
    ],
    [{appType: "isv"}, 'c.json: api.appType must be "self" (自用型) or "tool" (工具型): "isv"'],
    [{signMethod: "sha1"}, 'c.json: api.signMethod must be one of hmac-sha256, md5: "sha1"'],
    [{shop: "my shop"}, 'c.json: api.shop must be a shop ID (letters, digits, _ . or -) or null: "my shop"'],
    [{tokenFile: ""}, 'c.json: api.tokenFile must be a path or null: ""'],
  ])("%j → %s", (spec, message) => {
    expect(() => normalizeApiConfig(spec, "c.json")).toThrow(message);
  });
});

describe("secrets", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({dir, cleanup} = await tempDir()));
  afterEach(async () => cleanup());

  test("from the environment; the production gateway by default", async () => {
    const secrets = await loadApiSecrets({
      DOUDIAN_APP_KEY: "k1234567",
      DOUDIAN_APP_SECRET: "s-env-secret",
      DOUDIAN_SHOP_ID: "123",
    });
    expect(secrets).toEqual({
      appKey: "k1234567",
      appSecret: "s-env-secret",
      shopId: "123",
      authCode: null,
      gateway: PRODUCTION_GATEWAY,
    });
  });

  test("from a secrets file outside the repo, the environment winning; loose permissions warned about", async () => {
    const file = join(dir, "doudian.json");
    await writeFile(
      file,
      JSON.stringify({
        appKey: "file-key",
        appSecret: "file-secret-J8",
        shopId: "456",
        gateway: "https://openapi-sandbox.jinritemai.com/",
      }),
    );
    await chmod(file, 0o644);
    const logger = memoryLogger();
    const secrets = await loadApiSecrets({DOUDIAN_SECRETS_FILE: file, DOUDIAN_SHOP_ID: "789"}, logger);
    expect(secrets).toEqual({
      appKey: "file-key",
      appSecret: "file-secret-J8",
      shopId: "789",
      authCode: null,
      gateway: "https://openapi-sandbox.jinritemai.com",
    });
    expect(logger.lines).toEqual([`warn: ${file} can be read by other users: run chmod 600 on it`]);
    await chmod(file, 0o600);
    await loadApiSecrets({DOUDIAN_SECRETS_FILE: file}, logger);
    expect(logger.lines).toHaveLength(1);
  });

  test("errors name what is wrong, never a value", async () => {
    await expect(loadApiSecrets({DOUDIAN_APP_KEY: "k"})).rejects.toThrow(
      "DOUDIAN_APP_SECRET not set (in the environment or in the JSON file named by DOUDIAN_SECRETS_FILE)",
    );
    const file = join(dir, "bad.json");
    await writeFile(file, '{"appSecret": "leaky-secret-V2", oops}');
    const error = (await loadApiSecrets({DOUDIAN_SECRETS_FILE: file}).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`${file}: DOUDIAN_SECRETS_FILE must be a JSON object`);
    await writeFile(file, '{"appKey": "k", "appSecret": "s", "shopId": 1234567890123456789}');
    await expect(loadApiSecrets({DOUDIAN_SECRETS_FILE: file})).rejects.toThrow(
      "shopId in DOUDIAN_SECRETS_FILE must be a string (a number loses digits)",
    );
    await expect(
      loadApiSecrets({DOUDIAN_APP_KEY: "k", DOUDIAN_APP_SECRET: "s", DOUDIAN_GATEWAY: "http://example.com"}),
    ).rejects.toThrow(
      "DOUDIAN_GATEWAY must use https (http only on 127.0.0.1/localhost): http://example.com",
    );
  });

  test("the token file lives in the user's config folder by default", () => {
    expect(defaultTokenFile({HOME: "/home/m"})).toBe("/home/m/.config/returnscope/doudian-tokens.json");
    expect(defaultTokenFile({XDG_CONFIG_HOME: "/cfg", HOME: "/home/m"})).toBe(
      "/cfg/returnscope/doudian-tokens.json",
    );
  });

  test("redaction", () => {
    expect(redact("1234567890123456789")).toBe("12***89");
    expect(redact("abc")).toBe("***");
    expect(redact(null)).toBe("(not set)");
    const redactor = new Redactor();
    redactor.add("TOKEN-abcdef", "SECRET-xyz");
    expect(redactor.apply("msg TOKEN-abcdef and SECRET-xyz")).toBe("msg [redacted] and [redacted]");
  });
});
