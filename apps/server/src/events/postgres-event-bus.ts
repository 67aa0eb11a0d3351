/**
 * The event bus of the distributed mode without Redis: PostgreSQL LISTEN/NOTIFY (ADR 0009).
 *
 * A NOTIFY carries no event, only the ids of the runs that got some (a payload is limited to
 * 8000 bytes; event data can be far larger). Each process that commits events (API or worker)
 * publishes after its engine committed them, coalesced per tick. A listening process then reads
 * the events themselves from the store's event feed, from where it read last, and delivers them
 * with their stored ids — its own engine's too, through the same read, so every listener sees one
 * order and nothing twice. Nothing is lost while the listening connection is down: the feed cursor
 * stays, and reconnecting reads on from it.
 *
 * A process that only publishes (`atom worker`) passes `listen: false`.
 */
import { randomUUID } from 'node:crypto';
import type { Engine, StorePort } from '@atom/engine';
import pg from 'pg';
import type { Logger } from 'pino';
import { deliverToAll, type EventBus, type EventListener } from './event-bus.js';
import { FeedTail } from './feed-tail.js';

export const POSTGRES_EVENTS_CHANNEL = 'atom_events';
/** NOTIFY refuses payloads of 8000 bytes or more; keep a margin for the JSON around the ids. */
const MAX_PAYLOAD_BYTES = 7_900;
const RECONNECT_MS = [100, 500, 1_000, 2_000, 5_000];

export interface PostgresEventBusOptions {
  engine: Engine;
  /** Where the events are read from (the same database the engine writes to). */
  store: Pick<StorePort, 'readEventFeed' | 'eventFeedCursor'>;
  connectionString: string;
  logger: Logger;
  /** Default `atom_events`; tests sharing one database pass their own. */
  channel?: string;
  /** Default true; false publishes this engine's events without hearing anyone's. */
  listen?: boolean;
}

/** What one NOTIFY says: who sent it, and which runs got events. */
interface Notice {
  from: string;
  runs: string[];
}

/** Splits run ids into NOTIFY payloads below the size limit (a run id alone always fits). */
export function noticePayloads(from: string, runIds: Iterable<string>): string[] {
  const payloads: string[] = [];
  let runs: string[] = [];
  let size = 0;
  const base = Buffer.byteLength(JSON.stringify({ from, runs: [] }));
  for (const id of runIds) {
    const bytes = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (runs.length > 0 && base + size + bytes > MAX_PAYLOAD_BYTES) {
      payloads.push(JSON.stringify({ from, runs } satisfies Notice));
      runs = [];
      size = 0;
    }
    runs.push(id);
    size += bytes;
  }
  if (runs.length > 0) payloads.push(JSON.stringify({ from, runs } satisfies Notice));
  return payloads;
}

/**
 * @example
 * const bus = postgresEventBus({ engine, store, connectionString: process.env.DATABASE_URL, logger });
 * await bus.ready;
 * bus.subscribe((events) => console.log(events.map((e) => e.id)));
 */
export function postgresEventBus(options: PostgresEventBusOptions): EventBus {
  const { engine, store, logger } = options;
  const channel = options.channel ?? POSTGRES_EVENTS_CHANNEL;
  const listening = options.listen !== false;
  const self = randomUUID();
  const listeners = new Set<EventListener>();
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let warned = false;

  // Publishing: run ids of this tick's commits, one NOTIFY per payload.
  const pendingRuns = new Set<string>();
  let flushScheduled = false;
  const flush = () => {
    flushScheduled = false;
    const payloads = noticePayloads(self, pendingRuns);
    pendingRuns.clear();
    const target = client;
    if (!target) return; // Not connected: listeners read on from their cursor when it returns.
    for (const payload of payloads) {
      target.query('select pg_notify($1, $2)', [channel, payload]).catch(warn);
    }
  };
  const unsubscribeEngine = engine.onEvents((events) => {
    for (const event of events) pendingRuns.add(event.runId);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });

  // Listening: the feed, read on from where this process began listening.
  const tail = new FeedTail({
    store,
    deliver: (events) => deliverToAll(listeners, events, logger),
    onError: (error) => warn(error),
  });

  function warn(error: unknown): void {
    if (!warned && !closed) logger.warn({ err: error }, 'PostgreSQL event bus: cannot reach the database');
    warned = true;
  }

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: options.connectionString, application_name: 'atom-events' });
    next.on('error', (error) => {
      warn(error);
      if (client === next) client = null;
      next.end().catch(() => {});
      if (!closed) reconnect();
    });
    next.on('notification', (message) => {
      if (message.channel === channel) tail.wake();
    });
    await next.connect();
    if (listening) await next.query(`listen ${pg.escapeIdentifier(channel)}`);
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    failures = 0;
    if (warned) logger.info('PostgreSQL event bus: connected again');
    warned = false;
    // Whatever committed while this process was not listening (or, first time, from now on).
    if (listening) tail.start().then(() => tail.wake(), warn);
  };
  let retry: NodeJS.Timeout | null = null;
  const retryAfter = (error: unknown) => {
    warn(error);
    reconnect();
  };
  const reconnect = () => {
    if (retry || closed) return;
    const delay = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)] as number;
    failures++;
    retry = setTimeout(() => {
      retry = null;
      if (!closed) connect().catch(retryAfter);
    }, delay);
    retry.unref();
  };

  // The cursor is taken before listening: what commits from now on is read, nothing before.
  const ready = (async () => {
    if (listening) await tail.start().catch(warn);
    await connect().catch(retryAfter);
  })();

  return {
    /** Settles once the first connection attempt is over (listening, or retrying in the background). */
    ready,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      tail.stop();
      unsubscribeEngine();
      if (pendingRuns.size > 0) flush();
      listeners.clear();
      const last = client;
      client = null;
      await last?.end().catch(() => {});
    },
  };
}
