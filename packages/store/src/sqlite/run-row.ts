/**
 * A `runs` row as SQLite returns it (selected with RUN_COLUMNS, shared/run-columns.ts): the
 * RunRecord's fields, its JSON ones still as TEXT.
 * In: such a row. Out: the same object as a RunRecord, JSON fields parsed.
 */
import type { RunRecord } from '@atom/engine';
import { RUN_JSON_FIELDS } from '../shared/run-columns.js';
import { decodeJson } from './json-column.js';

export type RunRow = Omit<RunRecord, 'inputs' | 'trigger' | 'outputs' | 'error'> &
  Record<'inputs' | 'trigger' | 'outputs' | 'error', string | null>;

/** Parses the JSON fields in place and returns the same object. */
export function toRunRecord(row: RunRow): RunRecord {
  return decodeJson<RunRecord>(row, RUN_JSON_FIELDS);
}
