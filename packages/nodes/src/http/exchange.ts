/**
 * One HTTP request and its response over node:http(s), connected to pre-checked addresses only.
 * In: the request and the addresses `resolveAllowed` approved. Out: status, headers and the
 * decoded body bytes (gzip, deflate, br), refused past `maxBodyBytes`.
 */
import type { LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { AtomError } from '@atom/errors';
import { pinnedLookup } from './pinned-lookup.js';

export interface ExchangeRequest {
  url: URL;
  method: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer | null;
  addresses: readonly LookupAddress[];
  signal: AbortSignal;
  maxBodyBytes: number;
}

export interface RawResponse {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Sends one request; redirects are the caller's business. */
export async function exchange(request: ExchangeRequest): Promise<RawResponse> {
  const response = await send(request);
  const body = await readBody(response, request.method, request.maxBodyBytes);
  return {
    status: response.statusCode ?? 0,
    statusText: response.statusMessage ?? '',
    headers: response.headers,
    body,
  };
}

function send(request: ExchangeRequest): Promise<IncomingMessage> {
  const { url } = request;
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = transport.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: url.port === '' ? undefined : Number(url.port),
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.body ? { ...request.headers, 'content-length': String(request.body.length) } : request.headers,
        ...(url.username === ''
          ? {}
          : { auth: `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` }),
        lookup: pinnedLookup(request.addresses),
        // A private connection per request: a pooled socket could have been opened by code that
        // did not check its address.
        agent: false,
        signal: request.signal,
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(request.body ?? undefined);
  });
}

async function readBody(response: IncomingMessage, method: string, limit: number): Promise<Buffer> {
  const status = response.statusCode ?? 0;
  // HEAD, 204 and 304 answers have no body whatever their Content-Length says.
  const hasBody = method !== 'HEAD' && status !== 204 && status !== 304;
  if (hasBody && Number(response.headers['content-length'] ?? 0) > limit) {
    response.destroy();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // Counting after decompression keeps a small compressed bomb from expanding past the limit.
  const collect = async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk);
    }
  };
  const decoder = decoderFor(response.headers['content-encoding']);
  await (decoder ? pipeline(response, decoder, collect) : pipeline(response, collect));
  return Buffer.concat(chunks, size);
}

function decoderFor(encoding: string | undefined) {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

function tooLarge(limit: number): AtomError {
  return new AtomError('ATOM_ERR_STEP_OUTPUT_TOO_LARGE', `the response body is larger than ${limit} bytes`, {
    retryable: false,
  });
}
