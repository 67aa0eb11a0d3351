/**
 * The Fastify instance with what every feature module relies on: problem+json errors, body limits,
 * YAML bodies, strict request validation (unknown fields are errors, never silently dropped), the
 * authentication gate, and the OpenAPI description built from the route schemas.
 */

import { assertNesting, assertNoNul, DEFAULT_MAX_NESTING } from '@atom/spec';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import { answerClientError } from './client-error.js';
import { type Access, accessOf } from './permissions.js';
import { handleError, handleNotFound, PROBLEM_SCHEMA } from './problem.js';

export const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** A route of the API with the access it declared, as the running server has it. */
export interface RouteAccess {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api/v1 route registered so far, with its access (for audits and the access test). */
    routeAccess: RouteAccess[];
  }
}

export interface AppOptions {
  logger: Logger;
  bodyLimitBytes: number;
  version: string;
  /** Origins allowed to call the API from a browser; none (no CORS headers at all) when empty. */
  corsOrigins: readonly string[];
  /** Deepest nesting of arrays and objects a parsed body may have (ATOM_MAX_NESTING, default 64). */
  maxNesting?: number;
  /** Time allowed to receive a whole request, headers and body (ATOM_REQUEST_TIMEOUT_MS, default 60 s); then 408. */
  requestTimeoutMs?: number;
}

export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 60_000;
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimitBytes,
    // Per-request lines would double the log; the routes log what matters (run ids, deliveries).
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    requestTimeout: requestTimeoutMs,
    // Node checks for timed-out requests every 30 s by default: a short timeout would come late.
    http: {
      headersTimeout: Math.min(60_000, requestTimeoutMs),
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
    },
    clientErrorHandler: answerClientError,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  });
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  app.addSchema(PROBLEM_SCHEMA);
  await app.register(cookie);
  // Security headers on every answer; the docs page gets its own CSP (with hashes of its scripts).
  await app.register(helmet, { global: true });
  if (options.corsOrigins.length > 0) {
    await app.register(cors, {
      origin: [...options.corsOrigins],
      methods: ['GET', 'POST', 'PUT', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'if-match'],
      exposedHeaders: ['etag', 'location', 'retry-after', 'x-atom-run-id'],
      maxAge: 600,
    });
  }
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));
  // Every parsed body, before its schema is checked (ajv and the handlers recurse on it). Raw bodies
  // (webhooks: a Buffer) and YAML text are checked where they are decoded.
  app.addHook('preValidation', async (request) => {
    const { body } = request;
    if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body)) {
      assertNesting(body, maxNesting, 'the request body', ['body']);
      // PostgreSQL stores no NUL character: refused here on every store (ADR 0022). A secret's
      // value would be stored (encrypted), but could reach no step input, header or body either.
      assertNoNul(body, 'the request body', ['body']);
    }
  });
  // Fail at start-up, not at the first request, when a route forgets its access declaration.
  app.decorate('routeAccess', [] as RouteAccess[]);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/v1/')) return;
    const access = accessOf(route);
    for (const method of [route.method].flat()) app.routeAccess.push({ method, url: route.url, access });
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Atom API',
        version: options.version,
        description:
          "Durable workflow automation. Every /api/v1 route needs `Authorization: Bearer <api token>` (create one with `atom tokens create`). Every route acts in one workspace: an API token's own, or for a Studio session the one the `Atom-Workspace: <slug>` header names (default: your first); a workspace you are no member of is 403 `ATOM_ERR_WORKSPACE_FORBIDDEN`, and another workspace's workflows and runs are 404. Errors are RFC 9457 problem+json with an `ATOM_ERR_*` code.",
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token (atom_…)' } },
      },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' }, staticCSP: true });
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  return app;
}
