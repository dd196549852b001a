// Calibration of synthetic columns to published moments (the paper's Table 4).
//
// A latent score (built from real co-variates plus seeded noise) is mapped through a monotone
// piecewise-linear function with four knots: the latent minimum -> target min, the latent
// p-quantile -> a, the latent (1-p)-quantile -> b, the latent maximum -> target max. The mean
// is affine in (a, b), so for each b the mean fixes a; b is then found by bisection so that the
// sample SD (n - 1 denominator) matches. Being monotone, the map keeps the rank order of the
// latent score, hence its co-movement with the real variables it was built from.

/** Sample moments with the n - 1 SD (as Stata's summarize reports). */
export function moments(values) {
  const v = values.filter((x) => x !== null && Number.isFinite(x));
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, min: Math.min(...v), max: Math.max(...v) };
}

function quantile(sorted, p) {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Coefficients (alpha, beta, gamma) with f(x) = alpha + beta*a + gamma*b for the 4-knot map. */
function basis(x, knots, L, U) {
  const [k0, k1, k2, k3] = knots;
  if (x <= k1) { const t = k1 === k0 ? 1 : (x - k0) / (k1 - k0); return [L * (1 - t), t, 0]; }
  if (x <= k2) { const t = k2 === k1 ? 1 : (x - k1) / (k2 - k1); return [0, 1 - t, t]; }
  const t = k3 === k2 ? 1 : (x - k2) / (k3 - k2);
  return [U * t, 0, 1 - t];
}

/**
 * Map latent scores to values with exactly the target mean, SD, min and max.
 * @param {number[]} latent
 * @param {{mean:number, sd:number, min:number, max:number}} target
 * @returns {number[]}
 */
export function calibrateMonotone(latent, target) {
  const sorted = [...latent].sort((p, q) => p - q);
  const { mean: mu, sd: sigma, min: L, max: U } = target;
  for (const p of [0.1, 0.05, 0.15, 0.2, 0.25, 0.3, 0.02]) {
    const knots = [sorted[0], quantile(sorted, p), quantile(sorted, 1 - p), sorted[sorted.length - 1]];
    const B = latent.map((x) => basis(x, knots, L, U));
    const n = B.length;
    const mA = B.reduce((s, c) => s + c[0], 0) / n;
    const mB = B.reduce((s, c) => s + c[1], 0) / n;
    const mG = B.reduce((s, c) => s + c[2], 0) / n;
    const aOf = (b) => (mu - mA - mG * b) / mB;
    const sdOf = (b) => {
      const a = aOf(b);
      return moments(B.map(([al, be, ga]) => al + be * a + ga * b)).sd;
    };
    const ok = (b) => { const a = aOf(b); return L < a && a < b && b < U; };
    const grid = 4000;
    let prev = null;
    for (let g = 1; g < grid; g++) {
      const b = L + ((U - L) * g) / grid;
      if (!ok(b)) { prev = null; continue; }
      const cur = { b, d: sdOf(b) - sigma };
      if (prev && Math.sign(prev.d) !== Math.sign(cur.d)) {
        let lo = prev, hi = cur;
        for (let it = 0; it < 200; it++) {
          const mid = { b: (lo.b + hi.b) / 2, d: 0 };
          mid.d = sdOf(mid.b) - sigma;
          if (Math.sign(mid.d) === Math.sign(lo.d)) lo = mid; else hi = mid;
        }
        const b = (lo.b + hi.b) / 2;
        const a = aOf(b);
        return B.map(([al, be, ga]) => al + be * a + ga * b);
      }
      prev = cur;
    }
  }
  throw new Error(`cannot calibrate to ${JSON.stringify(target)}: latent shape incompatible`);
}

/** Standardise to mean 0, SD 1 (null-safe: nulls stay null). */
export function zscore(values) {
  const m = moments(values);
  return values.map((x) => (x === null ? null : (x - m.mean) / m.sd));
}
