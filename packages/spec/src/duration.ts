import { AtomError } from '@atom/errors';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** The pattern a duration string must match: `250ms`, `1s`, `5m`, `2h`, `1d`. */
export const DURATION_PATTERN = '^\\d+(\\.\\d+)?(ms|s|m|h|d)$';

/**
 * Parses `250ms`, `1.5s`, `5m`, `2h`, `1d`, or a number of milliseconds.
 *
 * @example parseDuration('5m') // 300000
 */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
  } else {
    const match = DURATION.exec(value.trim());
    if (match) return Math.round(Number(match[1]) * (UNITS[match[2] as string] as number));
  }
  throw new AtomError('ATOM_ERR_SPEC_SCHEMA', `"${value}" is not a duration; expected e.g. 500ms, 30s, 5m, 2h, 1d`);
}
