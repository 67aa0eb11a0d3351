/**
 * Events across processes through Redis: an API server without a worker hears, at once, the run
 * and step events of a worker on another engine (another connection to the same database) — so a
 * `respond: node` webhook is answered by that worker's run, and the whole run is heard.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Engine, type NewRunEvent } from '@atom/engine';
import { builtinNodes, createNodeRegistry } from '@atom/nodes';
import { type EventBus, redisEventBus } from '@atom/server';
import { createFileBlobStore, createSqliteStore } from '@atom/store';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, redisUnreachable } from '../support/redis-server.js';
import { type AtomStore, type ServerHarness, startServer } from '../support/server-harness.js';

if ((await redisUnreachable('events across processes through Redis')) === undefined) {
  describe('events across processes through Redis', () => {
    const channel = `atom-test-events-${randomBytes(4).toString('hex')}`;
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
        bus: (engine) => {
          apiBus = redisEventBus(engine, REDIS_URL, logger, channel);
          return apiBus;
        },
      });
      workerStore = createSqliteStore({ file: join(api.dir, 'atom.db') }) as AtomStore;
      const engine = new Engine({
        store: workerStore,
        blobs: createFileBlobStore(join(api.dir, 'blobs')),
        nodes: createNodeRegistry(builtinNodes({ httpAllow: [], code: { memoryBytes: 32 << 20, timeoutMs: 500 } })),
      });
      workerBus = redisEventBus(engine, REDIS_URL, logger, channel);
      workerDone = engine.createWorker({ id: 'elsewhere', pollMs: 50 }).run({ signal: stop.signal });
      await Promise.all([apiBus?.ready, workerBus.ready]);
    });
    afterAll(async () => {
      stop.abort();
      await workerDone;
      await workerBus?.close();
      await apiBus?.close();
      await api?.close();
      await workerStore?.close();
    });

    it('answers a webhook from a worker elsewhere and hears its whole run', async () => {
      const created = await api.api('/api/v1/workflows', {
        method: 'POST',
        rawBody:
          'atom: 1\nname: answered-elsewhere\ntriggers:\n  - webhook: { path: far, respond: node, timeout: 20s }\nsteps:\n  - id: calc\n    uses: transform\n    with: { n: "{{ $trigger.body.n + 1 }}" }\n  - id: reply\n    uses: respond\n    with: { body: { n: "{{ $steps.calc.output.n }}" } }\n',
        headers: { 'content-type': 'application/yaml' },
      });
      expect(created.status).toBe(201);
      const heard: NewRunEvent[] = [];
      const unsubscribe = apiBus?.subscribe((events) => heard.push(...events));
      const res = await fetch(`${api.url}/hooks/far`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n: 41 }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ n: 42 });
      const runId = res.headers.get('x-atom-run-id');
      const wanted = ['step.started:calc', 'step.succeeded:calc', 'run.responded:reply', 'run.succeeded'];
      const types = () =>
        heard.filter((e) => e.runId === runId).map((e) => `${e.type}${e.stepKey ? `:${e.stepKey}` : ''}`);
      const deadline = Date.now() + 10_000;
      while (!wanted.every((type) => types().includes(type)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      unsubscribe?.();
      // Step events exist only on the engine that ran them: hearing them here means they crossed Redis.
      expect(types()).toEqual(expect.arrayContaining(wanted));
    });
  });
}
