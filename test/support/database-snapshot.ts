/**
 * What a database holds, read straight from its tables (not through the store): the row count of
 * every table, and a digest of the rows of the tables a request could change without adding a row
 * (an injected UPDATE, a role raised, a workflow renamed). Two snapshots that are equal mean the
 * request in between wrote nothing. Bookkeeping that moves on its own (worker heartbeats, the
 * last use of a token or a session, migration locks) is left out.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';

/** `<table>` → row count, and `<table>#rows` → digest of its rows for the tables in DIGESTED. */
export type Snapshot = Record<string, number | string>;

export interface DatabaseSnapshots {
  take(): Promise<Snapshot>;
  close(): Promise<void>;
}

const SKIPPED = new Set(['workers', 'sqlite_sequence', 'atom_migration_lock', 'atom_migration']);
const DIGESTED = new Set([
  'users',
  'api_tokens',
  'sessions',
  'workflows',
  'workflow_versions',
  'secrets',
  'variables',
  'workspace_settings',
  'runs',
  'steps',
]);
const VOLATILE_COLUMNS = new Set(['last_used_at', 'last_seen_at']);

function digest(rows: Record<string, unknown>[]): string {
  const lines = rows.map((row) =>
    JSON.stringify(
      Object.entries(row).filter(([column]) => !VOLATILE_COLUMNS.has(column)),
      (_key, value) => (typeof value === 'bigint' ? String(value) : value),
    ),
  );
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex');
}

/** Snapshots of the SQLite file `file`, read through a connection of its own. */
export function sqliteSnapshots(file: string): DatabaseSnapshots {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  return {
    async take() {
      const snapshot: Snapshot = {};
      const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
      for (const { name } of tables) {
        if (SKIPPED.has(name)) continue;
        snapshot[name] = (db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n;
        if (DIGESTED.has(name)) snapshot[`${name}#rows`] = digest(db.prepare(`select * from "${name}"`).all() as []);
      }
      return snapshot;
    },
    async close() {
      db.close();
    },
  };
}

/** Snapshots of the PostgreSQL database at `url` (its current schema). */
export function postgresSnapshots(url: string): DatabaseSnapshots {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  return {
    async take() {
      const snapshot: Snapshot = {};
      const tables = await pool.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'",
      );
      for (const { name } of tables.rows) {
        if (SKIPPED.has(name)) continue;
        const rows = await pool.query(`select * from "${name}"`);
        snapshot[name] = rows.rowCount ?? rows.rows.length;
        if (DIGESTED.has(name)) snapshot[`${name}#rows`] = digest(rows.rows);
      }
      return snapshot;
    },
    close: () => pool.end(),
  };
}

/**
 * What differs between two snapshots, as `table: before → after`. `expected` names the tables a
 * step may write to: a number is the exact count of rows it adds (their digest may change), `any`
 * lets the table change freely.
 */
export function snapshotChanges(
  before: Snapshot,
  after: Snapshot,
  expected: Readonly<Record<string, number | 'any'>> = {},
): string[] {
  const changes: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const table = key.replace(/#rows$/, '');
    const allowance = expected[table];
    if (allowance === 'any' || (allowance !== undefined && key !== table)) continue;
    const wanted = allowance === undefined ? before[key] : Number(before[key]) + allowance;
    if (after[key] !== wanted) changes.push(`${key}: ${before[key]} → ${after[key]}`);
  }
  return changes;
}
