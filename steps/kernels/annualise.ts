/**
 * Annual series from benchmark years (the national-table rule of METHOD-NOTES stage A,
 * formerly scripts/data/io-national.mjs `annualise`):
 *   exact year y ∈ B:            v_y = v_y
 *   between benchmarks lo < y < hi (nearest on each side), t = (y − lo) / (hi − lo):
 *                                v_y = (1 − t) · v_lo + t · v_hi          (linear in levels)
 *   after the last benchmark L:  v_y = g_y / g_L · v_L  (growth series g), or v_y = v_L (carried forward).
 * Pure: no IO, no engine imports.
 */

/** How one target year is obtained from the benchmarks. */
export type YearPlan =
  | { readonly kind: 'exact'; readonly year: number }
  | { readonly kind: 'interpolated'; readonly lo: number; readonly hi: number; readonly t: number }
  | { readonly kind: 'after'; readonly base: number; readonly factor: number };

/** A target year the benchmarks cannot give (before the first one, or no growth value). */
export class AnnualiseGap extends Error {
  constructor(readonly year: number, readonly why: 'before-first' | 'no-growth') {
    super(`annualise: year ${year}: ${why}`);
  }
}

/**
 * The plan of every target year. `growth` maps a year to the growth series value; without it
 * years after the last benchmark carry it forward (factor 1).
 */
export function annualPlan(benchmarks: readonly number[], years: readonly number[], growth?: ReadonlyMap<number, number>): YearPlan[] {
  const bench = [...new Set(benchmarks)].sort((a, b) => a - b);
  const first = bench[0];
  const last = bench[bench.length - 1];
  if (first === undefined || last === undefined) throw new Error('annualise: no benchmark years');
  return years.map((y): YearPlan => {
    if (bench.includes(y)) return { kind: 'exact', year: y };
    if (y < first) throw new AnnualiseGap(y, 'before-first');
    if (y < last) {
      const lo = Math.max(...bench.filter((b) => b < y));
      const hi = Math.min(...bench.filter((b) => b > y));
      return { kind: 'interpolated', lo, hi, t: (y - lo) / (hi - lo) };
    }
    if (!growth) return { kind: 'after', base: last, factor: 1 };
    const gy = growth.get(y);
    const gl = growth.get(last);
    if (gy === undefined || gl === undefined || !Number.isFinite(gy) || !Number.isFinite(gl) || gl === 0) throw new AnnualiseGap(gy === undefined ? y : last, 'no-growth');
    return { kind: 'after', base: last, factor: gy / gl };
  });
}

/** The value of one series under a plan; `at(year)` gives its benchmark value. */
export function applyPlan(plan: YearPlan, at: (year: number) => number): number {
  if (plan.kind === 'exact') return at(plan.year);
  if (plan.kind === 'interpolated') return (1 - plan.t) * at(plan.lo) + plan.t * at(plan.hi);
  return plan.factor * at(plan.base);
}

/** v rounded to `digits` significant digits (integers and non-finite values unchanged). */
export function roundSignificant(v: number, digits: number): number {
  return Number.isInteger(v) || !Number.isFinite(v) ? v : Number(v.toPrecision(digits));
}
