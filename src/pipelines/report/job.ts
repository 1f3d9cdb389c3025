/**
 * The weekly report as a job: built from the marts under the warehouse lock, written (Markdown,
 * HTML, PDF), delivered to the configured channels, and recorded in the job history with its week
 * as the detail — which is how the scheduler knows, at start, whether a week's report was missed
 * (catch-up). `returnscope report --send`, the scheduler's Monday job and `returnscope run` (when
 * the report of the last complete week is still due) all come here.
 */
import {existsSync} from "node:fs";
import {resolve} from "node:path";
import type {Config} from "../config.js";
import {deliverReport, type DeliveryResult} from "../delivery/index.js";
import type {Logger} from "../logger.js";
import {runJob, type JobResult} from "../schedule/cycle.js";
import {hasSucceeded, type JobTrigger} from "../schedule/jobs.js";
import {withLock} from "../schedule/lock.js";
import {withWarehouse} from "../warehouse.js";
import {buildReportData} from "./data.js";
import {lastReportWeek} from "./site.js";
import {lastCompleteWeek, type IsoWeek} from "./week.js";
import {REPORTS_DIR, writeReport, type WrittenReport} from "./write.js";

export interface WeeklyReportOptions {
  trigger: JobTrigger;
  busy: "skip" | "wait";
  logger: Logger;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
  /** The week; by default the last complete week by the clock (Beijing). */
  week?: IsoWeek;
  now?: () => Date;
  reportsDir?: string;
  pdf?: boolean;
  /** Deliver to config.delivery.channels (default true). */
  send?: boolean;
  /** Injected for tests (default global fetch / setTimeout). */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  lockTimeoutMs?: number;
}

export interface WeeklyReportValue {
  written: WrittenReport;
  deliveries: DeliveryResult[];
}

export async function produceWeeklyReport(
  config: Config,
  options: WeeklyReportOptions,
): Promise<JobResult<WeeklyReportValue> & {week: string}> {
  const now = options.now ?? (() => new Date());
  const week = options.week ?? lastCompleteWeek(now());
  const send = options.send ?? true;
  const result = await runJob(
    config,
    {
      job: "weekly-report",
      trigger: options.trigger,
      detail: week.week,
      busy: options.busy,
      logger: options.logger,
      ...(options.signal ? {signal: options.signal} : {}),
      now,
      ...(options.lockTimeoutMs !== undefined ? {lock: {timeoutMs: options.lockTimeoutMs}} : {}),
    },
    {
      work: async (warehouse) => {
        const data = await buildReportData(warehouse, week, {config});
        const written = await writeReport(data, {
          reportsDir: resolve(options.reportsDir ?? REPORTS_DIR),
          ...(options.pdf === false ? {pdf: false} : {}),
          now,
        });
        options.logger.info(`weekly report ${week.week}: wrote ${written.paths.markdown}`);
        const deliveries =
          send && config.delivery.channels.length > 0
            ? await deliverReport(written.message, config.delivery.channels, {
                warehouse,
                logger: options.logger,
                env: options.env,
                retries: config.delivery.retries,
                now,
                ...(options.fetch ? {fetch: options.fetch} : {}),
                ...(options.sleep ? {sleep: options.sleep} : {}),
              })
            : [];
        return {written, deliveries};
      },
      outcome: ({deliveries}) => {
        const failed = deliveries.filter((d) => d.status === "failed");
        const sent = deliveries.length - failed.length;
        const parts = [
          `report ${week.week} written`,
          deliveries.length
            ? `sent to ${sent} of ${deliveries.length} channel(s)`
            : "no delivery channel configured",
          ...failed.map((d) => `${d.channel}: ${d.message}`),
        ];
        return {status: failed.length ? "failed" : "succeeded", message: parts.join("; ")};
      },
    },
  );
  return {...result, week: week.week};
}

/**
 * Whether the report of the last complete week (by the clock) is still to be produced: no
 * successful weekly-report run for it, and the warehouse has data reaching that week. Read-only,
 * under the lock (waiting for a run in progress); no warehouse yet means nothing is due.
 */
export async function weeklyReportMissed(config: Config, now: Date): Promise<boolean> {
  if (!existsSync(config.warehouse)) return false;
  const week = lastCompleteWeek(now);
  return withLock(
    config.warehouse,
    {job: "weekly-report check", busy: "wait", timeoutMs: config.schedule.lockWaitMinutes * 60_000},
    () =>
      withWarehouse(config.warehouse, {readOnly: true}, async (warehouse) => {
        if (await hasSucceeded(warehouse, "weekly-report", week.week).catch(() => false)) return false;
        const last = await lastReportWeek(warehouse).catch(() => null);
        return last !== null && last.start >= week.start;
      }),
  );
}
