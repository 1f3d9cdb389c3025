/**
 * Never two writers: every command that writes the warehouse (ingest, run, the scheduler's jobs,
 * demo, report) holds `<warehouse>.lock` while it works.
 *
 * The lock file is created atomically with its whole content: the holder's details are written to
 * a private temporary file which is then hard-linked to the lock's name (link() fails when the name
 * exists, on every local file system). Its content says who holds it: pid, host, job, start time.
 *
 * A lock is stale when its holder is gone: same host and the pid no longer exists (kill(pid, 0)
 * fails with ESRCH). A lock from another host is never judged stale by pid; it is only taken over
 * when older than `foreignStaleMs` (default 12 h), since a run never lasts that long.
 *
 * Taking over a stale lock happens under a second, short-lived lock, `<lock>.takeover` (created
 * with O_EXCL): its holder reads the lock again and removes it only if it is still the stale one
 * that was judged. Only takeover holders remove a lock that is not their own, and a new lock can
 * only be created once the stale one is gone, so a live lock is never removed. Contenders who find
 * a takeover in progress look again a few milliseconds later. A takeover lock left by a process
 * that died in those milliseconds is cleared after 10 s.
 */
import {randomBytes} from "node:crypto";
import {link, readFile, stat, unlink, writeFile} from "node:fs/promises";
import {hostname} from "node:os";
import {PipelineError, errorMessage} from "../errors.js";

export interface LockHolder {
  pid: number;
  host: string;
  job: string;
  started_at: string;
  token: string;
}

export interface LockOptions {
  /** What the holder does, shown to those who find the lock taken ("ingest", "schedule: ingest"). */
  job: string;
  /** When the lock is taken: "skip" fails at once with LockBusyError; "wait" polls until timeoutMs. */
  busy: "skip" | "wait";
  timeoutMs?: number;
  pollMs?: number;
  /** Called once when a wait begins, with a message naming the holder. */
  onWait?: (message: string) => void;
  /** Called when a stale lock is taken over, with the stale holder. */
  onTakeover?: (stale: LockHolder, message: string) => void;
  foreignStaleMs?: number;
  /** Injected for tests. */
  pid?: number;
  host?: string;
  now?: () => Date;
  isAlive?: (pid: number) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

export class LockBusyError extends PipelineError {
  constructor(
    readonly holder: LockHolder | null,
    readonly lockPath: string,
    waitedMs: number,
  ) {
    super(
      `${describeHolder(holder)} holds ${lockPath}${waitedMs > 0 ? ` (waited ${(waitedMs / 1000).toFixed(1)} s)` : ""}; try again when it has finished`,
      {step: "lock"},
    );
    this.name = "LockBusyError";
  }
}

export interface Lock {
  path: string;
  holder: LockHolder;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

export function lockPathFor(warehouse: string): string {
  return `${warehouse}.lock`;
}

export function describeHolder(holder: LockHolder | null): string {
  if (!holder)
    return "another Returnscope process (the lock file is unreadable: remove it if none is running)";
  return `another run (${holder.job}, pid ${holder.pid} on ${holder.host}, since ${holder.started_at})`;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readHolder(path: string): Promise<LockHolder | null | "missing"> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
  try {
    const value = JSON.parse(text) as LockHolder;
    return typeof value.pid === "number" && typeof value.token === "string" ? value : null;
  } catch {
    return null; // unreadable: treated as held by an unknown process (never stale by pid)
  }
}

export function isStale(
  holder: LockHolder,
  options: {host: string; now: Date; isAlive: (pid: number) => boolean; foreignStaleMs: number},
): boolean {
  if (holder.host === options.host) return !options.isAlive(holder.pid);
  const started = Date.parse(holder.started_at);
  return Number.isFinite(started) && options.now.getTime() - started > options.foreignStaleMs;
}

async function tryCreate(path: string, holder: LockHolder): Promise<boolean> {
  const temp = `${path}.${holder.token}.tmp`;
  await writeFile(temp, JSON.stringify(holder) + "\n", {mode: 0o644});
  try {
    await link(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw new PipelineError(`cannot create the lock ${path}: ${errorMessage(error)}`, {step: "lock"});
  } finally {
    await unlink(temp).catch(() => {});
  }
}

const TAKEOVER_STALE_MS = 10_000;

/**
 * Removes the lock if it is still the stale one (same token), under the takeover lock: "removed",
 * or "busy" when another contender is taking over (or the lock changed meanwhile).
 */
async function removeStale(path: string, stale: LockHolder, now: () => Date): Promise<"removed" | "busy"> {
  const mutex = `${path}.takeover`;
  try {
    await writeFile(mutex, `${process.pid}\n`, {flag: "wx"});
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    const info = await stat(mutex).catch(() => null);
    if (info && now().getTime() - info.mtimeMs > TAKEOVER_STALE_MS) await unlink(mutex).catch(() => {});
    return "busy";
  }
  try {
    const current = await readHolder(path);
    if (current === "missing") return "busy"; // gone already: the caller simply tries again
    if (current === null || current.token !== stale.token) return "busy";
    await unlink(path);
    return "removed";
  } finally {
    await unlink(mutex).catch(() => {});
  }
}

export async function acquireLock(warehouse: string, options: LockOptions): Promise<Lock> {
  const path = lockPathFor(warehouse);
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const host = options.host ?? hostname();
  const isAlive = options.isAlive ?? processAlive;
  const foreignStaleMs = options.foreignStaleMs ?? 12 * 3_600_000;
  const timeoutMs = options.busy === "wait" ? (options.timeoutMs ?? 30 * 60_000) : 0;
  const pollMs = options.pollMs ?? 1000;
  const holder: LockHolder = {
    pid: options.pid ?? process.pid,
    host,
    job: options.job,
    started_at: now().toISOString(),
    token: randomBytes(12).toString("hex"),
  };
  const began = now().getTime();
  let told = false;
  for (;;) {
    if (await tryCreate(path, holder)) return makeLock(path, holder);
    const current = await readHolder(path);
    if (current === "missing") continue; // released in between: try again at once
    if (current && isStale(current, {host, now: now(), isAlive, foreignStaleMs})) {
      if ((await removeStale(path, current, now)) === "removed")
        options.onTakeover?.(
          current,
          `taking over a stale lock: ${describeHolder(current)} is no longer running`,
        );
      else await new Promise((r) => setTimeout(r, 5)); // another contender is taking over
      continue;
    }
    const waited = now().getTime() - began;
    if (waited >= timeoutMs) throw new LockBusyError(current, path, options.busy === "wait" ? waited : 0);
    if (!told) {
      options.onWait?.(`waiting for ${describeHolder(current)} to finish …`);
      told = true;
    }
    await sleep(Math.min(pollMs, timeoutMs - waited));
  }
}

function makeLock(path: string, holder: LockHolder): Lock {
  let released = false;
  return {
    path,
    holder,
    async release() {
      if (released) return;
      released = true;
      const current = await readHolder(path);
      if (current !== "missing" && current?.token === holder.token) await unlink(path).catch(() => {});
    },
  };
}

/** Runs `fn` holding the warehouse's lock. */
export async function withLock<T>(
  warehouse: string,
  options: LockOptions,
  fn: (lock: Lock) => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(warehouse, options);
  try {
    return await fn(lock);
  } finally {
    await lock.release();
  }
}
