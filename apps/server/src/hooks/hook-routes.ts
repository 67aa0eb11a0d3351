/**
 * `ANY /hooks/{path}`: the webhook trigger. The delivery is committed (as its run) before the
 * answer: 202 `{ runId }`, or with `respond: node` the run's `respond` answer when it comes within
 * the trigger's timeout. A signed trigger refuses a bad or stale signature with 401 and stores
 * nothing. A delivery id seen before (from the signature scheme's header, `X-Delivery-Id` or
 * `Idempotency-Key`) starts no second run: the answer is 200 `{ runId, duplicate: true }`.
 * Paths are per workspace: `/hooks/{path}` is the `default` workspace's, `/hooks/@{slug}/{path}`
 * another's (a path never starts with `@`), so the same path may serve two workspaces.
 */
import { DEFAULT_WORKSPACE_ID } from '@atom/engine';
import { AtomError } from '@atom/errors';
import { parseDuration } from '@atom/spec';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerContext } from '../server-context.js';
import type { HookTrigger } from '../triggers/trigger-index.js';
import { HookAnswers } from './hook-answer.js';
import { decodeHookBody, keptHeaders } from './hook-body.js';
import { resolveHookSecret } from './hook-secret.js';
import { deliveryIdOf, verifyWebhookSignature } from './signatures/index.js';

type Headers = Record<string, string | string[] | undefined>;

async function deliveryOf(ctx: ServerContext, hook: HookTrigger, request: FastifyRequest, raw: Buffer) {
  const headers = request.headers as Headers;
  const verify = hook.trigger.verify;
  if (!verify) return deliveryIdOf(headers);
  const secret = await resolveHookSecret(ctx, hook.workspaceId, verify.secret);
  const verified = verifyWebhookSignature({
    scheme: verify.scheme,
    secret,
    headers,
    rawBody: raw,
    now: ctx.now(),
    ...(verify.header === undefined ? {} : { header: verify.header.toLowerCase() }),
    ...(verify.tolerance === undefined ? {} : { toleranceMs: parseDuration(verify.tolerance) }),
  });
  return verified.deliveryId ?? deliveryIdOf(headers);
}

/** `@slug/path` names another workspace's path; the slug of a workspace that does not exist finds none. */
async function hookTarget(ctx: ServerContext, wildcard: string): Promise<{ workspaceId?: string; path: string }> {
  const match = /^@([^/]+)\/(.*)$/.exec(wildcard);
  if (!match) return { workspaceId: DEFAULT_WORKSPACE_ID, path: wildcard };
  const path = match[2] as string;
  const workspace = await ctx.control.getWorkspace(match[1] as string);
  return workspace ? { workspaceId: workspace.id, path } : { path };
}

export async function hookRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  // Signatures are checked on the exact bytes received: no parser may touch the body first.
  const answers = new HookAnswers(ctx.engine, ctx.bus);
  app.addHook('onClose', async () => answers.close());
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.all(
    '/hooks/*',
    {
      config: { public: true },
      schema: {
        tags: ['webhooks'],
        summary:
          'Webhook trigger: starts a run of the workflow whose webhook has this path (`@{workspace slug}/{path}` outside `default`)',
        description:
          "202 `{ runId }` once the delivery is committed; with `respond: node`, the answer of the run's `respond` step; 200 `{ runId, duplicate: true }` for a delivery id seen before; 401 for a bad signature (nothing stored). No token: signatures protect hooks.",
        security: [],
      },
    },
    async (request, reply) => {
      const { workspaceId, path } = await hookTarget(ctx, (request.params as { '*': string })['*']);
      const hook = workspaceId === undefined ? undefined : await ctx.triggers.hook(workspaceId, path, ctx.now());
      if (!hook) throw new AtomError('ATOM_ERR_HOOK_NOT_FOUND', `no enabled workflow has a webhook on /hooks/${path}`);
      if (hook.trigger.method && hook.trigger.method !== request.method) {
        reply.header('allow', hook.trigger.method);
        throw new AtomError(
          'ATOM_ERR_HOOK_METHOD',
          `/hooks/${path} accepts ${hook.trigger.method}, not ${request.method}`,
        );
      }
      if (ctx.closing()) throw new AtomError('ATOM_ERR_SERVER_UNAVAILABLE', 'the server is shutting down');
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const deliveryId = await deliveryOf(ctx, hook, request, raw);
      const body = decodeHookBody(raw, request.headers['content-type']);
      const receivedAt = ctx.now();
      const trigger = {
        kind: 'webhook',
        path,
        method: request.method,
        headers: keptHeaders(request.headers as Headers),
        query: request.query ?? {},
        body,
        deliveryId,
        receivedAt: new Date(receivedAt).toISOString(),
      };
      const start = { workflow: hook.workflowId, workspaceId: hook.workspaceId, trigger };
      const { run, created } =
        deliveryId === null
          ? { run: await ctx.engine.startRun(start), created: true }
          : await ctx.engine.startRunOnce({ ...start, dedupeKey: `hook:${deliveryId}` });
      ctx.metrics.hookDeliveries.inc({ outcome: created ? 'accepted' : 'duplicate' });
      request.log.info({ runId: run.id, hook: path, deliveryId, duplicate: !created }, 'webhook delivery');
      if (!created) return reply.code(200).send({ runId: run.id, duplicate: true });
      if (hook.trigger.respond === 'node') {
        const timeoutMs = hook.trigger.timeout ? parseDuration(hook.trigger.timeout) : ctx.hookTimeoutMs;
        const answer = await answers.wait(run.id, timeoutMs);
        if (answer) {
          reply.code(answer.status).headers({ ...answer.headers, 'x-atom-run-id': run.id });
          if (typeof answer.body === 'string') {
            return reply.type(answer.headers['content-type'] ?? 'text/plain').send(answer.body);
          }
          return reply.send(answer.body);
        }
      }
      return reply.code(202).header('x-atom-run-id', run.id).send({ runId: run.id });
    },
  );
}
