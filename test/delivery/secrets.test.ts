import {readFile, readdir} from "node:fs/promises";
import type {AddressInfo} from "node:net";
import {join} from "node:path";
import {SMTPServer} from "smtp-server";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  checkDeliveryEnv,
  deliverReport,
  normalizeDeliveryConfig,
  redactUrl,
  type DeliveryChannel,
} from "../../src/pipelines/delivery/index.js";
import {errorMessage} from "../../src/pipelines/errors.js";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {tempDir} from "../helpers.js";
import {
  ALL_SECRETS,
  SECRETS,
  SMTP_PASSWORD,
  TOKENS,
  envFor,
  openWarehouse,
  recordingSleep,
  report,
  robotChannels,
} from "./fixture.js";
import {startFakePlatforms, type FakePlatforms} from "./platforms.js";

let platforms: FakePlatforms;
const smtp = new SMTPServer({
  logger: false,
  disabledCommands: ["STARTTLS"],
  allowInsecureAuth: true,
  onAuth(auth, _session, callback) {
    if (auth.password === SMTP_PASSWORD) callback(null, {user: auth.username});
    else callback(Object.assign(new Error(`Invalid password ${auth.password}`), {responseCode: 535}));
  },
  onData(stream, _session, callback) {
    stream.resume();
    stream.on("end", () => callback());
  },
});
let smtpPort = 0;

beforeAll(async () => {
  platforms = await startFakePlatforms(SECRETS, TOKENS);
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  smtpPort = (smtp.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await platforms.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

// Tokens of URLs that point at the right host but are not the robot's: the platform quotes them back.
const WRONG_TOKENS = {
  feishu: "0f1e2d3c-WRONG-dugong-4b5a69788796",
  dingtalk: "WRONGmanatee0123456789abcdef0123456789abcdef0123456789abcdef0123",
  wecom: "11112222-WRONG-tapir-333344445555",
  webhook: "WRONGkiwi-42aa17",
};
const WRONG_PASSWORD = "smtpWRONG-Marmot-p4ss";

function emailChannel(): DeliveryChannel {
  return normalizeDeliveryConfig(
    {
      channels: [
        {
          type: "email",
          host: "127.0.0.1",
          port: smtpPort,
          secure: false,
          from: "reports@shop.example",
          to: "boss@shop.example",
          userEnv: "RETURNSCOPE_SMTP_USER",
          passwordEnv: "RETURNSCOPE_SMTP_PASSWORD",
        },
      ],
    },
    "test.config.json",
  ).channels[0]!;
}

/** Every form in which a secret could slip out. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

describe("secrets", () => {
  it("never appear in log lines, results, errors or meta.delivery_log, whatever goes wrong", async () => {
    const {dir, cleanup} = await tempDir();
    const warehouse = await openWarehouse(dir);
    const logger = memoryLogger();
    const said: string[] = [];
    const channels = [...robotChannels(), emailChannel()];
    const env = envFor(platforms.urls);
    const run = async (options: Partial<Parameters<typeof deliverReport>[2]>) => {
      const results = await deliverReport(report(), channels, {
        warehouse,
        logger,
        env,
        sleep: recordingSleep(),
        ...options,
      });
      said.push(JSON.stringify(results));
      return results;
    };
    try {
      // Retries of every kind, then success.
      platforms.faults = ["500", "reset", "pass", "429", "pass", "rate-limit", "pass", "500"];
      const ok = await run({});
      expect(ok.map((r) => [r.status, r.attempts])).toEqual([
        ["sent", 3],
        ["sent", 2],
        ["sent", 2],
        ["sent", 2],
        ["sent", 1],
      ]);

      // Wrong signing secrets and password: the platforms refuse.
      const refused = await run({
        env: {
          ...env,
          RETURNSCOPE_FEISHU_SECRET: "x" + SECRETS.feishu,
          RETURNSCOPE_DINGTALK_SECRET: "x" + SECRETS.dingtalk,
          RETURNSCOPE_HOOK_SECRET: "x" + SECRETS.webhook,
          RETURNSCOPE_SMTP_PASSWORD: WRONG_PASSWORD,
        },
      });
      expect(refused.map((r) => r.status)).toEqual(["failed", "failed", "sent", "failed", "failed"]);

      // Wrong tokens, quoted back by the platform in its error message.
      platforms.echoTokens = true;
      const wrongUrls = {
        feishu: platforms.urls.feishu.replace(TOKENS.feishu, WRONG_TOKENS.feishu),
        dingtalk: platforms.urls.dingtalk.replace(TOKENS.dingtalk, WRONG_TOKENS.dingtalk),
        wecom: platforms.urls.wecom.replace(TOKENS.wecom, WRONG_TOKENS.wecom),
        webhook: platforms.urls.webhook.replace(TOKENS.webhook, WRONG_TOKENS.webhook),
      };
      const echoed = await run({env: {...envFor(wrongUrls)}});
      platforms.echoTokens = false;
      expect(echoed.slice(0, 4).map((r) => r.status)).toEqual(["failed", "failed", "failed", "failed"]);
      expect(
        platforms.received
          .slice(-4)
          .map((r) => r.answer)
          .join("\n"),
      ).toContain(WRONG_TOKENS.wecom);

      // A network layer whose errors quote the whole URL.
      const leaky: typeof fetch = async (input) => {
        const url = String(input);
        throw new TypeError(`fetch failed for ${url}`, {cause: new Error(`connect ECONNREFUSED ${url}`)});
      };
      const unreachable = await run({fetch: leaky, env: {...env, RETURNSCOPE_SMTP_PASSWORD: WRONG_PASSWORD}});
      expect(unreachable.slice(0, 4).map((r) => [r.status, r.attempts])).toEqual([
        ["failed", 3],
        ["failed", 3],
        ["failed", 3],
        ["failed", 3],
      ]);
      const port = new URL(platforms.origin).port;
      expect(unreachable[0]!.message).toBe(
        `channel 飞书运营群 (feishu, http://127.0.0.1:${port}/open-apis/bot/v2/hook/***): network error: ` +
          `fetch failed for http://127.0.0.1:${port}/open-apis/bot/v2/hook/*** ` +
          `(connect ECONNREFUSED http://127.0.0.1:${port}/open-apis/bot/v2/hook/***) (gave up after 3 attempts)`,
      );
      expect(unreachable[1]!.message).toMatch(
        /network error: fetch failed for http:\/\/127\.0\.0\.1:\d+\/robot\/send\?access_token=\*\*\*&timestamp=\d+&sign=/,
      );

      // Errors thrown before any sending: a secret pasted into the config, missing variables.
      const thrown: string[] = [];
      for (const spec of [
        {channels: [{type: "feishu", webhookEnv: platforms.urls.feishu}]},
        {channels: [{type: "feishu", webhookEnv: "F", secretEnv: SECRETS.feishu}]},
        {channels: [{type: "dingtalk", webhook: platforms.urls.dingtalk}]},
        {channels: [{type: "webhook", webhookEnv: "H", secret: SECRETS.webhook}]},
        {channels: [{type: "email", host: "h", from: "a@b.c", to: "d@e.f", password: SMTP_PASSWORD}]},
      ]) {
        try {
          normalizeDeliveryConfig(spec, "returnscope.config.json");
          thrown.push("(no error)");
        } catch (error) {
          thrown.push(errorMessage(error));
        }
      }
      try {
        checkDeliveryEnv(channels, {});
      } catch (error) {
        thrown.push(errorMessage(error));
      }
      expect(thrown).toEqual([
        "returnscope.config.json: delivery.channels[0].webhookEnv must name an environment variable (letters, digits and _, e.g. RETURNSCOPE_FEISHU_WEBHOOK), not hold the secret itself",
        "returnscope.config.json: delivery.channels[0].secretEnv must name an environment variable (letters, digits and _, e.g. RETURNSCOPE_FEISHU_WEBHOOK), not hold the secret itself",
        "returnscope.config.json: delivery.channels[0].webhook is not allowed: secrets are read from environment variables only; put the value in an environment variable and name it in delivery.channels[0].webhookEnv",
        "returnscope.config.json: delivery.channels[0].secret is not allowed: secrets are read from environment variables only; put the value in an environment variable and name it in delivery.channels[0].secretEnv",
        "returnscope.config.json: delivery.channels[0].password is not allowed: secrets are read from environment variables only; put the value in an environment variable and name it in delivery.channels[0].passwordEnv",
        expect.stringMatching(
          /^environment variables not set: RETURNSCOPE_FEISHU_WEBHOOK \(channel 飞书运营群\), /,
        ),
      ]);
      said.push(...thrown);

      const stored = JSON.stringify(
        await warehouse.all("select * from meta.delivery_log order by delivery_id"),
      );
      expect(stored).toContain("failed");
      const everything = [...logger.lines, ...said, stored].join("\n");
      const secrets = [
        ...ALL_SECRETS,
        ...Object.values(WRONG_TOKENS),
        WRONG_PASSWORD,
        ...Object.values(platforms.urls),
        "x" + SECRETS.feishu,
      ];
      for (const secret of secrets)
        for (const form of forms(secret))
          expect(everything.includes(form), `leaked ${JSON.stringify(form)}`).toBe(false);
      // The redacted forms are what the messages show instead.
      expect(everything).toContain("/open-apis/bot/v2/hook/***");
      expect(everything).toContain("/robot/send?access_token=***");
      expect(everything).toContain("/cgi-bin/webhook/send?key=***");
      expect(everything).toContain("/hooks/***");

      // Nor in the warehouse file itself (after the checkpoint of close).
      warehouse.close();
      for (const name of await readdir(dir)) {
        const bytes = await readFile(join(dir, name));
        for (const secret of [...ALL_SECRETS, ...Object.values(WRONG_TOKENS), WRONG_PASSWORD])
          expect(bytes.includes(Buffer.from(secret)), `${secret} in ${name}`).toBe(false);
      }
    } finally {
      platforms.echoTokens = false;
      await cleanup();
    }
  });

  it("redacts webhook URLs to scheme, host and path, tokens replaced by ***", () => {
    const cases: [string, string][] = [
      [
        "https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e-4a07-bd07-265f269f86fd",
        "https://open.feishu.cn/open-apis/bot/v2/hook/***",
      ],
      [
        "https://oapi.dingtalk.com/robot/send?access_token=ff6cd723bdb4455fe18ba30dbeff007f5",
        "https://oapi.dingtalk.com/robot/send?access_token=***",
      ],
      [
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=73febdcb-1b38-4d1b-a994-790f21fc8d30",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***",
      ],
      [
        "https://user:pass@hooks.example.com:8443/services/T0123ABC/B0456DEF/abcdefghijklmnopqrstuvwx?debug=1#frag",
        "https://hooks.example.com:8443/services/***/***/***?debug=***",
      ],
    ];
    for (const [url, redacted] of cases) expect(redactUrl(new URL(url))).toBe(redacted);
  });
});
