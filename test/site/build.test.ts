import {mkdir, readdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {clearLoaderCache} from "../../src/pipelines/site/build.js";
import {tempDir} from "../helpers.js";

describe("clearLoaderCache", () => {
  it("removes loader outputs and keeps Framework's own bundles", async () => {
    const {dir, cleanup} = await tempDir();
    try {
      const cache = join(dir, "src", ".observablehq", "cache");
      for (const folder of ["_npm/d3@7.9.2", "_node/htl@0.3.1", "_observablehq", "data", "pages"])
        await mkdir(join(cache, folder), {recursive: true});
      await writeFile(join(cache, "data", "return_rates_daily.json"), "[]");
      await writeFile(join(cache, "pages", "definitions.md"), "# 口径");
      await writeFile(join(cache, "_build.json"), "{}");
      expect(await clearLoaderCache(join(dir, "src"))).toEqual(["data", "pages"]);
      expect((await readdir(cache)).sort()).toEqual(["_build.json", "_node", "_npm", "_observablehq"]);
      expect(await clearLoaderCache(join(dir, "nothing"))).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});
