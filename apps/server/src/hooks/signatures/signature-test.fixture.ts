/** Test helpers for the signature tests; excluded from the build by the `*.fixture.ts` pattern. */
import { AtomError, type ErrorCode } from '@atom/errors';
import { expect } from 'vitest';

/** Runs `act`, expects an AtomError with `code`, and returns it for further checks. */
export function atomErrorOf(act: () => unknown, code: ErrorCode): AtomError {
  let thrown: unknown;
  try {
    act();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected an AtomError to be thrown').toBeInstanceOf(AtomError);
  const error = thrown as AtomError;
  expect(error.code).toBe(code);
  expect(error.status).toBe(401);
  return error;
}

/** Asserts that none of the secrets (secret, expected signature, …) shows anywhere in the error. */
export function expectNoLeak(error: AtomError, ...secrets: string[]): void {
  const visible = `${error.message} ${JSON.stringify(error.toRecord())} ${String(error.stack)}`;
  for (const secret of secrets) expect(visible).not.toContain(secret);
}
