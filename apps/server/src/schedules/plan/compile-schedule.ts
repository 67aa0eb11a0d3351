/** Reads a schedule trigger once, into something that answers "when does it fire next". */
import { type CompiledSchedule, invalidSchedule, type ScheduleExpression } from './compiled-schedule.js';
import { compileCron } from './cron-schedule.js';
import { compileRrule } from './rrule-schedule.js';
import { isTimeZone } from './zoned-time.js';

/**
 * Compiles the `cron` or `rrule` of a schedule trigger in its `timezone` (UTC when absent).
 *
 * @throws AtomError `ATOM_ERR_SCHEDULE_INVALID` when the expression does not parse, never fires, or
 *   the time zone is unknown; the message names the expression and the complaint.
 * @example
 * const schedule = compileSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Paris' });
 * schedule.nextAfter(Date.parse('2026-07-04T00:00:00Z')); // 2026-07-06T07:00:00Z, Monday 09:00 in Paris
 */
export function compileSchedule(trigger: ScheduleExpression): CompiledSchedule {
  const { cron, rrule, timezone } = trigger;
  if ((cron === undefined) === (rrule === undefined)) {
    throw invalidSchedule('a schedule has exactly one of `cron` or `rrule`');
  }
  if (timezone !== undefined && !isTimeZone(timezone)) {
    throw invalidSchedule('unknown IANA time zone', { kind: 'timezone', expression: timezone });
  }
  return cron !== undefined ? compileCron(cron, timezone ?? 'UTC') : compileRrule(rrule as string, timezone);
}
