/**
 * A `steps` row as SQLite returns it (selected with STEP_COLUMNS, shared/step-columns.ts): the
 * StepRecord's fields, its JSON ones still as TEXT.
 * In: such a row. Out: the same object as a StepRecord, JSON fields parsed.
 */
import type { StepRecord } from '@atom/engine';
import { STEP_JSON_FIELDS } from '../shared/step-columns.js';
import { decodeJson } from './json-column.js';

export type StepRow = Omit<StepRecord, 'item' | 'input' | 'output' | 'error' | 'wait' | 'resume'> &
  Record<'item' | 'input' | 'output' | 'error' | 'wait' | 'resume', string | null>;

/** Parses the JSON fields in place and returns the same object. */
export function toStepRecord(row: StepRow): StepRecord {
  return decodeJson<StepRecord>(row, STEP_JSON_FIELDS);
}
