/**
 * A small static file server for the built site, on 127.0.0.1 only: GET and HEAD, correct content
 * types, index.html for folders, `/page` → `/page.html`, and nothing outside the site folder
 * (resolved and symlink-checked paths; encoded dot segments and NUL bytes refused).
 */
import {createReadStream} from "node:fs";
import {realpath, stat} from "node:fs/promises";
import {createServer, type IncomingMessage, type Server, type ServerResponse} from "node:http";
import type {AddressInfo} from "node:net";
import {extname, join, resolve, sep} from "node:path";
import {PipelineError} from "../errors.js";

export const MIME_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
  ".arrow": "application/vnd.apache.arrow.file",
  ".parquet": "application/vnd.apache.parquet",
  ".map": "application/json; charset=utf-8",
};

export function contentType(path: string): string {
  return MIME_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/**
 * The file a URL path names inside `root` (an absolute, real path), or null when the path is
 * malformed or leaves the root. Does not look at the disk.
 */
export function resolveRequestPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0") || decoded.includes("\\")) return null;
  const segments = decoded.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return null;
  const path = resolve(root, ...segments);
  return path === root || path.startsWith(root + sep) ? path : null;
}

async function fileFor(root: string, urlPath: string): Promise<{path: string} | {redirect: string} | null> {
  const path = resolveRequestPath(root, urlPath);
  if (path === null) return null;
  const candidates: string[] = [];
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    if (!urlPath.endsWith("/")) return {redirect: `${urlPath}/`};
    candidates.push(join(path, "index.html"));
  } else if (info?.isFile()) candidates.push(path);
  else if (!extname(path)) candidates.push(`${path}.html`);
  for (const candidate of candidates) {
    const real = await realpath(candidate).catch(() => null);
    if (!real || !(real === root || real.startsWith(root + sep))) continue;
    if ((await stat(real)).isFile()) return {path: real};
  }
  return null;
}

function send(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "x-content-type-options": "nosniff",
  });
  response.end(text);
}

async function handle(root: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.setHeader("allow", "GET, HEAD");
    return send(response, 405, "method not allowed");
  }
  const urlPath = new URL(request.url ?? "/", "http://localhost").pathname;
  const found = await fileFor(root, urlPath);
  if (found && "redirect" in found) {
    response.writeHead(301, {location: found.redirect});
    response.end();
    return;
  }
  let path = found?.path;
  let status = 200;
  if (!path) {
    const notFound = await fileFor(root, "/404.html");
    if (!notFound || "redirect" in notFound) return send(response, 404, "not found");
    path = notFound.path;
    status = 404;
  }
  const info = await stat(path);
  response.writeHead(status, {
    "content-type": contentType(path),
    "content-length": info.size,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  });
  if (request.method === "HEAD") return void response.end();
  createReadStream(path)
    .on("error", () => response.destroy())
    .pipe(response);
}

export interface StaticServer {
  url: string;
  port: number;
  server: Server;
  close: () => Promise<void>;
}

/** Serves `dir` on 127.0.0.1:`port` (0: any free port). */
export async function serveStatic(options: {
  dir: string;
  port: number;
  host?: string;
}): Promise<StaticServer> {
  const host = options.host ?? "127.0.0.1";
  const root = await realpath(resolve(options.dir)).catch(() => {
    throw new PipelineError(`no site to serve at ${resolve(options.dir)}: run \`returnscope build\` first`, {
      step: "serve",
    });
  });
  if (!(await stat(join(root, "index.html")).catch(() => null)))
    throw new PipelineError(`${root} has no index.html: run \`returnscope build\` first`, {step: "serve"});
  const server = createServer((request, response) => {
    handle(root, request, response).catch(() => {
      if (!response.headersSent) send(response, 500, "internal error");
      else response.destroy();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE"
          ? new PipelineError(
              `port ${options.port} on ${host} is in use: pass --port (or RETURNSCOPE_PORT)`,
              {
                step: "serve",
              },
            )
          : error,
      ),
    );
    server.listen(options.port, host, () => resolvePromise());
  });
  const {port} = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    port,
    server,
    close: () =>
      new Promise<void>((resolvePromise) => {
        server.closeAllConnections();
        server.close(() => resolvePromise());
      }),
  };
}
