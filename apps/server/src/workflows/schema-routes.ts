/** GET /api/v1/schema: the JSON Schema of the workflow format, for editors and generators. Public. */
import { workflowJsonSchema } from '@atom/spec';
import type { FastifyInstance } from 'fastify';

export async function schemaRoutes(app: FastifyInstance): Promise<void> {
  const schema = workflowJsonSchema();
  app.get(
    '/api/v1/schema',
    {
      config: { public: true },
      schema: { tags: ['workflows'], summary: 'JSON Schema (2020-12) of workflow format v1' },
    },
    async () => schema,
  );
}
