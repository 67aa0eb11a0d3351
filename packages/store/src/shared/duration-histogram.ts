/**
 * A fixed log-linear histogram of step durations (ms), mergeable by adding counts: what the
 * dashboard's rollup keeps per minute and node type (ADR 0020), so p50 / p95 of a long window are
 * read from merged minutes instead of ranking every step-end event.
 *
 * Bucket i holds [lo, lo + width): below 128 ms one bucket per millisecond (width 1, so whole
 * milliseconds, which is what the engine records, come back exact); from 128 ms on, each power of
 * two is cut into 64 equal buckets, so width ≤ lo / 64. A percentile reads as its bucket's middle
 * (at most the exact maximum), within width / 2 ≤ lo / 128 of the exact value: a relative error of
 * at most 1/128 (0.78 %). Bucket indexes grow by 64 per doubling: an hour (3.6e6 ms) is bucket 1,069.
 *
 * In: durations, or the text of stored histograms. Out: counts by bucket, percentiles by nearest rank.
 */

/** Largest relative error of a percentile read from a histogram (see above). */
export const HISTOGRAM_RELATIVE_ERROR = 1 / 128;

const LINEAR = 128;
const SUB = 64;

/** The bucket of a duration (negative ones count as 0). */
export function bucketOf(ms: number): number {
  if (!(ms >= LINEAR)) return Math.max(0, Math.floor(ms) || 0);
  let e = Math.floor(Math.log2(ms));
  // Math.log2 may land one off next to a power of two.
  if (2 ** e > ms) e--;
  else if (2 ** (e + 1) <= ms) e++;
  const width = 2 ** (e - 6);
  return LINEAR + (e - 7) * SUB + Math.floor(ms / width) - SUB;
}

/** The value a bucket reads as: its first millisecond below 128 ms, its middle above. */
export function bucketValue(index: number): number {
  if (index < LINEAR) return index;
  const k = index - LINEAR;
  const width = 2 ** (7 + Math.floor(k / SUB) - 6);
  return (SUB + (k % SUB)) * width + width / 2;
}

/** Counts by bucket index: a dense array (an hour is bucket 1,069), holes read as 0. */
export type Histogram = number[];

export function addTo(histogram: Histogram, index: number, count = 1): void {
  histogram[index] = (histogram[index] ?? 0) + count;
}

/** Adds every count of `from` into `into`. */
export function mergeInto(into: Histogram, from: Histogram): void {
  for (let i = 0; i < from.length; i++) if (from[i]) addTo(into, i, from[i]);
}

/** Stored form: `index:count` pairs of the buckets in use, comma-separated, by index. */
export function encodeHistogram(histogram: Histogram): string {
  const pairs: string[] = [];
  for (let i = 0; i < histogram.length; i++) if (histogram[i]) pairs.push(`${i}:${histogram[i]}`);
  return pairs.join(',');
}

const COLON = 58;
const COMMA = 44;
const ZERO = 48;

/** Adds a stored histogram's counts into `into` (read digit by digit: a 24-hour window has thousands). */
export function mergeEncoded(into: Histogram, text: string): void {
  let index = 0;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === COLON) {
      index = value;
      value = 0;
    } else if (c === COMMA) {
      addTo(into, index, value);
      value = 0;
    } else value = value * 10 + (c - ZERO);
  }
  if (text.length > 0) addTo(into, index, value);
}

/**
 * The nearest-rank percentiles of a histogram of `count` values whose exact maximum is `maxMs`:
 * for each p (ascending), the value of the bucket holding the ceil(p × count / 100)-th smallest value.
 *
 * @example
 * const h: Histogram = [];
 * addTo(h, 10, 3);
 * addTo(h, bucketOf(289));
 * percentiles(h, 4, 289, [50, 95]); // [10, 289]: bucket 200 holds 288–291 ms, reads as 290, capped at the max
 */
export function percentiles(histogram: Histogram, count: number, maxMs: number, ps: readonly number[]): number[] {
  const ranks = ps.map((p) => Math.max(1, Math.ceil((p * count) / 100)));
  const out: number[] = ps.map(() => maxMs);
  let seen = 0;
  let next = 0;
  for (let index = 0; index < histogram.length && next < ranks.length; index++) {
    seen += histogram[index] ?? 0;
    while (next < ranks.length && (ranks[next] as number) <= seen) {
      out[next] = Math.min(bucketValue(index), maxMs);
      next++;
    }
  }
  return out;
}
