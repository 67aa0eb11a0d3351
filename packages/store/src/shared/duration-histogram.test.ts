import { describe, expect, it } from 'vitest';
import {
  addTo,
  bucketOf,
  bucketValue,
  encodeHistogram,
  HISTOGRAM_RELATIVE_ERROR,
  type Histogram,
  mergeEncoded,
  percentiles,
} from './duration-histogram.js';

describe('duration histogram', () => {
  it('keeps whole milliseconds below 128 exact and everything else within 1/128', () => {
    for (let ms = 0; ms < 128; ms++) expect(bucketValue(bucketOf(ms))).toBe(ms);
    for (let ms = 128; ms < 5_000_000; ms = Math.ceil(ms * 1.0007)) {
      const error = Math.abs(bucketValue(bucketOf(ms)) - ms) / ms;
      expect(error, `${ms} ms`).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR);
    }
    for (const power of [128, 256, 1024, 2 ** 20]) {
      expect(bucketOf(power)).toBe(bucketOf(power - 1) + 1);
      expect(bucketValue(bucketOf(power))).toBeGreaterThanOrEqual(power);
    }
    expect(bucketOf(3_600_000)).toBe(1069);
    expect(bucketOf(-5)).toBe(0);
  });

  it('merges stored histograms by adding counts and reads percentiles by nearest rank', () => {
    const a: Histogram = [];
    const b: Histogram = [];
    for (const ms of [1, 2, 3, 4, 5]) addTo(a, bucketOf(ms));
    for (const ms of [6, 7, 8, 9, 1000]) addTo(b, bucketOf(ms));
    const merged: Histogram = [];
    mergeEncoded(merged, encodeHistogram(a));
    mergeEncoded(merged, encodeHistogram(b));
    mergeEncoded(merged, '');
    expect(encodeHistogram(merged)).toBe('1:1,2:1,3:1,4:1,5:1,6:1,7:1,8:1,9:1,317:1');
    // Ten values: p50 is the 5th (5), p95 the 10th (1000, its bucket capped at the exact maximum).
    expect(percentiles(merged, 10, 1000, [50, 95])).toEqual([5, 1000]);
    expect(percentiles(merged, 10, 1010, [95])).toEqual([1004]); // bucket 317: 1000–1007 ms
  });
});
