/**
 * A job run under the warehouse lock, with its row in the job history: the ingest → refresh →
 * build cycle that `returnscope run`, `returnscope ingest` and the scheduler share, and the frame
 * (`runJob`) every other writing job (weekly report, API pull) runs in.
 *
 * The site is built after the warehouse is closed (the data loaders open it read-only) but still
 * under the lock, so no other writer can change the data in the middle of a build.
 */
import {existsSync} from "node:fs";
import {hostname} from "node:os";
import {join} from "node:path";
import type {Config} from "../config.js";
import {errorMessage} from "../errors.js";
import type {SourceFile} from "../ingest/discover.js";
import {ingest, type IngestSummary} from "../ingest/ingest.js";
import type {Logger} from "../logger.js";
import {ensureMartsFresh} from "../refresh.js";
import type {BuildResult} from "../site/build.js";
import {Warehouse} from "../warehouse.js";
import {finishJob, markInterrupted, startJob, type JobCounts, type JobName, type JobTrigger} from "./jobs.js";
import {LockBusyError, acquireLock, processAlive, type LockOptions} from "./lock.js";

export type RunStatus = "succeeded" | "failed" | "interrupted" | "skipped";

export interface JobOptions {
  job: JobName;
  trigger: JobTrigger;
  /** What the run is about, kept in the history (a report's week). */
  detail?: string | null;
  /** When another run holds the lock: skip at once (scheduled runs) or wait (manual commands). */
  busy: "skip" | "wait";
  logger: Logger;
  signal?: AbortSignal;
  now?: () => Date;
  /** Lock details for tests (timeouts, sleep, pid). */
  lock?: Partial<LockOptions>;
}

export interface JobResult<T> {
  status: RunStatus;
  message: string;
  value?: T;
}

export interface JobBody<T> {
  /** The work, with the warehouse open read-write. */
  work: (warehouse: Warehouse, signal: AbortSignal | undefined) => Promise<T>;
  /** Optional work after the warehouse is closed, still under the lock (the site build). */
  afterClose?: (value: T) => Promise<void>;
  /** How the run ended, from its value. */
  outcome: (value: T) => {status: Exclude<RunStatus, "skipped">; message: string} & JobCounts;
}

/** Runs a writing job under the lock with its job-history row; never throws for a failed job. */
export async function runJob<T>(
  config: Config,
  options: JobOptions,
  body: JobBody<T>,
): Promise<JobResult<T>> {
  const now = options.now ?? (() => new Date());
  const host = options.lock?.host ?? hostname();
  const pid = options.lock?.pid ?? process.pid;
  const isAlive = options.lock?.isAlive ?? processAlive;
  let lock;
  try {
    lock = await acquireLock(config.warehouse, {
      busy: options.busy,
      timeoutMs: options.lock?.timeoutMs,
      onWait: (message) => options.logger.warn(message),
      onTakeover: (_, message) => options.logger.warn(message),
      ...options.lock,
      job: `${options.job}${options.trigger === "manual" ? "" : ` (${options.trigger})`}`,
    });
  } catch (error) {
    if (error instanceof LockBusyError) {
      const message = `${options.job} skipped: ${error.message}`;
      options.logger.warn(message);
      return {status: "skipped", message};
    }
    throw error;
  }
  try {
    const warehouse = await Warehouse.open(config.warehouse);
    let runId: number;
    let value: T;
    try {
      const interrupted = await markInterrupted(warehouse, {pid, host, now: now(), isAlive});
      if (interrupted > 0)
        options.logger.warn(`${interrupted} earlier run(s) had stopped before finishing: marked interrupted`);
      runId = await startJob(warehouse, {
        job: options.job,
        trigger: options.trigger,
        detail: options.detail,
        pid,
        host,
        now: now(),
      });
      try {
        value = await body.work(warehouse, options.signal);
      } catch (error) {
        const message = errorMessage(error);
        await finishJob(warehouse, runId, {status: "failed", now: now(), message});
        options.logger.error(`${options.job} failed: ${message}`);
        return {status: "failed", message};
      }
    } finally {
      warehouse.close();
    }
    let afterError: string | null = null;
    if (body.afterClose)
      try {
        await body.afterClose(value);
      } catch (error) {
        afterError = errorMessage(error);
      }
    const outcome = afterError
      ? {...body.outcome(value), status: "failed" as const, message: afterError}
      : body.outcome(value);
    const closing = await Warehouse.open(config.warehouse);
    try {
      await finishJob(closing, runId, {...outcome, now: now()});
    } finally {
      closing.close();
    }
    if (outcome.status === "failed") options.logger.error(`${options.job} failed: ${outcome.message}`);
    return {status: outcome.status, message: outcome.message, value};
  } finally {
    await lock.release();
  }
}

export interface CycleOptions extends Omit<JobOptions, "job" | "detail"> {
  job?: "ingest" | "run";
  files?: SourceFile[];
  onProgress?: (file: SourceFile, phase: string, fraction: number | null) => void;
  /** Build the dashboard: always, only when new data arrived (or no site exists yet), or never. */
  build: "always" | "when-changed" | "never";
  siteOut: string;
  /** The builder (injected by tests); default site/build.ts buildSite. */
  buildSite?: (warehouse: string, out: string) => Promise<BuildResult>;
}

export interface CycleValue {
  summary: IngestSummary;
  built: BuildResult | null;
}

/** One ingest → refresh → build cycle. */
export async function runCycle(config: Config, options: CycleOptions): Promise<JobResult<CycleValue>> {
  const value: CycleValue = {
    summary: {files: [], totals: {} as IngestSummary["totals"], loaded: 0, skipped: 0, failed: 0},
    built: null,
  };
  return runJob(
    config,
    {...options, job: options.job ?? "run"},
    {
      work: async (warehouse, signal) => {
        value.summary = await ingest(warehouse, {
          config,
          logger: options.logger,
          ...(options.files ? {files: options.files} : {}),
          ...(options.onProgress ? {onProgress: options.onProgress} : {}),
          ...(signal ? {signal} : {}),
          ...(options.now ? {now: options.now} : {}),
        });
        // Readers never see stale marts: ingest refreshes what it changed; a config change too.
        if (!signal?.aborted) await ensureMartsFresh(warehouse, config);
        return value;
      },
      afterClose: async () => {
        if (options.signal?.aborted) return;
        const wanted =
          options.build === "always" ||
          (options.build === "when-changed" &&
            (value.summary.loaded > 0 || !existsSync(join(options.siteOut, "index.html"))));
        if (!wanted) return;
        const build = options.buildSite ?? defaultBuild(options.logger);
        value.built = await build(config.warehouse, options.siteOut);
      },
      outcome: ({summary, built}) => {
        const counts = {
          files_loaded: summary.loaded,
          files_skipped: summary.skipped,
          files_failed: summary.failed,
        };
        const parts = [
          `${summary.loaded} loaded, ${summary.skipped} skipped, ${summary.failed} failed`,
          summary.notStarted ? `${summary.notStarted} not started (stopped)` : "",
          built ? `site rebuilt (${built.pages.length} pages)` : "",
        ].filter(Boolean);
        const status = options.signal?.aborted ? "interrupted" : summary.failed > 0 ? "failed" : "succeeded";
        const failedFiles = summary.files
          .filter((f) => f.status === "failed")
          .map((f) => `${f.path}: ${f.message}`)
          .slice(0, 3);
        return {...counts, status, message: [parts.join("; "), ...failedFiles].join("\n")};
      },
    },
  );
}

function defaultBuild(logger: Logger) {
  return async (warehouse: string, out: string) => {
    const {buildSite} = await import("../site/build.js");
    return buildSite({warehouse, out, logger});
  };
}
