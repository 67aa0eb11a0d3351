/**
 * GET /api/v1/audit: the workspace's audit log, oldest first, filtered (from, to, actor, action,
 * target) and paged by `after` (a seq); `format=jsonl` or `format=csv` streams every matching
 * entry as a download instead.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AUTH_ERRORS, PROBLEM_REF } from '../app/schemas.js';
import { workspaceOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { toCsv } from './audit-csv.js';
import type { AuditEntry } from './audit-entry.js';
import { type AuditFilter, matchesFilter, parseAuditFilter } from './audit-filter.js';
import { toJsonl } from './audit-jsonl.js';

/** A page reads at most this many rows looking for matches, so a narrow filter cannot scan forever. */
const SCAN_LIMIT = 10_000;

async function* matching(
  ctx: ServerContext,
  workspaceId: string,
  filter: AuditFilter,
  after: number,
): AsyncGenerator<AuditEntry> {
  for await (const entry of ctx.audit.entries(workspaceId, after)) {
    if (matchesFilter(entry, filter)) yield entry;
  }
}

export async function auditRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log (hash-chained), filtered; JSON pages, or a JSONL/CSV export',
        querystring: {
          type: 'object',
          properties: {
            from: { type: 'string', description: 'ISO time, inclusive' },
            to: { type: 'string', description: 'ISO time, exclusive' },
            actor: { type: 'string', description: 'email or id' },
            action: { type: 'string', description: 'exact, or a prefix such as `workflow.*`' },
            target: { type: 'string', description: '`type` or `type:id`' },
            after: { type: 'integer', minimum: 0, default: 0, description: 'seq of the last entry already read' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            format: { type: 'string', enum: ['json', 'jsonl', 'csv'], default: 'json' },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            description: 'JSON: `{ items, nextAfter }`; JSONL or CSV: the export as a download.',
            type: 'object',
            properties: {
              items: { type: 'array', items: { type: 'object', additionalProperties: true } },
              nextAfter: { type: ['integer', 'null'] },
            },
          },
          400: PROBLEM_REF,
          ...AUTH_ERRORS,
        },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown> & { after: number; limit: number; format: string };
      const filter = parseAuditFilter(query);
      const workspaceId = workspaceOf(request);
      if (query.format !== 'json') {
        const entries = matching(ctx, workspaceId, filter, 0);
        const lines = query.format === 'csv' ? toCsv(entries) : toJsonl(entries);
        const ext = query.format === 'csv' ? 'csv' : 'jsonl';
        return reply
          .type(query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
          .header('content-disposition', `attachment; filename="atom-audit.${ext}"`)
          .send(Readable.from(lines));
      }
      const items: AuditEntry[] = [];
      let scanned = 0;
      let last = query.after;
      for await (const entry of ctx.audit.entries(workspaceId, query.after)) {
        scanned++;
        last = entry.seq;
        if (matchesFilter(entry, filter)) items.push(entry);
        if (items.length >= query.limit || scanned >= SCAN_LIMIT) break;
      }
      const more = items.length >= query.limit || scanned >= SCAN_LIMIT;
      return { items, nextAfter: more ? last : null };
    },
  );
}
