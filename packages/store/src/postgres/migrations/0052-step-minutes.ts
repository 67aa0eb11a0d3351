/** Migration 0052: the dashboard's rollup of step-end events (shared/step-minutes-migration.ts). */
import { stepMinutesMigration } from '../../shared/step-minutes-migration.js';

export const up = stepMinutesMigration('bigint', 'double precision');
