/**
 * SessionStore cases: a session is found by its token hash with its user, touched forward only,
 * revoked once, and all of a user's sessions end together.
 */
import { expect, it } from 'vitest';
import { T0 } from './fixtures.js';
import type { StoreHarness } from './store-conformance.js';

const session = (id: string, userId: string, tokenHash: string) => ({
  id,
  userId,
  tokenHash,
  createdAt: T0,
  lastSeenAt: T0,
  revokedAt: null,
  ip: '127.0.0.1',
  userAgent: 'test',
});

export function sessionCases(h: StoreHarness): void {
  it('finds a session by its token hash, with its user', async () => {
    await h.store.createUser({ id: 'u1', email: 'Ada@Example.test', role: 'editor', passwordHash: 'x', createdAt: T0 });
    await h.store.createSession(session('s1', 'u1', 'hash-1'));
    const found = await h.store.findSession('hash-1');
    expect(found).toEqual({
      session: session('s1', 'u1', 'hash-1'),
      user: { id: 'u1', email: 'Ada@Example.test', role: 'editor', passwordHash: 'x', createdAt: T0 },
    });
    expect(await h.store.findSession('hash-2')).toBeUndefined();
  });

  it('touches forward only, revokes once, and ends all of a user’s sessions', async () => {
    await h.store.createUser({ id: 'u1', email: 'a@x.test', role: 'viewer', passwordHash: null, createdAt: T0 });
    await h.store.createUser({ id: 'u2', email: 'b@x.test', role: 'viewer', passwordHash: null, createdAt: T0 });
    for (const [id, user] of [
      ['s1', 'u1'],
      ['s2', 'u1'],
      ['s3', 'u2'],
    ] as const) {
      await h.store.createSession(session(id, user, `hash-${id}`));
    }
    await h.store.touchSession('s1', T0 + 50);
    await h.store.touchSession('s1', T0 + 10);
    expect((await h.store.findSession('hash-s1'))?.session.lastSeenAt).toBe(T0 + 50);
    expect(await h.store.revokeSession('s1', T0 + 60)).toBe(true);
    expect(await h.store.revokeSession('s1', T0 + 70)).toBe(false);
    expect((await h.store.findSession('hash-s1'))?.session.revokedAt).toBe(T0 + 60);
    expect(await h.store.revokeUserSessions('u1', T0 + 80)).toBe(1);
    expect((await h.store.findSession('hash-s2'))?.session.revokedAt).toBe(T0 + 80);
    expect((await h.store.findSession('hash-s3'))?.session.revokedAt).toBeNull();
  });
}
