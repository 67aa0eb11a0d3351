import { describe, expect, it } from 'vitest';
import { callNode, errorOf, outputOf, TEST_NOW } from '../test-support/node-context.js';
import { waitNode } from './wait.js';

describe('wait', () => {
  it('keeps `if` unevaluated for the engine', () => {
    expect(waitNode.deferredInputs).toEqual(['if']);
  });

  it('parks the run on an event, with its filter and timeout', async () => {
    const input = { event: 'order.paid', if: "{{ $event.orderId = '42' }}", timeout: '2h' };
    expect(await callNode(waitNode, input)).toMatchObject({
      type: 'suspend',
      suspension: {
        kind: 'event',
        name: 'order.paid',
        filter: "{{ $event.orderId = '42' }}",
        timeoutAt: TEST_NOW + 7_200_000,
      },
    });
  });

  it('waits forever without a timeout and matches every event without a filter', async () => {
    expect(await callNode(waitNode, { event: 'ping' })).toMatchObject({
      suspension: { kind: 'event', name: 'ping', filter: null, timeoutAt: null },
    });
  });

  it('outputs the payload of the event that woke it', async () => {
    const resume = { reason: 'event', name: 'order.paid', payload: { orderId: '42' } } as const;
    expect(await outputOf(waitNode, { event: 'order.paid' }, { resume })).toEqual({ orderId: '42' });
    const empty = { reason: 'event', name: 'ping', payload: undefined } as const;
    expect(await outputOf(waitNode, { event: 'ping' }, { resume: empty })).toBeNull();
  });

  it('fails with ATOM_ERR_WAIT_TIMEOUT when the timeout passes first', async () => {
    const error = await errorOf(waitNode, { event: 'order.paid', timeout: '1h' }, { resume: { reason: 'timer' } });
    expect(error).toMatchObject({ code: 'ATOM_ERR_WAIT_TIMEOUT', retryable: false, message: /order\.paid.*1h/ });
  });

  it('refuses a bad timeout and a missing event name', () => {
    expect(waitNode.parseInput({ event: 'x', timeout: 'later' })).toMatchObject({
      ok: false,
      issues: [{ path: 'timeout' }],
    });
    expect(waitNode.parseInput({ event: '' })).toMatchObject({ ok: false, issues: [{ path: 'event' }] });
  });
});
