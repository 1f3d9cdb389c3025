/**
 * The scheduled jobs beyond the hourly ingest, as the config asks for them: the 抖店 API pull
 * (schedule.pullApi) and the weekly report (schedule.weeklyReport). Kept apart from command.ts so
 * that the scheduler itself does not depend on the API client or the report.
 */
import type {Config} from "../config.js";
import type {Logger} from "../logger.js";
import {pullJob} from "../api/command.js";
import {scheduleTriggers} from "./config.js";
import {runJob, type JobBody} from "./cycle.js";
import type {ScheduledJob} from "./scheduler.js";

export interface ConfiguredJobOptions {
  env: Record<string, string | undefined>;
  siteOut: string;
  /** Builds the dashboard (after a pull that loaded files). */
  buildSite: (warehouse: string, out: string) => Promise<unknown>;
  /** The weekly report job, when the report module provides one. */
  weeklyReport?: (config: Config, logger: Logger) => ScheduledJob["run"];
  /** Whether the weekly report of the last complete week is still to be produced. */
  weeklyReportMissed?: (config: Config, now: Date) => Promise<boolean>;
}

export function configuredJobs(
  config: Config,
  logger: Logger,
  options: ConfiguredJobOptions,
): ScheduledJob[] {
  const triggers = scheduleTriggers(config.schedule);
  const jobs: ScheduledJob[] = [];
  if (triggers.pullApi)
    jobs.push({
      name: "pull-api",
      trigger: triggers.pullApi,
      run: async ({signal, trigger}) => {
        const body = pullJob(config, logger, options.env, signal);
        const withBuild: JobBody<Awaited<ReturnType<typeof body.work>>> = {
          ...body,
          afterClose: async (summary) => {
            if (summary.ingest.loaded > 0 && config.schedule.buildSite && !signal.aborted)
              await options.buildSite(config.warehouse, options.siteOut);
          },
        };
        const result = await runJob(
          config,
          {
            job: "pull-api",
            trigger: trigger === "catch-up" ? "catch-up" : "schedule",
            busy: "skip",
            logger,
            signal,
          },
          withBuild,
        );
        logger.info(`pull-api ${result.status}: ${result.message}`);
      },
    });
  if (triggers.weeklyReport && options.weeklyReport) {
    const missed = options.weeklyReportMissed;
    jobs.push({
      name: "weekly-report",
      trigger: triggers.weeklyReport,
      run: options.weeklyReport(config, logger),
      ...(missed ? {catchUp: (now: Date) => missed(config, now)} : {}),
    });
  }
  return jobs;
}
