import { AtomError } from '@atom/errors';
import { describe, expect, test } from 'vitest';
import { compileCron } from './cron-schedule.js';
import { nextFireTimes } from './next-fire-times.js';

const at = Date.parse;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

describe('compileCron', () => {
  test('reads the expression in its time zone, summer and winter', () => {
    const weekdays = compileCron('0 9 * * 1-5', 'Europe/Paris');
    expect(iso(weekdays.nextAfter(at('2026-07-04T00:00:00Z')))).toBe('2026-07-06T07:00:00.000Z');
    expect(iso(weekdays.nextAfter(at('2026-01-03T00:00:00Z')))).toBe('2026-01-05T08:00:00.000Z');
  });

  test('nextAfter is strictly after, latestAtOrBefore includes t', () => {
    const hourly = compileCron('0 * * * *', 'UTC');
    const fire = at('2026-07-06T07:00:00Z');
    expect(hourly.nextAfter(fire - 1)).toBe(fire);
    expect(hourly.nextAfter(fire)).toBe(fire + 3_600_000);
    expect(hourly.nextAfter(fire + 500)).toBe(fire + 3_600_000);
    expect(hourly.latestAtOrBefore(fire)).toBe(fire);
    expect(hourly.latestAtOrBefore(fire + 999)).toBe(fire);
    expect(hourly.latestAtOrBefore(fire - 1)).toBe(fire - 3_600_000);
  });

  test.each([
    ['6 fields, seconds first', '30 0 9 * * *', '2026-07-07T09:00:30.000Z'],
    ['a nickname', '@daily', '2026-07-07T00:00:00.000Z'],
    ['day names', '0 9 * * MON', '2026-07-13T09:00:00.000Z'],
    ['the last day of the month', '0 0 L * *', '2026-07-31T00:00:00.000Z'],
    ['`?` as `*`', '0 9 ? * MON', '2026-07-13T09:00:00.000Z'],
    ['day of month OR day of week', '0 9 10 * MON', '2026-07-10T09:00:00.000Z'],
  ])('%s: %s', (_name, expression, next) => {
    expect(iso(compileCron(expression, 'UTC').nextAfter(at('2026-07-06T12:00:00Z')))).toBe(next);
  });

  describe('a Europe/Paris DST day, as croner does it', () => {
    test('spring: a fixed time in the gap fires when the clock jumps; an interval job skips the gap', () => {
      const fixed = compileCron('30 2 * * *', 'Europe/Paris');
      expect(nextFireTimes(fixed, at('2026-03-28T00:00:00Z'), 3).map(iso)).toEqual([
        '2026-03-28T01:30:00.000Z',
        '2026-03-29T01:00:00.000Z', // 03:00 CEST, the moment 02:00 CET became 03:00
        '2026-03-30T00:30:00.000Z',
      ]);
      const halfHourly = compileCron('*/30 * * * *', 'Europe/Paris');
      expect(nextFireTimes(halfHourly, at('2026-03-29T00:00:00Z'), 4).map(iso)).toEqual([
        '2026-03-29T00:30:00.000Z', // 01:30 CET
        '2026-03-29T01:00:00.000Z', // 03:00 CEST: 02:00 and 02:30 do not exist
        '2026-03-29T01:30:00.000Z',
        '2026-03-29T02:00:00.000Z',
      ]);
    });

    test('autumn: a fixed time fires once, an interval job on both passes of the repeated hour', () => {
      const fixed = compileCron('30 2 * * *', 'Europe/Paris');
      expect(nextFireTimes(fixed, at('2026-10-24T12:00:00Z'), 2).map(iso)).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST, the first pass
        '2026-10-26T01:30:00.000Z',
      ]);
      const halfHourly = compileCron('*/30 * * * *', 'Europe/Paris');
      expect(nextFireTimes(halfHourly, at('2026-10-24T23:45:00Z'), 5).map(iso)).toEqual([
        '2026-10-25T00:00:00.000Z', // 02:00 CEST
        '2026-10-25T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T01:00:00.000Z', // 02:00 CET
        '2026-10-25T01:30:00.000Z', // 02:30 CET
        '2026-10-25T02:00:00.000Z', // 03:00 CET
      ]);
      expect(iso(halfHourly.latestAtOrBefore(at('2026-10-25T01:10:00Z')))).toBe('2026-10-25T01:00:00.000Z');
    });
  });

  test.each([
    ['61 * * * *', 'Invalid value for minute: 61'],
    ['every day', 'exactly five, six, or seven space separated parts'],
    ['* * * *', 'exactly five, six, or seven space separated parts'],
    ['0 0 0 1 1 * 2030', 'requires exactly 5 or 6 parts'],
    ['0 0 30 2 *', 'never fires'],
  ])('refuses `%s`', (expression, complaint) => {
    const error = (() => {
      try {
        compileCron(expression, 'UTC');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(AtomError);
    expect((error as AtomError).code).toBe('ATOM_ERR_SCHEDULE_INVALID');
    expect((error as AtomError).message).toContain(`cron \`${expression}\``);
    expect((error as AtomError).message).toContain(complaint);
  });

  test('refuses a time zone croner cannot read', () => {
    const error = (() => {
      try {
        compileCron('0 9 * * *', 'Mars/Olympus_Mons');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(AtomError);
    expect((error as AtomError).code).toBe('ATOM_ERR_SCHEDULE_INVALID');
    expect((error as AtomError).message).toContain('Mars/Olympus_Mons');
  });
});
