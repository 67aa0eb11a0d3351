import { describe, expect, test } from 'vitest';
import { scheduleTriggerKey } from './schedule-trigger-key.js';

describe('scheduleTriggerKey', () => {
  const cron = { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' };

  test('is s<index>: and 16 hex digits, the same in every version of Atom', () => {
    expect(scheduleTriggerKey(1, cron)).toMatch(/^s1:[0-9a-f]{16}$/);
    // Pinned: changing the canonical form would give every schedule a fresh mark.
    expect(scheduleTriggerKey(1, cron)).toBe(PINNED_KEY);
  });

  test('ignores what does not change the fire times', () => {
    const key = scheduleTriggerKey(0, cron);
    expect(scheduleTriggerKey(0, { cron: '  0  9 * *   1-5 ', timezone: 'Europe/Paris' })).toBe(key);
    expect(scheduleTriggerKey(0, { ...cron, catchUp: 'all' } as typeof cron)).toBe(key);
    expect(scheduleTriggerKey(0, { cron: '0 * * * *' })).toBe(
      scheduleTriggerKey(0, { cron: '0 * * * *', timezone: 'UTC' }),
    );
    expect(scheduleTriggerKey(0, { rrule: 'DTSTART:20260101T000000Z\r\n  RRULE:FREQ=DAILY\n' })).toBe(
      scheduleTriggerKey(0, { rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY' }),
    );
  });

  test('changes with the expression, the zone and the position', () => {
    const keys = new Set([
      scheduleTriggerKey(0, cron),
      scheduleTriggerKey(0, { ...cron, cron: '0 10 * * 1-5' }),
      scheduleTriggerKey(0, { ...cron, timezone: 'UTC' }),
      scheduleTriggerKey(1, cron),
      scheduleTriggerKey(0, { rrule: '0 9 * * 1-5', timezone: 'Europe/Paris' }),
    ]);
    expect(keys.size).toBe(5);
  });
});

// sha256('{"cron":"0 9 * * 1-5","timezone":"Europe/Paris"}'), first 16 hex digits.
const PINNED_KEY = 's1:b8783dbe2dd9c525';
