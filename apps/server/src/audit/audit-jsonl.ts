/**
 * The lossless export: JSON Lines. In: entries, as a stream. Out: one line per entry, each the
 * canonical JSON of the entry's fields (an adapter's extra columns are left out) and a `\n`.
 * Canonical JSON escapes newlines inside strings, so a line is always one entry, and parsing the
 * lines back gives entries that `verifyChain` accepts.
 */
import { canonicalJson } from '@atom/spec';
import { entryContent } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';

/** @example for await (const line of toJsonl(entries)) response.write(line); */
export async function* toJsonl(entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>): AsyncIterable<string> {
  for await (const entry of entries) yield `${canonicalJson({ ...entryContent(entry), hash: entry.hash })}\n`;
}
