import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { columnEntropy, entropyWeights, minMaxNormalise, type Direction, type EntropyResult } from '../../../steps/kernels/entropy-weight.js';

// 4 rows × 3 indicators, worked by hand:
//   x1 (positive) = (1, 2, 3, 4)     → z1 = (0, 1/3, 2/3, 1), Σ = 2,   p1 = (0, 1/6, 1/3, 1/2)
//   x2 (negative) = (10, 10, 20, 30) → z2 = (30 − x)/20 = (1, 1, 0.5, 0), Σ = 2.5, p2 = (0.4, 0.4, 0.2, 0)
//   x3 (positive) = (5, 0, 0, 5)     → z3 = (1, 0, 0, 1), Σ = 2,   p3 = (0.5, 0, 0, 0.5)
// e_j = −(1/ln 4) Σ p ln p with 0·ln0 = 0:
//   e1 = (ln6/6 + ln3/3 + ln2/2)/ln4 = (0.298627 + 0.366204 + 0.346574)/1.386294 ≈ 0.729574
//   e2 = (0.8·ln2.5 + 0.2·ln5)/ln4 = (0.733033 + 0.321888)/1.386294 ≈ 0.760964
//   e3 = (ln2)/ln4 = 0.5 exactly
// 1 − e = (0.270426, 0.239036, 0.5), Σ ≈ 1.009462 → w ≈ (0.267891, 0.236795, 0.495313)
// score_i = Σ_j w_j z_ij, e.g. row 1 = w2 + w3 ≈ 0.732109, row 4 = w1 + w3 ≈ 0.763205
const cols = [[1, 2, 3, 4], [10, 10, 20, 30], [5, 0, 0, 5]];
const dirs: Direction[] = ['positive', 'negative', 'positive'];
const e1 = (Math.log(6) / 6 + Math.log(3) / 3 + Math.log(2) / 2) / Math.log(4);
const e2 = (0.8 * Math.log(2.5) + 0.2 * Math.log(5)) / Math.log(4);
const e3 = 0.5;

describe('entropy weight kernel, 4×3 by hand', () => {
  const r = entropyWeights(cols, dirs) as EntropyResult;

  it('normalises, including a negative indicator', () => {
    expect(Array.from(minMaxNormalise(cols[1]!, 'negative')!)).toEqual([1, 1, 0.5, 0]);
    expect(Array.from(r.z[0]!)).toEqual([0, 1 / 3, 2 / 3, 1].map((v) => expect.closeTo(v, 15)));
    expect(minMaxNormalise([2, 2, 2], 'positive')).toBeNull();
  });

  it('entropies and weights', () => {
    expect(r.entropy[0]).toBeCloseTo(e1, 14);
    expect(r.entropy[0]).toBeCloseTo(0.729574, 6);
    expect(r.entropy[1]).toBeCloseTo(e2, 14);
    expect(r.entropy[1]).toBeCloseTo(0.760964, 6);
    expect(r.entropy[2]).toBeCloseTo(e3, 14);
    const d = 3 - e1 - e2 - e3;
    const w = [(1 - e1) / d, (1 - e2) / d, (1 - e3) / d];
    w.forEach((wj, j) => expect(r.weight[j]).toBeCloseTo(wj, 14));
    [0.267891, 0.236795, 0.495313].forEach((wj, j) => expect(r.weight[j]).toBeCloseTo(wj, 6));
    expect(r.weight.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 15);
  });

  it('scores', () => {
    const [w1, w2, w3] = Array.from(r.weight) as [number, number, number];
    const want = [w2 + w3, w1 / 3 + w2, (2 / 3) * w1 + 0.5 * w2, w1 + w3];
    want.forEach((s, i) => expect(r.score[i]).toBeCloseTo(s, 14));
    expect(r.score[0]).toBeCloseTo(0.732109, 6);
    expect(r.score[3]).toBeCloseTo(0.763205, 6);
  });

  it('shift variant: p formed from z + shift', () => {
    // column 3 with shift s: p = ((1+s), s, s, (1+s)) / (2 + 4s)
    const s = 1e-4;
    const p = [1 + s, s, s, 1 + s].map((v) => v / (2 + 4 * s));
    const want = -p.reduce((a, q) => a + q * Math.log(q), 0) / Math.log(4);
    expect(columnEntropy([1, 0, 0, 1], s)).toBeCloseTo(want, 14);
    const rs = entropyWeights(cols, dirs, { zero: 'shift' }) as EntropyResult;
    expect(rs.entropy[2]).toBeCloseTo(want, 14);
  });

  it('failures and the zero-weight option for constant indicators', () => {
    expect(entropyWeights([[1]], ['positive'])).toEqual({ reason: 'too-few-rows' });
    expect(entropyWeights([[1, 2], [3, 3]], ['positive', 'positive'])).toEqual({ reason: 'constant-indicator', indicator: 1 });
    expect(entropyWeights([[3, 3]], ['positive'], { constantWeightZero: true })).toEqual({ reason: 'no-information' });
    // a constant column gets e = 1, w = 0; the others keep the weights they have alone
    const withConst = entropyWeights([...cols, [7, 7, 7, 7]], [...dirs, 'positive'], { constantWeightZero: true }) as EntropyResult;
    expect(withConst.entropy[3]).toBe(1);
    expect(withConst.weight[3]).toBe(0);
    expect(withConst.weight[0]).toBeCloseTo((entropyWeights(cols, dirs) as EntropyResult).weight[0]!, 15);
  });
});

interface NumpyCase { entropy: number[]; weight: number[]; score: number[] }
interface NumpyRef {
  indicators: string[]; directions: Direction[]; rows: Record<string, number | string>[];
  pooled_ignore: NumpyCase; 'pooled_shift_1e-4': NumpyCase; per_year_ignore: Record<string, NumpyCase>;
}

describe('entropy weight kernel against numpy (12 rows × 4 indicators)', () => {
  // test/fixtures/measurement/entropy-weight-numpy.json, written by measurement-numpy.py
  const ref = JSON.parse(readFileSync(new URL('../../fixtures/measurement/entropy-weight-numpy.json', import.meta.url), 'utf8')) as NumpyRef;
  const columns = ref.indicators.map((c) => ref.rows.map((r) => r[c] as number));
  const check = (r: EntropyResult, want: NumpyCase): void => {
    want.entropy.forEach((v, j) => expect(r.entropy[j]).toBeCloseTo(v, 12));
    want.weight.forEach((v, j) => expect(r.weight[j]).toBeCloseTo(v, 12));
    want.score.forEach((v, i) => expect(r.score[i]).toBeCloseTo(v, 12));
  };
  it('pooled, 0·ln0 = 0', () => check(entropyWeights(columns, ref.directions) as EntropyResult, ref.pooled_ignore));
  it('pooled, shift 1e-4', () => check(entropyWeights(columns, ref.directions, { zero: 'shift', shift: 1e-4 }) as EntropyResult, ref['pooled_shift_1e-4']));
});
