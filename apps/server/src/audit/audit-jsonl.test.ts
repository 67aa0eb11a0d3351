import { canonicalJson } from '@atom/spec';
import { expect, test } from 'vitest';
import { buildChain, collect, draftAt } from './audit.fixture.js';
import { chainEntry } from './audit-chain.js';
import type { AuditEntry } from './audit-entry.js';
import { toJsonl } from './audit-jsonl.js';
import { verifyChain } from './audit-verify.js';

test('one canonical JSON object per line, each ending in a newline', async () => {
  const entries = buildChain(3);
  const lines = await collect(toJsonl(entries));
  expect(lines).toHaveLength(3);
  lines.forEach((line, index) => {
    expect(line).toBe(`${canonicalJson(entries[index])}\n`);
    expect(line.indexOf('\n')).toBe(line.length - 1);
  });
  expect(lines[0]?.startsWith('{"action":"workflow.update","actor":{')).toBe(true);
});

test('round trip: the lines parse back to the same entries, which verify', async () => {
  const tricky = { text: 'line one\nline two\r\n"quoted", tab\there', unicode: 'é ü 漢字 🙂 \u2028 \u2029', n: -0.5 };
  const entries = [chainEntry(null, draftAt(0, { data: tricky }))];
  for (let i = 1; i < 20; i++) entries.push(chainEntry(entries.at(-1)!, draftAt(i)));
  const text = (await collect(toJsonl(entries))).join('');
  const parsed = text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditEntry);
  expect(parsed).toEqual(entries);
  expect(await verifyChain(parsed)).toMatchObject({ ok: true, entries: 20 });
});

test('streams from an async source and leaves out columns that are not entry fields', async () => {
  async function* rows(): AsyncGenerator<AuditEntry> {
    for (const entry of buildChain(2)) yield { ...entry, internalRowId: 7 } as AuditEntry;
  }
  const lines = await collect(toJsonl(rows()));
  expect(lines).toHaveLength(2);
  expect(lines.some((line) => line.includes('internalRowId'))).toBe(false);
});
