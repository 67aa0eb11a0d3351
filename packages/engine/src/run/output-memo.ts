/**
 * Outputs this process committed, kept in memory so the next steps' expressions need not read them
 * back. Sound because a succeeded step is terminal: its row never changes again. Only outputs whose
 * commit applied are remembered (a worker that lost its lease remembers nothing). Bounded: it
 * forgets everything when full, and falls back to the store for whatever it does not hold.
 */
import type { StorePort } from '../ports/store-port.js';
import type { BindingRow, StepReader } from './bindings.js';

const MAX_ENTRIES = 50_000;

export class OutputMemo {
  readonly #rows = new Map<string, BindingRow>();

  remember(runId: string, row: BindingRow): void {
    if (this.#rows.size >= MAX_ENTRIES) this.#rows.clear();
    this.#rows.set(`${runId}/${row.key}`, row);
  }

  /** A reader that answers from memory and asks the store only for the rest. */
  reader(store: StorePort): StepReader {
    return async (runId, keys) => {
      const found: BindingRow[] = [];
      const missing: string[] = [];
      for (const key of keys) {
        const row = this.#rows.get(`${runId}/${key}`);
        if (row) found.push(row);
        else missing.push(key);
      }
      if (missing.length > 0) found.push(...(await store.getSteps(runId, missing)));
      return found;
    };
  }
}
