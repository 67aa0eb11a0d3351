/**
 * The live stream, `GET /api/v1/stream`, over real WebSockets: who may open it (token, cookie +
 * Origin, roles), subscriptions by run, workflow and workspace with the stored event ids, resuming
 * after a reconnect with nothing missed or repeated, bad messages answered on an open connection,
 * slow clients closed with 4008; and on PostgreSQL, a run started through one API process and
 * streamed from another, executed by a worker process of its own.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '@atom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, startCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { type ServerHarness, startServer } from '../support/server-harness.js';
import { openStream, type StreamClient, type StreamMessage } from '../support/stream-client.js';
import { until } from '../support/until.js';

const STUDIO_ORIGIN = 'https://studio.example.test';

/** What the stream must match: GET /runs/{id}/events items, with the run and its workflow. */
function asStreamed(items: StreamMessage[], runId: string, workflowId: string): StreamMessage[] {
  return items.map((item) => ({ ...item, runId, workflowId }));
}

async function refusal(base: string, headers: Record<string, string>) {
  const error = (await openStream(base, headers).then(
    () => {
      throw new Error('the stream opened');
    },
    (e: unknown) => e,
  )) as { status: number; body: string };
  return { status: error.status, code: JSON.parse(error.body).code as string };
}

describe('live stream', () => {
  let h: ServerHarness;
  const bearer = (role: keyof ServerHarness['tokens'] = 'viewer') => ({ authorization: `Bearer ${h.tokens[role]}` });
  const open: StreamClient[] = [];
  const connect = async (headers: Record<string, string> = bearer()) => {
    const client = await openStream(h.url, headers);
    open.push(client);
    return client;
  };

  beforeAll(async () => {
    h = await startServer({
      corsOrigins: [STUDIO_ORIGIN],
      stream: { heartbeatMs: 200, maxBufferedBytes: 256 * 1024 },
    });
  });
  afterAll(async () => {
    await Promise.all(open.map((client) => client.close()));
    await h?.close();
  });

  const createWorkflow = async (yaml: string) => {
    const res = await h.api('/api/v1/workflows', {
      method: 'POST',
      rawBody: yaml,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.status).toBe(201);
    return res.json.id as string;
  };
  /** A workflow whose runs wait for the event `name`, then finish. */
  const gated = async (name: string) =>
    createWorkflow(
      `atom: 1\nname: ${name}\nsteps:\n  - id: gate\n    uses: wait\n    with: { event: ${name}.go, timeout: 1h }\n  - id: after\n    uses: transform\n    with: { v: 42 }\noutputs:\n  v: "{{ $steps.after.output.v }}"\n`,
    );
  const startRun = async (workflow: string) => {
    const res = await h.api(`/api/v1/workflows/${workflow}/runs`, { body: {} });
    expect(res.status).toBe(202);
    return res.json.id as string;
  };
  const statusOf = async (runId: string) => (await h.api(`/api/v1/runs/${runId}`)).json.status as string;
  const storedEvents = async (runId: string) => (await h.api(`/api/v1/runs/${runId}/events`)).json.items;

  it('refuses the upgrade without credentials, with a bad token, or a cookie from another origin', async () => {
    expect(await refusal(h.url, {})).toEqual({ status: 401, code: 'ATOM_ERR_AUTH_REQUIRED' });
    expect(await refusal(h.url, { authorization: 'Bearer atom_not-a-token' })).toEqual({
      status: 401,
      code: 'ATOM_ERR_AUTH_INVALID',
    });
    expect(await refusal(h.url, { authorization: 'Basic abc' })).toEqual({
      status: 401,
      code: 'ATOM_ERR_AUTH_INVALID',
    });

    const email = `streamer-${randomUUID()}@example.test`;
    await h.store.createUser({
      id: randomUUID(),
      email,
      role: 'viewer',
      passwordHash: await hashPassword('a long enough passphrase'),
      createdAt: Date.now(),
    });
    const login = await fetch(`${h.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'a long enough passphrase' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    expect(await refusal(h.url, { cookie })).toEqual({ status: 403, code: 'ATOM_ERR_STREAM_ORIGIN' });
    expect(await refusal(h.url, { cookie, origin: 'https://evil.example.test' })).toEqual({
      status: 403,
      code: 'ATOM_ERR_STREAM_ORIGIN',
    });
    expect(await refusal(h.url, { cookie: 'atom_session=forged', origin: h.url })).toEqual({
      status: 401,
      code: 'ATOM_ERR_SESSION_EXPIRED',
    });
    for (const origin of [h.url, STUDIO_ORIGIN]) {
      const client = await connect({ cookie, origin });
      client.send({ type: 'ping' });
      expect(await client.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
      await client.close();
    }
  });

  it('lets a viewer in with a token, sends heartbeats, and answers a plain GET with 426', async () => {
    const client = await connect(bearer('viewer'));
    const beat = await client.next((m) => m.type === 'heartbeat');
    expect(typeof beat.at).toBe('number');
    const plain = await h.api('/api/v1/stream', { token: h.tokens.viewer });
    expect(plain.status).toBe(426);
    expect(plain.json.code).toBe('ATOM_ERR_STREAM_UPGRADE_REQUIRED');
    const openapi = await h.api('/api/v1/openapi.json', { token: null });
    const operation = openapi.json.paths['/api/v1/stream'].get;
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['101', '401', '403', '426']));
    expect(operation.description).toContain('"type":"subscribe"');
    await client.close();
  });

  it('streams a run from its start with the stored ids, then live until it ends', async () => {
    const workflowId = await gated('stream-run');
    const runId = await startRun('stream-run');
    await until(async () => (await statusOf(runId)) === 'waiting');
    const client = await connect();
    client.send({ type: 'subscribe', id: 'all-of-it', run: runId, after: 0 });
    const live = await connect();
    live.send({ type: 'subscribe', id: 'from-now', run: runId });
    expect(await client.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', id: 'all-of-it' });
    expect(await live.next((m) => m.type === 'subscribed')).toEqual({ type: 'subscribed', id: 'from-now' });
    const before = await storedEvents(runId);
    await client.eventCount('all-of-it', before.length);

    await h.api('/api/v1/events', { body: { name: 'stream-run.go' } });
    await until(async () => (await statusOf(runId)) === 'succeeded');
    const stored = await storedEvents(runId);
    expect(stored.at(-1).type).toBe('run.succeeded');
    const got = await client.eventCount('all-of-it', stored.length);
    expect(got).toEqual(asStreamed(stored, runId, workflowId));
    const gotLive = await live.eventCount('from-now', stored.length - before.length);
    expect(gotLive).toEqual(asStreamed(stored.slice(before.length), runId, workflowId));
  });

  it('subscribes by workflow (id or name) and by workspace, each event with its workflow', async () => {
    const oneId = await gated('stream-wf-one');
    const twoId = await gated('stream-wf-two');
    const client = await connect();
    client.send({ type: 'subscribe', id: 'one-by-name', workflow: 'stream-wf-one' });
    client.send({ type: 'subscribe', id: 'two-by-id', workflow: twoId });
    client.send({ type: 'subscribe', id: 'ws', workspace: true });
    await client.next((m) => m.type === 'subscribed' && m.id === 'ws');
    await client.next((m) => m.type === 'subscribed' && m.id === 'two-by-id');
    const runOne = await startRun('stream-wf-one');
    const runTwo = await startRun('stream-wf-two');
    await h.api('/api/v1/events', { body: { name: 'stream-wf-one.go' } });
    await h.api('/api/v1/events', { body: { name: 'stream-wf-two.go' } });
    await until(async () => (await statusOf(runOne)) === 'succeeded' && (await statusOf(runTwo)) === 'succeeded');
    const one = asStreamed(await storedEvents(runOne), runOne, oneId);
    const two = asStreamed(await storedEvents(runTwo), runTwo, twoId);
    expect(await client.eventCount('one-by-name', one.length)).toEqual(one);
    expect(await client.eventCount('two-by-id', two.length)).toEqual(two);
    const ws = (await client.eventCount('ws', one.length + two.length)).filter(
      (e) => e.runId === runOne || e.runId === runTwo,
    );
    expect(ws.filter((e) => e.runId === runOne)).toEqual(one);
    expect(ws.filter((e) => e.runId === runTwo)).toEqual(two);
    client.send({ type: 'unsubscribe', id: 'ws' });
    expect(await client.next((m) => m.type === 'unsubscribed')).toEqual({ type: 'unsubscribed', id: 'ws' });
  });

  it('resumes after a reconnect from the last event id: nothing missed, nothing twice', async () => {
    const workflowId = await gated('stream-resume');
    const runId = await startRun('stream-resume');
    await until(async () => (await statusOf(runId)) === 'waiting');
    const first = await connect();
    first.send({ type: 'subscribe', id: 'r', workflow: workflowId, after: 0 });
    const before = await storedEvents(runId);
    const seen = await first.eventCount('r', before.length);
    await first.close();
    // While nobody listens, the run goes on and ends.
    await h.api('/api/v1/events', { body: { name: 'stream-resume.go' } });
    await until(async () => (await statusOf(runId)) === 'succeeded');
    const last = seen.at(-1)?.id as number;
    const second = await connect();
    second.send({ type: 'subscribe', id: 'r', workflow: 'stream-resume', after: last });
    const stored = asStreamed(await storedEvents(runId), runId, workflowId);
    const rest = await second.eventCount('r', stored.length - seen.length);
    expect([...seen, ...rest]).toEqual(stored);
    // And nothing more arrives for it.
    second.send({ type: 'ping' });
    await second.next((m) => m.type === 'pong');
    expect(second.events('r')).toHaveLength(stored.length - seen.length);
  });

  it('answers bad messages with errors and keeps the connection open', async () => {
    const client = await connect();
    const errorAfter = async (message: unknown) => {
      const from = client.messages.length;
      client.send(message);
      return client.next((m) => m.type === 'error', 5_000, from);
    };
    expect(await errorAfter('not json')).toMatchObject({ code: 'ATOM_ERR_STREAM_BAD_MESSAGE' });
    expect(await errorAfter({ type: 'subscribe!' })).toMatchObject({
      code: 'ATOM_ERR_STREAM_BAD_MESSAGE',
      message: expect.stringContaining('type'),
    });
    expect(await errorAfter({ type: 'subscribe', id: 'x', run: 'run-none' })).toMatchObject({
      id: 'x',
      code: 'ATOM_ERR_RUN_NOT_FOUND',
    });
    expect(await errorAfter({ type: 'subscribe', id: 'y', workflow: 'no-such-workflow' })).toMatchObject({
      id: 'y',
      code: 'ATOM_ERR_WORKFLOW_NOT_FOUND',
    });
    expect(await errorAfter({ type: 'subscribe', id: 'z' })).toMatchObject({
      id: 'z',
      message: expect.stringContaining('exactly one of'),
    });
    expect(await errorAfter({ type: 'subscribe', id: 'w', workspace: true, after: -1 })).toMatchObject({
      id: 'w',
      message: expect.stringContaining('after'),
    });
    client.send({ type: 'subscribe', id: 'twice', workspace: true });
    await client.next((m) => m.type === 'subscribed' && m.id === 'twice');
    expect(await errorAfter({ type: 'subscribe', id: 'twice', workspace: true })).toMatchObject({
      id: 'twice',
      message: expect.stringContaining('open already'),
    });
    expect(await errorAfter({ type: 'unsubscribe', id: 'never' })).toMatchObject({ id: 'never' });
    client.send({ type: 'ping' });
    expect(await client.next((m) => m.type === 'pong')).toEqual({ type: 'pong' });
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('closes a client too slow to read with 4008, and it resumes from its last event id', async () => {
    // 60 answers of 100 kB each: far more than the 256 KiB cap and the kernel's socket buffers.
    const workflowId = await createWorkflow(
      'atom: 1\nname: stream-big\nsteps:\n  - id: each\n    foreach: "{{ [1..60] }}"\n    concurrency: 4\n    uses: respond\n    with: { body: "{{ $pad(\'\', 100000, \'x\') }}" }\n',
    );
    const runId = await startRun('stream-big');
    await until(async () => (await statusOf(runId)) === 'succeeded', 60_000);
    const stored = asStreamed(await storedEvents(runId), runId, workflowId);
    expect(stored.filter((e) => e.type === 'run.responded').length).toBe(60);

    const slow = await connect();
    slow.socket.pause();
    const logged = h.logs.length;
    slow.send({ type: 'subscribe', id: 'big', run: runId, after: 0 });
    await until(() => h.logs.slice(logged).some((line) => line.includes('too slow to keep up')));
    slow.socket.resume();
    expect(await slow.closed).toEqual({ code: 4008, reason: 'ATOM_ERR_STREAM_SLOW_CONSUMER' });
    const seen = slow.events('big');
    expect(seen.length).toBeLessThan(stored.length);
    expect(seen).toEqual(stored.slice(0, seen.length));

    const again = await connect();
    again.send({ type: 'subscribe', id: 'big', run: runId, after: seen.at(-1)?.id ?? 0 });
    const rest = await again.eventCount('big', stored.length - seen.length, 30_000);
    expect([...seen, ...rest]).toEqual(stored);
  });
});

const reason = await postgresUnreachable('live stream across API processes on PostgreSQL');
if (reason === undefined) {
  const url = useTestDatabase();
  describe('live stream across API processes on PostgreSQL', () => {
    const data = mkdtempSync(join(tmpdir(), 'atom-stream-pg-'));
    afterAll(() => rmSync(data, { recursive: true, force: true }));

    it('streams from one API process a run started through another and run by a worker process', async () => {
      assertBuilt();
      const env = { DATABASE_URL: url, ATOM_LOG_LEVEL: 'warn', ATOM_STREAM_HEARTBEAT_MS: '300' };
      await runCli(['migrate', '--data', data], env);
      const email = `op-${randomBytes(3).toString('hex')}@example.test`;
      await runCli(['users', 'create', '--email', email, '--role', 'owner', '--data', data], env, 'long enough pw\n');
      const token = (
        await runCli(['tokens', 'create', '--email', email, '--name', 't', '--data', data], env)
      ).stdout.trim();
      const file = join(data, 'far.yaml');
      writeFileSync(
        file,
        'atom: 1\nname: far\nsteps:\n  - id: a\n    uses: transform\n    with: { v: 2 }\n  - id: b\n    foreach: "{{ [1,2,3] }}"\n    uses: transform\n    with: { v: "{{ $item * $steps.a.output.v }}" }\n',
      );
      expect((await runCli(['workflows', 'import', file, '--data', data], env)).code).toBe(0);
      const ports = [await freePort(), await freePort()];
      const apis = ports.map((port) => startCli(['start', '--no-worker', '--port', String(port), '--data', data], env));
      const worker = startCli(['worker', '--concurrency', '4', '--data', data], env);
      const [starter, streamer] = ports.map((port) => `http://127.0.0.1:${port}`) as [string, string];
      const auth = { authorization: `Bearer ${token}` };
      let client: StreamClient | undefined;
      try {
        await until(async () => (await fetch(`${starter}/health/ready`).catch(() => null))?.status === 200, 30_000);
        await until(async () => (await fetch(`${streamer}/health/live`).catch(() => null))?.ok === true, 30_000);
        client = await openStream(streamer, auth);
        client.send({ type: 'subscribe', id: 'far', workflow: 'far' });
        await client.next((m) => m.type === 'subscribed');

        const res = await fetch(`${starter}/api/v1/workflows/far/runs?wait=20`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: '{}',
        });
        const run = (await res.json()) as { id: string; status: string; workflowId: string };
        expect(run.status).toBe('succeeded');
        const stored = (
          (await (await fetch(`${starter}/api/v1/runs/${run.id}/events`, { headers: auth })).json()) as {
            items: StreamMessage[];
          }
        ).items;
        expect(stored.filter((e) => e.type === 'step.succeeded').length).toBeGreaterThanOrEqual(4);
        const got = await client.eventCount('far', stored.length, 20_000);
        expect(got.map(({ workflowId: _w, runId: _r, ...event }) => event)).toEqual(stored);
        expect(new Set(got.map((e) => e.runId))).toEqual(new Set([run.id]));
        // ATOM_STREAM_HEARTBEAT_MS reached the server.
        expect((await client.next((m) => m.type === 'heartbeat', 5_000)).at).toBeGreaterThan(0);
      } finally {
        await client?.close();
        for (const child of [worker, ...apis]) child.child.kill('SIGTERM');
        const results = await Promise.all([worker.done, ...apis.map((api) => api.done)]);
        for (const result of results) expect(result.code, result.stderr).toBe(0);
      }
    }, 90_000);
  });
}
