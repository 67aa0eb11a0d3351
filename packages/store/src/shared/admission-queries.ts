/**
 * Admission of queued runs under their workflow's `concurrency` (ADR 0007): a run is `queued` until
 * its first step is claimed; a workflow with a limit has at most that many runs `running` or
 * `waiting`. The claim query already skips the steps of queued runs beyond the limit (see
 * queue-order.ts); this check, in the claim's own unit, settles races between claimers: PostgreSQL
 * takes a transaction lock per workflow first, so two units never both admit the last free slot.
 *
 * In: run ids of a claim and a per-workflow lock. Out: the ids of the queued runs that must wait.
 */
import type { SqlExecutor } from './sql-executor.js';

interface LimitedRun {
  id: string;
  workflowId: string;
  maxConcurrent: number;
}

export interface AdmissionSql {
  /** Limited queued runs among the ids (one list parameter). */
  limited: string;
  /** The list parameter of `limited`. */
  ids(runIds: readonly string[]): unknown;
  /** Takes the workflow's admission lock until the unit ends (PostgreSQL); null when the unit already serialises. */
  lock: string | null;
  /** Runs of one workflow (one parameter) that hold a slot. */
  active: string;
}

export function admissionQueries(sql: AdmissionSql) {
  return {
    async refusedAdmissions(exec: SqlExecutor, runIds: readonly string[]): Promise<string[]> {
      if (runIds.length === 0) return [];
      const limited = await exec.all<LimitedRun>(sql.limited, [sql.ids(runIds)]);
      if (limited.length === 0) return [];
      const byWorkflow = new Map<string, LimitedRun[]>();
      for (const run of limited) byWorkflow.set(run.workflowId, [...(byWorkflow.get(run.workflowId) ?? []), run]);
      const refused: string[] = [];
      // One global order of locks, so two claimers never wait for each other in a circle.
      for (const workflowId of [...byWorkflow.keys()].sort()) {
        if (sql.lock) await exec.all(sql.lock, [workflowId]);
        const [row] = await exec.all<{ n: number }>(sql.active, [workflowId]);
        const runs = byWorkflow.get(workflowId) ?? [];
        let free = (runs[0]?.maxConcurrent ?? 0) - Number(row?.n ?? 0);
        for (const run of runs) {
          if (free > 0) free--;
          else refused.push(run.id);
        }
      }
      return refused;
    },
  };
}
