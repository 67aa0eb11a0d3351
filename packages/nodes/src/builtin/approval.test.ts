import { describe, expect, it } from 'vitest';
import { callNode, errorOf, outputOf, TEST_NOW } from '../test-support/node-context.js';
import { approvalNode } from './approval.js';

const decided = (decision: 'approved' | 'rejected', comment: string | null = null) =>
  ({ reason: 'approval', decision, by: 'boss@example.com', comment, at: TEST_NOW + 60_000 }) as const;

describe('approval', () => {
  it('parks the run with its approvers, message and timeout', async () => {
    const input = { approvers: ['Boss@Example.com'], message: 'Ship it?', timeout: '1d' };
    expect(await callNode(approvalNode, input)).toMatchObject({
      type: 'suspend',
      suspension: {
        kind: 'approval',
        approvers: ['Boss@Example.com'],
        message: 'Ship it?',
        timeoutAt: TEST_NOW + 86_400_000,
      },
    });
  });

  it('lets anyone decide and waits forever by default', async () => {
    expect(await callNode(approvalNode, {})).toMatchObject({
      suspension: { kind: 'approval', approvers: [], message: null, timeoutAt: null },
    });
  });

  it('outputs who approved, their comment and when', async () => {
    expect(await outputOf(approvalNode, {}, { resume: decided('approved', 'fine') })).toEqual({
      approved: true,
      by: 'boss@example.com',
      comment: 'fine',
      at: '2025-01-01T00:01:00.000Z',
    });
  });

  it('fails, not retryable, when rejected', async () => {
    const error = await errorOf(approvalNode, {}, { resume: decided('rejected', 'too risky') });
    expect(error).toMatchObject({
      code: 'ATOM_ERR_APPROVAL_REJECTED',
      retryable: false,
      message: /boss@example\.com rejected .*too risky/,
      data: { by: 'boss@example.com', comment: 'too risky' },
    });
  });

  it('fails with ATOM_ERR_APPROVAL_TIMEOUT when its timeout wakes it', async () => {
    const error = await errorOf(approvalNode, { timeout: '2h' }, { resume: { reason: 'timer' } });
    expect(error).toMatchObject({ code: 'ATOM_ERR_APPROVAL_TIMEOUT', retryable: false, message: /2h/ });
  });

  it('refuses approvers that are not e-mail addresses', () => {
    expect(approvalNode.parseInput({ approvers: ['boss'] })).toMatchObject({
      ok: false,
      issues: [{ path: 'approvers[0]' }],
    });
  });
});
