import { describe, expect, it } from 'vitest';
import { deliveryIdOf } from './delivery-id.js';

describe('deliveryIdOf', () => {
  it('reads x-delivery-id, idempotency-key, x-github-delivery, webhook-id in that order', () => {
    const all = { 'x-delivery-id': 'a', 'idempotency-key': 'b', 'x-github-delivery': 'c', 'webhook-id': 'd' };
    expect(deliveryIdOf(all)).toBe('a');
    expect(deliveryIdOf({ ...all, 'x-delivery-id': undefined })).toBe('b');
    expect(deliveryIdOf({ 'x-github-delivery': 'c', 'webhook-id': 'd' })).toBe('c');
    expect(deliveryIdOf({ 'webhook-id': 'd' })).toBe('d');
  });

  it('returns null when no header names the delivery', () => {
    expect(deliveryIdOf({})).toBeNull();
    expect(deliveryIdOf({ 'x-request-id': 'r-1', 'content-type': 'application/json' })).toBeNull();
  });

  it('skips empty values and trims the rest', () => {
    expect(deliveryIdOf({ 'x-delivery-id': '  ', 'idempotency-key': ' k-1 ' })).toBe('k-1');
    expect(deliveryIdOf({ 'x-delivery-id': [] })).toBeNull();
  });

  it('takes a repeated header only when its copies agree, and never throws', () => {
    expect(deliveryIdOf({ 'x-delivery-id': ['a', 'a'] })).toBe('a');
    expect(deliveryIdOf({ 'x-delivery-id': ['a', 'b'], 'webhook-id': 'd' })).toBe('d');
  });
});
