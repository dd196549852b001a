/**
 * Dynamic panel GMM: Arellano–Bond (1991) difference GMM and Blundell–Bond (1998) system
 * GMM, one- and two-step, with Windmeijer's (2005) corrected two-step variance, the
 * Arellano–Bond AR(m) test and the Sargan / Hansen overidentification statistics.
 *
 * Written to reproduce R plm 2.6 `pgmm` (R/est_gmm.R) step by step, including its
 * conventions: the panel is put on the full entity × period grid and every row with a missing
 * value is zeroed (not dropped); the first-step weight is A1 = N · (Σ_i W_i′ H W_i)⁻¹ with H
 * the (2, −1) band of the differenced equations or, for system GMM, plm's `FSM(·, "full")`
 * [[G, FD], [FD′, I]]; a generalised (Moore–Penrose) inverse replaces the inverse when the
 * smallest eigenvalue is below 1e-9, as pgmm's `ginv`; time dummies enter the differenced
 * equations differenced and are their own (differenced) instruments, and in system GMM they
 * enter the level equations with a constant, instrumented by themselves. The formulas:
 * one-step b1 = (X′W A1 W′X)⁻¹ X′W A1 W′y; two-step with A2 = (Σ_i W_i′ e1_i e1_i′ W_i)⁻¹;
 * Windmeijer (2005, eq. 3.3) as in plm's vcovHC.pgmm; mtest.pgmm (Arellano & Bond 1991,
 * eq. 8) on the differenced residuals; sargan.pgmm z′ A z with z = Σ_i W_i′ e_i.
 * Pure: no IO, no engine imports.
 */
import { inverse, symmetricEigen, matrix, type Matrix } from './linalg.js';
import { chiSquaredUpper, normalUpper } from './distributions.js';

/** One regressor column: variable `name` lagged `lag` periods (0 = current). */
export interface GmmRegressor { name: string; lag: number }
/** GMM-style instruments: levels of `name` lagged min..max periods (max capped by the data). */
export interface GmmBlock { name: string; min: number; max: number; collapse: boolean }

/** What the kernel needs: variables on a full entity × period grid, NaN where missing. */
export interface PanelGmmInput {
  /** Values by variable name, entity-major: value of entity i at period t is at i · T + t. */
  values: ReadonlyMap<string, Float64Array>;
  nEntities: number;
  nPeriods: number;
  y: string;
  /** Regressors in output order (lags of y first, as the step builds them). */
  regressors: GmmRegressor[];
  gmm: GmmBlock[];
  /** IV-style instruments (differenced in the differenced equations, levels in the level ones). */
  iv: GmmRegressor[];
  transformation: 'd' | 'ld';
  twoStep: boolean;
  effect: 'individual' | 'twoways';
}

/** A chi-squared or normal test. */
export interface GmmTest { statistic: number; df: number | null; pValue: number }

export interface PanelGmmFit {
  /** Estimates of the regressors then of the time columns (see timeColumns). */
  estimate: Float64Array;
  /** One-step estimates (equal to estimate for a one-step model). */
  estimateOneStep: Float64Array;
  /** Robust variance (one-step sandwich, or Windmeijer-corrected two-step), as summary.pgmm. */
  vcov: Matrix;
  /** The non-robust variance of pgmm's vcov(): B1 or B2. */
  vcovNonRobust: Matrix;
  /** Time columns after the regressors: for d, one dummy per period from `firstDummy`; for ld twoways a constant then dummies. */
  timeColumns: { constant: boolean; periods: number[] };
  instruments: number;
  /** Rows used (differenced plus level). */
  nobs: number;
  nEquationsDiff: number;
  ar: (GmmTest | null)[];
  sargan: GmmTest;
  hansen: GmmTest;
  waldCoef: GmmTest;
  waldTime: GmmTest | null;
  /** Which weight matrices needed a generalised inverse (pgmm warns for the same). */
  generalisedInverse: string[];
}

export type PanelGmmResult = { ok: true; fit: PanelGmmFit } | { ok: false; failure: { reason: string; message: string } };

/** Moore–Penrose inverse of a symmetric matrix, dropping |λ| ≤ √ε · max|λ| (MASS::ginv's tolerance). */
export function pinvSymmetric(a: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(a);
  const n = a.rows;
  let big = 0;
  for (const v of values) big = Math.max(big, Math.abs(v));
  const tol = Math.sqrt(2.220446049250313e-16) * big;
  const out = matrix(n, n);
  for (let k = 0; k < n; k++) {
    const l = values[k]!;
    if (!(Math.abs(l) > tol)) continue;
    for (let i = 0; i < n; i++) {
      const vi = vectors.data[i * n + k]! / l;
      if (vi === 0) continue;
      for (let j = 0; j < n; j++) out.data[i * n + j]! += vi * vectors.data[j * n + k]!;
    }
  }
  return out;
}

function minEigen(a: Matrix, abs: boolean): number {
  const { values } = symmetricEigen(a);
  let m = Infinity;
  for (const v of values) m = Math.min(m, abs ? Math.abs(v) : v);
  return m;
}

/** pgmm's rule: solve() unless the smallest eigenvalue is below 1e-9, then ginv(). */
function pgmmInverse(a: Matrix, abs: boolean): { inv: Matrix | null; general: boolean } {
  if (minEigen(a, abs) < 1e-9) return { inv: pinvSymmetric(a), general: true };
  return { inv: inverse(a), general: false };
}

// Small dense helpers on row-major arrays.
const mul = (a: Matrix, b: Matrix): Matrix => {
  const out = matrix(a.rows, b.cols);
  for (let i = 0; i < a.rows; i++) for (let k = 0; k < a.cols; k++) {
    const v = a.data[i * a.cols + k]!;
    if (v === 0) continue;
    for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j]! += v * b.data[k * b.cols + j]!;
  }
  return out;
};
const tr = (a: Matrix): Matrix => {
  const out = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return out;
};
const add = (a: Matrix, b: Matrix, s = 1): Matrix => matrix(a.rows, a.cols, a.data.map((v, i) => v + s * b.data[i]!));
const scale = (a: Matrix, s: number): Matrix => matrix(a.rows, a.cols, a.data.map((v) => v * s));
const col = (v: ArrayLike<number>): Matrix => matrix(v.length, 1, v);
/** a′ b for a (n×p), b (n×q). */
const crossprod = (a: Matrix, b: Matrix): Matrix => {
  const out = matrix(a.cols, b.cols);
  for (let r = 0; r < a.rows; r++) for (let i = 0; i < a.cols; i++) {
    const v = a.data[r * a.cols + i]!;
    if (v === 0) continue;
    for (let j = 0; j < b.cols; j++) out.data[i * b.cols + j]! += v * b.data[r * b.cols + j]!;
  }
  return out;
};
const quad = (v: Matrix, a: Matrix): number => mul(mul(tr(v), a), v).data[0]!;

const fail = (reason: string, message: string): PanelGmmResult => ({ ok: false, failure: { reason, message } });

/** Fits the model; see the file comment for the conventions. */
export function fitPanelGmm(inp: PanelGmmInput): PanelGmmResult {
  const T = inp.nPeriods;
  const N = inp.nEntities;
  const sys = inp.transformation === 'ld';
  const mainMax = Math.max(...inp.regressors.map((r) => r.lag));
  const gmmMin = Math.min(...inp.gmm.map((g) => g.min));
  const TL1 = Math.max(mainMax + 1, gmmMin);
  const TL2 = TL1 - 1;
  const nd = T - TL1;
  const nl = sys ? T - TL2 : 0;
  if (nd < 1) return fail('too-few-periods', `the panel has ${T} periods but the lags used need ${TL1 + 1} (the first ${TL1} are lost to lags and differencing); use fewer lags or more periods`);
  const at = (name: string, i: number, t: number): number => (t < 0 ? NaN : inp.values.get(name)![i * T + t]!);

  // Instrument column layout (pgmm order: d → [gmm, time, iv]; ld → [gmm diff, gmm level, time, iv diff, iv level]).
  const gmmCols = inp.gmm.map((g) => {
    const len = (t: number) => Math.max(0, t - g.min - Math.max(0, t - g.max) + 1);
    const offsets: number[] = [];
    let total = 0;
    for (let r = 0; r < nd; r++) { offsets.push(total); total += len(TL1 + r); }
    return { g, len, offsets, ncol: g.collapse ? Math.min(T - g.min, g.max + 1 - g.min) : total };
  });
  const levelStart = Math.max(2, TL2);
  const levelCols = sys ? inp.gmm.map((g) => (g.collapse ? 1 : T - levelStart)) : [];
  const twoways = inp.effect === 'twoways';
  const nTime = twoways ? (sys ? nl : nd) : 0;
  const timePeriods = twoways ? (sys ? Array.from({ length: nl - 1 }, (_, c) => TL2 + 1 + c) : Array.from({ length: nd }, (_, c) => TL1 + c)) : [];
  const nIv = inp.iv.length;
  const Lgmm = gmmCols.reduce((s, c) => s + c.ncol, 0);
  const Llev = levelCols.reduce((s, c) => s + c, 0);
  const L = Lgmm + Llev + nTime + nIv * (sys ? 2 : 1);
  const K = inp.regressors.length + nTime;
  const rows = nd + nl;

  // Time columns of the design: value of time column c at period t (levels).
  const timeLevel = (c: number, t: number): number => (sys ? (c === 0 ? 1 : t === timePeriods[c - 1] ? 1 : 0) : t === timePeriods[c] ? 1 : 0);

  const Ws: Matrix[] = [];
  const Xs: Matrix[] = [];
  const ys: Float64Array[] = [];
  let nobs = 0;
  for (let i = 0; i < N; i++) {
    const W = matrix(rows, L);
    const X = matrix(rows, K);
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const diff = r < nd;
      const t = diff ? TL1 + r : TL2 + (r - nd);
      const v = (name: string, lag: number) => (diff ? at(name, i, t - lag) - at(name, i, t - lag - 1) : at(name, i, t - lag));
      const yv = v(inp.y, 0);
      const xv = inp.regressors.map((g) => v(g.name, g.lag));
      if (Number.isNaN(yv) || xv.some(Number.isNaN)) continue; // pgmm zeroes the row
      nobs++;
      y[r] = yv;
      xv.forEach((x, k) => { X.data[r * K + k] = x; });
      for (let c = 0; c < nTime; c++) {
        X.data[r * K + inp.regressors.length + c] = diff ? timeLevel(c, t) - timeLevel(c, t - 1) : timeLevel(c, t);
      }
      const put = (c: number, x: number) => { if (!Number.isNaN(x)) W.data[r * L + c] = x; };
      if (diff) {
        let off = 0;
        for (const gc of gmmCols) {
          const n = gc.len(t);
          for (let j = 0; j < n; j++) {
            const lag = gc.g.min + j; // most recent first
            put(off + (gc.g.collapse ? j : gc.offsets[r]! + n - 1 - j), at(gc.g.name, i, t - lag));
          }
          off += gc.ncol;
        }
        if (!sys) for (let c = 0; c < nTime; c++) put(Lgmm + c, X.data[r * K + inp.regressors.length + c]!);
        const ivOff = Lgmm + Llev + nTime;
        inp.iv.forEach((g, k) => put(ivOff + k, v(g.name, g.lag)));
      } else {
        let off = Lgmm;
        inp.gmm.forEach((g, k) => {
          if (t >= levelStart) put(off + (g.collapse ? 0 : t - levelStart), at(g.name, i, t - 1) - at(g.name, i, t - 2));
          off += levelCols[k]!;
        });
        for (let c = 0; c < nTime; c++) put(Lgmm + Llev + c, timeLevel(c, t));
        const ivOff = Lgmm + Llev + nTime + nIv;
        inp.iv.forEach((g, k) => put(ivOff + k, v(g.name, g.lag)));
      }
    }
    Ws.push(W); Xs.push(X); ys.push(y);
  }

  // H: the covariance pattern of the transformed errors under iid errors.
  const H = matrix(rows, rows);
  for (let r = 0; r < nd; r++) {
    H.data[r * rows + r] = 2;
    if (r + 1 < nd) { H.data[r * rows + r + 1] = -1; H.data[(r + 1) * rows + r] = -1; }
    if (sys) { H.data[r * rows + nd + r] = -1; H.data[r * rows + nd + r + 1] = 1; H.data[(nd + r) * rows + r] = -1; H.data[(nd + r + 1) * rows + r] = 1; }
  }
  for (let r = nd; r < rows; r++) H.data[r * rows + r] = 1;

  const general: string[] = [];
  let S1 = matrix(L, L);
  let WX = matrix(L, K);
  let Wy = matrix(L, 1);
  for (let i = 0; i < N; i++) {
    S1 = add(S1, crossprod(Ws[i]!, mul(H, Ws[i]!)));
    WX = add(WX, crossprod(Ws[i]!, Xs[i]!));
    Wy = add(Wy, crossprod(Ws[i]!, col(ys[i]!)));
  }
  const a1 = pgmmInverse(S1, false);
  if (!a1.inv) return fail('singular-instruments', 'the first-step weight matrix Σ W′HW is singular; there are instruments with no variation (reduce the gmm lag ranges, use collapse: true, or drop a variable)');
  if (a1.general) general.push('first-step');
  const A1 = scale(a1.inv, N);
  const estimate = (A: Matrix) => {
    const B = inverse(mul(mul(tr(WX), A), WX));
    if (!B) return null;
    return { B, b: mul(mul(mul(B, tr(WX)), A), Wy).data };
  };
  const s1 = estimate(A1);
  if (!s1) return fail('singular-design', "X′W A1 W′X is singular: a regressor is collinear with the others or with the time dummies after transformation, or is not identified by the instruments; drop it or add instruments");
  const resid = (b: Float64Array) => Xs.map((X, i) => { const e = Float64Array.from(ys[i]!); for (let r = 0; r < rows; r++) for (let k = 0; k < K; k++) e[r]! -= X.data[r * K + k]! * b[k]!; return e; });
  const e1 = resid(s1.b);
  let S2 = matrix(L, L);
  const We1 = Ws.map((W, i) => crossprod(W, col(e1[i]!)));
  for (const z of We1) S2 = add(S2, mul(z, tr(z)));
  const a2 = pgmmInverse(S2, false);
  if (!a2.inv) return fail('singular-instruments', 'the second-step weight matrix Σ W′ee′W is singular; use collapse: true or shorter gmm lag ranges (fewer instruments than groups)');
  if (a2.general) general.push('second-step');
  const A2 = a2.inv;
  const sa2 = pgmmInverse(A2, true);
  const SA2 = sa2.inv!;
  let b = s1.b;
  let B = s1.B;
  let e = e1;
  let V: Matrix;
  if (inp.twoStep) {
    const s2 = estimate(A2);
    if (!s2) return fail('singular-design', 'X′W A2 W′X is singular; drop a regressor or add instruments');
    b = s2.b; B = s2.B; e = resid(b);
    // Windmeijer (2005), as plm's vcovHC.pgmm.
    const B1 = s1.B;
    const vcov1s = mul(mul(B1, mul(mul(mul(mul(tr(WX), A1), SA2), A1), WX)), B1);
    let We = matrix(L, 1);
    Ws.forEach((W, i) => { We = add(We, crossprod(W, col(e[i]!))); });
    const left = mul(mul(scale(B, -1), tr(WX)), A2);
    const right = mul(A2, We);
    const D = matrix(K, K);
    for (let k = 0; k < K; k++) {
      let wexkw = matrix(L, L);
      Ws.forEach((W, i) => {
        const xk = new Float64Array(rows);
        for (let r = 0; r < rows; r++) xk[r] = Xs[i]!.data[r * K + k]!;
        const a = crossprod(W, col(xk));
        const c = We1[i]!;
        wexkw = add(wexkw, add(mul(a, tr(c)), mul(c, tr(a))), -1);
      });
      const Dk = mul(mul(left, wexkw), right);
      for (let j = 0; j < K; j++) D.data[j * K + k] = Dk.data[j]!;
    }
    const DB = mul(D, B);
    V = add(add(add(B, DB), tr(DB)), mul(mul(D, vcov1s), tr(D)));
  } else {
    V = mul(mul(B, mul(mul(mul(mul(tr(WX), A1), SA2), A1), WX)), B);
  }
  const A = inp.twoStep ? A2 : A1;

  // Arellano–Bond AR(m) on the differenced residuals (mtest.pgmm with vcov = the robust V).
  const ar = [1, 2].map((m): GmmTest | null => {
    if (m >= nd) return null;
    let num = 0; let EVE = 0;
    let EX = matrix(1, K);
    let ZVE = matrix(L, 1);
    for (let i = 0; i < N; i++) {
      const r = new Float64Array(rows); const rl = new Float64Array(rows);
      for (let j = 0; j < nd; j++) { r[j] = e[i]![j]!; if (j >= m) rl[j] = e[i]![j - m]!; }
      let s = 0;
      for (let j = 0; j < nd; j++) s += r[j]! * rl[j]!;
      num += s; EVE += s * s;
      EX = add(EX, crossprod(col(rl), Xs[i]!));
      ZVE = add(ZVE, scale(crossprod(Ws[i]!, col(r)), s));
    }
    const denom = EVE - 2 * mul(mul(mul(mul(EX, B), tr(WX)), A), ZVE).data[0]! + mul(mul(EX, V), tr(EX)).data[0]!;
    const stat = num / Math.sqrt(denom);
    return { statistic: stat, df: null, pValue: 2 * normalUpper(Math.abs(stat)) };
  });

  let z = matrix(L, 1);
  Ws.forEach((W, i) => { z = add(z, crossprod(W, col(e[i]!))); });
  const chi = (stat: number, df: number): GmmTest => ({ statistic: stat, df, pValue: chiSquaredUpper(stat, df) });
  const sargan = chi(quad(z, A1), L - K);
  const hansen = chi(quad(z, A2), L - K);
  const wald = (from: number, to: number): GmmTest | null => {
    const n = to - from;
    if (n <= 0) return null;
    const sub = matrix(n, n);
    for (let a = 0; a < n; a++) for (let c = 0; c < n; c++) sub.data[a * n + c] = V.data[(from + a) * K + from + c]!;
    const inv = inverse(sub);
    if (!inv) return null;
    return chi(quad(col(b.subarray(from, to)), inv), n);
  };
  const nReg = inp.regressors.length;
  return {
    ok: true,
    fit: {
      estimate: Float64Array.from(b), estimateOneStep: Float64Array.from(s1.b), vcov: V, vcovNonRobust: B,
      timeColumns: { constant: twoways && sys, periods: timePeriods },
      instruments: L, nobs, nEquationsDiff: nd, ar, sargan, hansen,
      waldCoef: wald(0, nReg)!, waldTime: twoways ? wald(nReg + (sys ? 1 : 0), K) : null,
      generalisedInverse: general,
    },
  };
}
