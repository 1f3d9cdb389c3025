/**
 * When scheduled jobs fire. A trigger answers one question — does it fire at this minute? — so the
 * scheduler can work on an injected clock: cron expressions are parsed and matched by node-cron
 * (in the configured time zone; 5 fields, minute resolution), "every N minutes" counts minutes
 * from midnight in that time zone.
 */
import cron from "node-cron";
import {PipelineError} from "../errors.js";

export interface Trigger {
  /** As the user wrote it, for messages: "0 9 * * 1 (Asia/Shanghai)". */
  describe: string;
  /** Whether the trigger fires at this minute (seconds and milliseconds are ignored). */
  matches(minute: Date): boolean;
}

const MINUTE = 60_000;

export function validTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", {timeZone: timezone});
    return true;
  } catch {
    return false;
  }
}

/** A cron trigger; `setting` names the config key in errors ("schedule.weeklyReport"). */
export function cronTrigger(expression: string, timezone: string, setting: string): Trigger {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new PipelineError(
      `${setting}: a cron expression has 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}: ${JSON.stringify(expression)}`,
      {step: "config"},
    );
  const checked = cron.validateDetailed(expression);
  // node-cron accepts steps larger than the field's range ("*/61"); they would never fire.
  const step = /\*\/(\d+)/;
  const ranges = [60, 24, 31, 12, 7];
  const badStep = fields.findIndex((field, i) => {
    const m = step.exec(field);
    return m !== null && (Number(m[1]) === 0 || Number(m[1]) > ranges[i]!);
  });
  if (!checked.valid || badStep >= 0) {
    const why = checked.errors.map((e) => `${e.field}: ${e.message}`).join("; ");
    throw new PipelineError(
      `${setting}: invalid cron expression ${JSON.stringify(expression)}${why ? ` (${why})` : ` (step out of range in field ${badStep + 1})`}`,
      {step: "config"},
    );
  }
  if (!validTimezone(timezone))
    throw new PipelineError(`schedule.timezone: unknown time zone ${JSON.stringify(timezone)}`, {
      step: "config",
    });
  const task = cron.createTask(expression, () => {}, {timezone});
  return {
    describe: `${expression} (${timezone})`,
    matches: (minute) => task.match(new Date(Math.floor(minute.getTime() / MINUTE) * MINUTE)),
  };
}

/** Fires every `minutes` minutes counted from midnight in the time zone (60: on the hour). */
export function everyMinutesTrigger(minutes: number, timezone: string, setting: string): Trigger {
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440)
    throw new PipelineError(`${setting}: a whole number of minutes from 1 to 1440, got ${minutes}`, {
      step: "config",
    });
  if (!validTimezone(timezone))
    throw new PipelineError(`schedule.timezone: unknown time zone ${JSON.stringify(timezone)}`, {
      step: "config",
    });
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });
  return {
    describe: `every ${minutes} min (${timezone})`,
    matches: (minute) => {
      const values = Object.fromEntries(parts.formatToParts(minute).map((p) => [p.type, p.value]));
      return (Number(values.hour) * 60 + Number(values.minute)) % minutes === 0;
    },
  };
}

/** The first whole minute strictly after `after` at which the trigger fires (null: none within a year). */
export function nextFire(trigger: Trigger, after: Date, horizonMinutes = 366 * 24 * 60): Date | null {
  let t = Math.floor(after.getTime() / MINUTE) * MINUTE + MINUTE;
  for (let i = 0; i < horizonMinutes; i++, t += MINUTE) {
    const minute = new Date(t);
    if (trigger.matches(minute)) return minute;
  }
  return null;
}
