import { describe, expect, test } from 'vitest';
import { instantOf, isTimeZone, offsetAt, offsetRange, wallOf } from './zoned-time.js';

const at = Date.parse;
const HOUR = 3_600_000;

describe('wallOf and offsetAt', () => {
  test.each([
    ['2026-07-06T07:00:00Z', 'Europe/Paris', '2026-07-06T09:00:00Z', 2],
    ['2026-01-05T08:00:00Z', 'Europe/Paris', '2026-01-05T09:00:00Z', 1],
    ['2026-07-06T13:00:00.250Z', 'America/New_York', '2026-07-06T09:00:00.250Z', -4],
    ['2026-07-06T07:00:00Z', 'UTC', '2026-07-06T07:00:00Z', 0],
    ['2026-07-06T03:30:00Z', 'Asia/Kolkata', '2026-07-06T09:00:00Z', 5.5],
  ])('%s in %s reads %s (UTC%+d)', (instant, zone, wall, hours) => {
    expect(wallOf(at(instant), zone)).toBe(at(wall));
    expect(offsetAt(at(instant), zone)).toBe(hours * HOUR);
  });
});

describe('instantOf reads a wall time as RFC 5545 does', () => {
  test.each([
    ['an ordinary time', '2026-07-06T09:00:00Z', 'Europe/Paris', '2026-07-06T07:00:00Z'],
    [
      'a time repeated when the clock goes back: its first occurrence',
      '2026-10-25T02:30:00Z',
      'Europe/Paris',
      '2026-10-25T00:30:00Z',
    ],
    [
      'a time skipped when the clock jumps: the offset before the gap',
      '2026-03-29T02:30:00Z',
      'Europe/Paris',
      '2026-03-29T01:30:00Z',
    ],
    ['the first time after the gap', '2026-03-29T03:00:00Z', 'Europe/Paris', '2026-03-29T01:00:00Z'],
    ['a skipped time in New York', '2026-03-08T02:30:00Z', 'America/New_York', '2026-03-08T07:30:00Z'],
    ['UTC', '2026-03-29T02:30:00Z', 'UTC', '2026-03-29T02:30:00Z'],
  ])('%s', (_name, wall, zone, instant) => {
    expect(new Date(instantOf(at(wall), zone)).toISOString()).toBe(new Date(at(instant)).toISOString());
  });

  test('round-trips every hour of a year in Paris', () => {
    for (let instant = at('2026-01-01T00:00:00Z'); instant < at('2027-01-01T00:00:00Z'); instant += HOUR) {
      const wall = wallOf(instant, 'Europe/Paris');
      const back = instantOf(wall, 'Europe/Paris');
      // Only the second pass of the repeated hour maps back to its first pass.
      if (back !== instant) expect(instant - back).toBe(HOUR);
    }
  });
});

describe('offsetRange', () => {
  test('spans both offsets near a transition and one elsewhere', () => {
    expect(offsetRange(at('2026-03-29T01:00:00Z'), 'Europe/Paris')).toEqual({ min: HOUR, max: 2 * HOUR });
    expect(offsetRange(at('2026-07-06T07:00:00Z'), 'Europe/Paris')).toEqual({ min: 2 * HOUR, max: 2 * HOUR });
  });
});

test('isTimeZone', () => {
  expect(isTimeZone('Europe/Paris')).toBe(true);
  expect(isTimeZone('UTC')).toBe(true);
  expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
});
