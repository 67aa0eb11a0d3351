/**
 * The query functions behind the StoreTx of the SQLite store (bound by shared/store-tx.ts; the
 * modules' other exports are ignored there). In SQLite the unit holds the database's write lock
 * from its first statement, so `getRun` needs no extra lock to serialise units that touch one run.
 */
import type { TxQueries } from '../shared/store-tx.js';
import { appendEvents } from './event-queries.js';
import * as runs from './run-queries.js';
import * as steps from './step-queries.js';

export const SQLITE_TX_QUERIES: TxQueries = { ...runs, ...steps, appendEvents };
