/**
 * A cron expression read by croner: 5 fields, or 6 with seconds first (`@daily` and the other
 * nicknames too), in an IANA time zone.
 *
 * Day of month and day of week are OR-ed when both are restricted, as in Vixie cron. Across DST,
 * croner's rules apply: a *fixed-time* job (one value each for second, minute and hour, such as
 * `30 2 * * *`) fires once at the first occurrence of a repeated time and, when its time is skipped,
 * at the moment the clock jumps forward; any other job skips times that do not exist and fires on
 * both occurrences of a repeated time. croner searches up to the year 3000.
 */
import { Cron } from 'croner';
import { type CompiledSchedule, invalidSchedule } from './compiled-schedule.js';

export function compileCron(expression: string, timezone: string): CompiledSchedule {
  let cron: Cron;
  try {
    // No callback: croner starts no timer, the object only computes.
    cron = new Cron(expression.trim(), { timezone, mode: '5-or-6-parts' });
  } catch (error) {
    throw invalidSchedule(error instanceof Error ? error.message : String(error), { kind: 'cron', expression });
  }
  const schedule: CompiledSchedule = {
    kind: 'cron',
    expression,
    timezone,
    nextAfter: (t) => cron.nextRun(new Date(t))?.getTime() ?? null,
    // A run earlier in the same second as the reference counts, so t + 1 includes a fire time at t.
    latestAtOrBefore: (t) => cron.previousRuns(1, new Date(t + 1))[0]?.getTime() ?? null,
  };
  // A 5- or 6-field pattern repeats at least every 400 years, so one that never fires after 1970 never fires.
  let first: number | null;
  try {
    first = schedule.nextAfter(0);
  } catch (error) {
    // croner reads the time zone only when it first computes a date.
    throw invalidSchedule(error instanceof Error ? error.message : String(error), { kind: 'cron', expression });
  }
  if (first === null) throw invalidSchedule('never fires', { kind: 'cron', expression });
  return schedule;
}
