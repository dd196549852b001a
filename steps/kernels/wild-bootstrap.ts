/**
 * Restricted wild cluster bootstrap (WCR) of the cluster-robust t test of one coefficient,
 * after Cameron, Gelbach & Miller (2008, REStat 90(3), "Bootstrap-based improvements for
 * inference with clustered errors": the wild cluster bootstrap-t with the null imposed) and
 * Roodman, MacKinnon, Nielsen & Webb (2019, Stata Journal 19(1), "Fast and wild: Bootstrap
 * inference in Stata using boottest"), with boottest's defaults:
 * the null imposed on the bootstrap DGP, symmetric p value P(|t*| ≥ |t|), CR1 standard errors.
 *
 * Model: y = Xβ + u (X = the transformed design of the fit: [1, x] pooled, the within-
 * transformed x for fixed effects, by Frisch–Waugh–Lovell). H0: β_j = r.
 *   restricted fit  ũ(r) = M_{−j}(y − r x_j) = u₀ − r z           (u₀ = M_{−j}y, z = M_{−j}x_j)
 *   bootstrap DGP   y* = Xβ̃ + ũ ∘ v, v_g constant within cluster g (Rademacher or Webb)
 *   bootstrap t     t* = (β*_j − r) / se*_j with se*² = c · Σ_h (e_j' A X_h' u*_h)²,
 *                   A = (X'X)⁻¹, c = G/(G−1)·(N−1)/(N−K) (CR1, as Stata and boottest).
 * The fast algorithm (Roodman et al. 2019, the per-cluster precomputation, here for one
 * coefficient) never forms y*: with s_g = X_g'ũ_g, a_g = e_j'A s_g and q_h = X_h'X_h A e_j,
 *   β*_j − r = Σ_g v_g a_g,     e_j'A X_h'u*_h = Σ_g (δ_hg a_h − q_h'A s_g) v_g = (M v)_h,
 * so after O(N·k² + G²·k) set-up each replication costs one G × G product, O(G²), instead of
 * a refit, O(N·k). Because ũ(r) is affine in r, a_g and M are too (a = a⁰ − r a¹,
 * M = M⁰ − r M¹): per replication five numbers (n₀, n₁, S₀₀, S₀₁, S₁₁) give t*(r) for every
 * r, so the p-value function p(r) costs O(B) per evaluation and the confidence interval is
 * found by root finding on it (test inversion, as boottest) with the same draws.
 * Pure: no IO, no engine imports.
 */
import { mulberry32 } from './random.js';
import { olsFit } from './ols.js';

/** Auxiliary weight distributions (Rademacher; Webb 2014, Queen's Economics WP 1315). */
export type WildWeights = 'rademacher' | 'webb';

/** The support of each weight distribution, every point equally likely. */
export const WEIGHT_POINTS: Record<WildWeights, readonly number[]> = {
  rademacher: [-1, 1],
  // Webb (2014): six points ±√(1/2), ±1, ±√(3/2), each with probability 1/6.
  webb: [-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)],
};

/** The seeded generator (steps/kernels/random.ts; `skip` starts a chunk anywhere), re-exported for the tests. */
export { mulberry32 };

/** The B × G weight matrix (row-major, replication b's weights in row b). */
export interface WildDraws {
  readonly v: Float64Array;
  readonly B: number;
  readonly G: number;
  /** True when every one of the m^G weight vectors appears once (m = 2 Rademacher, 6 Webb). */
  readonly enumerated: boolean;
}

/**
 * Draws the weights: replication b, cluster g uses uniform number b·G + g of the mulberry32
 * stream of `seed` (u < 1/2 → −1 for Rademacher; point ⌊6u⌋ of WEIGHT_POINTS.webb for Webb).
 * With `enumerate` every weight vector is listed once instead (B = m^G; vector b has point
 * ⌊b / m^g⌋ mod m in cluster g), as boottest does when B ≥ m^G.
 * `first` / `count` select replications first … first+count−1 of the stream, so
 * replications can be split across workers and give the same draws as one run.
 */
export function drawWeights(G: number, B: number, weights: WildWeights, seed: number, enumerate: boolean, first = 0, count = B - first): WildDraws {
  const pts = WEIGHT_POINTS[weights];
  const m = pts.length;
  if (enumerate) {
    // Vectors first … first+count−1 of the m^G; all of them when no range is given (B is then ignored).
    const total = m ** G;
    const n = first === 0 && count === B ? total : Math.max(0, Math.min(count, total - first));
    const v = new Float64Array(n * G);
    for (let i = 0; i < n; i++) {
      let rest = first + i;
      for (let g = 0; g < G; g++) { v[i * G + g] = pts[rest % m]!; rest = Math.floor(rest / m); }
    }
    return { v, B: n, G, enumerated: true };
  }
  const next = mulberry32(seed, first * G);
  const v = new Float64Array(count * G);
  for (let i = 0; i < v.length; i++) v[i] = pts[Math.min(m - 1, Math.floor(next() * m))]!;
  return { v, B: count, G, enumerated: false };
}

/** What the bootstrap needs of a fitted linear model. */
export interface WildDesign {
  /** Columns of the (transformed) design, all estimable, N rows each. */
  readonly cols: Float64Array[];
  /** The (transformed) dependent variable. */
  readonly y: Float64Array;
  /** (X'X)⁻¹, row-major k × k. */
  readonly xtxInv: Float64Array;
  /** Unrestricted coefficients β̂. */
  readonly coef: Float64Array;
  /** Unrestricted residuals y − Xβ̂. */
  readonly residuals: Float64Array;
  /** Cluster code 0..G−1 of each row. */
  readonly cluster: Int32Array;
  readonly G: number;
  /** The CR1 factor c = G/(G−1)·(N−1)/(N−K); p values do not depend on it. */
  readonly factor: number;
}

/** The bootstrap of one coefficient: t(r), t*(r) for every r, and p(r). */
export interface WildTest {
  /** β̂_j. */
  readonly estimate: number;
  /** CR1 standard error of β̂_j (unrestricted residuals). */
  readonly se: number;
  /** t(r) = (β̂_j − r) / se. */
  t(r: number): number;
  /** Symmetric bootstrap p value of H0: β_j = r: share of replications with |t*(r)| ≥ |t(r)|. */
  p(r: number): number;
  /** The bootstrap statistics t*_b(r) (for tests and diagnostics). */
  tStar(r: number): Float64Array;
}

/** Relative tolerance under which |t*| and |t| count as tied (v = ±1 reproduces t exactly). */
export const TIE_TOL = 1e-9;

/** Residual of `y` on `cols` (all estimable), by the refined normal equations of ols.ts. */
function residualOn(cols: Float64Array[], y: Float64Array): Float64Array {
  return cols.length === 0 ? Float64Array.from(y) : olsFit(cols, y, 0).residuals;
}

/** Per-cluster X_g'w_g for every column: G × k, row-major. */
function clusterScores(cols: Float64Array[], w: Float64Array, cluster: Int32Array, G: number): Float64Array {
  const k = cols.length;
  const out = new Float64Array(G * k);
  for (let a = 0; a < k; a++) {
    const xa = cols[a]!;
    for (let i = 0; i < w.length; i++) out[cluster[i]! * k + a]! += xa[i]! * w[i]!;
  }
  return out;
}

/**
 * Sets up the bootstrap of coefficient `j` for the given draws: O(N·k² + G²·k + B·G²) once,
 * after which t(r), p(r) cost O(1) and O(B) for any hypothesised value r.
 */
/**
 * What the bootstrap of coefficient j keeps per replication b (the test at any null r is
 * made from these): the numerator n0_b − r·n1_b of t*_b(r) and the pieces of its squared
 * score s00_b − 2r·s01_b + r²·s11_b; with β̂_j, its CR1 standard error and the CR1 factor.
 * A chunk of replications (draws `first`…) gives the pieces of those replications only:
 * chunks concatenated in replication order are the pieces of the full run.
 */
export interface WildPieces {
  readonly estimate: number;
  readonly se: number;
  readonly factor: number;
  readonly num0: Float64Array;
  readonly num1: Float64Array;
  readonly s00: Float64Array;
  readonly s01: Float64Array;
  readonly s11: Float64Array;
}

/** The bootstrap of one coefficient over the given draws: its pieces (see {@link WildPieces}). */
export function wildPieces(d: WildDesign, j: number, draws: WildDraws): WildPieces {
  const { cols, y, xtxInv: A, cluster, G, factor } = d;
  const k = cols.length;
  const n = y.length;
  if (draws.G !== G) throw new Error(`wildTest: draws for ${draws.G} clusters, design has ${G}`);
  const others = cols.filter((_, a) => a !== j);
  const u0 = residualOn(others, y);
  const z = residualOn(others, cols[j]!);
  // ũ(r) = u0 − r z, so s_g(r) = S0_g − r S1_g.
  const S0 = clusterScores(cols, u0, cluster, G);
  const S1 = clusterScores(cols, z, cluster, G);
  const Aj = new Float64Array(k);
  for (let a = 0; a < k; a++) Aj[a] = A[j * k + a]!;
  // q_h = X_h'X_h A e_j = Σ_{i∈h} x_i (x_i'A e_j)
  const Q = new Float64Array(G * k);
  const xa = new Float64Array(n);
  for (let a = 0; a < k; a++) { const c = cols[a]!; const w = Aj[a]!; for (let i = 0; i < n; i++) xa[i]! += c[i]! * w; }
  for (let a = 0; a < k; a++) { const c = cols[a]!; for (let i = 0; i < n; i++) Q[cluster[i]! * k + a]! += c[i]! * xa[i]!; }
  // A s_g for every cluster; a_g = (A s_g)_j.
  const AS0 = new Float64Array(G * k);
  const AS1 = new Float64Array(G * k);
  for (let g = 0; g < G; g++) {
    for (let a = 0; a < k; a++) {
      let s0 = 0, s1 = 0;
      for (let c = 0; c < k; c++) { const w = A[a * k + c]!; s0 += w * S0[g * k + c]!; s1 += w * S1[g * k + c]!; }
      AS0[g * k + a] = s0; AS1[g * k + a] = s1;
    }
  }
  const a0 = new Float64Array(G);
  const a1 = new Float64Array(G);
  for (let g = 0; g < G; g++) { a0[g] = AS0[g * k + j]!; a1[g] = AS1[g * k + j]!; }
  // M⁰_hg = δ_hg a⁰_h − q_h'A s⁰_g, M¹ likewise (M(r) = M⁰ − r M¹).
  const M0 = new Float64Array(G * G);
  const M1 = new Float64Array(G * G);
  for (let h = 0; h < G; h++) {
    for (let g = 0; g < G; g++) {
      let t0 = 0, t1 = 0;
      for (let a = 0; a < k; a++) { const q = Q[h * k + a]!; t0 += q * AS0[g * k + a]!; t1 += q * AS1[g * k + a]!; }
      M0[h * G + g] = -t0; M1[h * G + g] = -t1;
    }
    M0[h * G + h]! += a0[h]!; M1[h * G + h]! += a1[h]!;
  }
  const B = draws.B;
  const num0 = new Float64Array(B), num1 = new Float64Array(B);
  const s00 = new Float64Array(B), s01 = new Float64Array(B), s11 = new Float64Array(B);
  const v = draws.v;
  for (let b = 0; b < B; b++) {
    const o = b * G;
    let n0 = 0, n1 = 0;
    for (let g = 0; g < G; g++) { const vg = v[o + g]!; n0 += vg * a0[g]!; n1 += vg * a1[g]!; }
    let p00 = 0, p01 = 0, p11 = 0;
    for (let h = 0; h < G; h++) {
      const row = h * G;
      let w0 = 0, w1 = 0;
      for (let g = 0; g < G; g++) { const vg = v[o + g]!; w0 += M0[row + g]! * vg; w1 += M1[row + g]! * vg; }
      p00 += w0 * w0; p01 += w0 * w1; p11 += w1 * w1;
    }
    // numerator and score are n0 − r n1 and w0 − r w1
    num0[b] = n0; num1[b] = n1; s00[b] = p00; s01[b] = p01; s11[b] = p11;
  }
  // The unrestricted CR1 standard error.
  const U = clusterScores(cols, d.residuals, cluster, G);
  let ss = 0;
  for (let g = 0; g < G; g++) { let s = 0; for (let a = 0; a < k; a++) s += Aj[a]! * U[g * k + a]!; ss += s * s; }
  const se = Math.sqrt(factor * ss);
  return { estimate: d.coef[j]!, se, factor, num0, num1, s00, s01, s11 };
}

/** The test of one coefficient from all its replications' pieces. */
export function testFromPieces(pc: WildPieces): WildTest {
  const { estimate, se, factor, num0, num1, s00, s01, s11 } = pc;
  const B = num0.length;
  const t = (r: number) => (estimate - r) / se;
  const tStar = (r: number) => {
    const out = new Float64Array(B);
    for (let b = 0; b < B; b++) out[b] = (num0[b]! - r * num1[b]!) / Math.sqrt(factor * Math.max(0, s00[b]! - 2 * r * s01[b]! + r * r * s11[b]!));
    return out;
  };
  const p = (r: number) => {
    const at = Math.abs(t(r)) * (1 - TIE_TOL);
    let count = 0;
    for (let b = 0; b < B; b++) {
      const den = factor * Math.max(0, s00[b]! - 2 * r * s01[b]! + r * r * s11[b]!);
      const ts = Math.abs(num0[b]! - r * num1[b]!) / Math.sqrt(den);
      // 0/0 (a draw that reproduces no variation) counts as a tie, as |t*| is then undefined.
      if (ts >= at || Number.isNaN(ts)) count++;
    }
    return count / B;
  };
  return { estimate, se, t, p, tStar };
}

/** The bootstrap test of coefficient j over the given draws (the whole run in one task). */
export function wildTest(d: WildDesign, j: number, draws: WildDraws): WildTest {
  return testFromPieces(wildPieces(d, j, draws));
}

/** A confidence interval by test inversion; a bound is null when p(r) stays ≥ α outwards. */
export interface WildInterval {
  readonly low: number | null;
  readonly high: number | null;
}

/**
 * The interval {r : p(r) ≥ α} around β̂_j, α = 1 − level: from r = β̂_j (where t = 0 and p = 1)
 * outwards in steps of se that double until p(r) < α, then bisection on the step function
 * p(r) down to a bracket of 1e-13·max(|r|, se) (about 45 halvings); the bound returned is the
 * last r with p(r) ≥ α. When p(r) ≥ α even at β̂ ± 2²⁰·se (about a million standard errors;
 * this happens when α is below the share of draws tied with the sample, e.g. 2/2^G under
 * Rademacher enumeration, whose v = ±1 reproduce |t| at every r), the bound is null. The cap
 * also keeps r where the quadratic form of t*(r) is accurate: its rounding error grows like
 * |r|·1e-16 relative, and ties are judged to TIE_TOL = 1e-9.
 * Like boottest, this reports the first crossing on each side.
 */
export function invertTest(test: WildTest, level: number): WildInterval {
  const alpha = 1 - level;
  const { estimate, se } = test;
  const side = (dir: 1 | -1): number | null => {
    let inside = estimate;
    let step = se;
    let outside: number | undefined;
    for (let i = 0; i <= 20; i++) {
      const r = estimate + dir * step;
      if (test.p(r) < alpha) { outside = r; break; }
      inside = r;
      step *= 2;
    }
    if (outside === undefined) return null;
    let out: number = outside;
    const tol = 1e-13 * Math.max(Math.abs(estimate), se);
    for (let i = 0; i < 200 && Math.abs(out - inside) > tol; i++) {
      const mid: number = (inside + out) / 2;
      if (mid === inside || mid === out) break;
      if (test.p(mid) >= alpha) inside = mid; else out = mid;
    }
    return inside;
  };
  return { low: side(-1), high: side(1) };
}
