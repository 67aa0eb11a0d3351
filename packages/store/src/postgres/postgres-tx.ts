/**
 * The query functions behind the StoreTx of the PostgreSQL store (bound by shared/store-tx.ts; the
 * modules' other exports are ignored there). `getRun` takes the run row's lock, which is what
 * serialises the units that touch one run.
 */
import type { TxQueries } from '../shared/store-tx.js';
import { appendEvents } from './event-queries.js';
import * as runs from './run-queries.js';
import * as steps from './step-queries.js';

export const POSTGRES_TX_QUERIES: TxQueries = { ...runs, ...steps, getRun: runs.lockRun, appendEvents };
