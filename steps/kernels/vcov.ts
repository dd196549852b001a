/**
 * Robust covariance estimators of a fitted (transformed) panel regression, one function each.
 *
 * Every estimator is a sandwich B M B with B = (X'X)^-1 of the transformed design X (demeaned,
 * quasi-demeaned or raw) and a "meat" M built from its residuals u, as in R plm 2.6
 * (`vcovG.plm`, `vcovHC.plm`, `vcovDC.plm`, `vcovSCC.plm`, `vcovBK.plm`) and clubSandwich 0.5
 * (`vcovCR(type = "CR2")`, `coef_test(test = "Satterthwaite")`):
 * - residual adjustment (plm `omega`): HC0 u; HC1 u·sqrt(n/(n − k)); HC2 u/sqrt(1 − h);
 *   HC3 u/(1 − h), h the diagonal of X(X'X)^-1X' and k the columns of X;
 * - white1: M = Σ_i x_i x_i' u_i²; white2: M = Σ_g (mean_g u²) X_g'X_g; arellano (cluster):
 *   M = Σ_g X_g'u_g u_g'X_g, groups g entities or periods;
 * - two-way cluster (Cameron, Gelbach & Miller 2011; plm vcovDC): V_entity + V_time − V_white1;
 * - Driscoll–Kraay (plm vcovSCC): with s_t = X_t'u_t, V = V_0 + Σ_{l=1..L} (1 − l/(L+1))(V_l + V_l'),
 *   V_l = B (Σ_t s_t s_{t−l}') B over the ordered periods;
 * - Beck–Katz panel-corrected (plm vcovBK): Ω_ts = mean over units observed at both s and t of
 *   u_is u_it, M = Σ_i X_i' Ω X_i (by entity; by time the roles of units and periods swap);
 * - CR2 (Bell & McCaffrey 2002, Pustejovsky & Tipton 2018): M = Σ_g X_g'A_g u_g u_g'A_g X_g with
 *   A_g = (I − X_g B X_g')^{-1/2}; Satterthwaite df for coefficient c: with g_j = A_j X_j B e_c
 *   and P_ij = δ_ij g_i'g_i − (X_i'g_i)'B(X_j'g_j), df = (Σ_j P_jj)² / Σ_ij P_ij².
 * Pure: no IO, no engine imports.
 */
import { clusterMeat, sandwich } from './ols.js';
import { symmetricEigen, matrix } from './linalg.js';

/** The transformed design of a fit and what the estimators group it by. */
export interface VcovDesign {
  /** Columns of the transformed design actually estimated (n rows each). */
  readonly cols: Float64Array[];
  readonly residuals: Float64Array;
  /** (X'X)^-1 over `cols`, row-major r × r. */
  readonly bread: Float64Array;
  readonly entity: Int32Array;
  readonly nEntities: number;
  /** Period codes 0..nPeriods−1 in time order. */
  readonly time: Int32Array;
  readonly nPeriods: number;
}

/** Residual adjustment of plm's vcovHC family. */
export type HcType = 'HC0' | 'HC1' | 'HC2' | 'HC3';
/** What observations are grouped by (plm's `cluster = "group"` / `"time"`). */
export type GroupBy = 'entity' | 'time';

const groupsOf = (d: VcovDesign, by: GroupBy) => (by === 'entity' ? { codes: d.entity, g: d.nEntities } : { codes: d.time, g: d.nPeriods });

/** h_i = x_i'(X'X)^-1 x_i, the diagonal of the hat matrix (plm `dhat`). */
export function leverage(d: VcovDesign): Float64Array {
  const r = d.cols.length;
  const n = d.residuals.length;
  const h = new Float64Array(n);
  for (let a = 0; a < r; a++) {
    const xa = d.cols[a]!;
    for (let b = 0; b < r; b++) {
      const w = d.bread[a * r + b]!;
      const xb = d.cols[b]!;
      for (let i = 0; i < n; i++) h[i]! += xa[i]! * w * xb[i]!;
    }
  }
  return h;
}

/** The residuals scaled as plm's `omega` for the HC type. */
export function adjustedResiduals(d: VcovDesign, type: HcType): Float64Array {
  const u = d.residuals;
  const n = u.length;
  if (type === 'HC0') return u;
  if (type === 'HC1') {
    const f = Math.sqrt(n / (n - d.cols.length));
    return u.map((v) => v * f);
  }
  const h = leverage(d);
  return u.map((v, i) => (type === 'HC2' ? v / Math.sqrt(1 - h[i]!) : v / (1 - h[i]!)));
}

/** Σ_i x_i x_i' w_i, row-major r × r. */
function weightedCrossprod(cols: Float64Array[], w: Float64Array): Float64Array {
  const r = cols.length;
  const out = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = a; b < r; b++) {
    const xa = cols[a]!, xb = cols[b]!;
    let s = 0;
    for (let i = 0; i < w.length; i++) s += xa[i]! * xb[i]! * w[i]!;
    out[a * r + b] = s;
    out[b * r + a] = s;
  }
  return out;
}

/** White's heteroskedasticity-consistent meat Σ_i x_i x_i' u_i² (plm method = "white1"). */
export function white1Meat(cols: Float64Array[], u: Float64Array): Float64Array {
  return weightedCrossprod(cols, u.map((v) => v * v));
}

/** Group-wise heteroskedastic meat Σ_g (mean_g u²) X_g'X_g (plm method = "white2"). */
export function white2Meat(cols: Float64Array[], u: Float64Array, codes: Int32Array, g: number): Float64Array {
  const ss = new Float64Array(g);
  const cnt = new Float64Array(g);
  for (let i = 0; i < u.length; i++) { ss[codes[i]!]! += u[i]! * u[i]!; cnt[codes[i]!]! += 1; }
  return weightedCrossprod(cols, Float64Array.from(codes, (c) => ss[c]! / cnt[c]!));
}

/** plm vcovHC(method, type, cluster): white1, white2 or arellano (cluster-robust) meat. */
export function vcovHC(d: VcovDesign, method: 'white1' | 'white2' | 'arellano', type: HcType, by: GroupBy): Float64Array {
  const u = adjustedResiduals(d, type);
  const { codes, g } = groupsOf(d, by);
  const meat = method === 'white1' ? white1Meat(d.cols, u) : method === 'white2' ? white2Meat(d.cols, u, codes, g) : clusterMeat(d.cols, u, codes, g);
  return sandwich(d.bread, meat, d.cols.length);
}

/** Two-way clustering by entity and period (plm vcovDC): V_entity + V_time − V_white1. */
export function vcovTwoWayCluster(d: VcovDesign, type: HcType): Float64Array {
  const ve = vcovHC(d, 'arellano', type, 'entity');
  const vt = vcovHC(d, 'arellano', type, 'time');
  const vw = vcovHC(d, 'white1', type, 'entity');
  return ve.map((v, i) => v + vt[i]! - vw[i]!);
}

/** plm vcovSCC's default lag: floor(max_i T_i^(1/4)). */
export function driscollKraayDefaultLag(entityCount: Float64Array): number {
  return Math.floor(Math.max(...entityCount) ** 0.25);
}

/** Driscoll–Kraay (plm vcovSCC, Bartlett weights 1 − l/(L+1)) with `lag` = L. */
export function vcovDriscollKraay(d: VcovDesign, lag: number, type: HcType): Float64Array {
  const r = d.cols.length;
  const u = adjustedResiduals(d, type);
  const T = d.nPeriods;
  const s = new Float64Array(T * r); // s_t = X_t'u_t
  for (let a = 0; a < r; a++) {
    const x = d.cols[a]!;
    for (let i = 0; i < u.length; i++) s[d.time[i]! * r + a]! += x[i]! * u[i]!;
  }
  const meat = new Float64Array(r * r);
  for (let l = 0; l <= Math.min(lag, T - 1); l++) {
    const w = l === 0 ? 1 : 1 - l / (lag + 1);
    for (let t = l; t < T; t++) for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) {
      const v = s[t * r + a]! * s[(t - l) * r + b]!;
      meat[a * r + b]! += w * v;
      if (l > 0) meat[b * r + a]! += w * v;
    }
  }
  return sandwich(d.bread, meat, r);
}

/** Beck–Katz panel-corrected covariance (plm vcovBK, diagonal = FALSE) for a balanced panel. */
export function vcovBeckKatz(d: VcovDesign, type: HcType, by: GroupBy): Float64Array {
  const r = d.cols.length;
  const u = adjustedResiduals(d, type);
  const { codes: unit, g: nUnits } = groupsOf(d, by);
  const { codes: pos, g: m } = groupsOf(d, by === 'entity' ? 'time' : 'entity');
  const rows: number[][] = Array.from({ length: nUnits }, () => []);
  for (let i = 0; i < u.length; i++) rows[unit[i]!]!.push(i);
  const sum = new Float64Array(m * m);
  const cnt = new Float64Array(m * m);
  for (const rs of rows) for (const i of rs) for (const j of rs) { sum[pos[i]! * m + pos[j]!]! += u[i]! * u[j]!; cnt[pos[i]! * m + pos[j]!]! += 1; }
  const omega = sum.map((v, k) => (cnt[k]! > 0 ? v / cnt[k]! : 0));
  const meat = new Float64Array(r * r);
  for (const rs of rows) for (const i of rs) for (const j of rs) {
    const w = omega[pos[i]! * m + pos[j]!]!;
    for (let a = 0; a < r; a++) {
      const xa = d.cols[a]![i]! * w;
      for (let b = 0; b < r; b++) meat[a * r + b]! += xa * d.cols[b]![j]!;
    }
  }
  return sandwich(d.bread, meat, r);
}

/** M^{-1/2} of a symmetric positive semi-definite matrix, eigenvalues ≤ 1e-12 set to 0 (clubSandwich matrix_power). */
function inverseSqrt(m: Float64Array, k: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix(k, k, m));
  const out = new Float64Array(k * k);
  for (let e = 0; e < k; e++) {
    const lam = values[e]!;
    if (!(lam > 1e-12)) continue;
    const f = 1 / Math.sqrt(lam);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[i * k + j]! += vectors.data[i * k + e]! * f * vectors.data[j * k + e]!;
  }
  return out;
}

/** CR2 covariance and Satterthwaite degrees of freedom per coefficient (clubSandwich). */
export function vcovCR2(d: VcovDesign, by: GroupBy): { vcov: Float64Array; df: Float64Array } {
  const r = d.cols.length;
  const B = d.bread;
  const { codes, g } = groupsOf(d, by);
  const rows: number[][] = Array.from({ length: g }, () => []);
  for (let i = 0; i < codes.length; i++) rows[codes[i]!]!.push(i);
  // Per cluster: E_j = X_j'A_j (r × n_j), so cluster j's score is E_j u_j.
  const E: Float64Array[] = [];
  const meat = new Float64Array(r * r);
  for (const rs of rows) {
    const nj = rs.length;
    const xbx = new Float64Array(nj * nj); // I − X_j B X_j'
    for (let p = 0; p < nj; p++) for (let q = 0; q < nj; q++) {
      let s = 0;
      for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) s += d.cols[a]![rs[p]!]! * B[a * r + b]! * d.cols[b]![rs[q]!]!;
      xbx[p * nj + q] = (p === q ? 1 : 0) - s;
    }
    const A = inverseSqrt(xbx, nj);
    const ej = new Float64Array(r * nj);
    for (let a = 0; a < r; a++) for (let q = 0; q < nj; q++) {
      let s = 0;
      for (let p = 0; p < nj; p++) s += d.cols[a]![rs[p]!]! * A[p * nj + q]!;
      ej[a * nj + q] = s;
    }
    E.push(ej);
    const score = new Float64Array(r);
    for (let a = 0; a < r; a++) for (let q = 0; q < nj; q++) score[a]! += ej[a * nj + q]! * d.residuals[rs[q]!]!;
    for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) meat[a * r + b]! += score[a]! * score[b]!;
  }
  const vcov = sandwich(B, meat, r);
  const df = new Float64Array(r);
  for (let c = 0; c < r; c++) {
    // g_j = A_j X_j B e_c = E_j' (B e_c); q_j = X_j' g_j
    const bc = Float64Array.from({ length: r }, (_, a) => B[a * r + c]!);
    const gg = new Float64Array(g);
    const q: Float64Array[] = [];
    rows.forEach((rs, j) => {
      const ej = E[j]!;
      const nj = rs.length;
      const gj = new Float64Array(nj);
      for (let p = 0; p < nj; p++) for (let a = 0; a < r; a++) gj[p]! += ej[a * nj + p]! * bc[a]!;
      let s = 0;
      for (let p = 0; p < nj; p++) s += gj[p]! * gj[p]!;
      gg[j] = s;
      const qj = new Float64Array(r);
      for (let a = 0; a < r; a++) for (let p = 0; p < nj; p++) qj[a]! += d.cols[a]![rs[p]!]! * gj[p]!;
      q.push(qj);
    });
    const bq = q.map((qj) => Float64Array.from({ length: r }, (_, a) => { let s = 0; for (let b = 0; b < r; b++) s += B[a * r + b]! * qj[b]!; return s; }));
    let trace = 0, sq = 0;
    for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) {
      let s = 0;
      for (let a = 0; a < r; a++) s += q[i]![a]! * bq[j]![a]!;
      const pij = (i === j ? gg[i]! : 0) - s;
      if (i === j) trace += pij;
      sq += pij * pij;
    }
    df[c] = (trace * trace) / sq;
  }
  return { vcov, df };
}

/** A robust estimator and its options (what panel-regression's `vcov` params select). */
export type RobustVcov =
  | { readonly kind: 'hc'; readonly method: 'white1' | 'white2' | 'arellano'; readonly type: HcType; readonly by: GroupBy }
  | { readonly kind: 'twoway'; readonly type: HcType }
  | { readonly kind: 'driscoll-kraay'; readonly lag: number; readonly type: HcType }
  | { readonly kind: 'beck-katz'; readonly type: HcType; readonly by: GroupBy }
  | { readonly kind: 'cr2'; readonly by: GroupBy };

/** Computes the chosen estimator; `df` (per coefficient) only for CR2. */
export function robustVcov(d: VcovDesign, spec: RobustVcov): { vcov: Float64Array; df?: Float64Array } {
  switch (spec.kind) {
    case 'hc': return { vcov: vcovHC(d, spec.method, spec.type, spec.by) };
    case 'twoway': return { vcov: vcovTwoWayCluster(d, spec.type) };
    case 'driscoll-kraay': return { vcov: vcovDriscollKraay(d, spec.lag, spec.type) };
    case 'beck-katz': return { vcov: vcovBeckKatz(d, spec.type, spec.by) };
    case 'cr2': return vcovCR2(d, spec.by);
  }
}
