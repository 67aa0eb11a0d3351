/**
 * Security headers on every answer, CORS only for configured origins, and problem+json with a
 * registry code for the requests Node's HTTP parser refuses before Fastify sees them.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerHarness, startServer } from '../support/server-harness.js';

describe('HTTP hardening', () => {
  let closed: ServerHarness;
  let open: ServerHarness;
  beforeAll(async () => {
    closed = await startServer({ worker: false });
    open = await startServer({ worker: false, corsOrigins: ['https://studio.example.com'], requestTimeoutMs: 400 });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  it('sends security headers on API answers, errors and docs', async () => {
    for (const path of ['/api/v1/workflows', '/api/v1/nothing', '/health/live', '/api/docs/']) {
      const res = await fetch(`${closed.url}${path}`, { headers: { authorization: `Bearer ${closed.tokens.owner}` } });
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(res.headers.get('content-security-policy'), path).toBeTruthy();
      expect(res.headers.get('strict-transport-security'), path).toBeTruthy();
    }
  });

  it('sends no CORS headers unless an origin is allowed', async () => {
    const preflight = (h: ServerHarness, origin: string) =>
      fetch(`${h.url}/api/v1/workflows`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
      });
    expect(
      (await preflight(closed, 'https://studio.example.com')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const allowed = await preflight(open, 'https://studio.example.com');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://studio.example.com');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await preflight(open, 'https://evil.example.net')).headers.get('access-control-allow-origin')).toBeNull();
  });

  /** Writes `chunks` to the server as they are (the last one after `pauseMs`) and reads until it closes. */
  function rawExchange(h: ServerHarness, chunks: string[], pauseMs = 0): Promise<string> {
    const { port } = new URL(h.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('latin1');
      socket.on('data', (data) => {
        answer += data;
      });
      socket.on('close', () => resolve(answer));
      socket.on('error', (error) => (answer ? resolve(answer) : reject(error)));
      socket.on('connect', () => {
        for (const chunk of chunks.slice(0, -1)) socket.write(chunk);
        const last = chunks.at(-1);
        if (last !== undefined) setTimeout(() => socket.writable && socket.write(last), pauseMs);
      });
    });
  }

  function problemOf(answer: string): { status: number; type: string | undefined; body: Record<string, unknown> } {
    const [head = '', body = ''] = answer.split('\r\n\r\n');
    const status = Number(head.split(' ')[1]);
    const type = /content-type: ([^\r\n]+)/i.exec(head)?.[1];
    return { status, type, body: JSON.parse(body) };
  }

  it('answers oversized headers with 431 problem+json', async () => {
    const answer = await rawExchange(closed, [
      `GET /api/v1/workflows HTTP/1.1\r\nHost: x\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`,
    ]);
    const problem = problemOf(answer);
    expect(problem, answer.slice(0, 300)).toMatchObject({
      status: 431,
      type: 'application/problem+json',
      body: { status: 431, code: 'ATOM_ERR_REQUEST_HEADERS_TOO_LARGE', errors: [] },
    });
  });

  it('answers a request that is not HTTP with 400 problem+json', async () => {
    for (const request of ['NOT HTTP AT ALL\r\n\r\n', 'GET / HTTP/1.1\r\nBad Header Line\r\n\r\n']) {
      const problem = problemOf(await rawExchange(closed, [request]));
      expect(problem, request).toMatchObject({
        status: 400,
        type: 'application/problem+json',
        body: { code: 'ATOM_ERR_REQUEST_MALFORMED' },
      });
    }
  });

  it('answers a request that does not arrive in time with 408 problem+json', async () => {
    const answer = await rawExchange(
      open,
      [
        'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{',
        '}',
      ],
      3_000,
    );
    // Nothing else was answered first: the login route was waiting for its body.
    expect(answer.startsWith('HTTP/1.1 408 '), answer.slice(0, 300)).toBe(true);
    expect(problemOf(answer), answer.slice(0, 300)).toMatchObject({
      status: 408,
      type: 'application/problem+json',
      body: { code: 'ATOM_ERR_REQUEST_TIMEOUT' },
    });
  });
});
