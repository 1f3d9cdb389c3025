import {describe, expect, it} from "vitest";
import {
  beijingDate,
  lastCompleteWeek,
  lastWeekEndingBy,
  parseWeek,
  shiftWeek,
  weekOfDate,
  weeksInYear,
} from "../../src/pipelines/report/week.js";

describe("ISO weeks", () => {
  it("parse to their Monday and Sunday", () => {
    expect(parseWeek("2026-W47")).toEqual({
      week: "2026-W47",
      year: 2026,
      number: 47,
      start: "2026-11-16",
      end: "2026-11-22",
    });
    expect(parseWeek(" 2026-W01 ").start).toBe("2025-12-29");
  });

  it("know which years have 53 weeks (a Thursday 1 January, or a leap year starting on Wednesday)", () => {
    expect(weeksInYear(2026)).toBe(53); // 2026-01-01 is a Thursday
    expect(weeksInYear(2020)).toBe(53); // leap year, 2020-01-01 a Wednesday
    expect(weeksInYear(2025)).toBe(52);
    expect(weeksInYear(2027)).toBe(52);
    expect(parseWeek("2026-W53")).toMatchObject({start: "2026-12-28", end: "2027-01-03"});
    expect(parseWeek("2027-W01")).toMatchObject({start: "2027-01-04", end: "2027-01-10"});
  });

  it("of a date, across year boundaries", () => {
    expect(weekOfDate("2026-11-18").week).toBe("2026-W47");
    expect(weekOfDate("2026-12-28").week).toBe("2026-W53");
    expect(weekOfDate("2027-01-03").week).toBe("2026-W53");
    expect(weekOfDate("2027-01-04").week).toBe("2027-W01");
    expect(weekOfDate("2025-12-29").week).toBe("2026-W01");
    expect(weekOfDate("2021-01-03").week).toBe("2020-W53");
    expect(weekOfDate("2024-12-30").week).toBe("2025-W01");
  });

  it("shift by whole weeks", () => {
    expect(shiftWeek(parseWeek("2026-W53"), 1).week).toBe("2027-W01");
    expect(shiftWeek(parseWeek("2027-W01"), -1).week).toBe("2026-W53");
    expect(shiftWeek(parseWeek("2026-W47"), -4).week).toBe("2026-W43");
    expect(shiftWeek(parseWeek("2026-W02"), -3).week).toBe("2025-W51");
  });

  it("the last complete week is the one before the Beijing week of now", () => {
    // Sunday 2026-11-22 23:59 in Beijing is 15:59 UTC: W47 is not over yet.
    expect(lastCompleteWeek(new Date("2026-11-22T15:59:00Z")).week).toBe("2026-W46");
    // Monday 00:00 in Beijing is Sunday 16:00 UTC: W47 has just ended.
    expect(lastCompleteWeek(new Date("2026-11-22T16:00:00Z")).week).toBe("2026-W47");
    expect(lastCompleteWeek(new Date("2026-11-28T07:00:00Z")).week).toBe("2026-W47");
    expect(lastCompleteWeek(new Date("2027-01-05T02:00:00Z")).week).toBe("2026-W53");
    expect(lastCompleteWeek(new Date("2027-01-11T00:00:00Z")).week).toBe("2027-W01");
    expect(beijingDate(new Date("2026-12-31T16:30:00Z"))).toBe("2027-01-01");
  });

  it("the last week a date completes", () => {
    expect(lastWeekEndingBy("2026-11-22").week).toBe("2026-W47");
    expect(lastWeekEndingBy("2026-11-23").week).toBe("2026-W47");
    expect(lastWeekEndingBy("2026-11-21").week).toBe("2026-W46");
  });

  it("reject invalid weeks and dates, saying what was expected", () => {
    expect(() => parseWeek("2026-47")).toThrow(
      'invalid week "2026-47": expected an ISO week YYYY-Www, e.g. 2026-W47',
    );
    expect(() => parseWeek("2026-w47")).toThrow('invalid week "2026-w47": expected an ISO week YYYY-Www');
    expect(() => parseWeek("2026-W5")).toThrow('invalid week "2026-W5": expected an ISO week YYYY-Www');
    expect(() => parseWeek("")).toThrow('invalid week "": expected an ISO week YYYY-Www');
    expect(() => parseWeek("2025-W53")).toThrow('invalid week "2025-W53": 2025 has ISO weeks W01 to W52');
    expect(() => parseWeek("2026-W00")).toThrow('invalid week "2026-W00": 2026 has ISO weeks W01 to W53');
    expect(() => parseWeek("2026-W54")).toThrow('invalid week "2026-W54": 2026 has ISO weeks W01 to W53');
    expect(() => weekOfDate("2026-02-30")).toThrow('invalid date "2026-02-30": expected YYYY-MM-DD');
  });
});
