/** How an HTTP failure is reported: which code, whether `retry` may try again, and when. */
import { AtomError } from '@atom/errors';
import type { RawResponse } from './exchange.js';

const ERROR_BODY_BYTES = 2048;

// Network trouble that a later attempt may not meet; TLS and protocol errors are not on the list.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** The URL as it may appear in messages: no credentials, no query (it often carries keys). */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** ATOM_ERR_HTTP_STATUS for a 4xx/5xx answer: 5xx, 408 and 429 retryable, `Retry-After` honoured. */
export function statusFailure(method: string, url: URL, response: RawResponse, now: number): AtomError {
  const { status } = response;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], now);
  return new AtomError(
    'ATOM_ERR_HTTP_STATUS',
    `${method} ${describeUrl(url)} answered ${status}${response.statusText ? ` ${response.statusText}` : ''}`,
    {
      retryable: status >= 500 || status === 408 || status === 429,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      data: { status, body: response.body.subarray(0, ERROR_BODY_BYTES).toString('utf8') },
    },
  );
}

/** ATOM_ERR_HTTP_CONNECTION for a failure below HTTP: DNS, refused, reset, TLS. */
export function connectionFailure(method: string, url: URL, error: unknown): AtomError {
  if (error instanceof AtomError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new AtomError('ATOM_ERR_HTTP_CONNECTION', `${method} ${describeUrl(url)} failed: ${message}`, {
    retryable: code !== undefined && TRANSIENT_CODES.has(code),
    cause: error,
    ...(code === undefined ? {} : { data: { code } }),
  });
}

/** ATOM_ERR_HTTP_TIMEOUT when the whole exchange, redirects included, ran past `timeoutMs`. */
export function timeoutFailure(method: string, url: URL, timeoutMs: number): AtomError {
  return new AtomError('ATOM_ERR_HTTP_TIMEOUT', `${method} ${describeUrl(url)} got no answer within ${timeoutMs} ms`, {
    retryable: true,
  });
}

/** `Retry-After` in ms: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
