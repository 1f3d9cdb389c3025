/**
 * Sends a built weekly report to every configured channel, one after the other. A channel that
 * fails (missing environment variable, refused signature, retries used up) does not stop the others:
 * each gets a result and a row in meta.delivery_log, and the caller decides the exit status.
 */
import {readFile} from "node:fs/promises";
import {fileURLToPath} from "node:url";
import {PipelineError, errorMessage} from "../errors.js";
import type {Logger} from "../logger.js";
import type {Warehouse} from "../warehouse.js";
import {DEFAULT_DELIVERY_CONFIG, type ChannelType, type DeliveryChannel, type RetryPolicy} from "./config.js";
import {resolveEmailTarget, sendEmail} from "./email.js";
import type {ReportMessage} from "./message.js";
import {realSleep, withRetries, type Sleep} from "./retry.js";
import {resolveHttpTarget, sendHttp} from "./robots.js";
import {Redactor, type Env} from "./secrets.js";

export interface DeliveryResult {
  channel: string;
  type: ChannelType;
  status: "sent" | "failed";
  /** Tries made; 0 when the channel could not even be set up (e.g. a missing variable). */
  attempts: number;
  /** Redacted, as logged and stored. */
  message: string;
  startedAt: Date;
  finishedAt: Date;
}

export interface DeliverOptions {
  /** When given, every result is recorded in meta.delivery_log. */
  warehouse?: Warehouse;
  logger: Logger;
  /** Where secrets come from (process.env in production). */
  env: Env;
  fetch?: typeof fetch;
  sleep?: Sleep;
  now?: () => Date;
  retries?: RetryPolicy;
  /** Per HTTP request or SMTP wait; default 30 s. */
  timeoutMs?: number;
}

const deliveryLogSql = fileURLToPath(new URL("./delivery_log.sql", import.meta.url));

/** Creates meta.delivery_log when it is missing. */
export async function ensureDeliveryLog(warehouse: Warehouse): Promise<void> {
  await warehouse.run(await readFile(deliveryLogSql, "utf8"));
}

const WEEK = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;

/** Every variable the channels need, checked before anything is built or sent. */
export function checkDeliveryEnv(channels: readonly DeliveryChannel[], env: Env): void {
  const missing: string[] = [];
  for (const channel of channels) {
    const variables =
      channel.type === "email"
        ? [channel.userEnv, channel.passwordEnv]
        : [channel.webhookEnv, channel.type === "wecom" ? null : channel.secretEnv];
    for (const variable of variables)
      if (variable !== null && !env[variable]?.trim()) missing.push(`${variable} (channel ${channel.name})`);
  }
  if (missing.length > 0)
    throw new PipelineError(`environment variables not set: ${missing.join(", ")}`, {step: "delivery"});
}

export async function deliverReport(
  report: ReportMessage,
  channels: readonly DeliveryChannel[],
  options: DeliverOptions,
): Promise<DeliveryResult[]> {
  if (!WEEK.test(report.week))
    throw new PipelineError(`report week must look like 2026-W47: ${JSON.stringify(report.week)}`, {
      step: "delivery",
    });
  const {logger, env, warehouse} = options;
  const now = options.now ?? (() => new Date());
  const context = {
    fetch: options.fetch ?? globalThis.fetch,
    now,
    sleep: options.sleep ?? realSleep,
    retries: options.retries ?? DEFAULT_DELIVERY_CONFIG.retries,
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  if (warehouse) await ensureDeliveryLog(warehouse);
  if (channels.length === 0) logger.warn(`delivery ${report.week}: no channels configured`);
  const results: DeliveryResult[] = [];
  for (const channel of channels) {
    const result = await deliverOne(report, channel, env, logger, context);
    results.push(result);
    if (warehouse) await record(warehouse, report.week, result);
  }
  return results;
}

async function deliverOne(
  report: ReportMessage,
  channel: DeliveryChannel,
  env: Env,
  logger: Logger,
  context: {
    fetch: typeof fetch;
    now: () => Date;
    sleep: Sleep;
    retries: RetryPolicy;
    timeoutMs: number;
  },
): Promise<DeliveryResult> {
  const startedAt = context.now();
  const redactor = new Redactor();
  const done = (status: DeliveryResult["status"], attempts: number, message: string): DeliveryResult => {
    const result = {
      channel: channel.name,
      type: channel.type,
      status,
      attempts,
      message: redactor.scrub(message),
      startedAt,
      finishedAt: context.now(),
    };
    const line = `delivery ${report.week}: ${result.message}`;
    if (status === "sent") logger.info(line);
    else logger.error(line);
    return result;
  };

  let send: () => Promise<string>;
  let label: string;
  try {
    if (channel.type === "email") {
      const target = await resolveEmailTarget(channel, report, env, redactor);
      label = `channel ${channel.name} (email, ${target.redacted})`;
      send = () => sendEmail(target, report, context.timeoutMs);
    } else {
      const target = resolveHttpTarget(channel, env, redactor);
      label = `channel ${channel.name} (${channel.type}, ${target.redacted})`;
      send = () => sendHttp(target, report, context);
    }
  } catch (error) {
    return done("failed", 0, errorMessage(error));
  }

  const {attempts} = context.retries;
  const outcome = await withRetries(send, context.retries, context.sleep, (failed, error, delay) =>
    logger.warn(
      redactor.scrub(
        `delivery ${report.week}: ${label}: attempt ${failed} of ${attempts} failed: ${error.message}; ` +
          `retrying in ${delay} ms`,
      ),
    ),
  );
  if (outcome.ok) {
    const tries = outcome.attempts === 1 ? "" : ` after ${outcome.attempts} attempts`;
    return done("sent", outcome.attempts, `${label}: sent${tries} (${outcome.value})`);
  }
  const why = outcome.error.retryable ? `gave up after ${outcome.attempts} attempts` : "not retried";
  return done("failed", outcome.attempts, `${label}: ${outcome.error.message} (${why})`);
}

async function record(warehouse: Warehouse, week: string, result: DeliveryResult): Promise<void> {
  await warehouse.run(
    `insert into meta.delivery_log
       (week, channel_name, channel_type, attempt_count, status, started_at, finished_at, message)
     values ($week, $channel_name, $channel_type, $attempt_count, $status,
             $started_at::timestamptz, $finished_at::timestamptz, $message)`,
    {
      week,
      channel_name: result.channel,
      channel_type: result.type,
      attempt_count: result.attempts,
      status: result.status,
      started_at: result.startedAt.toISOString(),
      finished_at: result.finishedAt.toISOString(),
      message: result.message,
    },
  );
}
