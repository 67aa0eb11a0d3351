/**
 * The hostile-input suite (issue 5), written once and run on each store (hostile-input.test.ts,
 * hostile-input-postgres.test.ts): every row of hostile-cases.ts through real HTTP against a real
 * server on 127.0.0.1. A request case must be answered with its status and code and leave every
 * table as it was; a run case's `probe` step must fail with its code while the trap on 127.0.0.1
 * and [::1] gets no request, and no host data, secret or trap answer shows in the run, its events
 * or the log; the run's own rows are the only ones written.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { generateApiToken, hashApiToken, hashPassword } from '@atom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DatabaseSnapshots, snapshotChanges } from '../support/database-snapshot.js';
import { type AtomStore, type ServerHarness, startServer } from '../support/server-harness.js';
import { githubSignature } from '../support/webhook-signing.js';
import {
  BODY_LIMIT_BYTES,
  GITHUB_DELIVERY,
  HOOK_SECRETS,
  HOSTNAME_CASE,
  type HostileContext,
  REQUEST_CASES,
  RUN_CASES,
  type RunCase,
  SECRET_VALUE,
  SEED_STEPS,
  STANDARD_DELIVERY,
  standardDeliveryHeaders,
} from './hostile-cases.js';
import { startRedirector, startTrap } from './hostile-fixtures.js';

export interface HostileBackend {
  openStore?: (dir: string) => Promise<AtomStore>;
  snapshots(h: ServerHarness): DatabaseSnapshots;
}

/** The machine's name when it resolves offline to loopback only (so the case is meaningful here). */
async function loopbackHostname(): Promise<string | null> {
  try {
    const addresses = await lookup(hostname(), { all: true });
    const loopback = addresses.every(({ address }) => address.startsWith('127.') || address === '::1');
    return addresses.length > 0 && loopback ? hostname() : null;
  } catch {
    return null;
  }
}

const privateHostname = await loopbackHostname();
const ENV_CANARY = `host-env-${randomBytes(8).toString('hex')}`;
/** Text that must never appear in a run, its events or the log. */
const LEAKS = [ENV_CANARY, SECRET_VALUE, ...Object.values(HOOK_SECRETS), 'root:x:0:0'];

export function describeHostileInput(label: string, backend: HostileBackend): void {
  describe(`hostile input on ${label}`, () => {
    const c = { privateHostname } as HostileContext;
    let snapshots: DatabaseSnapshots;

    beforeAll(async () => {
      process.env.ATOM_HOSTILE_CANARY = ENV_CANARY;
      c.trap = await startTrap(`trap-${randomBytes(8).toString('hex')}`);
      // 127.0.0.2 is allowed so that the redirector can be reached; everything it points at is not.
      c.redirector = await startRedirector('127.0.0.2');
      c.h = await startServer({
        ...(backend.openStore ? { openStore: backend.openStore } : {}),
        bodyLimitBytes: BODY_LIMIT_BYTES,
        httpAllow: ['127.0.0.2'],
      });
      await setUp(c);
      snapshots = backend.snapshots(c.h);
    });
    afterAll(async () => {
      delete process.env.ATOM_HOSTILE_CANARY;
      await snapshots?.close();
      await c.h?.close();
      await c.trap?.close();
      await c.redirector?.close();
    });

    it('reads every table that a request could write, and has at least 40 cases', async () => {
      const tables = Object.keys(await snapshots.take());
      const wanted = ['users', 'api_tokens', 'sessions', 'workflows', 'runs', 'steps', 'run_events', 'secrets'];
      expect(tables).toEqual(expect.arrayContaining([...wanted, 'audit_log', 'runs#rows', 'secrets#rows']));
      const cases = [...Object.values(REQUEST_CASES), ...Object.values(RUN_CASES)].flat();
      expect(cases.length).toBeGreaterThanOrEqual(40);
    });

    for (const [group, cases] of Object.entries(REQUEST_CASES)) {
      describe(group, () => {
        for (const row of cases) {
          // A row with `bug` shows a known bug (named in the row): it must fail until the bug is fixed.
          const test = row.bug ? it.fails : it;
          test(`${row.name}: ${row.status} ${row.code ?? '(no error)'}, nothing written`, async () => {
            const before = await snapshots.take();
            const answer = await row.send(c);
            expect({ status: answer.status, code: answer.json?.code ?? null }, answer.text.slice(0, 400)).toEqual({
              status: row.status,
              code: row.code,
            });
            await row.check?.(answer, c);
            expect(snapshotChanges(before, await snapshots.take(), row.writes)).toEqual([]);
          });
        }
      });
    }

    let probes = 0;
    const runCase = (row: RunCase) =>
      (row.bug ? it.fails : it)(`${row.name}: ${row.code ?? 'succeeds'}, nothing reached or leaked`, async () => {
        const name = `probe-${++probes}`;
        const document = { atom: 1, name, steps: row.steps(c), ...(row.outputs ? { outputs: row.outputs } : {}) };
        const created = await c.h.api('/api/v1/workflows', { body: document });
        expect(created.status, created.text).toBe(201);
        const hits = c.trap.hits;
        const logsFrom = c.h.logs.length;
        const before = await snapshots.take();
        const run = await c.h.api(`/api/v1/workflows/${name}/runs?wait=20`, {
          body: { inputs: row.inputs?.(c) ?? {} },
        });
        expect(run.status, run.text).toBe(200);
        const probe = run.json.steps.find((step: { key: string }) => step.key === 'probe');
        if (row.code === null) {
          expect(run.json.status, run.text).toBe('succeeded');
        } else {
          expect({ run: run.json.status, step: probe?.status, code: probe?.error?.code }, run.text).toEqual({
            run: 'failed',
            step: 'failed',
            code: row.code,
          });
        }
        row.check?.(run.json, c);
        expect(c.trap.hits, 'requests that reached the trap').toBe(hits);
        const events = await c.h.api(`/api/v1/runs/${run.json.id}/events`);
        const seen = `${run.text}\n${events.text}\n${c.h.logs.slice(logsFrom).join('')}`;
        for (const leak of [...LEAKS, c.trap.canary]) expect(seen).not.toContain(leak);
        const after = await snapshots.take();
        expect(snapshotChanges(before, after, { runs: 1, steps: 'any', run_events: 'any' })).toEqual([]);
      });

    for (const [group, cases] of Object.entries(RUN_CASES)) {
      describe(group, () => {
        for (const row of cases) runCase(row);
        if (group === 'http.request to private addresses' && privateHostname !== null) runCase(HOSTNAME_CASE);
      });
    }
  });
}

/** Secrets, the seed workflow and one finished run, signed webhooks, dead tokens and sessions. */
async function setUp(c: HostileContext): Promise<void> {
  const { h } = c;
  const ok = (answer: { status: number; text: string }, status: number) =>
    expect(answer.status, answer.text).toBe(status);
  for (const [name, value] of Object.entries({ API_KEY: SECRET_VALUE, ...HOOK_SECRETS })) {
    ok(await h.api(`/api/v1/secrets/${name}`, { method: 'PUT', body: { value } }), 201);
  }
  const hooks = [
    ['gh', { scheme: 'github', secret: '{{ $secrets.GH_HOOK }}' }],
    ['stripe', { scheme: 'stripe', secret: '{{ $secrets.STRIPE_HOOK }}' }],
    ['std', { scheme: 'standard-webhooks', secret: '{{ $secrets.STD_HOOK }}' }],
    ['signed-hmac', { scheme: 'hmac', secret: '{{ $secrets.HMAC_HOOK }}' }],
    ['unset', { scheme: 'github', secret: '{{ $secrets.NEVER_SET }}' }],
    ['open', undefined],
  ] as const;
  const respond = {
    atom: 1,
    name: 'respond-crlf',
    triggers: [{ webhook: { path: 'respond-crlf', respond: 'node' } }],
    steps: [
      { id: 'reply', uses: 'respond', with: { headers: { 'x-echo': "{{ 'v' & $trigger.query.v }}" }, body: 'ok' } },
    ],
  };
  ok(await h.api('/api/v1/workflows', { body: respond }), 201);
  for (const [path, verify] of hooks) {
    const trigger = { webhook: { path, method: 'POST', ...(verify ? { verify } : {}) } };
    const document = { atom: 1, name: `hook-${path}`, triggers: [trigger], steps: SEED_STEPS };
    ok(await h.api('/api/v1/workflows', { body: document }), 201);
  }
  ok(await h.api('/api/v1/workflows', { body: { atom: 1, name: 'seed', steps: SEED_STEPS } }), 201);
  const seed = await h.api('/api/v1/workflows/seed/runs?wait=20', { body: { inputs: { who: 'ada' } } });
  expect(seed.json.status, seed.text).toBe('succeeded');
  c.seedRunId = seed.json.id;

  const deliver = (path: string, body: string, headers: Record<string, string>) =>
    h.api(`/hooks/${path}`, {
      rawBody: body,
      headers: { 'content-type': 'application/json', ...headers },
      token: null,
    });
  const genuine = {
    'x-hub-signature-256': githubSignature(HOOK_SECRETS.GH_HOOK, GITHUB_DELIVERY.body),
    'x-github-delivery': GITHUB_DELIVERY.id,
  };
  ok(await deliver('gh', GITHUB_DELIVERY.body, genuine), 202);
  ok(await deliver('std', STANDARD_DELIVERY.body, standardDeliveryHeaders()), 202);

  const owner = await h.store.getUserByEmail('owner@example.test');
  const deadToken = async (state: { expiresAt?: number; revokedAt?: number }) => {
    const token = generateApiToken();
    await h.store.createApiToken({
      id: randomUUID(),
      userId: owner?.id as string,
      workspaceId: 'default',
      name: 'dead token',
      role: null,
      tokenHash: hashApiToken(token),
      createdAt: Date.now() - 86_400_000,
      expiresAt: state.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: state.revokedAt ?? null,
    });
    return token;
  };
  c.expiredToken = await deadToken({ expiresAt: Date.now() - 60_000 });
  c.revokedToken = await deadToken({ revokedAt: Date.now() - 60_000 });

  const password = 'a studio passphrase';
  await h.store.createUser({
    id: randomUUID(),
    email: 'studio@example.test',
    role: 'editor',
    passwordHash: await hashPassword(password),
    createdAt: Date.now(),
  });
  const login = async () => {
    const res = await h.api('/api/v1/auth/login', {
      body: { email: 'studio@example.test', password },
      token: null,
    });
    ok(res, 200);
    return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '', csrf: res.json.csrfToken as string };
  };
  c.session = await login();
  c.otherCsrf = (await login()).csrf;
  const ended = await login();
  ok(
    await h.api('/api/v1/auth/logout', {
      method: 'POST',
      headers: { cookie: ended.cookie, 'x-csrf-token': ended.csrf },
      token: null,
    }),
    204,
  );
  c.loggedOutCookie = ended.cookie;
}
