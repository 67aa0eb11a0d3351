/**
 * The machine's Redis for a test file (DESIGN §8): a key prefix of the file's own
 * (`atom-test:<random>:`), whose keys are deleted after the tests. Without a server the file's tests
 * skip with one `SKIPPED: …` line, or fail when ATOM_REQUIRE_SERVICES=1.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { afterAll, describe, it } from 'vitest';

export const REDIS_URL = process.env.ATOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis cannot be used, or undefined when it can. */
export async function redisUnreachable(what: string): Promise<string | undefined> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let connectionError: unknown;
  probe.on('error', (error) => {
    connectionError ??= error;
  });
  try {
    await probe.connect();
    await probe.ping();
    return undefined;
  } catch (error) {
    const cause = connectionError ?? error;
    const reason = `${new URL(REDIS_URL).host}: ${cause instanceof Error ? cause.message : String(cause)}`;
    if (process.env.ATOM_REQUIRE_SERVICES === '1') {
      describe(what, () => {
        it('needs Redis (ATOM_REQUIRE_SERVICES=1)', () => {
          throw new Error(`Redis is required but unreachable (${reason}); set ATOM_TEST_REDIS_URL`);
        });
      });
    } else {
      process.stdout.write(`SKIPPED: ${what} (${reason})\n`);
    }
    return reason;
  } finally {
    probe.disconnect();
  }
}

export interface TestRedis {
  /** Every key the tests write starts with it. */
  readonly prefix: string;
  /** A new client of the test server, connected and ready; closed after the tests. */
  connect(options?: RedisOptions): Promise<Redis>;
}

/** Registers the hook that deletes the prefix's keys and closes the clients. */
export function useTestRedis(): TestRedis {
  const prefix = `atom-test:${randomBytes(6).toString('hex')}:`;
  const clients: Redis[] = [];
  const connect = async (options: RedisOptions = {}): Promise<Redis> => {
    const client = new Redis(REDIS_URL, { ...options, lazyConnect: true });
    client.on('error', () => {});
    clients.push(client);
    await client.connect();
    return client;
  };
  afterAll(async () => {
    const admin = await connect();
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    for (const client of clients) client.disconnect();
  });
  return { prefix, connect };
}
