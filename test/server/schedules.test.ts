/**
 * Schedules under a controllable clock (the engine's VirtualClock, ticked by hand): each fire time
 * fires once, repeated ticks and a second scheduler on the same database start nothing twice, and
 * the misfire policies do what they say after a simulated downtime.
 */
import { VirtualClock } from '@atom/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

const T0 = Date.parse('2026-01-05T00:00:30Z');

const hourly = (name: string, catchUp: string) => `atom: 1
name: ${name}
triggers:
  - schedule: { cron: "0 * * * *", timezone: UTC, catchUp: ${catchUp} }
steps:
  - id: t
    uses: transform
    with: { at: "{{ $trigger.scheduledFor }}" }
`;

describe('schedules', () => {
  let h: ServerHarness;
  const clock = new VirtualClock(T0);

  beforeAll(async () => {
    h = await startServer({ clock, scheduler: false });
    for (const [name, catchUp] of [
      ['every-minute', 'last'],
      ['hourly-none', 'none'],
      ['hourly-last', 'last'],
      ['hourly-all', 'all'],
    ] as const) {
      const text =
        name === 'every-minute' ? hourly(name, catchUp).replace('0 * * * *', '* * * * *') : hourly(name, catchUp);
      const res = await h.api('/api/v1/workflows', {
        method: 'POST',
        rawBody: text,
        headers: { 'content-type': 'application/yaml' },
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => h?.close());

  const firesOf = async (workflow: string) =>
    (await h.store.listRuns({ workflowName: workflow, limit: 1000 }))
      .map((run) => (run.trigger as { scheduledFor: string }).scheduledFor)
      .sort();

  it('starts counting when first seen, then fires each fire time once', async () => {
    expect(await h.server.scheduler.tick()).toEqual({ started: 0, duplicates: 0 });
    clock.advance(60_000); // 00:01:30
    await h.server.scheduler.tick();
    expect(await firesOf('every-minute')).toEqual(['2026-01-05T00:01:00.000Z']);
    await h.server.scheduler.tick();
    await h.server.scheduler.tick();
    expect(await firesOf('every-minute')).toHaveLength(1);
    clock.advance(30_000); // 00:02:00 exactly
    await h.server.scheduler.tick();
    expect(await firesOf('every-minute')).toEqual(['2026-01-05T00:01:00.000Z', '2026-01-05T00:02:00.000Z']);
  });

  it('never fires a fire time twice when two schedulers race on one database', async () => {
    const second = await startServer({
      clock,
      scheduler: false,
      worker: false,
      openStore: async () => h.store,
      sharedStore: true,
    });
    try {
      clock.advance(60_000); // 00:03:00
      const [a, b] = await Promise.all([h.server.scheduler.tick(), second.server.scheduler.tick()]);
      expect(a.started + b.started).toBe(1);
      expect(await firesOf('every-minute')).toHaveLength(3);
    } finally {
      await second.close();
    }
  });

  it('after downtime: none skips the missed fire times, last runs the latest, all runs each', async () => {
    // Down from 00:03 to 05:30: hourly fire times 01:00 … 05:00 were missed (05:00 is 30 min late).
    clock.advance(5 * 3_600_000 + 27 * 60_000);
    await h.server.scheduler.tick();
    expect(await firesOf('hourly-none')).toEqual([]);
    expect(await firesOf('hourly-last')).toEqual(['2026-01-05T05:00:00.000Z']);
    expect(await firesOf('hourly-all')).toEqual([
      '2026-01-05T01:00:00.000Z',
      '2026-01-05T02:00:00.000Z',
      '2026-01-05T03:00:00.000Z',
      '2026-01-05T04:00:00.000Z',
      '2026-01-05T05:00:00.000Z',
    ]);
    // Back on time: the next fire time fires under every policy.
    clock.advance(30 * 60_000 + 5_000); // 06:00:05
    await h.server.scheduler.tick();
    expect((await firesOf('hourly-none')).at(-1)).toBe('2026-01-05T06:00:00.000Z');
    expect(await firesOf('hourly-last')).toHaveLength(2);
    expect(await firesOf('hourly-all')).toHaveLength(6);
  });

  it('shows the last fire time and the next ones in the API', async () => {
    const res = await h.api('/api/v1/workflows/hourly-all/schedules?count=3');
    expect(res.status).toBe(200);
    expect(res.json.items).toEqual([
      expect.objectContaining({
        index: 0,
        cron: '0 * * * *',
        timezone: 'UTC',
        catchUp: 'all',
        lastFireAt: '2026-01-05T06:00:00.000Z',
        next: ['2026-01-05T07:00:00.000Z', '2026-01-05T08:00:00.000Z', '2026-01-05T09:00:00.000Z'],
      }),
    ]);
  });

  it('fires nothing for a workflow whose triggers are disabled', async () => {
    await h.api('/api/v1/workflows/hourly-all/disable', { method: 'POST' });
    clock.advance(3_600_000);
    await h.server.scheduler.tick();
    expect(await firesOf('hourly-all')).toHaveLength(6);
    expect((await h.api('/api/v1/workflows/hourly-all/schedules')).json.items[0].next).toEqual([]);
  });
});
