/**
 * /api/v1/workflows: create, read, list, update (a new immutable version, `If-Match` → 409),
 * delete, versions, diff, rollback, validate, enable/disable triggers. Documents come as JSON or
 * YAML and are always checked by the same validator as `atom validate`. A YAML body is kept as the
 * version's `source` (comments, order and blank lines as written) beside the document parsed from
 * it; reads return it, and rollback stores the old version's source again (ADR 0019).
 */
import { AtomError, type ErrorDetail } from '@atom/errors';
import type { CompiledWorkflow } from '@atom/spec';
import type { ControlStore, WorkflowSummary } from '@atom/store';
import type { FastifyInstance } from 'fastify';
import { stringify } from 'yaml';
import { decodeCursor, encodeCursor } from '../app/page-cursor.js';
import {
  AUTH_ERRORS,
  ID_OR_NAME_PARAMS,
  listOf,
  PAGE_QUERY_PROPERTIES,
  PROBLEM_REF,
  WORKFLOW_BODY,
} from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { diffDocuments } from './workflow-diff.js';
import { compileBody, parseIfMatch } from './workflow-document.js';
import { iso, SOURCE_SCHEMA, SUMMARY_SCHEMA, summaryView, VERSION_SCHEMA, versionView } from './workflow-view.js';

const TAGS = ['workflows'];
const WRITE_ANSWER = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    version: { type: 'integer' },
    created: { type: 'boolean' },
  },
} as const;

/** The workflow of the request's workspace; one of another workspace is not found (404), by id or by name. */
export async function findWorkflow(
  control: ControlStore,
  idOrName: string,
  workspaceId: string,
): Promise<WorkflowSummary> {
  const summary = await control.getWorkflowSummary(idOrName, workspaceId);
  // A deleted workflow is still found by id (runs in flight), but not by the catalogue's routes.
  if (!summary || summary.deletedAt !== null)
    throw new AtomError('ATOM_ERR_WORKFLOW_NOT_FOUND', `no workflow has the id or name "${idOrName}"`);
  return summary;
}

/** A webhook path already served by another enabled workflow of the workspace is a validation error of this one. */
function checkHookPaths(
  ctx: ServerContext,
  workspaceId: string,
  workflow: CompiledWorkflow,
  workflowId: string | null,
): void {
  const errors: ErrorDetail[] = [];
  (workflow.document.triggers ?? []).forEach((trigger, index) => {
    const owner = trigger.webhook ? ctx.triggers.hookOwner(workspaceId, trigger.webhook.path) : undefined;
    if (owner && owner.workflowId !== workflowId) {
      errors.push({
        path: `triggers[${index}].webhook.path`,
        message: `the path "${trigger.webhook?.path}" is already served by workflow "${owner.workflowName}"`,
      });
    }
  });
  if (errors.length > 0) {
    throw new AtomError('ATOM_ERR_SPEC_INVALID', errors.map((e) => e.message).join('; '), { details: errors });
  }
}

export async function workflowRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const { control, engine } = ctx;

  app.post(
    '/api/v1/workflows',
    {
      config: { permission: 'workflows.write' },
      schema: {
        tags: TAGS,
        summary: 'Create a workflow (version 1)',
        body: WORKFLOW_BODY,
        response: { 201: WRITE_ANSWER, 409: PROBLEM_REF, 422: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const { workflow, source } = compileBody(engine, request.body);
      await ctx.triggers.refresh();
      const workspaceId = workspaceOf(request);
      checkHookPaths(ctx, workspaceId, workflow, null);
      let record: Awaited<ReturnType<ControlStore['putWorkflowVersionIf']>>;
      try {
        const { name, document, hash } = workflow;
        record = await control.putWorkflowVersionIf(name, document, hash, ctx.now(), 0, workspaceId, source);
      } catch (error) {
        if (error instanceof AtomError && error.code === 'ATOM_ERR_WORKFLOW_VERSION_CONFLICT') {
          throw new AtomError('ATOM_ERR_WORKFLOW_EXISTS', `a workflow named "${workflow.name}" already exists`, {
            details: [{ path: 'name', message: 'is taken; PUT /api/v1/workflows/{name} adds a version' }],
          });
        }
        throw error;
      }
      await ctx.triggers.refresh();
      await ctx.record(request, {
        action: 'workflow.create',
        target: { type: 'workflow', id: record.workflowId, name: record.name },
        data: { version: record.version },
      });
      reply
        .code(201)
        .header('etag', `"${record.version}"`)
        .header('location', `/api/v1/workflows/${record.workflowId}`);
      return { id: record.workflowId, name: record.name, version: record.version, created: true };
    },
  );

  app.get(
    '/api/v1/workflows',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: TAGS,
        summary: 'List workflows by name, with search and cursor pagination',
        querystring: {
          type: 'object',
          properties: { search: { type: 'string', maxLength: 200 }, ...PAGE_QUERY_PROPERTIES },
          additionalProperties: false,
        },
        response: {
          200: listOf(SUMMARY_SCHEMA, true),
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const query = request.query as { search?: string; cursor?: string; limit: number };
      const afterName = query.cursor
        ? decodeCursor(query.cursor, (v): v is { n: string } => typeof (v as { n?: unknown })?.n === 'string').n
        : undefined;
      const items = await control.listWorkflows({
        workspaceId: workspaceOf(request),
        limit: query.limit + 1,
        ...(query.search ? { search: query.search } : {}),
        ...(afterName === undefined ? {} : { afterName }),
      });
      const page = items.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: page.map(summaryView),
        nextCursor: items.length > query.limit && last ? encodeCursor({ n: last.name }) : null,
      };
    },
  );

  app.get(
    '/api/v1/workflows/:idOrName',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: TAGS,
        summary: 'Read a workflow: its newest version, document and source text (YAML with ?format=yaml)',
        params: ID_OR_NAME_PARAMS,
        querystring: {
          type: 'object',
          properties: { format: { type: 'string', enum: ['json', 'yaml'], default: 'json' } },
          additionalProperties: false,
        },
        response: {
          200: {
            description:
              'The workflow; with ?format=yaml its YAML alone as application/yaml: the source text as saved when it has one, else the document printed as YAML.',
            type: 'object',
            properties: {
              ...SUMMARY_SCHEMA.properties,
              document: { type: 'object', additionalProperties: true },
              source: SOURCE_SCHEMA,
            },
          },
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { idOrName } = request.params as { idOrName: string };
      const summary = await findWorkflow(control, idOrName, workspaceOf(request));
      const record = await engine.store.getWorkflowVersion(summary.workflowId, summary.version);
      reply.header('etag', `"${summary.version}"`);
      if ((request.query as { format: string }).format === 'yaml') {
        return reply
          .type('application/yaml')
          .serializer((v: unknown) => String(v))
          .send(record?.source ?? stringify(record?.document));
      }
      return { ...summaryView(summary), document: record?.document ?? null, source: record?.source ?? null };
    },
  );

  app.put(
    '/api/v1/workflows/:idOrName',
    {
      config: { permission: 'workflows.write' },
      schema: {
        tags: TAGS,
        summary: 'Store a new version (If-Match: <version> refuses a stale update with 409)',
        params: ID_OR_NAME_PARAMS,
        headers: { type: 'object', properties: { 'if-match': { type: 'string' } } },
        body: WORKFLOW_BODY,
        response: { 200: WRITE_ANSWER, 404: PROBLEM_REF, 409: PROBLEM_REF, 422: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const { idOrName } = request.params as { idOrName: string };
      const summary = await findWorkflow(control, idOrName, workspaceOf(request));
      const expected = parseIfMatch(request.headers['if-match'] as string | undefined) ?? summary.version;
      const { workflow, source } = compileBody(engine, request.body);
      if (workflow.name !== summary.name) {
        throw new AtomError(
          'ATOM_ERR_SPEC_INVALID',
          `the document is named "${workflow.name}", not "${summary.name}"`,
          {
            details: [{ path: 'name', message: `must stay "${summary.name}" (create a new workflow to rename)` }],
          },
        );
      }
      await ctx.triggers.refresh();
      checkHookPaths(ctx, summary.workspaceId, workflow, summary.workflowId);
      const record = await control.putWorkflowVersionIf(
        workflow.name,
        workflow.document,
        workflow.hash,
        ctx.now(),
        expected,
        summary.workspaceId,
        source,
      );
      await ctx.triggers.refresh();
      if (record.created) {
        await ctx.record(request, {
          action: 'workflow.update',
          target: { type: 'workflow', id: record.workflowId, name: record.name },
          data: { version: record.version, previous: expected },
        });
      }
      reply.header('etag', `"${record.version}"`);
      return { id: record.workflowId, name: record.name, version: record.version, created: record.created };
    },
  );

  app.delete(
    '/api/v1/workflows/:idOrName',
    {
      config: { permission: 'workflows.write' },
      schema: {
        tags: TAGS,
        summary: 'Delete a workflow (runs in flight finish; its name becomes free)',
        params: ID_OR_NAME_PARAMS,
        response: { 204: { type: 'null' }, 404: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request, reply) => {
      const { idOrName } = request.params as { idOrName: string };
      const summary = await findWorkflow(control, idOrName, workspaceOf(request));
      if (!(await control.deleteWorkflow(summary.workflowId, ctx.now()))) {
        throw new AtomError('ATOM_ERR_WORKFLOW_NOT_FOUND', `no workflow has the id or name "${idOrName}"`);
      }
      await ctx.triggers.refresh();
      await ctx.record(request, {
        action: 'workflow.delete',
        target: { type: 'workflow', id: summary.workflowId, name: summary.name },
        data: { version: summary.version },
      });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/workflows/:idOrName/versions',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: TAGS,
        summary: 'Version history, newest first',
        params: ID_OR_NAME_PARAMS,
        response: {
          200: listOf({
            type: 'object',
            properties: { version: { type: 'integer' }, hash: { type: 'string' }, createdAt: { type: 'string' } },
          }),
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const summary = await findWorkflow(
        control,
        (request.params as { idOrName: string }).idOrName,
        workspaceOf(request),
      );
      const versions = await control.listWorkflowVersions(summary.workflowId);
      return { items: versions.map((v) => ({ version: v.version, hash: v.hash, createdAt: iso(v.createdAt) })) };
    },
  );

  const versionParams = {
    type: 'object',
    properties: { idOrName: { type: 'string', minLength: 1 }, version: { type: 'integer', minimum: 1 } },
    required: ['idOrName', 'version'],
    additionalProperties: false,
  } as const;

  async function loadVersion(idOrName: string, version: number, workspaceId: string) {
    const summary = await findWorkflow(control, idOrName, workspaceId);
    const record = await engine.store.getWorkflowVersion(summary.workflowId, version);
    if (!record)
      throw new AtomError('ATOM_ERR_WORKFLOW_NOT_FOUND', `workflow "${summary.name}" has no version ${version}`);
    return { summary, record };
  }

  app.get(
    '/api/v1/workflows/:idOrName/versions/:version',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: TAGS,
        summary: 'One version with its document',
        params: versionParams,
        response: { 200: VERSION_SCHEMA, 404: PROBLEM_REF, ...AUTH_ERRORS },
      },
    },
    async (request) => {
      const { idOrName, version } = request.params as { idOrName: string; version: number };
      return versionView((await loadVersion(idOrName, version, workspaceOf(request))).record);
    },
  );

  app.get(
    '/api/v1/workflows/:idOrName/diff',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: TAGS,
        summary: 'Changes between two versions (steps matched by id)',
        params: ID_OR_NAME_PARAMS,
        querystring: {
          type: 'object',
          properties: { from: { type: 'integer', minimum: 1 }, to: { type: 'integer', minimum: 1 } },
          required: ['from'],
          additionalProperties: false,
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              changes: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { path: { type: 'string' }, kind: { type: 'string' }, before: {}, after: {} },
                },
              },
            },
          },
          404: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const { idOrName } = request.params as { idOrName: string };
      const query = request.query as { from: number; to?: number };
      const from = await loadVersion(idOrName, query.from, workspaceOf(request));
      const to = await loadVersion(idOrName, query.to ?? from.summary.version, workspaceOf(request));
      return {
        from: from.record.version,
        to: to.record.version,
        changes: diffDocuments(from.record.document, to.record.document),
      };
    },
  );

  app.post(
    '/api/v1/workflows/:idOrName/rollback',
    {
      config: { permission: 'workflows.write' },
      schema: {
        tags: TAGS,
        summary: 'Make an old version current (stored as a new version with its document and source text)',
        params: ID_OR_NAME_PARAMS,
        headers: { type: 'object', properties: { 'if-match': { type: 'string' } } },
        body: {
          type: 'object',
          properties: { version: { type: 'integer', minimum: 1 } },
          required: ['version'],
          additionalProperties: false,
        },
        response: {
          200: { type: 'object', properties: { ...WRITE_ANSWER.properties, rolledBackTo: { type: 'integer' } } },
          404: PROBLEM_REF,
          409: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const { idOrName } = request.params as { idOrName: string };
      const { version } = request.body as { version: number };
      const { summary, record } = await loadVersion(idOrName, version, workspaceOf(request));
      const expected = parseIfMatch(request.headers['if-match'] as string | undefined) ?? summary.version;
      // The old text when it has one, so the new version's document is again the one parsed from it.
      const workflow = engine.compile(record.source ?? record.document);
      await ctx.triggers.refresh();
      checkHookPaths(ctx, summary.workspaceId, workflow, summary.workflowId);
      const stored = await control.putWorkflowVersionIf(
        summary.name,
        workflow.document,
        workflow.hash,
        ctx.now(),
        expected,
        summary.workspaceId,
        record.source,
      );
      await ctx.triggers.refresh();
      await ctx.record(request, {
        action: 'workflow.rollback',
        target: { type: 'workflow', id: stored.workflowId, name: stored.name },
        data: { version: stored.version, rolledBackTo: version },
      });
      reply.header('etag', `"${stored.version}"`);
      return {
        id: stored.workflowId,
        name: stored.name,
        version: stored.version,
        created: stored.created,
        rolledBackTo: version,
      };
    },
  );

  app.post(
    '/api/v1/workflows/validate',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: TAGS,
        summary: 'Validate a document without saving it',
        body: WORKFLOW_BODY,
        response: {
          200: {
            type: 'object',
            properties: {
              valid: { type: 'boolean' },
              errors: { type: 'array', items: { type: 'object', additionalProperties: true } },
            },
          },
          ...AUTH_ERRORS,
        },
      },
    },
    async (request) => {
      const result = engine.validate(request.body);
      return { valid: result.valid, errors: result.errors };
    },
  );

  for (const action of ['enable', 'disable'] as const) {
    app.post(
      `/api/v1/workflows/:idOrName/${action}`,
      {
        config: { permission: 'workflows.write' },
        schema: {
          tags: TAGS,
          summary: `${action === 'enable' ? 'Enable' : 'Disable'} the workflow's webhook, schedule and event triggers`,
          params: ID_OR_NAME_PARAMS,
          response: { 200: SUMMARY_SCHEMA, 404: PROBLEM_REF, ...AUTH_ERRORS },
        },
      },
      async (request) => {
        const summary = await findWorkflow(
          control,
          (request.params as { idOrName: string }).idOrName,
          workspaceOf(request),
        );
        await control.setTriggersEnabled(summary.workflowId, action === 'enable', ctx.now());
        await ctx.triggers.refresh();
        await ctx.record(request, {
          action: `workflow.triggers.${action}`,
          target: { type: 'workflow', id: summary.workflowId, name: summary.name },
        });
        return summaryView(await findWorkflow(control, summary.workflowId, summary.workspaceId));
      },
    );
  }
}
