import { AtomError } from '@atom/errors';
import { describe, expect, test } from 'vitest';
import { buildChain } from './audit.fixture.js';
import type { AuditEntry } from './audit-entry.js';
import { type AuditFilter, matchesFilter, parseAuditFilter } from './audit-filter.js';

function refusal(query: Record<string, unknown>): AtomError {
  try {
    parseAuditFilter(query);
  } catch (error) {
    if (error instanceof AtomError) return error;
    throw error;
  }
  throw new Error('expected ATOM_ERR_REQUEST_INVALID');
}

describe('parseAuditFilter', () => {
  test('parses every field', () => {
    expect(
      parseAuditFilter({
        from: '2024-05-01',
        to: '2024-05-01T14:30:00.250+02:00',
        actor: 'Ada@Example.com',
        action: 'workflow.*',
        target: 'workflow:wf_1:v2',
      }),
    ).toEqual({
      from: Date.UTC(2024, 4, 1),
      to: Date.UTC(2024, 4, 1, 12, 30, 0, 250),
      actor: { email: 'ada@example.com' },
      action: { prefix: 'workflow.' },
      target: { type: 'workflow', id: 'wf_1:v2' },
    });
    expect(parseAuditFilter({ actor: 'usr_1', action: 'login.succeeded', target: 'secret' })).toEqual({
      actor: { id: 'usr_1' },
      action: { exact: 'login.succeeded' },
      target: { type: 'secret' },
    });
  });

  test('an empty query is no filter, and keys of the route (cursor, limit) are left alone', () => {
    expect(parseAuditFilter({})).toEqual({});
    expect(parseAuditFilter({ cursor: 'abc', limit: '50', format: 'csv' })).toEqual({});
  });

  test('each bad field is named, in the message and in the details', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ from: 'yesterday' }, 'from'],
      [{ from: '2024-02-30' }, 'from'],
      [{ from: '2024-05-01T25:00:00Z' }, 'from'],
      [{ to: '2024-05-01T12:00:00' }, 'to'],
      [{ to: '2024-05-01T12:00:00+24:00' }, 'to'],
      [{ from: '2024-05-02', to: '2024-05-01' }, 'to'],
      [{ from: '2024-05-01', to: '2024-05-01' }, 'to'],
      [{ actor: '' }, 'actor'],
      [{ actor: 'x'.repeat(321) }, 'actor'],
      [{ actor: 'ada\n@example.com' }, 'actor'],
      [{ action: '*' }, 'action'],
      [{ action: 'workflow.' }, 'action'],
      [{ action: 'workflow.*.update' }, 'action'],
      [{ action: ['workflow.update', 'secret.set'] }, 'action'],
      [{ target: 'workflow:' }, 'target'],
      [{ target: ':wf_1' }, 'target'],
      [{ target: 42 }, 'target'],
    ];
    for (const [query, field] of cases) {
      const error = refusal(query);
      expect(error.code, JSON.stringify(query)).toBe('ATOM_ERR_REQUEST_INVALID');
      expect(error.message.startsWith(`querystring.${field}: `), error.message).toBe(true);
      expect(error.details.map((detail) => detail.path)).toEqual([`querystring.${field}`]);
    }
  });

  test('lists every bad field at once', () => {
    const error = refusal({ from: 'soon', action: 'a b', target: '' });
    expect(error.details.map((detail) => detail.path)).toEqual([
      'querystring.from',
      'querystring.action',
      'querystring.target',
    ]);
    expect(error.message).toContain('querystring.action: must be an action like workflow.update');
  });
});

describe('matchesFilter', () => {
  const [ada, token, system] = buildChain(3) as [AuditEntry, AuditEntry, AuditEntry];
  const match = (filter: AuditFilter) => [ada, token, system].filter((entry) => matchesFilter(entry, filter));

  test('from is inclusive, to exclusive', () => {
    expect(match({ from: token.at })).toEqual([token, system]);
    expect(match({ to: token.at })).toEqual([ada]);
    expect(match({ from: token.at, to: system.at })).toEqual([token]);
  });

  test('an actor by email (without case) or by id', () => {
    expect(match(parseAuditFilter({ actor: 'ADA@example.com' }))).toEqual([ada]);
    expect(match(parseAuditFilter({ actor: 'tok_ci' }))).toEqual([token]);
    expect(match(parseAuditFilter({ actor: 'nobody@example.com' }))).toEqual([]);
  });

  test('an action exactly, or every action under a prefix', () => {
    expect(match(parseAuditFilter({ action: 'secret.set' }))).toEqual([token]);
    expect(match(parseAuditFilter({ action: 'secret' }))).toEqual([]);
    expect(match(parseAuditFilter({ action: 'login.*' }))).toEqual([system]);
    const nested = { ...ada, action: 'workflow.version.create' };
    const lookalikes = [{ ...ada, action: 'workflow' }, { ...ada, action: 'workflows.update' }, nested];
    expect(lookalikes.filter((entry) => matchesFilter(entry, parseAuditFilter({ action: 'workflow.*' })))).toEqual([
      nested,
    ]);
  });

  test('a target by type, or by type and id', () => {
    expect(match(parseAuditFilter({ target: 'workflow' }))).toEqual([ada, system]);
    expect(match(parseAuditFilter({ target: 'workflow:t_2' }))).toEqual([system]);
  });

  test('every given field must match', () => {
    expect(match(parseAuditFilter({ target: 'workflow', actor: 'usr_ada', from: '2024-05-01' }))).toEqual([ada]);
  });
});
