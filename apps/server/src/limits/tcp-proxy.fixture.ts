/**
 * A TCP relay on 127.0.0.1 in front of a real server, to play its outages: closed (nothing
 * listens on the port), open, frozen (bytes held, as by a hung server or a dead link) and thawed.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { REDIS_RATE_LIMIT_CLIENT_OPTIONS } from './redis-rate-limit-store.js';

export interface TcpProxy {
  /** The port clients connect to; nothing listens there until `open()`. */
  readonly port: number;
  open(): Promise<void>;
  /** Stops listening and cuts every relayed connection. */
  close(): Promise<void>;
  /** Holds the bytes of every connection in both directions until `thaw()`. */
  freeze(): void;
  thaw(): void;
}

/** A free port now (listening on port 0 and closing again). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<net.Socket>();
  const held: Array<() => void> = [];
  let frozen = false;
  let server: net.Server | undefined;

  const relay = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (chunk) => {
      if (frozen) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  };

  const accept = (client: net.Socket): void => {
    const upstream = net.connect(target.port, target.host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    relay(client, upstream);
    relay(upstream, client);
  };

  return {
    port,
    async open() {
      server = net.createServer(accept);
      const listening = server;
      await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    },
    async close() {
      const closing = server;
      server = undefined;
      for (const socket of sockets) socket.destroy();
      if (closing !== undefined) await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    freeze() {
      frozen = true;
    },
    thaw() {
      frozen = false;
      for (const write of held.splice(0)) write();
    },
  };
}

/**
 * A relay (closed at first) in front of the Redis at `url`, and a fail-fast client of the relay
 * that reconnects every 20 ms; disconnect the client and close the relay after the test.
 */
export async function redisBehindProxy(url: string): Promise<{ proxy: TcpProxy; client: Redis }> {
  const target = new URL(url);
  const proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  const client = new Redis({
    host: '127.0.0.1',
    port: proxy.port,
    ...REDIS_RATE_LIMIT_CLIENT_OPTIONS,
    retryStrategy: () => 20,
  });
  client.on('error', () => {});
  return { proxy, client };
}
