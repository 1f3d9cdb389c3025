import {readdir, stat} from "node:fs/promises";
import {join, relative, resolve, sep} from "node:path";
import {PipelineError} from "../errors.js";
import {shopId} from "../config.js";

export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Path as shown to the user (relative to the inbox when it is inside). */
  displayPath: string;
  shop: string;
}

/** Files the OS or an editor leaves next to real ones. */
function ignored(name: string): boolean {
  return name.startsWith(".") || name.startsWith("~$") || name === "Thumbs.db" || name === "desktop.ini";
}

/**
 * Files under the inbox: those in `inbox/<shop>/` (at any depth) belong to that shop, those directly
 * in the inbox to the default shop. Sorted, so runs are reproducible.
 */
export async function discoverInbox(inbox: string, defaultShop: string): Promise<SourceFile[]> {
  let entries: string[];
  try {
    entries = (await readdir(inbox, {recursive: true})).map(String);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      throw new PipelineError(`inbox folder does not exist: ${inbox}`, {step: "discover"});
    throw error;
  }
  const files: SourceFile[] = [];
  for (const entry of entries.sort()) {
    const parts = entry.split(sep);
    if (parts.some(ignored)) continue;
    const path = join(inbox, entry);
    if (!(await stat(path)).isFile()) continue;
    const shop = parts.length > 1 ? shopId(`inbox folder ${parts[0]}`, parts[0]) : defaultShop;
    files.push({path, displayPath: entry.split(sep).join("/"), shop});
  }
  return files;
}

/** Files named on the command line; they belong to the given shop. */
export async function discoverPaths(
  paths: readonly string[],
  shop: string,
  cwd = process.cwd(),
): Promise<SourceFile[]> {
  const files: SourceFile[] = [];
  for (const given of paths) {
    const path = resolve(cwd, given);
    const info = await stat(path).catch(() => null);
    if (!info) throw new PipelineError(`no such file: ${given}`, {step: "discover"});
    if (info.isDirectory()) {
      for (const file of await discoverInbox(path, shop))
        files.push({...file, displayPath: relative(cwd, file.path)});
    } else files.push({path, displayPath: relative(cwd, path) || given, shop});
  }
  return files;
}
