import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ras, rasProblems, worstIndices } from '../../../steps/kernels/ras.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/io/ras_numpy.json', import.meta.url), 'utf8')) as {
  n: number; base_z: number[][]; base_x: number[]; target_x: number[]; target_u: number[]; target_v: number[]; ras_z: number[][];
};

describe('ras kernel', () => {
  it('one round on a 2x2 matches the hand calculation', () => {
    // Z = [[1,2],[3,4]], U = (4,6), V = (5,5). Row step: r = (4/3, 6/7) gives
    // [[4/3, 8/3], [18/7, 24/7]], column sums 82/21 and 128/21; column step s = (105/82, 105/128).
    const z = Float64Array.from([1, 2, 3, 4]);
    const res = ras(z, 2, 2, [4, 6], [5, 5], { tolerance: 0, maxIterations: 1 });
    expect(res.iterations).toBe(1);
    expect(res.converged).toBe(false);
    const hand = [(4 / 3) * (105 / 82), (8 / 3) * (105 / 128), (18 / 7) * (105 / 82), (24 / 7) * (105 / 128)];
    hand.forEach((h, k) => expect(z[k]).toBeCloseTo(h, 12));
    // Column sums are exact after the column step; row residual 1 is U1 − (z11 + z12).
    expect(res.maxColResidual).toBeLessThan(1e-12);
    expect(res.rowResiduals[0]).toBeCloseTo(4 - hand[0]! - hand[1]!, 12);
  });

  it('converges on the 2x2 to the closed-form biproportional solution', () => {
    // RAS keeps the cross ratio z11·z22 / (z12·z21) = 4/6. With z11 = a, the targets force
    // z12 = 4 − a, z21 = 5 − a, z22 = 1 + a, so a(1 + a)·3 = 2(4 − a)(5 − a), i.e.
    // a² + 21a − 40 = 0, a = (−21 + √601) / 2 (hand calculation).
    const z = Float64Array.from([1, 2, 3, 4]);
    const res = ras(z, 2, 2, [4, 6], [5, 5], { tolerance: 1e-12, maxIterations: 1000 });
    expect(res.converged).toBe(true);
    const a = (-21 + Math.sqrt(601)) / 2;
    [a, 4 - a, 5 - a, 1 + a].forEach((h, k) => expect(z[k]).toBeCloseTo(h, 10));
  });

  it('matches numpy on a random 10x10 case', () => {
    // Expected matrix from test/fixtures/io/make_ras_fixture.py (numpy, same iteration, residuals < 1e-11).
    const n = fixture.n;
    const z = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) z[i * n + j] = (fixture.base_z[i]![j]! / fixture.base_x[j]!) * fixture.target_x[j]!;
    const res = ras(z, n, n, fixture.target_u, fixture.target_v, { tolerance: 1e-9, maxIterations: 1000 });
    expect(res.converged).toBe(true);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const want = fixture.ras_z[i]![j]!;
      expect(Math.abs(z[i * n + j]! - want) / want).toBeLessThan(1e-9);
    }
  });

  it('after k rounds equals the textbook iteration written out plainly (fused loop, undo on stop)', () => {
    // Reference: METHOD-NOTES stage A, one statement per step, on the 10x10 fixture start.
    const n = fixture.n;
    const start = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) start[i * n + j] = (fixture.base_z[i]![j]! / fixture.base_x[j]!) * fixture.target_x[j]!;
    for (const k of [1, 2, 3]) {
      const ref = start.slice();
      for (let it = 0; it < k; it++) {
        for (let i = 0; i < n; i++) { let rs = 0; for (let j = 0; j < n; j++) rs += ref[i * n + j]!; for (let j = 0; j < n; j++) ref[i * n + j]! *= fixture.target_u[i]! / rs; }
        for (let j = 0; j < n; j++) { let cs = 0; for (let i = 0; i < n; i++) cs += ref[i * n + j]!; for (let i = 0; i < n; i++) ref[i * n + j]! *= fixture.target_v[j]! / cs; }
      }
      // Stopped by maxIterations (no undo) and by a loose tolerance reached at round k (undo path).
      const a = start.slice();
      ras(a, n, n, fixture.target_u, fixture.target_v, { maxIterations: k });
      const b = start.slice();
      const resB = ras(b, n, n, fixture.target_u, fixture.target_v, { relativeTolerance: 1, maxIterations: 100 });
      expect(resB.iterations).toBe(1);
      for (let q = 0; q < n * n; q++) {
        expect(Math.abs(a[q]! - ref[q]!) / ref[q]!).toBeLessThan(1e-13);
        if (k === 1) expect(Math.abs(b[q]! - ref[q]!) / ref[q]!).toBeLessThan(1e-13);
      }
    }
  });

  it('stops on the relative tolerance when it is the looser one', () => {
    const z = Float64Array.from([1, 2, 3, 4]);
    const res = ras(z, 2, 2, [4e6, 6e6], [5e6, 5e6], { tolerance: 1e-12, relativeTolerance: 1e-3, maxIterations: 1000 });
    expect(res.converged).toBe(true);
    expect(res.maxRelativeResidual).toBeLessThanOrEqual(1e-3);
    expect(res.maxRowResidual).toBeGreaterThan(1e-12);
  });

  it('keeps zero rows at zero and reports stalls as not converged', () => {
    // Zero pattern [[1,0],[1,1]] with U = (1,1), V = (1,1) forces z21 = 0, reachable only in the limit.
    const z = Float64Array.from([1, 0, 1, 1]);
    const res = ras(z, 2, 2, [1, 1], [1, 1], { tolerance: 1e-12, maxIterations: 50 });
    expect(res.converged).toBe(false);
    expect(res.iterations).toBe(50);
    expect(z[1]).toBe(0);
  });
});

describe('rasProblems', () => {
  it('lists every pre-check failure by index', () => {
    const z = Float64Array.from([1, 0, 0, 0, 2, 0, -1, 0, 0]);
    const p = rasProblems(z, 3, 3, [1, 2, 1], [1, 2, 0], 1e-3);
    expect(p).toContainEqual({ kind: 'sum-mismatch', sumU: 4, sumV: 3 });
    expect(p).toContainEqual({ kind: 'negative-entry', row: 2, col: 0, value: -1 });
    // Column 1 (index 0) sums to 1 − 1 = 0 against target 1; column 3 is zero with target 0 (fine).
    expect(p).toContainEqual({ kind: 'zero-with-target', side: 'col', index: 0, target: 1 });
    expect(p).toHaveLength(3);
    // A non-zero row with a zero target and a negative target are listed too.
    const q = rasProblems(Float64Array.from([1, 1, 1, 1]), 2, 2, [2, 0], [1, -1], 1e-3);
    expect(q).toContainEqual({ kind: 'nonzero-with-zero-target', side: 'row', index: 1, sum: 2 });
    expect(q).toContainEqual({ kind: 'negative-target', side: 'col', index: 1, target: -1 });
  });
  it('accepts a feasible problem', () => {
    expect(rasProblems(Float64Array.from([1, 2, 3, 4]), 2, 2, [4, 6], [5, 5], 1e-3)).toEqual([]);
  });
  it('worstIndices sorts by magnitude', () => {
    expect(worstIndices([0.1, -3, 2], 2)).toEqual([1, 2]);
  });
});
