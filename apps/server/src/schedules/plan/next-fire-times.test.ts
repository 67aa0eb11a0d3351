import { expect, test } from 'vitest';
import { compileSchedule } from './compile-schedule.js';
import { nextFireTimes } from './next-fire-times.js';

const iso = (t: number) => new Date(t).toISOString();

test('lists the next fire times strictly after the given time', () => {
  const schedule = compileSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Paris' });
  expect(nextFireTimes(schedule, Date.parse('2026-07-03T07:00:00Z'), 3).map(iso)).toEqual([
    '2026-07-06T07:00:00.000Z',
    '2026-07-07T07:00:00.000Z',
    '2026-07-08T07:00:00.000Z',
  ]);
});

test('lists fewer when the schedule ends, and none for a count of 0', () => {
  const schedule = compileSchedule({ rrule: 'DTSTART:20260706T090000Z\nRRULE:FREQ=DAILY;COUNT=2' });
  expect(nextFireTimes(schedule, 0, 5).map(iso)).toEqual(['2026-07-06T09:00:00.000Z', '2026-07-07T09:00:00.000Z']);
  expect(nextFireTimes(schedule, 0, 0)).toEqual([]);
});
