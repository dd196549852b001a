/**
 * Panel two-stage least squares (2SLS) with pooled, individual or two-way fixed effects, and
 * its instrument diagnostics.
 *
 * Model: y = X1 β1 + X2 β2 + (effects) + u with X1 exogenous, X2 endogenous and Z the excluded
 * instruments; W = [X1, Z]. Every column is within-transformed first (kernels/panel.ts
 * withinTransformer, the transform of plm's `Within`); the pooled model adds a constant to X1.
 * Formulas (plm 2.6 `plm(y ~ x + e | x + z)`, AER `ivreg`, Baum, Schaffer & Stillman 2007
 * "Enhanced routines for IV/GMM estimation and testing", Stata Journal 7(4)):
 * - b = (X̂'X̂)^-1 X̂'y with X̂ = P_W X; e = y − X b; σ² = e'e/(n − N_fe − K), N_fe the absorbed
 *   effects (N individual, N + T − 1 two-way, as plm's df.residual); V = σ²(X̂'X̂)^-1, or the
 *   entity-cluster sandwich (X̂'X̂)^-1 Σ_g X̂_g'e_g e_g'X̂_g (X̂'X̂)^-1 (plm vcovHC arellano HC0)
 *   times 1 or G/(G − 1)·(n − 1)/(n − K − 1) (K slopes); z statistics, normal p (plm's summary).
 * - first-stage F per endogenous regressor: the partial F of Z in the regression of x2_j on W,
 *   ((SSR_r − SSR_u)/L)/(SSR_u/(n − N_fe − k_W)); with clusters the Wald statistic of the Z
 *   coefficients with their cluster covariance, divided by L.
 * - Cragg–Donald Wald F: the smallest eigenvalue of S^-1/2' X̃2'P_Z̃ X̃2 S^-1/2 / L, X̃2 and Z̃
 *   with X1 partialled out, S = X̃2'M_Z̃ X̃2/(n − N_fe − k_W) (Stock & Yogo 2005).
 * - Kleibergen–Paap rk Wald F (Kleibergen & Paap 2006): rk/L, rk the Wald statistic of
 *   λ = (b_q' ⊗ U_2') vec(Θ), Θ = F Π G^-1 (F'F = Z̃'Z̃, G'G = X̃2'X̃2, Π the first-stage
 *   coefficients of Z̃), U_2 the left singular vectors of Θ beyond the first k2 − 1 and b_q the
 *   last right singular vector, with the cluster covariance of vec(Π).
 * - Sargan n·e'P_W e/e'e ~ χ²(L − k2); Hansen J ĝ'S^-1 ĝ at the two-step GMM estimate, S the
 *   HC0 cluster meat of W at the 2SLS residuals (ivreg2's robust J).
 * - Wu–Hausman (control function): the first-stage residuals V̂ added to the structural
 *   equation by OLS; F test (classical) or cluster Wald χ²(k2) of their coefficients.
 * Pure: no IO, no engine imports.
 */
import { chiSquaredUpper, fUpper, normalUpper } from './distributions.js';
import { fromArrays, inverse, matmul, matrix, symmetricEigen, type Matrix } from './linalg.js';
import { clusterMeat, crossprod, dot, olsFit, sandwich, type OlsFit } from './ols.js';
import { withinTransformer, type PanelIndex } from './panel.js';

/** What to fit. */
export interface PanelIvSpec {
  readonly y: Float64Array;
  readonly exog: Float64Array[];
  readonly endog: Float64Array[];
  readonly inst: Float64Array[];
  readonly exogNames: string[];
  readonly endogNames: string[];
  readonly instNames: string[];
  readonly index: PanelIndex;
  readonly model: 'pooled' | 'within';
  readonly effect: 'individual' | 'twoways';
  readonly vcov: 'classical' | 'cluster';
  readonly clusterAdjustment: 'hc0' | 'stata';
}

/** One diagnostic test. */
export interface IvDiagnostic {
  readonly test: string;
  readonly statistic: number;
  /** Numerator (F) or χ² degrees of freedom. */
  readonly df: number;
  /** Denominator degrees of freedom of an F test; null for χ² and for the weak-instrument F's. */
  readonly df2: number | null;
  /** null where the statistic is compared with tabulated critical values (Stock–Yogo). */
  readonly pValue: number | null;
  readonly note: string;
}

/** A fitted panel 2SLS model. */
export interface PanelIvFit {
  readonly terms: string[];
  readonly estimate: number[];
  readonly stdError: number[];
  readonly statistic: number[];
  readonly pValue: number[];
  readonly vcov: number[][];
  readonly nobs: number;
  readonly nGroups: number;
  readonly nPeriods: number;
  readonly balanced: boolean;
  readonly dfResid: number;
  readonly absorbed: number;
  readonly ssr: number;
  readonly tss: number;
  readonly sigma2: number;
  readonly r2: number;
  readonly adjR2: number;
  readonly diagnostics: IvDiagnostic[];
}

export type PanelIvResult = { ok: true; fit: PanelIvFit } | { ok: false; failure: { reason: string; message: string } };

const fail = (reason: string, message: string): PanelIvResult => ({ ok: false, failure: { reason, message } });

function residualsOn(cols: Float64Array[], y: Float64Array): Float64Array {
  return cols.length === 0 ? y : olsFit(cols, y, 0).residuals;
}

function centeredSS(a: Float64Array): number {
  let m = 0;
  for (const v of a) m += v;
  m /= a.length;
  let s = 0;
  for (const v of a) s += (v - m) ** 2;
  return s;
}

/** Wald statistic b'V^-1 b, or NaN when V is singular. */
function wald(b: number[], v: Matrix): number {
  const vi = inverse(v);
  if (!vi) return NaN;
  const k = b.length;
  let s = 0;
  for (let a = 0; a < k; a++) for (let c = 0; c < k; c++) s += b[a]! * vi.data[a * k + c]! * b[c]!;
  return s;
}

/** Symmetric inverse square root through the eigen-decomposition. */
function invSqrt(a: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(a);
  const k = a.rows;
  const out = matrix(k, k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    let s = 0;
    for (let m = 0; m < k; m++) s += vectors.data[i * k + m]! * vectors.data[j * k + m]! / Math.sqrt(values[m]!);
    out.data[i * k + j] = s;
  }
  return out;
}

/** Upper-triangular R with R'R = a (a symmetric positive definite). */
function cholUpper(a: Matrix): Matrix {
  const k = a.rows;
  const r = matrix(k, k);
  for (let j = 0; j < k; j++) {
    let s = a.data[j * k + j]!;
    for (let m = 0; m < j; m++) s -= r.data[m * k + j]! ** 2;
    const d = Math.sqrt(s);
    r.data[j * k + j] = d;
    for (let i = j + 1; i < k; i++) {
      let t = a.data[j * k + i]!;
      for (let m = 0; m < j; m++) t -= r.data[m * k + j]! * r.data[m * k + i]!;
      r.data[j * k + i] = t / d;
    }
  }
  return r;
}

const transpose = (a: Matrix): Matrix => {
  const t = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  return t;
};

const kron = (a: Matrix, b: Matrix): Matrix => {
  const out = matrix(a.rows * b.rows, a.cols * b.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) for (let p = 0; p < b.rows; p++) for (let q = 0; q < b.cols; q++) {
    out.data[(i * b.rows + p) * out.cols + j * b.cols + q] = a.data[i * a.cols + j]! * b.data[p * b.cols + q]!;
  }
  return out;
};

const asMatrix = (flat: Float64Array, r: number): Matrix => matrix(r, r, flat);

/** Fits the model; failures the user can fix come back as values. */
export function fitPanelIv(spec: PanelIvSpec): PanelIvResult {
  const { index, model, effect } = spec;
  const n = spec.y.length;
  const k2 = spec.endog.length;
  const L = spec.inst.length;
  if (k2 === 0) return fail('no-endogenous', 'param `endogenous` lists no regressor; name the endogenous regressor(s), or use panel-regression for a model without them');
  if (L < k2) {
    return fail('under-identified', `${k2} endogenous regressor(s) (${spec.endogNames.join(', ')}) need at least as many excluded instruments, but \`instruments\` lists ${L} (${spec.instNames.join(', ') || 'none'}); add instruments or drop endogenous regressors`);
  }
  const tr = model === 'within' ? withinTransformer(index, effect) : (x: Float64Array) => x;
  const absorbed = model === 'pooled' ? 0 : effect === 'individual' ? index.nEntities : index.nEntities + index.nPeriods - 1;
  const yt = tr(spec.y);
  const raw = [...spec.exog, ...spec.endog, ...spec.inst];
  const names = [...spec.exogNames, ...spec.endogNames, ...spec.instNames];
  const trans = raw.map((c) => tr(c));
  if (model === 'within') {
    for (let j = 0; j < raw.length; j++) {
      if (Math.sqrt(dot(trans[j]!, trans[j]!)) <= 1e-10 * Math.sqrt(dot(raw[j]!, raw[j]!))) {
        const what = effect === 'individual' ? 'entity' : 'entity and period';
        return fail('no-within-variation', `\`${names[j]}\` is constant within every ${what}, so the fixed effects absorb it; remove it from the model or use model: pooled`);
      }
    }
  }
  const k1raw = spec.exog.length;
  const x1 = [...(model === 'pooled' ? [new Float64Array(n).fill(1)] : []), ...trans.slice(0, k1raw)];
  const x2 = trans.slice(k1raw, k1raw + k2);
  const z = trans.slice(k1raw + k2);
  const exogTerms = [...(model === 'pooled' ? ['(Intercept)'] : []), ...spec.exogNames];
  const terms = [...exogTerms, ...spec.endogNames];
  const k1 = x1.length;
  const w = [...x1, ...z];
  const kW = w.length;
  const K = k1 + k2;
  if (n - absorbed - kW - k2 <= 0) {
    return fail('too-few-observations', `${n} observations are too few for ${kW} instruments, ${k2} endogenous regressor(s)${absorbed ? ` and ${absorbed} fixed effects` : ''}; add data or remove variables`);
  }
  // The instrument set must have full rank: an instrument equal to (or collinear with) an exogenous regressor identifies nothing.
  const wCheck = olsFit(w, yt);
  if (wCheck.dropped.length > 0) {
    const wNames = [...exogTerms, ...spec.instNames];
    return fail('collinear-instruments', `instrument set is collinear: ${wCheck.dropped.map((j) => `\`${wNames[j]}\``).join(', ')} ${wCheck.dropped.length === 1 ? 'is' : 'are'} a linear combination of the exogenous regressors and other instruments${model === 'within' ? ' (after removing the fixed effects)' : ''}; remove it from \`instruments\` (an exogenous regressor is its own instrument already)`);
  }
  // First stages: x2_j on W (unrestricted) and on X1 (restricted).
  const first: OlsFit[] = x2.map((c) => olsFit(w, c, 0));
  const v = first.map((f) => f.residuals);
  const x2hat = x2.map((c, j) => c.map((val, i) => val - v[j]![i]!));
  const xhat = [...x1, ...x2hat];
  const second = olsFit(xhat, yt);
  if (second.dropped.length > 0) {
    const which = second.dropped.map((j) => `\`${terms[j]}\``).join(', ');
    return fail('singular-first-stage', `the first stage is singular: the fitted values of ${which} from the instruments are collinear with those of the other regressors, so the excluded instruments (${spec.instNames.join(', ')}) cannot identify ${second.dropped.length === 1 ? 'its coefficient' : 'their coefficients'}; add instruments that move each endogenous regressor separately, or drop ${which} from \`endogenous\``);
  }
  const b = Array.from(second.coef);
  const xAll = [...x1, ...x2];
  const e = Float64Array.from(yt);
  for (let a = 0; a < K; a++) { const c = xAll[a]!; const ba = b[a]!; for (let i = 0; i < n; i++) e[i]! -= ba * c[i]!; }
  const ssr = dot(e, e);
  const dfResid = n - absorbed - K;
  const sigma2 = ssr / dfResid;
  const G = index.nEntities;
  const slopes = (k: number) => k - (model === 'pooled' ? 1 : 0);
  const stataFactor = (kSlopes: number) => (spec.clusterAdjustment === 'stata' ? (G / (G - 1)) * ((n - 1) / (n - kSlopes - 1)) : 1);
  const cluster = spec.vcov === 'cluster';
  if (cluster && G < 2) return fail('too-few-clusters', `vcov: cluster needs at least 2 entities, found ${G}; use vcov: classical`);
  const V = cluster
    ? sandwich(second.xtxInv, clusterMeat(xhat, e, index.entity, G), K).map((val) => val * stataFactor(slopes(K)))
    : second.xtxInv.map((val) => val * sigma2);
  const stdError = b.map((_, a) => Math.sqrt(V[a * K + a]!));
  const statistic = b.map((val, a) => val / stdError[a]!);
  const pValue = statistic.map((t) => 2 * normalUpper(Math.abs(t)));
  const vcov: number[][] = [];
  for (let a = 0; a < K; a++) vcov.push(Array.from(V.subarray(a * K, (a + 1) * K)));
  const tss = centeredSS(yt);
  // plm's summary: R² = cor(y*, ŷ*)², ŷ* = y* − e, on the transformed model.
  const fittedY = yt.map((val, i) => val - e[i]!);
  const r2 = corr2(yt, fittedY);
  const adjR2 = 1 - ((1 - r2) * (n - 1)) / dfResid;

  // ---- diagnostics ----
  const diagnostics: IvDiagnostic[] = [];
  const clusterNote = spec.clusterAdjustment === 'stata' ? 'entity clusters, Stata small-sample factor' : 'entity clusters, HC0';
  const dfFirst = n - absorbed - kW;
  const zt = z.map((c) => residualsOn(x1, c)); // Z̃: X1 (and effects) partialled out
  const x2t = x2.map((c) => residualsOn(x1, c));
  const ztz = asMatrix(crossprod(zt), L);
  const ztzInv = inverse(ztz)!;
  // Π: L × k2, column j = coefficients of Z̃ for x̃2_j (equal to those of the full first stage).
  const pi = matrix(L, k2);
  for (let j = 0; j < k2; j++) {
    const zty = zt.map((c) => dot(c, x2t[j]!));
    for (let a = 0; a < L; a++) { let s = 0; for (let c = 0; c < L; c++) s += ztzInv.data[a * L + c]! * zty[c]!; pi.data[a * k2 + j] = s; }
  }
  // Cluster covariance of vec(Π) (columns stacked): blocks A^-1 Σ_g (Z̃_g'v_a)(Z̃_g'v_b)' A^-1.
  let vPi: Matrix | undefined;
  if (cluster) {
    const scores = v.flatMap((vj) => zt.map((c) => c.map((val, i) => val * vj[i]!)));
    const ones = new Float64Array(n).fill(1);
    const meat = clusterMeat(scores, ones, index.entity, G);
    const bb = kron(fromArrays(Array.from({ length: k2 }, (_, i) => Array.from({ length: k2 }, (_, j) => (i === j ? 1 : 0)))), ztzInv);
    vPi = asMatrix(sandwich(bb.data, meat, L * k2), L * k2);
    const f = stataFactor(slopes(kW));
    vPi.data.forEach((val, i) => { vPi!.data[i] = val * f; });
  }
  for (let j = 0; j < k2; j++) {
    const name = spec.endogNames[j]!;
    if (cluster) {
      const bj = Array.from({ length: L }, (_, a) => pi.data[a * k2 + j]!);
      const vj = matrix(L, L);
      for (let a = 0; a < L; a++) for (let c = 0; c < L; c++) vj.data[a * L + c] = vPi!.data[(j * L + a) * L * k2 + j * L + c]!;
      const F = wald(bj, vj) / L;
      diagnostics.push({ test: `first-stage F: ${name}`, statistic: F, df: L, df2: G - 1, pValue: fUpper(F, L, G - 1), note: `partial F of the ${L} excluded instrument(s) in the first stage of ${name}: cluster-robust Wald/L (${clusterNote}), p from F(L, G − 1)` });
    } else {
      const ssrR = dot(x2t[j]!, x2t[j]!);
      const ssrU = first[j]!.ssr;
      const F = ((ssrR - ssrU) / L) / (ssrU / dfFirst);
      diagnostics.push({ test: `first-stage F: ${name}`, statistic: F, df: L, df2: dfFirst, pValue: fUpper(F, L, dfFirst), note: `partial F of the ${L} excluded instrument(s) in the first stage of ${name} (per-regressor, not Sanderson–Windmeijer)` });
    }
  }
  // Cragg–Donald: S = X̃2'v/df (v = M_Z̃ X̃2 = first-stage residuals), P = X̃2'P_Z̃X̃2 = X̂̃2'X̂̃2.
  const svv = matrix(k2, k2);
  const pm = matrix(k2, k2);
  for (let a = 0; a < k2; a++) for (let c = 0; c < k2; c++) {
    svv.data[a * k2 + c] = dot(v[a]!, v[c]!) / dfFirst;
    pm.data[a * k2 + c] = dot(x2t[a]!, x2t[c]!) - dot(v[a]!, v[c]!);
  }
  const si = invSqrt(svv);
  const cdMat = matmul(matmul(si, pm), si);
  const cd = Math.min(...symmetricEigen(cdMat).values) / L;
  diagnostics.push({ test: 'Cragg-Donald Wald F', statistic: cd, df: L, df2: dfFirst, pValue: null, note: `weak identification under homoskedasticity: smallest eigenvalue of the concentration matrix / L; compare with the Stock–Yogo critical values${k2 === 1 ? ' (equals the first-stage F with one endogenous regressor)' : ''}` });
  if (cluster) {
    const Fm = cholUpper(ztz);
    const Gm = cholUpper(asMatrix(crossprod(x2t), k2));
    const gInv = inverse(Gm)!;
    const theta = matmul(matmul(Fm, pi), gInv); // L × k2
    const uEig = symmetricEigen(matmul(theta, transpose(theta))); // left singular vectors, decreasing
    const vEig = symmetricEigen(matmul(transpose(theta), theta));
    const m = L - k2 + 1;
    const u2 = matrix(L, m);
    for (let i = 0; i < L; i++) for (let c = 0; c < m; c++) u2.data[i * m + c] = uEig.vectors.data[i * L + (k2 - 1 + c)]!;
    const bq = matrix(k2, 1);
    for (let i = 0; i < k2; i++) bq.data[i] = vEig.vectors.data[i * k2 + (k2 - 1)]!;
    // λ = (b_q' ⊗ U_2') vec(Θ) = U_2'Θ b_q; vec(Θ) = ((G^-1)' ⊗ F) vec(Π)
    const tm = kron(transpose(bq), transpose(u2)); // m × L k2
    const mth = matmul(tm, kron(transpose(gInv), Fm)); // m × L k2, acting on vec(Π)
    const vecPi = Array.from({ length: L * k2 }, (_, i) => pi.data[(i % L) * k2 + Math.floor(i / L)]!);
    const lam = Array.from({ length: m }, (_, r) => vecPi.reduce((s, val, i) => s + mth.data[r * L * k2 + i]! * val, 0));
    const vl = matmul(matmul(mth, vPi!), transpose(mth));
    const rk = wald(lam, vl);
    diagnostics.push({ test: 'Kleibergen-Paap rk Wald F', statistic: rk / L, df: L, df2: null, pValue: null, note: `weak identification, cluster-robust (${clusterNote}): rk/L with rk = ${fmt(rk)} the Kleibergen–Paap Wald statistic of rank ${k2 - 1}; compare with the Stock–Yogo critical values${k2 === 1 ? ' (equals the robust first-stage F with one endogenous regressor)' : ''}` });
  }
  if (L > k2) {
    if (cluster) {
      const S = asMatrix(clusterMeat(w, e, index.entity, G), kW);
      const sInv = inverse(S);
      if (sInv) {
        const xw = matrix(K, kW);
        for (let a = 0; a < K; a++) for (let c = 0; c < kW; c++) xw.data[a * kW + c] = dot(xAll[a]!, w[c]!);
        const wy = matrix(kW, 1, w.map((c) => dot(c, yt)));
        const xs = matmul(xw, sInv);
        const bg = matmul(inverse(matmul(xs, transpose(xw)))!, matmul(xs, wy));
        const eg = Float64Array.from(yt);
        for (let a = 0; a < K; a++) { const c = xAll[a]!; const ba = bg.data[a]!; for (let i = 0; i < n; i++) eg[i]! -= ba * c[i]!; }
        const J = wald(w.map((c) => dot(c, eg)), S);
        diagnostics.push({ test: 'Hansen J', statistic: J, df: L - k2, df2: null, pValue: chiSquaredUpper(J, L - k2), note: 'overidentifying restrictions, cluster-robust: J at the two-step GMM estimate with the HC0 entity-cluster weight from the 2SLS residuals (as ivreg2)' });
      }
    } else {
      const pe = olsFit(w, e, 0).residuals;
      const sargan = (n * (ssr - dot(pe, pe))) / ssr;
      diagnostics.push({ test: 'Sargan', statistic: sargan, df: L - k2, df2: null, pValue: chiSquaredUpper(sargan, L - k2), note: "overidentifying restrictions under homoskedasticity: n·R² of the 2SLS residuals on all instruments (AER's Sargan)" });
    }
  }
  // Wu–Hausman, control function: OLS of y on [X1, X2, V̂].
  const aug = olsFit([...xAll, ...v], yt, 0);
  if (cluster) {
    const r = K + k2;
    const Va = sandwich(aug.xtxInv, clusterMeat([...xAll, ...v], aug.residuals, index.entity, G), r).map((val) => val * stataFactor(slopes(r)));
    const bv = Array.from({ length: k2 }, (_, j) => aug.coef[K + j]!);
    const vv = matrix(k2, k2);
    for (let a = 0; a < k2; a++) for (let c = 0; c < k2; c++) vv.data[a * k2 + c] = Va[(K + a) * r + K + c]!;
    const W = wald(bv, vv);
    diagnostics.push({ test: 'Wu-Hausman (control function)', statistic: W, df: k2, df2: null, pValue: chiSquaredUpper(W, k2), note: `endogeneity of ${spec.endogNames.join(', ')}: cluster-robust Wald χ² of the first-stage residuals added to the structural equation (${clusterNote})` });
  } else {
    const ssrR = olsFit(xAll, yt, 0).ssr;
    const df2 = n - absorbed - K - k2;
    const F = ((ssrR - aug.ssr) / k2) / (aug.ssr / df2);
    diagnostics.push({ test: 'Wu-Hausman (control function)', statistic: F, df: k2, df2, pValue: fUpper(F, k2, df2), note: `endogeneity of ${spec.endogNames.join(', ')}: F test of the first-stage residuals added to the structural equation (regression-based Durbin–Wu–Hausman, as AER's Wu-Hausman)` });
  }
  return {
    ok: true,
    fit: {
      terms, estimate: b, stdError, statistic, pValue, vcov, nobs: n, nGroups: index.nEntities, nPeriods: index.nPeriods, balanced: index.balanced,
      dfResid, absorbed, ssr, tss, sigma2, r2, adjR2, diagnostics,
    },
  };
}

function corr2(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) { const da = a[i]! - ma, db = b[i]! - mb; sab += da * db; saa += da * da; sbb += db * db; }
  return (sab * sab) / (saa * sbb);
}

const fmt = (x: number) => (Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(4) : x.toFixed(4));
