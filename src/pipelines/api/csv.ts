/**
 * A fetched window as an export-format CSV (UTF-8 with BOM, the export's Chinese headers), written
 * to a temporary name and renamed, named after its window and content hash. Ingest then treats it
 * like any export: loaded at most once (by hash), all or nothing, bad cells rejected.
 */
import {createHash} from "node:crypto";
import {mkdir, rename, rm, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {COLUMNS} from "../ingest/columns.js";
import {csvField} from "../ingest/source.js";
import {EXTRA_HEADERS, type ExportKind, type MappedRow} from "./mapping.js";
import {compactBeijingTime} from "./values.js";

export function exportCsv(kind: ExportKind, columns: readonly string[], rows: readonly MappedRow[]): string {
  const specs = columns.map((name) => {
    const spec = COLUMNS[kind].find((s) => s.name === name);
    if (!spec) throw new Error(`internal error: no ${kind} column ${name}`);
    return spec;
  });
  const extras = Object.values(EXTRA_HEADERS).filter((header) => rows.some((row) => header in row.extras));
  const lines = [[...specs.map((s) => s.header), ...extras].map(csvField).join(",")];
  for (const row of rows)
    lines.push(
      [...specs.map((s) => row.cells[s.name] ?? null), ...extras.map((h) => row.extras[h] ?? null)]
        .map(csvField)
        .join(","),
    );
  return "\uFEFF" + lines.join("\n") + "\n";
}

const FILE_PREFIX: Record<ExportKind, string> = {after_sale: "aftersales", order: "orders"};

/** Writes `<dir>/<aftersales|orders>_<start>_<end>_<hash>.csv` atomically; returns its path. */
export async function writePulledFile(
  dir: string,
  kind: ExportKind,
  window: {start: number; end: number},
  content: string,
): Promise<string> {
  const hash = createHash("sha256").update(content, "utf8").digest("hex").slice(0, 12);
  const name = `${FILE_PREFIX[kind]}_${compactBeijingTime(window.start)}_${compactBeijingTime(window.end)}_${hash}.csv`;
  await mkdir(dir, {recursive: true});
  const path = join(dir, name);
  const temporary = join(dir, `.${name}.partial`);
  try {
    await writeFile(temporary, content, "utf8");
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, {force: true});
    throw error;
  }
  return path;
}
