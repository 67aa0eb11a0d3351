import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('lets five failures pass, then doubles the wait', () => {
    const throttle = new LoginThrottle();
    const keys = ['email:a@x', 'ip:1.2.3.4'];
    for (let i = 0; i < 5; i++) {
      expect(throttle.waitMs(keys, 1000)).toBe(0);
      throttle.failed(keys, 1000);
    }
    expect(throttle.waitMs(keys, 1000)).toBe(0);
    throttle.failed(keys, 1000);
    expect(throttle.waitMs(keys, 1000)).toBe(1000);
    throttle.failed(keys, 2000);
    expect(throttle.waitMs(keys, 2000)).toBe(2000);
    expect(throttle.waitMs(['ip:1.2.3.4'], 2000)).toBe(2000);
    expect(throttle.waitMs(['email:other@x'], 2000)).toBe(0);
  });

  it('clears the account on success and forgets old failures', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 7; i++) throttle.failed(['email:a@x'], 0);
    expect(throttle.waitMs(['email:a@x'], 0)).toBeGreaterThan(0);
    throttle.succeeded('email:a@x');
    expect(throttle.waitMs(['email:a@x'], 0)).toBe(0);
    for (let i = 0; i < 7; i++) throttle.failed(['ip:9'], 0);
    throttle.failed(['ip:9'], 2 * 60 * 60_000);
    expect(throttle.waitMs(['ip:9'], 2 * 60 * 60_000)).toBe(0);
  });

  it('never waits longer than 15 minutes', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 40; i++) throttle.failed(['email:a@x'], 0);
    expect(throttle.waitMs(['email:a@x'], 0)).toBe(15 * 60_000);
  });
});
