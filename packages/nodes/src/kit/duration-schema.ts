import { parseDuration } from '@atom/spec';
import { z } from 'zod';

const DURATION_HELP = 'a duration such as 500ms, 30s, 5m, 2h, 1d, or a number of milliseconds';

function isDuration(value: string | number): boolean {
  try {
    parseDuration(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A node input holding a duration (`30s`, `5m`, or milliseconds). It validates without
 * transforming, so a parsed input parses again to the same value; read it with {@link durationMs}.
 */
export function durationSchema(description: string) {
  return z
    .union([z.string(), z.number().nonnegative()])
    .refine(isDuration, { message: `Expected ${DURATION_HELP}` })
    .meta({ description: `${description} (${DURATION_HELP})` });
}

/** Milliseconds of a value that passed {@link durationSchema}. */
export function durationMs(value: string | number): number {
  return parseDuration(value);
}
