/**
 * The concurrent-runs limit of a workspace's tier, written once and run on SQLite, on PostgreSQL
 * and with the counters in Redis: runs over the limit wait `queued` (phase `held`) instead of
 * failing, start as slots free up, a warning is raised at 80 %, and a new tier applies at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, type ServerHarnessOptions, startServer } from '../support/server-harness.js';
import { until } from '../support/until.js';

const GATED = { atom: 1, name: 'gated', steps: [{ id: 'gate', uses: 'approval', with: { message: 'go?' } }] };

export function describeTierConcurrency(name: string, options: () => Promise<Partial<ServerHarnessOptions>>) {
  describe(`concurrent-runs limit of the tier (${name})`, () => {
    let h: ServerHarness;
    const runs: string[] = [];
    const statusOf = async (id: string) => {
      const run = await h.api(`/api/v1/runs/${id}`);
      return { status: run.json.status as string, phase: run.json.phase as string };
    };
    const usage = async () => (await h.api('/api/v1/workspace/limits')).json.usage;

    beforeAll(async () => {
      h = await startServer({ ...(await options()) });
      expect((await h.api('/api/v1/workflows', { body: GATED })).status).toBe(201);
      const free = await h.api('/api/v1/workspace/limits', { method: 'PUT', body: { tier: 'free' } });
      expect(free.json.limits.concurrentRuns).toBe(5);
    });
    afterAll(async () => h?.close());

    it('holds runs over the free limit (5) queued, without failing them, and warns at 80 %', async () => {
      for (let i = 0; i < 7; i++) {
        const started = await h.api('/api/v1/workflows/gated/runs', { body: { inputs: {} } });
        expect(started.status, started.text).toBe(202);
        runs.push(started.json.id);
      }
      await until(async () => (await usage()).activeRuns === 5 && (await usage()).heldRuns === 2);
      for (const id of runs.slice(0, 5)) await until(async () => (await statusOf(id)).status === 'waiting');
      for (const id of runs.slice(5)) expect(await statusOf(id)).toEqual({ status: 'queued', phase: 'held' });
      const now = await usage();
      expect(now).toMatchObject({ activeRuns: 5, heldRuns: 2, concurrentRunsPercent: 100 });
      expect(now.warnings).toContainEqual(
        expect.objectContaining({ limit: 'concurrentRuns', used: 4, of: 5, tier: 'free' }),
      );
      expect(h.logs.join('')).toContain('80 % of its concurrent-runs limit');
      const events = await h.api(`/api/v1/runs/${runs[5]}/events`);
      expect(events.json.items.map((event: { type: string }) => event.type)).toEqual(['run.created', 'run.held']);
    });

    it('starts the oldest held run when a slot frees up', async () => {
      const approved = await h.api(`/api/v1/runs/${runs[0]}/steps/gate/approve`, { body: {} });
      expect(approved.status, approved.text).toBe(200);
      await until(async () => (await statusOf(runs[0] as string)).status === 'succeeded');
      await until(async () => (await statusOf(runs[5] as string)).status === 'waiting');
      expect(await statusOf(runs[6] as string)).toEqual({ status: 'queued', phase: 'held' });
      expect(await usage()).toMatchObject({ activeRuns: 5, heldRuns: 1 });
    });

    it('admits at once when the tier changes at run time, without a restart', async () => {
      const pro = await h.api('/api/v1/workspace/limits', { method: 'PUT', body: { tier: 'pro' } });
      expect(pro.json.limits.concurrentRuns).toBe(20);
      await until(async () => (await statusOf(runs[6] as string)).status === 'waiting');
      expect(await usage()).toMatchObject({ activeRuns: 6, heldRuns: 0, concurrentRunsPercent: 30 });
    });

    it('cancels a held run like any other', async () => {
      await h.api('/api/v1/workspace/limits', {
        method: 'PUT',
        body: { tier: 'free', overrides: { concurrentRuns: 1 } },
      });
      const held = await h.api('/api/v1/workflows/gated/runs', { body: { inputs: {} } });
      expect(await statusOf(held.json.id)).toEqual({ status: 'queued', phase: 'held' });
      const cancelled = await h.api(`/api/v1/runs/${held.json.id}/cancel`, { method: 'POST' });
      expect(cancelled.status, cancelled.text).toBe(200);
      await until(async () => (await statusOf(held.json.id)).status === 'cancelled');
      expect(await usage()).toMatchObject({ heldRuns: 0 });
      // Unlimited again: every run started from now on goes straight through.
      await h.api('/api/v1/workspace/limits', { method: 'PUT', body: { tier: 'enterprise' } });
      const next = await h.api('/api/v1/workflows/gated/runs', { body: { inputs: {} } });
      await until(async () => (await statusOf(next.json.id)).status === 'waiting');
    });
  });
}
