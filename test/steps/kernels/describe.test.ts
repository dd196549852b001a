import { describe, expect, it } from 'vitest';
import { summarize } from '../../../steps/kernels/describe.js';

describe('summarize', () => {
  it('hand-computed: 2, 4, 4, 4, 5, 5, 7, 9 and a NaN', () => {
    // mean 40/8 = 5; squared deviations sum 9+1+1+1+0+0+4+16 = 32; sd = sqrt(32/7).
    const s = summarize([2, 4, 4, 4, NaN, 5, 5, 7, 9]);
    expect(s).toEqual({ n: 8, missing: 1, mean: 5, sd: Math.sqrt(32 / 7), min: 2, max: 9 });
  });

  it('keeps precision with a large mean and small spread', () => {
    // 1e9 + (1..5) : mean 1e9 + 3, sd = sqrt(10/4) exactly (all values exact in float64).
    const s = summarize(Float64Array.from([1, 2, 3, 4, 5], (v) => 1e9 + v));
    expect(s.mean).toBe(1e9 + 3);
    expect(s.sd).toBe(Math.sqrt(2.5));
  });

  it('returns NaN statistics when undefined', () => {
    expect(summarize([NaN, NaN])).toEqual({ n: 0, missing: 2, mean: NaN, sd: NaN, min: NaN, max: NaN });
    expect(summarize([3]).sd).toBeNaN();
  });
});
