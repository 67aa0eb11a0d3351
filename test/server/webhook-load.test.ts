/**
 * Webhooks under a bounded load on 127.0.0.1: N accepted deliveries give exactly N runs, repeats of
 * a delivery id give none, and forged or replayed signatures are refused with 401 with nothing
 * stored.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const DELIVERIES = 300;
const CONCURRENCY = 25;

function sign(id: string, timestamp: number, body: string, secret = SECRET): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

describe('webhooks under load', () => {
  let h: ServerHarness;
  beforeAll(async () => {
    h = await startServer({ secrets: { HOOK: SECRET } });
    const created = await h.api('/api/v1/workflows', {
      method: 'POST',
      rawBody:
        'atom: 1\nname: signed-hook\ntriggers:\n  - webhook: { path: signed, method: POST, verify: { scheme: standard-webhooks, secret: "{{ $secrets.HOOK }}" } }\nsteps:\n  - id: t\n    uses: transform\n    with: { n: "{{ $trigger.body.n }}" }\n',
      headers: { 'content-type': 'application/yaml' },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => h?.close());

  const send = (id: string, body: string, timestamp: number, signature = sign(id, timestamp, body)) =>
    fetch(`${h.url}/hooks/signed`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
      body,
    });

  const runCount = async () => (await h.store.listRuns({ triggerKind: 'webhook', limit: 100_000 })).length;

  it('turns N deliveries into exactly N runs, and their repeats into none', async () => {
    const now = Math.floor(Date.now() / 1000);
    const ids = Array.from({ length: DELIVERIES }, (_, i) => `msg_${i}`);
    // Every delivery once, then a third of them again (a sender retrying), all interleaved.
    const sends = [...ids, ...ids.filter((_, i) => i % 3 === 0)];
    const answers = new Map<string, Set<string>>();
    let accepted = 0;
    let duplicates = 0;
    await inParallel(sends, CONCURRENCY, async (id) => {
      const body = JSON.stringify({ n: Number(id.slice(4)) });
      const res = await send(id, body, now);
      const json = (await res.json()) as { runId: string; duplicate?: boolean };
      if (res.status === 202) accepted++;
      else if (res.status === 200 && json.duplicate) duplicates++;
      else throw new Error(`unexpected ${res.status}: ${JSON.stringify(json)}`);
      const seen = answers.get(id) ?? new Set();
      seen.add(json.runId);
      answers.set(id, seen);
    });
    expect(accepted).toBe(DELIVERIES);
    expect(duplicates).toBe(sends.length - DELIVERIES);
    expect([...answers.values()].every((runs) => runs.size === 1)).toBe(true);
    expect(await runCount()).toBe(DELIVERIES);
    process.stdout.write(`webhook load: ${sends.length} requests → ${accepted} runs, ${duplicates} duplicates\n`);
  });

  it('refuses forged and replayed signatures with 401 and stores nothing', async () => {
    const before = await runCount();
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ n: 1 });
    const forged = await send('msg_forged', body, now, sign('msg_forged', now, body, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAA'));
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { code: string }).code).toBe('ATOM_ERR_HOOK_SIGNATURE');
    const tampered = await send('msg_tampered', JSON.stringify({ n: 2 }), now, sign('msg_tampered', now, body));
    expect(tampered.status).toBe(401);
    const stale = await send('msg_stale', body, now - 3600);
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { code: string }).code).toBe('ATOM_ERR_HOOK_REPLAYED');
    const unsigned = await fetch(`${h.url}/hooks/signed`, { method: 'POST', body });
    expect(unsigned.status).toBe(401);
    expect(await runCount()).toBe(before);
    // The genuine one still goes through after the refusals.
    expect((await send('msg_real', body, now)).status).toBe(202);
    expect(await runCount()).toBe(before + 1);
  });

  it('never writes the signing secret to the log', () => {
    const text = h.logs.join('');
    expect(text).toContain('webhook delivery');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice('whsec_'.length));
  });
});
