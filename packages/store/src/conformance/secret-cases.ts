/**
 * SecretStore cases: sealed secrets and variables per workspace, upserts that say whether they
 * created, listings without values, and the compare-and-set rotation uses.
 */
import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export function secretCases(h: StoreHarness): void {
  it('keeps sealed secrets per workspace and lists them without values', async () => {
    expect(await h.store.putSecret({ workspaceId: 'w1', name: 'B', sealed: 'v1.b', now: T0 })).toBe(true);
    expect(await h.store.putSecret({ workspaceId: 'w1', name: 'A', sealed: 'v1.a', now: T0 })).toBe(true);
    expect(await h.store.putSecret({ workspaceId: 'w2', name: 'A', sealed: 'v1.other', now: T0 })).toBe(true);
    expect(await h.store.putSecret({ workspaceId: 'w1', name: 'A', sealed: 'v1.a2', now: T0 + 5 })).toBe(false);
    expect(await h.store.listSecrets('w1')).toEqual([
      { workspaceId: 'w1', name: 'A', createdAt: T0, updatedAt: T0 + 5 },
      { workspaceId: 'w1', name: 'B', createdAt: T0, updatedAt: T0 },
    ]);
    expect((await h.store.sealedSecrets('w1')).map((s) => [s.name, s.sealed])).toEqual([
      ['A', 'v1.a2'],
      ['B', 'v1.b'],
    ]);
    expect((await h.store.allSealedSecrets()).map((s) => `${s.workspaceId}/${s.name}`)).toEqual([
      'w1/A',
      'w1/B',
      'w2/A',
    ]);
    expect(await h.store.deleteSecret('w1', 'B')).toBe(true);
    expect(await h.store.deleteSecret('w1', 'B')).toBe(false);
    expect((await h.store.listSecrets('w1')).map((s) => s.name)).toEqual(['A']);
  });

  it('reseals only a value that did not change meanwhile', async () => {
    await h.store.putSecret({ workspaceId: 'w', name: 'K', sealed: 'old', now: T0 });
    expect(await h.store.resealSecret('w', 'K', 'stale', 'new')).toBe(false);
    expect(await h.store.resealSecret('w', 'K', 'old', 'new')).toBe(true);
    expect((await h.store.sealedSecrets('w'))[0]?.sealed).toBe('new');
  });

  it('keeps variables per workspace', async () => {
    expect(await h.store.putVariable({ workspaceId: 'w', name: 'LIST', value: 'a', updatedAt: T0 })).toBe(true);
    expect(await h.store.putVariable({ workspaceId: 'w', name: 'LIST', value: 'b', updatedAt: T0 + 1 })).toBe(false);
    expect(await h.store.listVariables('w')).toEqual([
      { workspaceId: 'w', name: 'LIST', value: 'b', updatedAt: T0 + 1 },
    ]);
    expect(await h.store.listVariables('other')).toEqual([]);
    expect(await h.store.deleteVariable('w', 'LIST')).toBe(true);
    expect(await h.store.listVariables('w')).toEqual([]);
  });
}
