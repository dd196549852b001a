import { describe, expect, it } from 'vitest';
import { locationQuotient, sampleTotals } from '../../../steps/kernels/location-quotient.js';

describe('location quotient kernel (eq 9)', () => {
  it('hand case, two periods, sample totals', () => {
    // period 0: p = (2, 3, 5), e = (10, 30, 60): P/E = 10/100 = 0.1
    //   LQ = (0.2/0.1, 0.1/0.1, (5/60)/0.1) = (2, 1, 0.8333…)
    // period 1: p = (4, 1, 5), e = (20, 20, 60): P/E = 0.1 → LQ = (2, 0.5, 0.8333…)
    const p = [2, 3, 5, 4, 1, 5];
    const e = [10, 30, 60, 20, 20, 60];
    const period = [0, 0, 0, 1, 1, 1];
    const lq = locationQuotient(p, e, period, sampleTotals(p, e, period, 2));
    const want = [2, 1, 5 / 6, 2, 0.5, 5 / 6];
    want.forEach((w, i) => expect(lq[i]).toBeCloseTo(w, 14));
  });

  it('given national totals', () => {
    // P/E = 20/100 = 0.2 → LQ = (0.2/0.2, 0.1/0.2, (5/60)/0.2) = (1, 0.5, 0.41666…)
    const lq = locationQuotient([2, 3, 5], [10, 30, 60], [0, 0, 0], { practitioners: [20], employment: [100] });
    [1, 0.5, 5 / 12].forEach((w, i) => expect(lq[i]).toBeCloseTo(w, 14));
  });

  it('property: the employment-weighted mean of LQ in each period is 1 under sample totals', () => {
    // Σ_r e_r·LQ_r / Σ_r e_r = Σ_r p_r / (P/E) / E = P/P = 1, for any positive data.
    let seed = 20260101;
    const rand = (): number => { // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    for (let trial = 0; trial < 20; trial++) {
      const regions = 30;
      const periods = 13;
      const p: number[] = [];
      const e: number[] = [];
      const period: number[] = [];
      for (let t = 0; t < periods; t++) {
        for (let r = 0; r < regions; r++) {
          const emp = 100 + 5000 * rand();
          e.push(emp);
          p.push(emp * (0.001 + 0.2 * rand()));
          period.push(t);
        }
      }
      const lq = locationQuotient(p, e, period, sampleTotals(p, e, period, periods));
      for (let t = 0; t < periods; t++) {
        let num = 0;
        let den = 0;
        for (let i = 0; i < lq.length; i++) if (period[i] === t) { num += e[i]! * lq[i]!; den += e[i]!; }
        expect(Math.abs(num / den - 1)).toBeLessThan(1e-12);
      }
    }
  });
});
