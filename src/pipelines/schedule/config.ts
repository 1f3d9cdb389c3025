/**
 * The `schedule` section of returnscope.config.json: what `returnscope schedule` runs and when.
 * Every expression is checked when the config is read, so an invalid one stops the scheduler at
 * start with a message naming the setting.
 */
import {PipelineError} from "../errors.js";
import {cronTrigger, everyMinutesTrigger, validTimezone, type Trigger} from "./triggers.js";

export interface ScheduleConfig {
  /** Time zone of every schedule (IANA name). */
  timezone: string;
  /** Ingest the inbox (then refresh the marts and rebuild the site when new data arrived): a cron
   * expression, or a number of minutes. */
  ingest: string | number;
  /** The weekly report: cron expression (default Monday 09:00); null turns it off. */
  weeklyReport: string | null;
  /** Pull from the 抖店 open platform API: cron expression or minutes; null (default) = off. */
  pullApi: string | number | null;
  /** Rebuild the dashboard after new data arrived. */
  buildSite: boolean;
  /** Where the dashboard is built. */
  siteOut: string;
  /** How long a manual command waits for a running job before giving up. */
  lockWaitMinutes: number;
}

export const DEFAULT_SCHEDULE_CONFIG: ScheduleConfig = {
  timezone: "Asia/Shanghai",
  ingest: 60,
  weeklyReport: "0 9 * * 1",
  pullApi: null,
  buildSite: true,
  siteOut: "dist",
  lockWaitMinutes: 30,
};

function fail(source: string, message: string): never {
  throw new PipelineError(`${source}: ${message}`, {step: "config"});
}

export function normalizeScheduleConfig(value: unknown, source: string): ScheduleConfig {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    fail(source, "schedule must be an object");
  const input = value as Record<string, unknown>;
  const known = Object.keys(DEFAULT_SCHEDULE_CONFIG);
  for (const key of Object.keys(input))
    if (!known.includes(key)) fail(source, `unknown setting schedule.${key} (known: ${known.join(", ")})`);
  const config = {...DEFAULT_SCHEDULE_CONFIG, ...input} as ScheduleConfig;
  if (typeof config.timezone !== "string" || !validTimezone(config.timezone))
    fail(source, `schedule.timezone: unknown time zone ${JSON.stringify(config.timezone)}`);
  const when = (key: "ingest" | "pullApi" | "weeklyReport", nullable: boolean) => {
    const v = config[key];
    if (v === null && nullable) return;
    if (typeof v !== "string" && typeof v !== "number")
      fail(
        source,
        `schedule.${key} must be a cron expression${key === "weeklyReport" ? "" : " or a number of minutes"}${nullable ? " or null" : ""}`,
      );
    if (typeof v === "number" && key === "weeklyReport")
      fail(source, "schedule.weeklyReport must be a cron expression or null");
  };
  when("ingest", false);
  when("pullApi", true);
  when("weeklyReport", true);
  if (typeof config.buildSite !== "boolean") fail(source, "schedule.buildSite must be true or false");
  if (typeof config.siteOut !== "string" || config.siteOut.trim() === "")
    fail(source, "schedule.siteOut must be a folder name");
  if (typeof config.lockWaitMinutes !== "number" || !(config.lockWaitMinutes >= 0))
    fail(source, "schedule.lockWaitMinutes must be a number of minutes ≥ 0");
  // Check the expressions now (errors name the file and the setting).
  try {
    scheduleTriggers(config);
  } catch (error) {
    fail(source, (error as Error).message);
  }
  return config;
}

function trigger(value: string | number, timezone: string, setting: string): Trigger {
  return typeof value === "number"
    ? everyMinutesTrigger(value, timezone, setting)
    : cronTrigger(value, timezone, setting);
}

/** The triggers of the configured jobs (absent when turned off). */
export function scheduleTriggers(config: ScheduleConfig): {
  ingest: Trigger;
  weeklyReport: Trigger | null;
  pullApi: Trigger | null;
} {
  return {
    ingest: trigger(config.ingest, config.timezone, "schedule.ingest"),
    weeklyReport:
      config.weeklyReport === null
        ? null
        : cronTrigger(config.weeklyReport, config.timezone, "schedule.weeklyReport"),
    pullApi: config.pullApi === null ? null : trigger(config.pullApi, config.timezone, "schedule.pullApi"),
  };
}
