import {describe, expect, it} from "vitest";
import {normalizeConfig} from "../../src/pipelines/config.js";
import {cronTrigger, everyMinutesTrigger, nextFire} from "../../src/pipelines/schedule/triggers.js";

const SH = "Asia/Shanghai";
const at = (iso: string) => new Date(iso);

describe("triggers", () => {
  it("cron in Asia/Shanghai: Monday 09:00 Beijing is Monday 01:00 UTC", () => {
    const weekly = cronTrigger("0 9 * * 1", SH, "schedule.weeklyReport");
    // Saturday 2026-11-28 15:00 Beijing → Monday 2026-11-30 09:00 Beijing.
    expect(nextFire(weekly, at("2026-11-28T07:00:00Z"))?.toISOString()).toBe("2026-11-30T01:00:00.000Z");
    // Strictly after: at the fire minute itself, the next is a week later.
    expect(nextFire(weekly, at("2026-11-30T01:00:00Z"))?.toISOString()).toBe("2026-12-07T01:00:00.000Z");
    // The same expression in UTC fires 8 hours later.
    const utc = cronTrigger("0 9 * * 1", "UTC", "x");
    expect(nextFire(utc, at("2026-11-28T07:00:00Z"))?.toISOString()).toBe("2026-11-30T09:00:00.000Z");
  });

  it("every N minutes counts from midnight in the time zone", () => {
    const hourly = everyMinutesTrigger(60, SH, "schedule.ingest");
    expect(nextFire(hourly, at("2026-11-28T07:20:10Z"))?.toISOString()).toBe("2026-11-28T08:00:00.000Z");
    // 90 minutes from Beijing midnight: 00:00, 01:30, 03:00 … Beijing 15:00 = 07:00 UTC is one.
    const ninety = everyMinutesTrigger(90, SH, "schedule.ingest");
    expect(nextFire(ninety, at("2026-11-28T06:00:00Z"))?.toISOString()).toBe("2026-11-28T07:00:00.000Z");
    expect(nextFire(ninety, at("2026-11-28T07:00:00Z"))?.toISOString()).toBe("2026-11-28T08:30:00.000Z");
    // 22:30 Beijing + 90 = 24:00 → the count restarts at midnight: 00:00 Beijing = 16:00 UTC.
    expect(nextFire(ninety, at("2026-11-28T14:31:00Z"))?.toISOString()).toBe("2026-11-28T16:00:00.000Z");
  });

  it("rejects invalid expressions with a message naming the setting", () => {
    expect(() => cronTrigger("0 25 * * *", SH, "schedule.weeklyReport")).toThrow(
      'schedule.weeklyReport: invalid cron expression "0 25 * * *" (hour: 25 is a invalid expression for hour)',
    );
    expect(() => cronTrigger("*/61 * * * *", SH, "schedule.ingest")).toThrow(
      'schedule.ingest: invalid cron expression "*/61 * * * *" (step out of range in field 1)',
    );
    expect(() => cronTrigger("0 0 9 * * 1", SH, "schedule.weeklyReport")).toThrow(
      "schedule.weeklyReport: a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 6",
    );
    expect(() => everyMinutesTrigger(0, SH, "schedule.ingest")).toThrow(
      "schedule.ingest: a whole number of minutes from 1 to 1440, got 0",
    );
    expect(() => cronTrigger("0 9 * * 1", "Mars/Olympus", "x")).toThrow('unknown time zone "Mars/Olympus"');
  });

  it("a config file with a bad schedule fails naming the file and the setting", () => {
    expect(() => normalizeConfig({schedule: {weeklyReport: "0 9 * * 8"}}, "returnscope.config.json")).toThrow(
      /^returnscope\.config\.json: schedule\.weeklyReport: invalid cron expression "0 9 \* \* 8"/,
    );
    expect(() => normalizeConfig({schedule: {ingest: "often"}}, "c.json")).toThrow(
      'c.json: schedule.ingest: a cron expression has 5 fields (minute hour day-of-month month day-of-week), got 1: "often"',
    );
    expect(() => normalizeConfig({schedule: {every: 5}}, "c.json")).toThrow(
      "c.json: unknown setting schedule.every",
    );
    const config = normalizeConfig({schedule: {ingest: 15, weeklyReport: null}}, "c.json");
    expect(config.schedule).toMatchObject({ingest: 15, weeklyReport: null, timezone: SH});
  });

  it("a config file may set costs, platform, risk and schedule", () => {
    const config = normalizeConfig(
      {costs: {}, platform: {}, risk: {}, schedule: {timezone: "UTC"}},
      "returnscope.config.json",
    );
    expect(config.schedule.timezone).toBe("UTC");
  });
});
