/**
 * Single sign-on against a real OpenID provider: `oidc-provider` 8 on 127.0.0.1 with a static
 * confidential client and a few accounts. The provider's login and consent screens are replaced by
 * an interaction route that approves at once, as the account the test picked (`interactionFinished`
 * is the provider's own API for ending an interaction), so the test drives the whole redirect chain
 * with fetch and two cookie jars, without parsing HTML.
 *
 * Atom is configured with the public redirect URL http://127.0.0.1:5058/…, as behind a proxy: when
 * the provider sends the browser there, the test delivers the same query to the harness's port.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

const CALLBACK = 'http://127.0.0.1:5058/api/v1/auth/oidc/callback';
const CLIENT = { id: 'atom-studio', secret: 'a client secret that is long enough' };
const ACCOUNTS: Record<string, { email: string; email_verified: boolean; groups: string[] }> = {
  ada: { email: 'ada@example.test', email_verified: true, groups: ['staff', 'atom-editors'] },
  root: { email: 'root@example.test', email_verified: true, groups: ['atom-editors', 'atom-admins'] },
  guest: { email: 'guest@example.test', email_verified: true, groups: ['staff'] },
  mallory: { email: 'owner@example.test', email_verified: false, groups: ['atom-admins'] },
};

/** Cookies of one site, whatever their path (enough for these flows). */
class CookieJar {
  readonly #values = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';')[0] ?? '';
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.#values.delete(name);
      else this.#values.set(name, value);
    }
  }
  get(name: string): string | undefined {
    return this.#values.get(name);
  }
  header(): string {
    return [...this.#values].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

describe('single sign-on (OIDC)', () => {
  let idp: Server;
  let issuer = '';
  let provider: Provider;
  let nextAccount = 'ada';
  let h: ServerHarness;
  let strict: ServerHarness;

  /** The provider's interaction screens: log in as `nextAccount`, consent to whatever is asked. */
  async function interact(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: nextAccount } },
        {
          mergeWithLastSubmission: false,
        },
      );
      return;
    }
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session?.accountId, clientId: details.params.client_id as string });
    if (!grant) throw new Error('no grant');
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  beforeAll(async () => {
    idp = createHttpServer((req, res) => {
      if (req.url?.startsWith('/interaction/')) {
        interact(req, res).catch((error: unknown) => {
          res.statusCode = 500;
          res.end(String(error));
        });
        return;
      }
      provider.callback()(req, res);
    });
    await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    provider = new Provider(issuer, {
      clients: [
        {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          redirect_uris: [CALLBACK],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], groups: ['groups'] },
      findAccount: (_ctx, sub) => {
        const account = ACCOUNTS[sub];
        return account ? { accountId: sub, claims: () => ({ sub, ...account }) } : undefined;
      },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      features: { devInteractions: { enabled: false } },
      pkce: { required: () => true },
      cookies: { keys: ['a cookie signing key for the test provider'] },
      ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
    });
    const oidc = {
      issuer,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      redirectUrl: CALLBACK,
      scopes: ['openid', 'email', 'groups'],
      roleMap: { 'atom-admins': 'admin', 'atom-editors': 'editor' },
    } as const;
    h = await startServer({ worker: false, oidc });
    strict = await startServer({ worker: false, oidc: { ...oidc, defaultRole: 'none' } });
  });
  afterAll(async () => {
    await h?.close();
    await strict?.close();
    await new Promise((resolve) => idp?.close(resolve));
  });

  /** Follows the redirects of a login until the provider sends the browser to Atom's callback. */
  async function toCallback(atom: ServerHarness, account: string, returnTo?: string) {
    nextAccount = account;
    const atomJar = new CookieJar();
    const idpJar = new CookieJar();
    const query = returnTo === undefined ? '' : `?returnTo=${encodeURIComponent(returnTo)}`;
    const start = await fetch(`${atom.url}/api/v1/auth/oidc/login${query}`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    atomJar.take(start);
    let location = start.headers.get('location') ?? '';
    const authorize = new URL(location);
    expect(authorize.origin).toBe(issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    for (let hop = 0; hop < 12; hop++) {
      if (location.startsWith(`${CALLBACK}?`)) {
        // The proxy in front of Atom: same path and query, the harness's port.
        return {
          callback: `${atom.url}${location.slice(CALLBACK.length - '/api/v1/auth/oidc/callback'.length)}`,
          atomJar,
        };
      }
      const res = await fetch(new URL(location, issuer), { redirect: 'manual', headers: { cookie: idpJar.header() } });
      idpJar.take(res);
      location = res.headers.get('location') ?? '';
      if (!location) throw new Error(`the provider answered ${res.status}: ${await res.text()}`);
    }
    throw new Error('too many redirects');
  }

  async function callback(url: string, jar: CookieJar) {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(res);
    return res;
  }

  async function login(atom: ServerHarness, account: string, returnTo?: string) {
    const { callback: url, atomJar } = await toCallback(atom, account, returnTo);
    const res = await callback(url, atomJar);
    return { res, url, atomJar };
  }

  async function sessionOf(atom: ServerHarness, jar: CookieJar) {
    const res = await fetch(`${atom.url}/api/v1/auth/session`, {
      headers: { cookie: `atom_session=${jar.get('atom_session')}` },
    });
    return {
      status: res.status,
      body: (await res.json()) as { user: { id: string; email: string; role: string } } & Record<string, string>,
    };
  }

  let adaId = '';
  let replay: { url: string; atomJar: CookieJar };

  it('creates the user at the first login with the mapped role, and opens a working session', async () => {
    expect(await h.store.getUserByEmail('ada@example.test')).toBeUndefined();
    const { res, url, atomJar } = await login(h, 'ada', '/workflows?view=mine');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/workflows?view=mine');
    expect(res.headers.getSetCookie().join('\n')).toMatch(/atom_session=[A-Za-z0-9_-]{43};.*HttpOnly.*SameSite=Lax/s);
    const user = await h.store.getUserByEmail('ada@example.test');
    expect(user).toMatchObject({ role: 'editor', passwordHash: null });
    adaId = user?.id ?? '';
    const session = await sessionOf(h, atomJar);
    expect(session.status).toBe(200);
    expect(session.body).toMatchObject({
      via: 'session',
      user: { id: adaId, email: 'ada@example.test', role: 'editor' },
    });
    // The session works like a password login's: with its CSRF token, an editor may write.
    const created = await fetch(`${h.url}/api/v1/workflows`, {
      method: 'POST',
      body: 'atom: 1\nname: from-sso\nsteps:\n  - id: a\n    uses: log\n    with: { message: hi }\n',
      headers: {
        'content-type': 'application/yaml',
        cookie: `atom_session=${atomJar.get('atom_session')}`,
        'x-csrf-token': session.body.csrfToken ?? '',
      },
    });
    expect(created.status).toBe(201);
    replay = { url, atomJar };
  });

  it('reuses the user at the next login', async () => {
    const users = await h.store.countUsers();
    const { res, atomJar } = await login(h, 'ada');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/');
    expect(await h.store.countUsers()).toBe(users);
    expect((await sessionOf(h, atomJar)).body.user.id).toBe(adaId);
  });

  it('gives the strongest mapped role, or the default role to a user in no mapped group', async () => {
    const root = await login(h, 'root');
    expect(root.res.status).toBe(302);
    expect((await sessionOf(h, root.atomJar)).body.user.role).toBe('admin');
    const guest = await login(h, 'guest');
    expect(guest.res.status).toBe(302);
    expect((await sessionOf(h, guest.atomJar)).body.user.role).toBe('viewer');
  });

  it('refuses a replayed callback, a wrong state and a callback without its cookie (401)', async () => {
    const replayed = await callback(replay.url, replay.atomJar);
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('content-type')).toContain('application/problem+json');
    expect(((await replayed.json()) as { code: string }).code).toBe('ATOM_ERR_AUTH_INVALID');

    const fresh = await toCallback(h, 'ada');
    const forged = new URL(fresh.callback);
    forged.searchParams.set('state', 'not-the-state-atom-sent');
    const wrong = await callback(forged.href, fresh.atomJar);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: 'ATOM_ERR_AUTH_INVALID', detail: expect.stringMatching(/state/) });
    // A refused answer used the login up: the genuine callback cannot follow it.
    expect((await callback(fresh.callback, fresh.atomJar)).status).toBe(401);

    const other = await toCallback(h, 'ada');
    expect((await callback(other.callback, new CookieJar())).status).toBe(401);
  });

  it('refuses an email the provider has not verified, so it cannot take over a local account', async () => {
    const { res } = await login(h, 'mallory');
    expect(res.status).toBe(401);
    expect(((await res.clone().json()) as { detail: string }).detail).toContain('not verified');
    expect(res.headers.getSetCookie().some((line) => line.startsWith('atom_session='))).toBe(false);
  });

  it('lands only on a path of its own origin', async () => {
    for (const returnTo of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const { res } = await login(h, 'ada', returnTo);
      expect(res.headers.get('location')).toBe('/');
    }
  });

  it('records successful and refused single sign-ons in the audit log', async () => {
    const ok = await h.api('/api/v1/audit?action=login.succeeded');
    expect(ok.json.items.length).toBeGreaterThanOrEqual(4);
    expect(ok.json.items[0]).toMatchObject({ target: { name: 'ada@example.test' }, data: { via: 'oidc' } });
    const refused = await h.api('/api/v1/audit?action=login.failed');
    expect(refused.json.items.length).toBeGreaterThanOrEqual(5);
    expect(await h.api('/api/v1/audit?action=user.create')).toMatchObject({
      json: { items: expect.arrayContaining([expect.objectContaining({ data: { role: 'admin', via: 'oidc' } })]) },
    });
  });

  it('with ATOM_OIDC_DEFAULT_ROLE=none, refuses a user in no mapped group', async () => {
    const guest = await login(strict, 'guest');
    expect(guest.res.status).toBe(401);
    expect(((await guest.res.json()) as { code: string }).code).toBe('ATOM_ERR_AUTH_INVALID');
    expect(await strict.store.getUserByEmail('guest@example.test')).toBeUndefined();
    const ada = await login(strict, 'ada');
    expect(ada.res.status).toBe(302);
    expect((await sessionOf(strict, ada.atomJar)).body.user.role).toBe('editor');
  });
});
