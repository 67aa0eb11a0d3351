/**
 * Idle workers on PostgreSQL are woken by LISTEN/NOTIFY (migration 0021), not by polling: a worker
 * whose safety poll is an hour away still runs, at once, a run started by another process, and
 * again after its listening connection was killed (it reconnects and wakes itself).
 */
import type { Engine } from '@atom/engine';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { until } from '../support/until.js';
import { type PgEngines, pgEngines } from './pg-engines.js';

const unreachable = await postgresUnreachable('worker wake-up on PostgreSQL');

const chain = {
  atom: 1,
  name: 'wake-chain',
  steps: [
    { id: 'a', uses: 'transform', with: { v: 1 } },
    { id: 'b', uses: 'transform', with: { v: '{{ $steps.a.output.v + 1 }}' } },
  ],
  outputs: { v: '{{ $steps.b.output.v }}' },
};

describe.skipIf(unreachable !== undefined)('worker wake-up on PostgreSQL', () => {
  const url = useTestDatabase();
  let engines: PgEngines;
  let api: Engine;
  const stop = new AbortController();
  let workerDone: Promise<void>;

  beforeAll(async () => {
    engines = pgEngines(url);
    api = (await engines.open()).engine;
    const { engine: workerEngine } = await engines.open();
    // An hour between safety polls: only a NOTIFY can wake this worker in time.
    const worker = workerEngine.createWorker({ id: 'wake-test-worker', pollMs: 3_600_000 });
    workerDone = worker.run({ signal: stop.signal });
    await api.registerWorkflow(chain);
  });

  afterAll(async () => {
    stop.abort();
    await workerDone;
    await engines.closeAll();
  });

  const finished = async (runId: string) => (await api.store.getRun(runId))?.status === 'succeeded';

  it('runs a run started by another process while the worker sleeps', async () => {
    // Let the worker reach its idle sleep first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await api.startRun({ workflow: 'wake-chain' });
    await until(() => finished(run.id), 10_000);
    expect((await api.store.getRun(run.id))?.outputs).toEqual({ v: 2 });
  });

  it('listens again after its connection was killed', async () => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const killed = await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'atom-worker-wake' and datname = current_database()",
      );
      expect(killed.rowCount).toBe(1);
      await until(async () => {
        const { rows } = await admin.query(
          "select 1 from pg_stat_activity where application_name = 'atom-worker-wake' and datname = current_database()",
        );
        return rows.length === 1;
      }, 10_000);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await api.startRun({ workflow: 'wake-chain' });
    await until(() => finished(run.id), 10_000);
  });
});
