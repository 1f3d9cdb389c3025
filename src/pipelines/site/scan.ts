/**
 * What a built site would fetch from other hosts. The site must work with no network but the
 * local server, so the build refuses output that would reach a CDN or any other host:
 * - HTML, CSS and our own modules (_import/, inline scripts): every http(s) URL, except XML
 *   namespace identifiers (www.w3.org/…), which name a namespace and are never fetched;
 * - third-party bundles (_node/, _npm/, _observablehq/): imports of absolute URLs, fetch() of one,
 *   and any mention of the CDNs Framework reaches for by default;
 * - data files (_file/): mentions of those CDNs.
 * Also measures the site: pages, files, bytes, and the bytes of data files per page folder.
 */
import {readdir, readFile, stat} from "node:fs/promises";
import {join, relative, sep} from "node:path";

export interface SiteFinding {
  file: string;
  url: string;
  rule: string;
}

export interface SiteScan {
  findings: SiteFinding[];
  pages: string[];
  files: number;
  bytes: number;
  dataBytes: number;
}

export const CDN_HOSTS = [
  "cdn.jsdelivr.net",
  "fonts.googleapis.com",
  "fonts.gstatic.com",
  "extensions.duckdb.org",
  "community-extensions.duckdb.org",
  "unpkg.com",
  "esm.sh",
  "ga.jspm.io",
  "api.observablehq.com",
];

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
const URL_PATTERN = /\bhttps?:\/\/[^\s"'`<>()\\]+/g;
const NAMESPACE =
  /^http:\/\/www\.w3\.org\/(1999\/xhtml|1999\/xlink|2000\/svg|2000\/xmlns\/?|XML\/1998\/namespace|1998\/Math\/MathML)$/;
const IMPORT_OF_URL = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'`]((?:https?:)?\/\/[^"'`]+)["'`]/g;
const FETCH_OF_URL = /\bfetch\s*\(\s*["'`]((?:https?:)?\/\/[^"'`]+)["'`]/g;

function host(url: string): string {
  try {
    return new URL(url.startsWith("//") ? `http:${url}` : url).host;
  } catch {
    return url;
  }
}

const isExternal = (url: string) => !LOCAL_HOSTS.has(host(url).replace(/:\d+$/, ""));

/** Findings in one file's text; `path` is relative to the site root, with `/`. */
export function scanText(path: string, text: string): SiteFinding[] {
  const findings: SiteFinding[] = [];
  const add = (url: string, rule: string) => findings.push({file: path, url, rule});
  const thirdParty = /^_(node|npm|observablehq|jsr)\//.test(path);
  const data = path.startsWith("_file/");
  for (const cdn of CDN_HOSTS) if (text.includes(cdn)) add(cdn, "cdn host");
  if (data) return findings;
  if (/\.(m?js|html?)$/.test(path)) {
    for (const match of text.matchAll(IMPORT_OF_URL))
      if (isExternal(match[1]!)) add(match[1]!, "import of a URL");
    for (const match of text.matchAll(FETCH_OF_URL))
      if (isExternal(match[1]!)) add(match[1]!, "fetch of a URL");
  }
  if (!thirdParty) {
    for (const [url] of text.matchAll(URL_PATTERN))
      if (!NAMESPACE.test(url) && isExternal(url)) add(url, "external URL");
  } else if (path.endsWith(".css")) {
    for (const match of text.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^"')]+)/g))
      if (isExternal(match[1]!)) add(match[1]!, "CSS url()");
  }
  // One finding per file, URL and rule.
  return findings.filter((f, i) => findings.findIndex((g) => g.url === f.url && g.rule === f.rule) === i);
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

const TEXT = /\.(html?|m?js|css|json|csv|txt|md|svg|map)$/;

export async function scanSite(root: string): Promise<SiteScan> {
  const scan: SiteScan = {findings: [], pages: [], files: 0, bytes: 0, dataBytes: 0};
  for await (const file of walk(root)) {
    const path = relative(root, file).split(sep).join("/");
    const {size} = await stat(file);
    scan.files += 1;
    scan.bytes += size;
    if (path.startsWith("_file/")) scan.dataBytes += size;
    if (path.endsWith(".html") && path !== "404.html") scan.pages.push(path);
    if (TEXT.test(path)) scan.findings.push(...scanText(path, await readFile(file, "utf8")));
  }
  scan.pages.sort();
  return scan;
}
