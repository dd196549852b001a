/** OLS kernel: exact fits by construction (hand calculation) and R lm's collinearity rule. */
import { describe, expect, it } from 'vitest';
import { clusterMeat, olsFit } from '../../../steps/kernels/ols.js';

const n = 30;
const a = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 10 + i);
const b = Float64Array.from({ length: n }, (_, i) => Math.cos(i * 1.7) * 3);
const one = new Float64Array(n).fill(1);

describe('olsFit', () => {
  it('recovers exact coefficients of y = 1 + 2a + 3b (hand calculation)', () => {
    const y = Float64Array.from({ length: n }, (_, i) => 1 + 2 * a[i]! + 3 * b[i]!);
    const f = olsFit([one, a, b], y);
    expect(Array.from(f.coef).map((v) => +v.toFixed(12))).toEqual([1, 2, 3]);
    expect(f.ssr).toBeLessThan(1e-20);
  });

  it('drops the later of two collinear columns, as R lm (dqrdc2, tol 1e-7) does', () => {
    const c = Float64Array.from(a, (v) => 2 * v + 1); // = 2a + 1·intercept
    const y = Float64Array.from({ length: n }, (_, i) => 1 + 2 * a[i]! + 3 * b[i]! + ((i % 3) - 1) * 0.1);
    const f = olsFit([one, a, c, b], y);
    expect(f.dropped).toEqual([2]);
    expect(f.kept).toEqual([0, 1, 3]);
    expect(Number.isNaN(f.coef[2]!)).toBe(true);
    const g = olsFit([one, a, b], y); // same fit without the redundant column
    expect(Math.abs(f.coef[3]! - g.coef[2]!)).toBeLessThan(1e-12);
  });

  it('drops an all-zero column', () => {
    const y = Float64Array.from(a, (v) => v * 2);
    expect(olsFit([a, new Float64Array(n)], y).dropped).toEqual([1]);
  });

  it('cluster meat is Σ_g (X_g′e_g)(X_g′e_g)′ (hand calculation on 2 groups)', () => {
    const x = [Float64Array.of(1, 2, 3, 4)];
    const e = Float64Array.of(1, -1, 2, 0.5);
    const m = clusterMeat(x, e, Int32Array.of(0, 0, 1, 1), 2);
    expect(m[0]).toBeCloseTo((1 - 2) ** 2 + (6 + 2) ** 2, 12); // g0: 1·1 + 2·(−1) = −1; g1: 3·2 + 4·0.5 = 8
  });
});
