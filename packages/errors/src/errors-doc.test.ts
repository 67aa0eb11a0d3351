import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderErrorsDoc } from './errors-doc.js';
import { ERROR_REGISTRY } from './registry.js';

const docPath = new URL('../../../docs/errors.md', import.meta.url);

describe('error registry', () => {
  it('is mirrored by docs/errors.md (run `npm run docs:errors` after changing it)', () => {
    expect(readFileSync(docPath, 'utf8')).toBe(renderErrorsDoc());
  });

  it('lists every code in the docs and no code the registry lacks', () => {
    const documented = [...readFileSync(docPath, 'utf8').matchAll(/`(ATOM_ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]);
    expect(new Set(documented)).toEqual(new Set(Object.keys(ERROR_REGISTRY)));
  });

  it('uses only well-formed codes', () => {
    for (const code of Object.keys(ERROR_REGISTRY)) expect(code).toMatch(/^ATOM_ERR_[A-Z]+(_[A-Z0-9]+)*$/);
  });
});
