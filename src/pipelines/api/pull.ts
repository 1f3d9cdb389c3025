/**
 * `pullApi`: fetch after-sales and orders from the 抖店 open platform into the warehouse.
 *
 * Each endpoint is pulled in time windows — by update time for the incremental pull (each window
 * reaching `overlapMinutes` back into the previous one, so that boundaries and late updates are
 * never missed), by apply/creation time for a backfill of a date range. A window's items are mapped
 * to export rows and written as an export-format CSV under `<pulled>/<shop>/`, which the existing
 * ingest loads (content-hash dedup, one transaction, rejects, core merge): an after-sale seen in an
 * export and through the API is one row of core. The checkpoint moves only after the file is loaded
 * (see checkpoints.ts), so a stopped run resumes the window it was in, and nothing loads twice.
 *
 * Core orders versions of a 售后单/子订单 by their latest event time, then status, then the file's
 * as-of (ingest's stand-in for its export time: the latest event in the file). The API's list
 * doesn't give every event time (no 同意售后申请时间), but it gives the update time of each item: a
 * pulled file's as-of is set to its latest update time, which is when its data was current.
 */
import {dirname, join, relative, resolve, sep} from "node:path";
import {shopId, type Config} from "../config.js";
import {PipelineError} from "../errors.js";
import type {SourceFile} from "../ingest/discover.js";
import {piiSalt, summarize, type IngestSummary} from "../ingest/ingest.js";
import {loadFile, type FileResult} from "../ingest/load.js";
import type {Logger} from "../logger.js";
import {ensureCoreFresh, ensureMartsFresh, updateCore} from "../refresh.js";
import {Warehouse} from "../warehouse.js";
import {
  completeWindow,
  deleteCheckpoint,
  ensureApiTables,
  readCheckpoint,
  setPending,
  type Checkpoint,
  type CheckpointKey,
  type StoredPage,
  type Window,
} from "./checkpoints.js";
import {exportCsv, writePulledFile} from "./csv.js";
import {DoudianApiError} from "./errors.js";
import {stringifyLossless, type JsonObject, type JsonValue} from "./json.js";
import {
  AFTER_SALE_API_COLUMNS,
  ORDER_API_COLUMNS,
  mapAfterSale,
  mapOrder,
  type ExportKind,
  type MappedRow,
} from "./mapping.js";
import {ENDPOINTS, WindowTooLarge, fetchWindow, type EndpointSpec, type PullMode} from "./paging.js";
import {scrubPii} from "./pii.js";
import type {Sleep} from "./rateLimit.js";
import {openSession, type ApiSession} from "./session.js";
import {
  DEFAULT_API_CONFIG,
  loadApiSecrets,
  redact,
  type ApiConfig,
  type ApiEndpoint,
  type ApiSecrets,
} from "./settings.js";
import {beijingMidnight, beijingTime} from "./values.js";

export interface PullOptions {
  logger: Logger;
  /** Where the secrets come from (default process.env). */
  env?: Record<string, string | undefined>;
  /** Secrets given directly (instead of env). */
  secrets?: ApiSecrets;
  /** Backfill: Beijing dates YYYY-MM-DD, both included. Without them: the incremental pull. */
  from?: string;
  to?: string;
  /** Forget the checkpoint of this run first (re-pull a finished backfill). */
  restart?: boolean;
  /** The Returnscope shop the rows belong to (default: api.shop, else the config's defaultShop). */
  shop?: string;
  endpoints?: readonly ApiEndpoint[];
  /** An open warehouse (a scheduler's); by default the config's is opened and closed here. */
  warehouse?: Warehouse;
  /** Stops between windows. */
  signal?: AbortSignal;
  now?: () => Date;
  sleep?: Sleep;
  random?: () => number;
  fetch?: typeof fetch;
  /** Test hook: throw at a named step (`after-page`, `after-write`, `before-checkpoint`). */
  fault?: (step: string) => void;
}

export interface EndpointSummary {
  endpoint: ApiEndpoint;
  method: string;
  run: string;
  windows: number;
  pages: number;
  rows: number;
  /** Beijing time up to which this run's windows are loaded. */
  done_until: string | null;
  complete: boolean;
}

export interface PullSummary {
  shop: string;
  mode: PullMode;
  run: string;
  endpoints: EndpointSummary[];
  /** The pulled files as ingest saw them. */
  ingest: IngestSummary;
  /** HTTP calls made, retries included. */
  calls: number;
  stopped: boolean;
}

const DETAIL_PATH = "/afterSale/Detail";
/** A window is never split below this (seconds). */
const MIN_WINDOW_SECONDS = 60;
const FETCH_ATTEMPTS_PER_WINDOW = 3;

interface Context {
  config: Config;
  api: ApiConfig;
  options: PullOptions;
  warehouse: Warehouse;
  session: ApiSession;
  salt: string;
  shop: string;
  mode: PullMode;
  run: string;
  range: Window | null;
  pulledRoot: string;
  now: () => Date;
  files: FileResult[];
}

/** Pulls the configured endpoints; throws on a failure that needs a person (after saving progress). */
export async function pullApi(
  config: Config & {api?: ApiConfig},
  options: PullOptions,
): Promise<PullSummary> {
  const api = config.api ?? DEFAULT_API_CONFIG;
  const now = options.now ?? (() => new Date());
  const {logger} = options;
  const env = options.env ?? process.env;
  const shop = shopId("api.shop", options.shop ?? api.shop ?? config.defaultShop);
  const {mode, run, range} = pullRange(options.from, options.to);
  const secrets = options.secrets ?? (await loadApiSecrets(env, logger));
  const session = openSession(secrets, api, {
    logger,
    env,
    now,
    ...(options.sleep ? {sleep: options.sleep} : {}),
    ...(options.random ? {random: options.random} : {}),
    ...(options.fetch ? {fetch: options.fetch} : {}),
  });
  const endpoints = options.endpoints ?? api.endpoints;
  logger.info(
    `pulling ${endpoints.join(", ")} (${run}) for shop ${shop} from ${secrets.gateway}: ` +
      `app ${redact(secrets.appKey)}, 抖店 shop ${redact(secrets.shopId)}`,
  );
  const warehouse = options.warehouse ?? (await Warehouse.open(config.warehouse));
  const context: Context = {
    config,
    api,
    options,
    warehouse,
    session,
    salt: "",
    shop,
    mode,
    run,
    range,
    pulledRoot: resolve(api.pulledDir ?? join(dirname(config.inbox), "pulled")),
    now,
    files: [],
  };
  const summaries: EndpointSummary[] = [];
  let stopped = false;
  let coreReady = false;
  try {
    await ensureCoreFresh(warehouse, config);
    coreReady = true;
    await ensureApiTables(warehouse);
    context.salt = await piiSalt(warehouse);
    for (const endpoint of endpoints) {
      const summary = await pullEndpoint(context, ENDPOINTS[endpoint]);
      summaries.push(summary);
      if (!summary.complete) {
        stopped = true;
        break;
      }
    }
  } catch (error) {
    throw error instanceof DoudianApiError || error instanceof PipelineError
      ? error
      : new PipelineError(session.redactor.apply((error as Error).message ?? String(error)), {step: "api"});
  } finally {
    try {
      // As ingest does: stale marts refreshed once, after the pages loaded (or none did).
      const refreshed = coreReady && (await ensureMartsFresh(warehouse, config));
      if (refreshed || context.files.some((f) => f.status === "loaded")) await warehouse.run("checkpoint");
    } finally {
      if (!options.warehouse) warehouse.close();
    }
  }
  return {
    shop,
    mode,
    run,
    endpoints: summaries,
    ingest: summarize(context.files),
    calls: session.client.attempts,
    stopped,
  };
}

function pullRange(
  from: string | undefined,
  to: string | undefined,
): {mode: PullMode; run: string; range: Window | null} {
  if (from === undefined && to === undefined) return {mode: "incremental", run: "incremental", range: null};
  if (!from || !to)
    throw new PipelineError("a backfill needs both --from and --to (YYYY-MM-DD)", {step: "api"});
  let start: number;
  let end: number;
  try {
    start = beijingMidnight(from);
    end = beijingMidnight(to) + 86400 - 1;
  } catch (error) {
    throw new PipelineError(`backfill: ${(error as Error).message}`, {step: "api"});
  }
  if (end < start) throw new PipelineError(`backfill: --from ${from} is after --to ${to}`, {step: "api"});
  return {mode: "backfill", run: `backfill ${from}..${to}`, range: {start, end}};
}

function nextWindow(context: Context, doneUntil: number, target: number): Window | null {
  if (doneUntil >= target) return null;
  const overlap = context.api.overlapMinutes * 60;
  const start = Math.max(context.range?.start ?? -Infinity, doneUntil - overlap);
  return {start, end: Math.min(start + context.api.windowMinutes * 60, target)};
}

async function pullEndpoint(context: Context, spec: EndpointSpec): Promise<EndpointSummary> {
  const {warehouse, options, api, now} = context;
  const key: CheckpointKey = {shop: context.shop, endpoint: spec.method, run: context.run};
  if (options.restart) await deleteCheckpoint(warehouse, key);
  const nowSeconds = Math.floor(now().getTime() / 1000);
  const target = context.range ? Math.min(context.range.end, nowSeconds) : nowSeconds;
  let checkpoint: Checkpoint = (await readCheckpoint(warehouse, key)) ?? {
    doneUntil: context.range ? context.range.start : nowSeconds - Math.round(api.initialLookbackDays * 86400),
    pending: null,
    windowsLoaded: 0,
    rowsPulled: 0,
  };
  const summary: EndpointSummary = {
    endpoint: spec.endpoint,
    method: spec.method,
    run: context.run,
    windows: 0,
    pages: 0,
    rows: 0,
    done_until: beijingTime(checkpoint.doneUntil),
    complete: false,
  };
  if (checkpoint.pending)
    options.logger.info(
      `${spec.method}: resuming the window ${span(checkpoint.pending)} that an earlier run did not finish`,
    );
  for (;;) {
    if (options.signal?.aborted) {
      options.logger.warn(
        `${spec.method}: stopped; the next run continues from ${beijingTime(checkpoint.doneUntil)}`,
      );
      return summary;
    }
    const window = checkpoint.pending ?? nextWindow(context, checkpoint.doneUntil, target);
    if (!window) break;
    if (!checkpoint.pending) checkpoint = await setPending(warehouse, key, checkpoint, window, now());
    const fetched = await fetchWhole(context, spec, key, checkpoint);
    checkpoint = fetched.checkpoint;
    const result = await loadWindow(context, spec, fetched.window, fetched.items, fetched.pages);
    options.fault?.("before-checkpoint");
    checkpoint = await completeWindow(
      warehouse,
      key,
      checkpoint,
      fetched.window,
      result.rows,
      result.pages,
      now(),
    );
    summary.windows++;
    summary.pages += result.pages.length;
    summary.rows += result.rows;
    summary.done_until = beijingTime(checkpoint.doneUntil);
  }
  summary.complete = true;
  return summary;
}

function span(window: Window): string {
  return `${beijingTime(window.start)} – ${beijingTime(window.end)}`;
}

/** The pending window's pages, halving the window while it holds too many items. */
async function fetchWhole(
  context: Context,
  spec: EndpointSpec,
  key: CheckpointKey,
  initial: Checkpoint,
): Promise<{checkpoint: Checkpoint; window: Window; items: JsonValue[]; pages: StoredPage[]}> {
  const {options, api, now} = context;
  let checkpoint = initial;
  for (let attempt = 1; ;) {
    const window = checkpoint.pending!;
    try {
      const fetched = await fetchWindow(context.session, spec, window, context.mode, {
        pageSize: api.pageSize,
        maxRows: api.maxRowsPerWindow,
        now,
        onPage: () => options.fault?.("after-page"),
      });
      if (!fetched.consistent && attempt < FETCH_ATTEMPTS_PER_WINDOW) {
        options.logger.warn(
          `${spec.method} ${span(window)}: the data changed while paging; fetching the window again`,
        );
        attempt++;
        continue;
      }
      if (!fetched.consistent)
        options.logger.warn(
          `${spec.method} ${span(window)}: the data kept changing while paging (${fetched.total} announced, ` +
            `${fetched.items.length} received); loading what was received — the next runs' overlap catches up`,
        );
      const pages = fetched.pages.map((page) => ({
        endpoint: spec.method,
        page: page.page,
        requestKey: null,
        fetchedAt: page.fetchedAt,
        body: stringifyLossless(scrubPii(page.body, context.salt)),
      }));
      return {checkpoint, window, items: fetched.items, pages};
    } catch (error) {
      if (!(error instanceof WindowTooLarge)) throw error;
      const length = window.end - window.start;
      if (length / 2 < MIN_WINDOW_SECONDS)
        throw new PipelineError(
          `${spec.method}: ${error.total} items changed within ${length} s (${span(window)}); raise api.maxRowsPerWindow`,
          {step: "api"},
        );
      const smaller = {start: window.start, end: window.start + Math.floor(length / 2)};
      options.logger.info(`${spec.method} ${span(window)} holds ${error.total} items: halving it`);
      checkpoint = await setPending(context.warehouse, key, checkpoint, smaller, now());
    }
  }
}

/** Maps the window's items, writes and loads its file; returns the rows and the pages to store. */
async function loadWindow(
  context: Context,
  spec: EndpointSpec,
  window: Window,
  items: JsonValue[],
  listPages: StoredPage[],
): Promise<{rows: number; pages: StoredPage[]}> {
  const {options, api} = context;
  const pages = [...listPages];
  let kind: ExportKind;
  let columns: readonly string[];
  let mapped: MappedRow[] = [];
  if (spec.endpoint === "after_sales") {
    kind = "after_sale";
    columns = AFTER_SALE_API_COLUMNS;
    const latest = new Map<string, JsonValue>();
    for (const item of items) {
      const k = spec.itemKey(item);
      if (k !== null) latest.set(k, item);
    }
    let index = 0;
    for (const [afterSaleId, item] of latest) {
      let detail: JsonObject | null = null;
      if (api.details) {
        try {
          const response = await context.session.call(DETAIL_PATH, {
            after_sale_id: afterSaleId,
            need_operation_record: false,
          });
          detail = response.data;
          pages.push({
            endpoint: response.method,
            page: index++,
            requestKey: afterSaleId,
            fetchedAt: context.now(),
            body: stringifyLossless(scrubPii(response.body, context.salt)),
          });
        } catch (error) {
          if (!(error instanceof DoudianApiError) || error.kind !== "request") throw error;
          options.logger.warn(`afterSale.Detail ${afterSaleId}: ${error.message}; using the list's data`);
        }
      }
      const {row, notes} = mapAfterSale(item, detail);
      for (const note of notes) options.logger.warn(`${spec.method}: ${note}`);
      if (row) mapped.push(row);
    }
  } else {
    kind = "order";
    columns = ORDER_API_COLUMNS;
    mapped = items.flatMap((item) => mapOrder(item, context.salt));
  }
  // One row per key: the most recently updated version (an item can show on two pages).
  const rows = new Map<string, MappedRow>();
  for (const row of mapped) {
    const previous = rows.get(row.key);
    if (!previous || (row.updatedAt ?? 0) >= (previous.updatedAt ?? 0)) rows.set(row.key, row);
  }
  const label = `${spec.method} ${span(window)}`;
  if (rows.size === 0) {
    options.logger.info(`${label}: ${pages.length} page(s), nothing new`);
    return {rows: 0, pages};
  }
  const dir = join(context.pulledRoot, context.shop);
  const path = await writePulledFile(dir, kind, window, exportCsv(kind, columns, [...rows.values()]));
  options.fault?.("after-write");
  const file: SourceFile = {
    path,
    displayPath: relative(dirname(context.pulledRoot), path).split(sep).join("/"),
    shop: context.shop,
  };
  const updated = [...rows.values()].map((row) => row.updatedAt ?? 0);
  const asOf = beijingTime(Math.max(...updated));
  const result = await loadFile(context.warehouse, file, {
    salt: context.salt,
    now: context.now,
    quarantine: context.config.quarantine,
    afterLoad: async (loadedKind, fileId) => {
      // The file's as-of is when its data was current: the latest update time it carries.
      if (asOf)
        await context.warehouse.run(
          `update meta.ingest_log set as_of = greatest(coalesce(as_of, $as_of::timestamp), $as_of::timestamp)
           where file_id = $file_id`,
          {as_of: asOf, file_id: fileId},
        );
      await updateCore(context.warehouse, context.config, loadedKind, fileId);
    },
  });
  context.files.push(result);
  if (result.status === "failed")
    throw new PipelineError(`pulled file could not be loaded: ${result.message}`, {
      file: file.displayPath,
      step: "api",
    });
  const rejected = result.rows_rejected ? `, ${result.rows_rejected} rejected (see returnscope status)` : "";
  options.logger.info(
    `${label}: ${pages.length} page(s), ${rows.size} row(s) → ${file.displayPath} ` +
      `(${result.status === "skipped" ? "already loaded" : `${result.rows_loaded} loaded`}${rejected})`,
  );
  return {rows: rows.size, pages};
}
