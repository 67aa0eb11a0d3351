/**
 * The Studio's login: first-run setup, sessions in httpOnly cookies, CSRF on every state-changing
 * request made with the cookie, logout, expiry, and back-off on failed logins.
 */
import { VirtualClock } from '@atom/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

const WORKFLOW = 'atom: 1\nname: from-the-studio\nsteps:\n  - id: a\n    uses: log\n    with: { message: hi }\n';

function cookieOf(res: Response): string {
  const header = res.headers.get('set-cookie') ?? '';
  return header.split(';')[0] ?? '';
}

describe('sessions', () => {
  const clock = new VirtualClock(Date.parse('2026-05-01T08:00:00Z'));
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServer({
      users: false,
      worker: false,
      clock,
      sessions: { idleMs: 3_600_000, maxAgeMs: 86_400_000 },
    });
  });
  afterAll(async () => h?.close());

  const call = (path: string, init: RequestInit & { cookie?: string; csrf?: string } = {}) => {
    const headers = new Headers(init.headers);
    if (init.cookie) headers.set('cookie', init.cookie);
    if (init.csrf) headers.set('x-csrf-token', init.csrf);
    return fetch(`${h.url}${path}`, { ...init, headers });
  };
  const json = (body: unknown) => ({
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

  let cookie = '';
  let csrf = '';

  it('offers the first-run setup until an owner exists, and logs the owner in', async () => {
    expect(await (await call('/api/v1/auth/setup')).json()).toEqual({ needed: true });
    const weak = await call('/api/v1/auth/setup', json({ email: 'owner@example.test', password: 'short' }));
    expect(weak.status).toBe(400);
    const res = await call('/api/v1/auth/setup', json({ email: 'owner@example.test', password: 'a good passphrase' }));
    expect(res.status).toBe(201);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^atom_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    const body = (await res.json()) as { user: { role: string }; csrfToken: string };
    expect(body.user.role).toBe('owner');
    cookie = cookieOf(res);
    csrf = body.csrfToken;
    expect(await (await call('/api/v1/auth/setup')).json()).toEqual({ needed: false });
    const again = await call(
      '/api/v1/auth/setup',
      json({ email: 'intruder@example.test', password: 'another passphrase' }),
    );
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe('ATOM_ERR_SETUP_DONE');
  });

  it('reads with the cookie alone, but changes nothing without the CSRF token', async () => {
    expect((await call('/api/v1/workflows', { cookie })).status).toBe(200);
    const yaml = { method: 'POST', body: WORKFLOW, headers: { 'content-type': 'application/yaml' } };
    const without = await call('/api/v1/workflows', { ...yaml, cookie });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { code: string }).code).toBe('ATOM_ERR_CSRF');
    const wrong = await call('/api/v1/workflows', { ...yaml, cookie, csrf: `${csrf}x` });
    expect(wrong.status).toBe(403);
    const right = await call('/api/v1/workflows', { ...yaml, cookie, csrf });
    expect(right.status).toBe(201);
    const session = (await (await call('/api/v1/auth/session', { cookie })).json()) as {
      csrfToken: string;
      via: string;
    };
    expect(session).toMatchObject({ via: 'session', csrfToken: csrf });
  });

  it('ends the session on logout: the cookie stops working at once', async () => {
    const login = await call(
      '/api/v1/auth/login',
      json({ email: 'OWNER@example.test', password: 'a good passphrase' }),
    );
    expect(login.status).toBe(200);
    const other = cookieOf(login);
    const otherCsrf = ((await login.json()) as { csrfToken: string }).csrfToken;
    const out = await call('/api/v1/auth/logout', { method: 'POST', cookie: other, csrf: otherCsrf });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('atom_session=;');
    const after = await call('/api/v1/workflows', { cookie: other });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { code: string }).code).toBe('ATOM_ERR_SESSION_EXPIRED');
    expect((await call('/api/v1/workflows', { cookie })).status).toBe(200);
  });

  it('expires a session left idle, and any session past its maximum age', async () => {
    clock.advance(59 * 60_000);
    expect((await call('/api/v1/workflows', { cookie })).status).toBe(200);
    clock.advance(61 * 60_000); // idle 61 minutes since the last use that was recorded
    expect((await call('/api/v1/workflows', { cookie })).status).toBe(401);

    const login = await call(
      '/api/v1/auth/login',
      json({ email: 'owner@example.test', password: 'a good passphrase' }),
    );
    const fresh = cookieOf(login);
    for (let i = 0; i < 25; i++) {
      clock.advance(59 * 60_000);
      const res = await call('/api/v1/workflows', { cookie: fresh });
      if (res.status !== 200) {
        expect(i).toBe(24); // 24 × 59 min < 1 day ≤ 25 × 59 min
        expect(((await res.json()) as { code: string }).code).toBe('ATOM_ERR_SESSION_EXPIRED');
        return;
      }
    }
    throw new Error('the session outlived its maximum age');
  });

  it('answers a wrong password and an unknown email alike, then backs off with 429', async () => {
    const wrong = await call('/api/v1/auth/login', json({ email: 'owner@example.test', password: 'wrong passphrase' }));
    const unknown = await call(
      '/api/v1/auth/login',
      json({ email: 'nobody@example.test', password: 'wrong passphrase' }),
    );
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    const [a, b] = (await Promise.all([wrong.json(), unknown.json()])) as { code: string; detail: string }[];
    expect(a).toMatchObject({ code: 'ATOM_ERR_AUTH_INVALID', detail: b?.detail });
    for (let i = 0; i < 4; i++) {
      await call('/api/v1/auth/login', json({ email: 'owner@example.test', password: 'wrong passphrase' }));
    }
    const throttled = await call(
      '/api/v1/auth/login',
      json({ email: 'owner@example.test', password: 'a good passphrase' }),
    );
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await throttled.json()) as { code: string }).code).toBe('ATOM_ERR_LOGIN_THROTTLED');
  });
});
