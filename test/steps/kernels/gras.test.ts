import { describe, expect, it } from 'vitest';
import { gras, grasProblems } from '../../../steps/kernels/gras.js';

// METHOD-NOTES stage A test vector (riot's GRAS implementation).
const A = [7, 3, 5, -3, 2, 9, 8, 0, -2, 0, 2, 0];
const u = [15, 26, -1];
const v = [9, 16, 17, -2];

describe('gras kernel', () => {
  it('reproduces the METHOD-NOTES / riot test vector', () => {
    const z0 = Float64Array.from(A);
    const res = gras(z0, 3, 4, u, v, { tolerance: 1e-10, maxIterations: 10_000 });
    expect(res.converged).toBe(true);
    // First row from METHOD-NOTES (riot), given to 5 decimals: compare at relative 1e-4.
    const expected = [8.42434, 3.37524, 5.20042, -2.0];
    for (let j = 0; j < 4; j++) expect(Math.abs(res.z[j]! - expected[j]!) / Math.abs(expected[j]!)).toBeLessThan(1e-4);
    expect(Array.from(z0)).toEqual(A); // input untouched
  });

  it('hits the target row and column sums and keeps signs and zeros', () => {
    const res = gras(Float64Array.from(A), 3, 4, u, v, { tolerance: 1e-10, maxIterations: 10_000 });
    for (let i = 0; i < 3; i++) expect(res.z[i * 4]! + res.z[i * 4 + 1]! + res.z[i * 4 + 2]! + res.z[i * 4 + 3]!).toBeCloseTo(u[i]!, 9);
    for (let j = 0; j < 4; j++) expect(res.z[j]! + res.z[4 + j]! + res.z[8 + j]!).toBeCloseTo(v[j]!, 9);
    A.forEach((a, k) => expect(Math.sign(res.z[k]!)).toBe(Math.sign(a)));
  });

  it('equals RAS on a non-negative matrix (same biproportional solution)', () => {
    // 2x2 closed form (see ras.test.ts): z11 = (−21 + √601)/2 for Z = [[1,2],[3,4]], U = (4,6), V = (5,5).
    const res = gras(Float64Array.from([1, 2, 3, 4]), 2, 2, [4, 6], [5, 5], { tolerance: 1e-12, maxIterations: 1000 });
    expect(res.z[0]).toBeCloseTo((-21 + Math.sqrt(601)) / 2, 10);
  });

  it('reports sign-unreachable targets and zero lines', () => {
    const p = grasProblems(Float64Array.from([1, 2, 0, 0]), 2, 2, [-3, 0], [1, -4], 1e-3);
    expect(p).toContainEqual({ kind: 'sign-unreachable', side: 'row', index: 0, target: -3, has: 'only-positive' });
    expect(p).toContainEqual({ kind: 'sign-unreachable', side: 'col', index: 1, target: -4, has: 'only-positive' });
    expect(grasProblems(Float64Array.from(A), 3, 4, u, v, 1e-3)).toEqual([]);
  });
});
