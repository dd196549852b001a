import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { digitalConsumption, digitalValueAdded, technicalCoefficients } from '../../../steps/kernels/digital-value-added.js';
import { toArrays } from '../../../steps/kernels/linalg.js';

// 3-sector table worked by hand. Sector 3 (index 2) is the digital core.
// Z column sums = (30, 50, 25); VA = X − column sums = (70, 150, 25).
const z = [
  [10, 20, 5],
  [15, 10, 10],
  [5, 20, 10],
];
const x = [100, 200, 50];
const va = [70, 150, 25];

describe('digital value added kernel, 3 sectors by hand', () => {
  it('direct: c_j = z_3j / X_j', () => {
    // c = (5/100, 20/200, 10/50) = (0.05, 0.1, 0.2)
    const c = digitalConsumption(z, x, [2], 'direct')!;
    expect(Array.from(c)).toEqual([0.05, 0.1, 0.2].map((v) => expect.closeTo(v, 15)));
    const r = digitalValueAdded(z, x, va, [2])!;
    // IDVA_1 = 0.05·100·(70/100) = 3.5; IDVA_2 = 0.1·200·(150/200) = 15; sum 18.5
    expect(r.idvaBySector[0]).toBeCloseTo(3.5, 12);
    expect(r.idvaBySector[1]).toBeCloseTo(15, 12);
    expect(r.idvaBySector[2]).toBe(0);
    expect(r.idva).toBeCloseTo(18.5, 12);
    expect(r.digitalVa).toBe(25);
    expect(r.totalVa).toBe(245);
    expect(r.traditional).toEqual([true, true, false]);
  });

  it('complete: c_j = ((I − A)^-1 − I)_3j, via cofactors', () => {
    // I − A = [[0.9, −0.1, −0.1], [−0.15, 0.95, −0.2], [−0.05, −0.1, 0.8]]
    // det = 0.9·(0.76 − 0.02) + 0.1·(−0.12 − 0.01) − 0.1·(0.015 + 0.0475) = 0.64675
    // row 3 of the inverse = (C13, C23, C33)/det with cofactors
    //   C13 = (−0.15)(−0.1) − 0.95(−0.05) = 0.0625
    //   C23 = −(0.9(−0.1) − (−0.1)(−0.05)) = 0.095
    //   C33 = 0.9·0.95 − (−0.1)(−0.15) = 0.84
    // so c = (0.0625, 0.095, 0.84 − 0.64675)/0.64675 (the −I only touches the digital sector)
    const det = 0.64675;
    const c = digitalConsumption(z, x, [2], 'complete')!;
    expect(c[0]).toBeCloseTo(0.0625 / det, 12);
    expect(c[1]).toBeCloseTo(0.095 / det, 12);
    expect(c[2]).toBeCloseTo(0.84 / det - 1, 12);
    const r = digitalValueAdded(z, x, va, [2], { kind: 'complete' })!;
    // IDVA = 70·0.0625/det + 150·0.095/det = (4.375 + 14.25)/0.64675 ≈ 28.7978
    expect(r.idva).toBeCloseTo((4.375 + 14.25) / det, 10);
  });

  it('two digital sectors and an excluded one', () => {
    // D = {2, 3}: c_1 = (15 + 5)/100 = 0.2, IDVA_1 = 0.2·70 = 14; digital VA = 150 + 25
    const r = digitalValueAdded(z, x, va, [1, 2])!;
    expect(r.idva).toBeCloseTo(14, 12);
    expect(r.digitalVa).toBe(175);
    // excluding sector 1 as well leaves nothing traditional
    const e = digitalValueAdded(z, x, va, [2], { exclude: [0] })!;
    expect(e.idva).toBeCloseTo(15, 12);
    expect(e.traditional).toEqual([false, true, false]);
  });

  it('a traditional sector with X_j = 0 contributes 0 and is reported', () => {
    const z0 = [[10, 0, 5], [15, 0, 10], [5, 0, 10]];
    const r = digitalValueAdded(z0, [100, 0, 50], [70, 0, 25], [2])!;
    expect(r.zeroOutput).toEqual([1]);
    expect(r.idvaBySector[1]).toBe(0);
    expect(r.idva).toBeCloseTo(3.5, 12);
    expect(toArrays(technicalCoefficients(z0, [100, 0, 50])).map((row) => row[1])).toEqual([0, 0, 0]);
  });

  it('complete variant on a singular I − A returns null', () => {
    // z_11 = X_1 gives a_11 = 1, so I − A = [[0, 0], [0, 1]] has a zero row
    expect(digitalConsumption([[10, 0], [0, 0]], [10, 5], [0], 'complete')).toBeNull();
  });
});

interface NumpyDva {
  sectors: string[]; z: number[][]; x: number[]; va: number[];
  direct: { c: number[]; idva: number }; complete: { c: number[]; idva: number };
  digital_va: number; total_va: number;
}

describe('digital value added kernel against numpy (5 sectors)', () => {
  // test/fixtures/measurement/digital-value-added-numpy.json, from measurement-numpy.py
  // (numpy.linalg.inv for the Leontief inverse).
  const ref = JSON.parse(readFileSync(new URL('../../fixtures/measurement/digital-value-added-numpy.json', import.meta.url), 'utf8')) as NumpyDva;
  for (const kind of ['direct', 'complete'] as const) {
    it(kind, () => {
      const r = digitalValueAdded(ref.z, ref.x, ref.va, [2, 4], { kind })!;
      Array.from(r.c).forEach((v, j) => expect(v).toBeCloseTo(ref[kind].c[j]!, 12));
      expect(r.idva).toBeCloseTo(ref[kind].idva, 10);
      expect(r.digitalVa).toBeCloseTo(ref.digital_va, 12);
      expect(r.totalVa).toBeCloseTo(ref.total_va, 12);
    });
  }
});
