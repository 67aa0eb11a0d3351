/**
 * Every error answer is RFC 9457 problem+json with a stable `code` from the one registry
 * (packages/errors): `{ type, title, status, code, detail, errors: [{ path, message, line?, column? }] }`.
 * This module turns whatever was thrown (an AtomError, Fastify's own errors, a body the schema refused)
 * into that shape; nothing else in the server writes an error body.
 */
import { AtomError, ERROR_REGISTRY, type ErrorCode, type ErrorDetail } from '@atom/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  errors: ErrorDetail[];
}

export function problemOf(code: ErrorCode, detail: string, errors: ErrorDetail[] = []): Problem {
  const spec = ERROR_REGISTRY[code];
  return { type: `urn:atom:error:${code}`, title: spec.title, status: spec.status, code, detail, errors };
}

/** Fastify's own codes (body parsing, limits, content types) mapped to the registry. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ATOM_ERR_REQUEST_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ATOM_ERR_REQUEST_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ATOM_ERR_REQUEST_INVALID',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ATOM_ERR_REQUEST_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ATOM_ERR_REQUEST_JSON',
};

/** `/body/inputs` (ajv's instancePath) → `body.inputs`, the path notation of the rest of Atom. */
function fieldPath(context: string, instancePath: string, missing?: unknown): string {
  const parts = instancePath
    .split('/')
    .filter((part) => part !== '')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (typeof missing === 'string') parts.push(missing);
  let path = context;
  for (const part of parts) path += /^\d+$/.test(part) ? `[${part}]` : `.${part}`;
  return path;
}

interface AjvIssue {
  instancePath: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

function validationProblem(error: FastifyError): Problem {
  const context = error.validationContext ?? 'body';
  const issues = (error.validation ?? []) as AjvIssue[];
  const errors = issues.map((issue) => {
    if (issue.keyword === 'additionalProperties') {
      const field = String(issue.params.additionalProperty);
      return { path: fieldPath(context, issue.instancePath, field), message: `unknown field "${field}"` };
    }
    if (issue.keyword === 'required') {
      const field = String(issue.params.missingProperty);
      return { path: fieldPath(context, issue.instancePath, field), message: 'is required' };
    }
    return { path: fieldPath(context, issue.instancePath), message: issue.message ?? 'is invalid' };
  });
  const first = errors[0];
  const detail = first ? `${first.path} ${first.message}` : `the request ${context} is invalid`;
  return problemOf('ATOM_ERR_REQUEST_INVALID', detail, errors);
}

export function toProblem(error: unknown): Problem {
  if (error instanceof AtomError) return problemOf(error.code, error.message, error.details);
  const fastifyError = error as FastifyError;
  if (fastifyError?.validation) return validationProblem(fastifyError);
  const mapped = typeof fastifyError?.code === 'string' ? FASTIFY_CODES[fastifyError.code] : undefined;
  if (mapped) return problemOf(mapped, fastifyError.message);
  if (fastifyError?.statusCode === 413) return problemOf('ATOM_ERR_REQUEST_TOO_LARGE', fastifyError.message);
  if (fastifyError?.statusCode === 415) return problemOf('ATOM_ERR_REQUEST_MEDIA_TYPE', fastifyError.message);
  if (fastifyError?.statusCode === 400) return problemOf('ATOM_ERR_REQUEST_INVALID', fastifyError.message);
  return problemOf('ATOM_ERR_INTERNAL', 'an unexpected error occurred; the server log has the details');
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  if (problem.code === 'ATOM_ERR_SERVER_UNAVAILABLE' || problem.code === 'ATOM_ERR_STORE_BUSY') {
    reply.header('retry-after', '1');
  }
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** Fastify's error handler: logs what the caller cannot see (500s), answers problem+json. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = toProblem(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  return sendProblem(reply, problem);
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return sendProblem(reply, problemOf('ATOM_ERR_ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url}`));
}

/** The problem+json schema, for the OpenAPI description of error answers. */
export const PROBLEM_SCHEMA = {
  $id: 'Problem',
  type: 'object',
  description: 'RFC 9457 problem details; `code` is listed in docs/errors.md.',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    code: { type: 'string', pattern: '^ATOM_ERR_' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          path: { type: 'string' },
          message: { type: 'string' },
          line: { type: 'integer' },
          column: { type: 'integer' },
          code: { type: 'string' },
        },
      },
    },
  },
  required: ['type', 'title', 'status', 'code', 'detail', 'errors'],
} as const;
