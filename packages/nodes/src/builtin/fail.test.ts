import { AtomError } from '@atom/errors';
import { describe, expect, it } from 'vitest';
import { errorOf } from '../test-support/node-context.js';
import { failNode } from './fail.js';

describe('fail', () => {
  it('throws ATOM_ERR_STEP_FAILED with the message, not retryable', async () => {
    const error = await errorOf(failNode, { message: 'Order is invalid', code: 'ORDER_INVALID' });
    expect(error).toBeInstanceOf(AtomError);
    expect(error).toMatchObject({
      code: 'ATOM_ERR_STEP_FAILED',
      message: 'Order is invalid',
      retryable: false,
      data: { code: 'ORDER_INVALID' },
    });
  });

  it('carries no data without a code', async () => {
    expect(await errorOf(failNode, { message: 'stop' })).toMatchObject({ data: undefined });
  });

  it('needs a message', () => {
    expect(failNode.parseInput({})).toMatchObject({ ok: false, issues: [{ path: 'message' }] });
  });
});
