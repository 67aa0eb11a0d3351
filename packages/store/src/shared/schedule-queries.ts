/**
 * Schedule marks (ControlStore): per workflow and schedule trigger, the last fire time handled.
 * Advancing is one upsert whose update applies only to a later time, so the mark never moves back,
 * and two processes advancing at once end on the later of their times (PostgreSQL re-checks the
 * condition on the row as the first writer left it).
 *
 * In: a SqlDialect, then workflow id, trigger key, fire time (epoch ms). Out: the mark.
 */
import { paramList, type SqlDialect } from './sql-dialect.js';
import type { SqlExecutor } from './sql-executor.js';

/** The schedule mark queries with their SQL written once for `d`. */
export function scheduleQueries(d: SqlDialect) {
  const GET_MARK = `select fire_at as "fireAt" from schedule_marks where workflow_id = ${d.param(1)} and trigger_key = ${d.param(2)}`;
  const ADVANCE = `insert into schedule_marks (workflow_id, trigger_key, fire_at) values ${paramList(d, 3)}
  on conflict (workflow_id, trigger_key) do update set fire_at = excluded.fire_at
  where schedule_marks.fire_at < excluded.fire_at`;

  return {
    async getScheduleMark(exec: SqlExecutor, workflowId: string, triggerKey: string): Promise<number | undefined> {
      const [row] = await exec.all<{ fireAt: number }>(GET_MARK, [workflowId, triggerKey]);
      return row?.fireAt;
    },
    async advanceScheduleMark(
      exec: SqlExecutor,
      workflowId: string,
      triggerKey: string,
      fireAt: number,
    ): Promise<void> {
      await exec.run(ADVANCE, [workflowId, triggerKey, fireAt]);
    },
  };
}
