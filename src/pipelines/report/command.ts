/**
 * `returnscope report [--week 2026-W47] [--out DIR] [--json]`: builds the weekly report from the
 * marts and writes it (Markdown, HTML, PDF when Chromium is installed, index.json). runReport
 * returns the message and the paths, for whatever sends it (the delivery module's --send).
 */
import {Command} from "commander";
import {resolve} from "node:path";
import {withGlobals} from "../cliOptions.js";
import type {Config, ConfigOverrides} from "../config.js";
import type {Warehouse} from "../warehouse.js";
import {buildReportData} from "./data.js";
import {produceWeeklyReport} from "./job.js";
import {lastReportWeek} from "./site.js";
import type {ReportData} from "./types.js";
import {lastCompleteWeek, parseWeek, type IsoWeek} from "./week.js";
import {REPORTS_DIR, writeReport, type WrittenReport} from "./write.js";

export interface ReportCommandDeps {
  io: {out: (text: string) => void; err: (text: string) => void; cwd?: string};
  loadConfig: (options: ConfigOverrides) => Promise<Config>;
  /** Opens the warehouse with core and the marts brought up to date. */
  openFresh: (config: Config) => Promise<Warehouse>;
  /** The clock that decides the default week. */
  now?: () => Date;
  /** Where delivery secrets come from (--send); default process.env. */
  env?: Record<string, string | undefined>;
}

export interface ReportCommandOptions extends ConfigOverrides {
  week?: string;
  out: string;
  json?: boolean;
  shop?: string;
  /** commander's --no-pdf. */
  pdf: boolean;
  /** Deliver to the configured channels (and record the run in the job history). */
  send?: boolean;
}

export interface ReportRun extends WrittenReport {
  data: ReportData;
  /** Why another week than the one asked for (or the default) was reported. */
  note?: string;
}

/**
 * The default week: the last complete week by the clock (Beijing), or, when the data stops before
 * that week's Sunday, the last complete week of the data, with a note saying so.
 */
async function defaultWeek(
  warehouse: Warehouse,
  now: Date,
  shop: string | null,
): Promise<{week: IsoWeek; note?: string}> {
  const byClock = lastCompleteWeek(now);
  const byData = await lastReportWeek(warehouse, shop);
  if (!byData || byData.start >= byClock.start) return {week: byClock};
  return {
    week: byData,
    note: `the data ends before the end of ${byClock.week}: reporting ${byData.week}, its last complete week`,
  };
}

export async function runReport(options: ReportCommandOptions, deps: ReportCommandDeps): Promise<ReportRun> {
  // A bad --week fails before the warehouse is opened.
  const asked = options.week === undefined ? undefined : parseWeek(options.week);
  const config = await deps.loadConfig({
    ...(options.config !== undefined ? {config: options.config} : {}),
    ...(options.warehouse !== undefined ? {warehouse: options.warehouse} : {}),
    ...(options.inbox !== undefined ? {inbox: options.inbox} : {}),
  });
  const warehouse = await deps.openFresh(config);
  let data: ReportData;
  let note: string | undefined;
  try {
    const shop = options.shop ?? null;
    const chosen = asked
      ? {week: asked}
      : await defaultWeek(warehouse, (deps.now ?? (() => new Date()))(), shop);
    note = chosen.note;
    data = await buildReportData(warehouse, chosen.week, {config, ...(shop ? {shop} : {})});
  } finally {
    warehouse.close();
  }
  const written = await writeReport(data, {
    reportsDir: resolve(deps.io.cwd ?? process.cwd(), options.out),
    ...(options.pdf ? {} : {pdf: false}),
    ...(deps.now ? {now: deps.now} : {}),
  });
  return {...written, data, ...(note ? {note} : {})};
}

export function registerReportCommand(program: Command, deps: ReportCommandDeps): Command {
  const {io} = deps;
  const command = withGlobals(program.command("report"))
    .description("write the weekly report (Markdown, HTML, PDF) of an ISO week from the marts")
    .option("--week <week>", "ISO week, e.g. 2026-W47 (default: the last complete week, Beijing time)")
    .option("--out <dir>", "folder for the report files and index.json", REPORTS_DIR)
    .option("--shop <id>", "only this shop (default: every shop together)")
    .option("--no-pdf", "do not print the PDF even when Chromium is installed")
    .option("--json", "print the files written and the report data as JSON")
    .option(
      "--send",
      "also deliver it to the config's delivery channels (group robots, e-mail), with retries; recorded in the job history",
    );

  command.action(async (options: ReportCommandOptions) => {
    if (options.send) {
      const config = await deps.loadConfig(options);
      const logger = {
        info: io.out,
        warn: (m: string) => io.err(`warning: ${m}`),
        error: (m: string) => io.err(`error: ${m}`),
      };
      const result = await produceWeeklyReport(config, {
        trigger: "manual",
        busy: "wait",
        logger,
        env: deps.env ?? process.env,
        ...(options.week !== undefined ? {week: parseWeek(options.week)} : {}),
        ...(deps.now ? {now: deps.now} : {}),
        reportsDir: resolve(io.cwd ?? process.cwd(), options.out),
        pdf: options.pdf,
        lockTimeoutMs: config.schedule.lockWaitMinutes * 60_000,
      });
      io.out(`${result.status}: ${result.message}`);
      if (result.status !== "succeeded") process.exitCode = 1;
      return;
    }
    const run = await runReport(options, deps);
    if (run.note) io.err(`note: ${run.note}`);
    if (options.json) {
      io.out(
        JSON.stringify(
          {week: run.message.week, title: run.message.title, files: run.paths, data: run.data},
          null,
          2,
        ),
      );
      return;
    }
    const files = [run.paths.markdown, run.paths.html, run.paths.pdf].filter(Boolean).join(", ");
    io.out(`wrote ${files}; updated ${run.paths.index}\n`);
    io.out(run.message.text);
  });
  return command;
}
