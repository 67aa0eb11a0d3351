import { describe, expect, it } from 'vitest';
import { durationMs, durationSchema } from './duration-schema.js';

describe('durationSchema', () => {
  const schema = durationSchema('How long');

  it('accepts duration strings and milliseconds without transforming them', () => {
    expect(schema.parse('5s')).toBe('5s');
    expect(schema.parse(250)).toBe(250);
    expect(durationMs('2m')).toBe(120_000);
    expect(durationMs('100ms')).toBe(100);
  });

  it('refuses anything else with a helpful message', () => {
    expect(schema.safeParse('soon').error?.issues[0]?.message).toMatch(/500ms, 30s, 5m/);
    expect(schema.safeParse(-1).success).toBe(false);
  });
});
