import {mkdir, realpath, symlink, writeFile} from "node:fs/promises";
import {request} from "node:http";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {
  contentType,
  resolveRequestPath,
  serveStatic,
  type StaticServer,
} from "../../src/pipelines/site/serve.js";
import {tempDir} from "../helpers.js";

describe("resolveRequestPath", () => {
  const root = "/srv/site";
  it("maps URL paths into the root", () => {
    expect(resolveRequestPath(root, "/")).toBe(root);
    expect(resolveRequestPath(root, "/pages/products.html")).toBe("/srv/site/pages/products.html");
    expect(resolveRequestPath(root, "/%E5%95%86%E5%93%81.json")).toBe("/srv/site/商品.json");
    expect(resolveRequestPath(root, "/./a//b")).toBe("/srv/site/a/b");
  });

  it("refuses anything that could leave it", () => {
    for (const path of [
      "/../etc/passwd",
      "/a/../../x",
      "/%2e%2e/x",
      "/%2E%2E%2Fx",
      "/a%00.html",
      "/..%5c..%5cx",
      "/%E0%A4%A",
    ])
      expect(resolveRequestPath(root, path), path).toBeNull();
  });
});

describe("contentType", () => {
  it("knows the types a built site has", () => {
    expect(contentType("index.html")).toBe("text/html; charset=utf-8");
    expect(contentType("a/client.d10d8454.js")).toBe("text/javascript; charset=utf-8");
    expect(contentType("style.CSS")).toBe("text/css; charset=utf-8");
    expect(contentType("data/x.json")).toBe("application/json; charset=utf-8");
    expect(contentType("x.unknown")).toBe("application/octet-stream");
  });
});

/** A raw request, so that the path reaches the server exactly as written (no URL normalization). */
function get(
  url: string,
  path: string,
  method = "GET",
): Promise<{status: number; headers: Record<string, unknown>; body: string}> {
  const {hostname, port} = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({hostname, port, path, method}, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({status: res.statusCode ?? 0, headers: res.headers, body}));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("serveStatic", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let site: StaticServer;

  beforeAll(async () => {
    ({dir, cleanup} = await tempDir());
    const root = join(dir, "dist");
    await mkdir(join(root, "pages"), {recursive: true});
    await writeFile(join(root, "index.html"), "<p>总览</p>");
    await writeFile(join(root, "pages", "products.html"), "<p>商品</p>");
    await writeFile(join(root, "pages", "index.html"), "<p>pages</p>");
    await writeFile(join(root, "app.js"), "export {};");
    await writeFile(join(dir, "secret.txt"), "secret");
    await symlink(join(dir, "secret.txt"), join(root, "link.txt"));
    site = await serveStatic({dir: root, port: 0});
  });
  afterAll(async () => {
    await site?.close();
    await cleanup();
  });

  it("listens on 127.0.0.1 only", () => {
    expect(site.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(site.server.address()).toMatchObject({address: "127.0.0.1"});
  });

  it("serves files with their content type, index.html for folders, and /page as /page.html", async () => {
    expect(await get(site.url, "/")).toMatchObject({status: 200, body: "<p>总览</p>"});
    expect((await get(site.url, "/")).headers["content-type"]).toBe("text/html; charset=utf-8");
    expect((await get(site.url, "/app.js")).headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(await get(site.url, "/pages/products")).toMatchObject({status: 200, body: "<p>商品</p>"});
    expect(await get(site.url, "/pages/")).toMatchObject({status: 200, body: "<p>pages</p>"});
    const redirect = await get(site.url, "/pages");
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe("/pages/");
  });

  it("answers HEAD without a body and refuses other methods", async () => {
    const head = await get(site.url, "/index.html", "HEAD");
    expect(head).toMatchObject({status: 200, body: ""});
    expect(head.headers["content-length"]).toBe(String(Buffer.byteLength("<p>总览</p>")));
    expect((await get(site.url, "/index.html", "POST")).status).toBe(405);
  });

  it("never serves a file outside the site", async () => {
    for (const path of [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/..%2fsecret.txt",
      "/pages/../../secret.txt",
      "/link.txt",
      "/..%5csecret.txt",
    ]) {
      const response = await get(site.url, path);
      expect(response.status, path).toBe(404);
      expect(response.body, path).not.toContain("secret");
    }
  });

  it("says what to do when there is no site or the port is taken", async () => {
    await expect(serveStatic({dir: join(dir, "nothing"), port: 0})).rejects.toThrow(
      /run `returnscope build` first/,
    );
    await expect(serveStatic({dir: join(dir, "dist"), port: site.port})).rejects.toThrow(
      `port ${site.port} on 127.0.0.1 is in use: pass --port (or RETURNSCOPE_PORT)`,
    );
    expect(await realpath(join(dir, "dist"))).toBeTruthy();
  });
});
