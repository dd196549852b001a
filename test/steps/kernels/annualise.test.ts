import { describe, expect, it } from 'vitest';
import { AnnualiseGap, annualPlan, applyPlan, roundSignificant } from '../../../steps/kernels/annualise.js';

// Benchmarks 2010 → 10, 2012 → 20, 2015 → 50; growth g = {2015: 200, 2016: 220}.
const bench = new Map([[2010, 10], [2012, 20], [2015, 50]]);
const at = (y: number): number => bench.get(y)!;

describe('annualPlan / applyPlan', () => {
  it('copies exact years, interpolates levels linearly and scales after the last benchmark', () => {
    const plans = annualPlan([2015, 2010, 2012], [2010, 2011, 2013, 2014, 2015, 2016], new Map([[2015, 200], [2016, 220]]));
    // Hand calculation: 2011 = (1 − 1/2)·10 + 1/2·20 = 15; 2013 = (2/3)·20 + (1/3)·50 = 30;
    // 2014 = (1/3)·20 + (2/3)·50 = 40; 2016 = 50 · 220/200 = 55.
    expect(plans.map((p) => applyPlan(p, at))).toEqual([10, 15, expect.closeTo(30, 12), expect.closeTo(40, 12), 50, expect.closeTo(55, 12)]);
    expect(plans[1]).toEqual({ kind: 'interpolated', lo: 2010, hi: 2012, t: 0.5 });
    expect(plans[5]).toEqual({ kind: 'after', base: 2015, factor: 1.1 });
  });

  it('carries the last benchmark forward without a growth series', () => {
    const [p] = annualPlan([2010, 2015], [2017]);
    expect(applyPlan(p!, at)).toBe(50);
  });

  it('reports years before the first benchmark and missing growth values', () => {
    expect(() => annualPlan([2010, 2015], [2009])).toThrow(AnnualiseGap);
    expect(() => annualPlan([2010, 2015], [2016], new Map([[2016, 1]]))).toThrow(/2015: no-growth/);
  });

  it('rounds to significant digits like the data build writes numbers', () => {
    // 1234.56789 to 4 significant digits is 1235 (hand); integers stay as they are.
    expect(roundSignificant(1234.56789, 4)).toBe(1235);
    expect(roundSignificant(0.000123456, 2)).toBe(0.00012);
    expect(roundSignificant(123456789, 2)).toBe(123456789);
  });
});
