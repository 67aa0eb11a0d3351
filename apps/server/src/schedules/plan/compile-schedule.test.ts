import { AtomError } from '@atom/errors';
import { expect, test } from 'vitest';
import { compileSchedule } from './compile-schedule.js';

function refusal(trigger: Parameters<typeof compileSchedule>[0]): AtomError {
  try {
    compileSchedule(trigger);
  } catch (error) {
    if (error instanceof AtomError) return error;
    throw error;
  }
  throw new Error('expected ATOM_ERR_SCHEDULE_INVALID');
}

test('compiles a cron or an RRULE, in UTC unless told', () => {
  expect(compileSchedule({ cron: '0 9 * * *' })).toMatchObject({
    kind: 'cron',
    expression: '0 9 * * *',
    timezone: 'UTC',
  });
  expect(compileSchedule({ rrule: 'FREQ=DAILY', timezone: 'Europe/Paris' })).toMatchObject({
    kind: 'rrule',
    expression: 'FREQ=DAILY',
    timezone: 'Europe/Paris',
  });
});

test('refuses a trigger with both or neither expression', () => {
  expect(refusal({}).message).toBe('schedule: a schedule has exactly one of `cron` or `rrule`');
  expect(refusal({ cron: '0 9 * * *', rrule: 'FREQ=DAILY' }).code).toBe('ATOM_ERR_SCHEDULE_INVALID');
});

test('refuses an unknown time zone, for cron and RRULE alike', () => {
  for (const trigger of [{ cron: '0 9 * * *' }, { rrule: 'FREQ=DAILY' }]) {
    const error = refusal({ ...trigger, timezone: 'Europe/Pariss' });
    expect(error.code).toBe('ATOM_ERR_SCHEDULE_INVALID');
    expect(error.message).toBe('schedule timezone `Europe/Pariss`: unknown IANA time zone');
  }
});

test('names the expression and the complaint, and is not retryable', () => {
  const error = refusal({ cron: '0 25 * * *' });
  expect(error.message).toMatch(/^schedule cron `0 25 \* \* \*`: .*hour/);
  expect(error.retryable).toBe(false);
  expect(error.status).toBe(422);
  expect(error.data).toEqual({ cron: '0 25 * * *' });
});
