import type { NodeDefinition } from '@atom/engine';
import { z } from 'zod';
import type { AllowList } from '../http/allow-list.js';
import { guardedRequest } from '../http/guarded-request.js';
import { statusFailure } from '../http/http-failure.js';
import { decodeBody } from '../http/response-body.js';
import { defineNode } from '../kit/define-node.js';
import { durationMs, durationSchema } from '../kit/duration-schema.js';
import { headerNameSchema, headerValueSchema } from '../kit/header-schema.js';

const MAX_REDIRECTS = 5;
const MAX_BODY_BYTES = 16 * 1024 * 1024;
const USER_AGENT = 'atom-workflow/0.1 (+http.request)';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const headerValue = z.union([headerValueSchema, z.number(), z.boolean()]);

const input = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'Expected an http:// or https:// URL' }).describe('The URL to call.'),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(headerNameSchema, headerValue).optional().describe('Request headers.'),
  query: z
    .record(z.string(), z.union([scalar, z.null(), z.array(scalar)]))
    .optional()
    .describe('Query parameters added to the URL; an array repeats the parameter, null leaves it out.'),
  body: z.unknown().optional().describe('A string is sent as is; any other JSON value is sent as JSON.'),
  timeout: durationSchema('Time allowed for the whole exchange, redirects included; 30s by default').optional(),
  responseType: z
    .enum(['auto', 'json', 'text'])
    .default('auto')
    .describe('auto parses JSON content types and returns other bodies as text.'),
  failOnStatus: z.boolean().default(true).describe('Fail the step on a 4xx or 5xx answer.'),
  followRedirects: z.boolean().default(true).describe(`Follow up to ${MAX_REDIRECTS} redirects.`),
  idempotencyKey: z
    .boolean()
    .optional()
    .describe("Send the step's Idempotency-Key header; on by default for methods other than GET and HEAD."),
});

type HttpInput = z.output<typeof input>;

export interface HttpRequestOptions {
  /** Compiled ATOM_HTTP_ALLOW. */
  allow: AllowList;
}

/**
 * `http.request`: calls an HTTP API. Private, loopback and link-local addresses are refused unless
 * ATOM_HTTP_ALLOW lists them, on every redirect hop too.
 */
export function createHttpRequestNode(options: HttpRequestOptions): NodeDefinition {
  return defineNode({
    type: 'http.request',
    version: 1,
    title: 'HTTP request',
    description: 'Calls an HTTP API and outputs { status, headers, body }.',
    input,
    run: async (ctx) => {
      const request = ctx.input;
      const url = new URL(request.url);
      appendQuery(url, request.query);
      const headers = requestHeaders(request, ctx.step.idempotencyKey);
      const body = requestBody(request.body, headers);
      const response = await guardedRequest(
        {
          url,
          method: request.method,
          headers,
          body,
          timeoutMs: request.timeout === undefined ? 30_000 : durationMs(request.timeout),
          maxRedirects: request.followRedirects ? MAX_REDIRECTS : 0,
          maxBodyBytes: MAX_BODY_BYTES,
          signal: ctx.signal,
        },
        options.allow,
      );
      if (request.failOnStatus && response.status >= 400) {
        throw statusFailure(request.method, response.url, response, ctx.now());
      }
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        if (value !== undefined) responseHeaders[name] = value;
      }
      return {
        status: response.status,
        headers: responseHeaders,
        body: decodeBody(response.body, response.headers['content-type'], request.responseType),
      };
    },
  });
}

function appendQuery(url: URL, query: HttpInput['query']): void {
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(item));
  }
}

function requestHeaders(request: HttpInput, idempotencyKey: string): Record<string, string> {
  const headers: Record<string, string> = { 'user-agent': USER_AGENT, 'accept-encoding': 'gzip, deflate, br' };
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = String(value);
  const wantsKey = request.idempotencyKey ?? (request.method !== 'GET' && request.method !== 'HEAD');
  // The key is stable across attempts, so a retried POST is recognised by services that deduplicate.
  if (wantsKey && headers['idempotency-key'] === undefined) headers['idempotency-key'] = idempotencyKey;
  return headers;
}

function requestBody(body: unknown, headers: Record<string, string>): Buffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  headers['content-type'] ??= 'application/json';
  return Buffer.from(JSON.stringify(body), 'utf8');
}
