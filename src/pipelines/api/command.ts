/** `returnscope pull`: the 抖店 open-platform pull (pull.ts), incremental or a backfill. */
import {InvalidArgumentError, type Command} from "commander";
import {withGlobals} from "../cliOptions.js";
import type {Config, ConfigOverrides} from "../config.js";
import {table} from "../format.js";
import type {Logger} from "../logger.js";
import {PipelineError} from "../errors.js";
import {stopOnSignals} from "../schedule/command.js";
import {runJob, type JobBody} from "../schedule/cycle.js";
import {pullApi, type PullOptions, type PullSummary} from "./pull.js";
import {API_ENDPOINTS, type ApiConfig, type ApiEndpoint} from "./settings.js";

export interface PullCommandDeps {
  io: {out: (text: string) => void; err: (text: string) => void; env: Record<string, string | undefined>};
  loadConfig: (options: ConfigOverrides) => Promise<Config & {api?: ApiConfig}>;
}

interface PullCommandOptions extends ConfigOverrides {
  from?: string;
  to?: string;
  restart?: boolean;
  shop?: string;
  endpoints?: ApiEndpoint[];
  json?: boolean;
}

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value))
    throw new InvalidArgumentError(`expected a date YYYY-MM-DD, got ${value}`);
  return value;
}

function endpointList(value: string): ApiEndpoint[] {
  const list = value.split(",").map((e) => e.trim());
  for (const e of list)
    if (!API_ENDPOINTS.includes(e as ApiEndpoint))
      throw new InvalidArgumentError(`expected ${API_ENDPOINTS.join(", ")}, got ${e}`);
  return list as ApiEndpoint[];
}

const HELP = `
Secrets come from the environment — DOUDIAN_APP_KEY, DOUDIAN_APP_SECRET, DOUDIAN_SHOP_ID (自用型),
DOUDIAN_AUTH_CODE (工具型, first run) — or from a JSON file outside the repository named by
DOUDIAN_SECRETS_FILE. DOUDIAN_GATEWAY overrides the production gateway (e.g. the sandbox).
Settings are under "api" in the config file (qps, windowMinutes, overlapMinutes, tokenFile, …).

Examples:
  returnscope pull                                   # everything updated since the last pull
  returnscope pull --from 2026-10-01 --to 2026-10-31 # after-sales applied / orders created in October`;

export function printPull(summary: PullSummary, out: (text: string) => void): void {
  out(
    table(
      ["接口", "运行", "窗口", "页", "行", "已载入至 (北京时间)", "完成"],
      summary.endpoints.map((e) => [
        e.method,
        e.run,
        e.windows,
        e.pages,
        e.rows,
        e.done_until ?? "-",
        e.complete ? "是" : "否",
      ]),
    ),
  );
  const {ingest} = summary;
  out(
    `\n${ingest.loaded} file(s) loaded, ${ingest.skipped} already loaded; ${summary.calls} API call(s)` +
      (summary.stopped ? "; stopped early — the next run continues" : ""),
  );
}

/** The pull as a job body for runJob: the command and the scheduler's pull-api job share it. */
export function pullJob(
  config: Config & {api?: ApiConfig},
  logger: Logger,
  env: Record<string, string | undefined>,
  signal: AbortSignal | undefined,
  options: Partial<Pick<PullOptions, "from" | "to" | "restart" | "shop" | "endpoints">> = {},
): JobBody<PullSummary> {
  return {
    work: (warehouse) => pullApi(config, {logger, env, warehouse, ...(signal ? {signal} : {}), ...options}),
    outcome: (summary) => ({
      status: summary.stopped ? "interrupted" : summary.ingest.failed > 0 ? "failed" : "succeeded",
      message:
        `${summary.endpoints.map((e) => `${e.method}: ${e.rows} rows in ${e.windows} windows`).join("; ")}; ` +
        `${summary.ingest.loaded} file(s) loaded; ${summary.calls} API call(s)`,
      files_loaded: summary.ingest.loaded,
      files_skipped: summary.ingest.skipped,
      files_failed: summary.ingest.failed,
    }),
  };
}

export function registerPullCommand(program: Command, deps: PullCommandDeps): Command {
  const {io} = deps;
  const command = withGlobals(program.command("pull"))
    .description("pull after-sales and orders from the 抖店 open platform API into the warehouse")
    .option("--from <date>", "backfill: first day (Beijing), YYYY-MM-DD", date)
    .option("--to <date>", "backfill: last day (Beijing), YYYY-MM-DD, included", date)
    .option("--restart", "forget this run's checkpoint and pull its range again")
    .option("--shop <id>", "the Returnscope shop the rows belong to (default: api.shop or defaultShop)")
    .option(
      "--endpoints <list>",
      `comma-separated: ${API_ENDPOINTS.join(", ")} (default: api.endpoints)`,
      endpointList,
    )
    .option("--json", "print a machine-readable summary")
    .addHelpText("after", HELP);
  command.action(async (options: PullCommandOptions) => {
    const config = await deps.loadConfig(options);
    const quiet = Boolean(options.json);
    const logger: Logger = {
      info: quiet ? () => {} : io.out,
      warn: (m) => io.err(`warning: ${m}`),
      error: (m) => io.err(`error: ${m}`),
    };
    // Under the warehouse lock (waiting for a running job) and in the job history, like ingest.
    const controller = new AbortController();
    const removeHandlers = stopOnSignals(controller, logger);
    let result;
    try {
      result = await runJob(
        config,
        {
          job: "pull-api",
          trigger: "manual",
          detail: options.from || options.to ? `${options.from ?? ""}..${options.to ?? ""}` : null,
          busy: "wait",
          lock: {timeoutMs: config.schedule.lockWaitMinutes * 60_000},
          logger,
          signal: controller.signal,
        },
        pullJob(config, logger, io.env, controller.signal, {
          ...(options.from !== undefined ? {from: options.from} : {}),
          ...(options.to !== undefined ? {to: options.to} : {}),
          ...(options.restart ? {restart: true} : {}),
          ...(options.shop ? {shop: options.shop} : {}),
          ...(options.endpoints ? {endpoints: options.endpoints} : {}),
        }),
      );
    } finally {
      removeHandlers();
    }
    if (result.status === "skipped" || !result.value) throw new PipelineError(result.message, {step: "pull"});
    const summary = result.value;
    if (options.json)
      io.out(
        JSON.stringify(
          {
            ...summary,
            ingest: {
              ...summary.ingest,
              files: summary.ingest.files.map(
                ({path, sha256, kind, status, rows_read, rows_loaded, rows_rejected, message}) => ({
                  path,
                  sha256,
                  kind,
                  status,
                  rows_read,
                  rows_loaded,
                  rows_rejected,
                  message,
                }),
              ),
            },
          },
          null,
          2,
        ),
      );
    else printPull(summary, io.out);
  });
  return command;
}
