/**
 * Redis going away under a running `atom start` (issue 4 item 7), with real processes: REDIS_URL
 * points at a TCP relay to the machine's Redis (key prefix of the test's own), which the test
 * cuts while a run is in the middle of its steps and opens again later. While Redis is in reach,
 * step outputs (`cache:`) and rate-limit counters are in Redis; while it is away the run finishes,
 * API requests are answered, and /health/ready stays 200 with status `degraded` and a warning for
 * the rate limits and the cache; once Redis is back the warnings clear and new entries go to Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTcpProxy } from '../../apps/server/src/limits/tcp-proxy.fixture.js';
import { assertBuilt, startCli } from '../support/cli-process.js';
import { startCounterServer } from '../support/counter-server.js';
import { freePort } from '../support/free-port.js';
import { REDIS_URL, redisUnreachable, useTestRedis } from '../support/redis-server.js';
import { prepareData } from './prepare-data.js';

const WORKFLOW = `atom: 1
name: cached
inputs: { type: object, properties: { v: { type: integer } } }
steps:
  - id: first
    uses: http.request
    cache: { ttl: 1h }
    with: { url: "{{ $vars.COUNTER & '/hit' }}", method: POST, body: { v: "{{ $inputs.v }}" } }
    output: "{{ $output.body.echo.v }}"
  - id: pause
    uses: delay
    with: { for: 2s }
  - id: second
    uses: http.request
    cache: { ttl: 1h }
    with: { url: "{{ $vars.COUNTER & '/hit' }}", method: POST, body: { v: "{{ $steps.first.output + 1 }}" } }
    output: "{{ $output.body.echo.v }}"
outputs: { a: "{{ $steps.first.output }}", b: "{{ $steps.second.output }}" }
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: last ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

const reason = await redisUnreachable('Atom when Redis goes away');
if (reason === undefined) {
  describe('Atom when Redis goes away', () => {
    const redis = useTestRedis();
    const dir = mkdtempSync(join(tmpdir(), 'atom-redis-away-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps running degraded, says so on /health/ready, and returns to Redis', async () => {
      assertBuilt();
      const target = new URL(REDIS_URL);
      const proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
      await proxy.open();
      const counter = await startCounterServer(20);
      const data = join(dir, 'data');
      const env = {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        ATOM_REDIS_PREFIX: redis.prefix,
        ATOM_HTTP_ALLOW: '127.0.0.1',
        ATOM_VAR_COUNTER: counter.url,
        ATOM_LOG_LEVEL: 'warn',
        // 600 requests a minute: each request's counter lives 100 ms in Redis, long enough to see.
        ATOM_DEFAULT_TIER: 'pro',
      };
      const token = await prepareData(data, env, WORKFLOW);
      const port = await freePort();
      const server = startCli(['start', '--port', String(port), '--data', data], env);
      const base = `http://127.0.0.1:${port}`;
      const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      const health = async () => {
        const res = await fetch(`${base}/health/ready`);
        return { code: res.status, ...((await res.json()) as { status: string; warnings: string[] }) };
      };
      const start = async (v: number, wait = '') => {
        const res = await fetch(`${base}/api/v1/workflows/cached/runs${wait}`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ inputs: { v } }),
        });
        return { code: res.status, run: (await res.json()) as { id: string; status: string; outputs?: unknown } };
      };
      const admin = await redis.connect();
      const keys = async (part: string) => (await admin.keys(`${redis.prefix}${part}*`)).length;
      try {
        const ready = await until(health, (h) => h.code === 200 && h.status === 'ready', 'ready with Redis');
        expect(ready.warnings).toEqual([]);

        // Redis in reach: the outputs of both cached steps and the request counters are there.
        const first = await start(1, '?wait=20');
        expect(first.run).toMatchObject({ status: 'succeeded', outputs: { a: 1, b: 2 } });
        expect(await keys('cache:v:')).toBe(2);
        await fetch(`${base}/api/v1/runs/${first.run.id}`, { headers: auth });
        expect(await keys('rl:')).toBeGreaterThan(0);

        // Redis goes away while a run is between its steps (first done, parked in `pause`).
        const hitsBefore = counter.hits.size;
        const second = await start(10);
        expect(second.code).toBe(202);
        await until(
          async () => counter.hits.size,
          (size) => size > hitsBefore,
          'the second run reached its first step',
        );
        await proxy.close();
        const away = await until(health, (h) => h.warnings.length === 2, 'warnings while Redis is away');
        expect(away).toMatchObject({ code: 200, status: 'degraded' });
        expect(away.warnings.join('\n')).toMatch(/rate-limit counters fell back to this process: Redis is unreachable/);
        expect(away.warnings.join('\n')).toMatch(/step-output cache fell back to the database: Redis is unreachable/);
        // The API answers (counted in this process), and the run ends with its cache in the database.
        const ended = await until(
          async () => {
            const res = await fetch(`${base}/api/v1/runs/${second.run.id}`, { headers: auth });
            return { code: res.status, ...((await res.json()) as { status: string; outputs: unknown }) };
          },
          (r) => r.code !== 200 || r.status === 'succeeded' || r.status === 'failed',
          'the second run ends',
        );
        expect(ended).toMatchObject({ code: 200, status: 'succeeded', outputs: { a: 10, b: 11 } });
        const during = await start(20, '?wait=20');
        expect(during.run).toMatchObject({ status: 'succeeded', outputs: { a: 20, b: 21 } });

        // Redis returns: the warnings clear by themselves and new outputs go to Redis again.
        await proxy.open();
        const back = await until(health, (h) => h.status === 'ready', 'ready again once Redis is back');
        expect(back).toMatchObject({ code: 200, warnings: [] });
        const cachedBefore = await keys('cache:v:');
        const third = await start(30, '?wait=20');
        expect(third.run).toMatchObject({ status: 'succeeded', outputs: { a: 30, b: 31 } });
        expect(await keys('cache:v:')).toBe(cachedBefore + 2);
        // A hit from Redis: the same inputs run no node again.
        const hits = [...counter.hits.values()].reduce((sum, n) => sum + n, 0);
        const again = await start(30, '?wait=20');
        expect(again.run).toMatchObject({ status: 'succeeded', outputs: { a: 30, b: 31 } });
        expect([...counter.hits.values()].reduce((sum, n) => sum + n, 0)).toBe(hits);
      } finally {
        server.child.kill('SIGTERM');
        const done = await server.done;
        await proxy.close();
        await counter.close();
        expect(done.code, done.stderr).toBe(0);
      }
    }, 90_000);
  });
}
