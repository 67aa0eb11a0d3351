/**
 * Migration 0036: indexes for the Studio's runs list and dashboard (ADR 0014).
 *
 * - `runs_status_listing` holds listRuns' order after a status filter, so a page of one status is
 *   an index range however rare the status; it replaces `runs_status` (its leading column serves
 *   the count by status too).
 * - `runs_finished` serves the runs that ended in a time window (success rate, runs per minute).
 * - `run_events_step_ends` holds the step-end events by time: the step durations and node types
 *   of a window are read from them (`durationMs` and `nodeType` are in their data).
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  'create index runs_status_listing on runs (status, created_at, id)',
  'drop index runs_status',
  'create index runs_finished on runs (finished_at)',
  `create index run_events_step_ends on run_events (at) where type in ('step.succeeded', 'step.failed')`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}
