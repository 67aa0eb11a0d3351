/** For tests: the AtomError `fn` throws; fails the test when it throws nothing or something else. */
import { AtomError } from '@atom/errors';

export function thrown(fn: () => unknown): AtomError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AtomError) return error;
    throw error;
  }
  throw new Error('expected an AtomError');
}
