import { AtomError } from '@atom/errors';

/** The fields of a schedule trigger that decide its fire times (`catchUp` only decides what runs). */
export interface ScheduleExpression {
  cron?: string;
  rrule?: string;
  /** IANA time zone; UTC when absent. */
  timezone?: string;
}

/**
 * A schedule read once and asked many times. Fire times are epoch milliseconds on whole seconds.
 * Pure: no timers, no clock; the same expression gives the same answers in every process.
 */
export interface CompiledSchedule {
  readonly kind: 'cron' | 'rrule';
  /** The expression as written. */
  readonly expression: string;
  readonly timezone: string;
  /** The first fire time strictly after `t`, or null when the schedule has ended. */
  nextAfter(t: number): number | null;
  /** The last fire time at or before `t`, or null when there is none. */
  latestAtOrBefore(t: number): number | null;
}

/** `ATOM_ERR_SCHEDULE_INVALID`, naming the expression (when there is one) and what is wrong with it. */
export function invalidSchedule(
  complaint: string,
  source?: { kind: 'cron' | 'rrule' | 'timezone'; expression: string },
): AtomError {
  if (!source) return new AtomError('ATOM_ERR_SCHEDULE_INVALID', `schedule: ${complaint}`);
  return new AtomError('ATOM_ERR_SCHEDULE_INVALID', `schedule ${source.kind} \`${source.expression}\`: ${complaint}`, {
    data: { [source.kind]: source.expression },
  });
}
