// A tiny HTTP service for examples/retry-flaky-endpoint.yaml: answers 503 (with Retry-After: 0)
// to the first FAILS requests of each path (default 2), then 200 with a JSON quote.
// Usage: node examples/support/flaky-server.mjs [port]   (prints its URL; stops after 10 minutes)
import { createServer } from 'node:http';

const fails = Number(process.env.FAILS ?? 2);
const seen = new Map();
const server = createServer((request, response) => {
  const count = (seen.get(request.url) ?? 0) + 1;
  seen.set(request.url, count);
  if (count <= fails) {
    response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
    response.end(JSON.stringify({ error: 'busy, try again', attempt: count }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ price: 99.5, attempt: count }));
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { port } = server.address();
  console.log(`http://127.0.0.1:${port}/quote`);
});
setTimeout(() => process.exit(0), 10 * 60 * 1000);
