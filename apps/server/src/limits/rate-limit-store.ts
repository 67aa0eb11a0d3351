/**
 * The port every rate-limit counter store implements: in memory (one process), Redis, SQL.
 *
 * In: a key and a GCRA step (whole microseconds). Out: whether the step was admitted and the key's
 * TAT afterwards. `update` must be atomic per key — read, decide and write as one operation — so
 * that concurrent callers on any number of processes never admit more than the limit allows.
 * A key whose TAT is not after `now` is equivalent to a missing key, so stores may forget it.
 */
import type { GcraOutcome, GcraStep } from './gcra.js';

export interface RateLimitStore {
  /** Applies `gcraUpdate` to the key's state atomically. Rejects when the store cannot answer. */
  update(key: string, step: GcraStep): Promise<GcraOutcome>;
  /** False when the store knows it cannot answer now (a disconnected client). Absent: always can. */
  available?(): boolean;
}
