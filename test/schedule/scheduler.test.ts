/**
 * The scheduler on a fake clock: sleeping advances virtual time at once, jobs may advance it to
 * stand for their duration. Days pass in milliseconds and every fire time is exact.
 */
import {describe, expect, it} from "vitest";
import {memoryLogger} from "../../src/pipelines/logger.js";
import {Scheduler, type Clock, type ScheduledJob} from "../../src/pipelines/schedule/scheduler.js";
import {cronTrigger, everyMinutesTrigger} from "../../src/pipelines/schedule/triggers.js";

const SH = "Asia/Shanghai";

/** A virtual clock; the scheduler stops (the signal aborts) when virtual time reaches `until`. */
function fakeClock(startIso: string, untilIso: string, controller: AbortController) {
  let now = new Date(startIso).getTime();
  const until = new Date(untilIso).getTime();
  const clock: Clock & {advance(ms: number): void} = {
    now: () => new Date(now),
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms) => {
      if (now + ms >= until) {
        now = until;
        controller.abort();
      } else now += ms;
    },
  };
  return clock;
}

/** Beijing wall-clock "MM-DD HH:MM" of a date, for readable expectations. */
const bj = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(5, 16).replace("T", " ");

describe("scheduler", () => {
  it("fires each job at its times: hourly ingest and the Monday 09:00 report, in Beijing time", async () => {
    const controller = new AbortController();
    // Sunday 2026-11-29 22:30 Beijing → Monday 2026-11-30 11:10 Beijing.
    const clock = fakeClock("2026-11-29T14:30:00Z", "2026-11-30T03:10:00Z", controller);
    const fired: string[] = [];
    const jobs: ScheduledJob[] = [
      {
        name: "ingest",
        trigger: everyMinutesTrigger(60, SH, "i"),
        run: async ({due}) => void fired.push(`ingest ${bj(due)}`),
      },
      {
        name: "report",
        trigger: cronTrigger("0 9 * * 1", SH, "r"),
        run: async ({due}) => void fired.push(`report ${bj(due)}`),
      },
    ];
    await new Scheduler(jobs, {clock, logger: memoryLogger(), signal: controller.signal}).run();
    const hours = [
      "11-29 23:00",
      ...["00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"].map((h) => `11-30 ${h}:00`),
    ];
    expect(hours).toHaveLength(13);
    const expected = hours.flatMap((h) =>
      h === "11-30 09:00" ? [`ingest ${h}`, `report ${h}`] : [`ingest ${h}`],
    );
    expect(fired).toEqual(expected);
  });

  it("never overlaps: a long run makes the fires during it skipped (and said), then resumes on time", async () => {
    const controller = new AbortController();
    const clock = fakeClock("2026-11-28T00:00:30Z", "2026-11-28T05:30:00Z", controller);
    const runs: {start: string; end: string}[] = [];
    let running = 0;
    const logger = memoryLogger();
    const jobs: ScheduledJob[] = [
      {
        name: "ingest",
        trigger: everyMinutesTrigger(60, "UTC", "i"),
        run: async () => {
          expect(running).toBe(0);
          running++;
          const start = clock.now().toISOString().slice(11, 16);
          // The first run takes 150 minutes, the others 10.
          clock.advance((runs.length === 0 ? 150 : 10) * 60_000);
          runs.push({start, end: clock.now().toISOString().slice(11, 16)});
          running--;
        },
      },
    ];
    await new Scheduler(jobs, {clock, logger, signal: controller.signal}).run();
    // 01:00 runs until 03:30; 02:00 and 03:00 are skipped; 04:00 and 05:00 run on time.
    expect(runs).toEqual([
      {start: "01:00", end: "03:30"},
      {start: "04:00", end: "04:10"},
      {start: "05:00", end: "05:10"},
    ]);
    expect(logger.lines).toContain("warn: ingest: 2 scheduled run(s) skipped while another job was running");
  });

  it("catches up at start on a run missed while it was down, once", async () => {
    const controller = new AbortController();
    const clock = fakeClock("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z", controller);
    const fired: string[] = [];
    const asked: string[] = [];
    const jobs: ScheduledJob[] = [
      {
        name: "report",
        trigger: cronTrigger("0 9 * * 1", SH, "r"),
        catchUp: async (now) => {
          asked.push(now.toISOString());
          return true;
        },
        run: async ({trigger, due}) => void fired.push(`${trigger} ${due.toISOString()}`),
      },
      {
        name: "other",
        trigger: everyMinutesTrigger(60, SH, "o"),
        catchUp: async () => false,
        run: async () => void fired.push("other"),
      },
    ];
    const logger = memoryLogger();
    await new Scheduler(jobs, {clock, logger, signal: controller.signal}).run();
    expect(asked).toEqual(["2026-12-01T02:00:00.000Z"]);
    // "other" fires at 03:00 only: 02:00 is the start itself and the clock stops on reaching 04:00.
    expect(fired).toEqual(["catch-up 2026-12-01T02:00:00.000Z", "other"]);
    expect(logger.lines).toContain("info: report: catching up on a run missed while the scheduler was down");
  });

  it("starts even when the check for a missed run fails", async () => {
    const controller = new AbortController();
    const clock = fakeClock("2026-12-01T02:00:00Z", "2026-12-01T03:30:00Z", controller);
    const logger = memoryLogger();
    let runs = 0;
    const jobs: ScheduledJob[] = [
      {
        name: "report",
        trigger: everyMinutesTrigger(60, "UTC", "r"),
        catchUp: async () => {
          throw new Error("cannot open warehouse: locked");
        },
        run: async () => void runs++,
      },
    ];
    await new Scheduler(jobs, {clock, logger, signal: controller.signal}).run();
    expect(logger.lines).toContain(
      "error: report: could not check for a missed run: cannot open warehouse: locked",
    );
    expect(runs).toBe(1); // 03:00
  });

  it("goes on after a job throws, and stops when told", async () => {
    const controller = new AbortController();
    const clock = fakeClock("2026-11-28T00:00:00Z", "2026-11-28T03:30:00Z", controller);
    let calls = 0;
    const logger = memoryLogger();
    const jobs: ScheduledJob[] = [
      {
        name: "flaky",
        trigger: everyMinutesTrigger(60, "UTC", "f"),
        run: async () => {
          calls++;
          if (calls === 1) throw new Error("disk full");
        },
      },
    ];
    await new Scheduler(jobs, {clock, logger, signal: controller.signal}).run();
    expect(calls).toBe(3);
    expect(logger.lines).toContain("error: flaky: disk full");
  });

  it("on the system clock, an abort ends the wait at once", async () => {
    const controller = new AbortController();
    const jobs: ScheduledJob[] = [
      {name: "weekly", trigger: cronTrigger("0 9 * * 1", SH, "w"), run: async () => {}},
    ];
    const started = Date.now();
    const done = new Scheduler(jobs, {logger: memoryLogger(), signal: controller.signal}).run();
    setTimeout(() => controller.abort(), 50);
    await done;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
