/**
 * Members, API tokens and invitations through the API: roles change within the rules (nobody above
 * their own role, only owners for the owner role, never the last owner), removed members lose every
 * credential at once, tokens can be narrowed, expire and be revoked, and an invitation link works
 * exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

const cookieOf = (header: string | null) => (header ?? '').split(';')[0] ?? '';

describe('members, tokens and invitations', () => {
  let h: ServerHarness;
  const idOf: Record<string, string> = {};

  beforeAll(async () => {
    h = await startServer({ worker: false, scheduler: false });
    const members = await h.api('/api/v1/members', { token: h.tokens.viewer });
    expect(members.status).toBe(200);
    for (const m of members.json.items) idOf[m.email.split('@')[0]] = m.id;
  });
  afterAll(async () => {
    await h?.close();
  });

  it('lists members to everyone, and lets only admins and owners change them', async () => {
    const list = await h.api('/api/v1/members', { token: h.tokens.operator });
    expect(list.json.items.map((m: { role: string }) => m.role).sort()).toEqual(
      ['admin', 'editor', 'operator', 'owner', 'viewer'].sort(),
    );
    const byEditor = await h.api(`/api/v1/members/${idOf.viewer}`, {
      method: 'PATCH',
      body: { role: 'operator' },
      token: h.tokens.editor,
    });
    expect(byEditor.status).toBe(403);
    expect(byEditor.json.code).toBe('ATOM_ERR_FORBIDDEN');
    const byAdmin = await h.api(`/api/v1/members/${idOf.viewer}`, {
      method: 'PATCH',
      body: { role: 'operator' },
      token: h.tokens.admin,
    });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.json.role).toBe('operator');
    // The change applies to the member's next request, through the token they already hold.
    expect(
      (await h.api('/api/v1/events', { method: 'POST', body: { name: 'x' }, token: h.tokens.viewer })).status,
    ).toBe(202);
    await h.api(`/api/v1/members/${idOf.viewer}`, { method: 'PATCH', body: { role: 'viewer' }, token: h.tokens.admin });
  });

  it('keeps the owner role to owners, and never leaves the workspace without one', async () => {
    const grant = await h.api(`/api/v1/members/${idOf.editor}`, {
      method: 'PATCH',
      body: { role: 'owner' },
      token: h.tokens.admin,
    });
    expect(grant.status).toBe(403);
    expect(grant.json.code).toBe('ATOM_ERR_ROLE_TOO_HIGH');
    const demoteOwner = await h.api(`/api/v1/members/${idOf.owner}`, {
      method: 'PATCH',
      body: { role: 'viewer' },
      token: h.tokens.admin,
    });
    expect(demoteOwner.json.code).toBe('ATOM_ERR_ROLE_TOO_HIGH');
    const lastOwner = await h.api(`/api/v1/members/${idOf.owner}`, { method: 'PATCH', body: { role: 'admin' } });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.json.code).toBe('ATOM_ERR_MEMBER_LAST_OWNER');
    const removeSelf = await h.api(`/api/v1/members/${idOf.owner}`, { method: 'DELETE' });
    expect(removeSelf.json.code).toBe('ATOM_ERR_MEMBER_LAST_OWNER');
    expect((await h.api('/api/v1/members/nobody', { method: 'DELETE' })).json.code).toBe('ATOM_ERR_USER_NOT_FOUND');
    expect((await h.store.getUser(idOf.owner as string))?.role).toBe('owner');
  });

  it('creates narrowed and expiring tokens, shows each once, and revokes them at once', async () => {
    const created = await h.api('/api/v1/tokens', {
      method: 'POST',
      body: { name: 'ci', role: 'viewer', expiresInDays: 30 },
      token: h.tokens.editor,
    });
    expect(created.status).toBe(201);
    const { token, id } = created.json;
    expect(token).toMatch(/^atom_/);
    expect(created.json.role).toBe('viewer');
    expect(Date.parse(created.json.expiresAt) - Date.parse(created.json.createdAt)).toBe(30 * 86_400_000);
    // Narrowed to viewer: reads, but cannot write workflows although its user could.
    expect((await h.api('/api/v1/workflows', { token })).status).toBe(200);
    const write = await h.api('/api/v1/workflows', {
      method: 'POST',
      body: { atom: 1, name: 'narrow', steps: [{ id: 'a', uses: 'log', with: { message: 'x' } }] },
      token,
    });
    expect(write.status).toBe(403);
    expect(write.json.detail).toContain('viewer');
    // A narrowed token makes tokens no wider than itself.
    const wider = await h.api('/api/v1/tokens', { method: 'POST', body: { name: 'w', role: 'editor' }, token });
    expect(wider.json.code).toBe('ATOM_ERR_ROLE_TOO_HIGH');
    const above = await h.api('/api/v1/tokens', {
      method: 'POST',
      body: { name: 'x', role: 'admin' },
      token: h.tokens.editor,
    });
    expect(above.status).toBe(403);
    expect(above.json.code).toBe('ATOM_ERR_ROLE_TOO_HIGH');

    const mine = await h.api('/api/v1/tokens', { token: h.tokens.editor });
    expect(mine.text).not.toContain(token);
    expect(mine.json.items.map((t: { name: string }) => t.name)).toEqual(['ci', 'editor token']);
    expect((await h.api('/api/v1/tokens?all=true', { token: h.tokens.editor })).status).toBe(403);
    expect((await h.api('/api/v1/tokens?all=true', { token: h.tokens.admin })).json.items.length).toBeGreaterThan(5);
    // Someone else's token is not there to revoke, unless one manages members.
    expect((await h.api(`/api/v1/tokens/${id}`, { method: 'DELETE', token: h.tokens.operator })).json.code).toBe(
      'ATOM_ERR_TOKEN_NOT_FOUND',
    );
    expect((await h.api(`/api/v1/tokens/${id}`, { method: 'DELETE', token: h.tokens.editor })).status).toBe(204);
    const after = await h.api('/api/v1/workflows', { token });
    expect(after.status).toBe(401);
    expect(after.json.detail).toContain('revoked');
    expect((await h.api(`/api/v1/tokens/${id}`, { method: 'DELETE', token: h.tokens.editor })).status).toBe(404);
    const actions = (await h.api('/api/v1/audit')).json.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['apiToken.create', 'apiToken.revoke', 'member.role']));
  });

  it('invites with a single-use link that logs the new member in', async () => {
    const tooHigh = await h.api('/api/v1/invitations', {
      method: 'POST',
      body: { email: 'new@example.test', role: 'owner' },
      token: h.tokens.admin,
    });
    expect(tooHigh.json.code).toBe('ATOM_ERR_ROLE_TOO_HIGH');
    const taken = await h.api('/api/v1/invitations', {
      method: 'POST',
      body: { email: 'VIEWER@example.test', role: 'viewer' },
    });
    expect(taken.json.code).toBe('ATOM_ERR_USER_EXISTS');
    const invited = await h.api('/api/v1/invitations', {
      method: 'POST',
      body: { email: 'new@example.test', role: 'operator' },
      token: h.tokens.admin,
    });
    expect(invited.status).toBe(201);
    const { token, path } = invited.json;
    expect(path).toBe(`/invite#${token}`);
    expect((await h.api('/api/v1/invitations')).text).not.toContain(token);

    const offer = await h.api('/api/v1/auth/invitation', { method: 'POST', body: { token }, token: null });
    expect(offer.json).toMatchObject({ email: 'new@example.test', role: 'operator' });
    const short = await h.api('/api/v1/auth/invitation/accept', {
      method: 'POST',
      body: { token, password: 'short' },
      token: null,
    });
    expect(short.status).toBe(400);
    const accepted = await h.api('/api/v1/auth/invitation/accept', {
      method: 'POST',
      body: { token, password: 'a long password' },
      token: null,
    });
    expect(accepted.status).toBe(201);
    expect(accepted.json.user).toMatchObject({ email: 'new@example.test', role: 'operator' });
    const cookie = cookieOf(accepted.headers.get('set-cookie'));
    const session = await h.api('/api/v1/auth/session', { headers: { cookie }, token: null });
    expect(session.json.user.email).toBe('new@example.test');

    const again = await h.api('/api/v1/auth/invitation/accept', {
      method: 'POST',
      body: { token, password: 'a long password' },
      token: null,
    });
    expect(again.status).toBe(404);
    expect(again.json.code).toBe('ATOM_ERR_INVITATION_INVALID');
    const listed = (await h.api('/api/v1/invitations')).json.items;
    expect(listed[0]).toMatchObject({ email: 'new@example.test', status: 'accepted' });
  });

  it('refuses a revoked or unknown invitation, and removing a member ends their access', async () => {
    const invited = await h.api('/api/v1/invitations', {
      method: 'POST',
      body: { email: 'late@example.test', role: 'viewer' },
    });
    expect((await h.api(`/api/v1/invitations/${invited.json.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await h.api(`/api/v1/invitations/${invited.json.id}`, { method: 'DELETE' })).status).toBe(404);
    for (const token of [invited.json.token, 'inv_unknown']) {
      const accept = await h.api('/api/v1/auth/invitation/accept', {
        method: 'POST',
        body: { token, password: 'a long password' },
        token: null,
      });
      expect(accept.json.code).toBe('ATOM_ERR_INVITATION_INVALID');
    }
    expect(await h.store.getUserByEmail('late@example.test')).toBeUndefined();

    expect((await h.api(`/api/v1/members/${idOf.operator}`, { method: 'DELETE', token: h.tokens.admin })).status).toBe(
      204,
    );
    const gone = await h.api('/api/v1/runs', { token: h.tokens.operator });
    expect(gone.status).toBe(401);
    const audit = (await h.api('/api/v1/audit')).json.items.map((e: { action: string }) => e.action);
    expect(audit).toEqual(
      expect.arrayContaining(['invitation.create', 'invitation.accept', 'invitation.revoke', 'member.remove']),
    );
  });
});
