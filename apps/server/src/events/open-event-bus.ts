/**
 * Picks the event bus of a process (DESIGN §2): Redis pub/sub when REDIS_URL is set, PostgreSQL
 * LISTEN/NOTIFY when the store is PostgreSQL, else this process's engine only (embedded mode).
 */
import type { Engine, StorePort } from '@atom/engine';
import type { Logger } from 'pino';
import { type EventBus, localEventBus, redisEventBus } from './event-bus.js';
import { postgresEventBus } from './postgres-event-bus.js';

export interface EventBusChoice {
  engine: Engine;
  store: Pick<StorePort, 'readEventFeed' | 'eventFeedCursor'>;
  redisUrl: string | null;
  /** ATOM_REDIS_PREFIX (default `atom:`): the Redis channel is `<prefix>events`. */
  redisPrefix?: string;
  /** The PostgreSQL URL of the store, or null for SQLite. */
  databaseUrl: string | null;
  logger: Logger;
  /** False for a process that only publishes (a worker): it hears nobody's events. */
  listen?: boolean;
}

export function openEventBus(choice: EventBusChoice): EventBus {
  const { engine, logger } = choice;
  if (choice.redisUrl) return redisEventBus(engine, choice.redisUrl, logger, `${choice.redisPrefix ?? 'atom:'}events`);
  if (choice.databaseUrl) {
    return postgresEventBus({
      engine,
      store: choice.store,
      connectionString: choice.databaseUrl,
      logger,
      listen: choice.listen !== false,
    });
  }
  return localEventBus(engine);
}
