/**
 * Outbound HTTP with Atom's guard: http/https only, every hop (redirects included) checked against
 * the address policy and pinned to the checked addresses, one deadline for the whole exchange,
 * failures mapped to ATOM_ERR_HTTP_* codes.
 */
import { AtomError } from '@atom/errors';
import type { AllowList } from './allow-list.js';
import { exchange, type RawResponse } from './exchange.js';
import { connectionFailure, describeUrl, timeoutFailure } from './http-failure.js';
import { resolveAllowed } from './pinned-lookup.js';
import { type Hop, redirectHop } from './redirect.js';

const MAX_TIMER_MS = 2 ** 31 - 1;

export interface GuardedRequest extends Hop {
  timeoutMs: number;
  /** How many redirects to follow; 0 returns the 3xx answer as is. */
  maxRedirects: number;
  maxBodyBytes: number;
  /** The step's signal: step timeout or run cancelled. */
  signal: AbortSignal;
}

export interface GuardedResponse extends RawResponse {
  /** The URL that gave this answer, after redirects. */
  url: URL;
}

/** Sends the request, following redirects; throws AtomError on anything but an HTTP answer. */
export async function guardedRequest(request: GuardedRequest, allow: AllowList): Promise<GuardedResponse> {
  const deadline = new AbortController();
  // setTimeout fires at once past 2^31-1 ms (~24.8 days); no request needs longer than that.
  const timer = setTimeout(() => deadline.abort(), Math.min(request.timeoutMs, MAX_TIMER_MS));
  const signal = AbortSignal.any([request.signal, deadline.signal]);
  let hop: Hop = request;
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await sendHop(hop, request, allow, signal, deadline.signal);
      const next = request.maxRedirects > 0 ? redirectHop(hop, response.status, response.headers) : null;
      if (!next) return { ...response, url: hop.url };
      if (redirects >= request.maxRedirects) {
        throw new AtomError(
          'ATOM_ERR_HTTP_STATUS',
          `${request.method} ${describeUrl(request.url)} redirected more than ${request.maxRedirects} times`,
          { retryable: false, data: { status: response.status, body: '' } },
        );
      }
      hop = next;
    }
  } finally {
    clearTimeout(timer);
  }
}

async function sendHop(
  hop: Hop,
  request: GuardedRequest,
  allow: AllowList,
  signal: AbortSignal,
  deadline: AbortSignal,
): Promise<RawResponse> {
  if (hop.url.protocol !== 'http:' && hop.url.protocol !== 'https:') {
    throw new AtomError(
      'ATOM_ERR_HTTP_BLOCKED_ADDRESS',
      `http.request only fetches http: and https: URLs, not ${hop.url.protocol}`,
      {
        retryable: false,
        data: { scheme: hop.url.protocol },
      },
    );
  }
  try {
    const addresses = await untilAborted(resolveAllowed(hop.url.hostname, allow), signal);
    return await exchange({ ...hop, addresses, signal, maxBodyBytes: request.maxBodyBytes });
  } catch (error) {
    if (deadline.aborted) throw timeoutFailure(request.method, request.url, request.timeoutMs);
    if (request.signal.aborted) throw abortFailure(request.signal.reason);
    throw connectionFailure(hop.method, hop.url, error);
  }
}

// The engine aborts with its own error (step timeout, cancel); keep it so the step reports that.
function abortFailure(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  return new AtomError('ATOM_ERR_HTTP_CONNECTION', 'the request was aborted', { retryable: true });
}

// DNS lookups cannot be cancelled; stop waiting for one when the request is abandoned.
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
