import { describe, expect, it } from 'vitest';
import { callNode, errorOf, outputOf } from '../test-support/node-context.js';
import { workflowCallNode } from './workflow-call.js';

const childError = { code: 'ATOM_ERR_HTTP_STATUS' as const, message: 'GET https://x/ answered 500', retryable: true };

describe('workflow.call', () => {
  it('parks the run on a child run', async () => {
    expect(await callNode(workflowCallNode, { workflow: 'send-invoice', version: 3, inputs: { id: 7 } })).toMatchObject(
      {
        type: 'suspend',
        suspension: { kind: 'child', workflow: 'send-invoice', version: 3, inputs: { id: 7 } },
      },
    );
    expect(await callNode(workflowCallNode, { workflow: 'send-invoice' })).toMatchObject({
      suspension: { kind: 'child', workflow: 'send-invoice', version: null, inputs: {} },
    });
  });

  it("outputs the child's outputs when it succeeded", async () => {
    const resume = {
      reason: 'child',
      runId: 'run_9',
      status: 'succeeded',
      outputs: { sent: true },
      error: null,
    } as const;
    expect(await outputOf(workflowCallNode, { workflow: 'send-invoice' }, { resume })).toEqual({ sent: true });
  });

  it('fails with ATOM_ERR_CHILD_RUN_FAILED and the child error when it failed', async () => {
    const resume = { reason: 'child', runId: 'run_9', status: 'failed', outputs: null, error: childError } as const;
    const error = await errorOf(workflowCallNode, { workflow: 'send-invoice' }, { resume });
    expect(error).toMatchObject({
      code: 'ATOM_ERR_CHILD_RUN_FAILED',
      retryable: false,
      message: expect.stringContaining('GET https://x/ answered 500'),
      data: { runId: 'run_9', error: childError },
    });
  });

  it('fails when the child was cancelled', async () => {
    const resume = { reason: 'child', runId: 'run_9', status: 'cancelled', outputs: null, error: null } as const;
    const error = await errorOf(workflowCallNode, { workflow: 'send-invoice' }, { resume });
    expect(error).toMatchObject({ code: 'ATOM_ERR_CHILD_RUN_FAILED', message: /cancelled/, data: { runId: 'run_9' } });
  });

  it('refuses a bad workflow name or version', () => {
    expect(workflowCallNode.parseInput({ workflow: 'Send Invoice' })).toMatchObject({
      ok: false,
      issues: [{ path: 'workflow' }],
    });
    expect(workflowCallNode.parseInput({ workflow: 'a', version: 1.5 })).toMatchObject({
      ok: false,
      issues: [{ path: 'version' }],
    });
  });
});
