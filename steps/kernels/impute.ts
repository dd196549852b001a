/*
 * Gap filling of one entity's time series (observations sorted by strictly increasing t):
 * inside the observed range, for a missing y_k between consecutive observations a < k < b:
 *   linear:  y_k = y_a + (y_b − y_a) · (t_k − t_a) / (t_b − t_a)   (linear interpolation in t,
 *            as R's zoo::na.approx / stats::approx)
 *   nearest: y_k = y_a if t_k − t_a ≤ t_b − t_k, else y_b           (ties take the earlier)
 *   locf:    y_k = y_a                                               (zoo::na.locf)
 * outside it (before the first or after the last observation), `extrapolate`:
 *   nearest: the first / last observed value (constant carry, as zoo::na.approx(rule = 2));
 *   none:    left missing.
 * Missing values are NaN. Pure: plain arrays in and out; no engine imports.
 */

/** How interior gaps are filled. */
export type ImputeMethod = 'linear' | 'nearest' | 'locf';
/** How gaps before the first / after the last observation are filled. */
export type Extrapolate = 'nearest' | 'none';

/** Result: the filled series, and for each index how it was filled (null = observed or still missing). */
export interface ImputeResult {
  readonly values: Float64Array;
  readonly how: (ImputeMethod | null)[];
}

/** Fills the NaN gaps of `y` observed at times `t` (strictly increasing). */
export function imputeSeries(t: ArrayLike<number>, y: ArrayLike<number>, method: ImputeMethod, extrapolate: Extrapolate): ImputeResult {
  const n = y.length;
  const values = Float64Array.from(y as ArrayLike<number>);
  const how: (ImputeMethod | null)[] = new Array(n).fill(null);
  const obs: number[] = [];
  for (let k = 0; k < n; k++) if (!Number.isNaN(y[k]!)) obs.push(k);
  if (obs.length === 0) return { values, how };
  const first = obs[0]!;
  const last = obs[obs.length - 1]!;
  if (extrapolate === 'nearest') {
    for (let k = 0; k < first; k++) { values[k] = y[first]!; how[k] = 'nearest'; }
    for (let k = last + 1; k < n; k++) { values[k] = y[last]!; how[k] = 'nearest'; }
  }
  for (let m = 0; m + 1 < obs.length; m++) {
    const a = obs[m]!;
    const b = obs[m + 1]!;
    const ta = t[a]!, tb = t[b]!, ya = y[a]!, yb = y[b]!;
    for (let k = a + 1; k < b; k++) {
      const tk = t[k]!;
      if (method === 'linear') values[k] = ya + ((yb - ya) * (tk - ta)) / (tb - ta);
      else if (method === 'nearest') values[k] = tk - ta <= tb - tk ? ya : yb;
      else values[k] = ya;
      how[k] = method;
    }
  }
  return { values, how };
}
