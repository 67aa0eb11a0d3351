/**
 * One atomic unit of engine work: the store transaction, the run it concerns, its workflow, the
 * time, and the events it produces (appended once, at the end, in the same transaction).
 */
import { AtomError, type ErrorRecord, toErrorRecord } from '@atom/errors';
import { assertNesting, assertNoNul, type CompiledStep, type CompiledWorkflow, jsonHoldsNul, nulAt } from '@atom/spec';
import type { EngineOptions } from '../engine-options.js';
import type { BlobPort } from '../ports/blob-port.js';
import type { ClaimedStep, NewRunEvent, RunRecord, StepRecord, StoreTx } from '../ports/store-port.js';
import type { BindingRow } from './bindings.js';
import type { EagerDispatch } from './dispatch.js';
import type { LocalSteps } from './local-step.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Workspace variables and secrets, read once per step execution. */
export interface SecretScope {
  vars: Record<string, string>;
  secrets: Record<string, string>;
}

export interface EngineServices {
  blobs: BlobPort;
  options: EngineOptions;
  random: () => number;
  /** The variables and secrets of a workspace (a run's: RunRecord.workspaceId). */
  secrets: (workspaceId: string) => Promise<SecretScope>;
}

export interface Unit {
  tx: StoreTx;
  run: RunRecord;
  wf: CompiledWorkflow;
  now: number;
  services: EngineServices;
  events: NewRunEvent[];
  /** The committing worker's offer to take startable steps at once (null: make them ready). */
  dispatch: EagerDispatch | null;
  /** Steps this unit claimed through `dispatch`, as they are after the claim. */
  claimed: ClaimedStep[];
  /** Outputs this unit committed (remembered in memory once the transaction commits). */
  succeeded: BindingRow[];
  /** Set when the unit made a step ready or claimed it, or saw one active: the run is certainly busy. */
  startedSomething: boolean;
  /** The local steps this unit may run (local-step.ts); null when it runs none. */
  local: LocalSteps | null;
}

export function emit(unit: Unit, type: string, stepKey: string | null, data: unknown = null, runId?: string): void {
  unit.events.push({ runId: runId ?? unit.run.id, type, stepKey, data, at: unit.now });
}

/** True when the step `key` waits in this unit's local queue: it will run here, and has not ended. */
export function queuedHere(unit: Unit, key: string): boolean {
  return unit.local?.queue.some(({ row }) => row.key === key) ?? false;
}

/** The document step a row executes (for compensations: the step being undone). */
export function stepDef(unit: Unit, row: Pick<StepRecord, 'stepId'>): CompiledStep {
  const def = unit.wf.steps.get(row.stepId);
  if (!def) {
    throw new AtomError(
      'ATOM_ERR_INTERNAL',
      `run ${unit.run.id} has a step "${row.stepId}" that workflow ${unit.wf.name} does not define`,
    );
  }
  return def;
}

/**
 * What metrics need from a step's end event: the node type that ran (`group` for groups and
 * foreach containers) and how long the step took since its first start. Never throws.
 */
export function stepTiming(unit: Unit, row: Pick<StepRecord, 'stepId' | 'kind' | 'startedAt'>) {
  const def = unit.wf.steps.get(row.stepId);
  const nodeType = (row.kind === 'compensation' ? def?.compensate?.uses : def?.uses) ?? 'group';
  return row.startedAt === null ? { nodeType } : { nodeType, durationMs: Math.max(0, unit.now - row.startedAt) };
}

/**
 * How stored outputs are encoded. A large output is kept as a blob and stored as `{ $blob, size }`.
 * So that no user value can pass for one, an output that would look like an encoded form (an object
 * whose keys are exactly `$blob` and `size`, or exactly `$inline`) is stored wrapped as
 * `{ $inline: value }`, and unwrapped when read.
 */
export interface BlobRef {
  $blob: string;
  size: number;
}

function keysAre(value: unknown, ...keys: string[]): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

export function isBlobRef(value: unknown): value is BlobRef {
  return keysAre(value, '$blob', 'size') && typeof value.$blob === 'string';
}

function escaped(value: unknown): unknown {
  return keysAre(value, '$blob', 'size') || keysAre(value, '$inline') ? { $inline: value } : value;
}

/**
 * Applies the output size limits: small outputs stay inline, larger ones go to the blob store and
 * are kept by reference, too large ones fail the step.
 */
export async function storableOutput(services: EngineServices, stepKey: string, output: unknown): Promise<unknown> {
  const value = output ?? null;
  // Before JSON.stringify, which recurses and would overflow on an absurdly deep value.
  assertNesting(value, services.options.maxNesting, `the output of step ${stepKey}`, ['output']);
  const json = JSON.stringify(value);
  // No store keeps a NUL character (ADR 0022): the step fails, naming where it is.
  if (jsonHoldsNul(json)) assertNoNul(value, `the output of step ${stepKey}`, ['output']);
  // Byte length only matters near the limits; UTF-8 is at most 3 bytes per UTF-16 unit.
  const size = json.length * 3 <= services.options.inlineOutputBytes ? json.length : encoder.encode(json).length;
  if (size > services.options.maxOutputBytes) {
    throw new AtomError(
      'ATOM_ERR_STEP_OUTPUT_TOO_LARGE',
      `step ${stepKey} returned ${size} bytes; the limit is ${services.options.maxOutputBytes}`,
      { data: { size, limit: services.options.maxOutputBytes } },
    );
  }
  if (size <= services.options.inlineOutputBytes) return escaped(value);
  const ref = await services.blobs.put(encoder.encode(json));
  return { $blob: ref, size } satisfies BlobRef;
}

/** A step's evaluated `with`, before its node runs: like an output, it holds no NUL character. */
export function assertStorableInput(stepKey: string, input: unknown): void {
  assertNoNul(input, `the input of step ${stepKey}`, ['with']);
}

/** The input kept with a failed step: none when it holds a NUL character (the error says where). */
export function keptInput(input: unknown): unknown {
  return nulAt(input) === null ? input : null;
}

/** Reads an output back: follows a blob reference, unwraps an escaped value. */
export async function loadOutput(blobs: BlobPort, output: unknown): Promise<unknown> {
  if (keysAre(output, '$inline')) return output.$inline;
  if (!isBlobRef(output)) return output;
  const bytes = await blobs.get(output.$blob);
  return JSON.parse(decoder.decode(bytes));
}

/**
 * Anything thrown, as a record; what is not an AtomError is an internal error. A NUL character in
 * it (a `fail` message, an answer quoted in an error) becomes the text `\u0000`: an error is for
 * people to read, and must be storable so the step can fail with it (ADR 0022).
 */
export function errorOf(error: unknown): ErrorRecord {
  const record = toErrorRecord(error, 'ATOM_ERR_INTERNAL');
  const json = JSON.stringify(record);
  return jsonHoldsNul(json)
    ? (JSON.parse(json.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\\\u0000')) as ErrorRecord)
    : record;
}
