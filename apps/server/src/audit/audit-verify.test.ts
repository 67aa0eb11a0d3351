import { describe, expect, test } from 'vitest';
import { buildChain, draftAt } from './audit.fixture.js';
import { chainEntry, entryHash } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import { type ChainProblemKind, verifyChain } from './audit-verify.js';

const chain = buildChain(10);
const kinds = (problems: { kind: ChainProblemKind; seq: number | null }[]) =>
  problems.map(({ kind, seq }) => ({ kind, seq }));
const clone = (entries: AuditEntry[]): AuditEntry[] => structuredClone(entries);

describe('verifyChain on an intact chain', () => {
  test('a chain of 1,000 entries verifies', async () => {
    const entries = buildChain(1000);
    const report = await verifyChain(entries);
    expect(report).toMatchObject({ ok: true, entries: 1000, problems: [], problemCount: 0, lastGoodSeq: 1000 });
    expect(report.head).toEqual({ seq: 1000, hash: entries[999]?.hash });
    expect(Object.values(report.counts).every((count) => count === 0)).toBe(true);
  });

  test('an empty chain verifies, and is truncated when a head was kept', async () => {
    expect(await verifyChain([])).toMatchObject({ ok: true, entries: 0, lastGoodSeq: 0, head: null });
    const report = await verifyChain([], { expectedHead: { seq: 3, hash: chain[2]!.hash } });
    expect(kinds(report.problems)).toEqual([{ kind: 'truncated', seq: 1 }]);
  });

  test('rows read back through JSON, with extra columns and missing nullable fields, still verify', async () => {
    const rows = chain.map((entry) => {
      const row = { ...JSON.parse(JSON.stringify(entry)), id: `row_${entry.seq}`, createdAt: new Date() };
      if (row.actor.email === null) delete row.actor.email;
      return row as AuditEntry;
    });
    expect((await verifyChain(rows)).ok).toBe(true);
  });

  test('verifies from a checkpoint with `after`, and accepts a head older than the end', async () => {
    const report = await verifyChain(chain.slice(5), {
      after: { seq: 5, hash: chain[4]!.hash },
      expectedHead: { seq: 7, hash: chain[6]!.hash },
    });
    expect(report).toMatchObject({ ok: true, entries: 5, lastGoodSeq: 10 });
  });
});

describe('verifyChain finds each tampering, with its seq and kind', () => {
  test('an edited field anywhere, nested data included, is `edited` at that seq', async () => {
    const edits: ((entry: AuditEntry) => void)[] = [
      (e) => {
        e.action = 'workflow.delete';
      },
      (e) => {
        e.at += 1;
      },
      (e) => {
        e.workspaceId = 'ws_2';
      },
      (e) => {
        e.actor.email = 'eve@example.com';
      },
      (e) => {
        e.target.name = null;
      },
      (e) => {
        e.source.ip = '198.51.100.1';
      },
      (e) => {
        (e.data as { changes: { nested: { deep: [number, { flag: boolean }] } } }).changes.nested.deep[1].flag = false;
      },
      (e) => {
        (e.data as Record<string, unknown>)['added'] = 1;
      },
      (e) => {
        e.data = null;
      },
    ];
    for (const edit of edits) {
      const entries = clone(chain);
      edit(entries[4]!);
      const report = await verifyChain(entries);
      expect(kinds(report.problems)).toEqual([{ kind: 'edited', seq: 5 }]);
      expect(report.lastGoodSeq).toBe(4);
    }
  });

  test('an edit whose hash was recomputed breaks the link of the next row', async () => {
    const entries = clone(chain);
    entries[4]!.action = 'workflow.delete';
    entries[4]!.hash = entryHash(entries[4]!);
    expect(kinds((await verifyChain(entries)).problems)).toEqual([{ kind: 'broken-link', seq: 6 }]);
  });

  test('a deleted middle row is a `gap` and a `broken-link` on the row after it', async () => {
    const entries = chain.filter((entry) => entry.seq !== 5);
    const report = await verifyChain(entries);
    expect(kinds(report.problems)).toEqual([
      { kind: 'gap', seq: 6 },
      { kind: 'broken-link', seq: 6 },
    ]);
    expect(report.problems[0]?.message).toBe('seq jumps from 4 to 6: 1 entry missing or out of order');
    expect(report.lastGoodSeq).toBe(4);
  });

  test('a deleted first row shows on seq 2', async () => {
    expect(kinds((await verifyChain(chain.slice(1))).problems)).toEqual([
      { kind: 'gap', seq: 2 },
      { kind: 'broken-link', seq: 2 },
    ]);
  });

  test('a deleted last row is only found against a kept head (the documented limit)', async () => {
    const head = { seq: 10, hash: chain[9]!.hash };
    expect((await verifyChain(chain.slice(0, 9))).ok).toBe(true);
    const report = await verifyChain(chain.slice(0, 9), { expectedHead: head });
    expect(kinds(report.problems)).toEqual([{ kind: 'truncated', seq: 10 }]);
    expect(report.lastGoodSeq).toBe(9);
  });

  test('a chain rewritten from an edit onwards is only found against a kept head', async () => {
    const rewritten = chain.slice(0, 4);
    for (let i = 4; i < 10; i++) rewritten.push(chainEntry(rewritten.at(-1)!, draftAt(i, { action: 'forged.row' })));
    expect((await verifyChain(rewritten)).ok).toBe(true);
    const report = await verifyChain(rewritten, { expectedHead: { seq: 10, hash: chain[9]!.hash } });
    expect(kinds(report.problems)).toEqual([{ kind: 'head-mismatch', seq: 10 }]);
  });

  test('an inserted forged row, hashed and linked by the forger, is a `duplicate` and a `broken-link`', async () => {
    const forged = chainEntry(chain[4]!, draftAt(99, { action: 'secret.read' }));
    const entries = [...chain.slice(0, 5), forged, ...chain.slice(5)];
    expect(kinds((await verifyChain(entries)).problems)).toEqual([
      { kind: 'duplicate', seq: 6 },
      { kind: 'broken-link', seq: 6 },
    ]);
  });

  test('an inserted forged row with the later rows renumbered breaks the first renumbered row', async () => {
    const forged = chainEntry(chain[4]!, draftAt(99, { action: 'secret.read' }));
    const shifted = clone(chain.slice(5)).map((entry) => ({ ...entry, seq: entry.seq + 1 }));
    const report = await verifyChain([...chain.slice(0, 5), forged, ...shifted]);
    expect(kinds(report.problems.slice(0, 2))).toEqual([
      { kind: 'edited', seq: 7 },
      { kind: 'broken-link', seq: 7 },
    ]);
    expect(report.counts.edited).toBe(5);
    expect(report.lastGoodSeq).toBe(6);
  });

  test('two swapped rows are `reordered`; swapped contents are `edited` on both', async () => {
    const swapped = [...chain.slice(0, 4), chain[5]!, chain[4]!, ...chain.slice(6)];
    const report = await verifyChain(swapped);
    expect(kinds(report.problems)).toEqual([
      { kind: 'gap', seq: 6 },
      { kind: 'broken-link', seq: 6 },
      { kind: 'reordered', seq: 5 },
      { kind: 'broken-link', seq: 5 },
      { kind: 'broken-link', seq: 7 },
    ]);
    expect(report.lastGoodSeq).toBe(4);

    const contents = clone(chain);
    [contents[4], contents[5]] = [
      { ...contents[5]!, seq: 5 },
      { ...contents[4]!, seq: 6 },
    ];
    expect(kinds((await verifyChain(contents)).problems)).toEqual([
      { kind: 'edited', seq: 5 },
      { kind: 'broken-link', seq: 5 },
      { kind: 'edited', seq: 6 },
      { kind: 'broken-link', seq: 6 },
      { kind: 'broken-link', seq: 7 },
    ]);
  });

  test('a row read twice is a `duplicate`', async () => {
    const entries = [...chain.slice(0, 5), chain[4]!, ...chain.slice(5)];
    expect(kinds((await verifyChain(entries)).problems)).toEqual([
      { kind: 'duplicate', seq: 5 },
      { kind: 'broken-link', seq: 5 },
    ]);
  });

  test('a row that is not an entry is `malformed` and treated as absent', async () => {
    const entries = [...chain.slice(0, 5), { seq: 'six' } as unknown as AuditEntry, ...chain.slice(6)];
    expect(kinds((await verifyChain(entries)).problems)).toEqual([
      { kind: 'malformed', seq: null },
      { kind: 'gap', seq: 7 },
      { kind: 'broken-link', seq: 7 },
    ]);
  });

  test('keeps at most maxProblems problems, with exact counts', async () => {
    const entries = clone(buildChain(50));
    for (const entry of entries) entry.action = 'tampered.all';
    const report = await verifyChain(entries, { maxProblems: 3 });
    expect(report.problems).toHaveLength(3);
    expect(report.problemCount).toBe(50);
    expect(report.counts.edited).toBe(50);
    expect(report.lastGoodSeq).toBe(0);
  });
});

describe('verifyChain streams', () => {
  test('100,000 entries from an async generator verify, each read before the next is made', async () => {
    const total = 100_000;
    let unreadWhenNextMade = 0;
    let produced = 0;
    async function* entries(): AsyncGenerator<AuditEntry> {
      let previous: AuditEntry | null = null;
      let read = true;
      for (let i = 0; i < total; i++) {
        // An implementation that gathers entries first asks for this one before reading the last.
        if (!read) unreadWhenNextMade++;
        const entry = chainEntry(previous, draftAt(i, { data: { i } }));
        previous = entry;
        read = false;
        produced++;
        const { hash } = entry;
        Object.defineProperty(entry, 'hash', {
          enumerable: true,
          get: () => {
            read = true;
            return hash;
          },
        });
        yield entry;
      }
    }
    const report = await verifyChain(entries());
    expect(produced).toBe(total);
    expect(unreadWhenNextMade).toBe(0);
    expect(report).toMatchObject({ ok: true, entries: total, lastGoodSeq: total });
  });
});
