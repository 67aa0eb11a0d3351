/**
 * Conformance cases for the workflow catalogue (ControlStore): summaries, conditional versions (also
 * under two concurrent writers), soft delete that frees the name, the triggers switch, trigger
 * sources, and the listing with search and a name cursor.
 */
import { AtomError } from '@atom/errors';
import { expect, it } from 'vitest';
import type { WorkflowListQuery } from '../control/control-store.js';
import { T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const doc = (description?: string, extra: object = {}) => ({
  atom: 1,
  steps: [],
  ...(description === undefined ? {} : { description }),
  ...extra,
});

function isConflict(error: unknown): boolean {
  return error instanceof AtomError && error.code === 'ATOM_ERR_WORKFLOW_VERSION_CONFLICT';
}

export function catalogueCases(h: StoreHarness): void {
  it('changes the trigger sources stamp with every change a trigger source depends on', async () => {
    const stamps = [await h.store.triggerSourcesStamp()];
    // Each change gives a stamp unlike the one before (switching back may give an earlier one: the
    // sources are then as they were then).
    const next = async () => {
      const stamp = await h.store.triggerSourcesStamp();
      expect(stamp).not.toBe(stamps.at(-1));
      stamps.push(stamp);
    };
    const v1 = await h.store.putWorkflowVersion('stamped', doc('one'), 'h1', T0);
    await next();
    // Nothing changed: the same stamp.
    expect(await h.store.triggerSourcesStamp()).toBe(stamps.at(-1));
    // Each of these at the same millisecond as the one before, so the time alone cannot tell.
    await h.store.putWorkflowVersion('stamped', doc('two'), 'h2', T0);
    await next();
    await h.store.setTriggersEnabled(v1.workflowId, false, T0);
    await next();
    await h.store.setTriggersEnabled(v1.workflowId, true, T0);
    await next();
    await h.store.putWorkflowVersion('other', doc('one'), 'h3', T0);
    await next();
    await h.store.deleteWorkflow(v1.workflowId, T0);
    await next();
  });

  it('summarises a workflow from its newest version', async () => {
    const v1 = await h.store.putWorkflowVersion('orders', doc('First take'), 'h1', T0);
    const summary = {
      workflowId: v1.workflowId,
      workspaceId: 'default',
      name: 'orders',
      version: 1,
      description: 'First take',
      triggersEnabled: true,
      createdAt: T0,
      updatedAt: T0,
      deletedAt: null,
    };
    expect(await h.store.getWorkflowSummary('orders', 'default')).toEqual(summary);
    expect(await h.store.getWorkflowSummary(v1.workflowId, 'default')).toEqual(summary);
    await h.store.putWorkflowVersion('orders', doc(undefined, { description: 42 }), 'h2', T0 + 5);
    expect(await h.store.getWorkflowSummary('orders', 'default')).toEqual({
      ...summary,
      version: 2,
      description: null,
      updatedAt: T0 + 5,
    });
    expect(await h.store.getWorkflowSummary('nope', 'default')).toBeUndefined();
    expect(await h.store.listWorkflowVersions(v1.workflowId)).toEqual([
      { version: 2, hash: 'h2', createdAt: T0 + 5 },
      { version: 1, hash: 'h1', createdAt: T0 },
    ]);
    expect(await h.store.listWorkflowVersions('nope')).toEqual([]);
  });

  it('stores a version only when the newest is the expected one', async () => {
    const created = await h.store.putWorkflowVersionIf('orders', doc('a'), 'h1', T0, 0);
    expect(created).toMatchObject({ name: 'orders', version: 1, created: true });
    await expect(h.store.putWorkflowVersionIf('orders', doc('b'), 'h2', T0, 0)).rejects.toSatisfy(isConflict);
    await expect(h.store.putWorkflowVersionIf('orders', doc('b'), 'h2', T0, 2)).rejects.toSatisfy(isConflict);
    await expect(h.store.putWorkflowVersionIf('missing', doc('b'), 'h2', T0, 1)).rejects.toSatisfy(isConflict);
    expect(await h.store.getWorkflowSummary('missing', 'default')).toBeUndefined();
    expect((await h.store.getWorkflowVersion('orders'))?.version).toBe(1);
    const next = await h.store.putWorkflowVersionIf('orders', doc('b'), 'h2', T0 + 1, 1);
    expect(next).toMatchObject({ workflowId: created.workflowId, version: 2, document: doc('b'), created: true });
    const same = await h.store.putWorkflowVersionIf('orders', doc('b'), 'h2', T0 + 2, 2);
    expect(same).toEqual({ ...next, created: false });
    expect((await h.store.getWorkflowSummary('orders', 'default'))?.description).toBe('b');
  });

  it('lets exactly one of two concurrent conditional writers through', async () => {
    const base = await h.store.putWorkflowVersionIf('orders', doc('base'), 'h0', T0, 0);
    const writers = ['left', 'right'].map((side) =>
      h.store.putWorkflowVersionIf('orders', doc(side), `h-${side}`, T0 + 1, base.version),
    );
    const results = await Promise.allSettled(writers);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.map((r) => isConflict(r.reason))).toEqual([true]);
    expect(await h.store.listWorkflowVersions(base.workflowId)).toHaveLength(2);
    // Two creators of one new name: one workflow, one version.
    const creators = await Promise.allSettled(
      [1, 2].map((i) => h.store.putWorkflowVersionIf('new', doc(), `n${i}`, T0, 0)),
    );
    expect(creators.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await h.store.getWorkflowVersion('new'))?.version).toBe(1);
  });

  it('deletes a workflow: the name is free, the old id still resolves', async () => {
    const old = await h.store.putWorkflowVersion('orders', doc('old'), 'h1', T0);
    await h.store.putWorkflowVersion('orders', doc('old 2'), 'h2', T0 + 1);
    expect(await h.store.deleteWorkflow(old.workflowId, T0 + 2)).toBe(true);
    expect(await h.store.deleteWorkflow(old.workflowId, T0 + 3)).toBe(false);
    expect(await h.store.deleteWorkflow('nope', T0 + 3)).toBe(false);
    expect(await h.store.getWorkflowVersion('orders')).toBeUndefined();
    expect(await h.store.getWorkflowSummary('orders', 'default')).toBeUndefined();
    expect((await h.store.getWorkflowVersion(old.workflowId))?.version).toBe(2);
    expect((await h.store.getWorkflowVersion(old.workflowId, 1))?.document).toEqual(doc('old'));
    expect(await h.store.getWorkflowSummary(old.workflowId, 'default')).toMatchObject({
      name: 'orders',
      deletedAt: T0 + 2,
    });
    expect(await h.store.listWorkflows({ workspaceId: 'default', limit: 10 })).toEqual([]);
    expect(await h.store.listTriggerSources()).toEqual([]);
    expect(await h.store.setTriggersEnabled(old.workflowId, false, T0 + 3)).toBe(false);

    const reborn = await h.store.putWorkflowVersionIf('orders', doc('new'), 'h1', T0 + 4, 0);
    expect(reborn).toMatchObject({ version: 1, created: true });
    expect(reborn.workflowId).not.toBe(old.workflowId);
    expect((await h.store.getWorkflowVersion('orders'))?.workflowId).toBe(reborn.workflowId);
    expect((await h.store.getWorkflowVersion(old.workflowId))?.workflowId).toBe(old.workflowId);
    expect((await h.store.listWorkflows({ workspaceId: 'default', limit: 10 })).map((w) => w.workflowId)).toEqual([
      reborn.workflowId,
    ]);
    // Deleted again, the plain put also starts a new workflow.
    await h.store.deleteWorkflow(reborn.workflowId, T0 + 5);
    const third = await h.store.putWorkflowVersion('orders', doc('new'), 'h1', T0 + 6);
    expect(third).toMatchObject({ version: 1, created: true });
    expect(new Set([old.workflowId, reborn.workflowId, third.workflowId]).size).toBe(3);
  });

  it('switches triggers and lists the trigger sources with their newest documents', async () => {
    const a = await h.store.putWorkflowVersion('a', doc('a1'), 'a1', T0);
    await h.store.putWorkflowVersion('a', doc('a2'), 'a2', T0 + 1);
    const b = await h.store.putWorkflowVersion('b', doc('b1'), 'b1', T0);
    expect(await h.store.listTriggerSources()).toEqual([
      { workflowId: a.workflowId, workspaceId: 'default', name: 'a', version: 2, document: doc('a2') },
      { workflowId: b.workflowId, workspaceId: 'default', name: 'b', version: 1, document: doc('b1') },
    ]);
    expect(await h.store.setTriggersEnabled(a.workflowId, false, T0 + 2)).toBe(true);
    expect((await h.store.getWorkflowSummary('a', 'default'))?.triggersEnabled).toBe(false);
    expect((await h.store.listTriggerSources()).map((s) => s.name)).toEqual(['b']);
    expect(await h.store.setTriggersEnabled(a.workflowId, true, T0 + 3)).toBe(true);
    expect((await h.store.getWorkflowSummary('a', 'default'))?.triggersEnabled).toBe(true);
    expect(await h.store.setTriggersEnabled('nope', true, T0)).toBe(false);
    expect((await h.store.listTriggerSources()).map((s) => s.name)).toEqual(['a', 'b']);
  });

  it('searches names and descriptions case-insensitively', async () => {
    await h.store.putWorkflowVersion('invoice-sync', doc('Copies bills'), 'h', T0);
    await h.store.putWorkflowVersion('billing', doc('Sends the monthly INVOICES'), 'h', T0);
    await h.store.putWorkflowVersion('triage', doc('Ärger mit 100% Rabatt_code'), 'h', T0);
    await h.store.putWorkflowVersion('plain', doc(), 'h', T0);
    const names = async (search: string) =>
      (await h.store.listWorkflows({ workspaceId: 'default', search, limit: 10 })).map((w) => w.name);
    expect(await names('Invoice')).toEqual(['billing', 'invoice-sync']);
    expect(await names('BILLS')).toEqual(['invoice-sync']);
    expect(await names('ärger')).toEqual(['triage']);
    // LIKE's wildcards are plain characters in a search.
    expect(await names('%')).toEqual(['triage']);
    expect(await names('t_c')).toEqual(['triage']);
    expect(await names('0% r')).toEqual(['triage']);
    expect(await names('nothing like it')).toEqual([]);
    expect(await names('')).toEqual(['billing', 'invoice-sync', 'plain', 'triage']);
  });

  it('pages through the catalogue by name, each workflow exactly once', async () => {
    const all: string[] = [];
    for (let i = 0; i < 17; i++) {
      const name = `wf-${String.fromCharCode(97 + ((i * 7) % 17))}${i}`;
      all.push(name);
      await h.store.putWorkflowVersion(name, doc(i % 2 === 0 ? 'Even one' : 'odd one'), `h${i}`, T0 + i);
    }
    const gone = await h.store.putWorkflowVersion('wf-deleted', doc('Even one'), 'hd', T0);
    await h.store.deleteWorkflow(gone.workflowId, T0 + 1);
    const byName = [...all].sort();
    const walk = async (query: Omit<WorkflowListQuery, 'afterName' | 'workspaceId'>): Promise<string[]> => {
      const seen: string[] = [];
      let afterName: string | undefined;
      for (;;) {
        const page = await h.store.listWorkflows({
          workspaceId: 'default',
          ...query,
          ...(afterName === undefined ? {} : { afterName }),
        });
        seen.push(...page.map((w) => w.name));
        if (page.length < query.limit) return seen;
        afterName = page.at(-1)?.name;
      }
    };
    for (const limit of [1, 4, 17, 30]) expect(await walk({ limit })).toEqual(byName);
    const even = byName.filter((name) => Number(name.slice(4)) % 2 === 0);
    expect(await walk({ search: 'EVEN', limit: 3 })).toEqual(even);
    expect(
      await h.store.listWorkflows({ workspaceId: 'default', afterName: byName.at(-1) as string, limit: 5 }),
    ).toEqual([]);
  });
}
