/**
 * Conformance cases for workflow versions: first version, same-hash shortcut, numbering, lookups,
 * the source text kept beside the document.
 */
import { expect, it } from 'vitest';
import { RICH_JSON, T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function workflowCases(h: StoreHarness): void {
  it('creates a workflow and version 1 for a new name', async () => {
    const doc = { name: 'orders', steps: [{ id: 'a', uses: 'http.request' }], meta: RICH_JSON };
    const put = await h.store.putWorkflowVersion('orders', doc, 'h1', T0);
    expect(put).toEqual({
      workflowId: expect.any(String),
      workspaceId: 'default',
      name: 'orders',
      version: 1,
      document: doc,
      source: null,
      hash: 'h1',
      createdAt: T0,
      created: true,
    });
    const { created: _created, ...record } = put;
    expect(await h.store.getWorkflowVersion('orders')).toEqual(record);
    expect(await h.store.getWorkflowVersion(put.workflowId)).toEqual(record);
  });

  it('returns the newest version unchanged when the hash is the same', async () => {
    const first = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0);
    const same = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0 + 5);
    expect(same).toEqual({ ...first, created: false });
  });

  it('numbers new documents max + 1 under the same workflow id', async () => {
    const v1 = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0);
    const v2 = await h.store.putWorkflowVersion('orders', { v: 2 }, 'h2', T0 + 1);
    const v3 = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0 + 2);
    expect([v2.version, v2.created, v3.version, v3.created]).toEqual([2, true, 3, true]);
    expect(new Set([v1.workflowId, v2.workflowId, v3.workflowId]).size).toBe(1);
    expect((await h.store.getWorkflowVersion('orders'))?.version).toBe(3);
    expect((await h.store.getWorkflowVersion('orders', 2))?.document).toEqual({ v: 2 });
    expect((await h.store.getWorkflowVersion(v1.workflowId, 1))?.hash).toBe('h1');
    expect((await h.store.getWorkflowVersion(v1.workflowId, 1))?.createdAt).toBe(T0);
    expect(await h.store.getWorkflowVersion('orders', 4)).toBeUndefined();
  });

  it('finds the version getWorkflowVersion would return, by id or live name', async () => {
    const v1 = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0);
    await h.store.putWorkflowVersion('orders', { v: 2 }, 'h2', T0 + 1);
    const id = v1.workflowId;
    expect(await h.store.findWorkflowVersion('orders')).toEqual({ workflowId: id, version: 2 });
    expect(await h.store.findWorkflowVersion(id)).toEqual({ workflowId: id, version: 2 });
    expect(await h.store.findWorkflowVersion(id, 1)).toEqual({ workflowId: id, version: 1 });
    expect(await h.store.findWorkflowVersion('orders', 3)).toBeUndefined();
    expect(await h.store.findWorkflowVersion('nope')).toBeUndefined();
    // An exact id wins over a workflow whose name happens to equal it.
    await h.store.putWorkflowVersion(id, { named: true }, 'h3', T0 + 2);
    expect(await h.store.findWorkflowVersion(id)).toEqual({ workflowId: id, version: 2 });
  });

  it('keeps workflows of different names apart', async () => {
    const a = await h.store.putWorkflowVersion('a', { a: 1 }, 'same', T0);
    const b = await h.store.putWorkflowVersion('b', { b: 1 }, 'same', T0);
    expect(b.created).toBe(true);
    expect(b.version).toBe(1);
    expect(a.workflowId).not.toBe(b.workflowId);
    expect((await h.store.getWorkflowVersion('b'))?.document).toEqual({ b: 1 });
    expect(await h.store.getWorkflowVersion('c')).toBeUndefined();
  });

  it('keeps the source text of a version, byte for byte, and returns it with every read', async () => {
    // Comments, blank lines, key order, quoting, a tab, CRLF and non-ASCII: nothing is normalised.
    const text = '# Orders, réglées à 9h\r\nname: orders   # the name\n\n\nsteps:\n\t- { id: a }\n"q": \'x\'\n';
    const put = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0, 'default', text);
    expect(put).toMatchObject({ version: 1, source: text, created: true });
    expect((await h.store.getWorkflowVersion('orders'))?.source).toBe(text);
    expect((await h.store.getWorkflowVersion(put.workflowId, 1))?.source).toBe(text);
    // A JSON document (no text) is a version without a source.
    const json = await h.store.putWorkflowVersion('orders', { v: 2 }, 'h2', T0 + 1);
    expect(json).toMatchObject({ version: 2, source: null });
    expect((await h.store.getWorkflowVersion('orders', 2))?.source).toBeNull();
    expect((await h.store.getWorkflowVersion('orders', 1))?.source).toBe(text);
  });

  it('makes a comment-only edit of the text a new version, and keeps the text of an equal JSON document', async () => {
    const first = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0, 'default', 'v: 1\n');
    const same = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0 + 1, 'default', 'v: 1\n');
    expect(same).toEqual({ ...first, created: false });
    const commented = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0 + 2, 'default', '# why\nv: 1\n');
    expect(commented).toMatchObject({ version: 2, hash: 'h1', source: '# why\nv: 1\n', created: true });
    // The same document sent as JSON repeats the newest version, whose text stays.
    const asJson = await h.store.putWorkflowVersion('orders', { v: 1 }, 'h1', T0 + 3);
    expect(asJson).toMatchObject({ version: 2, source: '# why\nv: 1\n', created: false });
    const guarded = await h.store.putWorkflowVersionIf('orders', { v: 1 }, 'h1', T0 + 4, 2, 'default', 'v: 1 # now\n');
    expect(guarded).toMatchObject({ version: 3, source: 'v: 1 # now\n', created: true });
    expect((await h.store.getWorkflowVersion('orders'))?.source).toBe('v: 1 # now\n');
  });
}
