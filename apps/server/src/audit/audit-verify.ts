/**
 * Verifies a chain as a stream, one entry at a time, in O(1) memory: it keeps the previous entry's
 * link, the highest seq seen and the first `maxProblems` problems. In: the entries of one workspace
 * in seq order (as the store reads them, or as an export's lines parse). Out: a report of every
 * problem with its seq and kind, counts, and the last seq up to which the chain is intact.
 */

import { entryHash, GENESIS_HASH } from './audit-chain.js';
import type { AuditEntry, ChainLink } from './audit-entry.js';

/**
 * - `edited`: the hash does not match the content (a field changed, the hash was left).
 * - `broken-link`: prevHash is not the previous entry's hash (a row deleted, inserted, or rewritten
 *   together with its hash — then the link of the row after it breaks).
 * - `gap`: seq jumps forward (a row deleted, or the next one comes later: out of order).
 * - `duplicate`: the same seq as the entry just before.
 * - `reordered`: a seq lower than one already seen.
 * - `head-mismatch`: the entry at the kept head's seq has another hash (the chain was rewritten).
 * - `truncated`: the chain ends before the kept head's seq (the last rows were deleted).
 * - `malformed`: not an entry (no integer seq, or hash / prevHash not strings); treated as absent.
 */
export type ChainProblemKind =
  | 'edited'
  | 'broken-link'
  | 'gap'
  | 'duplicate'
  | 'reordered'
  | 'head-mismatch'
  | 'truncated'
  | 'malformed';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** The seq of the entry where the problem shows; for `truncated` the first missing seq; null for a `malformed` entry without one. */
  seq: number | null;
  message: string;
}

export interface ChainReport {
  /** True when no problem was found. */
  ok: boolean;
  /** Entries read, malformed ones included. */
  entries: number;
  /** The first `maxProblems` problems, in the order found. */
  problems: ChainProblem[];
  /** All problems found, including those not kept in `problems`. */
  problemCount: number;
  /** Problems found per kind, including those not kept in `problems`. */
  counts: Record<ChainProblemKind, number>;
  /** Every entry up to this seq verified (content, order, link); 0 when none did (or `after.seq`). */
  lastGoodSeq: number;
  /** The link of the last entry read: keep it as the next `expectedHead`, but only from a report that is `ok`. */
  head: ChainLink | null;
}

export interface VerifyOptions {
  /**
   * A head kept apart from the log (another store, a signed receipt, the last verified report).
   * Without it, deleting the last rows of a chain — or rewriting the chain and every hash after an
   * edit — leaves a chain that verifies: nothing after the last row points at it.
   */
  expectedHead?: ChainLink;
  /** Verify from a checkpoint: the link of the entry just before the first one given. Default: genesis. */
  after?: ChainLink;
  /** How many problems the report keeps in `problems` (counts stay exact). Default 1000. */
  maxProblems?: number;
}

/**
 * Reads the entries once, in the order given, and reports every problem. Each entry gets three
 * independent checks — its content against its hash, its seq against the previous one, its prevHash
 * against the previous hash — so one tampering can show as more than one problem (a deleted row is
 * a `gap` and a `broken-link` on the row after it).
 *
 * @example
 * const report = await verifyChain(store.auditEntries(workspaceId), { expectedHead: await heads.get(workspaceId) });
 * if (!report.ok) alert(report.problems);
 */
export async function verifyChain(
  entries: AsyncIterable<AuditEntry> | Iterable<AuditEntry>,
  options: VerifyOptions = {},
): Promise<ChainReport> {
  const maxProblems = options.maxProblems ?? 1000;
  const expected = options.expectedHead;
  const counts: Record<ChainProblemKind, number> = {
    edited: 0,
    'broken-link': 0,
    gap: 0,
    duplicate: 0,
    reordered: 0,
    'head-mismatch': 0,
    truncated: 0,
    malformed: 0,
  };
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  const report = (kind: ChainProblemKind, seq: number | null, message: string): void => {
    counts[kind]++;
    problemCount++;
    if (problems.length < maxProblems) problems.push({ kind, seq, message });
  };

  let previous: ChainLink = options.after ?? { seq: 0, hash: GENESIS_HASH };
  let highest = previous.seq;
  let lastGoodSeq = previous.seq;
  let intact = true;
  let count = 0;
  let head: ChainLink | null = null;

  for await (const entry of entries) {
    count++;
    if (!isEntryLike(entry)) {
      const raw = (entry as { seq?: unknown } | null)?.seq;
      const seq = typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : null;
      report('malformed', seq, `entry ${count} of the stream is not an audit entry`);
      intact = false;
      continue;
    }
    const before = problemCount;
    const { seq } = entry;
    if (entryHash(entry) !== entry.hash) report('edited', seq, `seq ${seq}: the content does not match its hash`);
    if (seq === previous.seq) {
      report('duplicate', seq, `seq ${seq} appears twice in a row`);
    } else if (seq <= highest) {
      report('reordered', seq, `seq ${seq} comes after seq ${highest}`);
    } else if (seq > highest + 1) {
      const missing = seq - highest - 1;
      report(
        'gap',
        seq,
        `seq jumps from ${highest} to ${seq}: ${missing} entr${missing === 1 ? 'y' : 'ies'} missing or out of order`,
      );
    }
    if (entry.prevHash !== previous.hash) {
      report('broken-link', seq, `seq ${seq}: prevHash is not the hash of the entry before it (seq ${previous.seq})`);
    }
    if (expected !== undefined && seq === expected.seq && entry.hash !== expected.hash) {
      report('head-mismatch', seq, `seq ${seq}: the hash differs from the kept head's: the chain was rewritten`);
    }
    if (intact && problemCount === before) lastGoodSeq = seq;
    else intact = false;
    previous = { seq, hash: entry.hash };
    highest = Math.max(highest, seq);
    head = previous;
  }

  if (expected !== undefined && highest < expected.seq) {
    report('truncated', highest + 1, `the chain ends at seq ${highest} but the kept head is seq ${expected.seq}`);
  }
  return { ok: problemCount === 0, entries: count, problems, problemCount, counts, lastGoodSeq, head };
}

function isEntryLike(entry: unknown): entry is AuditEntry {
  if (typeof entry !== 'object' || entry === null) return false;
  const { seq, hash, prevHash } = entry as Partial<AuditEntry>;
  return Number.isSafeInteger(seq) && typeof hash === 'string' && typeof prevHash === 'string';
}
