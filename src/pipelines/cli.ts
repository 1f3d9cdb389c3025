import {Command, CommanderError, InvalidArgumentError, Option} from "commander";
import {existsSync} from "node:fs";
import {join, resolve} from "node:path";
import {loadConfig, shopId, type Config, type ConfigOverrides} from "./config.js";
import {withGlobals} from "./cliOptions.js";
import {PipelineError, errorMessage} from "./errors.js";
import {FILE_KIND_LABELS, FILE_KINDS} from "./ingest/columns.js";
import {discoverPaths} from "./ingest/discover.js";
import type {IngestSummary} from "./ingest/ingest.js";
import {terminalProgress} from "./progress.js";
import {ensureFresh} from "./refresh.js";
import {buildSite, type BuildResult} from "./site/build.js";
import {serveStatic} from "./site/serve.js";
import {registerMetricsCommand} from "./metrics/command.js";
import {registerReportCommand} from "./report/command.js";
import {registerPullCommand} from "./api/command.js";
import {generateSample} from "./sample/generate.js";
import {statusReport, type StatusReport} from "./status.js";
import {table} from "./format.js";
import {Warehouse, withWarehouse} from "./warehouse.js";
import {runCycle} from "./schedule/cycle.js";
import {registerScheduleCommands, stopOnSignals} from "./schedule/command.js";
import {jobHistory, type JobRun} from "./schedule/jobs.js";
import {acquireLock, withLock} from "./schedule/lock.js";
import {configuredJobs} from "./schedule/jobsConfigured.js";
import {produceWeeklyReport, weeklyReportMissed} from "./report/job.js";

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text + "\n"),
  err: (text) => process.stderr.write(text + "\n"),
  env: process.env,
  cwd: process.cwd(),
};

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive whole number, got ${value}`);
  return n;
}

interface GlobalOptions extends ConfigOverrides {
  json?: boolean;
}

export function printIngest(summary: IngestSummary, io: Io): void {
  const rows = summary.files.map((f) => [
    f.status === "loaded" ? "已载入" : f.status === "skipped" ? "跳过" : "失败",
    f.shop,
    f.kind ? FILE_KIND_LABELS[f.kind] : "?",
    f.path,
    f.rows_read,
    f.rows_loaded,
    f.rows_rejected,
    f.message,
  ]);
  if (rows.length === 0) {
    io.out("no files found");
    return;
  }
  io.out(table(["状态", "店铺", "类型", "文件", "读取", "载入", "拒绝", "说明"], rows));
  io.out(`\n${summary.loaded} loaded, ${summary.skipped} skipped (already loaded), ${summary.failed} failed`);
}

function jsonIngest(summary: IngestSummary): object {
  return {
    files: summary.files.map(
      ({path, sha256, kind, shop, status, rows_read, rows_loaded, rows_rejected, message}) => ({
        path,
        sha256,
        kind,
        shop,
        status,
        rows_read,
        rows_loaded,
        rows_rejected,
        message,
      }),
    ),
    totals: summary.totals,
    loaded: summary.loaded,
    skipped: summary.skipped,
    failed: summary.failed,
  };
}

export function printStatus(report: StatusReport, io: Io): void {
  io.out(`warehouse: ${report.warehouse}\n`);
  io.out(
    table(
      ["类型", "文件数", "读取行", "载入行", "拒绝行"],
      FILE_KINDS.map((kind) => {
        const t = report.totals[kind];
        return [FILE_KIND_LABELS[kind], t.files, t.rows_read, t.rows_loaded, t.rows_rejected];
      }),
    ),
  );
  io.out(
    "\n" +
      table(
        ["表", "行数"],
        Object.entries(report.tables).map(([name, n]) => [name, n]),
      ),
  );
  const failed = report.files.filter((f) => f.status === "failed");
  if (failed.length)
    io.out(
      "\n失败的文件 (failed files)\n" +
        table(
          ["文件", "说明"],
          failed.map((f) => [f.path, f.message]),
        ),
    );
  if (report.rejects.length)
    io.out(
      "\n拒绝的行 (rejected rows, by column and reason)\n" +
        table(
          ["类型", "列", "原因", "次数", "例"],
          report.rejects.map((r) => [r.kind, r.column_name ?? "(整行)", r.reason, r.count, r.example]),
        ),
    );
  if (report.unknown_values.length)
    io.out(
      "\n未识别的值 (unknown values, counted in an unknown bucket)\n" +
        table(
          ["列", "值", "行数"],
          report.unknown_values.map((u) => [u.column_name, u.value, u.row_count]),
        ),
    );
}

export function printJobs(jobs: JobRun[], io: Io): void {
  if (jobs.length === 0) return;
  const label = {running: "进行中", succeeded: "成功", failed: "失败", interrupted: "中断"} as const;
  io.out(
    "\n最近的运行 (job history, newest first)\n" +
      table(
        ["任务", "触发", "开始", "结束", "状态", "载入", "失败", "说明"],
        jobs.map((j) => [
          j.detail ? `${j.job} ${j.detail}` : j.job,
          j.trigger,
          j.started_at,
          j.finished_at ?? "",
          label[j.status] ?? j.status,
          j.files_loaded,
          j.files_failed,
          (j.message ?? "").split("\n")[0]!,
        ]),
      ),
  );
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(`expected a port number (0-65535), got ${value}`);
  return n;
}

/**
 * Marts up to date (the only writer, closed again before the read-only loaders run), then the
 * site — all under the writer's lock, so that no ingest changes the data in the middle of a build.
 */
async function buildDashboard(
  config: Config,
  options: {out: string; verbose?: boolean},
  io: Io,
): Promise<BuildResult> {
  const result = await withLock(
    config.warehouse,
    {
      job: "build",
      busy: "wait",
      timeoutMs: config.schedule.lockWaitMinutes * 60_000,
      onWait: (message) => io.err(message),
    },
    async () => {
      await withWarehouse(config.warehouse, {}, (warehouse) => ensureFresh(warehouse, config));
      io.out(`building the dashboard from ${config.warehouse} …`);
      return buildSite({
        warehouse: config.warehouse,
        out: resolve(io.cwd, options.out),
        verbose: Boolean(options.verbose),
        env: {...process.env, ...io.env},
        logger: {info: io.out, warn: io.err, error: io.err},
      });
    },
  );
  const kb = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString("en-US")} KB`;
  io.out(
    `built ${result.pages.length} pages into ${result.out} in ${result.seconds.toFixed(1)} s ` +
      `(${result.files} files, ${kb(result.bytes)}; data ${kb(result.dataBytes)})`,
  );
  return result;
}

/** Serves the site until the process is told to stop (SIGINT, SIGTERM). */
async function serveUntilStopped(dir: string, portNumber: number, io: Io): Promise<void> {
  const site = await serveStatic({dir, port: portNumber});
  io.out(`serving ${dir} at ${site.url}  (Ctrl+C to stop)`);
  await new Promise<void>((resolvePromise) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolvePromise();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await site.close();
  io.out("stopped");
}

/**
 * The warehouse open for writing with its marts up to date, holding the writer's lock until it is
 * closed (readers refresh stale marts, so they write too).
 */
async function openFresh(config: Config, io?: Pick<Io, "err">): Promise<Warehouse> {
  const lock = await acquireLock(config.warehouse, {
    job: "status/metrics",
    busy: "wait",
    timeoutMs: config.schedule.lockWaitMinutes * 60_000,
    onWait: (message) => io?.err(message),
  });
  let warehouse: Warehouse | undefined;
  try {
    warehouse = await Warehouse.open(config.warehouse);
    warehouse.onClose(() => lock.release());
    await ensureFresh(warehouse, config);
    return warehouse;
  } catch (error) {
    if (warehouse) warehouse.close();
    else await lock.release();
    throw error;
  }
}

/** Ingest under the warehouse lock (waiting for a running job), recorded in the job history. */
async function runIngest(
  config: Config,
  files: Awaited<ReturnType<typeof discoverPaths>> | undefined,
  json: boolean,
  io: Io,
  job: "ingest" | "demo" = "ingest",
): Promise<IngestSummary> {
  const progress = json ? {update() {}, done() {}} : terminalProgress();
  const logger = json ? {info() {}, warn: io.err, error() {}} : {info: io.out, warn: io.err, error() {}};
  const controller = new AbortController();
  const removeHandlers = stopOnSignals(controller, logger);
  try {
    const result = await runCycle(config, {
      job: job === "demo" ? "run" : "ingest",
      trigger: "manual",
      busy: "wait",
      lock: {timeoutMs: config.schedule.lockWaitMinutes * 60_000},
      ...(files ? {files} : {}),
      logger,
      signal: controller.signal,
      onProgress: (file, phase, fraction) => progress.update(file.displayPath, phase, fraction),
      build: "never",
      siteOut: config.schedule.siteOut,
    });
    progress.done();
    if (result.status === "skipped") throw new PipelineError(result.message, {step: "lock"});
    if (!result.value) throw new PipelineError(result.message, {step: "ingest"});
    return result.value.summary;
  } finally {
    removeHandlers();
  }
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command("returnscope")
    .description("退货透视 Returnscope: after-sale analytics for Douyin (抖店) merchants")
    .showHelpAfterError()
    .configureOutput({writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd())})
    .exitOverride();

  withGlobals(
    program
      .command("ingest")
      .description(
        "load order exports, after-sale exports and SKU masters from the inbox (or the given paths) into the warehouse",
      )
      .argument("[paths...]", "files or folders to ingest instead of the inbox")
      .option("--shop <id>", "shop of the files given as paths (default: the config's defaultShop)")
      .option("--json", "print a machine-readable summary"),
  ).action(async (paths: string[], options: GlobalOptions & {shop?: string}) => {
    const config = await loadConfig(options, io.env);
    const shop = options.shop ? shopId("--shop", options.shop) : config.defaultShop;
    const files = paths.length ? await discoverPaths(paths, shop, io.cwd) : undefined;
    const summary = await runIngest(config, files, Boolean(options.json), io);
    if (options.json) io.out(JSON.stringify(jsonIngest(summary), null, 2));
    else printIngest(summary, io);
    if (summary.failed > 0) setExit(1);
  });

  withGlobals(
    program
      .command("status")
      .description("show what is loaded, failed files, rejected rows and unknown values")
      .option("--json", "print JSON"),
  ).action(async (options: GlobalOptions) => {
    const config = await loadConfig(options, io.env);
    const warehouse = await openFresh(config, io);
    try {
      const report = await statusReport(warehouse);
      const jobs = await jobHistory(warehouse, 10);
      if (options.json) io.out(JSON.stringify({...report, jobs}, null, 2));
      else {
        printStatus(report, io);
        printJobs(jobs, io);
      }
    } finally {
      warehouse.close();
    }
  });

  program
    .command("sample")
    .description("write seeded sample exports (two shops, 120 days) in the real export formats")
    .option("--out <dir>", "output folder; exports go to <dir>/inbox/<shop>/", "./data/sample")
    .option("--orders <n>", "order lines (子订单) in total", positiveInteger, 12000)
    .option("--seed <n>", "random seed", positiveInteger, 20261122)
    .option("--end <date>", "last order day (Beijing), YYYY-MM-DD", "2026-11-22")
    .action(async (options: {out: string; orders: number; seed: number; end: string}) => {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(options.end))
        throw new PipelineError(`--end must be YYYY-MM-DD: ${options.end}`);
      const outDir = resolve(io.cwd, options.out);
      const result = await generateSample({
        outDir,
        orders: options.orders,
        seed: options.seed,
        endDate: options.end,
      });
      io.out(
        `wrote ${result.files.length} files (${result.orderLines} order lines, ${result.afterSales} after-sales) to ${join(outDir, "inbox")}`,
      );
    });

  withGlobals(
    program
      .command("demo")
      .description(
        "run the whole job on built-in sample data: generate it (when absent), ingest it, print the summary, build the dashboard and serve it on localhost",
      )
      .option("--sample <dir>", "where the sample data lives", "./data/sample")
      .option("--out <dir>", "where the dashboard is built", "dist")
      .addOption(
        new Option("--port <n>", "port of the local web server (0: any free port)")
          .env("RETURNSCOPE_PORT")
          .argParser(port)
          .default(3000),
      )
      .option("--no-serve", "build the dashboard but do not serve it"),
  ).action(async (options: GlobalOptions & {sample: string; out: string; port: number; serve: boolean}) => {
    const sampleDir = resolve(io.cwd, options.sample);
    const inbox = join(sampleDir, "inbox");
    if (!existsSync(inbox)) {
      io.out(`generating sample data in ${sampleDir} …`);
      const result = await generateSample({outDir: sampleDir});
      io.out(
        `wrote ${result.files.length} files (${result.orderLines} order lines, ${result.afterSales} after-sales)`,
      );
    }
    const config = await loadConfig({...options, inbox: options.inbox ?? inbox}, io.env);
    const summary = await runIngest(config, undefined, false, io, "demo");
    printIngest(summary, io);
    const warehouse = await openFresh(config, io);
    try {
      io.out("");
      printStatus(await statusReport(warehouse), io);
    } finally {
      warehouse.close();
    }
    if (summary.failed > 0) setExit(1);
    io.out("");
    const site = await buildDashboard(config, {out: options.out}, io);
    if (options.serve) await serveUntilStopped(site.out, options.port, io);
  });

  withGlobals(
    program
      .command("build")
      .description(
        "build the static dashboard (Observable Framework) from the warehouse: a self-contained folder for any static host",
      )
      .option("--out <dir>", "output folder (replaced as a whole when the build succeeds)", "dist")
      .option("--verbose", "print Observable Framework's own output"),
  ).action(async (options: GlobalOptions & {out: string; verbose?: boolean}) => {
    const config = await loadConfig(options, io.env);
    await buildDashboard(config, options, io);
  });

  program
    .command("serve")
    .description("serve the built dashboard on 127.0.0.1")
    .option("--dir <dir>", "the built site", "dist")
    .addOption(
      new Option("--port <n>", "port (0: any free port)")
        .env("RETURNSCOPE_PORT")
        .argParser(port)
        .default(3000),
    )
    .action(async (options: {dir: string; port: number}) => {
      await serveUntilStopped(resolve(io.cwd, options.dir), options.port, io);
    });

  registerMetricsCommand(program, {io, loadConfig: (options) => loadConfig(options, io.env), openFresh});
  registerReportCommand(program, {
    io,
    env: io.env,
    loadConfig: (options) => loadConfig(options, io.env),
    openFresh,
  });
  registerPullCommand(program, {io, loadConfig: (options) => loadConfig(options, io.env)});
  registerScheduleCommands(program, {
    io,
    loadConfig: (options) => loadConfig(options, io.env),
    setExit,
    extraJobs: async (config, logger) =>
      configuredJobs(config, logger, {
        env: io.env,
        siteOut: resolve(io.cwd, config.schedule.siteOut),
        buildSite: (warehouse, out) => buildSite({warehouse, out, logger}),
        weeklyReport:
          (config, logger) =>
          async ({signal, trigger}) => {
            const result = await produceWeeklyReport(config, {
              trigger: trigger === "catch-up" ? "catch-up" : "schedule",
              busy: "wait",
              lockTimeoutMs: config.schedule.lockWaitMinutes * 60_000,
              logger,
              env: io.env,
              signal,
            });
            logger.info(`weekly-report ${result.week} ${result.status}: ${result.message}`);
          },
        weeklyReportMissed,
      }),
    afterRun: async (config, logger, signal) => {
      if (!config.schedule.weeklyReport || !(await weeklyReportMissed(config, new Date()))) return;
      logger.info("the weekly report of the last complete week is due: producing it");
      const result = await produceWeeklyReport(config, {
        trigger: "catch-up",
        busy: "wait",
        lockTimeoutMs: config.schedule.lockWaitMinutes * 60_000,
        logger,
        env: io.env,
        signal,
      });
      logger.info(`weekly-report ${result.week} ${result.status}: ${result.message}`);
      if (result.status === "failed") setExit(1);
    },
  });

  return program;
}

/** Runs the CLI; returns the exit code (0 ok, 1 some file failed, 2 usage or fatal error). */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let code = 0;
  const program = buildProgram(io, (c) => (code = Math.max(code, c)));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    io.err(`error: ${errorMessage(error)}`);
    return error instanceof PipelineError ? 2 : 3;
  }
}
