/**
 * GET /api/v1/nodes: the node types this server can run, each with its JSON input schema. The
 * Studio builds a step's form from the schema and validates drafts in the browser with the same
 * catalog the server's validator uses.
 */
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, listOf } from '../app/schemas.js';
import type { ServerContext } from '../server-context.js';

const NODE_SCHEMA = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    version: { type: 'integer' },
    title: { type: 'string' },
    description: { type: 'string' },
    inputSchema: { type: 'object', additionalProperties: true },
    deferredInputs: { type: 'array', items: { type: 'string' } },
  },
} as const;

export async function nodeRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/v1/nodes',
    {
      config: { permission: 'workflows.read' },
      schema: {
        tags: ['workflows'],
        summary: 'Node types with their JSON input schemas, by type',
        response: { 200: listOf(NODE_SCHEMA), ...AUTH_ERRORS },
      },
    },
    async () => {
      const nodes = [...ctx.engine.nodes.list()].sort((a, b) => a.type.localeCompare(b.type));
      return {
        items: nodes.map((node) => ({
          type: node.type,
          version: node.version,
          title: node.title,
          description: node.description,
          inputSchema: node.inputSchema,
          deferredInputs: [...node.deferredInputs],
        })),
      };
    },
  );
}
