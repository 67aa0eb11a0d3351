/**
 * Resuming the live stream when retention pruning deleted events, written once and run on SQLite
 * and on PostgreSQL over real WebSockets: a client that resumes `after` an event that is gone, or
 * after one that later pruned events followed, is told with a `reset` (ATOM_ERR_STREAM_RESUME_GONE)
 * and then gets live events; a client whose events are all still there resumes with nothing
 * missed or repeated. On PostgreSQL, where the feed is not in id order, the case that used to skip
 * an event silently (the resume fell back to the nearest earlier id of any run).
 */
import type { NewRunEvent } from '@atom/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, type ServerHarnessOptions, startServer } from '../support/server-harness.js';
import { openStream, type StreamClient } from '../support/stream-client.js';
import { until } from '../support/until.js';

const GATED = (name: string) =>
  `atom: 1\nname: ${name}\nsteps:\n  - id: gate\n    uses: wait\n    with: { event: ${name}.go, timeout: 1h }\n  - id: after\n    uses: transform\n    with: { v: 1 }\n`;
const QUICK = 'atom: 1\nname: quick\nsteps:\n  - id: a\n    uses: transform\n    with: { v: 1 }\n';

export function describeStreamResume(name: string, options: () => Promise<Partial<ServerHarnessOptions>>) {
  describe(`live stream resume after retention pruning (${name})`, () => {
    let h: ServerHarness;
    const open: StreamClient[] = [];
    const connect = async () => {
      const client = await openStream(h.url, { authorization: `Bearer ${h.tokens.viewer}` });
      open.push(client);
      return client;
    };
    const statusOf = async (runId: string) => (await h.api(`/api/v1/runs/${runId}`)).json.status as string;
    const storedEvents = async (runId: string) =>
      (await h.api(`/api/v1/runs/${runId}/events`)).json.items as { id: number; type: string }[];
    const startGated = async (workflow: string) => {
      const res = await h.api(`/api/v1/workflows/${workflow}/runs`, { body: {} });
      expect(res.status).toBe(202);
      await until(async () => (await statusOf(res.json.id)) === 'waiting');
      return res.json.id as string;
    };
    const runQuick = async () => {
      const res = await h.api('/api/v1/workflows/quick/runs?wait=20', { body: {} });
      expect(res.json.status).toBe('succeeded');
      return res.json.id as string;
    };
    /** Every finished run of the workspace, as `atom prune` would with a retention of 0 days. */
    const pruneFinished = () =>
      h.store.pruneRuns({ workspaceId: 'default', finishedBefore: Date.now() + 1, limit: 1_000 });

    beforeAll(async () => {
      h = await startServer({ stream: { heartbeatMs: 60_000 }, ...(await options()) });
      for (const yaml of [GATED('slow'), GATED('later'), QUICK]) {
        const res = await h.api('/api/v1/workflows', {
          method: 'POST',
          rawBody: yaml,
          headers: { 'content-type': 'application/yaml' },
        });
        expect(res.status, res.text).toBe(201);
      }
    });
    afterAll(async () => {
      await Promise.all(open.map((client) => client.close()));
      await h?.close();
    });

    it('resets a subscription whose events after `after` were pruned, then streams live', async () => {
      const slow = await startGated('slow');
      const first = await connect();
      first.send({ type: 'subscribe', id: 'ws', workspace: true, after: 0 });
      const before = await storedEvents(slow);
      const seen = await first.eventCount('ws', before.length);
      const last = seen.at(-1)?.id as number;
      await first.close();
      // While the client is away, a run comes and goes: its events lie after `last`, then it is pruned.
      const quick = await runQuick();
      expect((await storedEvents(quick)).length).toBeGreaterThan(0);
      expect(await pruneFinished()).toMatchObject({ runs: 1 });

      const second = await connect();
      second.send({ type: 'subscribe', id: 'ws', workspace: true, after: last });
      const reset = await second.next((m) => m.type === 'reset');
      expect(reset).toMatchObject({ type: 'reset', id: 'ws', after: last, code: 'ATOM_ERR_STREAM_RESUME_GONE' });
      expect(reset.message).toContain('retention');
      // Then live: the waiting run goes on and its events arrive, after the reset.
      await h.api('/api/v1/events', { body: { name: 'slow.go' } });
      await until(async () => (await statusOf(slow)) === 'succeeded');
      const rest = (await storedEvents(slow)).slice(before.length);
      const live = await second.eventCount('ws', rest.length);
      expect(live.map((e) => e.id)).toEqual(rest.map((e) => e.id));
      const resetAt = second.messages.indexOf(reset);
      expect(second.messages.findIndex((m) => m.type === 'event')).toBeGreaterThan(resetAt);
    });

    it('resets a subscription resuming after an event that was pruned, for a workflow too', async () => {
      const quick = await runQuick();
      const gone = (await storedEvents(quick)).at(-1)?.id as number;
      await pruneFinished();
      const client = await connect();
      client.send({ type: 'subscribe', id: 'wf', workflow: 'quick', after: gone });
      expect(await client.next((m) => m.type === 'reset')).toMatchObject({
        id: 'wf',
        code: 'ATOM_ERR_STREAM_RESUME_GONE',
      });
      // An id never handed out is no place to resume from either.
      client.send({ type: 'subscribe', id: 'far', workspace: true, after: gone + 1_000_000 });
      expect(await client.next((m) => m.type === 'reset' && m.id === 'far')).toMatchObject({ after: gone + 1_000_000 });
      // A run subscription to a pruned run: the run is not found.
      client.send({ type: 'subscribe', id: 'run', run: quick, after: gone });
      expect(await client.next((m) => m.type === 'error' && m.id === 'run')).toMatchObject({
        code: 'ATOM_ERR_RUN_NOT_FOUND',
      });
    });

    it('resumes without a reset when nothing after `after` was pruned', async () => {
      const later = await startGated('later');
      const client = await connect();
      client.send({ type: 'subscribe', id: 'r', run: later, after: 0 });
      const before = await storedEvents(later);
      const seen = await client.eventCount('r', before.length);
      await client.close();
      await h.api('/api/v1/events', { body: { name: 'later.go' } });
      await until(async () => (await statusOf(later)) === 'succeeded');
      const again = await connect();
      again.send({ type: 'subscribe', id: 'r', run: later, after: seen.at(-1)?.id });
      const stored = await storedEvents(later);
      const rest = await again.eventCount('r', stored.length - seen.length);
      expect([...seen, ...rest].map((e) => e.id)).toEqual(stored.map((e) => e.id));
      again.send({ type: 'ping' });
      await again.next((m) => m.type === 'pong');
      expect(again.messages.some((m) => m.type === 'reset')).toBe(false);
    });

    if (name === 'PostgreSQL') {
      it('never skips an event committed later under a smaller id (the feed is not in id order)', async () => {
        // Run `a` (finished, to be pruned) and run `b` (waiting, kept). Unit 1 appends to `a`, unit 2
        // then draws a smaller id than unit 1's second event for `b`, and commits after unit 1.
        const a = await runQuick();
        const b = await startGated('slow');
        const client = await connect();
        client.send({ type: 'subscribe', id: 'ws', workspace: true });
        await client.next((m) => m.type === 'subscribed');
        const mark = (runId: string, type: string): NewRunEvent => ({
          runId,
          type,
          stepKey: null,
          data: null,
          at: Date.now(),
        });
        const gate = () => {
          let open = () => {};
          const opened = new Promise<void>((resolve) => {
            open = resolve;
          });
          return { open, opened };
        };
        const firstIn = gate();
        const secondIn = gate();
        const secondEnd = gate();
        const unit1 = h.store.atomically(async (tx) => {
          await tx.appendEvents([mark(a, 'test.a1')]);
          firstIn.open();
          await secondIn.opened;
          await tx.appendEvents([mark(a, 'test.a2')]);
        });
        await firstIn.opened;
        const unit2 = h.store.atomically(async (tx) => {
          await tx.appendEvents([mark(b, 'test.b')]);
          secondIn.open();
          await secondEnd.opened;
        });
        await unit1;
        // Something else committing wakes the stream's reader; unit 2 is still open.
        await runQuick();
        const got = await client.eventCount('ws', 2);
        expect(got.slice(0, 2).map((e) => e.type)).toEqual(['test.a1', 'test.a2']);
        const last = got[1]?.id as number;
        await client.close();
        secondEnd.open();
        await unit2;
        const bEvent = (await storedEvents(b)).find((e) => e.type === 'test.b');
        expect(bEvent?.id).toBeLessThan(last);
        await pruneFinished();

        // `test.b` follows `test.a2` in the feed, under a smaller id: it may not be skipped silently.
        const again = await connect();
        again.send({ type: 'subscribe', id: 'ws', workspace: true, after: last });
        const answer = await again.next((m) => m.type === 'reset' || (m.type === 'event' && m.event.type === 'test.b'));
        expect(answer).toMatchObject({ type: 'reset', code: 'ATOM_ERR_STREAM_RESUME_GONE' });
        await h.api('/api/v1/events', { body: { name: 'slow.go' } });
        await until(async () => (await statusOf(b)) === 'succeeded');
      });
    }
  });
}
