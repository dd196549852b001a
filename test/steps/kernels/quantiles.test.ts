import { describe, expect, it } from 'vitest';
import { normalQuantile, studentQuantile } from '../../../steps/kernels/quantiles.js';

describe('quantiles', () => {
  // R 4.x: print(qt(0.975, c(1, 2, 5, 30, 351, 380)), digits = 15)
  const qt975: [number, number][] = [
    [1, 12.70620473617469],
    [2, 4.30265272974946],
    [5, 2.57058183563631],
    [30, 2.04227245630124],
    [351, 1.96674556094765],
    [380, 1.96622639661118],
  ];
  it.each(qt975)('qt(0.975, %d) matches R', (df, q) => {
    expect(studentQuantile(0.975, df)).toBeCloseTo(q, 9);
    expect(studentQuantile(0.025, df)).toBeCloseTo(-q, 9);
  });

  it('qnorm(0.975) and qnorm(0.995) match R', () => {
    // R: print(qnorm(c(0.975, 0.995)), digits = 15) → 1.95996398454005 2.57582930354890
    expect(normalQuantile(0.975)).toBeCloseTo(1.95996398454005, 9);
    expect(normalQuantile(0.995)).toBeCloseTo(2.5758293035489, 9);
    expect(studentQuantile(0.975, Infinity)).toBeCloseTo(1.95996398454005, 9);
  });

  it('is 0 at the median and NaN outside (0, 1)', () => {
    expect(studentQuantile(0.5, 7)).toBe(0);
    expect(Number.isNaN(studentQuantile(1, 7))).toBe(true);
    expect(Number.isNaN(normalQuantile(0))).toBe(true);
    expect(Number.isNaN(studentQuantile(0.9, 0))).toBe(true);
  });
});
