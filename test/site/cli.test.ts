import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {main, type Io} from "../../src/pipelines/cli.js";
import {tempDir} from "../helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({dir, cleanup} = await tempDir()));
afterEach(() => cleanup());

async function run(args: string[]): Promise<{code: number; out: string; err: string}> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: dir};
  const code = await main(["node", "returnscope", ...args], io);
  return {code, out: out.join("\n"), err: err.join("\n")};
}

describe("returnscope build, serve and demo", () => {
  it("document their options", async () => {
    const build = await run(["build", "--help"]);
    expect(build.code).toBe(0);
    for (const flag of ["--out <dir>", "--warehouse <file>", "--verbose"]) expect(build.out).toContain(flag);
    const serve = await run(["serve", "--help"]);
    for (const flag of ["--dir <dir>", "--port <n>", "RETURNSCOPE_PORT"]) expect(serve.out).toContain(flag);
    const demo = await run(["demo", "--help"]);
    for (const flag of ["--port <n>", "--out <dir>", "--no-serve", "RETURNSCOPE_PORT"])
      expect(demo.out).toContain(flag);
  });

  it("refuse a bad port", async () => {
    const {code, err} = await run(["serve", "--port", "http"]);
    expect(code).toBe(2);
    expect(err).toContain("expected a port number (0-65535), got http");
  });

  it("serve says what to do when nothing was built", async () => {
    const {code, err} = await run(["serve", "--port", "0"]);
    expect(code).toBe(2);
    expect(err).toMatch(/no site to serve at .*dist: run `returnscope build` first/);
  });
});
