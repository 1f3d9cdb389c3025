import {describe, expect, it} from "vitest";
import {DEFAULT_DELIVERY_CONFIG, normalizeDeliveryConfig} from "../../src/pipelines/delivery/index.js";
import {PipelineError} from "../../src/pipelines/errors.js";

const SOURCE = "returnscope.config.json";

describe("normalizeDeliveryConfig", () => {
  it("reads every channel type, with defaults filled in", () => {
    const config = normalizeDeliveryConfig(
      {
        channels: [
          {
            type: "feishu",
            name: "运营群",
            webhookEnv: "RETURNSCOPE_FEISHU_WEBHOOK",
            secretEnv: "RETURNSCOPE_FEISHU_SECRET",
          },
          {type: "dingtalk", webhookEnv: "RETURNSCOPE_DINGTALK_WEBHOOK"},
          {type: "wecom", webhookEnv: "RETURNSCOPE_WECOM_WEBHOOK_1"},
          {type: "wecom", webhookEnv: "RETURNSCOPE_WECOM_WEBHOOK_2"},
          {
            type: "webhook",
            name: "bi",
            webhookEnv: "RETURNSCOPE_HOOK_URL",
            secretEnv: "RETURNSCOPE_HOOK_SECRET",
            signatureHeader: "X-Hub-Signature-256",
          },
          {
            type: "email",
            host: "smtp.exmail.qq.com",
            from: "退货透视 <reports@shop.example>",
            to: "boss@shop.example",
            userEnv: "RETURNSCOPE_SMTP_USER",
            passwordEnv: "RETURNSCOPE_SMTP_PASSWORD",
          },
          {
            type: "email",
            name: "ops",
            host: "mail.local",
            port: 25,
            from: "r@shop.example",
            to: ["a@x.cn", "b@x.cn"],
          },
        ],
        retries: {attempts: 5},
      },
      SOURCE,
    );
    expect(config).toEqual({
      channels: [
        {
          type: "feishu",
          name: "运营群",
          webhookEnv: "RETURNSCOPE_FEISHU_WEBHOOK",
          secretEnv: "RETURNSCOPE_FEISHU_SECRET",
        },
        {type: "dingtalk", name: "dingtalk", webhookEnv: "RETURNSCOPE_DINGTALK_WEBHOOK", secretEnv: null},
        {type: "wecom", name: "wecom-1", webhookEnv: "RETURNSCOPE_WECOM_WEBHOOK_1"},
        {type: "wecom", name: "wecom-2", webhookEnv: "RETURNSCOPE_WECOM_WEBHOOK_2"},
        {
          type: "webhook",
          name: "bi",
          webhookEnv: "RETURNSCOPE_HOOK_URL",
          secretEnv: "RETURNSCOPE_HOOK_SECRET",
          signatureHeader: "X-Hub-Signature-256",
        },
        {
          type: "email",
          name: "email",
          host: "smtp.exmail.qq.com",
          port: 465,
          secure: true,
          from: "退货透视 <reports@shop.example>",
          to: ["boss@shop.example"],
          userEnv: "RETURNSCOPE_SMTP_USER",
          passwordEnv: "RETURNSCOPE_SMTP_PASSWORD",
        },
        {
          type: "email",
          name: "ops",
          host: "mail.local",
          port: 25,
          secure: false,
          from: "r@shop.example",
          to: ["a@x.cn", "b@x.cn"],
          userEnv: null,
          passwordEnv: null,
        },
      ],
      retries: {attempts: 5, baseDelayMs: 1000},
    });
  });

  it("defaults to no channels, 3 attempts and a 1 s base delay", () => {
    expect(DEFAULT_DELIVERY_CONFIG).toEqual({channels: [], retries: {attempts: 3, baseDelayMs: 1000}});
    expect(normalizeDeliveryConfig({}, SOURCE)).toEqual(DEFAULT_DELIVERY_CONFIG);
    expect(Object.isFrozen(DEFAULT_DELIVERY_CONFIG)).toBe(true);
    const port587 = normalizeDeliveryConfig(
      {channels: [{type: "email", host: "h", secure: false, from: "a@b.c", to: "d@e.f"}]},
      SOURCE,
    ).channels[0];
    expect(port587).toMatchObject({port: 587, secure: false});
  });

  it.each([
    [[], `${SOURCE}: delivery must be an object: []`],
    [{chanels: []}, `${SOURCE}: unknown setting delivery.chanels (known: channels, retries)`],
    [{channels: {}}, `${SOURCE}: delivery.channels must be an array: {}`],
    [
      {channels: [{type: "slack", webhookEnv: "X"}]},
      `${SOURCE}: delivery.channels[0].type must be one of feishu, dingtalk, wecom, webhook, email: "slack"`,
    ],
    [
      {channels: [{type: "feishu"}]},
      `${SOURCE}: delivery.channels[0].webhookEnv must name an environment variable (letters, digits and _, e.g. RETURNSCOPE_FEISHU_WEBHOOK), not hold the secret itself`,
    ],
    [
      {channels: [{type: "wecom", webhookEnv: "W", secretEnv: "S"}]},
      `${SOURCE}: unknown setting delivery.channels[0].secretEnv (known: type, name, webhookEnv)`,
    ],
    [
      {channels: [{type: "wecom", webhookEnv: "W", name: ""}]},
      `${SOURCE}: delivery.channels[0].name must be a non-empty string: ""`,
    ],
    [
      {channels: [{type: "webhook", webhookEnv: "W", signatureHeader: "X Sig"}]},
      `${SOURCE}: delivery.channels[0].signatureHeader must be an HTTP header name: "X Sig"`,
    ],
    [
      {
        channels: [
          {type: "wecom", webhookEnv: "A"},
          {type: "feishu", name: "wecom", webhookEnv: "B"},
        ],
      },
      `${SOURCE}: delivery.channels[1].name "wecom" is already used by delivery.channels[0]: give each channel a distinct name`,
    ],
    [
      {channels: [{type: "email", host: "h", from: "a@b.c"}]},
      `${SOURCE}: delivery.channels[0].to must be an e-mail address or a non-empty array of them: undefined`,
    ],
    [
      {channels: [{type: "email", host: "h", from: "a@b.c", to: ["boss"]}]},
      `${SOURCE}: delivery.channels[0].to[0] must be an e-mail address: "boss"`,
    ],
    [
      {channels: [{type: "email", host: "h", from: "a@b.c", to: "d@e.f", port: 0}]},
      `${SOURCE}: delivery.channels[0].port must be an integer between 1 and 65535: 0`,
    ],
    [
      {channels: [{type: "email", host: "h", from: "a@b.c", to: "d@e.f", secure: "yes"}]},
      `${SOURCE}: delivery.channels[0].secure must be true or false: "yes"`,
    ],
    [
      {channels: [{type: "email", host: "h", from: "a@b.c", to: "d@e.f", userEnv: "U"}]},
      `${SOURCE}: delivery.channels[0].userEnv and delivery.channels[0].passwordEnv go together: give both, or neither for no SMTP AUTH`,
    ],
    [{retries: {attempts: 0}}, `${SOURCE}: delivery.retries.attempts must be an integer between 1 and 10: 0`],
    [
      {retries: {attempts: 2.5}},
      `${SOURCE}: delivery.retries.attempts must be an integer between 1 and 10: 2.5`,
    ],
    [
      {retries: {baseDelayMs: -1}},
      `${SOURCE}: delivery.retries.baseDelayMs must be an integer between 0 and 60000: -1`,
    ],
    [
      {retries: {attempts: 3, maxDelayMs: 5}},
      `${SOURCE}: unknown setting delivery.retries.maxDelayMs (known: attempts, baseDelayMs)`,
    ],
  ])("rejects %j", (spec, message) => {
    expect(() => normalizeDeliveryConfig(spec, SOURCE)).toThrow(PipelineError);
    expect(() => normalizeDeliveryConfig(spec, SOURCE)).toThrow(message);
    try {
      normalizeDeliveryConfig(spec, SOURCE);
    } catch (error) {
      expect((error as Error).message).toBe(message);
      expect((error as PipelineError).step).toBe("config");
    }
  });
});
