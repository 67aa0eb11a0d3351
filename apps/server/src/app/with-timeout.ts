/**
 * A promise bounded in time: a dependency that hangs (a frozen Redis, a dead link) costs the
 * caller at most `ms` before it falls back. The late answer, if any, is ignored.
 */
import { AtomError } from '@atom/errors';

/** Rejects with a retryable ATOM_ERR_INTERNAL naming `what` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AtomError('ATOM_ERR_INTERNAL', `${what} did not answer within ${ms} ms`, { retryable: true })),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
