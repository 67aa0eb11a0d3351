/**
 * Data retention, written once and run on SQLite and on PostgreSQL: the per-workspace setting
 * through the API (owners and admins change it, audited), and the pruner deleting finished runs
 * older than it in bounded batches — runs, steps, events and the blobs no remaining run uses —
 * while newer runs, unfinished runs and shared blobs stay.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VirtualClock } from '@atom/engine';
import { pruneRuns } from '@atom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, type ServerHarnessOptions, startServer } from '../support/server-harness.js';
import { until } from '../support/until.js';

const DAY = 86_400_000;
const steps = (bytes: number) => [
  { id: 'big', uses: 'test.big', with: { bytes: '{{ $inputs.bytes }}' } },
  { id: 'done', uses: 'transform', with: { size: bytes } },
];

export function describeRetention(name: string, options: () => Promise<Partial<ServerHarnessOptions>>) {
  describe(`data retention (${name})`, () => {
    const clock = new VirtualClock(Date.now());
    let h: ServerHarness;
    const blobPath = (ref: string) => join(h.dir, 'blobs', ref.slice(7, 9), ref.slice(9));
    const run = async (workflow: string, inputs: object = {}) => {
      const answer = await h.api(`/api/v1/workflows/${workflow}/runs?wait=20`, { body: { inputs } });
      expect(answer.status, answer.text).toBe(200);
      return answer.json;
    };

    beforeAll(async () => {
      h = await startServer({ clock, ...(await options()) });
      const documents = [
        { atom: 1, name: 'sized', steps: steps(1) },
        { atom: 1, name: 'gated', steps: [{ id: 'gate', uses: 'approval', with: {} }] },
      ];
      for (const body of documents) expect((await h.api('/api/v1/workflows', { body })).status).toBe(201);
    });
    afterAll(async () => h?.close());

    it('keeps runs for ever until a retention is set; owners and admins set it, audited', async () => {
      expect((await h.api('/api/v1/workspace/retention', { token: h.tokens.viewer })).json).toEqual({
        runDays: null,
        updatedAt: null,
      });
      const viewer = await h.api('/api/v1/workspace/retention', {
        method: 'PUT',
        body: { runDays: 7 },
        token: h.tokens.viewer,
      });
      expect(viewer.status).toBe(403);
      const zero = await h.api('/api/v1/workspace/retention', { method: 'PUT', body: { runDays: 0 } });
      expect(zero.json.code).toBe('ATOM_ERR_REQUEST_INVALID');
      const set = await h.api('/api/v1/workspace/retention', {
        method: 'PUT',
        body: { runDays: 7 },
        token: h.tokens.admin,
      });
      expect(set.json).toMatchObject({ runDays: 7 });
      const audit = await h.api('/api/v1/audit?action=settings.retention');
      expect(audit.json.items[0]).toMatchObject({ action: 'settings.retention', data: { runDays: 7 } });
    });

    it('deletes finished runs older than the retention in batches, with their steps, events and blobs', async () => {
      const old = [];
      for (let i = 0; i < 4; i++) old.push(await run('sized', { bytes: 300_000 + i }));
      const waiting = await h.api('/api/v1/workflows/gated/runs', { body: { inputs: {} } });
      await until(async () => (await h.api(`/api/v1/runs/${waiting.json.id}`)).json.status === 'waiting');
      const oldRefs = old.map((r) => r.steps.find((s: { key: string }) => s.key === 'big').output.$blob as string);
      for (const ref of oldRefs) expect(existsSync(blobPath(ref))).toBe(true);
      clock.advance(8 * DAY);
      // A new run with the bytes of an old one shares its blob: that blob must stay.
      const fresh = await run('sized', { bytes: 300_000 });
      const opts = { workspaceId: 'default', now: clock.now() };

      const dry = await pruneRuns(h.store, h.engine.blobs, { ...opts, dryRun: true });
      expect(dry).toMatchObject({ runDays: 7, dryRun: true, runs: 4, steps: 8, blobs: 0 });
      expect(dry.events).toBeGreaterThan(8);
      expect((await h.api(`/api/v1/runs/${old[0].id}`)).status).toBe(200);

      const report = await pruneRuns(h.store, h.engine.blobs, { ...opts, batchSize: 3 });
      expect(report).toMatchObject({ runs: 4, steps: 8, events: dry.events, blobs: 3, batches: 2 });
      for (const r of old) expect((await h.api(`/api/v1/runs/${r.id}`)).json.code).toBe('ATOM_ERR_RUN_NOT_FOUND');
      expect(existsSync(blobPath(oldRefs[0] as string))).toBe(true);
      for (const ref of oldRefs.slice(1)) expect(existsSync(blobPath(ref))).toBe(false);
      const kept = await h.api(`/api/v1/runs/${fresh.id}`);
      expect(kept.json.steps[0].output).toMatchObject({ $blob: oldRefs[0] });
      expect((await h.api(`/api/v1/runs/${waiting.json.id}`)).json.status).toBe('waiting');
      expect((await h.api(`/api/v1/runs/${old[0].id}/events`)).json.items ?? []).toEqual([]);
      expect(await pruneRuns(h.store, h.engine.blobs, opts)).toMatchObject({ runs: 0, batches: 0 });
    });

    it('prunes nothing once runs are kept for ever again', async () => {
      await h.api('/api/v1/workspace/retention', { method: 'PUT', body: { runDays: null } });
      clock.advance(30 * DAY);
      const report = await pruneRuns(h.store, h.engine.blobs, { workspaceId: 'default', now: clock.now() });
      expect(report).toMatchObject({ runDays: null, runs: 0 });
    });
  });
}
