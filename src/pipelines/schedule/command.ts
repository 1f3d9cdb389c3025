/**
 * `returnscope schedule` (the long-lived scheduler) and `returnscope run` (one ingest → refresh →
 * build cycle for the system's own scheduler: cron, a systemd timer). Both stop cleanly on SIGINT
 * and SIGTERM: the file in hand finishes or rolls back, the lock is released, exit 0.
 */
import {resolve} from "node:path";
import type {Command} from "commander";
import type {Config, ConfigOverrides} from "../config.js";
import type {Logger} from "../logger.js";
import {withGlobals} from "../cliOptions.js";
import {runCycle, type CycleValue, type JobResult} from "./cycle.js";
import {scheduleTriggers} from "./config.js";
import {Scheduler, type ScheduledJob} from "./scheduler.js";

export interface ScheduleCommandDeps {
  io: {out: (text: string) => void; err: (text: string) => void; cwd: string};
  loadConfig: (options: ConfigOverrides) => Promise<Config>;
  setExit: (code: number) => void;
  /** Extra scheduled jobs (weekly report, API pull), given the config and the common options. */
  extraJobs?: (config: Config, logger: Logger) => Promise<ScheduledJob[]>;
  /** Run after each cycle of `returnscope run` (the weekly report when due). */
  afterRun?: (config: Config, logger: Logger, signal: AbortSignal) => Promise<void>;
}

/**
 * SIGINT/SIGTERM abort the controller (the work stops at the next safe point); a second signal
 * exits at once — safe too, since every file loads in one transaction. Returns the remover.
 */
export function stopOnSignals(controller: AbortController, logger: Logger): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      logger.warn(`${signal} again: exiting now (the file in hand rolls back)`);
      process.exit(130);
    }
    logger.warn(`${signal}: stopping after the file in hand (again to exit at once) …`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
}

function logger(io: ScheduleCommandDeps["io"]): Logger {
  const stamp = () => new Date().toISOString().replace("T", " ").slice(0, 19) + "Z";
  return {
    info: (m) => io.out(`${stamp()} ${m}`),
    warn: (m) => io.err(`${stamp()} warning: ${m}`),
    error: (m) => io.err(`${stamp()} error: ${m}`),
  };
}

function cycleLine(result: JobResult<CycleValue>): string {
  return `${result.status}: ${result.message}`;
}

export function registerScheduleCommands(program: Command, deps: ScheduleCommandDeps): void {
  withGlobals(
    program
      .command("run")
      .description(
        "one cycle: ingest the inbox, refresh the marts, rebuild the dashboard when new data arrived, then exit (for cron or a systemd timer)",
      )
      .option("--out <dir>", "where the dashboard is built (default: the config's schedule.siteOut)")
      .option("--wait", "when another run is in progress, wait for it (default: skip with a message)")
      .option("--no-build", "do not rebuild the dashboard")
      .option("--no-report", "do not produce a missed weekly report"),
  ).action(
    async (options: ConfigOverrides & {out?: string; wait?: boolean; build: boolean; report: boolean}) => {
      const config = await deps.loadConfig(options);
      const log = logger(deps.io);
      const controller = new AbortController();
      const removeHandlers = stopOnSignals(controller, log);
      try {
        const result = await runCycle(config, {
          trigger: "manual",
          busy: options.wait ? "wait" : "skip",
          lock: {timeoutMs: config.schedule.lockWaitMinutes * 60_000},
          logger: log,
          signal: controller.signal,
          build: options.build ? "when-changed" : "never",
          siteOut: resolve(deps.io.cwd, options.out ?? config.schedule.siteOut),
        });
        log.info(cycleLine(result));
        if (result.status === "failed") deps.setExit(1);
        if (result.status === "succeeded" && options.report && deps.afterRun && !controller.signal.aborted)
          await deps.afterRun(config, log, controller.signal);
      } finally {
        removeHandlers();
      }
    },
  );

  withGlobals(
    program
      .command("schedule")
      .description(
        "run in the foreground on the config's schedule: ingest the inbox (hourly by default), refresh and rebuild when new data arrived, the weekly report on Monday 09:00 (Asia/Shanghai)",
      )
      .option("--out <dir>", "where the dashboard is built (default: the config's schedule.siteOut)"),
  ).action(async (options: ConfigOverrides & {out?: string}) => {
    const config = await deps.loadConfig(options);
    const triggers = scheduleTriggers(config.schedule); // invalid expressions fail here, naming the setting
    const log = logger(deps.io);
    const siteOut = resolve(deps.io.cwd, options.out ?? config.schedule.siteOut);
    const jobs: ScheduledJob[] = [
      {
        name: "ingest",
        trigger: triggers.ingest,
        run: async ({signal, trigger}) => {
          const result = await runCycle(config, {
            trigger: trigger === "catch-up" ? "catch-up" : "schedule",
            busy: "skip",
            logger: log,
            signal,
            build: config.schedule.buildSite ? "when-changed" : "never",
            siteOut,
          });
          log.info(`ingest ${cycleLine(result)}`);
        },
      },
      ...(deps.extraJobs ? await deps.extraJobs(config, log) : []),
    ];
    const controller = new AbortController();
    const removeHandlers = stopOnSignals(controller, log);
    log.info(`scheduler started (pid ${process.pid}); warehouse ${config.warehouse}`);
    try {
      await new Scheduler(jobs, {logger: log, signal: controller.signal}).run();
    } finally {
      removeHandlers();
    }
    log.info("scheduler stopped");
  });
}
