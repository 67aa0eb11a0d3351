/**
 * Conformance cases for users and API tokens (ControlStore): round trips, emails unique whatever
 * their case, tokens found by hash with their user.
 */
import { expect, it } from 'vitest';
import type { ApiTokenRecord, UserRecord } from '../control/control-store.js';
import { T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

export const ADA: UserRecord = {
  id: 'u-1',
  email: 'Ada@Example.com',
  role: 'owner',
  passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
  createdAt: T0,
};

export const TOKEN: ApiTokenRecord = {
  id: 't-1',
  userId: 'u-1',
  workspaceId: 'default',
  name: 'ci',
  tokenHash: 'a'.repeat(64),
  role: null,
  createdAt: T0,
  expiresAt: null,
  lastUsedAt: null,
  revokedAt: null,
};

export function userCases(h: StoreHarness): void {
  it('stores users and finds them by id and by email in any case', async () => {
    expect(await h.store.countUsers()).toBe(0);
    await h.store.createUser(ADA);
    const sso: UserRecord = {
      id: 'u-2',
      email: 'grace@example.com',
      role: 'viewer',
      passwordHash: null,
      createdAt: T0,
    };
    await h.store.createUser(sso);
    expect(await h.store.countUsers()).toBe(2);
    expect(await h.store.getUser('u-1')).toEqual(ADA);
    expect(await h.store.getUser('u-2')).toEqual(sso);
    expect(await h.store.getUserByEmail('ada@example.COM')).toEqual(ADA);
    expect(await h.store.getUserByEmail('nobody@example.com')).toBeUndefined();
    expect(await h.store.getUser('nope')).toBeUndefined();
  });

  it('refuses a second user with the same email in another case', async () => {
    await h.store.createUser(ADA);
    await expect(h.store.createUser({ ...ADA, id: 'u-9', email: 'ADA@example.com' })).rejects.toMatchObject({
      code: 'ATOM_ERR_USER_EXISTS',
    });
    expect(await h.store.countUsers()).toBe(1);
    expect(await h.store.getUser('u-9')).toBeUndefined();
  });

  it('finds a token by its hash with its user, whatever its state, and records its use', async () => {
    await h.store.createUser(ADA);
    await h.store.createApiToken(TOKEN);
    const revoked = { ...TOKEN, id: 't-2', tokenHash: 'b'.repeat(64), expiresAt: T0 + 10, revokedAt: T0 + 5 };
    await h.store.createApiToken(revoked);
    expect(await h.store.findApiToken(TOKEN.tokenHash)).toEqual({ token: TOKEN, user: ADA });
    expect(await h.store.findApiToken(revoked.tokenHash)).toEqual({ token: revoked, user: ADA });
    expect(await h.store.findApiToken('c'.repeat(64))).toBeUndefined();
    await h.store.touchApiToken(TOKEN.id, T0 + 100);
    expect((await h.store.findApiToken(TOKEN.tokenHash))?.token.lastUsedAt).toBe(T0 + 100);
    expect((await h.store.findApiToken(revoked.tokenHash))?.token.lastUsedAt).toBeNull();
  });

  it('refuses a token of an unknown user or with a hash already stored', async () => {
    await expect(h.store.createApiToken({ ...TOKEN, userId: 'nobody' })).rejects.toThrow();
    await h.store.createUser(ADA);
    await h.store.createApiToken(TOKEN);
    await expect(h.store.createApiToken({ ...TOKEN, id: 't-3' })).rejects.toThrow();
  });
}
