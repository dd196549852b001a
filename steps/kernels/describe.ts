/*
 * Summary statistics of one variable, as Stata's `summarize` (paper Table 4: N, mean, SD,
 * min, max):
 *   n = number of non-missing x_i,  mean = Σ x_i / n,
 *   sd = sqrt( Σ (x_i − mean)² / (n − 1) )      (sample SD, n − 1 denominator)
 * The sum of squares uses the corrected two-pass algorithm (Chan, Golub & LeVeque 1983,
 * eq 1.7): S = Σ d_i² − (Σ d_i)² / n with d_i = x_i − mean, which removes the rounding
 * error left in the first-pass mean. Missing values are NaN and are skipped and counted.
 * Pure: plain arrays in and out; no engine imports.
 */

/** Summary of one variable; statistics are NaN when undefined (n = 0, or sd with n < 2). */
export interface Summary {
  /** Non-missing observations. */
  readonly n: number;
  /** Missing (NaN) observations. */
  readonly missing: number;
  readonly mean: number;
  /** Sample standard deviation (n − 1 denominator). */
  readonly sd: number;
  readonly min: number;
  readonly max: number;
}

/** N, mean, SD (n − 1), min and max of `x`, skipping NaN. */
export function summarize(x: ArrayLike<number>): Summary {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const missing = x.length - n;
  if (n === 0) return { n, missing, mean: NaN, sd: NaN, min: NaN, max: NaN };
  const mean = sum / n;
  let ss = 0;
  let sd1 = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) continue;
    const d = v - mean;
    ss += d * d;
    sd1 += d;
  }
  const sd = n < 2 ? NaN : Math.sqrt(Math.max(0, ss - (sd1 * sd1) / n) / (n - 1));
  return { n, missing, mean, sd, min, max };
}
