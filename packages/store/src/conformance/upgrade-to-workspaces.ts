/**
 * The upgrade to workspaces (migration 0050), for both adapters' migration tests: rows written by
 * 0041's schema, and what they must be after 0050 — every one of them in `default`, the user's
 * role now a membership of it. Not a conformance case: a store under test starts empty.
 *
 * In: a table-name prefix (PostgreSQL's schema). Out: the seed SQL, and the checks on a migrated store.
 */
import { expect } from 'vitest';
import type { AtomStore } from '../control/atom-store.js';

const TOKEN_HASH = 'a'.repeat(64);

export function rowsBeforeWorkspaces(prefix = ''): string {
  const t = (table: string) => `${prefix}${table}`;
  return `insert into ${t('users')} (id, email, email_key, role, password_hash, created_at)
      values ('u1', 'ada@example.com', 'ada@example.com', 'admin', null, 1);
    insert into ${t('workflows')} (id, name, created_at, updated_at, changed_at) values ('w1', 'orders', 1, 1, 1);
    insert into ${t('runs')} (id, workflow_id, workflow_name, version, status, trigger, created_at, updated_at)
      values ('r1', 'w1', 'orders', 1, 'queued', '{"kind":"manual"}', 5, 5);
    insert into ${t('api_tokens')} (id, user_id, name, token_hash, created_at) values ('t1', 'u1', 'ci', '${TOKEN_HASH}', 1);
    insert into ${t('invitations')} (id, email, email_key, role, token_hash, created_at, expires_at)
      values ('i1', 'x@example.com', 'x@example.com', 'viewer', '${'b'.repeat(64)}', 1, 1000);`;
}

export async function expectAllInDefault(store: AtomStore): Promise<void> {
  expect(await store.getMembership('default', 'u1')).toBe('admin');
  expect((await store.getUser('u1'))?.role).toBe('admin');
  expect((await store.listMemberships('u1')).map((m) => m.slug)).toEqual(['default']);
  expect((await store.getWorkflowSummary('orders', 'default'))?.workflowId).toBe('w1');
  expect((await store.getRun('r1'))?.workspaceId).toBe('default');
  expect(await store.findApiToken(TOKEN_HASH)).toMatchObject({
    token: { workspaceId: 'default' },
    user: { role: 'admin' },
  });
  expect((await store.listInvitations('default')).map((i) => i.id)).toEqual(['i1']);
}
