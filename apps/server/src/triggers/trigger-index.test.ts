/**
 * The trigger index on a real SQLite store: a periodic check reads the catalogue's stamp and
 * reloads only when it changed (or the last full reload is a minute old).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AtomStore, createSqliteStore } from '@atom/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TriggerIndex } from './trigger-index.js';

const hooked = (path: string) => ({ atom: 1, name: 'hooked', triggers: [{ webhook: { path } }], steps: [] });

describe('TriggerIndex', () => {
  let dir: string;
  let store: AtomStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atom-triggers-'));
    store = createSqliteStore({ file: join(dir, 'atom.db') });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('reloads on a periodic check only when the catalogue changed, and fully every minute', async () => {
    let now = 1_000_000;
    const index = new TriggerIndex(store, () => now);
    await store.putWorkflowVersion('hooked', hooked('orders'), 'h1', now);
    await index.refresh();
    expect(index.hookOwner('default', 'orders')?.workflowName).toBe('hooked');

    now += 5_000;
    expect(await index.refreshIfChanged()).toBe(false);
    // Saved by another process, at the same millisecond as the first version.
    await store.putWorkflowVersion('hooked', hooked('invoices'), 'h2', 1_000_000);
    expect(await index.refreshIfChanged()).toBe(true);
    expect(index.hookOwner('default', 'orders')).toBeUndefined();
    expect(index.hookOwner('default', 'invoices')?.version).toBe(2);
    expect(await index.refreshIfChanged()).toBe(false);

    now += 60_000;
    expect(await index.refreshIfChanged()).toBe(true);
    expect(await index.refreshIfChanged()).toBe(false);
  });

  it('looks again, by the stamp, when a webhook path is not found', async () => {
    const now = 2_000_000;
    const index = new TriggerIndex(store, () => now);
    await index.refresh();
    await store.putWorkflowVersion('hooked', hooked('late'), 'h1', now);
    expect((await index.hook('default', 'late', now))?.workflowName).toBe('hooked');
  });
});
