import {spawnSync} from "node:child_process";
import {existsSync} from "node:fs";
import {readFile, writeFile} from "node:fs/promises";
import {join} from "node:path";
import {afterEach, beforeEach, describe, expect, it} from "vitest";
import {LockBusyError, acquireLock, lockPathFor, processAlive} from "../../src/pipelines/schedule/lock.js";
import {tempDir} from "../helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let warehouse: string;
beforeEach(async () => {
  ({dir, cleanup} = await tempDir());
  warehouse = join(dir, "warehouse.duckdb");
});
afterEach(() => cleanup());

/** The pid of a process that has exited (its number is not reused within the test). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  const pid = Number(child.stdout.toString());
  expect(processAlive(pid)).toBe(false);
  return pid;
}

const holder = (pid: number, host: string, started_at = new Date().toISOString(), token = "t0ken") =>
  JSON.stringify({pid, host, job: "ingest", started_at, token});

describe("the warehouse lock", () => {
  it("is held by one at a time, names its holder, and is gone after release", async () => {
    const lock = await acquireLock(warehouse, {job: "ingest", busy: "skip"});
    const content = JSON.parse(await readFile(lockPathFor(warehouse), "utf8"));
    expect(content).toMatchObject({pid: process.pid, job: "ingest"});
    const second = acquireLock(warehouse, {job: "run (schedule)", busy: "skip"});
    await expect(second).rejects.toBeInstanceOf(LockBusyError);
    await expect(second).rejects.toThrow(
      new RegExp(
        `^another run \\(ingest, pid ${process.pid} on .+, since .+\\) holds .+warehouse\\.duckdb\\.lock; try again when it has finished$`,
      ),
    );
    await lock.release();
    expect(existsSync(lockPathFor(warehouse))).toBe(false);
    await lock.release(); // twice is fine
    (await acquireLock(warehouse, {job: "again", busy: "skip"})).release();
  });

  it("waits for the holder when asked to, telling once, and gives up after the timeout", async () => {
    const first = await acquireLock(warehouse, {job: "ingest", busy: "skip"});
    const told: string[] = [];
    const waiting = acquireLock(warehouse, {
      job: "manual",
      busy: "wait",
      pollMs: 20,
      timeoutMs: 10_000,
      onWait: (m) => told.push(m),
    });
    setTimeout(() => void first.release(), 150);
    const second = await waiting;
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^waiting for another run \(ingest, pid \d+/);
    const third = acquireLock(warehouse, {job: "late", busy: "wait", pollMs: 20, timeoutMs: 100});
    await expect(third).rejects.toThrow(/\(waited 0\.\d s\); try again when it has finished$/);
    await second.release();
  });

  it("takes over a lock whose process is gone (same host), and says so", async () => {
    const pid = deadPid();
    await writeFile(lockPathFor(warehouse), holder(pid, "this-host"));
    const said: string[] = [];
    const lock = await acquireLock(warehouse, {
      job: "ingest",
      busy: "skip",
      host: "this-host",
      onTakeover: (_, m) => said.push(m),
    });
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(
      new RegExp(
        `^taking over a stale lock: another run \\(ingest, pid ${pid} on this-host, since [0-9T:.-]+Z\\) is no longer running$`,
      ),
    );
    expect(JSON.parse(await readFile(lockPathFor(warehouse), "utf8")).token).toBe(lock.holder.token);
    await lock.release();
  });

  it("does not take over a live holder's lock, nor another host's until it is very old", async () => {
    await writeFile(lockPathFor(warehouse), holder(process.pid, "this-host"));
    await expect(acquireLock(warehouse, {job: "x", busy: "skip", host: "this-host"})).rejects.toBeInstanceOf(
      LockBusyError,
    );
    // Another host: its pid means nothing here; fresh → busy, 13 hours old → stale.
    await writeFile(lockPathFor(warehouse), holder(deadPid(), "other-host"));
    await expect(acquireLock(warehouse, {job: "x", busy: "skip", host: "this-host"})).rejects.toBeInstanceOf(
      LockBusyError,
    );
    await writeFile(
      lockPathFor(warehouse),
      holder(1, "other-host", new Date(Date.now() - 13 * 3_600_000).toISOString()),
    );
    (await acquireLock(warehouse, {job: "x", busy: "skip", host: "this-host"})).release();
  });

  it("an unreadable lock file is never taken over; the message says what to do", async () => {
    await writeFile(lockPathFor(warehouse), "garbage");
    await expect(acquireLock(warehouse, {job: "x", busy: "skip"})).rejects.toThrow(
      /^another Returnscope process \(the lock file is unreadable: remove it if none is running\) holds /,
    );
  });

  it("of many contenders for one stale lock, exactly one wins", async () => {
    for (let round = 0; round < 100; round++) {
      await writeFile(lockPathFor(warehouse), holder(deadPid(), "h", undefined, `stale${round}`));
      const results = await Promise.allSettled(
        Array.from({length: 6}, (_, i) =>
          acquireLock(warehouse, {
            job: `c${i}`,
            busy: "skip",
            host: "h",
            pid: 100_000 + i,
            isAlive: (pid) => pid >= 100_000,
          }),
        ),
      );
      const won = results.filter((r) => r.status === "fulfilled");
      expect(won, `round ${round}`).toHaveLength(1);
      for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(LockBusyError);
      await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireLock>>>).value.release();
    }
  });
});
