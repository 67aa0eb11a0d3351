/**
 * A local HTTP server that counts the requests it gets per `Idempotency-Key` (the step's stable
 * key), answering after a short delay so that a test can kill a worker while steps are in flight.
 * A path containing `/flaky/<n>` fails the first n requests of each key with 503 (a transient
 * error the step's `retry` handles), then answers like any other.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CounterServer {
  url: string;
  /** Requests seen per idempotency key. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startCounterServer(delayMs = 30): Promise<CounterServer> {
  const hits = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const key = String(request.headers['idempotency-key'] ?? 'none');
    hits.set(key, (hits.get(key) ?? 0) + 1);
    const n = hits.get(key) as number;
    const failures = Number(/\/flaky\/(\d+)/.exec(request.url ?? '')?.[1] ?? 0);
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      setTimeout(() => {
        if (n <= failures) {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ key, n, error: 'try again' }));
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ key, n, echo: body ? JSON.parse(body) : null }));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
