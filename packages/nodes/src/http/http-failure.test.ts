import { describe, expect, it } from 'vitest';
import { connectionFailure, describeUrl, parseRetryAfter, statusFailure } from './http-failure.js';

const now = Date.parse('2025-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('statusFailure', () => {
  const answer = (status: number, headers = {}) => ({
    status,
    statusText: 'X',
    headers,
    body: Buffer.from('x'.repeat(5000)),
  });
  const url = new URL('https://user:secret@api.example.com/v1/items?token=abc');

  it.each([
    [500, true],
    [503, true],
    [408, true],
    [429, true],
    [400, false],
    [401, false],
    [404, false],
    [422, false],
  ])('%i is retryable: %s', (status, retryable) => {
    expect(statusFailure('GET', url, answer(status), now)).toMatchObject({ code: 'ATOM_ERR_HTTP_STATUS', retryable });
  });

  it('keeps secrets out of the message and caps the body at 2 KiB', () => {
    const error = statusFailure('GET', url, answer(503, { 'retry-after': '3' }), now);
    expect(error.message).toBe('GET https://api.example.com/v1/items answered 503 X');
    expect(error.retryAfterMs).toBe(3000);
    expect(error.data).toEqual({ status: 503, body: 'x'.repeat(2048) });
  });
});

describe('connectionFailure', () => {
  it('retries network trouble but not TLS failures', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const tls = Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' });
    const url = new URL('https://x.example/');
    expect(connectionFailure('GET', url, refused)).toMatchObject({ code: 'ATOM_ERR_HTTP_CONNECTION', retryable: true });
    expect(connectionFailure('GET', url, tls)).toMatchObject({ code: 'ATOM_ERR_HTTP_CONNECTION', retryable: false });
  });

  it('describes URLs without credentials or query', () => {
    expect(describeUrl(new URL('http://a:b@[::1]:8080/p?q=1#h'))).toBe('http://[::1]:8080/p');
  });
});
