/**
 * The long-lived scheduler of `returnscope schedule`, on an injected clock so that tests drive it
 * through days in milliseconds.
 *
 * Jobs run one at a time in this process (a job due while another runs waits for it, and fires
 * that passed meanwhile are skipped and reported, never queued up); across processes the warehouse
 * lock keeps writers apart. At start, each job may ask to catch up (the weekly report missed while
 * the process was down). Stopping (the signal) ends the wait at once; a running job sees the same
 * signal and stops between files.
 */
import {errorMessage} from "../errors.js";
import type {Logger} from "../logger.js";
import {nextFire, type Trigger} from "./triggers.js";

export interface Clock {
  now(): Date;
  /** Resolves after `ms` (or at once when the signal aborts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, {once: true});
    }),
};

export interface JobContext {
  trigger: "schedule" | "catch-up";
  /** The minute the job was due. */
  due: Date;
  signal: AbortSignal;
}

export interface ScheduledJob {
  name: string;
  trigger: Trigger;
  run(context: JobContext): Promise<unknown>;
  /** Asked once at start: whether a run was missed while the scheduler was down. */
  catchUp?(now: Date): Promise<boolean>;
}

export interface SchedulerOptions {
  clock?: Clock;
  logger: Logger;
  signal: AbortSignal;
  /** Longest single sleep; the clock is read again after it (wall-clock changes, suspend). */
  maxSleepMs?: number;
}

export class Scheduler {
  readonly #jobs: ScheduledJob[];
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #signal: AbortSignal;
  readonly #maxSleepMs: number;

  constructor(jobs: ScheduledJob[], options: SchedulerOptions) {
    this.#jobs = jobs;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#signal = options.signal;
    this.#maxSleepMs = options.maxSleepMs ?? 60_000;
  }

  /** The next due time of each job after `after`. */
  plan(after: Date): {job: ScheduledJob; due: Date | null}[] {
    return this.#jobs.map((job) => ({job, due: nextFire(job.trigger, after)}));
  }

  async #run(job: ScheduledJob, context: Omit<JobContext, "signal">): Promise<void> {
    try {
      await job.run({...context, signal: this.#signal});
    } catch (error) {
      // A job reports its own failures; this is the last line of defence: the scheduler goes on.
      this.#logger.error(`${job.name}: ${errorMessage(error)}`);
    }
  }

  /** Runs until the signal aborts; resolves when stopped. */
  async run(): Promise<void> {
    const start = this.#clock.now();
    for (const {job, due} of this.plan(start))
      this.#logger.info(
        `${job.name}: ${job.trigger.describe}; next ${due ? due.toISOString() : "never (within a year)"}`,
      );
    for (const job of this.#jobs) {
      if (this.#signal.aborted) return;
      let missed = false;
      try {
        missed = Boolean(job.catchUp && (await job.catchUp(this.#clock.now())));
      } catch (error) {
        this.#logger.error(`${job.name}: could not check for a missed run: ${errorMessage(error)}`);
      }
      if (missed) {
        this.#logger.info(`${job.name}: catching up on a run missed while the scheduler was down`);
        await this.#run(job, {trigger: "catch-up", due: this.#clock.now()});
      }
    }
    let cursor = this.#clock.now();
    while (!this.#signal.aborted) {
      const plan = this.plan(cursor).filter((p): p is {job: ScheduledJob; due: Date} => p.due !== null);
      if (plan.length === 0) {
        this.#logger.warn("no job is due within a year: nothing to schedule");
        return;
      }
      const due = new Date(Math.min(...plan.map((p) => p.due.getTime())));
      // Sleep in bounded steps, reading the clock again after each.
      while (!this.#signal.aborted) {
        const left = due.getTime() - this.#clock.now().getTime();
        if (left <= 0) break;
        await this.#clock.sleep(Math.min(left, this.#maxSleepMs), this.#signal);
      }
      if (this.#signal.aborted) break;
      for (const {job} of plan.filter((p) => p.due.getTime() === due.getTime())) {
        if (this.#signal.aborted) break;
        await this.#run(job, {trigger: "schedule", due});
      }
      // Fires that passed while jobs ran are skipped, not queued: say so.
      const after = this.#clock.now();
      for (const job of this.#jobs) {
        let missed = 0;
        for (let t = nextFire(job.trigger, due); t && t <= after; t = nextFire(job.trigger, t)) missed++;
        if (missed > 0)
          this.#logger.warn(`${job.name}: ${missed} scheduled run(s) skipped while another job was running`);
      }
      cursor = after > due ? after : due;
    }
  }
}
