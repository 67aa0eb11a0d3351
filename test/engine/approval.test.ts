/**
 * Engine.decideApproval where the fixtures cannot reach: unknown runs, a timeout that passed before
 * any worker noticed, decisions racing from two engines on one database, and what is stored.
 */
import { VirtualClock } from '@atom/engine';
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/engine-harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

const approve = (timeout?: string) => ({
  atom: 1,
  name: 'approve',
  steps: [
    {
      id: 'ok',
      uses: 'approval',
      with: { approvers: ['ann@example.com', 'bob@example.com'], ...(timeout ? { timeout } : {}) },
    },
  ],
});

/** Starts the workflow and works until its approval step waits. */
async function parked(h: Harness, document: unknown): Promise<string> {
  const registered = await h.engine.registerWorkflow(document);
  const run = await h.engine.startRun({ workflow: registered.workflowId });
  await h.work(() => h.events.some((e) => e.runId === run.id && e.type === 'step.approval.requested'));
  return run.id;
}

describe('decideApproval', () => {
  it('refuses an unknown run', async () => {
    harness = await createHarness();
    await expect(
      harness.engine.decideApproval('nope', 'ok', { decision: 'approved', by: 'ann@example.com' }),
    ).rejects.toMatchObject({ code: 'ATOM_ERR_RUN_NOT_FOUND', status: 404 });
  });

  it('refuses a decision once the timeout passed, even before a worker failed the step', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    harness = await createHarness({ clock });
    const runId = await parked(harness, approve('1h'));
    clock.advance(3_600_000);
    await expect(
      harness.engine.decideApproval(runId, 'ok', { decision: 'approved', by: 'ann@example.com' }),
    ).rejects.toMatchObject({ code: 'ATOM_ERR_APPROVAL_NOT_PENDING' });
    await harness.work();
    expect(await harness.engine.store.getRun(runId)).toMatchObject({
      status: 'failed',
      error: { code: 'ATOM_ERR_APPROVAL_TIMEOUT' },
    });
  });

  it('lets exactly one of two decisions from two engines apply', async () => {
    harness = await createHarness();
    const runId = await parked(harness, approve());
    const other = await harness.peer();
    const results = await Promise.allSettled([
      harness.engine.decideApproval(runId, 'ok', { decision: 'approved', by: 'ann@example.com' }),
      other.decideApproval(runId, 'ok', { decision: 'rejected', by: 'bob@example.com', comment: 'no' }),
    ]);
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const lost = results.find((result) => result.status === 'rejected');
    expect(lost?.reason).toMatchObject({ code: 'ATOM_ERR_APPROVAL_NOT_PENDING' });
    await harness.work();
    const run = await harness.engine.store.getRun(runId);
    const winner = (won[0] as PromiseFulfilledResult<{ decision: string }>).value.decision;
    expect(run?.status).toBe(winner === 'approved' ? 'succeeded' : 'failed');
    const decided = (await harness.engine.store.listEvents(runId)).filter((e) => e.type === 'step.approval.decided');
    expect(decided).toHaveLength(1);
  });

  it('records the decision (secrets in the comment redacted) and returns it', async () => {
    const clock = new VirtualClock(Date.parse('2026-01-01T00:00:00Z'));
    harness = await createHarness({ clock, secrets: { KEY: 'hunter2-secret' } });
    const runId = await parked(harness, approve());
    const decided = await harness.engine.decideApproval(runId, 'ok', {
      decision: 'approved',
      by: ' Bob@Example.com ',
      comment: 'key is hunter2-secret',
    });
    expect(decided).toEqual({
      reason: 'approval',
      decision: 'approved',
      by: 'Bob@Example.com',
      comment: 'key is [redacted]',
      at: clock.now(),
    });
    const [row] = await harness.engine.store.getSteps(runId, ['ok']);
    expect(row).toMatchObject({ status: 'ready', wait: null, resume: decided });
  });
});
