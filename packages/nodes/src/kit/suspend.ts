import type { Suspension } from '@atom/engine';

// A registered symbol, so a second copy of this package (two versions in one install) still
// recognises the marker.
const SUSPEND = Symbol.for('atom.nodes.suspend');

/** The value a node's `run` returns to park its run; made by {@link suspend}. */
export interface SuspendSignal {
  readonly [SUSPEND]: Suspension;
}

/**
 * Parks the run until a timer, an event or a child run wakes it; the node's `run` is then called
 * again with `ctx.resume` set. No worker is held meanwhile.
 *
 * @example
 * run: async (ctx) => (ctx.resume ? { woke: true } : suspend({ kind: 'timer', until: ctx.now() + 60_000 }))
 */
export function suspend(suspension: Suspension): SuspendSignal {
  return { [SUSPEND]: suspension };
}

/** The suspension carried by a value made by {@link suspend}, or null for any other value. */
export function suspensionOf(value: unknown): Suspension | null {
  if (typeof value !== 'object' || value === null || !(SUSPEND in value)) return null;
  return (value as SuspendSignal)[SUSPEND];
}
