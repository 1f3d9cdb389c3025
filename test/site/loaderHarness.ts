/**
 * Runs the data loaders of src/data as Framework runs them: a child process each (node with tsx),
 * the warehouse given by RETURNSCOPE_WAREHOUSE, output on stdout. Shared by the loader tests.
 */
import {spawn} from "node:child_process";
import {join} from "node:path";
import {fileURLToPath} from "node:url";

export const dataDir = fileURLToPath(new URL("../../src/data/", import.meta.url));
export const projectRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface LoaderRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the loader `name` (src/data/<name>.json.ts, a folder allowed: "return_costs/skus"). */
export function runLoader(name: string, warehouse: string): Promise<LoaderRun> {
  const file = join(dataDir, name.endsWith(".json.ts") ? name : `${name}.json.ts`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: projectRoot,
      env: {...process.env, RETURNSCOPE_WAREHOUSE: warehouse},
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({code, stdout, stderr}));
  });
}

/** The loader's output; an exit code other than 0 is an error with its stderr. */
export async function loaderOutput(name: string, warehouse: string): Promise<string> {
  const result = await runLoader(name, warehouse);
  if (result.code !== 0) throw new Error(`${name} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}
