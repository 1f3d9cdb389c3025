/**
 * ISO weeks (Monday–Sunday) of Beijing dates: `2026-W47` ↔ its Monday, the week of a date, and the
 * last complete week at a given moment. The marts store Beijing wall-clock dates, so a week is a
 * pair of plain dates; only `lastCompleteWeek` deals with an instant, which it reads in UTC+8.
 */
import {PipelineError} from "../errors.js";

export interface IsoWeek {
  /** e.g. "2026-W47". */
  week: string;
  year: number;
  number: number;
  /** Monday, YYYY-MM-DD. */
  start: string;
  /** Sunday, YYYY-MM-DD. */
  end: string;
}

const DAY = 86_400_000;
/** China has kept UTC+8 all year since 1991. */
const BEIJING_OFFSET = 8 * 3_600_000;
const WEEK = /^(\d{4})-W(\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const iso = (time: number) => new Date(time).toISOString().slice(0, 10);
const utc = (date: string) => new Date(`${date}T00:00:00Z`).getTime();

/** The Monday of ISO week 1 of `year`: the week holding 4 January. */
function firstMonday(year: number): number {
  const jan4 = Date.UTC(year, 0, 4);
  return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY;
}

/** 52 or 53: a year has 53 ISO weeks when it starts on a Thursday, or is a leap year starting on a Wednesday. */
export function weeksInYear(year: number): number {
  return (firstMonday(year + 1) - firstMonday(year)) / (7 * DAY);
}

function make(year: number, number: number): IsoWeek {
  const monday = firstMonday(year) + (number - 1) * 7 * DAY;
  return {
    week: `${year}-W${String(number).padStart(2, "0")}`,
    year,
    number,
    start: iso(monday),
    end: iso(monday + 6 * DAY),
  };
}

/** Parses `2026-W47`; throws naming the value and what was expected. */
export function parseWeek(text: string): IsoWeek {
  const m = WEEK.exec(text.trim());
  if (!m)
    throw new PipelineError(
      `invalid week ${JSON.stringify(text)}: expected an ISO week YYYY-Www, e.g. 2026-W47`,
    );
  const year = Number(m[1]);
  const number = Number(m[2]);
  const weeks = weeksInYear(year);
  if (number < 1 || number > weeks)
    throw new PipelineError(`invalid week ${JSON.stringify(text)}: ${year} has ISO weeks W01 to W${weeks}`);
  return make(year, number);
}

/** The ISO week of a date YYYY-MM-DD (a Beijing date, as the marts store them). */
export function weekOfDate(date: string): IsoWeek {
  const m = DATE.exec(date);
  if (!m || iso(utc(date)) !== date)
    throw new PipelineError(`invalid date ${JSON.stringify(date)}: expected YYYY-MM-DD`);
  const time = utc(date);
  // The ISO year is the year of the week's Thursday.
  const thursday = time + (3 - ((new Date(time).getUTCDay() + 6) % 7)) * DAY;
  const year = new Date(thursday).getUTCFullYear();
  return make(year, Math.floor((thursday - firstMonday(year)) / (7 * DAY)) + 1);
}

/** The week `n` weeks after `week` (before, for negative n). */
export function shiftWeek(week: IsoWeek, n: number): IsoWeek {
  return weekOfDate(iso(utc(week.start) + n * 7 * DAY));
}

/** The Beijing date of an instant. */
export function beijingDate(now: Date): string {
  return iso(now.getTime() + BEIJING_OFFSET);
}

/** The last week that has ended by `now` in Beijing: the week before the one `now` falls in. */
export function lastCompleteWeek(now: Date): IsoWeek {
  return shiftWeek(weekOfDate(beijingDate(now)), -1);
}

/** The last week whose Sunday is on or before `date`: the last complete week of data ending that day. */
export function lastWeekEndingBy(date: string): IsoWeek {
  const week = weekOfDate(date);
  return week.end === date ? week : shiftWeek(week, -1);
}
