/**
 * What the workflow catalogue keeps of a workflow's newest document, on the `workflows` row, so that
 * listing and searching read one table: its `description`, and the text a search matches.
 * Lower-cased here, not by the database: SQLite's lower() folds only ASCII and PostgreSQL's depends on
 * the server's locale; both adapters must find the same workflows.
 *
 * Migration 0002 fills these columns with these functions. Change them and the stored values of
 * existing workflows go stale: add a migration that recomputes them.
 */

/** The document's `description`, when it is a string. */
export function describeDocument(document: unknown): string | null {
  if (typeof document !== 'object' || document === null) return null;
  const { description } = document as { description?: unknown };
  return typeof description === 'string' ? description : null;
}

/** Name and description, lower-cased: what `listWorkflows({ search })` looks in. */
export function searchText(name: string, description: string | null): string {
  return (description === null ? name : `${name}\n${description}`).toLowerCase();
}

/** A LIKE pattern (escape character `\`) matching text that contains `search`, case-insensitively. */
export function containsPattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
