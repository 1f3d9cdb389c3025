/**
 * Checkpoints of the pull (meta.api_checkpoints, schema.sql): how far each shop's endpoint is
 * loaded and which window is in flight. A window is recorded as pending before its first call and
 * completed — with its raw pages, in one transaction — only after its file is loaded, so a run
 * that stops anywhere in between resumes the same window, and a window is never half-counted.
 */
import {readFile} from "node:fs/promises";
import {fileURLToPath} from "node:url";
import type {Warehouse} from "../warehouse.js";

const SCHEMA = fileURLToPath(new URL("./schema.sql", import.meta.url));

export async function ensureApiTables(warehouse: Warehouse): Promise<void> {
  await warehouse.run(await readFile(SCHEMA, "utf8"));
}

export interface CheckpointKey {
  shop: string;
  endpoint: string;
  run: string;
}

export interface Window {
  /** Unix seconds, both ends included in the query. */
  start: number;
  end: number;
}

export interface Checkpoint {
  doneUntil: number;
  pending: Window | null;
  windowsLoaded: number;
  rowsPulled: number;
}

export interface StoredPage {
  endpoint: string;
  page: number;
  requestKey: string | null;
  fetchedAt: Date;
  /** JSON text, PII already hashed. */
  body: string;
}

const WHERE = "shop_id = $shop and endpoint = $endpoint and run = $run";
const keyParams = (key: CheckpointKey) => ({shop: key.shop, endpoint: key.endpoint, run: key.run});

export async function readCheckpoint(warehouse: Warehouse, key: CheckpointKey): Promise<Checkpoint | null> {
  const row = await warehouse.one(
    `select epoch(done_until)::bigint as done_until, epoch(pending_start)::bigint as pending_start,
            epoch(pending_end)::bigint as pending_end, windows_loaded, rows_pulled
     from meta.api_checkpoints where ${WHERE}`,
    keyParams(key),
  );
  if (!row) return null;
  return {
    doneUntil: Number(row.done_until),
    pending:
      row.pending_start === null || row.pending_end === null
        ? null
        : {start: Number(row.pending_start), end: Number(row.pending_end)},
    windowsLoaded: Number(row.windows_loaded),
    rowsPulled: Number(row.rows_pulled),
  };
}

async function write(
  warehouse: Warehouse,
  key: CheckpointKey,
  checkpoint: Checkpoint,
  now: Date,
): Promise<void> {
  await warehouse.run(`delete from meta.api_checkpoints where ${WHERE}`, keyParams(key));
  await warehouse.run(
    `insert into meta.api_checkpoints values ($shop, $endpoint, $run, to_timestamp($done_until),
        to_timestamp($pending_start), to_timestamp($pending_end), $windows, $rows, $now::timestamptz)`,
    {
      ...keyParams(key),
      done_until: checkpoint.doneUntil,
      pending_start: checkpoint.pending?.start ?? null,
      pending_end: checkpoint.pending?.end ?? null,
      windows: checkpoint.windowsLoaded,
      rows: checkpoint.rowsPulled,
      now: now.toISOString(),
    },
  );
}

/** Records the window about to be fetched (or its new, smaller extent). */
export async function setPending(
  warehouse: Warehouse,
  key: CheckpointKey,
  checkpoint: Checkpoint,
  window: Window,
  now: Date,
): Promise<Checkpoint> {
  const next = {...checkpoint, pending: window};
  await warehouse.transaction(() => write(warehouse, key, next, now));
  return next;
}

/** The window's pages stored (replacing any of an earlier attempt) and the checkpoint advanced, at once. */
export async function completeWindow(
  warehouse: Warehouse,
  key: CheckpointKey,
  checkpoint: Checkpoint,
  window: Window,
  rows: number,
  pages: readonly StoredPage[],
  now: Date,
): Promise<Checkpoint> {
  const next: Checkpoint = {
    doneUntil: Math.max(checkpoint.doneUntil, window.end),
    pending: null,
    windowsLoaded: checkpoint.windowsLoaded + 1,
    rowsPulled: checkpoint.rowsPulled + rows,
  };
  await warehouse.transaction(async () => {
    await warehouse.run(
      `delete from raw.api_pages where shop_id = $shop and run = $run
         and window_start = to_timestamp($start) and window_end = to_timestamp($end)
         and endpoint in (select unnest($endpoints::varchar[]))`,
      {
        shop: key.shop,
        run: key.run,
        start: window.start,
        end: window.end,
        endpoints: JSON.stringify([...new Set(pages.map((p) => p.endpoint))]),
      },
    );
    for (const page of pages)
      await warehouse.run(
        `insert into raw.api_pages values ($shop, $endpoint, $run, to_timestamp($start), to_timestamp($end),
            $page, $request_key, $fetched::timestamptz, $body::json)`,
        {
          shop: key.shop,
          endpoint: page.endpoint,
          run: key.run,
          start: window.start,
          end: window.end,
          page: page.page,
          request_key: page.requestKey,
          fetched: page.fetchedAt.toISOString(),
          body: page.body,
        },
      );
    await write(warehouse, key, next, now);
  });
  return next;
}

export async function deleteCheckpoint(warehouse: Warehouse, key: CheckpointKey): Promise<void> {
  await warehouse.run(`delete from meta.api_checkpoints where ${WHERE}`, keyParams(key));
}
