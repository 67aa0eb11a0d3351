/**
 * Conformance cases for MemberStore: roles change and members leave but an owner always remains,
 * tokens carry their role and are revoked once, and an invitation is accepted at most once and
 * never after it expired or was revoked.
 */
import { expect, it } from 'vitest';
import type { UserRecord } from '../control/control-store.js';
import type { InvitationRecord } from '../control/member-store.js';
import { T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';
import { ADA, TOKEN } from './user-cases.js';

const GRACE: UserRecord = { ...ADA, id: 'u-2', email: 'grace@example.com', role: 'editor', createdAt: T0 + 1 };

const INVITATION: InvitationRecord = {
  id: 'i-1',
  workspaceId: 'default',
  email: 'Linus@Example.com',
  role: 'operator',
  tokenHash: 'd'.repeat(64),
  invitedBy: 'u-1',
  createdAt: T0,
  expiresAt: T0 + 1000,
  acceptedAt: null,
  revokedAt: null,
};

export function memberCases(h: StoreHarness): void {
  it('lists members oldest first and changes a role, but never takes the last owner away', async () => {
    await h.store.createUser(GRACE);
    await h.store.createUser(ADA);
    expect((await h.store.listUsers('default')).map((u) => u.id)).toEqual(['u-1', 'u-2']);
    expect(await h.store.setUserRole('default', 'u-1', 'admin')).toBe('last-owner');
    expect(await h.store.deleteUser('default', 'u-1')).toBe('last-owner');
    expect(await h.store.setUserRole('default', 'u-1', 'owner')).toBe('changed');
    expect(await h.store.setUserRole('default', 'u-2', 'owner')).toBe('changed');
    expect(await h.store.setUserRole('default', 'u-1', 'viewer')).toBe('changed');
    expect(await h.store.setUserRole('default', 'nobody', 'viewer')).toBe('not-found');
    expect((await h.store.getUser('u-1'))?.role).toBe('viewer');
    expect(await h.store.setUserRole('default', 'u-2', 'admin')).toBe('last-owner');
    expect((await h.store.getUser('u-2'))?.role).toBe('owner');
  });

  it('keeps one owner when the last two owners are demoted or removed at the same instant', async () => {
    await h.store.createUser(ADA);
    await h.store.createUser({ ...GRACE, role: 'owner' });
    for (let round = 0; round < 10; round++) {
      const changes = await Promise.all(
        round % 2 === 0
          ? [h.store.setUserRole('default', 'u-1', 'admin'), h.store.setUserRole('default', 'u-2', 'admin')]
          : [h.store.deleteUser('default', 'u-1'), h.store.setUserRole('default', 'u-2', 'viewer')],
      );
      expect(changes.filter((c) => c === 'changed')).toHaveLength(1);
      expect((await h.store.listUsers('default')).filter((u) => u.role === 'owner')).toHaveLength(1);
      if ((await h.store.getUser('u-1')) === undefined) await h.store.createUser(ADA);
      await h.store.setUserRole('default', 'u-1', 'owner');
      await h.store.setUserRole('default', 'u-2', 'owner');
    }
  });

  it('removes a member with their tokens and sessions', async () => {
    await h.store.createUser(ADA);
    await h.store.createUser(GRACE);
    await h.store.createApiToken({ ...TOKEN, userId: 'u-2' });
    await h.store.createSession({
      id: 's-1',
      userId: 'u-2',
      tokenHash: 'e'.repeat(64),
      createdAt: T0,
      lastSeenAt: T0,
      revokedAt: null,
      ip: null,
      userAgent: null,
    });
    expect(await h.store.deleteUser('default', 'u-2')).toBe('changed');
    expect(await h.store.deleteUser('default', 'u-2')).toBe('not-found');
    expect(await h.store.findApiToken(TOKEN.tokenHash)).toBeUndefined();
    expect(await h.store.findSession('e'.repeat(64))).toBeUndefined();
    expect((await h.store.listUsers('default')).map((u) => u.id)).toEqual(['u-1']);
  });

  it('keeps a token role, lists tokens newest first, and revokes a token once', async () => {
    await h.store.createUser(ADA);
    await h.store.createUser(GRACE);
    const narrow = { ...TOKEN, id: 't-2', tokenHash: 'b'.repeat(64), role: 'viewer' as const, createdAt: T0 + 5 };
    const other = { ...TOKEN, id: 't-3', userId: 'u-2', tokenHash: 'c'.repeat(64), createdAt: T0 + 9 };
    await h.store.createApiToken(TOKEN);
    await h.store.createApiToken(narrow);
    await h.store.createApiToken(other);
    expect((await h.store.findApiToken(narrow.tokenHash))?.token.role).toBe('viewer');
    expect(await h.store.getApiToken('t-2')).toEqual(narrow);
    expect(await h.store.getApiToken('nope')).toBeUndefined();
    expect((await h.store.listApiTokens('default', 'u-1')).map((t) => t.id)).toEqual(['t-2', 't-1']);
    expect((await h.store.listApiTokens('default')).map((t) => t.id)).toEqual(['t-3', 't-2', 't-1']);
    expect(await h.store.revokeApiToken('t-2', T0 + 20)).toBe(true);
    expect(await h.store.revokeApiToken('t-2', T0 + 30)).toBe(false);
    expect(await h.store.revokeApiToken('nope', T0 + 30)).toBe(false);
    expect((await h.store.findApiToken(narrow.tokenHash))?.token.revokedAt).toBe(T0 + 20);
  });

  it('accepts an invitation once, and never after it expired or was revoked', async () => {
    await h.store.createInvitation(INVITATION);
    const second = { ...INVITATION, id: 'i-2', tokenHash: 'f'.repeat(64), createdAt: T0 + 1 };
    await h.store.createInvitation(second);
    expect(await h.store.findInvitation(INVITATION.tokenHash)).toEqual(INVITATION);
    expect(await h.store.findInvitation('0'.repeat(64))).toBeUndefined();
    expect((await h.store.listInvitations('default')).map((i) => i.id)).toEqual(['i-2', 'i-1']);
    expect(await h.store.markInvitationAccepted('i-1', T0 + 1000)).toBe(false);
    expect(await h.store.markInvitationAccepted('i-1', T0 + 10)).toBe(true);
    expect(await h.store.markInvitationAccepted('i-1', T0 + 11)).toBe(false);
    expect(await h.store.revokeInvitation('default', 'i-1', T0 + 12)).toBe(false);
    expect(await h.store.revokeInvitation('default', 'i-2', T0 + 12)).toBe(true);
    expect(await h.store.markInvitationAccepted('i-2', T0 + 13)).toBe(false);
    expect(await h.store.findInvitation(second.tokenHash)).toMatchObject({ revokedAt: T0 + 12, acceptedAt: null });
    await expect(h.store.createInvitation({ ...INVITATION, id: 'i-3' })).rejects.toThrow();
  });
}
