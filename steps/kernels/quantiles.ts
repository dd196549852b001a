/**
 * Quantiles of the standard normal and Student t distributions, for confidence intervals
 * estimate ± q·SE with q = t_{1−α/2, df} (or z_{1−α/2} for normal-based models), as R's
 * `confint()` does with `qt(1 − α/2, df)` / `qnorm(1 − α/2)`.
 *
 * Formula: q solves P(T > q) = 1 − p, found by bisection on the upper-tail functions of
 * distributions.ts (Numerical Recipes 3rd ed. §6.4 incomplete-beta identity for t, §6.2
 * incomplete gamma for the normal). The tail is monotone in q, so bisection converges to the
 * float nearest the root (about 60 halvings from a bracket found by doubling).
 * Pure: no IO, no engine imports.
 */
import { normalUpper, studentUpper } from './distributions.js';

/** The root q of upper(q) = target for a decreasing upper-tail function, q ≥ 0. */
function invertUpper(upper: (q: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  while (upper(hi) > target) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (upper(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The p-quantile of a Student t with `df` degrees of freedom (R: `qt(p, df)`), 0 < p < 1. */
export function studentQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (df === Infinity) return normalQuantile(p);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentQuantile(1 - p, df);
  return invertUpper((q) => studentUpper(q, df), 1 - p);
}

/** The p-quantile of the standard normal (R: `qnorm(p)`), 0 < p < 1. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return NaN;
  if (p === 0.5) return 0;
  if (p < 0.5) return -normalQuantile(1 - p);
  return invertUpper(normalUpper, 1 - p);
}
