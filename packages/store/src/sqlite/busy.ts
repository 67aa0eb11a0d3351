/**
 * SQLITE_BUSY handling. The connections run with `busy_timeout = 0` and wait here instead,
 * asynchronously: better-sqlite3 is synchronous, so SQLite's own busy handler would block Node's
 * event loop, and a second connection of the same process that holds the lock could then never
 * finish its unit (a deadlock until the timeout). Waiting with timers lets it commit.
 *
 * In: an operation that may fail with SQLITE_BUSY. Out: its result, or AtomError
 * ATOM_ERR_STORE_BUSY (retryable) once `timeoutMs` has passed.
 */
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';
import { AtomError } from '@atom/errors';

/** True for SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, …). */
export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

export function storeBusyError(timeoutMs: number, cause: unknown): AtomError {
  return new AtomError(
    'ATOM_ERR_STORE_BUSY',
    `the SQLite database stayed locked by another connection for more than ${timeoutMs} ms`,
    { cause },
  );
}

/** Runs `operation`, retrying it with a growing, jittered pause while the database is locked. */
export async function retryWhileBusy<T>(timeoutMs: number, operation: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    try {
      return await operation();
    } catch (error) {
      if (!isBusyError(error)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) throw storeBusyError(timeoutMs, error);
      if (round < SPIN_ROUNDS) await setImmediate();
      else await sleep(Math.min(left, pauseMs(round - SPIN_ROUNDS)));
    }
  }
}

/**
 * Units hold the lock for tens of microseconds, so the first retries only yield to the event loop
 * (enough when the holder is in this process, and quick when it is another one); then the pauses grow.
 */
const SPIN_ROUNDS = 8;

/** 1, 2, 4, 8, 16, then 20 ms, each ±50% so that waiting connections do not retry in lockstep. */
function pauseMs(round: number): number {
  const base = Math.min(20, 2 ** round);
  return base * (0.5 + Math.random());
}
