/**
 * GET /api/v1/stream: the live run and step events over a WebSocket (docs/api.md, "Live stream").
 *
 * The usual gate runs before the upgrade (a refused caller gets the problem+json 401/403, never a
 * socket). A caller who came with the Studio's session cookie must also come from the server's
 * own origin or one of the CORS allowlist: a browser sends the cookie on a WebSocket from any
 * page and no CSRF header, so the Origin is the only proof the page is ours.
 * Needs @fastify/websocket registered on the app (create-server.ts does, before the auth hook).
 */
import { AtomError } from '@atom/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AUTH_ERRORS, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { findWorkflow } from '../workflows/workflow-routes.js';
import { StreamConnection, type StreamLimits } from './stream-connection.js';
import { StreamHub, type StreamTarget } from './stream-hub.js';
import type { SubscribeTarget } from './stream-messages.js';

export interface StreamRouteOptions {
  limits: StreamLimits;
  /** Origins besides the server's own whose pages may stream with the session cookie. */
  corsOrigins: readonly string[];
}

/** The Origin of a cookie-authenticated stream request is this server's, or an allowed one. */
export function originAllowed(request: FastifyRequest, corsOrigins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  if (corsOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

const DESCRIPTION = `A WebSocket (send the upgrade headers). Authenticate with \`Authorization: Bearer <token>\`, or the Studio session cookie from the server's own origin (or a CORS-allowed one). Needs \`runs.read\`. The stream follows one workspace: the token's, or the session's named by \`?workspace=<slug>\` (default: your first).

Client messages (JSON text frames): \`{"type":"subscribe","id":"s1","run":"<runId>"}\` (or \`"workflow":"<id or name>"\`, or \`"workspace":true\`), optionally with \`"after":<eventId>\` to replay the stored events after that id first; \`{"type":"unsubscribe","id":"s1"}\`; \`{"type":"ping"}\`.

Server messages: \`{"type":"subscribed","id"}\`, \`{"type":"reset","id","after","code":"ATOM_ERR_STREAM_RESUME_GONE","message"}\` when \`after\` cannot be resumed from (that event, or later events of the workspace, were deleted by retention): reload the state, live events follow, \`{"type":"event","sub","event":{"id","runId","workflowId","type","stepKey","data","at"}}\`, \`{"type":"unsubscribed","id"}\`, \`{"type":"pong"}\`, \`{"type":"heartbeat","at":<ms>}\` every 15 s, \`{"type":"error","id"?,"code","message"}\`. A client too slow to read is closed with code 4008 and reason \`ATOM_ERR_STREAM_SLOW_CONSUMER\`: reconnect and resume with \`after\`. See docs/api.md.`;

export async function streamRoutes(app: FastifyInstance, ctx: ServerContext, options: StreamRouteOptions) {
  const hub = new StreamHub({
    store: ctx.engine.store,
    bus: ctx.bus,
    logger: ctx.logger,
    maxHeldBytes: options.limits.maxBufferedBytes,
  });
  app.addHook('onClose', async () => hub.close());

  // Every target is one of the connection's workspace: another workspace's run or workflow is not found.
  const resolverOf =
    (workspaceId: string) =>
    async (target: SubscribeTarget): Promise<StreamTarget> => {
      if ('run' in target) {
        const run = await ctx.engine.store.getRun(target.run);
        if (!run || run.workspaceId !== workspaceId) {
          throw new AtomError('ATOM_ERR_RUN_NOT_FOUND', `no run has id ${target.run}`);
        }
        return { runId: run.id };
      }
      if ('workflow' in target) {
        return { workflowId: (await findWorkflow(ctx.control, target.workflow, workspaceId)).workflowId };
      }
      return { workspaceId };
    };

  app.route({
    method: 'GET',
    url: '/api/v1/stream',
    config: { permission: 'runs.read' },
    schema: {
      tags: ['stream'],
      summary: 'Live run and step events (WebSocket), resumable from the last event id',
      description: DESCRIPTION,
      response: {
        101: { description: 'Switching Protocols: the WebSocket is open.', type: 'null' },
        426: PROBLEM_REF,
        ...AUTH_ERRORS,
      },
    },
    onRequest: async (request) => {
      if (request.principal?.via === 'session' && !originAllowed(request, options.corsOrigins)) {
        throw new AtomError(
          'ATOM_ERR_STREAM_ORIGIN',
          request.headers.origin
            ? `a stream with the session cookie may not be opened from ${request.headers.origin.slice(0, 200)}`
            : 'a stream with the session cookie needs the Origin header of the Studio page',
        );
      }
    },
    handler: async () => {
      throw new AtomError('ATOM_ERR_STREAM_UPGRADE_REQUIRED', 'open /api/v1/stream as a WebSocket');
    },
    wsHandler: (socket, request) => {
      const workspaceId = workspaceOf(request);
      const resolve = resolverOf(workspaceId);
      new StreamConnection(socket, {
        hub,
        resolve,
        workspaceId,
        limits: options.limits,
        logger: ctx.logger,
        now: Date.now,
      });
    },
  });
}
