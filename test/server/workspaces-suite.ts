/**
 * Two workspaces on one server, over real HTTP, run on each store (workspaces.test.ts,
 * workspaces-postgres.test.ts). A (`default`) is the harness's: a user per role with a token each.
 * B (`beta`) is made the way a person would: Bob logs in, creates it, is removed from A, and takes a
 * token in B. Both hold a workflow of the same name with the same webhook path; neither sees,
 * starts, cancels or streams anything of the other, and B's webhooks and schedules start B's runs
 * with B's variables.
 */
import { VirtualClock } from '@atom/engine';
import { hashPassword } from '@atom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AtomStore, type ServerHarness, startServer } from '../support/server-harness.js';
import { until } from '../support/until.js';
import { hmacSignature } from '../support/webhook-signing.js';

const BOB = { email: 'bob@example.test', password: 'bob has a passphrase' };

/** The same name and webhook path in both workspaces; B's also fires every minute. */
const orders = (schedule: boolean) => `atom: 1
name: orders
triggers:
  - webhook: { path: in }
${schedule ? '  - schedule: { cron: "* * * * *", timezone: UTC }\n' : ''}steps:
  - id: color
    uses: transform
    with: { color: "{{ $vars.COLOR }}" }
outputs:
  color: "{{ $steps.color.output.color }}"
`;

const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

export function describeWorkspaceIsolation(name: string, openStore?: (dir: string) => Promise<AtomStore>) {
  describe(`two workspaces on ${name}`, () => {
    let h: ServerHarness;
    const clock = new VirtualClock(Date.parse('2026-03-02T09:00:30Z'));
    let bobToken = '';
    let bobSession = { cookie: '', csrf: '' };
    const ids = { aWorkflow: '', bWorkflow: '', aRun: '', bRun: '' };

    /** As Bob, with his token in B (or his session, which opens his first workspace). */
    const asBob = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
      h.api(path, { ...init, token: bobToken });
    const yaml = (text: string, token: string) =>
      h.api('/api/v1/workflows', { rawBody: text, headers: { 'content-type': 'application/yaml' }, token });
    const bySession = (path: string, method = 'GET', headers: Record<string, string> = {}, body?: unknown) =>
      fetch(`${h.url}${path}`, {
        method,
        headers: {
          cookie: bobSession.cookie,
          'x-csrf-token': bobSession.csrf,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    beforeAll(async () => {
      h = await startServer({ ...(openStore ? { openStore } : {}), clock, scheduler: false });
      // Bob starts as a member of A (made the way `atom users create` makes a user).
      const bob = {
        id: 'u-bob',
        email: BOB.email,
        role: 'viewer' as const,
        passwordHash: await hashPassword(BOB.password),
        createdAt: clock.now(),
      };
      await h.store.createUser(bob);
      const login = await fetch(`${h.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(BOB),
      });
      expect(login.status).toBe(200);
      bobSession = { cookie: cookieOf(login), csrf: ((await login.json()) as { csrfToken: string }).csrfToken };
    });
    afterAll(async () => h?.close());

    it('lets any signed-in user create a workspace they own, and keeps slugs unique', async () => {
      const created = await bySession('/api/v1/workspaces', 'POST', {}, { slug: 'beta', name: 'Beta team' });
      expect(created.status).toBe(201);
      expect(await created.json()).toMatchObject({ slug: 'beta', name: 'Beta team', role: 'owner' });
      const again = await h.api('/api/v1/workspaces', { body: { slug: 'beta' } });
      expect(again.status).toBe(409);
      expect(again.json.code).toBe('ATOM_ERR_WORKSPACE_EXISTS');
      const bad = await h.api('/api/v1/workspaces', { body: { slug: 'Not A Slug' } });
      expect(bad.status).toBe(400);
      // Removed from A, Bob stays a user: his session now opens B, his only workspace.
      expect((await h.api('/api/v1/members/u-bob', { method: 'DELETE' })).status).toBe(204);
      const session = await bySession('/api/v1/auth/session');
      expect(await session.json()).toMatchObject({ user: { role: 'owner' }, workspace: { slug: 'beta' } });
      const mine = await bySession('/api/v1/workspaces');
      expect(((await mine.json()) as { items: { slug: string }[] }).items.map((w) => w.slug)).toEqual(['beta']);
      const token = await bySession('/api/v1/tokens', 'POST', { 'atom-workspace': 'beta' }, { name: 'bob in beta' });
      expect(token.status).toBe(201);
      bobToken = ((await token.json()) as { token: string }).token;
      expect((await asBob('/api/v1/workspace')).json).toMatchObject({ slug: 'beta', role: 'owner' });
      const renamed = await asBob('/api/v1/workspace', { method: 'PATCH', body: { name: 'Beta' } });
      expect(renamed.json).toMatchObject({ slug: 'beta', name: 'Beta' });
    });

    it('refuses a workspace the caller is no member of with 403, whatever the credential', async () => {
      const viaSession = await bySession('/api/v1/workflows', 'GET', { 'atom-workspace': 'default' });
      expect(viaSession.status).toBe(403);
      expect(((await viaSession.json()) as { code: string }).code).toBe('ATOM_ERR_WORKSPACE_FORBIDDEN');
      const unknown = await bySession('/api/v1/workflows', 'GET', { 'atom-workspace': 'nowhere' });
      expect(((await unknown.json()) as { code: string }).code).toBe('ATOM_ERR_WORKSPACE_FORBIDDEN');
      for (const [token, other] of [
        [h.tokens.owner, 'beta'],
        [bobToken, 'default'],
      ] as const) {
        const res = await h.api('/api/v1/workflows', { token, headers: { 'atom-workspace': other } });
        expect(res.status).toBe(403);
        expect(res.json.code).toBe('ATOM_ERR_WORKSPACE_FORBIDDEN');
      }
    });

    it('keeps workflow names, webhook paths and variables per workspace', async () => {
      const a = await yaml(orders(false), h.tokens.editor);
      const b = await yaml(orders(true), bobToken);
      expect([a.status, b.status]).toEqual([201, 201]);
      ids.aWorkflow = a.json.id;
      ids.bWorkflow = b.json.id;
      expect(ids.aWorkflow).not.toBe(ids.bWorkflow);
      await h.api('/api/v1/variables/COLOR', { method: 'PUT', body: { value: 'red' }, token: h.tokens.editor });
      await asBob('/api/v1/variables/COLOR', { method: 'PUT', body: { value: 'blue' } });
      await h.api('/api/v1/secrets/ONLY_A', { method: 'PUT', body: { value: 'alpha-secret-value' } });
      await asBob('/api/v1/secrets/ONLY_B', { method: 'PUT', body: { value: 'beta-secret-value' } });

      const intoA = await fetch(`${h.url}/hooks/in`, { method: 'POST', body: '{}' });
      const intoB = await fetch(`${h.url}/hooks/@beta/in`, { method: 'POST', body: '{}' });
      expect([intoA.status, intoB.status]).toEqual([202, 202]);
      ids.aRun = ((await intoA.json()) as { runId: string }).runId;
      ids.bRun = ((await intoB.json()) as { runId: string }).runId;
      const nowhere = await fetch(`${h.url}/hooks/@nowhere/in`, { method: 'POST', body: '{}' });
      expect(nowhere.status).toBe(404);
      await until(async () => (await h.store.getRun(ids.bRun))?.status === 'succeeded');
      await until(async () => (await h.store.getRun(ids.aRun))?.status === 'succeeded');
      const runA = await h.api(`/api/v1/runs/${ids.aRun}`);
      const runB = await asBob(`/api/v1/runs/${ids.bRun}`);
      expect(runA.json).toMatchObject({ workflow: { id: ids.aWorkflow }, outputs: { color: 'red' } });
      expect(runB.json).toMatchObject({ workflow: { id: ids.bWorkflow }, outputs: { color: 'blue' } });
    });

    it("shows a member of A none of B's workflows, runs, secrets, members, audit or figures", async () => {
      const token = h.tokens.owner;
      const workflows = await h.api('/api/v1/workflows', { token });
      expect(workflows.json.items.map((w: { id: string }) => w.id)).toEqual([ids.aWorkflow]);
      for (const path of [
        `/api/v1/workflows/${ids.bWorkflow}`,
        `/api/v1/workflows/${ids.bWorkflow}/versions`,
        `/api/v1/workflows/${ids.bWorkflow}/schedules`,
        `/api/v1/runs/${ids.bRun}`,
        `/api/v1/runs/${ids.bRun}/events`,
        `/api/v1/deliveries/${ids.bRun}`,
      ]) {
        const res = await h.api(path, { token });
        expect([path, res.status]).toEqual([path, 404]);
      }
      const runs = await h.api('/api/v1/runs', { token });
      expect(runs.json.items.map((r: { id: string }) => r.id)).toEqual([ids.aRun]);
      const byName = await h.api('/api/v1/runs?workflow=orders', { token });
      expect(byName.json.items.map((r: { id: string }) => r.id)).toEqual([ids.aRun]);
      const secrets = await h.api('/api/v1/secrets', { token });
      expect(secrets.json.items.map((s: { name: string }) => s.name)).toEqual(['ONLY_A']);
      const variables = await h.api('/api/v1/variables', { token });
      expect(variables.json.items).toMatchObject([{ name: 'COLOR', value: 'red' }]);
      const stats = await h.api('/api/v1/stats?minutes=60', { token });
      expect(stats.json.runs).toMatchObject({ started: 1, succeeded: 1 });
      expect((await asBob('/api/v1/stats?minutes=60')).json.runs).toMatchObject({ started: 1, succeeded: 1 });
      const members = await h.api('/api/v1/members', { token });
      expect(members.json.items.map((m: { email: string }) => m.email)).not.toContain(BOB.email);
      const audit = await h.api('/api/v1/audit?limit=500', { token });
      const targets = audit.json.items.map((e: { target: { id: string | null; name: string | null } }) => e.target);
      expect(targets.some((t: { id: string | null }) => t.id === ids.bWorkflow)).toBe(false);
      expect(targets.some((t: { name: string | null }) => t.name === 'ONLY_B')).toBe(false);
      // And B sees its own only.
      const bAudit = await asBob('/api/v1/audit?limit=500');
      const bActions = bAudit.json.items.map((e: { action: string }) => e.action);
      expect(bActions).toEqual(expect.arrayContaining(['workspace.create', 'workflow.create', 'secret.set']));
      expect(bAudit.json.items.some((e: { target: { name: string | null } }) => e.target.name === 'ONLY_A')).toBe(
        false,
      );
      expect((await asBob('/api/v1/members')).json.items.map((m: { email: string }) => m.email)).toEqual([BOB.email]);
    });

    it("lets no token of A start, cancel, replay or approve anything of B's", async () => {
      const token = h.tokens.owner;
      const start = await h.api(`/api/v1/workflows/${ids.bWorkflow}/runs`, { body: {}, token });
      expect([start.status, start.json.code]).toEqual([404, 'ATOM_ERR_WORKFLOW_NOT_FOUND']);
      for (const path of [`/api/v1/runs/${ids.bRun}/cancel`, `/api/v1/runs/${ids.bRun}/replay`]) {
        const res = await h.api(path, { body: {}, token });
        expect([path, res.status]).toEqual([path, 404]);
      }
      const dlq = await h.api('/api/v1/dlq/replay', { body: { runIds: [ids.bRun] }, token });
      expect(dlq.json.refused).toMatchObject([{ runId: ids.bRun, code: 'ATOM_ERR_RUN_NOT_FOUND' }]);
      // By name, A's own workflow starts: names resolve in the caller's workspace.
      const own = await h.api('/api/v1/workflows/orders/runs?wait=10', { body: {}, token });
      expect(own.json).toMatchObject({ workflow: { id: ids.aWorkflow }, outputs: { color: 'red' } });
      const bobs = await asBob('/api/v1/workflows/orders/runs?wait=10', { body: {} });
      expect(bobs.json).toMatchObject({ workflow: { id: ids.bWorkflow }, outputs: { color: 'blue' } });
      expect((await h.store.getRun(ids.bRun))?.status).toBe('succeeded');
    });

    it("holds runs over B's concurrent-runs limit without touching A's", async () => {
      const gated = { atom: 1, name: 'gated', steps: [{ id: 'gate', uses: 'approval', with: { message: 'go?' } }] };
      for (const token of [h.tokens.editor, bobToken]) {
        expect((await h.api('/api/v1/workflows', { body: gated, token })).status).toBe(201);
      }
      const limited = await asBob('/api/v1/workspace/limits', {
        method: 'PUT',
        body: { tier: 'free', overrides: { concurrentRuns: 1 } },
      });
      expect(limited.json).toMatchObject({ tier: 'free', limits: { concurrentRuns: 1 } });
      expect((await h.api('/api/v1/workspace/limits')).json.tier).toBe('enterprise');
      const start = async (token: string) =>
        (await h.api('/api/v1/workflows/gated/runs', { body: {}, token })).json.id as string;
      const [b1, b2] = [await start(bobToken), await start(bobToken)];
      const [a1, a2] = [await start(h.tokens.owner), await start(h.tokens.owner)];
      const phase = async (id: string) => {
        const run = await h.store.getRun(id);
        return `${run?.status}/${run?.phase}`;
      };
      await until(async () => (await phase(b1)) === 'waiting/main' && (await phase(a2)) === 'waiting/main');
      expect([await phase(a1), await phase(b2)]).toEqual(['waiting/main', 'queued/held']);
      expect((await asBob('/api/v1/workspace/limits')).json.usage).toMatchObject({ activeRuns: 1, heldRuns: 1 });
      expect((await h.api('/api/v1/workspace/limits')).json.usage).toMatchObject({ activeRuns: 2, heldRuns: 0 });
      // B's slot frees up: its held run starts; A's runs never counted against it.
      expect((await asBob(`/api/v1/runs/${b1}/steps/gate/approve`, { body: {} })).status).toBe(200);
      await until(async () => (await phase(b2)) === 'waiting/main');
      // A's approvals do not reach B's runs, and the other way round.
      const across = await h.api(`/api/v1/runs/${b2}/steps/gate/approve`, { body: {} });
      expect([across.status, across.json.code]).toEqual([404, 'ATOM_ERR_RUN_NOT_FOUND']);
      for (const id of [a1, a2]) await h.api(`/api/v1/runs/${id}/cancel`, { body: {} });
      await asBob(`/api/v1/runs/${b2}/cancel`, { body: {} });
    });

    it("fires B's schedule into B only", async () => {
      expect(await h.server.scheduler.tick()).toEqual({ started: 0, duplicates: 0 });
      clock.advance(60_000);
      expect((await h.server.scheduler.tick()).started).toBe(1);
      const scheduled = await asBob('/api/v1/runs?trigger=schedule');
      expect(scheduled.json.items).toHaveLength(1);
      expect(scheduled.json.items[0]).toMatchObject({ workflow: { id: ids.bWorkflow } });
      const run = await h.store.getRun(scheduled.json.items[0].id);
      expect(run?.workspaceId).not.toBe('default');
      expect((await h.api('/api/v1/runs?trigger=schedule')).json.items).toEqual([]);
    });

    it("resolves a child workflow and a webhook's signing secret in the workspace of the run", async () => {
      // Same secret name in both workspaces, different values: B's hook verifies with B's.
      await h.api('/api/v1/secrets/HOOK_KEY', { method: 'PUT', body: { value: 'a-signing-key-of-A' } });
      await asBob('/api/v1/secrets/HOOK_KEY', { method: 'PUT', body: { value: 'b-signing-key-of-B' } });
      const signed = `atom: 1
name: signed
triggers:
  - webhook: { path: signed, verify: { scheme: hmac, secret: "{{ $secrets.HOOK_KEY }}" } }
steps:
  - id: call
    uses: workflow.call
    with: { workflow: orders }
outputs:
  color: "{{ $steps.call.output.color }}"
`;
      expect((await yaml(signed, bobToken)).status).toBe(201);
      const body = '{"n":1}';
      const deliver = (key: string) =>
        fetch(`${h.url}/hooks/@beta/signed`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-signature': hmacSignature(key, body) },
          body,
        });
      expect((await deliver('a-signing-key-of-A')).status).toBe(401);
      const accepted = await deliver('b-signing-key-of-B');
      expect(accepted.status).toBe(202);
      const { runId } = (await accepted.json()) as { runId: string };
      await until(async () => ['succeeded', 'failed'].includes((await h.store.getRun(runId))?.status ?? ''));
      // workflow.call found B's `orders` (blue), not A's (red), and the child run is B's.
      const parent = await asBob(`/api/v1/runs/${runId}`);
      expect(parent.json).toMatchObject({ status: 'succeeded', outputs: { color: 'blue' } });
      const children = await asBob(`/api/v1/runs?parent=${runId}`);
      expect(children.json.items).toMatchObject([{ workflow: { id: ids.bWorkflow } }]);
      expect((await h.api(`/api/v1/runs?parent=${runId}`)).json.items).toEqual([]);
    });

    it("raises an event in the caller's workspace only", async () => {
      const listener = `atom: 1
name: listener
triggers:
  - event: { name: ping }
steps:
  - id: t
    uses: transform
    with: { ok: true }
`;
      expect((await yaml(listener, bobToken)).status).toBe(201);
      const inA = await h.api('/api/v1/events', { body: { name: 'ping' } });
      expect(inA.json).toMatchObject({ started: [] });
      const inB = await asBob('/api/v1/events', { body: { name: 'ping' } });
      expect(inB.json.started).toHaveLength(1);
    });
  });
}
