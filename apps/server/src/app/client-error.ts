/**
 * Requests Node's HTTP parser refuses before Fastify sees them (headers over the limit, a request
 * that is not HTTP, one that did not arrive in time) are answered as problem+json with a registry
 * code, like every other error, instead of Fastify's bare `{"error":"Bad Request"}`. The socket is
 * closed afterwards: after a parse error nothing more on it can be trusted.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ErrorCode } from '@atom/errors';
import type { FastifyInstance } from 'fastify';
import { problemOf } from './problem.js';

const CODES: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'ATOM_ERR_REQUEST_HEADERS_TOO_LARGE',
  ERR_HTTP_REQUEST_TIMEOUT: 'ATOM_ERR_REQUEST_TIMEOUT',
};

const DETAILS: Partial<Record<ErrorCode, string>> = {
  ATOM_ERR_REQUEST_HEADERS_TOO_LARGE: 'the request headers are larger than the server accepts',
  ATOM_ERR_REQUEST_TIMEOUT: 'the request did not arrive completely in time',
};

/** Fastify's `clientErrorHandler`: `this` is the Fastify instance. */
export function answerClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code = CODES[error.code ?? ''] ?? 'ATOM_ERR_REQUEST_MALFORMED';
  const problem = problemOf(code, DETAILS[code] ?? `the request is not valid HTTP (${error.code ?? error.message})`);
  const body = JSON.stringify(problem);
  this.log.debug({ code: error.code, status: problem.status }, 'refused an unreadable request');
  if (socket.writable) {
    socket.write(
      [
        `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? 'Error'}`,
        'Content-Type: application/problem+json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Connection: close',
        'X-Content-Type-Options: nosniff',
        '',
        body,
      ].join('\r\n'),
    );
  }
  socket.destroy(error);
}
