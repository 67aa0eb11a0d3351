/**
 * Which PostgreSQL failures are worth another try, and how they reach callers.
 *
 * In: an error thrown by pg. Out: a verdict (connection lost? conflict?), or the AtomError
 * ATOM_ERR_STORE_BUSY (retryable) that wraps it with the original as `cause`.
 */
import { AtomError } from '@atom/errors';

/** SQLSTATEs of a broken or refused connection: class 08, server shutting down or starting, too many clients. */
const CONNECTION_STATES = /^(08...|57P01|57P02|57P03|53300)$/;
/** Socket errors Node reports while connecting or talking to the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** pg's own messages (no code) for a connection that ended or never came. */
const PG_CONNECTION_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Connection ended unexpectedly/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isConnectionError(error: unknown): boolean {
  if (error instanceof AtomError) return false;
  const code = codeOf(error);
  if (code !== undefined && (CONNECTION_STATES.test(code) || SOCKET_CODES.has(code))) return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  return error instanceof Error && PG_CONNECTION_MESSAGES.test(error.message);
}

/** serialization_failure or deadlock_detected: the transaction was undone and may simply run again. */
export function isConflict(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40001' || code === '40P01';
}

/** Leaves AtomErrors and ordinary SQL errors alone; wraps connection failures. */
export function toStoreError(error: unknown): unknown {
  if (!isConnectionError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new AtomError('ATOM_ERR_STORE_BUSY', `cannot reach PostgreSQL: ${reason}`, { cause: error });
}

export function conflictError(error: unknown): AtomError {
  const reason = error instanceof Error ? error.message : String(error);
  return new AtomError('ATOM_ERR_STORE_BUSY', `PostgreSQL undid the unit after a conflict (${reason})`, {
    cause: error,
  });
}
