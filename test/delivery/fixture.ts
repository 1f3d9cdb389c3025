/**
 * Shared by the delivery tests: a report, distinctive secrets and tokens (so that a leak is easy to
 * find), the environment that holds them, and the channels that name it.
 */
import {join} from "node:path";
import {normalizeDeliveryConfig, type DeliveryChannel} from "../../src/pipelines/delivery/index.js";
import type {ReportMessage} from "../../src/pipelines/delivery/message.js";
import {Warehouse, type Row} from "../../src/pipelines/warehouse.js";
import type {PlatformSecrets, PlatformTokens} from "./platforms.js";

export const SECRETS: PlatformSecrets = {
  feishu: "fsSECRET-Zebra-7Q9x2LmN4pRt",
  dingtalk: "SECdingSECRET-Okapi-3b5c7d9e1f2a4b6c8d0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c",
  webhook: "whSECRET-Narwhal-Kq81ZpX0",
};

export const TOKENS: PlatformTokens = {
  feishu: "5e3d587e-TOKEN-quokka-265f269f86fd",
  dingtalk: "a1b2c3TOKENaxolotl9f8e7d6c5b4a39f8e7d6c5b4a39f8e7d6c5b4a39f8e7d6c",
  wecom: "73febdcb-TOKEN-pangolin-790f21fc8d30",
  webhook: "TOKENwombat-8c1f0e",
};

export const SMTP_PASSWORD = "smtpSECRET-Capybara-!x9#";

export const ALL_SECRETS = [...Object.values(SECRETS), ...Object.values(TOKENS), SMTP_PASSWORD];

export function envFor(urls: Record<keyof PlatformTokens, string>): Record<string, string> {
  return {
    RETURNSCOPE_FEISHU_WEBHOOK: urls.feishu,
    RETURNSCOPE_FEISHU_SECRET: SECRETS.feishu,
    RETURNSCOPE_DINGTALK_WEBHOOK: urls.dingtalk,
    RETURNSCOPE_DINGTALK_SECRET: SECRETS.dingtalk,
    RETURNSCOPE_WECOM_WEBHOOK: urls.wecom,
    RETURNSCOPE_HOOK_URL: urls.webhook,
    RETURNSCOPE_HOOK_SECRET: SECRETS.webhook,
    RETURNSCOPE_SMTP_USER: "reports@shop.example",
    RETURNSCOPE_SMTP_PASSWORD: SMTP_PASSWORD,
  };
}

/** The four HTTP channels, through the config normalizer as a user would write them. */
export function robotChannels(): DeliveryChannel[] {
  return normalizeDeliveryConfig(
    {
      channels: [
        {
          type: "feishu",
          name: "飞书运营群",
          webhookEnv: "RETURNSCOPE_FEISHU_WEBHOOK",
          secretEnv: "RETURNSCOPE_FEISHU_SECRET",
        },
        {
          type: "dingtalk",
          name: "钉钉客服群",
          webhookEnv: "RETURNSCOPE_DINGTALK_WEBHOOK",
          secretEnv: "RETURNSCOPE_DINGTALK_SECRET",
        },
        {type: "wecom", name: "企微仓库群", webhookEnv: "RETURNSCOPE_WECOM_WEBHOOK"},
        {
          type: "webhook",
          name: "bi",
          webhookEnv: "RETURNSCOPE_HOOK_URL",
          secretEnv: "RETURNSCOPE_HOOK_SECRET",
        },
      ],
    },
    "test.config.json",
  ).channels;
}

export function channelNamed(name: string, channels = robotChannels()): DeliveryChannel {
  const channel = channels.find((c) => c.name === name);
  if (!channel) throw new Error(`no channel ${name}`);
  return channel;
}

export const SUMMARY = [
  "本周（2026-W47）退货率 18.4%，环比 +2.1 个百分点。",
  "- 尺码偏小：LS01 连衣裙 S 码退货率 41%",
  "- 质量问题：TS02 T 恤 12 单反馈开线",
  "- 广东、浙江退货量居前",
].join("\n");

export function report(overrides: Partial<ReportMessage> = {}): ReportMessage {
  return {
    week: "2026-W47",
    title: "退货周报 2026-W47（直播服饰旗舰店）",
    markdown: `# 退货周报 2026-W47\n\n${SUMMARY}\n\n| 原因 | 件数 |\n|---|---|\n| 尺码 | 120 |\n`,
    text: SUMMARY,
    html: `<!doctype html><html><head><meta charset="utf-8"><title>退货周报</title></head><body><h1>退货周报 2026-W47</h1><p>退货率 18.4%</p></body></html>`,
    url: "https://reports.shop.example/weeks/2026-W47/",
    ...overrides,
  };
}

export async function openWarehouse(dir: string): Promise<Warehouse> {
  return Warehouse.open(join(dir, "warehouse.duckdb"));
}

export async function deliveryLog(warehouse: Warehouse): Promise<Row[]> {
  return warehouse.all(
    `select week, channel_name, channel_type, attempt_count, status, message,
            started_at <= finished_at as ordered
     from meta.delivery_log order by delivery_id`,
  );
}

/** A sleep that waits for nothing and remembers what it was asked. */
export function recordingSleep(): ((ms: number) => Promise<void>) & {calls: number[]} {
  const calls: number[] = [];
  return Object.assign(async (ms: number) => void calls.push(ms), {calls});
}
