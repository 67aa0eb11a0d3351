/**
 * The live stream across a restart of `atom start` (real processes, real WebSockets), on SQLite and
 * on PostgreSQL: a client that saw part of a run, lost its server, and resumes with `after` (the
 * last event id it got) on the new process receives every later event of the run exactly once and
 * in order, up to `run.succeeded` — events committed while the server was down (by `atom resume`),
 * events the new process commits as it starts (a timer that fell due meanwhile), and events it
 * commits live. A workspace subscription beside the run's checks the same across runs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type AtomProcess, startAtomProcess } from '../support/atom-process.js';
import { runCli } from '../support/cli-process.js';
import { postgresUnreachable, useTestDatabase } from '../support/postgres-database.js';
import { openStream, type StreamClient, type StreamMessage } from '../support/stream-client.js';
import { until } from '../support/until.js';

/** pause (a timer) → middle → gate (waits for an event) → after. */
const WORKFLOW = `atom: 1
name: restart-flow
steps:
  - id: pause
    uses: delay
    with: { for: "{{ $inputs.pause }}" }
  - id: middle
    uses: log
    with: { message: between the timer and the gate }
  - id: gate
    uses: wait
    with: { event: "{{ 'restart-flow.go.' & $inputs.n }}" }
  - id: after
    uses: log
    with: { message: after the restart }
`;

const stores: { name: string; databaseUrl: () => string }[] = [{ name: 'SQLite', databaseUrl: () => '' }];
if ((await postgresUnreachable('live stream across a restart on PostgreSQL')) === undefined) {
  const url = useTestDatabase();
  stores.push({ name: 'PostgreSQL', databaseUrl: () => url });
}

describe.each(stores)('live stream across an atom start restart ($name)', { timeout: 120_000 }, (store) => {
  const dirs: string[] = [];
  const clients: StreamClient[] = [];
  let atom: AtomProcess | undefined;
  afterAll(async () => {
    for (const client of clients) await client.close();
    await atom?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ DATABASE_URL: store.databaseUrl(), ATOM_LOG_LEVEL: 'warn', ATOM_STREAM_HEARTBEAT_MS: '500' });
  let data = '';
  let token = '';
  const api = async (path: string, body?: unknown) => {
    const res = await fetch(`${atom?.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
    return { status: res.status, json: (await res.json()) as any };
  };
  const storedEvents = async (runId: string): Promise<StreamMessage[]> =>
    (await api(`/api/v1/runs/${runId}/events`)).json.items;
  const connect = async () => {
    const client = await openStream(atom?.url ?? '', { authorization: `Bearer ${token}` });
    clients.push(client);
    return client;
  };
  /** Subscribes to the run and to the workspace, each after an event id (0: from the start). */
  const subscribe = async (client: StreamClient, runId: string, after: { run: number; ws: number }) => {
    client.send({ type: 'subscribe', id: 'run', run: runId, after: after.run });
    client.send({ type: 'subscribe', id: 'ws', workspace: true, after: after.ws });
    await client.next((m) => m.type === 'subscribed' && m.id === 'run');
    await client.next((m) => m.type === 'subscribed' && m.id === 'ws');
  };
  const stepEvent = (events: StreamMessage[], type: string, stepKey: string) =>
    events.find((e) => e.type === type && e.stepKey === stepKey);

  it('sets up a data folder with an owner, a token and the workflow', async () => {
    data = mkdtempSync(join(tmpdir(), 'atom-stream-restart-'));
    dirs.push(data);
    const create = ['users', 'create', '--email', 'ops@example.test', '--role', 'owner', '--data', data];
    expect((await runCli(create, env(), 'a long enough password\n')).code).toBe(0);
    const tokens = await runCli(
      ['tokens', 'create', '--email', 'ops@example.test', '--name', 't', '--data', data],
      env(),
    );
    expect(tokens.code, tokens.stderr).toBe(0);
    token = tokens.stdout.trim();
    writeFileSync(join(data, 'restart-flow.yaml'), WORKFLOW);
    expect((await runCli(['workflows', 'import', join(data, 'restart-flow.yaml'), '--data', data], env())).code).toBe(
      0,
    );
    atom = await startAtomProcess({ data, env: env() });
  });

  /**
   * Streams `runId` until `upTo` holds on what each subscription got, then stops the server: what
   * the client has, whose last ids are the cursors it resumes from.
   */
  const watchThenStop = async (runId: string, upTo: (events: StreamMessage[]) => boolean) => {
    const client = await connect();
    // From the run's first event, as the Studio's run page does; the workspace from this run's start.
    const first = (await storedEvents(runId))[0]?.id as number;
    await subscribe(client, runId, { run: 0, ws: first - 1 });
    await until(() => upTo(client.events('run')) && upTo(client.events('ws')), 60_000);
    const seen = { run: [...client.events('run')], ws: [...client.events('ws')] };
    await atom?.stop();
    await client.closed;
    return seen;
  };

  /**
   * After a restart: resumes after what `seen` ends with, lets `finish` end the run, and checks
   * that the stream gave exactly the stored events after the cursor, in order, ending the run.
   */
  const resumeAndCheck = async (
    runId: string,
    seen: { run: StreamMessage[]; ws: StreamMessage[] },
    finish: () => Promise<void>,
  ) => {
    const cursor = { run: seen.run.at(-1)?.id as number, ws: seen.ws.at(-1)?.id as number };
    const client = await connect();
    await subscribe(client, runId, cursor);
    await finish();
    await client.next((m) => m.type === 'event' && m.sub === 'run' && m.event.type === 'run.succeeded', 60_000);
    const stored = await storedEvents(runId);
    expect(stored.at(-1)?.type).toBe('run.succeeded');
    // Anything still on its way would come before the answer to a ping.
    client.send({ type: 'ping' });
    await client.next((m) => m.type === 'pong');
    const strip = (events: StreamMessage[]) => events.map(({ runId: _r, workflowId: _w, ...event }) => event);
    expect(strip([...seen.run, ...client.events('run')])).toEqual(stored);
    // The workspace subscription: this run's events in order, and no event of any run twice.
    const ws = [...seen.ws, ...client.events('ws')].filter((e) => e.id >= (stored[0]?.id as number));
    expect(strip(ws.filter((e) => e.runId === runId))).toEqual(stored);
    expect(new Set(ws.map((e) => e.id)).size).toBe(ws.length);
    await client.close();
  };

  it('resumes after events committed while the server was down, then live ones of the new process', async () => {
    const runId = (await api('/api/v1/workflows/restart-flow/runs', { inputs: { pause: '1s', n: 1 } })).json.id;
    const seen = await watchThenStop(runId, (events) => stepEvent(events, 'step.waiting', 'pause') !== undefined);
    // While the server is down, `atom resume` fires the timer and runs on up to the gate.
    const resumed = await runCli(['resume', runId, '--data', data], env());
    expect(resumed.stderr).toMatch(/waiting/);
    await atom?.start();
    await resumeAndCheck(runId, seen, async () => {
      expect((await api('/api/v1/events', { name: 'restart-flow.go.1' })).status).toBe(202);
    });
  });

  it('resumes on a new process that fires an overdue timer as it starts', async () => {
    const runId = (await api('/api/v1/workflows/restart-flow/runs', { inputs: { pause: '3s', n: 2 } })).json.id;
    const seen = await watchThenStop(runId, (events) => stepEvent(events, 'step.waiting', 'pause') !== undefined);
    const waiting = stepEvent(seen.run, 'step.waiting', 'pause');
    // The timer falls due while no server runs; the next start claims it at once.
    const due = Date.parse(waiting?.at) + 3_000;
    await until(() => Date.now() > due, 10_000, 100);
    await atom?.start();
    await resumeAndCheck(runId, seen, async () => {
      // The new process fires the timer, then the run waits at the gate.
      await until(async () => stepEvent(await storedEvents(runId), 'step.waiting', 'gate') !== undefined, 30_000);
      expect((await api('/api/v1/events', { name: 'restart-flow.go.2' })).status).toBe(202);
    });
  });
});
