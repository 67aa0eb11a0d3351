/**
 * Stand-ins for the hostile-input suite: a trap that counts every request reaching it (on 127.0.0.1
 * and [::1] at once), a redirector on an allowed address that sends `http.request` elsewhere, and a
 * raw HTTP client that sends paths and bodies exactly as written (fetch normalises `..` away and
 * always sets Content-Length).
 */
import { createServer as createHttpServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Trap {
  port: number;
  /** Requests received so far. */
  hits: number;
  /** What the trap answers: must never show up in a run. */
  canary: string;
  close(): Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A server on [::] (dual stack: 127.0.0.1 and ::1 both reach it) that answers `canary`. */
export async function startTrap(canary: string): Promise<Trap> {
  const trap = { port: 0, hits: 0, canary } as Trap;
  const server = createHttpServer((_request, response) => {
    trap.hits++;
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(canary);
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
  trap.port = (server.address() as AddressInfo).port;
  trap.close = () => closeServer(server);
  return trap;
}

export interface Redirector {
  /** `${url}/?to=<target>` answers 302 to the target; `${url}/nul` answers JSON holding a NUL character. */
  url: string;
  close(): Promise<void>;
}

/** A server on `host` (an address the suite allows) that redirects to `?to=`. */
export async function startRedirector(host: string): Promise<Redirector> {
  const server = createHttpServer((request, response) => {
    if (request.url === '/nul') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"v":"a\\u0000b"}');
      return;
    }
    const to = new URL(request.url ?? '/', 'http://x').searchParams.get('to') ?? '/';
    response.writeHead(302, { location: to });
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, close: () => closeServer(server) };
}

export interface RawAnswer {
  status: number;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
  json: any;
}

export interface RawRequest {
  method?: string;
  /** Sent as is: not normalised, not re-encoded. */
  path: string;
  headers?: Record<string, string | string[]>;
  /** Written in chunks of 16 KiB with `Transfer-Encoding: chunked` (no Content-Length). */
  chunked?: Buffer;
}

export function rawRequest(base: string, spec: RawRequest): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { hostname, port, method: spec.method ?? 'GET', path: spec.path, headers: spec.headers ?? {} },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => {
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: response.statusCode ?? 0, text, json });
        });
      },
    );
    // The server may answer 413 and close before the whole body is written.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? undefined : reject(error)));
    const body = spec.chunked;
    if (body) {
      for (let at = 0; at < body.length; at += 16 * 1024) request.write(body.subarray(at, at + 16 * 1024));
    }
    request.end();
  });
}
