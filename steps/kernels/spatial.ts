/**
 * Spatial weights, global Moran's I and the fixed-effects spatial Durbin model. Pure: no IO,
 * no engine imports. Matrices are row-major n×n Float64Arrays (element (i, j) at i·n + j).
 *
 * - Great-circle distance: haversine formula on a sphere of radius 6371.0088 km (the IUGG
 *   mean Earth radius).
 * - Moran's I and its moments under normality and randomisation: Cliff & Ord (1981),
 *   eqs. 1.35–1.39, exactly as R spdep `moran.test` computes them (spdep/R/moran.R).
 * - Spatial Durbin / lag model with individual fixed effects: the transformed approach of
 *   Lee & Yu (2010, J. Econometrics 154, 165–185), log-likelihood (eq. 8 with the
 *   within transformation Q = I_T − J_T/T, whose T − 1 unit eigenvectors give the
 *   transformed periods) concentrated in ρ, log|I − ρW| = Σ log(1 − ρλ_i) from the
 *   eigenvalues of W (Ord 1975), σ² = e′e / (n(T − 1)) (Lee & Yu's bias-corrected σ²), and
 *   the information matrix of their eq. (11) for the standard errors.
 * - Direct / indirect / total effects: LeSage & Pace (2009), ch. 2.7, with delta-method
 *   standard errors.
 */
import { inverse, matrix, symmetricEigen } from './linalg.js';

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km between two points given in decimal degrees (haversine). */
export function greatCircleKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Binary contiguity matrix from index pairs (i, j), i ≠ j. */
export function contiguityMatrix(n: number, pairs: readonly (readonly [number, number])[]): Float64Array {
  const w = new Float64Array(n * n);
  for (const [i, j] of pairs) w[i * n + j] = 1;
  return w;
}

/** w_ij = d_ij^(−power) for i ≠ j with d_ij ≤ cutoff (km), else 0. Coincident points are an error for the caller. */
export function inverseDistanceMatrix(lat: ArrayLike<number>, lon: ArrayLike<number>, power: number, cutoffKm = Infinity): Float64Array {
  const n = lat.length;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    if (i === j) continue;
    const d = greatCircleKm(lat[i]!, lon[i]!, lat[j]!, lon[j]!);
    if (d <= cutoffKm) w[i * n + j] = d ** -power;
  }
  return w;
}

/** Each row divided by its sum (spdep style "W"); a row of zeros (an isolate) stays zero. */
export function rowStandardise(w: Float64Array, n: number): Float64Array {
  const out = new Float64Array(w.length);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += w[i * n + j]!;
    if (s !== 0) for (let j = 0; j < n; j++) out[i * n + j] = w[i * n + j]! / s;
  }
  return out;
}

/** Moran's I test of one variable, as spdep moran.test (both variance assumptions). */
export interface MoranResult {
  n: number;
  I: number;
  expectation: number;
  varianceNormality: number;
  varianceRandomisation: number;
  /** Sample kurtosis n Σz⁴ / (Σz²)² used by the randomisation variance. */
  kurtosis: number;
  s0: number;
  s1: number;
  s2: number;
}

/**
 * Global Moran's I = (n / S0) z′Wz / z′z with z = x − mean(x); E[I] = −1/(n − 1);
 * normality: Var = (n²S1 − nS2 + 3S0²) / (S0²(n² − 1)) − E²;
 * randomisation: Var = [n((n² − 3n + 3)S1 − nS2 + 3S0²) − K((n² − n)S1 − 2nS2 + 6S0²)]
 * / ((n − 1)(n − 2)(n − 3)S0²) − E², with S0 = Σw, S1 = ½Σ(w_ij + w_ji)², S2 = Σ_i(w_i· + w_·i)².
 */
export function moranI(x: ArrayLike<number>, w: Float64Array): MoranResult {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  const z = Float64Array.from({ length: n }, (_, i) => x[i]! - mean);
  let zz = 0, z4 = 0, zwz = 0, s0 = 0, s1 = 0, s2 = 0;
  for (let i = 0; i < n; i++) { zz += z[i]! ** 2; z4 += z[i]! ** 4; }
  const rowS = new Float64Array(n), colS = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const wij = w[i * n + j]!;
    s0 += wij;
    rowS[i]! += wij;
    colS[j]! += wij;
    zwz += z[i]! * wij * z[j]!;
    s1 += (wij + w[j * n + i]!) ** 2;
  }
  s1 /= 2;
  for (let i = 0; i < n; i++) s2 += (rowS[i]! + colS[i]!) ** 2;
  const I = (n / s0) * (zwz / zz);
  const e = -1 / (n - 1);
  const s02 = s0 * s0;
  const n2 = n * n;
  const varianceNormality = (n2 * s1 - n * s2 + 3 * s02) / (s02 * (n2 - 1)) - e * e;
  const k = (n * z4) / (zz * zz);
  const varianceRandomisation = (n * ((n2 - 3 * n + 3) * s1 - n * s2 + 3 * s02) - k * ((n2 - n) * s1 - 2 * n * s2 + 6 * s02)) / ((n - 1) * (n - 2) * (n - 3) * s02) - e * e;
  return { n, I, expectation: e, varianceNormality, varianceRandomisation, kurtosis: k, s0, s1, s2 };
}

/**
 * Real eigenvalues of W when W is symmetric or similar to a symmetric matrix through a
 * diagonal scaling (W = D⁻¹C with C symmetric, e.g. a row-standardised symmetric contiguity
 * or distance matrix: then D^½ W D^−½ is symmetric). Returns null when W is not of this
 * kind (asymmetric support, or ratios w_ij / w_ji not of the form d_j / d_i).
 */
export function weightsEigenvalues(w: Float64Array, n: number, tol = 1e-10): Float64Array | null {
  const d = new Float64Array(n).fill(NaN);
  for (let s = 0; s < n; s++) {
    if (!Number.isNaN(d[s]!)) continue;
    d[s] = 1;
    const stack = [s];
    while (stack.length) {
      const i = stack.pop()!;
      for (let j = 0; j < n; j++) {
        const a = w[i * n + j]!, b = w[j * n + i]!;
        if ((a === 0) !== (b === 0)) return null;
        if (a === 0 || i === j) continue;
        // d_i w_ij = d_j w_ji (C = D W symmetric)
        const dj = (d[i]! * a) / b;
        if (Number.isNaN(d[j]!)) { d[j] = dj; stack.push(j); }
        else if (Math.abs(d[j]! - dj) > tol * Math.abs(dj)) return null;
      }
    }
  }
  const s = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s.data[i * n + j] = w[i * n + j]! * Math.sqrt(d[i]! / d[j]!);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) {
    const m = (s.data[i * n + j]! + s.data[j * n + i]!) / 2;
    s.data[i * n + j] = m; s.data[j * n + i] = m;
  }
  return symmetricEigen(s).values;
}

/** Brent's minimiser on [a, b] (Brent 1973, ch. 5; the algorithm of R's optimize). */
export function brentMin(f: (x: number) => number, a: number, b: number, tol = 1e-12, maxIter = 500): number {
  const c = (3 - Math.sqrt(5)) / 2;
  const eps = Math.sqrt(Number.EPSILON);
  let v = a + c * (b - a), w = v, x = v, e = 0, d = 0;
  let fx = f(x), fv = fx, fw = fx;
  for (let it = 0; it < maxIter; it++) {
    const xm = (a + b) / 2;
    const tol1 = eps * Math.abs(x) + tol / 3;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - (b - a) / 2) break;
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p; else q = -q;
      r = e; e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = x < xm ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) { e = (x < xm ? b : a) - x; d = c * e; }
    const u = x + (Math.abs(d) >= tol1 ? d : d > 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u < x) b = x; else a = x;
      v = w; fv = fw; w = x; fw = fx; x = u; fx = fu;
    } else {
      if (u < x) a = u; else b = u;
      if (fu <= fw || w === x) { v = w; fv = fw; w = u; fw = fu; }
      else if (fu <= fv || v === x || v === w) { v = u; fv = fu; }
    }
  }
  return x;
}

/** Input of the spatial lag / Durbin fit. */
export interface SpatialFitInput {
  /** Entities (W is n×n). */
  n: number;
  /** Periods stacked in y and x: row t·n + i is entity i in period t. */
  periods: number;
  y: Float64Array;
  /** Regressors, each of length n·periods. */
  x: Float64Array[];
  names: string[];
  w: Float64Array;
  durbin: boolean;
  /** individual: demean by entity (Lee & Yu); none: pooled with an intercept (the cross-section case). */
  effect: 'individual' | 'none';
}

export interface SpatialFit {
  /** Terms of β (x, then W_x when Durbin; `(Intercept)` first for effect none). */
  terms: string[];
  beta: Float64Array;
  rho: number;
  sigma2: number;
  logLik: number;
  /** Asymptotic vcov of (β, ρ) (the inverse information matrix, σ² row/column dropped). */
  vcov: Float64Array;
  /** Asymptotic vcov including σ² (order β, ρ, σ²). */
  vcovFull: Float64Array;
  nobs: number;
  /** n(T − 1) for individual effects, nT for none: the observations in the likelihood. */
  nEffective: number;
  rhoInterval: [number, number];
  eigenvalues: Float64Array;
  effects: SpatialEffect[];
  /** ỹ − ρWỹ − X̃β (transformed residuals). */
  residuals: Float64Array;
}

export interface SpatialEffect {
  variable: string;
  direct: number; indirect: number; total: number;
  directSe: number; indirectSe: number; totalSe: number;
}

export type SpatialFitFailure = { reason: 'asymmetric-weights' | 'singular-design' | 'bad-information'; message: string };

/** W applied to each period block of v (length n·T). */
export function lagPanel(w: Float64Array, n: number, v: Float64Array): Float64Array {
  const out = new Float64Array(v.length);
  const T = v.length / n;
  for (let t = 0; t < T; t++) {
    const o = t * n;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += w[i * n + j]! * v[o + j]!;
      out[o + i] = s;
    }
  }
  return out;
}

function demeanByEntity(v: Float64Array, n: number, T: number): Float64Array {
  const out = new Float64Array(v.length);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += v[t * n + i]!;
    m /= T;
    for (let t = 0; t < T; t++) out[t * n + i] = v[t * n + i]! - m;
  }
  return out;
}

function solveSym(a: Float64Array, k: number, b: Float64Array[]): Float64Array[] | null {
  const inv = inverse(matrix(k, k, a));
  if (!inv) return null;
  return b.map((v) => Float64Array.from({ length: k }, (_, i) => { let s = 0; for (let j = 0; j < k; j++) s += inv.data[i * k + j]! * v[j]!; return s; }));
}

/** Quasi-ML fit of y = ρWy + Xβ + WXθ + μ + ε (docs/steps/spatial.md). */
export function fitSpatial(inp: SpatialFitInput): { ok: true; fit: SpatialFit } | { ok: false; failure: SpatialFitFailure } {
  const { n, periods: T, w } = inp;
  const N = n * T;
  const eig = weightsEigenvalues(w, n);
  if (!eig) return { ok: false, failure: { reason: 'asymmetric-weights', message: 'the weights matrix is neither symmetric nor a row-standardised symmetric matrix, so its eigenvalues may be complex; build it from a symmetric adjacency or distance table (spatial-weights does)' } };
  const lmax = Math.max(...eig), lmin = Math.min(...eig);
  const rhoInterval: [number, number] = [1 / lmin, 1 / lmax];
  // design: [1?] x, W x
  let cols: Float64Array[] = [];
  const terms: string[] = [];
  if (inp.effect === 'none') { cols.push(new Float64Array(N).fill(1)); terms.push('(Intercept)'); }
  inp.x.forEach((c, k) => { cols.push(c); terms.push(inp.names[k]!); });
  if (inp.durbin) inp.x.forEach((c, k) => { cols.push(lagPanel(w, n, c)); terms.push(`W_${inp.names[k]!}`); });
  let y = inp.y;
  let wy = lagPanel(w, n, inp.y);
  let tEff = T;
  if (inp.effect === 'individual') {
    cols = cols.map((c) => demeanByEntity(c, n, T));
    y = demeanByEntity(y, n, T);
    wy = demeanByEntity(wy, n, T);
    tEff = T - 1;
  }
  const nEff = n * tEff;
  const k = cols.length;
  const xtx = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) {
    let s = 0;
    for (let r = 0; r < N; r++) s += cols[a]![r]! * cols[b]![r]!;
    xtx[a * k + b] = s; xtx[b * k + a] = s;
  }
  const xty = Float64Array.from(cols, (c) => { let s = 0; for (let r = 0; r < N; r++) s += c[r]! * y[r]!; return s; });
  const xtwy = Float64Array.from(cols, (c) => { let s = 0; for (let r = 0; r < N; r++) s += c[r]! * wy[r]!; return s; });
  const sol = solveSym(xtx, k, [xty, xtwy]);
  if (!sol) return { ok: false, failure: { reason: 'singular-design', message: `the regressors (${terms.join(', ')}) are collinear${inp.effect === 'individual' ? ' after removing the entity means (a regressor constant over time, or W_x equal to x)' : ''}; remove one` } };
  const [b0, b1] = sol as [Float64Array, Float64Array];
  const resid = (b: Float64Array, yy: Float64Array) => {
    const e = Float64Array.from(yy);
    for (let j = 0; j < k; j++) { const c = cols[j]!; const bj = b[j]!; for (let r = 0; r < N; r++) e[r]! -= bj * c[r]!; }
    return e;
  };
  const e0 = resid(b0, y), e1 = resid(b1, wy);
  let e00 = 0, e01 = 0, e11 = 0;
  for (let r = 0; r < N; r++) { e00 += e0[r]! ** 2; e01 += e0[r]! * e1[r]!; e11 += e1[r]! ** 2; }
  const logdet = (rho: number) => { let s = 0; for (const l of eig) s += Math.log(1 - rho * l); return s; };
  const negLc = (rho: number) => {
    const ssr = e00 - 2 * rho * e01 + rho * rho * e11;
    return (nEff / 2) * Math.log(ssr / nEff) - tEff * logdet(rho);
  };
  const span = rhoInterval[1] - rhoInterval[0];
  let rho = brentMin(negLc, rhoInterval[0] + 1e-9 * span, rhoInterval[1] - 1e-9 * span, 1e-13);
  // The likelihood is flat to rounding within ~1e-8 of its maximum, so polish ρ with Newton
  // steps on the analytic score (zero at the maximum), kept only while they stay inside.
  for (let it = 0; it < 3; it++) {
    const ssrR = e00 - 2 * rho * e01 + rho * rho * e11;
    const u = rho * e11 - e01;
    let s1 = 0, s2 = 0;
    for (const l of eig) { const d = 1 - rho * l; s1 += l / d; s2 += (l * l) / (d * d); }
    const score = -(nEff * u) / ssrR - tEff * s1;
    const hess = -nEff * (e11 * ssrR - 2 * u * u) / (ssrR * ssrR) - tEff * s2;
    if (!(hess < 0)) break;
    const next = rho - score / hess;
    if (!(next > rhoInterval[0] && next < rhoInterval[1]) || Math.abs(next - rho) > 1e-6 * Math.max(1, Math.abs(rho))) break;
    rho = next;
  }
  const beta = Float64Array.from(b0, (v, j) => v - rho * b1[j]!);
  const e = Float64Array.from(e0, (v, r) => v - rho * e1[r]!);
  let ssr = 0;
  for (let r = 0; r < N; r++) ssr += e[r]! ** 2;
  const sigma2 = ssr / nEff;
  const logLik = -(nEff / 2) * (Math.log(2 * Math.PI * sigma2) + 1) + tEff * logdet(rho);

  // Information matrix (Lee & Yu 2010, eq. 11, times n(T−1)); order β, ρ, σ².
  const aMat = matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) aMat.data[i * n + j] = (i === j ? 1 : 0) - rho * w[i * n + j]!;
  const aInv = inverse(aMat);
  if (!aInv) return { ok: false, failure: { reason: 'bad-information', message: `I − ρW is singular at ρ = ${rho}; check the weights` } };
  const g = new Float64Array(n * n); // G = W A⁻¹
  for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) {
    const wil = w[i * n + l]!;
    if (wil === 0) continue;
    for (let j = 0; j < n; j++) g[i * n + j]! += wil * aInv.data[l * n + j]!;
  }
  let trG = 0, trGG = 0, trGtG = 0;
  for (let i = 0; i < n; i++) {
    trG += g[i * n + i]!;
    for (let j = 0; j < n; j++) { trGG += g[i * n + j]! * g[j * n + i]!; trGtG += g[i * n + j]! ** 2; }
  }
  const xb = new Float64Array(N);
  for (let j = 0; j < k; j++) { const c = cols[j]!; for (let r = 0; r < N; r++) xb[r]! += beta[j]! * c[r]!; }
  const gxb = lagPanel(g, n, xb);
  const p = k + 2;
  const info = new Float64Array(p * p);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) info[a * p + b] = xtx[a * k + b]! / sigma2;
  for (let a = 0; a < k; a++) {
    let s = 0;
    for (let r = 0; r < N; r++) s += cols[a]![r]! * gxb[r]!;
    info[a * p + k] = s / sigma2; info[k * p + a] = s / sigma2;
  }
  let gg = 0;
  for (let r = 0; r < N; r++) gg += gxb[r]! ** 2;
  info[k * p + k] = tEff * (trGG + trGtG) + gg / sigma2;
  info[k * p + k + 1] = (tEff * trG) / sigma2; info[(k + 1) * p + k] = (tEff * trG) / sigma2;
  info[(k + 1) * p + k + 1] = nEff / (2 * sigma2 * sigma2);
  const vInv = inverse(matrix(p, p, info));
  if (!vInv) return { ok: false, failure: { reason: 'bad-information', message: 'the information matrix is singular; the model is not identified (collinear regressors or W·x equal to x)' } };
  const vcovFull = vInv.data;
  const q = k + 1;
  const vcov = new Float64Array(q * q);
  for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) vcov[a * q + b] = vcovFull[a * p + b]!;

  const effects = spatialEffects({ n, w, aInv: aInv.data, rho, beta, vcov, terms, names: inp.names, durbin: inp.durbin });
  return { ok: true, fit: { terms, beta, rho, sigma2, logLik, vcov, vcovFull, nobs: N, nEffective: nEff, rhoInterval, eigenvalues: eig, effects, residuals: e } };
}

/**
 * LeSage & Pace effects of each x: S = (I − ρW)⁻¹(β I + θ W); direct = tr(S)/n,
 * total = 1′S1/n, indirect = total − direct; standard errors by the delta method with
 * ∂S/∂β = A⁻¹, ∂S/∂θ = A⁻¹W, ∂S/∂ρ = A⁻¹WS and the vcov of (β, θ, ρ).
 */
export function spatialEffects(a: { n: number; w: Float64Array; aInv: Float64Array; rho: number; beta: Float64Array; vcov: Float64Array; terms: string[]; names: string[]; durbin: boolean }): SpatialEffect[] {
  const { n, w, aInv } = a;
  const q = a.terms.length + 1; // β terms + ρ
  const rhoIdx = q - 1;
  const mul = (x: Float64Array, y: Float64Array) => {
    const out = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let l = 0; l < n; l++) {
      const v = x[i * n + l]!;
      if (v === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += v * y[l * n + j]!;
    }
    return out;
  };
  const aw = mul(aInv, w);
  const tr = (m: Float64Array) => { let s = 0; for (let i = 0; i < n; i++) s += m[i * n + i]!; return s / n; };
  const sum = (m: Float64Array) => { let s = 0; for (const v of m) s += v; return s / n; };
  const trA = tr(aInv), sumA = sum(aInv), trAW = tr(aw), sumAW = sum(aw);
  return a.names.map((name) => {
    const bi = a.terms.indexOf(name);
    const ti = a.durbin ? a.terms.indexOf(`W_${name}`) : -1;
    const b = a.beta[bi]!, th = ti >= 0 ? a.beta[ti]! : 0;
    const s = Float64Array.from(aInv, (v, r) => b * v + th * aw[r]!);
    const aws = mul(aw, s);
    const direct = tr(s), total = sum(s);
    const idx = ti >= 0 ? [bi, ti, rhoIdx] : [bi, rhoIdx];
    const gd = ti >= 0 ? [trA, trAW, tr(aws)] : [trA, tr(aws)];
    const gt = ti >= 0 ? [sumA, sumAW, sum(aws)] : [sumA, sum(aws)];
    const gi = gt.map((v, m) => v - gd[m]!);
    const se = (gr: number[]) => {
      let v = 0;
      for (let u = 0; u < idx.length; u++) for (let z = 0; z < idx.length; z++) v += gr[u]! * gr[z]! * a.vcov[idx[u]! * q + idx[z]!]!;
      return Math.sqrt(Math.max(v, 0));
    };
    return { variable: name, direct, indirect: total - direct, total, directSe: se(gd), indirectSe: se(gi), totalSe: se(gt) };
  });
}
