// The baseline of bench/http: a bare Fastify route that parses the JSON body and answers JSON, in
// its own process like the Atom server. Prints its URL on stdout.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/hooks/bench', async (request) => {
  const n = /** @type {{ n?: number } | undefined} */ (request.body)?.n ?? 0;
  return { n: n * 2, text: `n=${n * 2}` };
});
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${url}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
