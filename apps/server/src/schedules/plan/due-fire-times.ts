/**
 * Which fire times to start now. In: the schedule, its mark (the last fire time already handled),
 * the time now and the trigger's `catchUp`. Out: the fire times to start, oldest first.
 *
 * The rule:
 * 1. No mark (the schedule has never been seen): nothing. The caller sets the mark to now, so
 *    nothing that was due before the schedule existed ever fires.
 * 2. The candidates are the fire times f with mark < f ≤ now (none when the mark is in the future).
 * 3. A candidate is *on time* when now − f ≤ lateness (60 s unless told), otherwise a *misfire*.
 *    Every on-time candidate fires, whatever the policy: a scheduler that ticks every 5 s must not
 *    drop four of five fire times of a per-second schedule.
 * 4. Misfires: `none` drops them all; `last` fires the latest one, but only when no candidate is on
 *    time; `all` fires them all.
 * 5. At most `maxCatchUp` (1000 unless told) fire times come back, the newest; when older ones are
 *    dropped, `onCapped` hears of it.
 * The caller then moves the mark to `schedule.latestAtOrBefore(now)` (never backwards), dropped fire
 * times included. The work is bounded by `maxCatchUp`, not by the length of the downtime: the walk
 * goes backwards from now.
 */
import type { CompiledSchedule } from './compiled-schedule.js';

export type CatchUp = 'none' | 'last' | 'all';

export const DEFAULT_LATENESS_MS = 60_000;
export const DEFAULT_MAX_CATCH_UP = 1000;

export interface DueOptions {
  /** The last fire time already handled; undefined when the schedule never ran. */
  mark: number | undefined;
  now: number;
  catchUp: CatchUp;
  /** Most fire times returned; the oldest are dropped first. Default 1000. */
  maxCatchUp?: number;
  /** How late a fire time may be and still count as on time, in ms. Default 60 s. */
  lateness?: number;
  /** Told when older fire times were dropped to keep `maxCatchUp`: the newest of those dropped. */
  onCapped?: (capped: { maxCatchUp: number; newestDropped: number }) => void;
}

/**
 * The fire times to start now, oldest first (see the rule above).
 *
 * @example
 * // Hourly, last handled 08:00, back at 12:00:10: `last` starts 12:00 (on time) and drops 09:00–11:00.
 * dueFireTimes(hourly, { mark: Date.parse('2026-07-06T08:00:00Z'), now: Date.parse('2026-07-06T12:00:10Z'), catchUp: 'last' })
 */
export function dueFireTimes(schedule: CompiledSchedule, options: DueOptions): number[] {
  const { mark, now, catchUp } = options;
  const limit = options.maxCatchUp ?? DEFAULT_MAX_CATCH_UP;
  const maxCatchUp = Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : DEFAULT_MAX_CATCH_UP;
  const onTimeFrom = now - (options.lateness ?? DEFAULT_LATENESS_MS);
  if (mark === undefined || mark >= now) return [];

  const due: number[] = [];
  let fire = schedule.latestAtOrBefore(now);
  while (fire !== null && fire > mark && due.length < maxCatchUp) {
    const misfire = fire < onTimeFrom;
    if (misfire && catchUp === 'none') break;
    if (misfire && catchUp === 'last') {
      if (due.length === 0) due.push(fire);
      break;
    }
    due.push(fire);
    fire = schedule.latestAtOrBefore(fire - 1);
  }
  if (due.length === maxCatchUp && fire !== null && fire > mark && (catchUp === 'all' || fire >= onTimeFrom)) {
    options.onCapped?.({ maxCatchUp, newestDropped: fire });
  }
  return due.reverse();
}
