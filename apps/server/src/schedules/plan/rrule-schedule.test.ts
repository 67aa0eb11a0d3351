import { AtomError } from '@atom/errors';
import fc from 'fast-check';
import rrulePackage from 'rrule';
import { afterEach, describe, expect, test } from 'vitest';
import { compileCron } from './cron-schedule.js';
import { nextFireTimes } from './next-fire-times.js';
import { compileRrule } from './rrule-schedule.js';

const { RRule } = rrulePackage;
const at = Date.parse;
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const DAY = 86_400_000;

describe('compileRrule in a time zone', () => {
  const processZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = processZone;
  });

  test('BYHOUR=9 in Europe/Paris is 09:00 Paris wall time, summer and winter', () => {
    const mondays = compileRrule('FREQ=WEEKLY;BYDAY=MO;BYHOUR=9', 'Europe/Paris');
    expect(iso(mondays.nextAfter(at('2026-07-04T00:00:00Z')))).toBe('2026-07-06T07:00:00.000Z');
    expect(iso(mondays.nextAfter(at('2026-01-03T00:00:00Z')))).toBe('2026-01-05T08:00:00.000Z');
    expect(iso(mondays.latestAtOrBefore(at('2026-07-06T07:00:00Z')))).toBe('2026-07-06T07:00:00.000Z');
    expect(iso(mondays.latestAtOrBefore(at('2026-07-06T06:59:59Z')))).toBe('2026-06-29T07:00:00.000Z');
  });

  test('gives the same instants whatever the time zone of the process', () => {
    const answers = ['UTC', 'Asia/Tokyo', 'America/Los_Angeles'].map((zone) => {
      process.env.TZ = zone;
      const rule = compileRrule('FREQ=WEEKLY;BYDAY=MO;BYHOUR=9', 'Europe/Paris');
      return nextFireTimes(rule, at('2026-03-20T00:00:00Z'), 3).map(iso);
    });
    expect(answers[0]).toEqual(['2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-04-06T07:00:00.000Z']);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  test('a rule without DTSTART starts at 2001-01-01T00:00:00 wall time, a Monday', () => {
    expect(iso(compileRrule('FREQ=WEEKLY', 'UTC').nextAfter(at('2026-07-04T00:00:00Z')))).toBe(
      '2026-07-06T00:00:00.000Z',
    );
    expect(iso(compileRrule('FREQ=WEEKLY', 'Europe/Paris').nextAfter(at('2026-07-04T00:00:00Z')))).toBe(
      '2026-07-05T22:00:00.000Z',
    );
    // 2026-07-06 is day 9317 after the anchor: every other day falls on the odd days.
    const everyOtherDay = compileRrule('FREQ=DAILY;INTERVAL=2', 'UTC');
    expect(iso(everyOtherDay.nextAfter(at('2026-07-05T12:00:00Z')))).toBe('2026-07-07T00:00:00.000Z');
    expect(iso(compileRrule('FREQ=MONTHLY', 'UTC').nextAfter(at('2026-07-04T00:00:00Z')))).toBe(
      '2026-08-01T00:00:00.000Z',
    );
  });

  test.each([
    [
      'DTSTART with a TZID',
      'DTSTART;TZID=Europe/Paris:20260706T093000\nRRULE:FREQ=DAILY;COUNT=2',
      undefined,
      ['2026-07-06T07:30:00.000Z', '2026-07-07T07:30:00.000Z'],
    ],
    [
      'DTSTART in UTC, read on the Paris wall clock',
      'DTSTART:20260706T070000Z\nRRULE:FREQ=MONTHLY;COUNT=7',
      'Europe/Paris',
      [
        '2026-07-06T07:00:00.000Z',
        '2026-08-06T07:00:00.000Z',
        '2026-09-06T07:00:00.000Z',
        '2026-10-06T07:00:00.000Z',
        '2026-11-06T08:00:00.000Z',
        '2026-12-06T08:00:00.000Z',
        '2027-01-06T08:00:00.000Z',
      ],
    ],
    [
      'a floating DTSTART in the trigger zone',
      'DTSTART:20260706T090000\nRRULE:FREQ=DAILY;COUNT=1',
      'America/New_York',
      ['2026-07-06T13:00:00.000Z'],
    ],
    [
      'an UNTIL in UTC (inclusive, compared as an instant)',
      'DTSTART;TZID=Europe/Paris:20260706T090000\nRRULE:FREQ=DAILY;UNTIL=20260708T070000Z',
      'Europe/Paris',
      ['2026-07-06T07:00:00.000Z', '2026-07-07T07:00:00.000Z', '2026-07-08T07:00:00.000Z'],
    ],
    [
      'an RRULE: prefix',
      'RRULE:FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14;COUNT=2',
      'UTC',
      ['2001-07-14T00:00:00.000Z', '2002-07-14T00:00:00.000Z'],
    ],
  ])('%s', (_name, text, zone, fires) => {
    const rule = compileRrule(text, zone);
    expect(nextFireTimes(rule, at('2000-01-01T00:00:00Z'), 10).map(iso)).toEqual(fires);
    expect(rule.nextAfter(at(fires.at(-1) as string))).toBeNull();
  });

  test('takes its zone from the DTSTART TZID when the trigger has none', () => {
    expect(compileRrule('DTSTART;TZID=Asia/Tokyo:20260706T090000\nRRULE:FREQ=DAILY', undefined).timezone).toBe(
      'Asia/Tokyo',
    );
    expect(compileRrule('FREQ=DAILY', undefined).timezone).toBe('UTC');
  });

  describe('a Europe/Paris DST day, as RFC 5545 reads it', () => {
    test('a daily 02:30: after the gap at the offset before it, once on the repeated hour', () => {
      const rule = compileRrule('FREQ=DAILY;BYHOUR=2;BYMINUTE=30', 'Europe/Paris');
      expect(nextFireTimes(rule, at('2026-03-28T12:00:00Z'), 2).map(iso)).toEqual([
        '2026-03-29T01:30:00.000Z', // 03:30 CEST
        '2026-03-30T00:30:00.000Z',
      ]);
      expect(nextFireTimes(rule, at('2026-10-24T12:00:00Z'), 2).map(iso)).toEqual([
        '2026-10-25T00:30:00.000Z', // 02:30 CEST, the first pass
        '2026-10-26T01:30:00.000Z',
      ]);
    });

    test('every half hour on the wall clock: no duplicates in the gap, one pass of the repeated hour', () => {
      const rule = compileRrule('FREQ=MINUTELY;INTERVAL=30', 'Europe/Paris');
      expect(nextFireTimes(rule, at('2026-03-29T00:00:00Z'), 4).map(iso)).toEqual([
        '2026-03-29T00:30:00.000Z', // 01:30 CET
        '2026-03-29T01:00:00.000Z', // 02:00, which does not exist, and 03:00 CEST
        '2026-03-29T01:30:00.000Z', // 02:30 and 03:30 CEST
        '2026-03-29T02:00:00.000Z', // 04:00 CEST
      ]);
      expect(nextFireTimes(rule, at('2026-10-24T23:45:00Z'), 3).map(iso)).toEqual([
        '2026-10-25T00:00:00.000Z', // 02:00 CEST
        '2026-10-25T00:30:00.000Z', // 02:30 CEST
        '2026-10-25T02:00:00.000Z', // 03:00 CET
      ]);
      expect(iso(rule.latestAtOrBefore(at('2026-10-25T01:45:00Z')))).toBe('2026-10-25T00:30:00.000Z');
    });
  });

  test('answers a per-second rule anchored in 2001 quickly (the rule restarts near the time asked)', () => {
    const started = performance.now();
    const rule = compileRrule('FREQ=SECONDLY;INTERVAL=7', 'Europe/Paris');
    const fires = nextFireTimes(rule, at('2026-07-06T07:00:00Z'), 100);
    expect(fires).toHaveLength(100);
    // The step runs on the wall clock: 2 h ahead of UTC in July, from 00:00:00 on 2001-01-01.
    expect(fires.every((fire) => (fire + 2 * 3_600_000 - at('2001-01-01T00:00:00Z')) % 7000 === 0)).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

describe('restarting a rule near the time asked changes none of its fire times', () => {
  const dtstart = at('2025-01-01T00:00:00Z');
  // rrule expands from DTSTART every time, so the window stays short for the fast frequencies.
  test.each([
    ['FREQ=SECONDLY;INTERVAL=13', 0.1],
    ['FREQ=MINUTELY;INTERVAL=7;BYDAY=MO,TU', 4],
    ['FREQ=HOURLY;INTERVAL=5;BYMINUTE=15,45', 40],
    ['FREQ=DAILY;INTERVAL=3;BYHOUR=9,21', 40],
    ['FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;BYHOUR=6', 40],
    ['FREQ=WEEKLY;BYDAY=MO,WE,FR;BYSETPOS=-1', 40],
  ] as const)('%s matches rrule expanding from DTSTART', (body, days) => {
    const ours = compileRrule(`DTSTART:20250101T000000Z\nRRULE:${body}`, 'UTC');
    const theirs = new RRule({ ...RRule.parseString(body), dtstart: new Date(dtstart) });
    fc.assert(
      fc.property(fc.integer({ min: dtstart - DAY, max: dtstart + Math.round(days * DAY) }), (t) => {
        expect(ours.nextAfter(t)).toBe(theirs.after(new Date(t))?.getTime() ?? null);
        expect(ours.latestAtOrBefore(t)).toBe(theirs.before(new Date(t), true)?.getTime() ?? null);
      }),
      { numRuns: 200 },
    );
  });
});

describe('nextAfter and latestAtOrBefore agree across the Paris DST changes', () => {
  const schedules = [
    compileRrule('FREQ=MINUTELY;INTERVAL=20', 'Europe/Paris'),
    compileRrule('FREQ=DAILY;BYHOUR=2,3;BYMINUTE=30', 'Europe/Paris'),
    compileRrule('FREQ=HOURLY;BYDAY=SU', 'Europe/Paris'),
    compileCron('*/20 * * * *', 'Europe/Paris'),
    compileCron('30 2 * * *', 'Europe/Paris'),
  ];
  const around = (day: string) => fc.integer({ min: at(day) - 2 * DAY, max: at(day) + 2 * DAY });
  test.each(schedules.map((schedule) => [`${schedule.kind} ${schedule.expression}`, schedule] as const))(
    '%s',
    (_name, schedule) => {
      fc.assert(
        fc.property(fc.oneof(around('2026-03-29T01:00:00Z'), around('2026-10-25T01:00:00Z')), (t) => {
          const next = schedule.nextAfter(t) as number;
          const latest = schedule.latestAtOrBefore(t) as number;
          expect(next).toBeGreaterThan(t);
          expect(latest).toBeLessThanOrEqual(t);
          expect(schedule.latestAtOrBefore(next)).toBe(next);
          expect(schedule.latestAtOrBefore(next - 1)).toBe(latest);
          expect(schedule.nextAfter(latest)).toBe(next);
        }),
        { numRuns: 150 },
      );
    },
  );
});

describe('refusals', () => {
  test.each([
    ['FREQ=FORTNIGHTLY', undefined, 'FREQ is missing or unknown'],
    ['BYHOUR=9', undefined, 'FREQ is missing or unknown'],
    ['FREQ=DAILY;BYHOUR=25', undefined, 'BYHOUR=25 is not an integer in 0..23'],
    ['FREQ=MINUTELY;INTERVAL=7;BYHOUR=9', undefined, 'BYHOUR with FREQ=MINUTELY or SECONDLY is not supported'],
    ['FREQ=SECONDLY;BYMINUTE=0', undefined, 'BYMINUTE with FREQ=SECONDLY is not supported'],
    ['FREQ=MINUTELY;INTERVAL=2;BYMINUTE=3', undefined, 'INTERVAL=2 from 00:00:00 never reaches the time of day'],
    ['FREQ=DAILY;INTERVAL=0', undefined, 'INTERVAL=0'],
    ['FREQ=DAILY;COUNT=1.5', undefined, 'COUNT=1.5'],
    ['FREQ=MONTHLY;BYMONTHDAY=0', undefined, 'BYMONTHDAY=0'],
    ['FREQ=WEEKLY;BYDAY=XX', undefined, 'BYDAY holds an unknown day'],
    ['FREQ=DAILY;COLOUR=RED', undefined, "Unknown RRULE property 'COLOUR'"],
    ['FREQ=DAILY;UNTIL=2026', undefined, 'Invalid UNTIL value'],
    ['FREQ=DAILY;COUNT=3;UNTIL=20270101T000000Z', undefined, 'COUNT and UNTIL exclude each other'],
    ['RRULE:FREQ=DAILY\nEXDATE:20260101T000000Z', undefined, 'unsupported line `EXDATE:20260101T000000Z`'],
    ['FREQ=DAILY\nFREQ=WEEKLY', undefined, 'unsupported line'],
    ['DTSTART:20260101T000000Z', undefined, 'no RRULE line'],
    ['DTSTART:2026-01-01\nRRULE:FREQ=DAILY', undefined, 'DTSTART must read like'],
    ['DTSTART:20260231T000000Z\nRRULE:FREQ=DAILY', undefined, 'DTSTART is not a valid date and time'],
    ['DTSTART;TZID=Asia/Tokyo:20260101T000000\nRRULE:FREQ=DAILY', 'Europe/Paris', 'differs from the trigger'],
    ['DTSTART;TZID=Mars/Base:20260101T000000\nRRULE:FREQ=DAILY', undefined, 'unknown time zone `Mars/Base`'],
    ['FREQ=DAILY;DTSTART=20260101T000000Z', undefined, 'put DTSTART on its own line'],
    ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', undefined, 'never fires: no day matches'],
    ['FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31', undefined, 'never fires: no day matches'],
    ['FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30', undefined, 'never fires'],
    // rrule itself would loop forever on this one.
    ['FREQ=HOURLY;INTERVAL=6;BYHOUR=3', undefined, 'INTERVAL=6 from 00:00:00 never reaches the time of day'],
    ['FREQ=DAILY;INTERVAL=7;BYDAY=TU', undefined, 'never fires'],
    ['FREQ=WEEKLY;BYDAY=MO,TU;BYSETPOS=3', undefined, 'never fires'],
    ['FREQ=HOURLY;INTERVAL=5;BYSETPOS=2', undefined, 'BYSETPOS asks for a position past the 1 occurrence(s)'],
    ['FREQ=DAILY;BYHOUR=9,17;BYSETPOS=-3', undefined, 'BYSETPOS asks for a position past the 2 occurrence(s)'],
    [
      'DTSTART:20260101T000000Z\nRRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;UNTIL=20270101T000000Z',
      undefined,
      'its first occurrence would fall after UNTIL',
    ],
  ])('`%s`', (text, zone, complaint) => {
    let error: unknown;
    try {
      compileRrule(text, zone);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(AtomError);
    expect((error as AtomError).code).toBe('ATOM_ERR_SCHEDULE_INVALID');
    expect((error as AtomError).message).toContain(`rrule \`${text}\``);
    expect((error as AtomError).message).toContain(complaint);
  });

  test('accepts rules that fire rarely', () => {
    expect(iso(compileRrule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29', 'UTC').nextAfter(at('2026-07-06T00:00:00Z')))).toBe(
      '2028-02-29T00:00:00.000Z',
    );
    expect(iso(compileRrule('FREQ=DAILY;INTERVAL=10;BYDAY=TU', 'UTC').nextAfter(0))).not.toBeNull();
    expect(iso(compileRrule('FREQ=MINUTELY;INTERVAL=7;BYMINUTE=5', 'UTC').nextAfter(0))).not.toBeNull();
    expect(iso(compileRrule('FREQ=YEARLY;BYEASTER=0', 'UTC').nextAfter(at('2026-07-06T00:00:00Z')))).toBe(
      '2027-03-28T00:00:00.000Z',
    );
  });
});
