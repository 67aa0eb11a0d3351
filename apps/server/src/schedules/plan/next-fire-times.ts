import type { CompiledSchedule } from './compiled-schedule.js';

/**
 * The next `count` fire times strictly after `after`, ascending; fewer when the schedule ends.
 *
 * @example
 * nextFireTimes(compileSchedule({ cron: '0 * * * *' }), Date.now(), 5).map((t) => new Date(t).toISOString())
 */
export function nextFireTimes(schedule: CompiledSchedule, after: number, count: number): number[] {
  const times: number[] = [];
  let fire = schedule.nextAfter(after);
  while (fire !== null && times.length < count) {
    times.push(fire);
    fire = times.length < count ? schedule.nextAfter(fire) : null;
  }
  return times;
}
