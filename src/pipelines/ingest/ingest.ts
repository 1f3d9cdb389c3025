import {randomBytes} from "node:crypto";
import type {Config} from "../config.js";
import type {Logger} from "../logger.js";
import type {MartsRefresh} from "../metrics/refresh.js";
import {ensureCoreFresh, refreshStaleMarts, updateCore} from "../refresh.js";
import type {Warehouse} from "../warehouse.js";
import {FILE_KINDS, type FileKind} from "./columns.js";
import {discoverInbox, type SourceFile} from "./discover.js";
import {loadFile, type FileResult, type LoadOptions} from "./load.js";

export interface IngestOptions {
  config: Config;
  /** Files to ingest; by default everything in the configured inbox. */
  files?: SourceFile[];
  logger: Logger;
  now?: () => Date;
  onProgress?: (file: SourceFile, phase: string, fraction: number | null) => void;
  fault?: LoadOptions["fault"];
  /** Stop between files when aborted: the file in hand finishes (or rolls back), the rest wait. */
  signal?: AbortSignal;
  /**
   * Rebuild the marts after loading (default). Only the ingest benchmark turns it off, to time the
   * load and the marts apart; readers would rebuild stale marts anyway (ensureFresh).
   */
  refreshMarts?: boolean;
}

export interface KindTotals {
  files: number;
  rows_read: number;
  rows_loaded: number;
  rows_rejected: number;
}

export interface IngestSummary {
  files: FileResult[];
  totals: Record<FileKind, KindTotals>;
  loaded: number;
  skipped: number;
  failed: number;
  /** Files not started because the signal was aborted (they load next time). */
  notStarted?: number;
  /** How the marts were refreshed after the files loaded (null: they were fresh; absent: not asked). */
  marts?: MartsRefresh | null;
}

/** The key for hashing buyer PII: random per warehouse, so hashes can't be joined across merchants. */
export async function piiSalt(warehouse: Warehouse): Promise<string> {
  let salt = await warehouse.setting("pii_salt");
  if (!salt) {
    salt = randomBytes(16).toString("hex");
    await warehouse.setSetting("pii_salt", salt);
  }
  return salt;
}

export async function ingest(warehouse: Warehouse, options: IngestOptions): Promise<IngestSummary> {
  const {config, logger} = options;
  const now = options.now ?? (() => new Date());
  // Core must match the config before files are merged into it incrementally. The marts are
  // refreshed once, after the files.
  await ensureCoreFresh(warehouse, config);
  const salt = await piiSalt(warehouse);
  const files = options.files ?? (await discoverInbox(config.inbox, config.defaultShop));
  const results: FileResult[] = [];
  let notStarted = 0;
  for (const [index, file] of files.entries()) {
    if (options.signal?.aborted) {
      notStarted = files.length - index;
      logger.warn(`stopped: ${notStarted} file(s) not started; they load on the next run`);
      break;
    }
    const result = await loadFile(warehouse, file, {
      salt,
      now,
      quarantine: config.quarantine,
      onProgress: options.onProgress && ((phase, fraction) => options.onProgress!(file, phase, fraction)),
      fault: options.fault,
      afterLoad: (kind, fileId) => updateCore(warehouse, config, kind, fileId),
    });
    results.push(result);
    if (result.status === "failed") logger.error(`${result.path}: ${result.message}`);
  }
  const summary = summarize(results);
  if (notStarted > 0) summary.notStarted = notStarted;
  // Stale marts are refreshed even when no file loaded (new assumptions, say): after an ingest,
  // every published number is current.
  if (options.refreshMarts ?? true) summary.marts = await refreshStaleMarts(warehouse, config);
  if (summary.loaded > 0 || summary.marts) await warehouse.run("checkpoint");
  return summary;
}

export function summarize(results: FileResult[]): IngestSummary {
  const totals = Object.fromEntries(
    FILE_KINDS.map((kind) => [kind, {files: 0, rows_read: 0, rows_loaded: 0, rows_rejected: 0}]),
  ) as Record<FileKind, KindTotals>;
  for (const result of results) {
    if (!result.kind || result.status !== "loaded") continue;
    const total = totals[result.kind];
    total.files++;
    total.rows_read += result.rows_read;
    total.rows_loaded += result.rows_loaded;
    total.rows_rejected += result.rows_rejected;
  }
  const count = (status: FileResult["status"]) => results.filter((r) => r.status === status).length;
  return {
    files: results,
    totals,
    loaded: count("loaded"),
    skipped: count("skipped"),
    failed: count("failed"),
  };
}
