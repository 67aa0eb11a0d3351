/**
 * FeedTail on a real SQLite store: no wake is lost. An event that commits (and wakes the tail)
 * while the tail takes its starting cursor, or while a read that a stop and restart made stale is
 * still out, is delivered without waiting for some later commit — on a freshly started server the
 * run's last events may be the only ones that ever come.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventFeedQuery, FeedEvent, StorePort } from '@atom/engine';
import { createSqliteStore, type SqliteStore } from '@atom/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedRun } from '../../../../packages/store/src/conformance/fixtures.js';
import { until } from '../../../../test/support/until.js';
import { FeedTail } from './feed-tail.js';

describe('FeedTail', () => {
  let dir: string;
  let store: SqliteStore;
  let runId: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'atom-feed-tail-'));
    store = createSqliteStore({ file: join(dir, 'atom.db') });
    await store.migrate();
    runId = (await seedRun(store)).id;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const commit = (type: string) =>
    store.atomically((tx) => tx.appendEvents([{ runId, type, stepKey: null, data: null, at: Date.now() }]));

  /** A tail on the real store; `around` may act between a store call and its answer. */
  const tailOf = (
    delivered: FeedEvent[],
    around: {
      cursor?: (tail: FeedTail) => Promise<void>;
      read?: (tail: FeedTail, query: EventFeedQuery) => Promise<void>;
    },
  ) => {
    const reader: Pick<StorePort, 'readEventFeed' | 'eventFeedCursor'> = {
      async eventFeedCursor(after) {
        const cursor = await store.eventFeedCursor(after);
        await around.cursor?.(tail);
        return cursor;
      },
      async readEventFeed(query) {
        const page = await store.readEventFeed(query);
        await around.read?.(tail, query);
        return page;
      },
    };
    const tail: FeedTail = new FeedTail({
      store: reader,
      deliver: (events) => delivered.push(...events),
      onError: (error) => {
        throw error;
      },
    });
    return tail;
  };

  it('delivers an event that commits while the tail takes its starting cursor', async () => {
    const delivered: FeedEvent[] = [];
    let once = true;
    const tail = tailOf(delivered, {
      // The end is read; then an event commits and the bus wakes the tail before it has a cursor.
      cursor: async (woken) => {
        if (!once) return;
        once = false;
        await commit('during-start');
        woken.wake();
      },
    });
    await tail.start();
    await until(() => delivered.length > 0, 5_000).catch(() => undefined);
    expect(delivered.map((e) => e.type)).toEqual(['during-start']);
    tail.stop();
  });

  it('delivers an event whose wake came while a read made stale by a restart was still out', async () => {
    const delivered: FeedEvent[] = [];
    let once = true;
    const tail = tailOf(delivered, {
      // While this read is out, an event commits, the last listener leaves and a new one comes
      // (so the tail starts past that event); then another event commits.
      read: async (woken) => {
        if (!once) return;
        once = false;
        await commit('before-restart');
        woken.stop();
        await woken.start();
        await commit('during-read');
        woken.wake();
      },
    });
    await tail.start();
    tail.wake();
    await until(() => delivered.length > 0, 5_000).catch(() => undefined);
    expect(delivered.map((e) => e.type)).toEqual(['during-read']);
    tail.stop();
  });
});
