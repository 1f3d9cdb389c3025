import {mkdir, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {describe, expect, it} from "vitest";
import {scanSite, scanText} from "../../src/pipelines/site/scan.js";
import {tempDir} from "../helpers.js";

describe("scanText", () => {
  it("flags every external URL in pages and our own modules", () => {
    expect(
      scanText("index.html", '<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=x">'),
    ).toEqual([
      {file: "index.html", url: "fonts.googleapis.com", rule: "cdn host"},
      {file: "index.html", url: "https://fonts.googleapis.com/css2?family=x", rule: "external URL"},
    ]);
    expect(scanText("_import/components/x.js", 'const u = "https://example.com/a";')).toEqual([
      {file: "_import/components/x.js", url: "https://example.com/a", rule: "external URL"},
    ]);
    expect(scanText("index.html", '<script type="module">import "//evil.example/x.js";</script>')).toEqual([
      {file: "index.html", url: "//evil.example/x.js", rule: "import of a URL"},
    ]);
  });

  it("allows local hosts, relative URLs and XML namespace identifiers", () => {
    const text = `<a href="./pages/products.html">商品</a> <img src="http://127.0.0.1:3000/x.png">
      <svg xmlns="http://www.w3.org/2000/svg"></svg> url("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'")`;
    expect(scanText("index.html", text)).toEqual([]);
    expect(scanText("_import/components/style.css", text)).toEqual([]);
  });

  it("in third-party bundles flags only what would be fetched, and the CDNs anywhere", () => {
    const library = `const doc = "https://github.com/d3/d3"; /* see https://observablehq.com */
      const ns = "http://www.w3.org/1999/xlink";`;
    expect(scanText("_node/d3@7.9.2/index.js", library)).toEqual([]);
    expect(scanText("_node/x/index.js", 'import("https://cdn.jsdelivr.net/npm/x")')).toEqual([
      {file: "_node/x/index.js", url: "cdn.jsdelivr.net", rule: "cdn host"},
      {file: "_node/x/index.js", url: "https://cdn.jsdelivr.net/npm/x", rule: "import of a URL"},
    ]);
    expect(scanText("_node/x/index.js", 'fetch("https://api.example.com/v1")')).toEqual([
      {file: "_node/x/index.js", url: "https://api.example.com/v1", rule: "fetch of a URL"},
    ]);
    expect(scanText("_observablehq/stdlib.js", 'const base = "https://extensions.duckdb.org/";')).toEqual([
      {file: "_observablehq/stdlib.js", url: "extensions.duckdb.org", rule: "cdn host"},
    ]);
  });

  it("in data files flags only the CDNs (data is shown, not fetched)", () => {
    expect(scanText("_file/data/x.json", '[{"name":"see https://shop.example"}]')).toEqual([]);
    expect(scanText("_file/data/x.json", '"cdn.jsdelivr.net"')).toHaveLength(1);
  });
});

describe("scanSite", () => {
  it("walks the site and measures it", async () => {
    const {dir, cleanup} = await tempDir();
    try {
      await mkdir(join(dir, "pages"));
      await mkdir(join(dir, "_file", "data"), {recursive: true});
      await writeFile(join(dir, "index.html"), '<link href="https://unpkg.com/x.css">');
      await writeFile(join(dir, "pages", "a.html"), "<p>ok</p>");
      await writeFile(join(dir, "_file", "data", "x.json"), "[1,2,3]");
      const scan = await scanSite(dir);
      expect(scan.pages).toEqual(["index.html", "pages/a.html"]);
      expect(scan.files).toBe(3);
      expect(scan.dataBytes).toBe(7);
      expect(scan.findings.map((f) => f.rule)).toEqual(["cdn host", "external URL"]);
    } finally {
      await cleanup();
    }
  });
});
