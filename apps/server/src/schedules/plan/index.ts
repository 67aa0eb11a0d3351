export { compileSchedule } from './compile-schedule.js';
export type { CompiledSchedule, ScheduleExpression } from './compiled-schedule.js';
export {
  type CatchUp,
  DEFAULT_LATENESS_MS,
  DEFAULT_MAX_CATCH_UP,
  type DueOptions,
  dueFireTimes,
} from './due-fire-times.js';
export { nextFireTimes } from './next-fire-times.js';
export { RRULE_ANCHOR } from './rrule-text.js';
export { scheduleTriggerKey } from './schedule-trigger-key.js';
