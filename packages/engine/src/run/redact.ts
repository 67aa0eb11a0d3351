/**
 * Keeps secret values out of what Atom stores: a step's resolved input and output and its error
 * message are written with every occurrence of a secret value replaced. (Nodes receive the real
 * values; only the record is redacted.)
 */
import type { ErrorRecord } from '@atom/errors';

export const REDACTED = '[redacted]';

/** Secret values worth hiding: very short ones would blank out ordinary text. */
export function secretValues(secrets: Record<string, unknown>): string[] {
  return Object.values(secrets)
    .filter((value): value is string => typeof value === 'string' && value.length >= 4)
    .sort((a, b) => b.length - a.length);
}

export function redact<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  return walk(value, secrets) as T;
}

function walk(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  }
  if (Array.isArray(value)) return value.map((item) => walk(item, secrets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = walk(item, secrets);
    return out;
  }
  return value;
}

export function redactError(error: ErrorRecord, secrets: readonly string[]): ErrorRecord {
  if (secrets.length === 0) return error;
  return {
    ...error,
    message: redact(error.message, secrets),
    ...(error.data ? { data: redact(error.data, secrets) } : {}),
  };
}
