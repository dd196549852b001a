/**
 * The rank kernel against R: test/fixtures/rank/r-ranks.json was written by
 * test/fixtures/rank/make-fixtures.R with base::rank(x, ties.method = "average" | "min" |
 * "max" | "first"), stats::cor(x, y) and stats::cor(x, y, method = "spearman"), on vectors
 * with ties in x, in y and in both. R prints 15 significant digits, hence the tolerances.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pearson, rankValues, spearman } from '../../../steps/kernels/rank.js';
import type { TiesMethod } from '../../../steps/kernels/rank.js';

interface RCase {
  name: string;
  x: number[];
  y: number[];
  rank_x: Record<TiesMethod, number[]>;
  rank_y: Record<TiesMethod, number[]>;
  /** null where R's cor is NA (a constant series). */
  pearson: number | null;
  spearman: number | null;
}

/** A series with one NA (null in JSON): R's cor answers NA; on the complete pairs, 1. */
interface RMissing { x: number[]; y: (number | null)[]; pearson: null; spearman: null; spearman_complete: number }

const R = JSON.parse(readFileSync(new URL('../../fixtures/rank/r-ranks.json', import.meta.url), 'utf8')) as { cases: RCase[]; missing: RMissing };
const TIES: TiesMethod[] = ['average', 'min', 'max', 'first'];

describe('rankValues', () => {
  it.each(R.cases.map((c) => [c.name, c] as const))('matches R rank() for every ties.method: %s', (_name, c) => {
    for (const t of TIES) {
      expect(Array.from(rankValues(c.x, t)), `rank(x, ties.method = "${t}")`).toEqual(c.rank_x[t]);
      expect(Array.from(rankValues(c.y, t)), `rank(y, ties.method = "${t}")`).toEqual(c.rank_y[t]);
    }
  });

  it('defaults to average ranks and accepts a Float64Array', () => {
    // Hand: 7 is smallest (1); the two 9s share places 2 and 3 → 2.5; 12 is 4th.
    expect(Array.from(rankValues(new Float64Array([9, 7, 12, 9])))).toEqual([2.5, 1, 4, 2.5]);
  });

  it('ranks infinities and treats -0 and 0 as a tie', () => {
    // Hand, and R 4.2.2 rank(c(Inf, 1, Inf, -Inf, 0, -0), "min" / "first"): -Inf 1st; 0 and -0
    // tie at 2; 1 is 4th; the two Infs tie at 5.
    expect(Array.from(rankValues([Infinity, 1, Infinity, -Infinity, 0, -0], 'min'))).toEqual([5, 4, 5, 1, 2, 2]);
    expect(Array.from(rankValues([Infinity, 1, Infinity, -Infinity, 0, -0], 'first'))).toEqual([5, 4, 6, 1, 2, 3]);
  });

  it('returns an empty result for an empty input', () => {
    expect(rankValues([]).length).toBe(0);
  });
});

describe('pearson and spearman', () => {
  it.each(R.cases.map((c) => [c.name, c] as const))('match R cor(): %s', (_name, c) => {
    if (c.pearson === null) expect(pearson(c.x, c.y)).toBeNaN(); // R: NA (zero variance)
    else expect(pearson(c.x, c.y)).toBeCloseTo(c.pearson, 13);
    if (c.spearman === null) expect(spearman(c.x, c.y)).toBeNaN();
    else expect(spearman(c.x, c.y)).toBeCloseTo(c.spearman, 13);
  });

  it('spearman without ties equals 1 − 6Σd²/(n(n²−1))', () => {
    // Hand: ranks of x = 1..5, of y = 2,1,4,3,5 → d = -1,1,-1,1,0, Σd² = 4;
    // ρ = 1 − 6·4/(5·24) = 0.8.
    expect(spearman([1, 2, 3, 4, 5], [20, 10, 40, 30, 50])).toBeCloseTo(0.8, 14);
  });

  it('spearman is unchanged by a monotone transform, pearson is not', () => {
    const x = [0.5, 1.5, 2.5, 3.5, 4.5];
    const y = [1, 3, 2, 5, 4];
    const ex = x.map(Math.exp);
    expect(spearman(ex, y)).toBeCloseTo(spearman(x, y), 14);
    expect(Math.abs(pearson(ex, y) - pearson(x, y))).toBeGreaterThan(0.01);
  });

  it('a missing value (NaN) gives NaN, like R cor() gives NA, not a number from a misordered sort', () => {
    const y = R.missing.y.map((v) => v ?? NaN);
    expect(R.missing.pearson).toBeNull();
    expect(pearson(R.missing.x, y)).toBeNaN();
    expect(R.missing.spearman).toBeNull();
    // rankValues' sort compares NaN as "equal by position", so the ranks of y come out
    // (1, 2, 4, 3) and spearman returns -0.8; R says NA (and 1 on the complete pairs).
    expect(spearman(R.missing.x, y)).toBeNaN();
  });

  it('pearson refuses series of different lengths', () => {
    expect(() => pearson([1, 2, 3], [1, 2])).toThrow(/lengths differ/);
  });
});
