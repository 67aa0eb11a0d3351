/**
 * Fan-out of the live stream: 1,000 WebSocket clients subscribed to one run all receive every
 * event of it, in order, with the stored ids — including one that drops its connection in the
 * middle of the run and comes back with `after` = the last id it got.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';
import { openStream, type StreamClient, type StreamMessage } from '../support/stream-client.js';
import { until as untilTrue } from '../support/until.js';

const SUBSCRIBERS = 1_000;

/** A thousand sockets on two loaded cores: room to catch up. */
const until = (check: () => Promise<boolean> | boolean) => untilTrue(check, 60_000);

describe('live stream fan-out', () => {
  let h: ServerHarness;
  const clients: StreamClient[] = [];

  beforeAll(async () => {
    h = await startServer();
    // A thousand upgrades at once are a thousand requests: lift the workspace's request allowance.
    const lifted = await h.api('/api/v1/workspace/limits', {
      method: 'PUT',
      body: { tier: 'enterprise', overrides: { requestsPerMinute: null, burst: 100000 } },
    });
    expect(lifted.status).toBe(200);
  });
  afterAll(async () => {
    for (let i = 0; i < clients.length; i += 100) await Promise.all(clients.slice(i, i + 100).map((c) => c.close()));
    await h?.close();
  }, 60_000);

  it(`delivers every event of a run to ${SUBSCRIBERS} subscribers, in order, one of them resuming`, async () => {
    const created = await h.api('/api/v1/workflows', {
      method: 'POST',
      rawBody:
        'atom: 1\nname: fan-out\nsteps:\n  - id: gate\n    uses: wait\n    with: { event: fan-out.go, timeout: 1h }\n  - id: each\n    foreach: "{{ [1..30] }}"\n    concurrency: 5\n    uses: transform\n    with: { n: "{{ $item }}" }\n  - id: done\n    uses: transform\n    with: { total: "{{ $count($steps.each.output) }}" }\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(created.status).toBe(201);
    const run = await h.api('/api/v1/workflows/fan-out/runs', { body: {} });
    const runId = run.json.id as string;
    await until(async () => (await h.api(`/api/v1/runs/${runId}`)).json.status === 'waiting');

    const headers = { authorization: `Bearer ${h.tokens.viewer}` };
    for (let i = 0; i < SUBSCRIBERS; i += 100) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, () => openStream(h.url, headers)),
      );
      clients.push(...batch);
    }
    for (const client of clients) client.send({ type: 'subscribe', id: 'run', run: runId, after: 0 });
    await Promise.all(clients.map((client) => client.next((m) => m.type === 'subscribed', 30_000)));

    // The one that leaves: it closes on its 10th event after the gate opened, while events still flow.
    const leaver = clients[SUBSCRIBERS - 1] as StreamClient;
    const before = (await h.api(`/api/v1/runs/${runId}/events`)).json.items.length as number;
    let resumed: StreamClient | undefined;
    const rejoined = new Promise<StreamMessage[]>((resolve, reject) => {
      leaver.socket.on('message', () => {
        const seen = leaver.events('run');
        if (seen.length !== before + 10 || resumed) return;
        leaver.socket.terminate();
        const last = seen.at(-1)?.id as number;
        openStream(h.url, headers).then((client) => {
          resumed = client;
          clients.push(client);
          client.send({ type: 'subscribe', id: 'run', run: runId, after: last });
          resolve(seen);
        }, reject);
      });
    });

    await h.api('/api/v1/events', { body: { name: 'fan-out.go' } });
    await until(async () => (await h.api(`/api/v1/runs/${runId}`)).json.status === 'succeeded');
    const stored = (await h.api(`/api/v1/runs/${runId}/events`)).json.items as StreamMessage[];
    expect(stored.length).toBeGreaterThan(before + 60);
    const expected = stored.map((e): StreamMessage => ({ ...e, runId, workflowId: created.json.id }));

    const seenByLeaver = await rejoined;
    const rest = await (resumed as StreamClient).eventCount('run', stored.length - seenByLeaver.length, 60_000);
    expect([...seenByLeaver, ...rest]).toEqual(expected);

    const stayed = clients.slice(0, SUBSCRIBERS - 1);
    await until(() => stayed.every((client) => client.events('run').length >= stored.length));
    const wrong = stayed.filter((client) => {
      const got = client.events('run');
      return (
        got.length !== expected.length || got.some((e, i) => e.id !== expected[i]?.id || e.type !== expected[i]?.type)
      );
    });
    expect(wrong).toHaveLength(0);
    // Every copy is the whole event, not just its id.
    expect((stayed[0] as StreamClient).events('run')).toEqual(expected);
    expect((stayed[SUBSCRIBERS - 2] as StreamClient).events('run')).toEqual(expected);
  }, 180_000);
});
