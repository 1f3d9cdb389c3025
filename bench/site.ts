// The dashboard at scale (part of `npm run bench`, or alone: `npm run bench:site -- --warehouse
// <file>`): the site build time, the data bytes each page loads, and the time until every chart of
// a page has rendered in headless Chromium (Debian's /usr/bin/chromium).
//
// Targets (dashboard issue, 2-core machine, 10M order lines): build ≤ 60 s, ≤ 2 MB of data per
// page, every page rendered within 2 s.
//
// Data bytes of a page: the files under _file/ that the page's HTML references (its data loaders'
// outputs), as served — the JSON a browser downloads before it can draw. Render time: from the
// start of navigation to the moment no cell of the page is still loading (Framework shows
// <observablehq-loading> until a cell has its value) and the network is idle, read as the page's
// own performance.now(). Each page is opened twice; the second (warm browser cache, as for a
// user going back and forth) is reported beside the first.
import {existsSync} from "node:fs";
import {readFile, readdir, stat} from "node:fs/promises";
import {join, relative, resolve} from "node:path";
import {fileURLToPath} from "node:url";
import {chromium} from "playwright-core";
import {silentLogger} from "../src/pipelines/logger.js";
import {buildSite} from "../src/pipelines/site/build.js";
import {serveStatic} from "../src/pipelines/site/serve.js";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
];

export interface PageFigures {
  page: string;
  dataBytes: number;
  dataFiles: number;
  firstMs: number | null;
  warmMs: number | null;
}

export interface SiteFigures {
  buildSeconds: number;
  distBytes: number;
  pages: PageFigures[];
}

async function htmlFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, {recursive: true, withFileTypes: true}))
    if (entry.isFile() && entry.name.endsWith(".html") && !entry.parentPath.includes("_"))
      found.push(relative(dir, join(entry.parentPath, entry.name)));
  return found.sort();
}

/** The _file/ outputs (data loaders, attachments) a page references, with their sizes. */
async function pageData(dist: string, page: string): Promise<{bytes: number; files: number}> {
  const html = await readFile(join(dist, page), "utf8");
  const base = join(dist, page, "..");
  const paths = new Set<string>();
  for (const match of html.matchAll(/["']((?:\.\.\/|\.\/)*_file\/[^"']+)["']/g))
    paths.add(resolve(base, match[1]!));
  let bytes = 0;
  for (const path of paths) if (existsSync(path)) bytes += (await stat(path)).size;
  return {bytes, files: paths.size};
}

export async function benchSite(warehouse: string, out: string): Promise<SiteFigures> {
  const start = performance.now();
  const build = await buildSite({warehouse, out, logger: silentLogger});
  const buildSeconds = (performance.now() - start) / 1000;
  const pages: PageFigures[] = [];
  const server = await serveStatic({dir: build.out, port: 0});
  const browser = existsSync(CHROMIUM)
    ? await chromium.launch({executablePath: CHROMIUM, args: FLAGS, headless: true})
    : null;
  try {
    const context = browser ? await browser.newContext({viewport: {width: 1280, height: 900}}) : null;
    for (const page of await htmlFiles(build.out)) {
      const data = await pageData(build.out, page);
      const times: (number | null)[] = [];
      if (context)
        for (let visit = 0; visit < 2; visit++) {
          const tab = await context.newPage();
          await tab.goto(`${server.url}${page}`, {waitUntil: "networkidle", timeout: 120_000});
          await tab.waitForFunction(
            () => document.querySelectorAll("observablehq-loading").length === 0,
            null,
            {
              timeout: 120_000,
              polling: "raf",
            },
          );
          times.push(await tab.evaluate(() => performance.now()));
          await tab.close();
        }
      pages.push({
        page,
        dataBytes: data.bytes,
        dataFiles: data.files,
        firstMs: times[0] ?? null,
        warmMs: times[1] ?? null,
      });
    }
  } finally {
    await browser?.close();
    await server.close();
  }
  return {buildSeconds, distBytes: build.bytes, pages};
}

export function printSite(figures: SiteFigures, orders: number | null): void {
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(2);
  console.log(`\nDashboard${orders ? ` at ${orders.toLocaleString("en-US")} order lines` : ""}`);
  console.log(
    `  site build ${figures.buildSeconds.toFixed(1)} s (target ≤ 60 s: ${figures.buildSeconds <= 60 ? "met" : "NOT met"}), dist ${mb(figures.distBytes)} MB`,
  );
  console.log(
    `  ${"page".padEnd(28)} ${"data MB".padStart(8)} ${"files".padStart(6)} ${"render ms".padStart(10)} ${"warm ms".padStart(8)}`,
  );
  for (const p of figures.pages)
    console.log(
      `  ${p.page.padEnd(28)} ${mb(p.dataBytes).padStart(8)} ${String(p.dataFiles).padStart(6)} ${(p.firstMs === null ? "—" : p.firstMs.toFixed(0)).padStart(10)} ${(p.warmMs === null ? "—" : p.warmMs.toFixed(0)).padStart(8)}`,
    );
  const biggest = Math.max(...figures.pages.map((p) => p.dataBytes));
  const rendered = figures.pages.map((p) => p.firstMs).filter((t): t is number => t !== null);
  const slowest = rendered.length ? Math.max(...rendered) : null;
  console.log(
    `  largest page data ${mb(biggest)} MB (target ≤ 2 MB: ${biggest <= 2 * 1_048_576 ? "met" : "NOT met"})`,
  );
  console.log(
    slowest === null
      ? "  render times not measured: /usr/bin/chromium is missing (apt-get install -y chromium)"
      : `  slowest page ${slowest.toFixed(0)} ms (target ≤ 2000 ms: ${slowest <= 2000 ? "met" : "NOT met"})`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const i = process.argv.indexOf("--warehouse");
  const warehouse =
    i > 0
      ? resolve(process.argv[i + 1]!)
      : fileURLToPath(new URL("./out/refresh/warehouse.duckdb", import.meta.url));
  if (!existsSync(warehouse)) {
    console.error(`no warehouse at ${warehouse}: run \`npm run bench\` first, or pass --warehouse <file>`);
    process.exit(2);
  }
  const figures = await benchSite(warehouse, fileURLToPath(new URL("./out/site/", import.meta.url)));
  printSite(figures, null);
}
