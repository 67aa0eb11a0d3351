/**
 * How a database's schema compares with the migrations this program knows, read without changing
 * anything (for `atom doctor`): which are applied, which `migrate()` would apply, and which the
 * database has but this program does not know — a database migrated by a newer Atom, which this
 * version must not open.
 * In: the names this program knows and the names the database recorded. Out: SchemaStatus.
 */

export interface SchemaStatus {
  /** False when the database (SQLite file, or the schema's migration table) does not exist yet. */
  exists: boolean;
  applied: string[];
  /** Known here, not yet applied: `atom migrate` (or any start) applies them. */
  pending: string[];
  /** Applied, but unknown to this program: the database belongs to a newer Atom. */
  unknown: string[];
}

export function compareMigrations(known: readonly string[], applied: readonly string[], exists = true): SchemaStatus {
  const done = new Set(applied);
  const knownSet = new Set(known);
  return {
    exists,
    applied: [...applied].sort(),
    pending: known.filter((name) => !done.has(name)),
    unknown: applied.filter((name) => !knownSet.has(name)).sort(),
  };
}
