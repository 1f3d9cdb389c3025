/**
 * Framework turns every Markdown file under src/ into a page of the site. Only the dashboard's own
 * pages may be there: a README beside the pipeline code would be published (with its links).
 */
import {readdir} from "node:fs/promises";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {describe, expect, it} from "vitest";
import config from "../../observablehq.config.js";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

describe("site pages", () => {
  it("only the dashboard's pages are Markdown under src/", async () => {
    const markdown = (await readdir(src, {recursive: true}))
      .filter((name) => /\.md(\.[jt]s)?$/.test(name) && !name.startsWith(".observablehq"))
      .sort();
    for (const name of markdown) expect(name).toMatch(/^(index\.md|pages\/[^/]+|reports\/[^/]+)$/);
  });

  it("every page in the navigation exists", () => {
    const pages = (config.pages as {path: string}[]).map((p) => p.path);
    for (const path of pages) {
      const base = path === "/" ? "index" : path.replace(/^\//, "").replace(/\/$/, "/index");
      const exists = [".md", ".md.ts", ".md.js"].some((ext) => existsSync(join(src, base + ext)));
      expect(exists, path).toBe(true);
    }
  });
});
