/**
 * Building blocks shared by the signature schemes: header reading, HMAC, constant-time comparison and the
 * replay-window check. Internal to this folder; index.ts does not re-export them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AtomError } from '@atom/errors';

/** Request headers as Node gives them: lower-case names, an array when a header came more than once. */
export type IncomingHeaders = Record<string, string | string[] | undefined>;

/** The replay window when the trigger sets no `tolerance`. */
export const DEFAULT_TOLERANCE_MS = 5 * 60 * 1000;

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
// No leading zeros: the number then prints back to the very text that was signed.
const UNIX_SECONDS = /^(0|[1-9][0-9]{0,11})$/;

/** Throws ATOM_ERR_HOOK_SIGNATURE. Messages name what is wrong, never the secret or the expected value. */
export function signatureError(message: string): AtomError {
  return new AtomError('ATOM_ERR_HOOK_SIGNATURE', message);
}

/**
 * The one value of a header, or undefined when absent. A header sent several times is refused: a
 * signature must not depend on which copy a proxy keeps.
 */
export function readHeader(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (value.length === 0) return undefined;
  if (value.length > 1) throw signatureError(`header ${name} was sent ${value.length} times; expected once`);
  return value[0];
}

/** Like readHeader, but a missing or empty header is a signature error. */
export function requireHeader(headers: IncomingHeaders, name: string, hint: string): string {
  const value = readHeader(headers, name)?.trim();
  if (value === undefined || value === '') throw signatureError(`missing header ${name} (${hint})`);
  return value;
}

/** HMAC-SHA256 of the parts, in order, without copying the body. */
export function hmacSha256(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const hmac = createHmac('sha256', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
}

/** Constant-time equality; different lengths compare unequal without calling timingSafeEqual (which throws). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether the text has the shape of a SHA-256 digest in hex (64 digits, either case). */
export function isSha256Hex(text: string): boolean {
  return HEX_SHA256.test(text);
}

/** Whether `candidate` is the lower- or upper-case hex of `digest` (a SHA-256 HMAC), in constant time. */
export function hexMatches(candidate: string, digest: Buffer): boolean {
  if (!isSha256Hex(candidate)) return false;
  return safeEqual(Buffer.from(candidate, 'hex'), digest);
}

/** Parses a unix timestamp in whole seconds (digits only, no leading zero); undefined when malformed. */
export function parseUnixSeconds(text: string): number | undefined {
  return UNIX_SECONDS.test(text) ? Number(text) : undefined;
}

/** Refuses a negative or non-finite tolerance: that is a bug in the caller, not a bad request. */
export function toleranceOf(toleranceMs: number | undefined): number {
  const tolerance = toleranceMs ?? DEFAULT_TOLERANCE_MS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`toleranceMs must be a finite number >= 0, got ${tolerance}`);
  }
  return tolerance;
}

/**
 * Throws ATOM_ERR_HOOK_REPLAYED when the signed timestamp is more than `toleranceMs` away from `now`, in
 * either direction (too old: a replay or a long-queued retry; too new: a sender clock ahead of ours).
 * The boundary itself is accepted.
 */
export function checkReplayWindow(what: string, timestampSeconds: number, now: number, toleranceMs: number): void {
  const skew = now - timestampSeconds * 1000;
  if (Math.abs(skew) <= toleranceMs) return;
  const window = `the replay window is ±${formatDuration(toleranceMs)}`;
  const beyond = formatDuration(Math.abs(skew) - toleranceMs);
  const message =
    skew > 0
      ? `${what} ${timestampSeconds} is ${formatDuration(skew)} old, ${beyond} too old; ${window}`
      : `${what} ${timestampSeconds} is ${formatDuration(-skew)} in the future, ${beyond} too new; ${window} (check the sender's clock)`;
  throw new AtomError('ATOM_ERR_HOOK_REPLAYED', message);
}

/** `450ms`, `42s`, `5m`, `1h 2m 3s`, `59s 500ms`: whole units, zero ones left out. */
export function formatDuration(ms: number): string {
  const rounded = Math.round(ms);
  if (rounded === 0) return '0ms';
  const seconds = Math.floor(rounded / 1000);
  const units: [number, string][] = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor((seconds % 86_400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
    [rounded % 1000, 'ms'],
  ];
  return units
    .filter(([amount]) => amount > 0)
    .map(([amount, unit]) => `${amount}${unit}`)
    .join(' ');
}

/** Refuses an empty secret: an HMAC with an empty key proves nothing. */
export function requireSecret(secret: string): void {
  if (secret === '') throw signatureError("the trigger's signing secret is empty, so no signature can verify");
}
