/**
 * The StoreTx handed to an `atomically` callback (and to the follow-ups of claims and releases):
 * the query functions bound to the unit's client. `getRun` takes the run row's lock, which is what
 * serialises the units that touch one run.
 */
import type { StoreTx } from '@atom/engine';
import { appendEvents } from './event-queries.js';
import { insertRun, lockRun, nextSeq, updateRun } from './run-queries.js';
import type { SqlExecutor } from './sql-executor.js';
import {
  countActive,
  countScope,
  getSteps,
  insertSteps,
  listRunSteps,
  listScope,
  scopeStatuses,
  statusesOf,
  updateStep,
} from './step-queries.js';

export function createPostgresTx(exec: SqlExecutor): StoreTx {
  return {
    getRun: (runId) => lockRun(exec, runId),
    insertRun: (run) => insertRun(exec, run),
    updateRun: (runId, patch) => updateRun(exec, runId, patch),
    nextSeq: (runId) => nextSeq(exec, runId),
    getSteps: (runId, keys) => getSteps(exec, runId, keys),
    listScope: (runId, scope, options) => listScope(exec, runId, scope, options),
    scopeStatuses: (runId, scope) => scopeStatuses(exec, runId, scope),
    statusesOf: (runId, keys) => statusesOf(exec, runId, keys),
    countScope: (runId, scope) => countScope(exec, runId, scope),
    countActive: (runId) => countActive(exec, runId),
    listRunSteps: (runId) => listRunSteps(exec, runId),
    insertSteps: (steps) => insertSteps(exec, steps),
    updateStep: (runId, key, patch, guard) => updateStep(exec, runId, key, patch, guard),
    appendEvents: (events) => appendEvents(exec, events),
  };
}
