import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { balance, coefficients, columnSums, flatten, flowsFromCoefficients, leontiefInverse } from '../../../steps/kernels/io.js';

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/io/ras_numpy.json', import.meta.url), 'utf8')) as { n: number; base_z: number[][]; base_x: number[]; leontief: number[][] };

describe('io kernel', () => {
  it('computes coefficients with 0/0 → 0 and flags inconsistent zero-output sectors', () => {
    // Hand: a = z / x column-wise; column 2 has x = 0 and zero inputs; column 3 x = 0 with an input.
    const z = Float64Array.from([2, 0, 1, 4, 0, 0, 0, 0, 0]);
    const r = coefficients(z, [4, 0, 0], 3);
    expect(Array.from(r.a)).toEqual([0.5, 0, 0, 1, 0, 0, 0, 0, 0]);
    expect(r.zeroOutput).toEqual([1]);
    expect(r.inconsistent).toEqual([2]);
    expect(Array.from(flowsFromCoefficients(r.a, [4, 0, 0], 3))).toEqual([2, 0, 0, 4, 0, 0, 0, 0, 0]);
    expect(Array.from(columnSums(r.a, 3))).toEqual([1.5, 0, 0]);
  });

  it('Leontief inverse matches numpy.linalg.inv on the fixture', () => {
    // Expected from test/fixtures/io/make_ras_fixture.py: numpy.linalg.inv(I − A0).
    const n = fixture.n;
    const a = coefficients(flatten(fixture.base_z, n), fixture.base_x, n).a;
    const L = leontiefInverse(a, n)!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(L.data[i * n + j]!).toBeCloseTo(fixture.leontief[i]![j]!, 10);
  });

  it('Leontief inverse of a 2x2 by hand and null when singular', () => {
    // A = [[0.2, 0.3], [0.4, 0.1]]: I − A = [[0.8, −0.3], [−0.4, 0.9]], det 0.6,
    // inverse = [[0.9, 0.3], [0.4, 0.8]] / 0.6.
    const L = leontiefInverse(Float64Array.from([0.2, 0.3, 0.4, 0.1]), 2)!;
    [1.5, 0.5, 2 / 3, 4 / 3].forEach((h, k) => expect(L.data[k]).toBeCloseTo(h, 12));
    // A = [[0.5, 0.5], [0.5, 0.5]]: I − A has equal-and-opposite rows.
    expect(leontiefInverse(Float64Array.from([0.5, 0.5, 0.5, 0.5]), 2)).toBeNull();
  });

  it('balance reports the worst relative imbalance', () => {
    const b = balance([100, 201, 0], [100, 200, 0]);
    expect(Array.from(b.difference)).toEqual([0, 1, 0]);
    expect(b.relative[1]).toBeCloseTo(0.005, 15);
    expect(b.worst).toBe(1);
  });
});
