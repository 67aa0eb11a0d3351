/**
 * The SQL of the rate-limit counters for SQLite and PostgreSQL: the table, the one-statement
 * upsert that applies a GCRA step, and the prune of expired rows. The lead's migrations and stores
 * take these texts as they are.
 *
 * Table `rate_limits`: one row per key — `tat_us`, the key's TAT in µs since the epoch, and
 * `admitted`, whether the last step was admitted (what RETURNING reports: the row after the
 * statement cannot otherwise tell an admission from a refusal).
 *
 * The upsert, in: the key, `fresh` (= now + increment: the TAT of a key without a row), `latest`
 * (= now + tolerance − increment: the largest stored TAT that still admits), now, increment.
 * Out: one row `{ tat_us, admitted }`. The step is `gcraUpdate` rewritten around `latest`:
 * max(tat, now) + increment − now ≤ tolerance ⇔ tat ≤ latest (as increment ≤ tolerance). Every
 * SET expression reads the row as it was before the statement, and the row is locked between the
 * conflict check and the write (SQLite: one writer; PostgreSQL: ON CONFLICT DO UPDATE takes the row
 * lock and re-reads the newest version), so concurrent statements on one key run one after another.
 */
import type { GcraStep } from './gcra.js';

/** The statements of one SQL dialect, and the parameters of `take` in the order its text uses them. */
export interface RateLimitSql {
  /** DDL of the table. */
  readonly createTable: string;
  /** Upsert applying one step; returns `{ tat_us, admitted }`. */
  readonly take: string;
  /** Deletes rows whose TAT is not after the one parameter (now in µs); run now and then. */
  readonly prune: string;
  /** The parameters of `take`. */
  takeParams(key: string, step: GcraStep): unknown[];
}

/** The parts of the upsert's parameters both dialects use. */
function stepValues(step: GcraStep): { fresh: number; latest: number } {
  return {
    fresh: step.nowUs + step.incrementUs,
    latest: step.nowUs + step.toleranceUs - step.incrementUs,
  };
}

/** SQLite (3.35+ for RETURNING): `?` placeholders, one value per occurrence. */
export const SQLITE_RATE_LIMIT_SQL: RateLimitSql = {
  createTable: `create table rate_limits (
  key text primary key,
  tat_us integer not null,
  admitted integer not null
) without rowid`,
  take: `insert into rate_limits (key, tat_us, admitted) values (?, ?, 1)
on conflict (key) do update set
  tat_us = case when rate_limits.tat_us <= ? then max(rate_limits.tat_us, ?) + ? else rate_limits.tat_us end,
  admitted = rate_limits.tat_us <= ?
returning tat_us, admitted`,
  prune: 'delete from rate_limits where tat_us <= ?',
  takeParams(key, step) {
    const { fresh, latest } = stepValues(step);
    return [key, fresh, latest, step.nowUs, step.incrementUs, latest];
  },
};

/**
 * PostgreSQL: `$n` placeholders. The table is UNLOGGED (no WAL: a crash empties it, which only
 * hands out fresh bursts) and leaves room in each page so the per-request updates stay HOT; no
 * index on `tat_us` for the same reason — an indexed column that changes defeats HOT updates.
 */
export const POSTGRES_RATE_LIMIT_SQL: RateLimitSql = {
  createTable: `create unlogged table rate_limits (
  key text primary key,
  tat_us bigint not null,
  admitted boolean not null
) with (fillfactor = 70)`,
  take: `insert into rate_limits as r (key, tat_us, admitted) values ($1, $2::bigint, true)
on conflict (key) do update set
  tat_us = case when r.tat_us <= $3::bigint then greatest(r.tat_us, $4::bigint) + $5::bigint else r.tat_us end,
  admitted = r.tat_us <= $3::bigint
returning tat_us, admitted`,
  prune: 'delete from rate_limits where tat_us <= $1::bigint',
  takeParams(key, step) {
    const { fresh, latest } = stepValues(step);
    return [key, fresh, latest, step.nowUs, step.incrementUs];
  },
};
