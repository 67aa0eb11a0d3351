/**
 * One page of a workspace's runs, newest first, for the routes that list runs (runs, deliveries):
 * resolves the `workflow` filter (an id or a name of the workspace; a deleted workflow's runs stay
 * listable by id), decodes the cursor, and returns the page with the cursor of the next one.
 */
import type { RunFilter, RunRecord } from '@atom/engine';
import { decodeCursor, encodeCursor } from '../app/page-cursor.js';
import type { ServerContext } from '../server-context.js';

export interface RunPageQuery {
  workflow?: string;
  cursor?: string;
  limit: number;
}

interface Position {
  createdAt: number;
  id: string;
}

const isPosition = (v: unknown): v is Position =>
  typeof (v as Position | null)?.createdAt === 'number' && typeof (v as Position | null)?.id === 'string';

export async function listRunPage(
  ctx: ServerContext,
  workspaceId: string,
  query: RunPageQuery,
  filter: RunFilter,
): Promise<{ runs: RunRecord[]; nextCursor: string | null }> {
  const full: RunFilter = { ...filter, workspaceId, limit: query.limit + 1 };
  if (query.workflow) {
    const summary = await ctx.control.getWorkflowSummary(query.workflow, workspaceId);
    if (summary) full.workflowId = summary.workflowId;
    else full.workflowName = query.workflow;
  }
  if (query.cursor) full.after = decodeCursor(query.cursor, isPosition);
  const runs = await ctx.engine.store.listRuns(full);
  const page = runs.slice(0, query.limit);
  const last = page.at(-1);
  return {
    runs: page,
    nextCursor: runs.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null,
  };
}
