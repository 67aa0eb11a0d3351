/**
 * A client of `GET /api/v1/stream` for tests: a real WebSocket (the `ws` package, as Node 20 has
 * no WebSocket of its own) that keeps every message it got and waits for the ones a test expects.
 */
import WebSocket from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: protocol messages are read field by field
export type StreamMessage = Record<string, any>;

export interface StreamClient {
  socket: WebSocket;
  messages: StreamMessage[];
  send(message: unknown): void;
  /** The first message (from `from` on) that matches, waiting up to `timeoutMs`. */
  next(match: (message: StreamMessage) => boolean, timeoutMs?: number, from?: number): Promise<StreamMessage>;
  /** The `event` objects received for subscription `sub`. */
  events(sub: string): StreamMessage[];
  /** Waits until subscription `sub` got `count` events. */
  eventCount(sub: string, count: number, timeoutMs?: number): Promise<StreamMessage[]>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** Opens a stream; rejects with the HTTP status and body when the server refuses the upgrade. */
export function openStream(base: string, headers: Record<string, string> = {}): Promise<StreamClient> {
  const url = `${base.replace(/^http/, 'ws')}/api/v1/stream`;
  const socket = new WebSocket(url, { headers });
  const messages: StreamMessage[] = [];
  const waiters = new Set<() => void>();
  socket.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as StreamMessage);
    for (const wake of waiters) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: String(reason) });
      for (const wake of waiters) wake();
    });
  });
  const waitUntil = async <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = check();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`stream: no ${what} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, 50);
        waiters.add(wake);
      });
    }
  };
  const client: StreamClient = {
    socket,
    messages,
    send: (message) => socket.send(typeof message === 'string' ? message : JSON.stringify(message)),
    next: (match, timeoutMs = 10_000, from = 0) =>
      waitUntil(() => messages.slice(from).find(match), timeoutMs, 'matching message'),
    events: (sub) => messages.filter((m) => m.type === 'event' && m.sub === sub).map((m) => m.event),
    eventCount: (sub, count, timeoutMs = 15_000) =>
      waitUntil(
        () => {
          const got = client.events(sub);
          return got.length >= count ? got : undefined;
        },
        timeoutMs,
        `${count} events on ${sub}`,
      ),
    closed,
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += String(chunk);
      });
      response.on('end', () =>
        reject(
          Object.assign(new Error(`upgrade refused: ${response.statusCode}`), { status: response.statusCode, body }),
        ),
      );
    });
    socket.once('error', reject);
  });
}
