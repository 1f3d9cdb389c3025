/**
 * `returnscope build`: the static dashboard from the warehouse. The caller has brought the marts up
 * to date and closed its writer; here the cached loader outputs are cleared (Framework reuses a
 * cached output whatever the warehouse holds now), `observable build` runs with the loaders pointed
 * at the warehouse (read-only), the output is checked for external URLs, and only then does it
 * replace the previous site: a failed build leaves the old one in place.
 */
import {spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {readdir, rename, rm} from "node:fs/promises";
import {basename, dirname, join, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {PipelineError, errorMessage} from "../errors.js";
import type {Logger} from "../logger.js";
import {precomputeLoaders} from "./precompute.js";
import {scanSite, type SiteFinding} from "./scan.js";

/** The repository root: where package.json, observablehq.config.ts and node_modules are. */
export const PROJECT_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export interface BuildOptions {
  /** Warehouse the data loaders read. */
  warehouse: string;
  /** Output folder (replaced as a whole on success). */
  out: string;
  logger: Logger;
  /** Print Framework's own output as it comes (otherwise only on failure). */
  verbose?: boolean;
  env?: Record<string, string | undefined>;
  projectRoot?: string;
}

export interface BuildResult {
  out: string;
  pages: string[];
  bytes: number;
  files: number;
  dataBytes: number;
  seconds: number;
}

/**
 * Deletes the cached outputs of data and page loaders under <root>/.observablehq/cache (everything
 * but Framework's own `_npm`, `_node`, `_jsr`, `_observablehq` bundles and build manifest).
 */
export async function clearLoaderCache(sourceRoot: string): Promise<string[]> {
  const cache = join(sourceRoot, ".observablehq", "cache");
  const entries = await readdir(cache).catch(() => [] as string[]);
  const removed = entries.filter((name) => !name.startsWith("_"));
  for (const name of removed) await rm(join(cache, name), {recursive: true, force: true});
  return removed;
}

function runFramework(
  projectRoot: string,
  env: Record<string, string | undefined>,
  onLine: (line: string) => void,
): Promise<{code: number | null; tail: string[]}> {
  const bin = join(projectRoot, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");
  if (!existsSync(bin)) throw new PipelineError(`Observable Framework is not installed (${bin}): run npm ci`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, "build"], {
      cwd: projectRoot,
      env: {...env, OBSERVABLE_TELEMETRY_DISABLE: "true", NO_COLOR: "1", FORCE_COLOR: "0"},
      stdio: ["ignore", "pipe", "pipe"],
    });
    const tail: string[] = [];
    let pending = "";
    const take = (chunk: Buffer) => {
      pending += chunk.toString("utf8");
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? "";
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 60) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("close", (code) => {
      if (pending) tail.push(pending);
      resolvePromise({code, tail});
    });
  });
}

export async function buildSite(options: BuildOptions): Promise<BuildResult> {
  const started = performance.now();
  const projectRoot = options.projectRoot ?? PROJECT_ROOT;
  const out = resolve(options.out);
  const staging = join(dirname(out), `.${basename(out)}.partial-${process.pid}`);
  const previous = join(dirname(out), `.${basename(out)}.previous-${process.pid}`);
  await rm(staging, {recursive: true, force: true});
  const removed = await clearLoaderCache(join(projectRoot, "src"));
  if (removed.length) options.logger.info(`cleared cached loader outputs: ${removed.join(", ")}`);
  const loaderErrors: string[] = [];
  // Every loader's query in this process, the warehouse opened once (precompute.ts).
  const loaderCache = join(dirname(out), `.${basename(out)}.loaders-${process.pid}`);
  await rm(loaderCache, {recursive: true, force: true});
  const precomputed = await precomputeLoaders(
    resolve(options.warehouse),
    join(projectRoot, "src", "data"),
    loaderCache,
    options.logger,
  ).catch(async (error) => {
    // No warehouse, or it cannot be opened: the loaders say so themselves, as before.
    await rm(loaderCache, {recursive: true, force: true});
    if (options.verbose) options.logger.info(`loaders not precomputed: ${errorMessage(error)}`);
    return null;
  });
  const {code, tail} = await runFramework(
    projectRoot,
    {
      ...(options.env ?? process.env),
      RETURNSCOPE_WAREHOUSE: resolve(options.warehouse),
      RETURNSCOPE_SITE_OUTPUT: staging,
      ...(precomputed ? {RETURNSCOPE_LOADER_CACHE: loaderCache} : {}),
    },
    (line) => {
      // Framework's progress line ("load /data/x.json → [missing] ") has no line end of its own.
      const loaderError = /error: (data loader .*)$/.exec(line);
      if (loaderError) loaderErrors.push(loaderError[1]!);
      if (options.verbose) options.logger.info(line);
    },
  );
  await rm(loaderCache, {recursive: true, force: true});
  if (code !== 0) {
    await rm(staging, {recursive: true, force: true});
    if (!options.verbose) for (const line of tail) options.logger.error(line);
    throw new PipelineError(loaderErrors[0] ?? `observable build failed with exit code ${code}`, {
      step: "build",
    });
  }
  const scan = await scanSite(staging);
  if (scan.findings.length > 0) {
    await rm(staging, {recursive: true, force: true});
    throw new PipelineError(
      `the built site would reach other hosts: ${scan.findings
        .slice(0, 5)
        .map((f: SiteFinding) => `${f.file}: ${f.url}`)
        .join("; ")}`,
      {step: "build"},
    );
  }
  if (existsSync(out)) await rename(out, previous);
  await rename(staging, out);
  await rm(previous, {recursive: true, force: true});
  return {
    out,
    pages: scan.pages,
    bytes: scan.bytes,
    files: scan.files,
    dataBytes: scan.dataBytes,
    seconds: (performance.now() - started) / 1000,
  };
}
