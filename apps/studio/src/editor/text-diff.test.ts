import { describe, expect, it } from 'vitest';
import { diffHunks, diffLines } from './text-diff';

const kinds = (before: string, after: string) =>
  diffLines(before, after).map((l) => `${l.kind === 'same' ? ' ' : l.kind === 'added' ? '+' : '-'}${l.text}`);

describe('diffLines', () => {
  it('shows a comment-only edit as one line removed and one added, the rest the same', () => {
    const before = '# owner: ops\natom: 1\nname: x\nsteps: []\n';
    const after = '# owner: Ada\natom: 1\nname: x\nsteps: []\n';
    expect(kinds(before, after)).toEqual(['-# owner: ops', '+# owner: Ada', ' atom: 1', ' name: x', ' steps: []']);
  });

  it('finds inserted and deleted lines in the middle, numbering each in its own text', () => {
    const lines = diffLines('a\nb\nc\nd\n', 'a\nc\nX\nd\n');
    expect(lines.map((l) => [l.kind, l.text, l.line])).toEqual([
      ['same', 'a', 1],
      ['removed', 'b', 2],
      ['same', 'c', 3],
      ['added', 'X', 3],
      ['same', 'd', 4],
    ]);
  });

  it('treats CRLF and a missing final newline as the same lines, and empty texts as none', () => {
    expect(kinds('a\r\nb\r\n', 'a\nb')).toEqual([' a', ' b']);
    expect(kinds('', 'a\n')).toEqual(['+a']);
    expect(kinds('a\n', '')).toEqual(['-a']);
  });

  it('is a true diff on texts of thousands of lines: replaying it gives both texts back', () => {
    const before = Array.from({ length: 3000 }, (_, i) => `line ${i % 7 === 0 ? 'x' : i}`).join('\n');
    const after = Array.from({ length: 3000 }, (_, i) => `line ${i % 5 === 0 ? 'x' : i}`).join('\n');
    const lines = diffLines(before, after);
    expect(lines.filter((l) => l.kind !== 'added').map((l) => l.text)).toEqual(before.split('\n'));
    expect(lines.filter((l) => l.kind !== 'removed').map((l) => l.text)).toEqual(after.split('\n'));
  });
});

describe('diffHunks', () => {
  it('keeps two lines of context around each change and splits distant changes', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l1\n', 'L1\n').replace('l15', 'L15');
    const hunks = diffHunks(diffLines(before, after));
    expect(hunks.map((h) => h.lines.map((l) => l.text))).toEqual([
      ['l0', 'l1', 'L1', 'l2', 'l3'],
      ['l13', 'l14', 'l15', 'L15', 'l16', 'l17'],
    ]);
    expect(diffHunks(diffLines('a\nb\n', 'a\nb\n'))).toEqual([]);
  });
});
