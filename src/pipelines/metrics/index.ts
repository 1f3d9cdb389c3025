export {runChecks, type CheckResult} from "./checks.js";
export {registerMetricsCommand, type MetricsCommandDeps} from "./command.js";
export {formatMetricList, formatRows, toCsv, type OutputFormat} from "./output.js";
export {
  buildMetricQuery,
  DEFAULT_MIN_VOLUME,
  queryMetric,
  runMetricQuery,
  type MetricQuery,
  type MetricRow,
} from "./query.js";
export {MART_MODELS, martsExist, refreshMarts} from "./refresh.js";
export {
  DIMENSIONS,
  DIMENSION_NAMES,
  METRICS,
  METRIC_NAMES,
  type DimensionName,
  type MetricSpec,
} from "./registry.js";
