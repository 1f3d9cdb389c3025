import {readFile, unlink, writeFile} from "node:fs/promises";
import {fileURLToPath} from "node:url";
import {expect} from "vitest";

const outputDir = fileURLToPath(new URL("./output/", import.meta.url));

/**
 * Compares `actual` with test/output/<name>. On a mismatch (outside CI) the actual output is written
 * next to it as <name>-changed.<ext> for review with a diff tool; a missing golden file is written
 * (outside CI) and the test fails once, so that every golden file was looked at by a person.
 */
export async function expectGolden(name: string, actual: string): Promise<void> {
  const path = outputDir + name;
  const changed = path.replace(/(\.[^.]+)$/, "-changed$1");
  let expected: string | undefined;
  try {
    expected = await readFile(path, "utf8");
  } catch {
    if (!process.env.CI) await writeFile(path, actual);
    throw new Error(
      `golden file ${name} did not exist${process.env.CI ? "" : "; wrote it — review and rerun"}`,
    );
  }
  if (expected === actual) {
    await unlink(changed).catch(() => {});
    return;
  }
  if (!process.env.CI) await writeFile(changed, actual);
  expect(actual, `golden file ${name} differs (see ${name.replace(/(\.[^.]+)$/, "-changed$1")})`).toBe(
    expected,
  );
}

/** Stable, reviewable JSON: one row per line. */
export function jsonLines(rows: unknown[]): string {
  return "[\n" + rows.map((row) => "  " + JSON.stringify(row)).join(",\n") + "\n]\n";
}
