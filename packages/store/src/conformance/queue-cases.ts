/**
 * Conformance cases for the queue: which steps `claimDue` takes and what it makes of them, leases
 * (renew, release), the next due time and event waiters.
 */
import type { StepPatch, StepRecord, StorePort } from '@atom/engine';
import { expect, it } from 'vitest';
import { newStep, seedRun, seedSteps, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const LEASE = 30_000;

async function patch(store: StorePort, runId: string, key: string, p: StepPatch): Promise<void> {
  await store.atomically((tx) => tx.updateStep(runId, key, p));
}

async function stepOf(store: StorePort, runId: string, key: string): Promise<StepRecord | undefined> {
  return (await store.getSteps(runId, [key]))[0];
}

export function queueCases(h: StoreHarness): void {
  it('claims due ready and retrying steps, and only those', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'due', { status: 'ready', dueAt: T0 - 10 }),
      newStep('', 'now', { status: 'ready', dueAt: T0 }),
      newStep('', 'later', { status: 'ready', dueAt: T0 + 10 }),
      newStep('', 'untimed', { status: 'ready', dueAt: null }),
      newStep('', 'pending', { status: 'pending', dueAt: T0 - 100 }),
      newStep('', 'running', { status: 'running', dueAt: T0 - 100 }),
      newStep('', 'done', { status: 'succeeded', dueAt: T0 - 100 }),
      newStep('', 'retry', { status: 'retrying', dueAt: T0 - 5 }),
      newStep('', 'event', { status: 'waiting', dueAt: null }),
    ]);
    await patch(h.store, run.id, 'retry', { attempt: 1 });
    const claimed = await h.store.claimDue({ owner: 'w1', now: T0, limit: 10, leaseMs: LEASE });
    expect(claimed.map((s) => [s.key, s.claimedFrom])).toEqual([
      ['due', 'ready'],
      ['retry', 'retrying'],
      ['now', 'ready'],
    ]);
    expect(await h.store.claimDue({ owner: 'w1', now: T0, limit: 10, leaseMs: LEASE })).toEqual([]);
  });

  it('turns a claimed row into a running step under a new lease, as stored', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'fresh', { status: 'ready', dueAt: T0 - 2 }),
      newStep('', 'again', { status: 'retrying', dueAt: T0 - 1 }),
    ]);
    await patch(h.store, run.id, 'again', {
      attempt: 1,
      startedAt: T0 - 500,
      error: { code: 'ATOM_ERR_HTTP_STATUS', message: '503', retryable: true },
    });
    const before = await h.store.listSteps(run.id);
    const claimed = await h.store.claimDue({ owner: 'w1', now: T0, limit: 10, leaseMs: LEASE });
    expect(claimed).toHaveLength(2);
    const [fresh, again] = claimed;
    for (const step of claimed) {
      expect(step).toMatchObject({ status: 'running', leaseOwner: 'w1', leaseExpiresAt: T0 + LEASE, dueAt: null });
      expect(typeof step.leaseToken).toBe('string');
      const { claimedFrom: _from, ...stored } = step;
      expect(await stepOf(h.store, run.id, step.key)).toEqual(stored);
    }
    expect(fresh?.leaseToken).not.toBe(again?.leaseToken);
    expect(fresh).toMatchObject({ attempt: 1, startedAt: T0, claimedFrom: 'ready' });
    expect(again).toMatchObject({ attempt: 2, startedAt: T0 - 500, claimedFrom: 'retrying' });
    const untouched = ['runId', 'key', 'stepId', 'scope', 'kind', 'index', 'item', 'target', 'createdAt', 'error'];
    for (const step of claimed) {
      const old = before.find((row) => row.key === step.key) as unknown as Record<string, unknown>;
      for (const field of untouched) expect((step as unknown as Record<string, unknown>)[field]).toEqual(old[field]);
    }
  });

  it('takes the oldest dueAt first, then the oldest createdAt, up to the limit', async () => {
    // Each in a run of its own: the steps of one run due at one moment are a burst (next case).
    for (const step of [
      newStep('', 'c', { status: 'ready', dueAt: T0 - 5, createdAt: T0 - 1 }),
      newStep('', 'b', { status: 'ready', dueAt: T0 - 5, createdAt: T0 - 3 }),
      newStep('', 'a', { status: 'retrying', dueAt: T0 - 9, createdAt: T0 }),
      newStep('', 'd', { status: 'ready', dueAt: T0 - 1, createdAt: T0 - 9 }),
    ]) {
      await seedRun(h.store, {}, [step]);
    }
    const claim = (limit: number) => h.store.claimDue({ owner: 'w', now: T0, limit, leaseMs: LEASE });
    expect((await claim(2)).map((s) => s.key)).toEqual(['a', 'b']);
    expect((await claim(1)).map((s) => s.key)).toEqual(['c']);
    expect((await claim(5)).map((s) => s.key)).toEqual(['d']);
    expect(await claim(5)).toEqual([]);
  });

  it("interleaves a run's burst of steps due at one moment with other runs' steps due after it", async () => {
    // Four items made due at once by one commit wait 0, 10, 20 and 30 ms of virtual time.
    const items = [0, 1, 2, 3].map((n) =>
      newStep('', `each[${n}]`, { status: 'ready', dueAt: T0 - 100, createdAt: T0 - 100 + n }),
    );
    await seedRun(h.store, {}, items);
    await seedRun(h.store, {}, [newStep('', 'other', { status: 'ready', dueAt: T0 - 85, createdAt: T0 - 85 })]);
    const claim = async (limit: number) =>
      (await h.store.claimDue({ owner: 'w', now: T0, limit, leaseMs: LEASE })).map((s) => s.key).sort();
    // First come first served would take the whole burst; in virtual time the other step (T0 - 85)
    // comes after the burst's first two (T0 - 100, T0 - 90) and before its last two.
    expect(await claim(3)).toEqual(['each[0]', 'each[1]', 'other']);
    expect(await claim(5)).toEqual(['each[2]', 'each[3]']);
  });

  it('claims only the run asked for when runId is given', async () => {
    const one = await seedRun(h.store, {}, [newStep('', 'x', { status: 'ready', dueAt: T0 - 1 })]);
    const two = await seedRun(h.store, {}, [newStep('', 'x', { status: 'ready', dueAt: T0 - 2 })]);
    const claimed = await h.store.claimDue({ owner: 'w', now: T0, limit: 10, leaseMs: LEASE, runId: one.id });
    expect(claimed.map((s) => s.runId)).toEqual([one.id]);
    expect((await stepOf(h.store, two.id, 'x'))?.status).toBe('ready');
    expect(await h.store.claimDue({ owner: 'w', now: T0, limit: 10, leaseMs: LEASE, runId: 'none' })).toEqual([]);
  });

  it('resumes without a new attempt: a waiting step whose timer came due, a step woken with resume', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'sleep', { status: 'waiting', dueAt: T0 - 1 }),
      newStep('', 'woken', { status: 'ready', dueAt: T0 }),
    ]);
    const resume = { reason: 'event' as const, name: 'order.paid', payload: { id: 1 } };
    await patch(h.store, run.id, 'sleep', { attempt: 1, startedAt: T0 - 100, wait: { kind: 'timer', until: T0 - 1 } });
    await patch(h.store, run.id, 'woken', { attempt: 2, startedAt: T0 - 50, resume });
    const claimed = await h.store.claimDue({ owner: 'w', now: T0, limit: 10, leaseMs: LEASE });
    expect(claimed.map((s) => [s.key, s.claimedFrom, s.attempt, s.startedAt])).toEqual([
      ['sleep', 'waiting', 1, T0 - 100],
      ['woken', 'ready', 2, T0 - 50],
    ]);
    expect(claimed[0]?.resume).toEqual({ reason: 'timer' });
    expect(claimed[1]?.resume).toEqual(resume);
    expect((await stepOf(h.store, run.id, 'sleep'))?.resume).toEqual({ reason: 'timer' });
  });

  it('never gives one row to two concurrent claimers', async () => {
    const run = await seedRun(h.store);
    await seedSteps(
      h.store,
      Array.from({ length: 200 }, (_, i) =>
        newStep(run.id, `s${String(i).padStart(3, '0')}`, { status: 'ready', dueAt: T0 - (i % 7) }),
      ),
    );
    const seen: string[] = [];
    const tokens = new Set<string>();
    const claimer = async (owner: string) => {
      for (;;) {
        const batch = await h.store.claimDue({ owner, now: T0, limit: 7, leaseMs: LEASE });
        if (batch.length === 0) return;
        for (const step of batch) {
          seen.push(step.key);
          tokens.add(step.leaseToken);
        }
      }
    };
    await Promise.all(['w1', 'w2', 'w3', 'w4'].map(claimer));
    expect(seen).toHaveLength(200);
    expect(new Set(seen).size).toBe(200);
    expect(tokens.size).toBe(200);
    const rows = await h.store.listSteps(run.id);
    expect(rows.every((row) => row.status === 'running' && row.attempt === 1)).toBe(true);
  });

  it('gives a unit the ready first attempts among some keys, never a row a claimer holds', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'a', { status: 'ready', dueAt: T0 - 2 }),
      newStep('', 'b', { status: 'ready', dueAt: T0 - 1 }),
      newStep('', 'c', { status: 'ready', dueAt: T0 - 1 }),
      newStep('', 'later', { status: 'ready', dueAt: T0 + 1 }),
      newStep('', 'again', { status: 'ready', dueAt: T0 - 1 }),
      newStep('', 'woken', { status: 'ready', dueAt: T0 - 1 }),
      newStep('', 'pending'),
      newStep('', 'other', { status: 'ready', dueAt: T0 - 1 }),
    ]);
    await patch(h.store, run.id, 'again', { attempt: 1 });
    await patch(h.store, run.id, 'woken', { resume: { reason: 'timer' } });
    const asked = ['c', 'b', 'a', 'later', 'again', 'woken', 'pending', 'missing'];
    const keys = (rows: StepRecord[]) => rows.map((row) => row.key);
    expect(keys(await h.store.atomically((tx) => tx.readyAmong(run.id, asked, T0)))).toEqual(['c', 'b', 'a']);
    expect(await h.store.atomically((tx) => tx.readyAmong(run.id, [], T0))).toEqual([]);

    // A claimer takes `a` (the oldest) and holds its unit open meanwhile: the other unit gets only
    // b and c, and neither waits for the other's rows (SQLite runs the units one after the other).
    let open = () => {};
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const claim = h.store.claimDue({ owner: 'w', now: T0, limit: 1, leaseMs: LEASE }, () => gate);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const ready = h.store.atomically((tx) => tx.readyAmong(run.id, ['a', 'b', 'c'], T0));
    await Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 200))]);
    open();
    expect(keys(await claim)).toEqual(['a']);
    expect(keys(await ready)).toEqual(['b', 'c']);
  });

  it('renews the leases an owner still holds and names the others', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'a', { status: 'ready', dueAt: T0 - 3 }),
      newStep('', 'b', { status: 'ready', dueAt: T0 - 2 }),
      newStep('', 'c', { status: 'ready', dueAt: T0 - 1 }),
      newStep('', 'd', { status: 'ready', dueAt: T0 }),
    ]);
    const mine = await h.store.claimDue({ owner: 'w1', now: T0, limit: 3, leaseMs: LEASE });
    const theirs = await h.store.claimDue({ owner: 'w2', now: T0, limit: 3, leaseMs: LEASE });
    const [a, b, c] = mine.map((s) => s.leaseToken);
    const d = theirs[0]?.leaseToken as string;
    await h.store.atomically((tx) =>
      tx.updateStep(run.id, 'c', { status: 'succeeded', leaseOwner: null, leaseToken: null, leaseExpiresAt: null }),
    );
    const lost = await h.store.renewLeases('w1', [a, b, c, d, 'unknown'] as string[], T0 + 99_000);
    expect([...lost].sort()).toEqual([c, d, 'unknown'].sort());
    const rows = await h.store.listSteps(run.id);
    expect(rows.map((s) => [s.key, s.leaseExpiresAt])).toEqual([
      ['a', T0 + 99_000],
      ['b', T0 + 99_000],
      ['c', null],
      ['d', T0 + LEASE],
    ]);
    expect(await h.store.renewLeases('w1', [], T0)).toEqual([]);
  });

  it('releases expired leases, returns the rows as they were, and lets them be claimed again', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'short', { status: 'ready', dueAt: T0 - 2 }),
      newStep('', 'long', { status: 'ready', dueAt: T0 - 1 }),
      newStep('', 'group', { status: 'pending' }),
    ]);
    const [short] = await h.store.claimDue({ owner: 'w1', now: T0, limit: 1, leaseMs: 100 });
    await h.store.claimDue({ owner: 'w1', now: T0, limit: 1, leaseMs: 1000 });
    await patch(h.store, run.id, 'group', { status: 'running', wait: { kind: 'children' } });
    const group = await stepOf(h.store, run.id, 'group');

    expect(await h.store.releaseLeases({ now: T0 + 99 })).toEqual([]);
    const released = await h.store.releaseLeases({ now: T0 + 100 });
    const { claimedFrom: _from, ...asClaimed } = short as NonNullable<typeof short>;
    expect(released).toEqual([asClaimed]);

    const row = await stepOf(h.store, run.id, 'short');
    expect(row).toMatchObject({
      status: 'ready',
      dueAt: T0 + 100,
      leaseOwner: null,
      leaseToken: null,
      leaseExpiresAt: null,
      attempt: 1,
    });
    expect((await stepOf(h.store, run.id, 'long'))?.status).toBe('running');
    expect(await stepOf(h.store, run.id, 'group')).toEqual(group);
    expect(await h.store.releaseLeases({ now: T0 + 100 })).toEqual([]);

    const [again] = await h.store.claimDue({ owner: 'w2', now: T0 + 100, limit: 5, leaseMs: LEASE });
    expect(again).toMatchObject({ key: 'short', attempt: 2, claimedFrom: 'ready', leaseOwner: 'w2' });
  });

  it('releases the leases of the given owners', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'a', { status: 'ready', dueAt: T0 - 3 }),
      newStep('', 'b', { status: 'ready', dueAt: T0 - 2 }),
      newStep('', 'c', { status: 'ready', dueAt: T0 - 1 }),
    ]);
    for (const owner of ['w1', 'w2', 'w3']) await h.store.claimDue({ owner, now: T0, limit: 1, leaseMs: LEASE });
    const released = await h.store.releaseLeases({ now: T0 + 1, owners: ['w1', 'w2'] });
    expect(released.map((s) => [s.key, s.status, s.leaseOwner]).sort()).toEqual([
      ['a', 'running', 'w1'],
      ['b', 'running', 'w2'],
    ]);
    const rows = await h.store.listSteps(run.id);
    expect(rows.map((s) => [s.key, s.status, s.dueAt, s.leaseOwner])).toEqual([
      ['a', 'ready', T0 + 1, null],
      ['b', 'ready', T0 + 1, null],
      ['c', 'running', null, 'w3'],
    ]);
    expect(await h.store.releaseLeases({ now: T0 + 1, owners: [] })).toEqual([]);
  });

  it('runs the follow-up of a claim or a release in the same unit', async () => {
    const run = await seedRun(h.store, {}, [
      newStep('', 'a', { status: 'ready', dueAt: T0 - 2 }),
      newStep('', 'b', { status: 'ready', dueAt: T0 - 1 }),
    ]);
    const event = (key: string, type: string) => ({ runId: run.id, type, stepKey: key, data: null, at: T0 });
    // A follow-up that throws undoes the claim.
    await expect(
      h.store.claimDue({ owner: 'w1', now: T0, limit: 1, leaseMs: 100 }, async () => {
        throw new Error('recording failed');
      }),
    ).rejects.toThrow('recording failed');
    expect((await stepOf(h.store, run.id, 'a'))?.status).toBe('ready');
    // A follow-up that writes commits with the claim.
    const claimed = await h.store.claimDue({ owner: 'w1', now: T0, limit: 1, leaseMs: 100 }, async (tx, rows) => {
      expect(rows.map((row) => row.key)).toEqual(['a']);
      await tx.appendEvents(rows.map((row) => event(row.key, 'step.started')));
    });
    expect(claimed.map((row) => row.key)).toEqual(['a']);
    let called = false;
    await h.store.claimDue({ owner: 'w1', now: T0 - 10, limit: 1, leaseMs: 100 }, async () => {
      called = true;
    });
    expect(called).toBe(false);
    await h.store.releaseLeases({ now: T0 + 100 }, async (tx, rows) => {
      await tx.appendEvents(rows.map((row) => event(row.key, 'step.lease_expired')));
    });
    expect((await h.store.listEvents(run.id)).map((e) => [e.stepKey, e.type])).toEqual([
      ['a', 'step.started'],
      ['a', 'step.lease_expired'],
    ]);
  });

  it('tells the next time something becomes claimable', async () => {
    expect(await h.store.nextDueAt()).toBeUndefined();
    await seedRun(h.store, {}, [
      newStep('', 'later', { status: 'ready', dueAt: T0 + 50 }),
      newStep('', 'timer', { status: 'waiting', dueAt: T0 + 30 }),
      newStep('', 'retry', { status: 'retrying', dueAt: T0 + 40 }),
      newStep('', 'event', { status: 'waiting', dueAt: null }),
      newStep('', 'pending', { status: 'pending', dueAt: T0 + 1 }),
      newStep('', 'done', { status: 'succeeded', dueAt: T0 + 2 }),
    ]);
    expect(await h.store.nextDueAt()).toBe(T0 + 30);
    await seedRun(h.store, {}, [newStep('', 'now', { status: 'ready', dueAt: T0 })]);
    expect(await h.store.nextDueAt()).toBe(T0);
    await h.store.claimDue({ owner: 'w', now: T0, limit: 1, leaseMs: 20 });
    expect(await h.store.nextDueAt()).toBe(T0 + 20);
  });

  it('finds the steps waiting for an event', async () => {
    const wait = (name: string) => ({ kind: 'event' as const, name, filter: null, timeoutAt: null });
    const run = await seedRun(h.store, {}, [
      newStep('', 'w1', { status: 'waiting' }),
      newStep('', 'w2', { status: 'waiting', dueAt: T0 + 100 }),
      newStep('', 'w3', { status: 'waiting' }),
      newStep('', 'w4', { status: 'waiting', dueAt: T0 + 5 }),
      newStep('', 'w5', { status: 'ready', dueAt: T0 }),
    ]);
    const other = await seedRun(h.store, {}, [newStep('', 'w6', { status: 'waiting' })]);
    await patch(h.store, run.id, 'w1', { wait: wait('order.paid') });
    await patch(h.store, run.id, 'w2', {
      wait: { kind: 'event', name: 'order.paid', filter: '$.id = 1', timeoutAt: T0 + 100 },
    });
    await patch(h.store, run.id, 'w3', { wait: wait('order.shipped') });
    await patch(h.store, run.id, 'w4', { wait: { kind: 'timer', until: T0 + 5 } });
    await patch(h.store, run.id, 'w5', { wait: wait('order.paid') });
    await patch(h.store, other.id, 'w6', { wait: wait('order.paid') });

    const found = await h.store.findEventWaiters('order.paid');
    expect(found.map((s) => `${s.runId === run.id ? 'run' : 'other'}/${s.key}`).sort()).toEqual([
      'other/w6',
      'run/w1',
      'run/w2',
    ]);
    expect(found.find((s) => s.key === 'w2')).toEqual(await stepOf(h.store, run.id, 'w2'));
    expect(await h.store.findEventWaiters('nothing')).toEqual([]);

    await patch(h.store, run.id, 'w1', { status: 'ready', wait: null, dueAt: T0 });
    await patch(h.store, other.id, 'w6', { wait: wait('order.cancelled') });
    expect((await h.store.findEventWaiters('order.paid')).map((s) => s.key)).toEqual(['w2']);
    expect((await h.store.findEventWaiters('order.cancelled')).map((s) => s.key)).toEqual(['w6']);
  });
}
