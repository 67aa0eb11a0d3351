import type { BindingRow, StepReader } from './bindings.js';
import type { Unit } from './unit.js';

/**
 * Reads step rows inside a unit: the outputs this unit committed (a run's last step, read by the
 * run's `outputs`; the steps a local step reads) from memory, the rest from the transaction. Sound like the output memo: a
 * succeeded row never changes again.
 */
export function unitReader(unit: Unit): StepReader {
  return async (runId, keys) => {
    const found: BindingRow[] = [];
    const missing: string[] = [];
    for (const key of keys) {
      const row = runId === unit.run.id ? unit.succeeded.find((one) => one.key === key) : undefined;
      if (row) found.push(row);
      else missing.push(key);
    }
    if (missing.length > 0) found.push(...(await unit.tx.getSteps(runId, missing)));
    return found;
  };
}
