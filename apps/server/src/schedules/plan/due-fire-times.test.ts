import { describe, expect, test, vi } from 'vitest';
import { compileSchedule } from './compile-schedule.js';
import { type CatchUp, dueFireTimes } from './due-fire-times.js';

const at = (time: string) => Date.parse(`2026-07-06T${time}Z`);
const hhmmss = (t: number) => new Date(t).toISOString().slice(11, 19);
const hourly = compileSchedule({ cron: '0 * * * *' });
const everySecond = compileSchedule({ cron: '* * * * * *' });

type Row = [name: string, mark: string | undefined, now: string, expected: Record<CatchUp, string[]>];
const same = (times: string[]) => ({ none: times, last: times, all: times });

describe('dueFireTimes with an hourly schedule', () => {
  const rows: Row[] = [
    ['never ran: nothing, the caller marks now', undefined, '10:00:05', same([])],
    ['normal tick just after the fire time', '09:00:00', '10:00:02', same(['10:00:00'])],
    ['tick exactly at the fire time', '09:00:00', '10:00:00', same(['10:00:00'])],
    ['tick between fire times', '10:00:00', '10:30:00', same([])],
    ['tick before the first fire time after the mark', '09:00:00', '09:59:59', same([])],
    ['late tick within the window (59 s)', '09:00:00', '10:00:59', same(['10:00:00'])],
    ['late tick at the edge of the window (60 s)', '09:00:00', '10:01:00', same(['10:00:00'])],
    [
      'late tick past the window (61 s): a misfire',
      '09:00:00',
      '10:01:01',
      { none: [], last: ['10:00:00'], all: ['10:00:00'] },
    ],
    [
      'down for 3 fire times, back on time for the 4th',
      '06:00:00',
      '10:00:30',
      { none: ['10:00:00'], last: ['10:00:00'], all: ['07:00:00', '08:00:00', '09:00:00', '10:00:00'] },
    ],
    [
      'down for 4 fire times, back between two',
      '06:00:00',
      '10:30:00',
      { none: [], last: ['10:00:00'], all: ['07:00:00', '08:00:00', '09:00:00', '10:00:00'] },
    ],
    ['mark in the future (another clock ran ahead)', '12:00:00', '10:00:30', same([])],
    ['mark equal to now', '10:00:30', '10:00:30', same([])],
    ['mark on the fire time: already handled', '10:00:00', '10:00:30', same([])],
  ];
  for (const catchUp of ['none', 'last', 'all'] as const) {
    test.each(rows)(`${catchUp}: %s`, (_name, mark, now, expected) => {
      const due = dueFireTimes(hourly, { mark: mark === undefined ? undefined : at(mark), now: at(now), catchUp });
      expect(due.map(hhmmss)).toEqual(expected[catchUp]);
    });
  }
});

describe('dueFireTimes with a per-second schedule and a tick every 5 s', () => {
  test.each(['none', 'last', 'all'] as const)('%s starts all five fire times: they are all on time', (catchUp) => {
    const due = dueFireTimes(everySecond, { mark: at('10:00:00'), now: at('10:00:05.300'), catchUp });
    expect(due.map(hhmmss)).toEqual(['10:00:01', '10:00:02', '10:00:03', '10:00:04', '10:00:05']);
  });

  test('a shorter lateness makes the older ones misfires', () => {
    const options = { mark: at('10:00:00'), now: at('10:00:05'), lateness: 2000 };
    expect(dueFireTimes(everySecond, { ...options, catchUp: 'none' }).map(hhmmss)).toEqual([
      '10:00:03',
      '10:00:04',
      '10:00:05',
    ]);
    expect(dueFireTimes(everySecond, { ...options, catchUp: 'last' }).map(hhmmss)).toEqual([
      '10:00:03',
      '10:00:04',
      '10:00:05',
    ]);
    expect(dueFireTimes(everySecond, { ...options, lateness: 0, catchUp: 'last' }).map(hhmmss)).toEqual(['10:00:05']);
  });
});

describe('a long downtime', () => {
  const mark = Date.parse('2025-07-06T10:00:00Z');
  const now = at('10:00:30');

  test('`all` keeps the newest maxCatchUp fire times and reports the cap', () => {
    const onCapped = vi.fn();
    const started = performance.now();
    const due = dueFireTimes(compileSchedule({ cron: '* * * * *' }), { mark, now, catchUp: 'all', onCapped });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(due).toHaveLength(1000);
    expect(hhmmss(due.at(-1) as number)).toBe('10:00:00');
    expect(due[0]).toBe(at('10:00:00') - 999 * 60_000);
    expect(due.every((fire, i) => i === 0 || fire - (due[i - 1] as number) === 60_000)).toBe(true);
    expect(onCapped).toHaveBeenCalledWith({ maxCatchUp: 1000, newestDropped: (due[0] as number) - 60_000 });
  });

  test('`all` with a smaller cap, on an RRULE', () => {
    const onCapped = vi.fn();
    const schedule = compileSchedule({ rrule: 'FREQ=SECONDLY;INTERVAL=10', timezone: 'Europe/Paris' });
    const due = dueFireTimes(schedule, { mark, now, catchUp: 'all', maxCatchUp: 3, onCapped });
    expect(due.map(hhmmss)).toEqual(['10:00:10', '10:00:20', '10:00:30']);
    expect(onCapped).toHaveBeenCalledWith({ maxCatchUp: 3, newestDropped: at('10:00:00') });
  });

  test('`last` and `none` answer at once however long the downtime', () => {
    const schedule = compileSchedule({ cron: '* * * * * *' });
    const started = performance.now();
    expect(dueFireTimes(schedule, { mark, now: at('10:00:00.500') + 120_000, catchUp: 'last' })).toHaveLength(60);
    expect(dueFireTimes(hourly, { mark, now: at('10:30:00'), catchUp: 'last' }).map(hhmmss)).toEqual(['10:00:00']);
    expect(dueFireTimes(hourly, { mark, now: at('10:30:00'), catchUp: 'none' })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('the cap applies to on-time fire times too, and is reported', () => {
    const onCapped = vi.fn();
    const due = dueFireTimes(everySecond, {
      mark: at('10:00:00'),
      now: at('10:00:05'),
      catchUp: 'none',
      maxCatchUp: 2,
      onCapped,
    });
    expect(due.map(hhmmss)).toEqual(['10:00:04', '10:00:05']);
    expect(onCapped).toHaveBeenCalledWith({ maxCatchUp: 2, newestDropped: at('10:00:03') });
  });

  test('no report when nothing was dropped', () => {
    const onCapped = vi.fn();
    dueFireTimes(hourly, { mark: at('06:00:00'), now: at('10:00:30'), catchUp: 'all', maxCatchUp: 4, onCapped });
    dueFireTimes(hourly, { mark: at('06:00:00'), now: at('10:30:00'), catchUp: 'none', maxCatchUp: 1, onCapped });
    expect(onCapped).not.toHaveBeenCalled();
  });
});
