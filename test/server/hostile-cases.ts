/**
 * The hostile-input cases, one row each: what is sent, the status and ATOM_ERR_* code it must be
 * refused with, and (hostile-input-suite.ts checks it) that the database is the same afterwards.
 * Request cases are refused at the door; run cases start a run whose `probe` step must fail with
 * its code, reach nothing (the trap counts requests) and leak nothing of the host.
 */
import { hostname } from 'node:os';
import { expect } from 'vitest';
import type { ServerHarness } from '../support/server-harness.js';
import {
  githubSignature,
  hmacSignature,
  standardWebhooksSignature,
  stripeSignature,
} from '../support/webhook-signing.js';
import { type RawAnswer, type Redirector, rawRequest, type Trap } from './hostile-fixtures.js';

/** Values set up by the suite before the cases run. */
export interface HostileContext {
  h: ServerHarness;
  trap: Trap;
  redirector: Redirector;
  /** A finished run of `seed` (steps greet, shout). */
  seedRunId: string;
  expiredToken: string;
  revokedToken: string;
  /** An editor's live session (cookie header value) and its CSRF token. */
  session: { cookie: string; csrf: string };
  /** A session that was logged out, and the CSRF token of yet another session. */
  loggedOutCookie: string;
  otherCsrf: string;
  /** A machine name that resolves (offline, via /etc/hosts) to a loopback or private address, if any. */
  privateHostname: string | null;
}

export interface RequestCase {
  name: string;
  send(c: HostileContext): Promise<RawAnswer>;
  status: number;
  /** null for an answer that is not an error but must still change nothing (a replayed delivery). */
  code: string | null;
  /** Rows a refusal writes by design, per table (a failed login is audited); `any`: may change. */
  writes?: Record<string, number | 'any'>;
  /** A known bug this case shows: the row runs as `it.fails` until it is fixed. */
  bug?: string;
  check?(answer: RawAnswer, c: HostileContext): void | Promise<void>;
}

export interface RunCase {
  name: string;
  /** Steps of the workflow; the one whose refusal is checked has id `probe`. */
  steps(c: HostileContext): object[];
  outputs?: Record<string, string>;
  inputs?(c: HostileContext): Record<string, unknown>;
  /** The code `probe` fails with; null: the run succeeds, and must still leak nothing. */
  code: string | null;
  check?(run: RawAnswer['json'], c: HostileContext): void;
  bug?: string;
}

export const SECRET_VALUE = 'sk_live_hostile_9c1e5a7b3d';
export const HOOK_SECRETS = {
  GH_HOOK: 'gh-hook-secret-4f1a',
  STRIPE_HOOK: 'whsec_stripe_hostile_77e2',
  STD_HOOK: `whsec_${Buffer.from('standard-webhooks-hostile-key').toString('base64')}`,
  HMAC_HOOK: 'hmac-hook-secret-0b9d',
};
/** The genuine deliveries made during set-up, replayed by the cases. */
export const GITHUB_DELIVERY = { id: 'gh-delivery-1', body: '{"action":"opened","number":1}' };
export const STANDARD_DELIVERY = { id: 'msg_hostile_1', body: '{"type":"invoice.paid"}' };
export const STANDARD_DELIVERY_AT = Math.floor(Date.now() / 1000);

/** The headers of the genuine Standard Webhooks delivery (sent once by the set-up, then replayed). */
export function standardDeliveryHeaders(): Record<string, string> {
  const { id, body } = STANDARD_DELIVERY;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(STANDARD_DELIVERY_AT),
    'webhook-signature': standardWebhooksSignature(HOOK_SECRETS.STD_HOOK, id, STANDARD_DELIVERY_AT, body),
  };
}

const SQLI = "' OR '1'='1' --";
const SQLI_DROP = "x'); DROP TABLE workflows; --";
const TRAVERSAL = '../../../../etc/passwd';
const e = encodeURIComponent;
const now = () => Math.floor(Date.now() / 1000);

export const SEED_STEPS = [
  { id: 'greet', uses: 'transform', with: { text: "{{ 'hello ' & $inputs.who }}" } },
  { id: 'shout', uses: 'transform', with: { text: '{{ $uppercase($steps.greet.output.text) }}' } },
];

/** A workflow document named `name` with one transform step, changed by `patch`. */
function doc(name: string, patch: Record<string, unknown> = {}) {
  return { atom: 1, name, steps: [{ id: 'only', uses: 'transform', with: { ok: true } }], ...patch };
}

const json = (c: HostileContext, path: string, body: unknown, method = 'POST', token?: string | null) =>
  c.h.api(path, { method, body, ...(token === undefined ? {} : { token }) });
const get = (c: HostileContext, path: string, token?: string | null) =>
  c.h.api(path, token === undefined ? {} : { token });
const raw = (c: HostileContext, path: string, body: string | Buffer, type: string, method = 'POST') =>
  c.h.api(path, { method, rawBody: body, headers: { 'content-type': type } });
const hook = (c: HostileContext, path: string, body: string, headers: Record<string, string> = {}) =>
  c.h.api(`/hooks/${path}`, {
    method: 'POST',
    rawBody: body,
    headers: { 'content-type': 'application/json', ...headers },
    token: null,
  });
const withSession = (
  c: HostileContext,
  cookie: string,
  csrf: string | null,
  path: string,
  method = 'GET',
  body?: unknown,
) =>
  c.h.api(path, {
    method,
    ...(body === undefined ? {} : { body }),
    headers: { cookie, ...(csrf === null ? {} : { 'x-csrf-token': csrf }) },
    token: null,
  });

const sqlInjection: RequestCase[] = [
  {
    name: 'workflow name',
    send: (c) => json(c, '/api/v1/workflows', doc(SQLI_DROP)),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
  {
    name: 'step id',
    send: (c) =>
      json(c, '/api/v1/workflows', doc('sqli-step', { steps: [{ id: SQLI, uses: 'log', with: { message: 'x' } }] })),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
  {
    name: 'workflow id or name, read',
    send: (c) => get(c, `/api/v1/workflows/${e(SQLI)}`),
    status: 404,
    code: 'ATOM_ERR_WORKFLOW_NOT_FOUND',
  },
  {
    name: 'workflow id or name, new version',
    send: (c) => json(c, `/api/v1/workflows/${e(`seed${SQLI}`)}`, doc('seed'), 'PUT'),
    status: 404,
    code: 'ATOM_ERR_WORKFLOW_NOT_FOUND',
  },
  {
    name: 'workflow id or name, delete',
    send: (c) => c.h.api(`/api/v1/workflows/${e("seed' OR 1=1 --")}`, { method: 'DELETE' }),
    status: 404,
    code: 'ATOM_ERR_WORKFLOW_NOT_FOUND',
  },
  {
    name: 'version number',
    send: (c) => get(c, `/api/v1/workflows/seed/versions/${e('1 OR 1=1')}`),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'workflow list cursor',
    send: (c) => get(c, `/api/v1/workflows?cursor=${e(SQLI)}`),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'workflow search, with LIKE wildcards',
    send: (c) => get(c, `/api/v1/workflows?search=${e("%' OR 1=1 --")}`),
    status: 200,
    code: null,
    check: (answer) => expect(answer.json.items).toEqual([]),
  },
  {
    name: 'run list status filter',
    send: (c) => get(c, `/api/v1/runs?status=${e(`succeeded${SQLI}`)}`),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'run id, read',
    send: (c) => get(c, `/api/v1/runs/${e(SQLI)}`),
    status: 404,
    code: 'ATOM_ERR_RUN_NOT_FOUND',
  },
  {
    name: 'run id, cancel',
    send: (c) => c.h.api(`/api/v1/runs/${e(`x${SQLI}`)}/cancel`, { method: 'POST' }),
    status: 404,
    code: 'ATOM_ERR_RUN_NOT_FOUND',
  },
  {
    name: 'replay fromStep',
    send: (c) => json(c, `/api/v1/runs/${c.seedRunId}/replay`, { fromStep: `greet${SQLI}` }),
    status: 422,
    code: 'ATOM_ERR_REPLAY_STEP_UNKNOWN',
  },
  {
    name: 'run version',
    send: (c) => json(c, '/api/v1/workflows/seed/runs', { inputs: {}, version: '1 OR 1=1' }),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'approval step path',
    send: (c) => json(c, `/api/v1/runs/${c.seedRunId}/steps/${e(`greet${SQLI}`)}/approve`, {}),
    status: 409,
    code: 'ATOM_ERR_APPROVAL_NOT_PENDING',
  },
  {
    name: 'secret name',
    send: (c) => json(c, `/api/v1/secrets/${e(`API_KEY${SQLI}`)}`, { value: 'x' }, 'PUT'),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'variable name, delete',
    send: (c) => c.h.api(`/api/v1/variables/${e("x'; DROP TABLE variables; --")}`, { method: 'DELETE' }),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'login email (with spaces)',
    send: (c) => json(c, '/api/v1/auth/login', { email: `${SQLI}@example.test`, password: 'x' }, 'POST', null),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'login email and password (a failed login is audited, nothing else)',
    send: (c) => json(c, '/api/v1/auth/login', { email: "owner'--@example.test", password: SQLI }, 'POST', null),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
    writes: { audit_log: 1 },
  },
  {
    name: 'first-run setup email',
    send: (c) =>
      json(c, '/api/v1/auth/setup', { email: "x'||'@example.test", password: 'a long password' }, 'POST', null),
    status: 409,
    code: 'ATOM_ERR_SETUP_DONE',
  },
  {
    name: 'bearer token',
    send: (c) => get(c, '/api/v1/workflows', "x'OR'1'='1"),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
  },
  {
    name: 'delivery id',
    send: (c) => get(c, `/api/v1/deliveries/${e(SQLI)}`),
    status: 404,
    code: 'ATOM_ERR_DELIVERY_NOT_FOUND',
  },
  {
    name: 'webhook path',
    send: (c) => hook(c, e(SQLI), '{}'),
    status: 404,
    code: 'ATOM_ERR_HOOK_NOT_FOUND',
  },
  {
    name: 'dead-letter replay run ids',
    send: (c) => json(c, '/api/v1/dlq/replay', { runIds: [SQLI] }),
    status: 202,
    code: null,
    check: (answer) =>
      expect(answer.json).toMatchObject({ replayed: [], refused: [{ code: 'ATOM_ERR_RUN_NOT_FOUND' }] }),
  },
  {
    name: 'workspace tier',
    send: (c) => json(c, '/api/v1/workspace/limits', { tier: `free${SQLI}` }, 'PUT'),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
];

const pathTraversal: RequestCase[] = [
  {
    name: 'workflow name',
    send: (c) => json(c, '/api/v1/workflows', doc(TRAVERSAL)),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
  {
    name: 'workflow id or name, encoded slashes',
    send: (c) => get(c, `/api/v1/workflows/${e(TRAVERSAL)}`),
    status: 404,
    code: 'ATOM_ERR_WORKFLOW_NOT_FOUND',
  },
  {
    name: 'workflow id or name, dot segments sent as is',
    send: (c) => rawRequest(c.h.url, { path: '/api/v1/workflows/../secrets', headers: bearer(c) }),
    status: 404,
    code: 'ATOM_ERR_ROUTE_NOT_FOUND',
  },
  {
    name: 'webhook trigger path with dot segments',
    send: (c) =>
      json(
        c,
        '/api/v1/workflows',
        doc('traverse-hook', { triggers: [{ webhook: { path: 'a/../../api/v1/secrets' } }] }),
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
  {
    name: 'webhook URL with dot segments sent as is',
    send: (c) => rawRequest(c.h.url, { method: 'POST', path: '/hooks/../api/v1/secrets' }),
    status: 404,
    code: 'ATOM_ERR_HOOK_NOT_FOUND',
  },
  {
    name: 'webhook URL with encoded dot segments',
    send: (c) => rawRequest(c.h.url, { method: 'POST', path: '/hooks/%2e%2e/%2e%2e/etc/passwd' }),
    status: 404,
    code: 'ATOM_ERR_HOOK_NOT_FOUND',
  },
  {
    name: 'secret name',
    send: (c) => json(c, `/api/v1/secrets/${e('../../keyfile')}`, { value: 'x' }, 'PUT'),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'run id',
    send: (c) => get(c, `/api/v1/runs/${e('../../atom.db')}`),
    status: 404,
    code: 'ATOM_ERR_RUN_NOT_FOUND',
  },
  {
    name: 'API docs static files',
    send: (c) => rawRequest(c.h.url, { path: '/api/docs/static/..%2f..%2f..%2f..%2fpackage.json' }),
    status: 404,
    code: 'ATOM_ERR_ROUTE_NOT_FOUND',
  },
  {
    name: 'workflow.call target',
    send: (c) =>
      json(
        c,
        '/api/v1/workflows',
        doc('traverse-call', { steps: [{ id: 'child', uses: 'workflow.call', with: { workflow: TRAVERSAL } }] }),
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
];

// The suite's server takes bodies up to 128 KiB (BODY_LIMIT_BYTES).
export const BODY_LIMIT_BYTES = 128 * 1024;
const BIG = 'x'.repeat(BODY_LIMIT_BYTES + 1024);

/** `depth` arrays inside each other around 1. */
function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const oversized: RequestCase[] = [
  {
    name: 'workflow as JSON',
    send: (c) => raw(c, '/api/v1/workflows', JSON.stringify(doc('too-big', { description: BIG })), 'application/json'),
    status: 413,
    code: 'ATOM_ERR_REQUEST_TOO_LARGE',
  },
  {
    name: 'workflow as YAML',
    send: (c) =>
      raw(c, '/api/v1/workflows', `atom: 1\nname: too-big\ndescription: ${BIG}\nsteps: []\n`, 'application/yaml'),
    status: 413,
    code: 'ATOM_ERR_REQUEST_TOO_LARGE',
  },
  {
    name: 'chunked, without Content-Length',
    send: (c) =>
      rawRequest(c.h.url, {
        method: 'POST',
        path: '/api/v1/workflows',
        headers: { ...bearer(c), 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        chunked: Buffer.from(JSON.stringify(doc('too-big', { description: BIG }))),
      }),
    status: 413,
    code: 'ATOM_ERR_REQUEST_TOO_LARGE',
  },
  {
    name: 'webhook delivery',
    send: (c) => hook(c, 'open', JSON.stringify({ pad: BIG })),
    status: 413,
    code: 'ATOM_ERR_REQUEST_TOO_LARGE',
  },
  {
    name: 'login (no audit row either)',
    send: (c) =>
      c.h.api('/api/v1/auth/login', {
        method: 'POST',
        rawBody: JSON.stringify({ email: 'owner@example.test', password: BIG }),
        headers: { 'content-type': 'application/json' },
        token: null,
      }),
    status: 413,
    code: 'ATOM_ERR_REQUEST_TOO_LARGE',
  },
  {
    name: 'secret value over its 64 Ki-character limit',
    send: (c) => json(c, '/api/v1/secrets/BIG', { value: 'x'.repeat(65_537) }, 'PUT'),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'event name over 200 characters',
    send: (c) => json(c, '/api/v1/events', { name: 'e'.repeat(201) }),
    status: 400,
    code: 'ATOM_ERR_REQUEST_INVALID',
  },
  {
    name: 'YAML alias bomb',
    send: (c) => raw(c, '/api/v1/workflows', aliasBomb(), 'application/yaml'),
    status: 400,
    code: 'ATOM_ERR_SPEC_YAML_SYNTAX',
  },
  {
    name: 'JSON nested 10,000 deep',
    send: (c) =>
      raw(
        c,
        '/api/v1/workflows',
        `{"atom":1,"name":"deep","steps":[{"id":"a","uses":"transform","with":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}`,
        'application/json',
      ),
    status: 400,
    code: 'ATOM_ERR_VALUE_TOO_DEEP',
  },
  {
    name: 'JSON one level over ATOM_MAX_NESTING (64)',
    send: (c) => json(c, '/api/v1/workflows', doc('deep-65', { description: nested(64) })),
    status: 400,
    code: 'ATOM_ERR_VALUE_TOO_DEEP',
    check: (answer) => expect(answer.json.errors[0].path).toMatch(/^body\.description(\[0\]){63}$/),
  },
  {
    name: 'YAML workflow with a `with` nested 200 deep',
    send: (c) =>
      raw(
        c,
        '/api/v1/workflows',
        `atom: 1\nname: deep-yaml\nsteps:\n  - id: a\n    uses: transform\n    with: { v: ${'['.repeat(200)}${']'.repeat(200)} }\n`,
        'application/yaml',
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
    check: (answer) => expect(answer.json.errors[0]).toMatchObject({ code: 'ATOM_ERR_VALUE_TOO_DEEP', line: 6 }),
  },
  {
    name: 'webhook JSON body nested 10,000 deep',
    send: (c) => hook(c, 'open', `{"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`),
    status: 400,
    code: 'ATOM_ERR_VALUE_TOO_DEEP',
  },
  {
    name: 'event payload nested 100 deep',
    send: (c) => json(c, '/api/v1/events', { name: 'deep.event', payload: nested(100) }),
    status: 400,
    code: 'ATOM_ERR_VALUE_TOO_DEEP',
  },
  {
    name: 'more steps than a workflow may have',
    send: (c) =>
      json(
        c,
        '/api/v1/workflows',
        doc('too-many-steps', { steps: Array.from({ length: 1001 }, (_, i) => ({ id: `s${i}`, uses: 'log' })) }),
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
    check: (answer) => expect(answer.json.errors[0].code).toBe('ATOM_ERR_SPEC_LIMIT'),
  },
  {
    name: 'run inputs nested 60,000 deep',
    send: (c) =>
      raw(
        c,
        '/api/v1/workflows/seed/runs',
        `{"inputs":{"x":${'['.repeat(60_000)}${']'.repeat(60_000)}}}`,
        'application/json',
      ),
    status: 400,
    code: 'ATOM_ERR_VALUE_TOO_DEEP',
  },
  {
    name: 'header injection through a respond step (CR LF from the query)',
    send: (c) => c.h.api('/hooks/respond-crlf?v=%0d%0aSet-Cookie:%20evil=1', { method: 'POST', token: null }),
    status: 202,
    code: null,
    writes: { runs: 1, steps: 'any', run_events: 'any' },
    check: async (answer, c) => {
      expect(answer.text).not.toContain('evil');
      const run = await c.h.api(`/api/v1/runs/${answer.json.runId}`);
      expect(run.json.steps[0]?.error?.code, run.text).toBe('ATOM_ERR_NODE_INPUT');
    },
  },
  {
    name: 'headers over 16 KiB (refused by the HTTP parser, still problem+json)',
    send: (c) =>
      rawRequest(c.h.url, { path: '/api/v1/workflows', headers: { ...bearer(c), 'x-pad': 'p'.repeat(20_000) } }),
    status: 431,
    code: 'ATOM_ERR_REQUEST_HEADERS_TOO_LARGE',
  },
  {
    name: 'prototype poisoning in JSON',
    send: (c) =>
      raw(
        c,
        '/api/v1/workflows',
        '{"atom":1,"name":"proto","__proto__":{"admin":true},"steps":[]}',
        'application/json',
      ),
    status: 400,
    code: 'ATOM_ERR_REQUEST_JSON',
  },
];

/** `\u0000` in JSON: the text that JSON.stringify writes for a NUL character. */
const NUL = '\u0000';
const nulCode = (path: string) => (answer: RawAnswer) =>
  expect(answer.json.errors).toEqual([expect.objectContaining({ path })]);

/** A NUL character wherever a value comes in: PostgreSQL cannot store one, so no store does (ADR 0022). */
const nulCharacters: RequestCase[] = [
  {
    name: 'workflow document (JSON), in a `with` value',
    send: (c) =>
      json(
        c,
        '/api/v1/workflows',
        doc('nul-doc', { steps: [{ id: 'a', uses: 'log', with: { message: `a${NUL}b` } }] }),
      ),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: nulCode('body.steps[0].with.message'),
  },
  {
    name: 'workflow document (YAML "\\0"), at its line',
    send: (c) =>
      raw(
        c,
        '/api/v1/workflows',
        'atom: 1\nname: nul-yaml\nsteps:\n  - id: a\n    uses: log\n    with: { message: "a\\0b" }\n',
        'application/yaml',
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
    check: (answer) =>
      expect(answer.json.errors[0]).toMatchObject({
        code: 'ATOM_ERR_VALUE_NUL',
        path: 'steps[0].with.message',
        line: 6,
      }),
  },
  {
    name: 'new workflow version, in the description',
    send: (c) => json(c, '/api/v1/workflows/seed', doc('seed', { description: `x${NUL}` }), 'PUT'),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: nulCode('body.description'),
  },
  {
    name: 'run inputs, in a value',
    send: (c) => json(c, '/api/v1/workflows/seed/runs', { inputs: { who: `ada${NUL}` } }),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: nulCode('body.inputs.who'),
  },
  {
    name: 'run inputs, in a key',
    send: (c) => json(c, '/api/v1/workflows/seed/runs', { inputs: { [`w${NUL}`]: 1 } }),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: (answer) => expect(answer.json.errors[0].path).toMatch(/^body\.inputs\["w/),
  },
  {
    name: 'event payload',
    send: (c) => json(c, '/api/v1/events', { name: 'nul.event', payload: { list: ['ok', NUL] } }),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: nulCode('body.payload.list[1]'),
  },
  {
    name: 'variable value',
    send: (c) => json(c, '/api/v1/variables/NUL_VAR', { value: NUL }, 'PUT'),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
  },
  {
    name: 'webhook JSON body',
    send: (c) => hook(c, 'open', `{"issue":{"title":"a\\u0000b"}}`),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: nulCode('trigger.body.issue.title'),
  },
  {
    name: 'webhook text body with a raw NUL byte',
    send: (c) =>
      c.h.api('/hooks/open', {
        method: 'POST',
        rawBody: `a${NUL}b`,
        headers: { 'content-type': 'text/plain' },
        token: null,
      }),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: nulCode('trigger.body'),
  },
  {
    name: 'webhook query string (%00)',
    send: (c) => hook(c, 'open?x=%00', '{}'),
    status: 400,
    code: 'ATOM_ERR_VALUE_NUL',
    check: nulCode('trigger.query.x'),
  },
];

const signatures: RequestCase[] = [
  {
    name: 'GitHub, no signature header',
    send: (c) => hook(c, 'gh', GITHUB_DELIVERY.body),
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
  {
    name: 'GitHub, signed with another secret',
    send: (c) =>
      hook(c, 'gh', GITHUB_DELIVERY.body, { 'x-hub-signature-256': githubSignature('guess', GITHUB_DELIVERY.body) }),
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
  {
    name: 'GitHub, genuine signature on a tampered body',
    send: (c) =>
      hook(c, 'gh', GITHUB_DELIVERY.body.replace('opened', 'deleted'), {
        'x-hub-signature-256': githubSignature(HOOK_SECRETS.GH_HOOK, GITHUB_DELIVERY.body),
      }),
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
  {
    name: 'GitHub, genuine delivery replayed (no second run)',
    send: (c) =>
      hook(c, 'gh', GITHUB_DELIVERY.body, {
        'x-hub-signature-256': githubSignature(HOOK_SECRETS.GH_HOOK, GITHUB_DELIVERY.body),
        'x-github-delivery': GITHUB_DELIVERY.id,
      }),
    status: 200,
    code: null,
    check: (answer) => expect(answer.json).toMatchObject({ duplicate: true }),
  },
  {
    name: 'Stripe, genuine signature ten minutes old',
    send: (c) =>
      hook(c, 'stripe', '{"id":"evt_old"}', {
        'stripe-signature': stripeSignature(HOOK_SECRETS.STRIPE_HOOK, now() - 600, '{"id":"evt_old"}'),
      }),
    status: 401,
    code: 'ATOM_ERR_HOOK_REPLAYED',
  },
  {
    name: 'Stripe, genuine signature ten minutes ahead',
    send: (c) =>
      hook(c, 'stripe', '{"id":"evt_future"}', {
        'stripe-signature': stripeSignature(HOOK_SECRETS.STRIPE_HOOK, now() + 600, '{"id":"evt_future"}'),
      }),
    status: 401,
    code: 'ATOM_ERR_HOOK_REPLAYED',
  },
  {
    name: 'Stripe, forged v1',
    send: (c) =>
      hook(c, 'stripe', '{"id":"evt_forged"}', {
        'stripe-signature': `t=${now()},v1=${'0'.repeat(64)}`,
      }),
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
  {
    name: 'Standard Webhooks, genuine signature an hour old',
    send: (c) => {
      const at = now() - 3600;
      return hook(c, 'std', STANDARD_DELIVERY.body, {
        'webhook-id': 'msg_stale',
        'webhook-timestamp': String(at),
        'webhook-signature': standardWebhooksSignature(HOOK_SECRETS.STD_HOOK, 'msg_stale', at, STANDARD_DELIVERY.body),
      });
    },
    status: 401,
    code: 'ATOM_ERR_HOOK_REPLAYED',
  },
  {
    name: 'Standard Webhooks, signature moved to another message id',
    send: (c) => {
      const at = now();
      return hook(c, 'std', STANDARD_DELIVERY.body, {
        'webhook-id': 'msg_other',
        'webhook-timestamp': String(at),
        'webhook-signature': standardWebhooksSignature(HOOK_SECRETS.STD_HOOK, 'msg_first', at, STANDARD_DELIVERY.body),
      });
    },
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
  {
    name: 'Standard Webhooks, genuine delivery replayed (no second run)',
    send: (c) => hook(c, 'std', STANDARD_DELIVERY.body, standardDeliveryHeaders()),
    status: 200,
    code: null,
    check: (answer) => expect(answer.json).toMatchObject({ duplicate: true }),
  },
  {
    name: 'HMAC, timestamp changed after signing',
    send: (c) => {
      const at = now();
      return hook(c, 'signed-hmac', '{"n":1}', {
        'x-timestamp': String(at + 1),
        'x-signature': hmacSignature(HOOK_SECRETS.HMAC_HOOK, '{"n":1}', at),
      });
    },
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
  {
    name: 'HMAC, signature header sent twice',
    send: (c) =>
      rawRequest(c.h.url, {
        method: 'POST',
        path: '/hooks/signed-hmac',
        headers: {
          'x-signature': [hmacSignature('guess', ''), hmacSignature(HOOK_SECRETS.HMAC_HOOK, '')],
        },
      }),
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
  {
    name: 'trigger whose signing secret is not set',
    send: (c) => hook(c, 'unset', '{}', { 'x-hub-signature-256': githubSignature('', '{}') }),
    status: 401,
    code: 'ATOM_ERR_HOOK_SIGNATURE',
  },
];

const credentials: RequestCase[] = [
  {
    name: 'expired API token, read',
    send: (c) => get(c, '/api/v1/workflows', c.expiredToken),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
  },
  {
    name: 'expired API token, create a workflow',
    send: (c) => json(c, '/api/v1/workflows', doc('by-expired-token'), 'POST', c.expiredToken),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
  },
  {
    name: 'revoked API token, read secrets',
    send: (c) => get(c, '/api/v1/secrets', c.revokedToken),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
  },
  {
    name: 'revoked API token, delete a workflow',
    send: (c) => c.h.api('/api/v1/workflows/seed', { method: 'DELETE', token: c.revokedToken }),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
  },
  {
    name: 'API token with one character changed',
    send: (c) => get(c, '/api/v1/workflows', flipLast(c.h.tokens.owner)),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
  },
  {
    name: 'Basic credentials instead of a bearer token',
    send: (c) =>
      c.h.api('/api/v1/workflows', {
        token: null,
        headers: { authorization: `Basic ${Buffer.from('owner@example.test:x').toString('base64')}` },
      }),
    status: 401,
    code: 'ATOM_ERR_AUTH_INVALID',
  },
  {
    name: 'logged-out session cookie',
    send: (c) => withSession(c, c.loggedOutCookie, null, '/api/v1/workflows'),
    status: 401,
    code: 'ATOM_ERR_SESSION_EXPIRED',
  },
  {
    name: 'forged session cookie',
    send: (c) => withSession(c, `atom_session=${'A'.repeat(43)}`, null, '/api/v1/workflows'),
    status: 401,
    code: 'ATOM_ERR_SESSION_EXPIRED',
  },
  {
    name: 'session cookie without CSRF token on a write',
    send: (c) => withSession(c, c.session.cookie, null, '/api/v1/workflows', 'POST', doc('no-csrf')),
    status: 403,
    code: 'ATOM_ERR_CSRF',
  },
  {
    name: "session cookie with another session's CSRF token",
    send: (c) => withSession(c, c.session.cookie, c.otherCsrf, '/api/v1/workflows', 'POST', doc('wrong-csrf')),
    status: 403,
    code: 'ATOM_ERR_CSRF',
  },
];

const expressionsAtTheDoor: RequestCase[] = [
  {
    name: '$secrets in a condition',
    send: (c) =>
      json(
        c,
        '/api/v1/workflows',
        doc('secret-if', {
          steps: [{ id: 'a', uses: 'log', if: "{{ $secrets.API_KEY = 'x' }}", with: { message: 'x' } }],
        }),
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
  {
    name: "$secrets in a log step's message (copied to the log)",
    send: (c) =>
      json(
        c,
        '/api/v1/workflows',
        doc('secret-log', { steps: [{ id: 'a', uses: 'log', with: { message: 'key: {{ $secrets.API_KEY }}' } }] }),
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
    check: (answer) => expect(answer.json.errors[0]).toMatchObject({ path: 'steps[0].with.message' }),
  },
  {
    name: "$secrets in a respond step's body (sent to the caller)",
    send: (c) =>
      json(
        c,
        '/api/v1/workflows',
        doc('secret-respond', { steps: [{ id: 'a', uses: 'respond', with: { body: '{{ $secrets.API_KEY }}' } }] }),
      ),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
  {
    name: '$secrets in the workflow outputs',
    send: (c) => json(c, '/api/v1/workflows', doc('secret-out', { outputs: { key: '{{ $secrets.API_KEY }}' } })),
    status: 422,
    code: 'ATOM_ERR_SPEC_INVALID',
  },
];

export const REQUEST_CASES: Record<string, RequestCase[]> = {
  'SQL injection': sqlInjection,
  'path traversal': pathTraversal,
  'oversized and malformed bodies': oversized,
  'forged and replayed webhook signatures': signatures,
  'expired, revoked and forged credentials': credentials,
  'refused when the workflow is saved': expressionsAtTheDoor,
  'NUL characters coming in': nulCharacters,
};

const probe = (uses: string, input: Record<string, unknown>) => [{ id: 'probe', uses, with: input }];
const http = (url: (c: HostileContext) => string, extra: Record<string, unknown> = {}) => ({
  steps: (c: HostileContext) => probe('http.request', { url: url(c), timeout: '2s', ...extra }),
  code: 'ATOM_ERR_HTTP_BLOCKED_ADDRESS',
});
const trapAt = (host: string) => (c: HostileContext) => `http://${host}:${c.trap.port}/latest/meta-data/`;
const redirectTo = (target: (c: HostileContext) => string) => (c: HostileContext) =>
  `${c.redirector.url}/?to=${e(target(c))}`;

const expressions: RunCase[] = [
  {
    name: 'Function constructor through a path',
    steps: () =>
      probe('transform', { v: "{{ ( $F := $.constructor.constructor; $g := $F('return process.env'); $g() ) }}" }),
    code: 'ATOM_ERR_EXPR_EVAL',
  },
  {
    name: 'calling require',
    steps: () => probe('transform', { v: "{{ $require('child_process') }}" }),
    code: 'ATOM_ERR_EXPR_EVAL',
  },
  {
    name: 'process through $eval',
    steps: () => probe('transform', { v: "{{ $eval('$process.env') ~> $keys() }}" }),
    code: null,
    check: (run) => expect(run.steps[0].output).toEqual({ v: null }),
  },
  {
    name: '$secrets through $eval in the outputs (not bound there)',
    steps: () => probe('transform', { ok: true }),
    outputs: { leak: "{{ $eval('$secrets.API_KEY') }}" },
    code: null,
    check: (run) => expect(run.outputs).toEqual({ leak: null }),
  },
  {
    name: 'endless recursion',
    steps: () => probe('transform', { v: '{{ ( $f := function($n) { 1 + $f($n + 1) }; $f(0) ) }}' }),
    code: 'ATOM_ERR_EXPR_DEPTH',
  },
  {
    name: 'endless loop',
    steps: () => probe('transform', { v: '{{ ( $f := function($n) { $f($n + 1) }; $f(0) ) }}' }),
    code: 'ATOM_ERR_EXPR_TIMEOUT',
  },
  {
    name: 'a hundred million numbers',
    steps: () => probe('transform', { v: '{{ $count([1..100000000]) }}' }),
    code: 'ATOM_ERR_EXPR_EVAL',
  },
];

const code: RunCase[] = [
  {
    name: 'require',
    steps: () => probe('code', { code: "return require('fs').readFileSync('/etc/passwd', 'utf8')" }),
    code: 'ATOM_ERR_CODE_ERROR',
  },
  { name: 'process.env', steps: () => probe('code', { code: 'return process.env' }), code: 'ATOM_ERR_CODE_ERROR' },
  {
    name: 'fetch to the trap',
    steps: (c) => probe('code', { code: `return await fetch('http://127.0.0.1:${c.trap.port}/')` }),
    code: 'ATOM_ERR_CODE_ERROR',
  },
  {
    name: 'dynamic import of node:child_process',
    steps: () => probe('code', { code: "const cp = await import('node:child_process'); return cp.execSync('id')" }),
    code: 'ATOM_ERR_CODE_ERROR',
  },
  {
    name: "QuickJS's os module",
    steps: () => probe('code', { code: "const os = await import('os'); return os.exec(['id'])" }),
    code: 'ATOM_ERR_CODE_ERROR',
  },
  {
    name: 'Function constructor escape',
    steps: () => probe('code', { code: "return (() => {}).constructor('return process')().mainModule" }),
    code: 'ATOM_ERR_CODE_ERROR',
  },
  {
    name: 'timers',
    steps: () => probe('code', { code: 'return await new Promise((resolve) => setTimeout(resolve, 1))' }),
    code: 'ATOM_ERR_CODE_ERROR',
  },
  { name: 'endless loop', steps: () => probe('code', { code: 'while (true) {}' }), code: 'ATOM_ERR_CODE_TIMEOUT' },
  {
    name: 'an output nested 100 deep',
    steps: () => probe('code', { code: 'let v = 1; for (let i = 0; i < 100; i++) v = [v]; return v' }),
    code: 'ATOM_ERR_VALUE_TOO_DEEP',
  },
  {
    name: 'memory exhaustion',
    steps: () => probe('code', { code: "const a = []; while (true) a.push('x'.repeat(1 << 20) + a.length)" }),
    code: 'ATOM_ERR_CODE_MEMORY',
  },
];

const outbound: RunCase[] = [
  { name: '127.0.0.1', ...http(trapAt('127.0.0.1')) },
  { name: '[::1]', ...http(trapAt('[::1]')) },
  { name: 'localhost (resolves to 127.0.0.1)', ...http(trapAt('localhost')) },
  { name: '169.254.169.254 (cloud metadata)', ...http(() => 'http://169.254.169.254/latest/meta-data/') },
  { name: '[::ffff:169.254.169.254] (metadata, IPv4-mapped)', ...http(() => 'http://[::ffff:169.254.169.254]/') },
  { name: '0.0.0.0 (reaches this machine)', ...http(trapAt('0.0.0.0')) },
  { name: '2130706433 (127.0.0.1 as one number)', ...http(trapAt('2130706433')) },
  { name: '0x7f.1 (127.0.0.1 in hex, short form)', ...http(trapAt('0x7f.1')) },
  { name: '[::ffff:127.0.0.1] (IPv4-mapped loopback)', ...http(trapAt('[::ffff:127.0.0.1]')) },
  { name: '[64:ff9b::7f00:1] (NAT64 of loopback)', ...http(() => 'http://[64:ff9b::7f00:1]/') },
  { name: '10.0.0.1 (private)', ...http(() => 'http://10.0.0.1/') },
  { name: '192.168.0.1 (private)', ...http(() => 'http://192.168.0.1/') },
  { name: '[fd00::1] (unique local)', ...http(() => 'http://[fd00::1]/') },
  {
    name: '127.0.0.1 with credentials in the URL (not echoed)',
    ...http((c) => `http://admin:hunter2-pw@127.0.0.1:${c.trap.port}/`),
    check: (run) => expect(JSON.stringify(run.steps[0].error)).not.toContain('hunter2-pw'),
  },
  {
    name: '127.0.0.1 from the run inputs',
    steps: () => probe('http.request', { url: '{{ $inputs.url }}', timeout: '2s' }),
    inputs: (c) => ({ url: `http://127.0.0.1:${c.trap.port}/` }),
    code: 'ATOM_ERR_HTTP_BLOCKED_ADDRESS',
  },
  { name: 'redirect to 127.0.0.1', ...http(redirectTo(trapAt('127.0.0.1'))) },
  { name: 'redirect to localhost', ...http(redirectTo(trapAt('localhost'))) },
  { name: 'redirect to 169.254.169.254', ...http(redirectTo(() => 'http://169.254.169.254/latest/meta-data/')) },
  { name: 'redirect to file:///etc/passwd', ...http(redirectTo(() => 'file:///etc/passwd')) },
  {
    name: 'file: URL (checked when the step runs)',
    steps: () => probe('http.request', { url: 'file:///etc/passwd', timeout: '2s' }),
    code: 'ATOM_ERR_NODE_INPUT',
  },
  {
    name: 'gopher: URL from an expression',
    steps: (c) => probe('http.request', { url: `{{ 'gopher://127.0.0.1:${c.trap.port}/_INFO' }}`, timeout: '2s' }),
    code: 'ATOM_ERR_NODE_INPUT',
  },
];

/** The machine's own name, when /etc/hosts (no DNS needed) maps it to a refused address. */
export const HOSTNAME_CASE: RunCase = {
  name: `this machine's name (${hostname()}, resolves to a loopback or private address)`,
  ...http((c) => `http://${c.privateHostname}:${c.trap.port}/`),
};

/** A NUL character made by a step: the step fails with ATOM_ERR_VALUE_NUL, the run is recorded. */
const nulFromSteps: RunCase[] = [
  {
    name: 'a transform whose expression makes one',
    steps: () => probe('transform', { v: "{{ 'a\\u0000b' }}" }),
    code: 'ATOM_ERR_VALUE_NUL',
    check: (run) => expect(run.steps[0].error.details).toEqual([expect.objectContaining({ path: 'with.v' })]),
  },
  {
    name: "a step's `output` expression that makes one",
    steps: () => [{ id: 'probe', uses: 'transform', with: { v: 1 }, output: "{{ { 'x': 'a\\u0000' } }}" }],
    code: 'ATOM_ERR_VALUE_NUL',
    check: (run) => expect(run.steps[0].error.details).toEqual([expect.objectContaining({ path: 'output.x' })]),
  },
  {
    name: 'a code step that returns one',
    steps: () => probe('code', { code: "return { text: 'a' + String.fromCharCode(0) }" }),
    code: 'ATOM_ERR_VALUE_NUL',
    check: (run) => expect(run.steps[0].error.details).toEqual([expect.objectContaining({ path: 'output.text' })]),
  },
  {
    name: 'an HTTP answer holding one',
    steps: (c) => probe('http.request', { url: `${c.redirector.url}/nul`, timeout: '2s' }),
    code: 'ATOM_ERR_VALUE_NUL',
  },
  {
    name: 'an error message holding one (kept as the text \\u0000)',
    steps: () => probe('transform', { v: "{{ $error('bad' & '\\u0000' & 'news') }}" }),
    code: 'ATOM_ERR_EXPR_EVAL',
    check: (run) => expect(run.steps[0].error.message).toContain('bad\\u0000news'),
  },
];

export const RUN_CASES: Record<string, RunCase[]> = {
  'NUL characters made by steps': nulFromSteps,
  'JSONata beyond its bindings': expressions,
  'code steps reaching for the host': code,
  'http.request to private addresses': outbound,
};

function bearer(c: HostileContext): Record<string, string> {
  return { authorization: `Bearer ${c.h.tokens.owner}` };
}

function flipLast(token: string): string {
  return token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
}

function aliasBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const next = String.fromCharCode(97 + i);
    lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\natom: 1\nname: bomb\nsteps: []\n`;
}
