/*
 * Location quotient ("location entropy"), paper eq 9 (METHOD-NOTES stage C):
 *   LQ_rt = (p_rt / e_rt) / (P_t / E_t)
 * p = industrial-digitalization practitioners, e = employed persons of region r in period t;
 * P_t, E_t = national totals, either Σ_r p_rt and Σ_r e_rt over the sample (then the
 * e-weighted mean of LQ_rt in each t is exactly 1) or a given national series.
 * Pure: plain arrays in and out; no engine imports.
 */

/** National totals per period (indexed like the `period` codes). */
export interface NationalTotals {
  readonly practitioners: ArrayLike<number>;
  readonly employment: ArrayLike<number>;
}

/**
 * Sums p and e within each period. `period[i]` is row i's period code in 0..periods-1.
 */
export function sampleTotals(p: ArrayLike<number>, e: ArrayLike<number>, period: ArrayLike<number>, periods: number): NationalTotals {
  const sp = new Float64Array(periods);
  const se = new Float64Array(periods);
  for (let i = 0; i < p.length; i++) {
    const t = period[i]!;
    sp[t] = sp[t]! + p[i]!;
    se[t] = se[t]! + e[i]!;
  }
  return { practitioners: sp, employment: se };
}

/**
 * LQ of every row. The caller guarantees e_i ≠ 0 and P_t ≠ 0, E_t ≠ 0 (the step reports
 * those as user errors before calling).
 */
export function locationQuotient(
  p: ArrayLike<number>,
  e: ArrayLike<number>,
  period: ArrayLike<number>,
  national: NationalTotals,
): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const t = period[i]!;
    const nationalShare = national.practitioners[t]! / national.employment[t]!;
    out[i] = p[i]! / e[i]! / nationalShare;
  }
  return out;
}
