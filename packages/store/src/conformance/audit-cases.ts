/**
 * AuditStore cases: rows kept exactly, in seq order, one writer per position.
 */
import { expect, it } from 'vitest';
import type { AuditRow } from '../control/audit-store.js';
import { T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const row = (seq: number, workspaceId = 'w'): AuditRow => ({
  workspaceId,
  seq,
  at: T0 + seq,
  actor: { type: 'user', id: 'u1', email: 'a@x.test' },
  action: 'workflow.update',
  target: { type: 'workflow', id: 'wf', name: 'orders' },
  source: { ip: '127.0.0.1', userAgent: null },
  data: seq === 2 ? null : { version: seq, nested: { list: [1, 'two', true] } },
  prevHash: `prev-${seq}`,
  hash: `hash-${seq}`,
});

export function auditCases(h: StoreHarness): void {
  it('appends rows, reads them back in order, and knows the head', async () => {
    expect(await h.store.auditHead('w')).toBeUndefined();
    for (const seq of [1, 2, 3]) expect(await h.store.appendAudit(row(seq))).toBe(true);
    expect(await h.store.appendAudit(row(1, 'other'))).toBe(true);
    expect(await h.store.auditHead('w')).toEqual({ seq: 3, hash: 'hash-3' });
    expect(await h.store.listAudit('w', 0, 10)).toEqual([row(1), row(2), row(3)]);
    expect(await h.store.listAudit('w', 1, 1)).toEqual([row(2)]);
    expect(await h.store.listAudit('other', 0, 10)).toEqual([row(1, 'other')]);
  });

  it('lets one of two writers take a position', async () => {
    const results = await Promise.all([h.store.appendAudit(row(1)), h.store.appendAudit({ ...row(1), hash: 'other' })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await h.store.listAudit('w', 0, 10)).toHaveLength(1);
  });
}
