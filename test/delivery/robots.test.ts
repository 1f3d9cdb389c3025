import {createHmac} from "node:crypto";
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from "vitest";
import {deliverReport} from "../../src/pipelines/delivery/index.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import type {Warehouse} from "../../src/pipelines/warehouse.js";
import {tempDir} from "../helpers.js";
import {
  SECRETS,
  SUMMARY,
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

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

describe("group robots and the generic webhook", () => {
  it("delivers to every channel in the platform's own format, signed as the platform checks it", async () => {
    const logger = memoryLogger();
    const sleep = recordingSleep();
    const results = await deliverReport(report(), robotChannels(), {
      warehouse,
      logger,
      env: envFor(platforms.urls),
      sleep,
    });

    expect(results.map((r) => [r.channel, r.type, r.status, r.attempts])).toEqual([
      ["飞书运营群", "feishu", "sent", 1],
      ["钉钉客服群", "dingtalk", "sent", 1],
      ["企微仓库群", "wecom", "sent", 1],
      ["bi", "webhook", "sent", 1],
    ]);
    expect(sleep.calls).toEqual([]);
    expect(platforms.received.map((r) => [r.platform, r.status, r.refused])).toEqual([
      ["feishu", 200, undefined],
      ["dingtalk", 200, undefined],
      ["wecom", 200, undefined],
      ["webhook", 200, undefined],
    ]);
    const [feishu, dingtalk, wecom, webhook] = platforms.received;

    // 飞书: post rich text; timestamp (seconds, as a string) and sign in the body.
    const feishuBody = json(feishu!.body);
    expect(feishuBody.msg_type).toBe("post");
    expect(feishuBody.content).toEqual({
      post: {
        zh_cn: {
          title: "退货周报 2026-W47（直播服饰旗舰店）",
          content: [
            ...SUMMARY.split("\n").map((line) => [{tag: "text", text: line}]),
            [{tag: "a", text: "查看看板", href: "https://reports.shop.example/weeks/2026-W47/"}],
          ],
        },
      },
    });
    expect(feishuBody.timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Number(feishuBody.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    const feishuKey = `${feishuBody.timestamp}\n${SECRETS.feishu}`;
    expect(feishuBody.sign).toBe(createHmac("sha256", feishuKey).update("").digest("base64"));

    // 钉钉: markdown; timestamp (ms) and the urlencoded base64 sign in the query string.
    expect(json(dingtalk!.body)).toEqual({
      msgtype: "markdown",
      markdown: {
        title: "退货周报 2026-W47（直播服饰旗舰店）",
        text: `### 退货周报 2026-W47（直播服饰旗舰店）\n\n${SUMMARY}\n\n[查看看板](https://reports.shop.example/weeks/2026-W47/)`,
      },
    });
    const query = new URLSearchParams(dingtalk!.rawQuery);
    expect(query.get("access_token")).toBe(TOKENS.dingtalk);
    const timestamp = query.get("timestamp")!;
    expect(timestamp).toMatch(/^\d{13}$/);
    const expectedSign = createHmac("sha256", SECRETS.dingtalk)
      .update(`${timestamp}\n${SECRETS.dingtalk}`)
      .digest("base64");
    // Sent percent-encoded: `+`, `/` and `=` of the base64 may not travel raw.
    expect(dingtalk!.rawQuery).toContain(`&sign=${encodeURIComponent(expectedSign)}`);
    expect(dingtalk!.rawQuery.split("sign=")[1]).not.toMatch(/[+/=]/);

    // 企业微信: markdown content, no signature.
    expect(json(wecom!.body)).toEqual({
      msgtype: "markdown",
      markdown: {
        content: `## 退货周报 2026-W47（直播服饰旗舰店）\n${SUMMARY}\n[查看看板](https://reports.shop.example/weeks/2026-W47/)`,
      },
    });

    // Generic webhook: our JSON, HMAC-SHA256 hex of the raw body in the header.
    expect(json(webhook!.body)).toEqual({
      week: "2026-W47",
      title: "退货周报 2026-W47（直播服饰旗舰店）",
      text: SUMMARY,
      markdown: report().markdown,
      url: "https://reports.shop.example/weeks/2026-W47/",
    });
    expect(webhook!.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(webhook!.headers["x-returnscope-signature"]).toBe(
      "sha256=" +
        createHmac("sha256", SECRETS.webhook).update(Buffer.from(webhook!.body, "utf8")).digest("hex"),
    );

    const port = new URL(platforms.origin).port;
    expect(logger.lines).toEqual([
      `info: delivery 2026-W47: channel 飞书运营群 (feishu, http://127.0.0.1:${port}/open-apis/bot/v2/hook/***): sent (HTTP 200)`,
      `info: delivery 2026-W47: channel 钉钉客服群 (dingtalk, http://127.0.0.1:${port}/robot/send?access_token=***): sent (HTTP 200)`,
      `info: delivery 2026-W47: channel 企微仓库群 (wecom, http://127.0.0.1:${port}/cgi-bin/webhook/send?key=***): sent (HTTP 200)`,
      `info: delivery 2026-W47: channel bi (webhook, http://127.0.0.1:${port}/hooks/***): sent (HTTP 200)`,
    ]);
    const log = await deliveryLog(warehouse);
    expect(
      log.map((r) => [r.week, r.channel_name, r.channel_type, r.attempt_count, r.status, r.ordered]),
    ).toEqual([
      ["2026-W47", "飞书运营群", "feishu", 1, "sent", true],
      ["2026-W47", "钉钉客服群", "dingtalk", 1, "sent", true],
      ["2026-W47", "企微仓库群", "wecom", 1, "sent", true],
      ["2026-W47", "bi", "webhook", 1, "sent", true],
    ]);
    expect(log[0]!.message).toBe(
      `channel 飞书运营群 (feishu, http://127.0.0.1:${port}/open-apis/bot/v2/hook/***): sent (HTTP 200)`,
    );
  });

  it("sends robots without a secret unsigned, and the report without a link when it has none", async () => {
    const channels = [
      {type: "feishu", name: "plain", webhookEnv: "F", secretEnv: null},
      {type: "webhook", name: "plain-hook", webhookEnv: "H", secretEnv: null, signatureHeader: "X-Sig"},
    ] as const;
    const env = {F: platforms.urls.feishu, H: platforms.urls.webhook};
    const results = await deliverReport(report({url: undefined}), [...channels], {
      logger: memoryLogger(),
      env,
    });
    // The fake 飞书 has 签名校验 on: an unsigned message is refused with 19021, and not retried.
    expect(results[0]).toMatchObject({status: "failed", attempts: 1});
    expect(results[0]!.message).toContain(
      "refused with code 19021: sign match fail or timestamp is not within one hour from current time" +
        " — the robot has 签名校验 on: set secretEnv to the variable holding its secret (not retried)",
    );
    const feishuBody = json(platforms.received[0]!.body);
    expect(feishuBody).not.toHaveProperty("sign");
    expect(feishuBody).not.toHaveProperty("timestamp");
    expect((feishuBody.content as {post: {zh_cn: {content: unknown[][]}}}).post.zh_cn.content.at(-1)).toEqual(
      [{tag: "text", text: "- 广东、浙江退货量居前"}],
    );
    // The fake receiver checks the signature: unsigned is 401, a 4xx is final.
    expect(results[1]).toMatchObject({status: "failed", attempts: 1});
    expect(results[1]!.message).toContain(`HTTP 401 ({"error":"bad signature"}) (not retried)`);
    expect(platforms.received[1]!.headers["x-sig"]).toBeUndefined();
    expect(json(platforms.received[1]!.body).url).toBeNull();
  });

  it("truncates the 企业微信 content to 4096 bytes on a character boundary and says so", async () => {
    // 3 bytes per character: about 9,000 bytes of summary.
    const longText = Array.from({length: 300}, (_, i) => `第${i + 1}行：尺码偏小退货`).join("\n");
    const results = await deliverReport(report({text: longText}), [channelNamed("企微仓库群")], {
      logger: memoryLogger(),
      env: envFor(platforms.urls),
    });
    expect(results[0]!.status).toBe("sent");
    const content = (json(platforms.received[0]!.body).markdown as {content: string}).content;
    const bytes = Buffer.from(content, "utf8");
    expect(bytes.length).toBeLessThanOrEqual(4096);
    expect(bytes.toString("utf8")).toBe(content);
    expect(content).not.toContain("\uFFFD");
    expect(content.startsWith("## 退货周报 2026-W47（直播服饰旗舰店）\n第1行：尺码偏小退货\n")).toBe(true);
    expect(content).toContain("…（内容过长，已截断；完整报告见邮件或看板）");
    expect(content.endsWith("\n[查看看板](https://reports.shop.example/weeks/2026-W47/)")).toBe(true);
    // Cut at a line end: the last kept line is whole.
    const kept = content.split("\n\n…")[0]!.split("\n");
    expect(kept.at(-1)).toMatch(/^第\d+行：尺码偏小退货$/);
  });

  it("refuses for good when the signature is wrong or stale: one attempt, a clear error", async () => {
    const logger = memoryLogger();
    const sleep = recordingSleep();
    const env = {
      ...envFor(platforms.urls),
      RETURNSCOPE_FEISHU_SECRET: "not-the-feishu-secret",
      RETURNSCOPE_DINGTALK_SECRET: "SECnot-the-dingtalk-secret",
      RETURNSCOPE_HOOK_SECRET: "not-the-hook-secret",
    };
    const results = await deliverReport(report(), robotChannels(), {warehouse, logger, env, sleep});
    expect(results.map((r) => [r.channel, r.status, r.attempts])).toEqual([
      ["飞书运营群", "failed", 1],
      ["钉钉客服群", "failed", 1],
      ["企微仓库群", "sent", 1],
      ["bi", "failed", 1],
    ]);
    expect(sleep.calls).toEqual([]);
    expect(platforms.received.map((r) => r.refused)).toEqual(["sign", "sign", undefined, "sign"]);
    const port = new URL(platforms.origin).port;
    expect(results[0]!.message).toBe(
      `channel 飞书运营群 (feishu, http://127.0.0.1:${port}/open-apis/bot/v2/hook/***): refused with code 19021: ` +
        "sign match fail or timestamp is not within one hour from current time — the signature was refused: " +
        "check RETURNSCOPE_FEISHU_SECRET and this machine's clock (the timestamp must be within an hour) (not retried)",
    );
    expect(results[1]!.message).toBe(
      `channel 钉钉客服群 (dingtalk, http://127.0.0.1:${port}/robot/send?access_token=***): refused with code 310000: ` +
        "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq] — the robot's security " +
        "settings refused it: check RETURNSCOPE_DINGTALK_SECRET (加签), the keywords and the IP whitelist (not retried)",
    );
    expect(results[3]!.message).toBe(
      `channel bi (webhook, http://127.0.0.1:${port}/hooks/***): HTTP 401 ({"error":"bad signature"}) (not retried)`,
    );
    expect(logger.lines.filter((l) => l.startsWith("error: "))).toEqual(
      [results[0], results[1], results[3]].map((r) => `error: delivery 2026-W47: ${r!.message}`),
    );
    const log = await deliveryLog(warehouse);
    expect(log.map((r) => [r.channel_name, r.status, r.attempt_count])).toEqual([
      ["飞书运营群", "failed", 1],
      ["钉钉客服群", "failed", 1],
      ["企微仓库群", "sent", 1],
      ["bi", "failed", 1],
    ]);
    expect(log[0]!.message).toBe(results[0]!.message);
  });

  it("signs with the injected clock: a timestamp two hours old is refused by 飞书 and 钉钉", async () => {
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    const results = await deliverReport(report(), [channelNamed("飞书运营群"), channelNamed("钉钉客服群")], {
      logger: memoryLogger(),
      env: envFor(platforms.urls),
      now: () => twoHoursAgo,
      sleep: recordingSleep(),
    });
    expect(results.map((r) => [r.status, r.attempts])).toEqual([
      ["failed", 1],
      ["failed", 1],
    ]);
    expect(platforms.received.map((r) => r.refused)).toEqual(["expired", "expired"]);
    expect(json(platforms.received[0]!.body).timestamp).toBe(
      String(Math.floor(twoHoursAgo.getTime() / 1000)),
    );
    expect(new URLSearchParams(platforms.received[1]!.rawQuery).get("timestamp")).toBe(
      String(twoHoursAgo.getTime()),
    );
    expect(results[0]!.message).toContain("refused with code 19021");
    expect(results[1]!.message).toContain("refused with code 310000: invalid timestamp");
  });

  it("treats an HTTP 200 with a non-zero code as a failure (a wrong token), without retrying", async () => {
    const env = {
      ...envFor(platforms.urls),
      RETURNSCOPE_WECOM_WEBHOOK: `${platforms.origin}/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000000`,
    };
    const results = await deliverReport(report(), [channelNamed("企微仓库群")], {
      logger: memoryLogger(),
      env,
    });
    expect(platforms.received[0]!.status).toBe(200);
    expect(results[0]).toMatchObject({status: "failed", attempts: 1});
    expect(results[0]!.message).toContain("refused with code 93000: invalid webhook url (not retried)");
  });
});
