/**
 * A table's columns described once for both adapters: each column's record field, whether it holds
 * JSON, and whether a patch may set it. Queries select the columns aliased to the field names
 * (`run_id as "runId"`), so a row already has the record's shape; only JSON columns still need
 * decoding where the driver returns text (SQLite; pg parses `jsonb` itself).
 *
 * In: a column table. Out: select lists, the JSON fields, the patchable columns.
 */

export interface Column<F extends string = string> {
  column: string;
  field: F;
  json: boolean;
  /** Settable by a patch (RunPatch, StepPatch). */
  patch: boolean;
}

/** One column; `json` and `patch` default to false. */
export function column<F extends string>(name: string, field: F, json = false, patch = false): Column<F> {
  return { column: name, field, json, patch };
}

/** `run_id as "runId", …`; `table` qualifies each column (`s` gives `s.run_id as "runId"`). */
export function selectList(columns: readonly Column[], table?: string): string {
  const prefix = table === undefined ? '' : `${table}.`;
  return columns
    .map(({ column, field }) => (column === field ? `${prefix}${column}` : `${prefix}${column} as "${field}"`))
    .join(', ');
}

/** The aliases alone (`"runId", "key", …`), to select them again from a CTE. */
export function fieldList(columns: readonly Column[]): string {
  return columns.map(({ field }) => `"${field}"`).join(', ');
}

/** The fields of the JSON columns: those a driver returning text must parse. */
export function jsonFields<F extends string>(columns: readonly Column<F>[]): readonly F[] {
  return columns.filter((c) => c.json).map((c) => c.field);
}

/** The columns a patch may set, in table order (the order of the `set` list). */
export function patchColumns(columns: readonly Column[]): readonly Column[] {
  return columns.filter((c) => c.patch);
}
