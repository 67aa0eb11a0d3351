import { createHash } from 'node:crypto';
import type { ScheduleExpression } from './compiled-schedule.js';

/**
 * A stable key for the schedule trigger at `index` in a workflow's `triggers`:
 * `s<index>:<first 16 hex digits of the SHA-256 of the canonical schedule>`.
 *
 * The canonical schedule is the expression (cron: whitespace collapsed; rrule: lines trimmed) and the
 * time zone (`UTC` when absent). Editing the expression or the zone, or moving the trigger, gives a
 * new key and so a fresh mark: the edited schedule starts counting from when it is first seen, and no
 * fire time of the old one is caught up. Changing only `catchUp` keeps the key and the mark. The index
 * keeps two identical schedules of one workflow apart.
 *
 * @example
 * scheduleTriggerKey(1, { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' }) // 's1:' + 16 hex digits
 */
export function scheduleTriggerKey(index: number, trigger: ScheduleExpression): string {
  const canonical =
    trigger.cron !== undefined
      ? { cron: trigger.cron.trim().split(/\s+/).join(' '), timezone: trigger.timezone ?? 'UTC' }
      : {
          rrule: (trigger.rrule ?? '')
            .split(/\r?\n/)
            .map((line) => line.trim())
            .filter((line) => line !== '')
            .join('\n'),
          timezone: trigger.timezone ?? 'UTC',
        };
  const digest = createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
  return `s${index}:${digest.slice(0, 16)}`;
}
