/**
 * Events across processes through PostgreSQL LISTEN/NOTIFY (no Redis): an API server without a
 * worker hears, at once and with their stored ids, the events of a worker on another engine and
 * another connection pool to the same database — so a `respond: node` webhook is answered by that
 * worker's run, `?wait=` returns the finished run, and a run's end starts an event-triggered run.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Engine, type FeedEvent } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { type EventBus, postgresEventBus } from '@atom/server';
import { createFileBlobStore } from '@atom/store';
import { createPostgresStore } from '@atom/store/postgres';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { type AtomStore, type ServerHarness, startServer } from '../support/server-harness.js';

const reason = await postgresUnreachable('events across processes through PostgreSQL');
if (reason === undefined) {
  const url = useTestDatabase();
  describe('events across processes through PostgreSQL', () => {
    const channel = `atom_test_events_${randomBytes(4).toString('hex')}`;
    const logger = pino({ level: 'silent' });
    let api: ServerHarness;
    let apiBus: EventBus | undefined;
    let workerStore: AtomStore;
    let workerBus: EventBus;
    const stop = new AbortController();
    let workerDone: Promise<void>;

    beforeAll(async () => {
      api = await startServer({
        worker: false,
        openStore: async () => createPostgresStore({ connectionString: url, poolMax: 6 }) as unknown as AtomStore,
        bus: (engine) => {
          apiBus = postgresEventBus({ engine, store: engine.store, connectionString: url, logger, channel });
          return apiBus;
        },
      });
      workerStore = createPostgresStore({ connectionString: url, poolMax: 6 }) as unknown as AtomStore;
      const engine = new Engine({
        store: workerStore,
        blobs: createFileBlobStore(join(api.dir, 'blobs')),
        nodes: createNodeRegistry(builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 500 } })),
      });
      workerBus = postgresEventBus({
        engine,
        store: workerStore,
        connectionString: url,
        logger,
        channel,
        listen: false,
      });
      workerDone = engine.createWorker({ id: 'elsewhere', pollMs: 50 }).run({ signal: stop.signal });
      await Promise.all([apiBus?.ready, workerBus.ready]);
    }, 30_000);
    afterAll(async () => {
      stop.abort();
      await workerDone;
      await workerBus?.close();
      await apiBus?.close();
      await api?.close();
      await workerStore?.close();
    });

    const create = async (yaml: string) => {
      const res = await api.api('/api/v1/workflows', {
        method: 'POST',
        rawBody: yaml,
        headers: { 'content-type': 'application/yaml' },
      });
      expect(res.status).toBe(201);
    };

    it('answers a webhook from a worker elsewhere and hears its whole run with stored ids', async () => {
      await create(
        'atom: 1\nname: answered-far\ntriggers:\n  - webhook: { path: far, respond: node, timeout: 20s }\nsteps:\n  - id: calc\n    uses: transform\n    with: { n: "{{ $trigger.body.n + 1 }}" }\n  - id: reply\n    uses: respond\n    with: { body: { n: "{{ $steps.calc.output.n }}" } }\n',
      );
      const heard: FeedEvent[] = [];
      const unsubscribe = apiBus?.subscribe((events) => heard.push(...(events as FeedEvent[])));
      const res = await fetch(`${api.url}/hooks/far`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 41 }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ n: 42 });
      const runId = res.headers.get('x-atom-run-id') as string;
      const deadline = Date.now() + 10_000;
      while (!heard.some((e) => e.runId === runId && e.type === 'run.succeeded') && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      unsubscribe?.();
      const stored = await api.store.listEvents(runId);
      expect(
        heard.filter((e) => e.runId === runId).map(({ workflowId: _w, workspaceId: _s, next: _n, ...e }) => e),
      ).toEqual(stored);
    });

    it('returns a run finished elsewhere to ?wait=, and starts the runs its end triggers', async () => {
      await create(
        'atom: 1\nname: far-wait\nsteps:\n  - id: a\n    uses: transform\n    with: { v: 7 }\noutputs:\n  v: "{{ $steps.a.output.v }}"\n',
      );
      await create(
        'atom: 1\nname: far-after\ntriggers:\n  - event: { name: run.succeeded, if: "{{ $event.workflow = \'far-wait\' }}" }\nsteps:\n  - id: b\n    uses: transform\n    with: { of: "{{ $event.runId }}" }\n',
      );
      const res = await api.api('/api/v1/workflows/far-wait/runs?wait=20', { body: {} });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ status: 'succeeded', outputs: { v: 7 } });
      const deadline = Date.now() + 15_000;
      let started: { id: string; inputs?: unknown; status: string }[] = [];
      while (Date.now() < deadline) {
        started = (await api.api('/api/v1/runs?workflow=far-after')).json.items;
        if (started.some((run) => run.status === 'succeeded')) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(started).toHaveLength(1);
      expect(started[0]?.status).toBe('succeeded');
    }, 40_000);
  });
}
