/**
 * Two workers racing for the same steps on one PostgreSQL database never both commit one:
 * - two worker loops of separate "processes" (own engine, store and pool) drain 40 fan-out runs
 *   at once; every claim went to one of them, every step committed exactly once;
 * - a stale worker whose lease was taken over commits at the very moment the new holder does, for
 *   60 steps at once: each step keeps one result, the new holder's, and one `step.succeeded`;
 * - both loops admitting the queued runs of a workflow with `concurrency: 1` never run two of them.
 */
import type { Engine, RunRecord } from '@atom/engine';
import type { PostgresStore } from '@atom/store/postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { until } from '../support/until.js';
import { type PgEngines, pgEngines } from './pg-engines.js';

const unreachable = await postgresUnreachable('two workers racing on PostgreSQL');

const fanOut = {
  atom: 1,
  name: 'race-fan-out',
  steps: [
    { id: 'start', uses: 'transform', with: { n: '{{ $inputs.n }}' } },
    ...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({
      id,
      needs: ['start'],
      uses: 'transform',
      with: { v: `{{ $steps.start.output.n & '-${id}' }}` },
    })),
    { id: 'join', needs: ['a', 'b', 'c', 'd', 'e', 'f'], uses: 'transform', with: { done: true } },
  ],
  outputs: { a: '{{ $steps.a.output.v }}', f: '{{ $steps.f.output.v }}' },
};

const single = {
  atom: 1,
  name: 'race-single',
  steps: [{ id: 'only', uses: 'transform', with: { v: '{{ $run.attempt }}' } }],
};

describe.skipIf(unreachable !== undefined)('two workers racing on PostgreSQL', () => {
  const url = useTestDatabase();
  let engines: PgEngines;
  let a: { engine: Engine; store: PostgresStore };
  let b: { engine: Engine; store: PostgresStore };

  beforeAll(async () => {
    engines = pgEngines(url);
    a = await engines.open();
    b = await engines.open();
    await a.engine.registerWorkflow(fanOut);
    await a.engine.registerWorkflow(single);
    await a.engine.registerWorkflow({
      atom: 1,
      name: 'race-limited',
      concurrency: 1,
      steps: [
        { id: 'hold', uses: 'test.sleep', with: { ms: 40 } },
        { id: 'next', uses: 'transform', with: { done: true } },
      ],
    });
  });
  afterAll(() => engines.closeAll());

  it('splits the claims of two worker loops and commits every step once', async () => {
    const runs = await Promise.all(
      Array.from({ length: 40 }, (_, n) => a.engine.startRun({ workflow: 'race-fan-out', inputs: { n: String(n) } })),
    );
    const stop = new AbortController();
    const loops = [a, b].map(({ engine }, i) =>
      engine.createWorker({ id: `racer-${i}`, concurrency: 6 }).run({ signal: stop.signal }),
    );
    const ended = async () => {
      const listed = await a.store.listRuns({ workflowName: 'race-fan-out', status: ['succeeded'], limit: 100 });
      return listed.length === runs.length;
    };
    try {
      await until(ended, 60_000);
    } finally {
      stop.abort();
      await Promise.all(loops);
    }
    for (const [n, run] of runs.entries()) {
      const stored = (await a.store.getRun(run.id)) as RunRecord;
      expect(stored.outputs).toEqual({ a: `${n}-a`, f: `${n}-f` });
      const events = await a.store.listEvents(run.id);
      const commits = events.filter((e) => e.type === 'step.succeeded').map((e) => e.stepKey);
      expect(commits.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'join', 'start']);
      // No attempt was started twice: each claim went to exactly one worker.
      const starts = events.filter((e) => e.type === 'step.started');
      expect(starts).toHaveLength(8);
      for (const step of await a.store.listSteps(run.id)) {
        expect(step).toMatchObject({ status: 'succeeded', attempt: 1 });
      }
    }
  });

  it('lets only the new lease holder commit when a stale worker commits at the same moment', async () => {
    const runs = await Promise.all(Array.from({ length: 60 }, () => a.engine.startRun({ workflow: 'race-single' })));
    const now = Date.now();
    const stale = await a.store.claimDue({ owner: 'stale', now, limit: 100, leaseMs: 1_000 });
    expect(stale).toHaveLength(60);
    // Every lease expires; worker B takes the steps over under new leases.
    expect(await b.engine.releaseLeases({ now: now + 5_000 })).toBe(60);
    const fresh = await b.store.claimDue({ owner: 'fresh', now: now + 5_000, limit: 100, leaseMs: 60_000 });
    expect(fresh).toHaveLength(60);
    const runOf = new Map(runs.map((run) => [run.id, run]));
    const freshOf = new Map(fresh.map((step) => [step.runId, step]));
    await Promise.all(
      stale.flatMap((old) => {
        const run = runOf.get(old.runId) as RunRecord;
        const taken = freshOf.get(old.runId);
        expect(taken?.leaseToken).not.toBe(old.leaseToken);
        return [
          a.engine.execute(run, old, new AbortController().signal, null),
          b.engine.execute(run, taken as NonNullable<typeof taken>, new AbortController().signal, null),
        ];
      }),
    );
    await until(async () => {
      const done = await a.store.listRuns({ workflowName: 'race-single', status: ['succeeded'], limit: 100 });
      return done.length === 60;
    });
    for (const run of runs) {
      const [step] = await a.store.listSteps(run.id);
      expect(step).toMatchObject({ status: 'succeeded', attempt: 2, leaseOwner: null });
      const events = await a.store.listEvents(run.id);
      expect(events.filter((e) => e.type === 'step.succeeded')).toHaveLength(1);
      expect(events.filter((e) => e.type === 'step.lease_expired')).toHaveLength(1);
    }
  });

  it('admits one run at a time of a workflow with concurrency 1, whichever worker claims', async () => {
    const runs = await Promise.all(Array.from({ length: 8 }, () => a.engine.startRun({ workflow: 'race-limited' })));
    const ids = runs.map((run) => run.id);
    const stop = new AbortController();
    const loops = [a, b].map(({ engine }, i) =>
      engine.createWorker({ id: `admit-${i}`, concurrency: 4 }).run({ signal: stop.signal }),
    );
    let most = 0;
    let succeeded = 0;
    try {
      while (succeeded < ids.length) {
        const listed = await a.store.listRuns({ workflowName: 'race-limited', limit: 100 });
        const holding = listed.filter((run) => run.status === 'running' || run.status === 'waiting').length;
        most = Math.max(most, holding);
        succeeded = listed.filter((run) => run.status === 'succeeded').length;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } finally {
      stop.abort();
      await Promise.all(loops);
    }
    expect(most).toBe(1);
  });
});
