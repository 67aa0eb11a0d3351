/**
 * Workspace tiers and API rate limits, written once and run with the counters in this process
 * (SQLite, PostgreSQL) and in Redis: the tier changes at run time, requests over the allowance get
 * 429 with Retry-After, a warning is raised at 80 %, public routes are never counted.
 */
import { VirtualClock } from '@atom/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, type ServerHarnessOptions, startServer } from '../support/server-harness.js';

export function describeRateLimits(name: string, options: () => Promise<Partial<ServerHarnessOptions>>) {
  describe(`tiers and rate limits (${name})`, () => {
    const clock = new VirtualClock(Date.parse('2026-06-01T00:00:00Z'));
    let h: ServerHarness;
    beforeAll(async () => {
      h = await startServer({ worker: false, clock, ...(await options()) });
    });
    afterAll(async () => h?.close());

    it('starts on the default tier and changes tier at run time (owners and admins only)', async () => {
      const before = await h.api('/api/v1/workspace/limits', { token: h.tokens.viewer });
      expect(before.json).toMatchObject({ tier: 'enterprise', limits: { concurrentRuns: null }, degraded: false });
      const viewer = await h.api('/api/v1/workspace/limits', {
        method: 'PUT',
        body: { tier: 'free' },
        token: h.tokens.viewer,
      });
      expect(viewer.status).toBe(403);
      const bad = await h.api('/api/v1/workspace/limits', { method: 'PUT', body: { tier: 'gold' } });
      expect(bad.status).toBe(400);
      const set = await h.api('/api/v1/workspace/limits', {
        method: 'PUT',
        body: { tier: 'free', overrides: { requestsPerMinute: 6, burst: 3 } },
      });
      expect(set.json).toMatchObject({ tier: 'free', limits: { requestsPerMinute: 6, burst: 3, concurrentRuns: 5 } });
    });

    it('answers 429 with Retry-After beyond the allowance, and never counts public routes', async () => {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await h.api('/api/v1/workflows'));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
      expect(answers[0]?.headers.get('ratelimit-limit')).toBe('3');
      const refused = answers[3];
      expect(refused?.json.code).toBe('ATOM_ERR_RATE_LIMITED');
      expect(Number(refused?.headers.get('retry-after'))).toBe(10); // 6 per minute: one every 10 s
      for (let i = 0; i < 5; i++) expect((await h.api('/health/live', { token: null })).status).toBe(200);
      expect(h.logs.join('')).toContain('80 % of its request allowance');
    });

    it('lets requests through again as the allowance refills, and takes a new tier at once', async () => {
      clock.advance(10_000);
      expect((await h.api('/api/v1/workflows')).status).toBe(200);
      expect((await h.api('/api/v1/workflows')).status).toBe(429);
      clock.advance(10_000);
      const raised = await h.api('/api/v1/workspace/limits', { method: 'PUT', body: { tier: 'pro' } });
      expect(raised.json.tier).toBe('pro');
      for (let i = 0; i < 20; i++) expect((await h.api('/api/v1/workflows')).status).toBe(200);
    });
  });
}
