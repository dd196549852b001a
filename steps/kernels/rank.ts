/**
 * Ranks and rank correlation. Ranks follow R's `rank(x, ties.method = …)`; Spearman's ρ is
 * Pearson's correlation of the average ranks (R's `cor(x, y, method = "spearman")`).
 */

/** How tied values are ranked, as in R's `rank(ties.method = …)`. */
export type TiesMethod = 'min' | 'max' | 'average' | 'first';

/**
 * Ranks of `v` (1 = smallest), ties resolved like R's `rank(v, ties.method = ties)`;
 * `first` breaks ties by position. Values must not be NaN.
 */
export function rankValues(v: ArrayLike<number>, ties: TiesMethod = 'average'): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]! || a - b);
  const r = new Float64Array(n);
  for (let s = 0; s < n; ) {
    let e = s;
    while (e + 1 < n && v[order[e + 1]!] === v[order[s]!]) e++;
    for (let k = s; k <= e; k++) {
      const i = order[k]!;
      r[i] = ties === 'min' ? s + 1 : ties === 'max' ? e + 1 : ties === 'first' ? k + 1 : (s + e) / 2 + 1;
    }
    s = e + 1;
  }
  return r;
}

/** Pearson's correlation of two equally long series (NaN when either is constant). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (y.length !== n) throw new Error(`pearson: lengths differ (${n} vs ${y.length})`);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]!; my += y[i]!; }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's rank correlation: Pearson's r of the average ranks (handles ties like R).
 * NaN when either series has a NaN, as R's cor() gives NA: drop incomplete pairs first.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i]!)) return NaN;
  for (let i = 0; i < y.length; i++) if (Number.isNaN(y[i]!)) return NaN;
  return pearson(rankValues(x, 'average'), rankValues(y, 'average'));
}
