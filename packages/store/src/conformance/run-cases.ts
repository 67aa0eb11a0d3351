/**
 * Conformance cases for runs: every field round-trips, patches touch only what they set, the
 * completion counter. Listing is in run-list-cases.ts, dedupe keys in dedupe-cases.ts.
 */

import type { RunRecord } from '@atom/engine';
import type { ErrorRecord } from '@atom/errors';
import { expect, it } from 'vitest';
import { newRun, RICH_JSON, seedRun, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const ERROR: ErrorRecord = {
  code: 'ATOM_ERR_HTTP_STATUS',
  message: 'GET https://x answered 503',
  retryable: true,
  retryAfterMs: 1500,
  details: [{ path: 'steps[0].with.url', message: 'bad', line: 3, column: 7 }],
  data: { status: 503 },
};

export function runCases(h: StoreHarness): void {
  it('reads back a new run with every field, the others at their start values', async () => {
    const run = newRun({
      inputs: RICH_JSON,
      trigger: ['webhook', { headers: { 'x-id': '1' } }],
      parentRunId: 'parent-1',
      parentStepKey: 'loop[2].call',
      dedupeKey: 'hook:delivery-1',
      status: 'running',
    });
    await h.store.atomically((tx) => tx.insertRun(run));
    const expected: RunRecord = {
      ...run,
      phase: 'main',
      outputs: null,
      error: null,
      startedAt: null,
      finishedAt: null,
      updatedAt: run.createdAt,
      seq: 0,
    };
    expect(await h.store.getRun(run.id)).toEqual(expected);
    expect(await h.store.atomically((tx) => tx.getRun(run.id))).toEqual(expected);
  });

  it('keeps null JSON values as null', async () => {
    const run = newRun({ inputs: null, trigger: null });
    await h.store.atomically((tx) => tx.insertRun(run));
    const stored = await h.store.getRun(run.id);
    expect(stored?.inputs).toBeNull();
    expect(stored?.trigger).toBeNull();
  });

  it('answers undefined for an unknown run', async () => {
    expect(await h.store.getRun('nope')).toBeUndefined();
    expect(await h.store.atomically((tx) => tx.getRun('nope'))).toBeUndefined();
  });

  it('applies a patch of every field and leaves the rest alone', async () => {
    const run = await seedRun(h.store);
    await h.store.atomically((tx) =>
      tx.updateRun(run.id, {
        status: 'failed',
        phase: 'compensating',
        outputs: RICH_JSON,
        error: ERROR,
        startedAt: T0 + 1,
        finishedAt: T0 + 2,
        updatedAt: T0 + 3,
      }),
    );
    expect(await h.store.getRun(run.id)).toEqual({
      ...run,
      status: 'failed',
      phase: 'compensating',
      outputs: RICH_JSON,
      error: ERROR,
      startedAt: T0 + 1,
      finishedAt: T0 + 2,
      updatedAt: T0 + 3,
      seq: 0,
    });
    await h.store.atomically((tx) => tx.updateRun(run.id, { phase: 'ended' }));
    const after = await h.store.getRun(run.id);
    expect(after?.phase).toBe('ended');
    expect(after?.status).toBe('failed');
    expect(after?.error).toEqual(ERROR);
  });

  it('clears nullable fields patched with null', async () => {
    const run = await seedRun(h.store);
    await h.store.atomically((tx) => tx.updateRun(run.id, { error: ERROR, startedAt: T0, outputs: [1] }));
    await h.store.atomically((tx) => tx.updateRun(run.id, { error: null, startedAt: null, outputs: null }));
    const after = await h.store.getRun(run.id);
    expect([after?.error, after?.startedAt, after?.outputs]).toEqual([null, null, null]);
  });

  it('counts completions with nextSeq', async () => {
    const run = await seedRun(h.store);
    const seqs = await h.store.atomically(async (tx) => [await tx.nextSeq(run.id), await tx.nextSeq(run.id)]);
    expect(seqs).toEqual([1, 2]);
    expect(await h.store.atomically((tx) => tx.nextSeq(run.id))).toBe(3);
    expect((await h.store.getRun(run.id))?.seq).toBe(3);
  });

  it('reads several runs at once, and counts completions of runs read in the unit', async () => {
    const a = await seedRun(h.store);
    const b = await seedRun(h.store);
    const seen = await h.store.atomically(async (tx) => {
      const runs = await tx.getRuns([b.id, 'nope', a.id]);
      const seqs = [await tx.nextSeq(a.id), await tx.nextSeq(a.id), await tx.nextSeq(b.id)];
      await tx.updateRun(a.id, { status: 'running' });
      const after = await tx.getRun(a.id);
      const again = await tx.getRun(b.id);
      return { ids: runs.map((run) => run.id).sort(), seqs, after, again };
    });
    expect(seen.ids).toEqual([a.id, b.id].sort());
    expect(seen.seqs).toEqual([1, 2, 1]);
    expect([seen.after?.status, seen.after?.seq, seen.again?.seq]).toEqual(['running', 2, 1]);
    expect([(await h.store.getRun(a.id))?.seq, (await h.store.getRun(b.id))?.seq]).toEqual([2, 1]);
    expect(await h.store.atomically((tx) => tx.nextSeq(a.id))).toBe(3);
  });

  it('writes back nothing counted in a unit that fails', async () => {
    const run = await seedRun(h.store);
    await expect(
      h.store.atomically(async (tx) => {
        await tx.getRun(run.id);
        await tx.nextSeq(run.id);
        throw new Error('undone');
      }),
    ).rejects.toThrow('undone');
    expect((await h.store.getRun(run.id))?.seq).toBe(0);
  });
}
