/**
 * Readiness says why it is not ready: no worker alive, a queue that waited too long, shutdown.
 */
import { VirtualClock } from '@atom/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

describe('readiness', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServer({ worker: false });
  });
  afterAll(async () => h?.close());

  it('is 503 while no worker is alive, naming the failed check', async () => {
    const res = await h.api('/health/ready', { token: null });
    expect(res.status).toBe(503);
    expect(res.json.status).toBe('not ready');
    expect(res.json.checks.worker).toEqual({ ok: false, detail: '0 workers with a recent heartbeat' });
    expect(res.json.checks.database.ok).toBe(true);
    expect((await h.api('/health/live', { token: null })).status).toBe(200);
  });

  it('counts a worker of another process by its heartbeat', async () => {
    const now = Date.now();
    await h.store.registerWorker({
      id: 'elsewhere/1/1',
      host: 'elsewhere',
      pid: 1,
      version: 'x',
      startedAt: now,
      heartbeatAt: now,
      concurrency: 4,
      running: 0,
    });
    const res = await h.api('/health/ready', { token: null });
    expect(res.json.checks.worker).toEqual({ ok: true, detail: '1 worker with a recent heartbeat' });
  });
});

describe('readiness and the queue', () => {
  const clock = new VirtualClock(Date.parse('2026-03-01T00:00:00Z'));
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServer({ worker: false, clock });
    const now = Date.now();
    await h.store.registerWorker({
      id: 'w/1/1',
      host: 'w',
      pid: 1,
      version: 'x',
      startedAt: now,
      heartbeatAt: now,
      concurrency: 1,
      running: 0,
    });
  });
  afterAll(async () => h?.close());

  it('is 503 when the oldest due step has waited past the limit', async () => {
    await h.api('/api/v1/workflows', {
      method: 'POST',
      rawBody: 'atom: 1\nname: stuck\nsteps:\n  - id: a\n    uses: log\n    with: { message: x }\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect((await h.api('/api/v1/workflows/stuck/runs', { body: {} })).status).toBe(202);
    expect((await h.api('/health/ready', { token: null })).json.checks.queue.ok).toBe(true);
    clock.advance(61_000); // nobody took the step for a minute
    const res = await h.api('/health/ready', { token: null });
    expect(res.status).toBe(503);
    expect(res.json.checks.queue).toEqual({ ok: false, detail: 'oldest due step waited 61 s (limit 60 s)' });
    const metrics = await h.api('/metrics', { token: null });
    expect(metrics.text).toContain('atom_queue_depth{state="ready"} 1');
  });
});
