/**
 * The spreadsheet export: CSV (RFC 4180). In: entries, as a stream. Out: a header row, then one row
 * per entry, each ending in CRLF. The fixed objects (actor, target, source) get one column per field,
 * `data` is its canonical JSON text in one column, `at` is ISO 8601 UTC, null is an empty cell.
 *
 * Cells that a spreadsheet would run as a formula — starting with = + - @ tab or CR — get a leading
 * single quote (OWASP's CSV-injection advice). That changes such values (a `data` of -5 reads '-5),
 * so CSV is for reading; JSONL is the lossless export to verify or re-import.
 */
import { canonicalJson } from '@atom/spec';
import type { AuditEntry } from './audit-entry.js';

const COLUMNS: readonly [string, (entry: AuditEntry) => unknown][] = [
  ['seq', (e) => e.seq],
  ['at', (e) => isoTime(e.at)],
  ['workspaceId', (e) => e.workspaceId],
  ['actor.type', (e) => e.actor.type],
  ['actor.id', (e) => e.actor.id],
  ['actor.email', (e) => e.actor.email],
  ['action', (e) => e.action],
  ['target.type', (e) => e.target.type],
  ['target.id', (e) => e.target.id],
  ['target.name', (e) => e.target.name],
  ['source.ip', (e) => e.source.ip],
  ['source.userAgent', (e) => e.source.userAgent],
  ['data', (e) => (e.data === null || e.data === undefined ? null : canonicalJson(e.data))],
  ['prevHash', (e) => e.prevHash],
  ['hash', (e) => e.hash],
];

/** The header row's column names, in order. */
export const AUDIT_CSV_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

/** @example for await (const row of toCsv(entries)) response.write(row); */
export async function* toCsv(entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>): AsyncIterable<string> {
  yield row(AUDIT_CSV_COLUMNS);
  for await (const entry of entries) yield row(COLUMNS.map(([, read]) => read(entry)));
}

/** One CSV cell: formula-looking text defused, then quoted when it holds a comma, quote, CR or LF. */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'string' ? value : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function row(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

function isoTime(at: number): string {
  const date = new Date(at);
  // A row read back with a corrupt `at` still exports; verifyChain is what flags it.
  return Number.isNaN(date.getTime()) ? String(at) : date.toISOString();
}
