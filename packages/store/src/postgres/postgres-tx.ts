/**
 * The query functions behind the StoreTx of the PostgreSQL store (bound by shared/store-tx.ts; the
 * modules' other exports are ignored there). `getRun` takes the run row's lock, which is what
 * serialises the units that touch one run.
 */
import { admissionQueries } from '../shared/admission-queries.js';
import type { TxQueries } from '../shared/store-tx.js';
import { appendEvents } from './event-queries.js';
import * as runs from './run-queries.js';
import * as steps from './step-queries.js';

const admission = admissionQueries({
  limited: `select id, workflow_id as "workflowId", max_concurrent as "maxConcurrent" from runs
    where id = any($1::text[]) and status = 'queued' and max_concurrent is not null
    order by priority desc, created_at, id`,
  ids: (runIds) => runIds,
  // Class 'ATOM' + 1 (0x41544f4e); the migration lock uses 'ATOM'.
  lock: 'select pg_advisory_xact_lock(1096044366, hashtext($1))',
  active: "select count(*)::int as n from runs where workflow_id = $1 and status in ('running', 'waiting')",
});

export const POSTGRES_TX_QUERIES: TxQueries = {
  ...runs,
  ...steps,
  ...admission,
  getRun: runs.lockRun,
  appendEvents,
};
