import { createHash } from 'node:crypto';
import { AtomError } from '@atom/errors';
import { canonicalJson } from '@atom/spec';
import { describe, expect, test } from 'vitest';
import { draftAt } from './audit.fixture.js';
import { chainEntry, entryHash, GENESIS_HASH } from './audit-chain.js';
import type { AuditDraft } from './audit-entry.js';

function refusal(draft: AuditDraft): AtomError {
  try {
    chainEntry(null, draft);
  } catch (error) {
    if (error instanceof AtomError) return error;
    throw error;
  }
  throw new Error('expected chainEntry to refuse the draft');
}

describe('chainEntry', () => {
  test('the first entry is seq 1 after the genesis hash, hashed as prevHash + \\n + canonical JSON', () => {
    const entry = chainEntry(null, draftAt(0));
    expect(entry.seq).toBe(1);
    expect(entry.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
    const { hash, ...rest } = entry;
    const expected = createHash('sha256')
      .update(`${GENESIS_HASH}\n${canonicalJson(rest)}`)
      .digest('hex');
    expect(hash).toBe(expected);
    expect(entryHash(rest)).toBe(expected);
  });

  // The same hash comes out of Python: sha256(prevHash + '\n' + json.dumps(content, sort_keys=True,
  // separators=(',', ':'), ensure_ascii=False)), so an auditor can check a chain without Atom.
  test('pins the hash of a known entry, so any change of the formula shows', () => {
    const entry = chainEntry(null, {
      workspaceId: 'ws_1',
      at: 1714564800000,
      actor: { type: 'user', id: 'usr_1', email: 'ada@example.com' },
      action: 'workflow.update',
      target: { type: 'workflow', id: 'wf_1', name: 'triage' },
      source: { ip: '203.0.113.7', userAgent: 'curl/8' },
      data: { b: 1, a: ['x', null] },
    });
    expect(entry.hash).toBe('48a712fe47570fd45c817f69d459af2ac80ea5e9959ee15431cd8266a5e0c330');
  });

  test('continues the seq and links to the previous hash', () => {
    const first = chainEntry(null, draftAt(0));
    const second = chainEntry(first, draftAt(1));
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(chainEntry({ seq: 41, hash: first.hash }, draftAt(2)).seq).toBe(42);
  });

  test('the hash does not depend on key order', () => {
    const a = chainEntry(null, draftAt(0, { data: { x: 1, y: { p: true, q: [1, 2] } } }));
    const b = chainEntry(null, draftAt(0, { data: { y: { q: [1, 2], p: true }, x: 1 } }));
    expect(a.hash).toBe(b.hash);
  });

  test('stores a snapshot: later changes to the draft do not reach the entry, extra fields are dropped', () => {
    const data = { name: 'before', list: [1] };
    const draft = { ...draftAt(0, { data }), secretValue: 'hunter2' } as AuditDraft;
    const entry = chainEntry(null, draft);
    data.name = 'after';
    data.list.push(2);
    expect(entry.data).toEqual({ name: 'before', list: [1] });
    expect(entry).not.toHaveProperty('secretValue');
    expect(entryHash(entry)).toBe(entry.hash);
  });

  test('an undefined data or property is stored as absent or null, as JSON would', () => {
    const entry = chainEntry(null, draftAt(0, { data: { kept: 1, dropped: undefined } as never }));
    expect(entry.data).toEqual({ kept: 1 });
    expect(chainEntry(null, draftAt(0, { data: undefined as never })).data).toBeNull();
  });

  test('refuses data that is not JSON, naming where', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    const cases: [unknown, string][] = [
      [{ when: new Date(0) }, 'data.when'],
      [{ ratio: Number.NaN }, 'data.ratio'],
      [{ big: 10n }, 'data.big'],
      [{ list: [1, undefined] }, 'data.list[1]'],
      [{ map: new Map() }, 'data.map'],
      [{ fn: () => 1 }, 'data.fn'],
      [cyclic, 'data.self'],
      [Number.POSITIVE_INFINITY, 'data'],
    ];
    for (const [data, path] of cases) {
      const error = refusal(draftAt(0, { data: data as never }));
      expect(error.code).toBe('ATOM_ERR_INTERNAL');
      expect(error.details[0]?.path).toBe(path);
    }
  });

  test('refuses a draft with a malformed field, and a bad previous link', () => {
    expect(refusal(draftAt(0, { action: 'Workflow update' })).details[0]?.path).toBe('action');
    expect(refusal(draftAt(0, { at: 1.5 })).details[0]?.path).toBe('at');
    expect(refusal(draftAt(0, { workspaceId: '' })).details[0]?.path).toBe('workspaceId');
    expect(refusal(draftAt(0, { actor: { type: 'robot', id: null, email: null } as never })).message).toBe(
      'audit entry actor.type: must be one of user, token, system',
    );
    expect(refusal(draftAt(0, { target: { type: 'workflow', id: 7, name: null } as never })).details[0]?.path).toBe(
      'target.id',
    );
    expect(() => chainEntry({ seq: 0, hash: GENESIS_HASH }, draftAt(0))).toThrow('previous.seq');
    expect(() => chainEntry({ seq: 1, hash: 'abc' }, draftAt(0))).toThrow('previous.hash');
  });
});
