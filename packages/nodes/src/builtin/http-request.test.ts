import { gzipSync } from 'node:zlib';
import { AtomError } from '@atom/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAllowList } from '../http/allow-list.js';
import { closedPort, type LocalServer, sendJson, startServer } from '../test-support/local-server.js';
import { errorOf, nodeContext, outputOf, TEST_NOW } from '../test-support/node-context.js';
import { createHttpRequestNode } from './http-request.js';

const allowLocal = createHttpRequestNode({ allow: compileAllowList(['127.0.0.1']) });
const strict = createHttpRequestNode({ allow: compileAllowList([]) });

let server: LocalServer;
let other: LocalServer;

beforeAll(async () => {
  other = await startServer((request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ authorization: request.headers.authorization ?? null }));
  });
  server = await startServer((request, response) => {
    const url = new URL(request.url, 'http://x');
    switch (url.pathname) {
      case '/json':
        return sendJson(response, 200, { ok: true, items: [1, 2] }, { 'x-custom': 'yes' });
      case '/text':
        response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        return response.end('plain text');
      case '/echo':
        return sendJson(response, 200, {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: request.body,
        });
      case '/gzip':
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        return response.end(gzipSync(JSON.stringify({ zipped: true })));
      case '/unavailable':
        response.writeHead(503, { 'retry-after': '7', 'content-type': 'text/plain' });
        return response.end('x'.repeat(4000));
      case '/busy':
        response.writeHead(429, { 'retry-after': new Date(TEST_NOW + 30_000).toUTCString() });
        return response.end();
      case '/missing':
        return sendJson(response, 404, { error: 'not found' });
      case '/hang':
        return; // never answers
      case '/huge': {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(1024 * 1024, 'a');
        for (let i = 0; i < 17; i++) response.write(chunk);
        return response.end();
      }
      case '/redirect':
        response.writeHead(302, { location: url.searchParams.get('to') ?? '/json' });
        return response.end();
      case '/see-other':
        response.writeHead(303, { location: '/echo' });
        return response.end();
      case '/loop':
        response.writeHead(307, { location: '/loop' });
        return response.end();
      default:
        response.writeHead(500);
        return response.end();
    }
  });
});

afterAll(async () => {
  await server.close();
  await other.close();
});

describe('http.request against a local server', () => {
  it('GETs JSON and outputs status, headers and the parsed body', async () => {
    const output = await outputOf(allowLocal, { url: `${server.origin}/json` });
    expect(output).toMatchObject({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-custom': 'yes' },
      body: { ok: true, items: [1, 2] },
    });
  });

  it('returns text bodies as text, and decodes gzip', async () => {
    expect(await outputOf(allowLocal, { url: `${server.origin}/text` })).toMatchObject({ body: 'plain text' });
    expect(await outputOf(allowLocal, { url: `${server.origin}/json`, responseType: 'text' })).toMatchObject({
      body: '{"ok":true,"items":[1,2]}',
    });
    expect(await outputOf(allowLocal, { url: `${server.origin}/gzip` })).toMatchObject({ body: { zipped: true } });
  });

  it('adds query parameters to those already in the URL', async () => {
    const output = (await outputOf(allowLocal, {
      url: `${server.origin}/echo?keep=1`,
      query: { q: 'a b', n: 2, tag: ['x', 'y'], skip: null },
    })) as { body: { url: string } };
    expect(output.body.url).toBe('/echo?keep=1&q=a+b&n=2&tag=x&tag=y');
  });

  it('sends headers, and no Idempotency-Key on a GET', async () => {
    const output = (await outputOf(allowLocal, {
      url: `${server.origin}/echo`,
      headers: { 'X-Trace': 'abc', 'X-Count': 3 },
    })) as { body: { headers: Record<string, string> } };
    expect(output.body.headers).toMatchObject({
      'x-trace': 'abc',
      'x-count': '3',
      'user-agent': expect.stringMatching(/^atom/),
    });
    expect(output.body.headers['idempotency-key']).toBeUndefined();
  });

  it("POSTs an object as JSON with the step's Idempotency-Key", async () => {
    const output = (await outputOf(allowLocal, {
      url: `${server.origin}/echo`,
      method: 'POST',
      body: { name: 'Ada' },
    })) as {
      body: { method: string; headers: Record<string, string>; body: string };
    };
    expect(output.body).toMatchObject({ method: 'POST', body: '{"name":"Ada"}' });
    expect(output.body.headers).toMatchObject({ 'content-type': 'application/json', 'idempotency-key': 'run_1/step' });
  });

  it('sends a string body as is, keeps a user Idempotency-Key, and can leave it out', async () => {
    type Echo = { body: { headers: Record<string, string>; body: string } };
    const own = (await outputOf(allowLocal, {
      url: `${server.origin}/echo`,
      method: 'PUT',
      body: 'a=1&b=2',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'Idempotency-Key': 'mine' },
    })) as Echo;
    expect(own.body.body).toBe('a=1&b=2');
    expect(own.body.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      'idempotency-key': 'mine',
    });
    const none = (await outputOf(allowLocal, {
      url: `${server.origin}/echo`,
      method: 'DELETE',
      idempotencyKey: false,
    })) as Echo;
    expect(none.body.headers['idempotency-key']).toBeUndefined();
  });

  it('outputs a null body for HEAD', async () => {
    expect(await outputOf(allowLocal, { url: `${server.origin}/json`, method: 'HEAD' })).toMatchObject({
      status: 200,
      body: null,
    });
  });

  it('fails a 503 as retryable, honouring Retry-After, with a truncated body', async () => {
    const error = await errorOf(allowLocal, { url: `${server.origin}/unavailable?token=secret` });
    expect(error).toBeInstanceOf(AtomError);
    expect(error).toMatchObject({
      code: 'ATOM_ERR_HTTP_STATUS',
      retryable: true,
      retryAfterMs: 7000,
      data: { status: 503, body: 'x'.repeat(2048) },
    });
    expect((error as Error).message).not.toContain('secret');
  });

  it('reads a Retry-After date against the step clock', async () => {
    const error = await errorOf(allowLocal, { url: `${server.origin}/busy` });
    expect(error).toMatchObject({
      code: 'ATOM_ERR_HTTP_STATUS',
      retryable: true,
      retryAfterMs: 30_000,
      data: { status: 429 },
    });
  });

  it('fails a 404 as not retryable, or outputs it when failOnStatus is false', async () => {
    expect(await errorOf(allowLocal, { url: `${server.origin}/missing` })).toMatchObject({
      code: 'ATOM_ERR_HTTP_STATUS',
      retryable: false,
      data: { status: 404 },
    });
    expect(await outputOf(allowLocal, { url: `${server.origin}/missing`, failOnStatus: false })).toMatchObject({
      status: 404,
      body: { error: 'not found' },
    });
  });

  it('fails a refused connection as retryable', async () => {
    const port = await closedPort();
    const error = await errorOf(allowLocal, { url: `http://127.0.0.1:${port}/` });
    expect(error).toMatchObject({ code: 'ATOM_ERR_HTTP_CONNECTION', retryable: true, data: { code: 'ECONNREFUSED' } });
  });

  it('fails as a retryable timeout when no answer comes in time', async () => {
    const error = await errorOf(allowLocal, { url: `${server.origin}/hang`, timeout: '200ms' });
    expect(error).toMatchObject({ code: 'ATOM_ERR_HTTP_TIMEOUT', retryable: true });
  });

  it("stops when the step's signal aborts, with the engine's reason", async () => {
    const controller = new AbortController();
    const reason = new AtomError('ATOM_ERR_STEP_TIMEOUT', 'step ran past its timeout');
    setTimeout(() => controller.abort(reason), 100);
    expect(await errorOf(allowLocal, { url: `${server.origin}/hang` }, { signal: controller.signal })).toBe(reason);
  });

  it('refuses a body over 16 MiB', async () => {
    const error = await errorOf(allowLocal, { url: `${server.origin}/huge` });
    expect(error).toMatchObject({ code: 'ATOM_ERR_STEP_OUTPUT_TOO_LARGE', retryable: false });
  });

  it('follows redirects, turning a POST into a GET on 303', async () => {
    expect(await outputOf(allowLocal, { url: `${server.origin}/redirect` })).toMatchObject({ body: { ok: true } });
    const output = (await outputOf(allowLocal, {
      url: `${server.origin}/see-other`,
      method: 'POST',
      body: { a: 1 },
    })) as {
      body: { method: string; body: string };
    };
    expect(output.body).toMatchObject({ method: 'GET', body: '' });
  });

  it('returns the redirect itself when followRedirects is false, and gives up after 5', async () => {
    expect(await outputOf(allowLocal, { url: `${server.origin}/redirect`, followRedirects: false })).toMatchObject({
      status: 302,
      headers: { location: '/json' },
    });
    expect(await errorOf(allowLocal, { url: `${server.origin}/loop` })).toMatchObject({
      code: 'ATOM_ERR_HTTP_STATUS',
      retryable: false,
      message: /more than 5 times/,
    });
    expect(server.requests.filter((request) => request.url === '/loop')).toHaveLength(6);
  });

  it('drops Authorization when a redirect leaves the origin', async () => {
    const to = encodeURIComponent(`${other.origin}/`);
    const output = await outputOf(allowLocal, {
      url: `${server.origin}/redirect?to=${to}`,
      headers: { authorization: 'Bearer secret' },
    });
    expect(output).toMatchObject({ body: { authorization: null } });
  });

  it.each([
    ['a link-local metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['a private network', 'http://10.0.0.1/'],
  ])('refuses a redirect to %s', async (_what, target) => {
    const error = await errorOf(allowLocal, { url: `${server.origin}/redirect?to=${encodeURIComponent(target)}` });
    expect(error).toMatchObject({ code: 'ATOM_ERR_HTTP_BLOCKED_ADDRESS', retryable: false });
  });

  it('refuses a redirect to another scheme', async () => {
    const error = await errorOf(allowLocal, {
      url: `${server.origin}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`,
    });
    expect(error).toMatchObject({ code: 'ATOM_ERR_HTTP_BLOCKED_ADDRESS', message: /file:/ });
  });

  it('allows a whole network given as a CIDR', async () => {
    const node = createHttpRequestNode({ allow: compileAllowList(['127.0.0.0/8']) });
    expect(await outputOf(node, { url: `${server.origin}/json` })).toMatchObject({ status: 200 });
  });
});

describe('http.request without an allow-list', () => {
  it.each([
    ['127.0.0.1', () => `${server.origin}/json`],
    ['[::1]', () => `http://[::1]:${server.port}/json`],
    ['169.254.169.254', () => 'http://169.254.169.254/latest/meta-data/'],
    ['10.0.0.1', () => 'http://10.0.0.1/'],
    ['localhost', () => `http://localhost:${server.port}/json`],
    ['0.0.0.0', () => `http://0.0.0.0:${server.port}/json`],
    ['::ffff:127.0.0.1', () => `http://[::ffff:127.0.0.1]:${server.port}/json`],
    ['100.64.0.1 (CGNAT)', () => 'http://100.64.0.1/'],
    ['192.168.1.1', () => 'http://192.168.1.1/'],
  ])('refuses %s without connecting', async (_what, url) => {
    const before = server.requests.length;
    const error = await errorOf(strict, { url: url() });
    expect(error).toMatchObject({ code: 'ATOM_ERR_HTTP_BLOCKED_ADDRESS', retryable: false });
    expect((error as Error).message).toMatch(/ATOM_HTTP_ALLOW/);
    expect(server.requests.length).toBe(before);
  });

  it('refuses a file:// URL at validation and at run time', async () => {
    expect(strict.parseInput({ url: 'file:///etc/passwd' })).toMatchObject({ ok: false, issues: [{ path: 'url' }] });
    const input = {
      url: 'file:///etc/passwd',
      method: 'GET',
      responseType: 'auto',
      failOnStatus: true,
      followRedirects: true,
    };
    await expect(strict.run(nodeContext(input).ctx)).rejects.toMatchObject({ code: 'ATOM_ERR_HTTP_BLOCKED_ADDRESS' });
  });

  it('refuses header names and values that would break the request', () => {
    expect(strict.parseInput({ url: 'https://example.com', headers: { 'x-a': 'ok\r\nx-evil: 1' } })).toMatchObject({
      ok: false,
      issues: [{ path: 'headers.x-a', message: 'A header value cannot contain line breaks or control characters' }],
    });
    expect(strict.parseInput({ url: 'https://example.com', headers: { 'bad name': 'x' } })).toMatchObject({
      ok: false,
    });
  });

  it('refuses unknown methods and fields', () => {
    expect(strict.parseInput({ url: 'https://example.com', method: 'TRACE', bogus: 1 })).toMatchObject({
      ok: false,
      issues: [{ path: 'method' }, { path: 'bogus' }],
    });
  });
});
