/**
 * Runs the queries of every data loader in src/data in this one process, with the warehouse open
 * once, and writes each output where emitQuery (loader.ts) finds it through
 * RETURNSCOPE_LOADER_CACHE. Framework still runs each loader, but a loader then only copies its
 * file: without this, each of some forty loaders started DuckDB and opened the warehouse itself,
 * one after the other, which was most of the site build.
 *
 * A loader's query and options are read from its source, which is always one call,
 * `await emitQuery("<query>"[, {columnar: true, optionalTable: "marts.x"}])`. A loader written
 * otherwise, or a query that fails here, is simply not precomputed: the loader runs as before (and
 * reports its own error).
 */
import {mkdir, readFile, readdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {errorMessage} from "../errors.js";
import type {Logger} from "../logger.js";
import {Warehouse} from "../warehouse.js";
import {cacheKey, loaderText, type LoaderOptions} from "./loader.js";

export interface LoaderCall {
  file: string;
  name: string;
  options: LoaderOptions;
}

const CALL = /await emitQuery\(\s*"([a-z_]+)"\s*(?:,\s*\{([^}]*)\}\s*)?\)/;
const OPTION = /^\s*(columnar|optionalTable)\s*:\s*(true|false|"[^"]*")\s*$/;

/** The emitQuery call of a loader's source, or null when it has another shape. */
export function parseLoader(file: string, source: string): LoaderCall | null {
  const call = CALL.exec(source);
  if (!call) return null;
  const options: LoaderOptions = {};
  for (const part of (call[2] ?? "").split(",").filter((p) => p.trim() !== "")) {
    const option = OPTION.exec(part);
    if (!option) return null;
    const value = option[2]!;
    if (option[1] === "columnar") options.columnar = value === "true";
    else options.optionalTable = JSON.parse(value) as string;
  }
  return {file, name: call[1]!, options};
}

export async function loaderCalls(dataDir: string): Promise<{calls: LoaderCall[]; others: string[]}> {
  const calls: LoaderCall[] = [];
  const others: string[] = [];
  const files = (await readdir(dataDir, {recursive: true})).filter((f) => f.endsWith(".json.ts")).sort();
  for (const file of files) {
    const call = parseLoader(file, await readFile(join(dataDir, file), "utf8"));
    if (call) calls.push(call);
    else others.push(file);
  }
  return {calls, others};
}

/** Writes the outputs into `cacheDir`; returns how many were written and the queries that failed. */
export async function precomputeLoaders(
  warehousePath: string,
  dataDir: string,
  cacheDir: string,
  logger: Logger,
): Promise<{written: number; failed: string[]}> {
  const {calls} = await loaderCalls(dataDir);
  await mkdir(cacheDir, {recursive: true});
  const warehouse = await Warehouse.open(warehousePath, {readOnly: true});
  const failed: string[] = [];
  const done = new Set<string>();
  try {
    for (const call of calls) {
      const key = cacheKey(call.name, call.options);
      if (done.has(key)) continue;
      done.add(key);
      try {
        await writeFile(join(cacheDir, key), await loaderText(warehouse, call.name, call.options));
      } catch (error) {
        failed.push(call.name);
        logger.warn(`precomputing ${call.file}: ${errorMessage(error)} (the loader will run on its own)`);
      }
    }
  } finally {
    warehouse.close();
  }
  return {written: done.size - failed.length, failed};
}
