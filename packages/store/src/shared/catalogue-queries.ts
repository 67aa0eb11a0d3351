/**
 * The workflow catalogue (ControlStore) for either adapter: summaries, the listing with search and
 * a name cursor, version history, triggers switch, soft delete, trigger sources. Everything reads
 * the `workflows` row, which holds the newest version's number, description and search text
 * (written with each version, workflow-versions.ts); only trigger sources join the document.
 *
 * In: a SqlDialect, then ids, names, queries. Out: WorkflowSummary / VersionSummary / TriggerSource.
 * Names order and compare byte by byte in both databases (PostgreSQL: the column's "C" collation).
 */
import type { TriggerSource, VersionSummary, WorkflowListQuery, WorkflowSummary } from '../control/control-store.js';
import { containsPattern } from './catalogue-text.js';
import type { SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

const SUMMARY_COLUMNS = `id as "workflowId", workspace_id as "workspaceId", name, version, description, triggers_enabled as "triggersEnabled",
  created_at as "createdAt", updated_at as "updatedAt", deleted_at as "deletedAt"`;
const DOCUMENT: readonly string[] = ['document'];

/** SQLite has no boolean: `triggers_enabled` reads back as 0 or 1 there. */
type SummaryRow = Omit<WorkflowSummary, 'triggersEnabled'> & { triggersEnabled: boolean | number };

function toSummary(row: SummaryRow): WorkflowSummary {
  const deletedAt = row.deletedAt === null ? null : Number(row.deletedAt);
  return { ...row, triggersEnabled: Boolean(row.triggersEnabled), deletedAt };
}

/** The catalogue queries with their SQL written once for `d`. */
export function catalogueQueries(d: SqlDialect) {
  const p = d.param;
  // An exact id wins over a live workflow whose name happens to equal it; another workspace's is never found.
  const SUMMARY = `select ${SUMMARY_COLUMNS} from workflows
  where workspace_id = ${p(1)} and (id = ${p(2)} or (name = ${p(3)} and deleted_at is null))
  order by id = ${p(4)} desc limit 1`;
  const VERSIONS = `select version, hash, created_at as "createdAt" from workflow_versions
  where workflow_id = ${p(1)} order by version desc`;
  // `triggers_enabled` takes 0 or 1: better-sqlite3 binds no booleans, PostgreSQL reads '1' as true.
  const SET_TRIGGERS = `update workflows set triggers_enabled = ${p(1)}, changed_at = ${p(2)}
  where id = ${p(3)} and deleted_at is null`;
  const DELETE = `update workflows set deleted_at = ${p(1)}, changed_at = ${p(2)} where id = ${p(3)} and deleted_at is null`;
  // Every column a trigger source depends on, summed over the catalogue (one scan of `workflows`).
  const STAMP = `select count(*) as n, coalesce(sum(changed_at), 0) as changed, coalesce(max(changed_at), 0) as last,
  coalesce(sum(version), 0) as versions, coalesce(sum(case when triggers_enabled then 1 else 0 end), 0) as enabled,
  count(deleted_at) as deleted from workflows`;
  const TRIGGER_SOURCES = `select w.id as "workflowId", w.workspace_id as "workspaceId", w.name, w.version, v.document
  from workflows w join workflow_versions v on v.workflow_id = w.id and v.version = w.version
  where w.deleted_at is null and w.triggers_enabled order by w.workspace_id, w.name`;
  /** The listing by shape: [search][cursor]; placeholders in text order, the limit last. */
  const LIST = [false, true].map((search) =>
    [false, true].map((after) => {
      const where = [`workspace_id = ${p(1)}`, 'deleted_at is null'];
      let n = 1;
      // The pattern is lower-cased like search_text, so LIKE's own (ASCII) case rules never matter.
      if (search) where.push(`search_text like ${p(++n)} escape '\\'`);
      if (after) where.push(`name > ${p(++n)}`);
      return `select ${SUMMARY_COLUMNS} from workflows where ${where.join(' and ')} order by name limit ${p(++n)}`;
    }),
  );

  return {
    async getWorkflowSummary(
      exec: SqlExecutor,
      idOrName: string,
      workspaceId: string,
    ): Promise<WorkflowSummary | undefined> {
      const [row] = await exec.all<SummaryRow>(SUMMARY, [workspaceId, idOrName, idOrName, idOrName]);
      return row === undefined ? undefined : toSummary(row);
    },
    async listWorkflows(exec: SqlExecutor, query: WorkflowListQuery): Promise<WorkflowSummary[]> {
      const search = query.search === undefined || query.search === '' ? undefined : containsPattern(query.search);
      const params: unknown[] = [query.workspaceId];
      if (search !== undefined) params.push(search);
      if (query.afterName !== undefined) params.push(query.afterName);
      params.push(query.limit);
      const sql = LIST[search === undefined ? 0 : 1]?.[query.afterName === undefined ? 0 : 1] as string;
      return (await exec.all<SummaryRow>(sql, params)).map(toSummary);
    },
    async listWorkflowVersions(exec: SqlExecutor, workflowId: string): Promise<VersionSummary[]> {
      return exec.all<VersionSummary>(VERSIONS, [workflowId]);
    },
    async setTriggersEnabled(exec: SqlExecutor, workflowId: string, enabled: boolean, now: number): Promise<boolean> {
      return (await exec.run(SET_TRIGGERS, [enabled ? 1 : 0, now, workflowId])) > 0;
    },
    async deleteWorkflow(exec: SqlExecutor, workflowId: string, now: number): Promise<boolean> {
      return (await exec.run(DELETE, [now, now, workflowId])) > 0;
    },
    async listTriggerSources(exec: SqlExecutor): Promise<TriggerSource[]> {
      return d.decodeRows<TriggerSource>(await exec.all<object>(TRIGGER_SOURCES), DOCUMENT);
    },
    async triggerSourcesStamp(exec: SqlExecutor): Promise<string> {
      const [row] = await exec.all<Record<string, number | string>>(STAMP);
      return row ? Object.values(row).map(String).join(':') : '';
    },
  };
}
