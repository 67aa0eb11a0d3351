// A TCP relay in front of PostgreSQL that counts the statements its clients send: every simple
// Query ('Q') and every extended-protocol Execute ('E') message, per `application_name` of the
// connection (read from its startup message). Used by bench/distributed to measure what an idle
// cluster sends to the database. Plain TCP only (the bench's URLs have no sslmode).
import net from 'node:net';

/** Reads the startup message's parameters (`user`, `database`, `application_name`, …). */
function startupParams(buffer) {
  /** @type {Record<string, string>} */
  const params = {};
  const parts = buffer.subarray(8).toString('utf8').split('\0');
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) params[parts[i]] = parts[i + 1];
  return params;
}

export async function startCountingProxy(target) {
  const counts = new Map();
  const count = (app, n) => counts.set(app, (counts.get(app) ?? 0) + n);
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let pending = Buffer.alloc(0);
    let started = false;
    let app = 'unknown';
    client.on('data', (chunk) => {
      upstream.write(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        if (!started) {
          if (pending.length < 8) return;
          const length = pending.readInt32BE(0);
          if (pending.length < length) return;
          const code = pending.readInt32BE(4);
          // SSLRequest / GSSENCRequest are answered 'N' and followed by the real startup message.
          if (code !== 80877103 && code !== 80877104) {
            app = startupParams(pending.subarray(0, length)).application_name ?? 'unnamed';
            started = true;
          }
          pending = pending.subarray(length);
          continue;
        }
        if (pending.length < 5) return;
        const length = pending.readInt32BE(1) + 1;
        if (pending.length < length) return;
        const type = String.fromCharCode(pending.readUInt8(0));
        if (type === 'Q' || type === 'E') count(app, 1);
        pending = pending.subarray(length);
      }
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    port: /** @type {net.AddressInfo} */ (server.address()).port,
    /** Statements by application name since the last reset. */
    counts: () => Object.fromEntries(counts),
    reset: () => counts.clear(),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
