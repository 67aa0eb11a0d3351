/**
 * Keeps secret values out of what Atom stores and logs: a step's resolved input and output, its
 * error message and its log lines are written with every occurrence of a secret value, or of a
 * common encoding of it, replaced. (Nodes receive the real values; only the record is redacted.)
 */
import type { ErrorRecord } from '@atom/errors';

export const REDACTED = '[redacted]';

/** Secret values worth hiding: very short ones would blank out ordinary text. */
const MIN_SECRET_LENGTH = 4;
/** Fragments of an encoding taken at another alignment are only hidden from this length on. */
const MIN_FRAGMENT_LENGTH = 6;

/**
 * The texts to hide for these secrets: each value and the forms a node or an expression commonly
 * turns it into — base64 and base64url (also inside a longer encoded text, such as the
 * `user:password` of a Basic header, at each of the three byte alignments), hex in both cases,
 * URL and form encoding, and JSON string escaping. Longest first, so a value is replaced whole
 * before a shorter one inside it.
 */
export function secretValues(secrets: Record<string, unknown>): string[] {
  const values = Object.values(secrets).filter(
    (value): value is string => typeof value === 'string' && value.length >= MIN_SECRET_LENGTH,
  );
  return secretForms(values);
}

/** `secretValues` for a list of values (the server's log scrubber uses it too). */
export function secretForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH) continue;
    forms.add(value);
    for (const form of encodedForms(value)) forms.add(form);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

function encodedForms(value: string): string[] {
  const bytes = new TextEncoder().encode(value);
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  const forms = [
    hex,
    hex.toUpperCase(),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (percent) => percent.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
  ];
  for (let shift = 0; shift < 3; shift++) {
    // Base64 of `shift` unknown bytes, then the secret: the characters that depend only on the
    // secret are the same whatever comes before or after it.
    const shifted = new Uint8Array(shift + bytes.length);
    shifted.set(bytes, shift);
    const encoded = base64(shifted);
    const start = Math.ceil((8 * shift) / 6);
    const end = Math.floor((8 * shifted.length) / 6);
    const core = encoded.slice(start, end);
    if (shift === 0) forms.push(encoded, encoded.replace(/=+$/, ''), toUrl(encoded));
    if (core.length >= MIN_FRAGMENT_LENGTH) forms.push(core, toUrl(core));
  }
  return forms.filter((form) => form !== value && form.length >= MIN_SECRET_LENGTH);
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function toUrl(encoded: string): string {
  return encoded.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
}

export function redact<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  return walk(value, matcherOf(secrets)) as T;
}

/** Replaces every secret form in one text. */
export function redactText(text: string, secrets: readonly string[]): string {
  return secrets.length === 0 ? text : text.replace(matcherOf(secrets), REDACTED);
}

// One alternation per list (the list of a step is reused for its input, output, error and logs).
const matchers = new WeakMap<readonly string[], RegExp>();

function matcherOf(secrets: readonly string[]): RegExp {
  let matcher = matchers.get(secrets);
  if (!matcher) {
    const alternatives = [...secrets].sort((a, b) => b.length - a.length).map(escapeRegExp);
    matcher = new RegExp(alternatives.join('|'), 'g');
    matchers.set(secrets, matcher);
  }
  return matcher;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function walk(value: unknown, matcher: RegExp): unknown {
  if (typeof value === 'string') return value.replace(matcher, REDACTED);
  if (Array.isArray(value)) return value.map((item) => walk(item, matcher));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = walk(item, matcher);
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
