/**
 * Security headers on every answer, and CORS only for configured origins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

describe('HTTP hardening', () => {
  let closed: ServerHarness;
  let open: ServerHarness;
  beforeAll(async () => {
    closed = await startServer({ worker: false });
    open = await startServer({ worker: false, corsOrigins: ['https://studio.example.com'] });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  it('sends security headers on API answers, errors and docs', async () => {
    for (const path of ['/api/v1/workflows', '/api/v1/nothing', '/health/live', '/api/docs/']) {
      const res = await fetch(`${closed.url}${path}`, { headers: { authorization: `Bearer ${closed.tokens.owner}` } });
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('content-security-policy'), path).toBeTruthy();
      expect(res.headers.get('strict-transport-security'), path).toBeTruthy();
    }
  });

  it('sends no CORS headers unless an origin is allowed', async () => {
    const preflight = (h: ServerHarness, origin: string) =>
      fetch(`${h.url}/api/v1/workflows`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    expect(
      (await preflight(closed, 'https://studio.example.com')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const allowed = await preflight(open, 'https://studio.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://studio.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight(open, 'https://evil.example.net')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
