/** `returnscope metrics`: prints any published metric, for scripts and spot checks. */
import {Command, InvalidArgumentError, Option} from "commander";
import {withGlobals} from "../cliOptions.js";
import type {Config, ConfigOverrides} from "../config.js";
import {PipelineError} from "../errors.js";
import type {Warehouse} from "../warehouse.js";
import {formatMetricList, formatRows, OUTPUT_FORMATS, type OutputFormat} from "./output.js";
import {buildMetricQuery, DEFAULT_MIN_VOLUME, runMetricQuery} from "./query.js";
import {DIMENSION_NAMES, MARTS, METRIC_NAMES, METRICS} from "./registry.js";

export interface MetricsCommandDeps {
  io: {out: (text: string) => void; err: (text: string) => void};
  loadConfig: (options: ConfigOverrides) => Promise<Config>;
  /** Opens the warehouse with core and the marts brought up to date. */
  openFresh: (config: Config) => Promise<Warehouse>;
}

interface MetricsOptions extends ConfigOverrides {
  by: string[];
  shop?: string;
  from?: string;
  to?: string;
  format: OutputFormat;
  minVolume: number;
  sort: "dimensions" | "value";
  list?: boolean;
}

function dimensionList(value: string, previous: string[]): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean),
  ];
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError(`expected a whole number >= 0, got ${value}`);
  return n;
}

const HELP = `
Metrics (口径: docs/metrics.md):
${METRICS.map((m) => `  ${m.name.padEnd(26)}${m.label.zh} / ${m.label.en}`).join("\n")}

Dimensions for --by (each metric accepts a subset; --list shows which):
  ${DIMENSION_NAMES.join(", ")}
  channel = 流量来源, format = 流量体裁, app = APP渠道, traffic_type = 流量类型.

Dates: the return rates count 子订单 by ${MARTS.return_rates_daily.dateBasis.en} (Beijing time),
after-sales-applied by ${MARTS.after_sales_applied_daily.dateBasis.en}. --from/--to are inclusive.
By-reason rows divide the returns with that reason by all shipped units (or 子订单) of the group.

Examples:
  returnscope metrics unit-return-rate --by size
  returnscope metrics order-return-rate --by week,reason_group --from 2026-10-01 --to 2026-10-31
  returnscope metrics unit-return-rate --by influencer --sort value --format csv
  returnscope metrics --list`;

export function registerMetricsCommand(program: Command, deps: MetricsCommandDeps): Command {
  const {io} = deps;
  const command = withGlobals(program.command("metrics"))
    .description("print a published metric (return rates, after-sales applied) by any dimensions")
    .argument("[name]", `metric: ${METRIC_NAMES.join(", ")}`)
    .option("--by <dims>", "comma-separated dimensions to group by", dimensionList, [])
    .option("--shop <id>", "only this shop")
    .option("--from <date>", "first date, inclusive (YYYY-MM-DD)")
    .option("--to <date>", "last date, inclusive (YYYY-MM-DD)")
    .addOption(new Option("--format <format>", "output format").choices(OUTPUT_FORMATS).default("table"))
    .addOption(
      new Option("--sort <order>", "row order: by dimension values, or highest value first")
        .choices(["dimensions", "value"])
        .default("dimensions"),
    )
    .option(
      "--min-volume <n>",
      "flag rows whose denominator is below n as low_volume",
      wholeNumber,
      DEFAULT_MIN_VOLUME,
    )
    .option("--list", "list every metric with its definition")
    .addHelpText("after", HELP);

  command.action(async (name: string | undefined, options: MetricsOptions) => {
    if (options.list) {
      io.out(formatMetricList(options.format));
      return;
    }
    if (name === undefined)
      throw new PipelineError(`name a metric (or use --list); valid: ${METRIC_NAMES.join(", ")}`);
    // Validate before touching the warehouse, so that a typo fails fast.
    const built = buildMetricQuery({
      metric: name,
      by: options.by,
      ...(options.shop !== undefined ? {shop: options.shop} : {}),
      ...(options.from !== undefined ? {from: options.from} : {}),
      ...(options.to !== undefined ? {to: options.to} : {}),
      minVolume: options.minVolume,
      sort: options.sort,
    });
    const config = await deps.loadConfig({
      ...(options.config !== undefined ? {config: options.config} : {}),
      ...(options.warehouse !== undefined ? {warehouse: options.warehouse} : {}),
      ...(options.inbox !== undefined ? {inbox: options.inbox} : {}),
    });
    const warehouse = await deps.openFresh(config);
    try {
      const rows = await runMetricQuery(warehouse, built);
      io.out(formatRows(options.format, built.columns, rows));
      if (options.format === "table" && rows.some((r) => r.low_volume))
        io.out(
          `\n低量 low: ${built.metric.denominator ?? built.metric.numerator} < ${options.minVolume} (flagged, not hidden)`,
        );
    } finally {
      warehouse.close();
    }
  });
  return command;
}
