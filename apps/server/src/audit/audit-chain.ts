/**
 * The hash chain: each entry's hash covers its own content and the hash of the entry before it, so
 * changing, removing or inserting a row breaks every later link. In: the previous entry's link and a
 * draft. Out: the entry to append. Pure and deterministic across processes (canonical JSON, sha256).
 */
import { createHash } from 'node:crypto';
import { AtomError } from '@atom/errors';
import { canonicalJson } from '@atom/spec';
import {
  AUDIT_ACTION_PATTERN,
  AUDIT_ACTOR_TYPES,
  type AuditDraft,
  type AuditEntry,
  type ChainLink,
  type JsonValue,
} from './audit-entry.js';

/** The `prevHash` of the first entry of a chain (seq 1): 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash an entry must carry: `sha256hex(prevHash + '\n' + canonicalJson(entry without hash))`.
 * Only the fields of AuditEntry are covered (an adapter's extra columns are not), and a missing
 * nullable field counts as null, so a row read back from a database hashes as it was written.
 */
export function entryHash(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256')
    .update(`${entry.prevHash}\n${canonicalJson(entryContent(entry))}`)
    .digest('hex');
}

/** Exactly the fields of an entry but its hash, a missing nullable one as null: what is hashed and exported. */
export function entryContent(entry: Omit<AuditEntry, 'hash'>): Omit<AuditEntry, 'hash'> {
  return {
    seq: entry.seq,
    workspaceId: entry.workspaceId,
    at: entry.at,
    actor: { type: entry.actor?.type, id: entry.actor?.id ?? null, email: entry.actor?.email ?? null },
    action: entry.action,
    target: { type: entry.target?.type, id: entry.target?.id ?? null, name: entry.target?.name ?? null },
    source: { ip: entry.source?.ip ?? null, userAgent: entry.source?.userAgent ?? null },
    data: entry.data ?? null,
    prevHash: entry.prevHash,
  };
}

/**
 * The next entry of a chain: `seq` is the previous one's plus 1 (1 after `null`), `prevHash` its hash
 * (GENESIS_HASH after `null`). The draft is copied field by field and `data` is snapshotted, so a
 * later change to the caller's objects cannot make the stored row disagree with its hash.
 * Throws ATOM_ERR_INTERNAL when the draft is not a valid entry (a bug of the caller: once chained,
 * a row can never be fixed), for example `data` holding a Date, NaN or a cycle.
 *
 * @example
 * const first = chainEntry(null, draft);            // seq 1, prevHash GENESIS_HASH
 * const second = chainEntry(first, otherDraft);     // seq 2, prevHash first.hash
 */
export function chainEntry(previous: ChainLink | null, entry: AuditDraft): AuditEntry {
  if (previous !== null && (!Number.isSafeInteger(previous.seq) || previous.seq < 1)) {
    invalid('previous.seq', 'must be an integer of 1 or more');
  }
  if (previous !== null && !/^[0-9a-f]{64}$/.test(previous.hash)) invalid('previous.hash', 'must be 64 hex digits');
  checkDraft(entry);
  const unhashed = entryContent({
    ...entry,
    seq: previous === null ? 1 : previous.seq + 1,
    data:
      entry.data === undefined || entry.data === null ? null : (JSON.parse(JSON.stringify(entry.data)) as JsonValue),
    prevHash: previous === null ? GENESIS_HASH : previous.hash,
  });
  return { ...unhashed, hash: entryHash(unhashed) };
}

function checkDraft(draft: AuditDraft): void {
  if (typeof draft.workspaceId !== 'string' || draft.workspaceId === '') invalid('workspaceId', 'must be a string');
  if (!Number.isSafeInteger(draft.at) || draft.at < 0) invalid('at', 'must be epoch milliseconds');
  if (!AUDIT_ACTOR_TYPES.includes(draft.actor?.type))
    invalid('actor.type', `must be one of ${AUDIT_ACTOR_TYPES.join(', ')}`);
  nullableString(draft.actor.id, 'actor.id');
  nullableString(draft.actor.email, 'actor.email');
  if (typeof draft.action !== 'string' || !AUDIT_ACTION_PATTERN.test(draft.action)) {
    invalid('action', 'must be dot-separated words like workflow.update');
  }
  if (typeof draft.target?.type !== 'string' || draft.target.type === '') invalid('target.type', 'must be a string');
  nullableString(draft.target.id, 'target.id');
  nullableString(draft.target.name, 'target.name');
  nullableString(draft.source?.ip, 'source.ip');
  nullableString(draft.source?.userAgent, 'source.userAgent');
  const problem = jsonProblem(draft.data ?? null, 'data', new Set());
  if (problem !== null) invalid(problem.path, problem.message);
}

function nullableString(value: unknown, path: string): void {
  if (value !== null && value !== undefined && typeof value !== 'string') invalid(path, 'must be a string or null');
}

/** The first place where `value` is not JSON, which canonicalJson would silently turn into something else. */
function jsonProblem(value: unknown, path: string, ancestors: Set<object>): { path: string; message: string } | null {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return null;
  if (typeof value === 'number') return Number.isFinite(value) ? null : { path, message: `${value} is not JSON` };
  if (typeof value !== 'object') return { path, message: `a ${typeof value} is not JSON` };
  if (ancestors.has(value)) return { path, message: 'a cycle is not JSON' };
  const isArray = Array.isArray(value);
  const proto: unknown = Object.getPrototypeOf(value);
  if (!isArray && proto !== Object.prototype && proto !== null) {
    return { path, message: `a ${value.constructor?.name ?? 'class instance'} is not JSON` };
  }
  ancestors.add(value);
  try {
    if (isArray) {
      for (let index = 0; index < value.length; index++) {
        const problem = jsonProblem(value[index], `${path}[${index}]`, ancestors);
        if (problem !== null) return problem;
      }
      return null;
    }
    for (const [key, item] of Object.entries(value)) {
      // An undefined property is dropped, as JSON.stringify does; the stored row does not have it either.
      if (item === undefined) continue;
      const problem = jsonProblem(item, `${path}.${key}`, ancestors);
      if (problem !== null) return problem;
    }
    return null;
  } finally {
    ancestors.delete(value);
  }
}

function invalid(path: string, message: string): never {
  throw new AtomError('ATOM_ERR_INTERNAL', `audit entry ${path}: ${message}`, {
    details: [{ path, message }],
  });
}
