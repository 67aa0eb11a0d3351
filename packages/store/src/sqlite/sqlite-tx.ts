/**
 * The query functions behind the StoreTx of the SQLite store (bound by shared/store-tx.ts; the
 * modules' other exports are ignored there). In SQLite the unit holds the database's write lock
 * from its first statement, so `getRun` needs no extra lock to serialise units that touch one run.
 */
import { admissionQueries } from '../shared/admission-queries.js';
import type { TxQueries } from '../shared/store-tx.js';
import { appendEvents } from './event-queries.js';
import * as runs from './run-queries.js';
import * as steps from './step-queries.js';

// The unit holds the write lock: no lock of its own is needed.
const admission = admissionQueries({
  limited: `select id, workflow_id as "workflowId", max_concurrent as "maxConcurrent" from runs
    where id in (select value from json_each(?)) and status = 'queued' and max_concurrent is not null
    order by priority desc, created_at, id`,
  ids: (runIds) => JSON.stringify(runIds),
  lock: null,
  active: "select count(*) as n from runs where workflow_id = ? and status in ('running', 'waiting')",
});

export const SQLITE_TX_QUERIES: TxQueries = { ...runs, ...steps, ...admission, appendEvents };
