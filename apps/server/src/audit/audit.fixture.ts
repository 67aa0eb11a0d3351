/** Drafts and chains for the audit tests. */
import { chainEntry } from './audit-chain.js';
import type { AuditDraft, AuditEntry } from './audit-entry.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

/** The i-th draft of a plausible log: users updating workflows, a token setting secrets, the system. */
export function draftAt(i: number, overrides: Partial<AuditDraft> = {}): AuditDraft {
  const kind = i % 3;
  return {
    workspaceId: 'ws_1',
    at: T0 + i * 1000,
    actor:
      kind === 0
        ? { type: 'user', id: 'usr_ada', email: 'ada@example.com' }
        : kind === 1
          ? { type: 'token', id: 'tok_ci', email: 'ci@example.com' }
          : { type: 'system', id: null, email: null },
    action: kind === 0 ? 'workflow.update' : kind === 1 ? 'secret.set' : 'login.succeeded',
    target: { type: kind === 1 ? 'secret' : 'workflow', id: `t_${i % 7}`, name: `name ${i % 7}` },
    source: { ip: kind === 2 ? null : '203.0.113.7', userAgent: kind === 2 ? null : 'atom-cli/0.1' },
    data: { step: i, changes: { fields: ['name', 'steps'], nested: { deep: [i, { flag: true }] } } },
    ...overrides,
  };
}

export function buildChain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < count; i++) entries.push(chainEntry(entries.at(-1) ?? null, draftAt(i)));
  return entries;
}

export async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}
