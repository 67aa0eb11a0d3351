import { describe, expect, it } from 'vitest';
import { diffDocuments } from './workflow-diff.js';

describe('diffDocuments', () => {
  it('finds nothing between equal documents', () => {
    const doc = { atom: 1, name: 'x', steps: [{ id: 'a', uses: 'log' }] };
    expect(diffDocuments(doc, structuredClone(doc))).toEqual([]);
  });

  it('matches steps by id, so an inserted step is one addition', () => {
    const before = {
      steps: [
        { id: 'a', uses: 'log' },
        { id: 'b', uses: 'log' },
      ],
    };
    const after = {
      steps: [
        { id: 'a', uses: 'log' },
        { id: 'n', uses: 'fail' },
        { id: 'b', uses: 'log' },
      ],
    };
    expect(diffDocuments(before, after)).toEqual([
      { path: 'steps[id=n]', kind: 'added', after: { id: 'n', uses: 'fail' } },
    ]);
  });

  it('reports changed, added and removed fields with their paths', () => {
    const before = { description: 'old', steps: [{ id: 'a', uses: 'log', with: { x: 1 } }] };
    const after = { steps: [{ id: 'a', uses: 'fail', with: { x: 1, y: 2 } }], outputs: { r: 1 } };
    expect(diffDocuments(before, after)).toEqual([
      { path: 'description', kind: 'removed', before: 'old' },
      { path: 'steps[id=a].uses', kind: 'changed', before: 'log', after: 'fail' },
      { path: 'steps[id=a].with.y', kind: 'added', after: 2 },
      { path: 'outputs', kind: 'added', after: { r: 1 } },
    ]);
  });

  it('compares arrays without ids by position', () => {
    expect(diffDocuments({ l: [1, 2] }, { l: [1, 3, 4] })).toEqual([
      { path: 'l[1]', kind: 'changed', before: 2, after: 3 },
      { path: 'l[2]', kind: 'added', after: 4 },
    ]);
  });
});
