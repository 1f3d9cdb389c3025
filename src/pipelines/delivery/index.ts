export {
  CHANNEL_TYPES,
  DEFAULT_DELIVERY_CONFIG,
  DEFAULT_SIGNATURE_HEADER,
  normalizeDeliveryConfig,
  type ChannelType,
  type DeliveryChannel,
  type DeliveryConfig,
  type DingtalkChannel,
  type EmailChannel,
  type FeishuChannel,
  type RetryPolicy,
  type WebhookChannel,
  type WecomChannel,
} from "./config.js";
export {
  checkDeliveryEnv,
  deliverReport,
  ensureDeliveryLog,
  type DeliverOptions,
  type DeliveryResult,
} from "./deliver.js";
export {truncateUtf8, WECOM_MARKDOWN_MAX_BYTES, type ReportMessage} from "./message.js";
export {redactUrl} from "./secrets.js";
export {dingtalkSign, feishuSign, webhookSignature} from "./sign.js";
