/**
 * Data checks of the intermediate and mart tables: each file in src/pipelines/checks/ is a query
 * returning the offending rows, so zero rows means the check passed.
 */
import {readFile, readdir} from "node:fs/promises";
import {fileURLToPath} from "node:url";
import type {Row, Warehouse} from "../warehouse.js";

const checksDir = fileURLToPath(new URL("../checks/", import.meta.url));

export interface CheckResult {
  /** File name without .sql. */
  name: string;
  /** Offending rows (at most `limit` of them). */
  rows: Row[];
}

export async function checkNames(): Promise<string[]> {
  return (await readdir(checksDir))
    .filter((f) => f.endsWith(".sql"))
    .map((f) => f.slice(0, -".sql".length))
    .sort();
}

export async function runChecks(warehouse: Warehouse, limit = 20): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const name of await checkNames()) {
    const sql = (await readFile(`${checksDir}${name}.sql`, "utf8")).trim().replace(/;$/, "");
    const rows = await warehouse.all(`select * from (${sql}) limit ${limit}`);
    results.push({name, rows});
  }
  return results;
}
