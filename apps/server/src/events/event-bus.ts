/**
 * The run and step events every part of the server listens to (webhook answers, `?wait=`, event
 * triggers, metrics). Locally they come from this process's engine. With REDIS_URL, every process
 * (API or worker) also publishes its engine's events on one Redis channel, and API processes hear
 * the others' — so a webhook answered by a worker elsewhere is answered at once, and any API
 * process sees any run end. While Redis is away, each process hears only its own engine (the slow
 * store polls that webhook answers and `?wait=` keep behind this remain the safety net).
 */
import { randomUUID } from 'node:crypto';
import type { Engine, NewRunEvent } from '@atom/engine';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export type EventListener = (events: readonly NewRunEvent[]) => void;

export interface EventBus {
  /**
   * Settles once the bus hears other processes (Redis subscribed, PostgreSQL listening), or once
   * its first attempt failed and it retries in the background; at once for the local bus.
   */
  ready: Promise<void>;
  subscribe(listener: EventListener): () => void;
  close(): Promise<void>;
}

export const EVENTS_CHANNEL = 'atom:events';

/** This process's engine only. */
export function localEventBus(engine: Engine): EventBus {
  return { ready: Promise.resolve(), subscribe: (listener) => engine.onEvents(listener), close: async () => {} };
}

/** Hands `events` to every listener; one that throws is logged and does not stop the others. */
export function deliverToAll<E>(
  listeners: Iterable<(events: readonly E[]) => void>,
  events: readonly E[],
  logger: Logger,
): void {
  for (const listener of listeners) {
    try {
      listener(events);
    } catch (error) {
      logger.error({ err: error }, 'an event listener threw');
    }
  }
}

interface Envelope {
  from: string;
  events: NewRunEvent[];
}

/**
 * Publishes this engine's events to Redis and delivers everyone's to local listeners (this
 * process's own directly, without the round trip).
 */
export function redisEventBus(engine: Engine, redisUrl: string, logger: Logger, channel = EVENTS_CHANNEL): EventBus {
  const self = randomUUID();
  const listeners = new Set<EventListener>();
  const deliver = (events: readonly NewRunEvent[]) => deliverToAll(listeners, events, logger);
  const options = { maxRetriesPerRequest: 1, enableOfflineQueue: false } as const;
  const publisher = new Redis(redisUrl, options);
  const subscriber = new Redis(redisUrl, { ...options, enableOfflineQueue: true });
  let warned = false;
  const onError = (error: unknown) => {
    if (!warned)
      logger.warn({ err: error }, 'Redis unreachable: events of other processes are not heard until it returns');
    warned = true;
  };
  publisher.on('error', onError);
  subscriber.on('error', onError);
  subscriber.on('ready', () => {
    if (warned) logger.info('Redis is back: hearing the events of other processes again');
    warned = false;
  });
  const ready = subscriber.subscribe(channel).then(
    () => undefined,
    (error: unknown) => onError(error),
  );
  subscriber.on('message', (_channel, text: string) => {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(text) as Envelope;
    } catch {
      return;
    }
    if (envelope.from !== self && Array.isArray(envelope.events)) deliver(envelope.events);
  });
  const unsubscribeEngine = engine.onEvents((events) => {
    deliver(events);
    const envelope: Envelope = { from: self, events: [...events] };
    publisher.publish(channel, JSON.stringify(envelope)).catch(onError);
  });
  return {
    /** Settles once the channel is subscribed (or the attempt failed, reported as a warning). */
    ready,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      unsubscribeEngine();
      listeners.clear();
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
