/**
 * Linear panel models: pooled OLS, within (fixed effects), between and Swamy–Arora random
 * effects, with classical or entity-clustered covariance.
 *
 * Formulas follow R plm 2.6 (plm.fit, ercomp, vcovHC.plm, summary.plm, within_intercept) and
 * METHOD-NOTES "Reference formulas": within σ² = SSR/(n − N − K) (two-way n − N − T + 1 − K);
 * R² = cor(y*, ŷ*)² on the transformed model, adjusted 1 − (1 − R²)(n − 1)/df; Swamy–Arora
 * σ²_e = SSR_w/(n − N − K_w) and σ²_u = (q_B − (N − K − 1)σ²_e)/(n − tr[(Z̄'WZ̄)^-1 Σ_i T_i² z̄_i z̄_i'])
 * with q_B = Σ_i T_i ē_i² from the T_i-weighted between regression (plm ercomp, dfcor = 3; it
 * reduces to SSR_B/(N − K − 1) − σ²_e/T when balanced), or Stata's xtreg, re variant
 * σ²_u = SSR_B/(N − K − 1) − σ²_e/T̄ (T̄ the harmonic mean of T_i, unweighted between);
 * θ_i = 1 − sqrt(σ²_e/(T_i σ²_u + σ²_e)); cluster V = (X'X)^-1 Σ_g X_g'e_g e_g'X_g (X'X)^-1 times
 * 1 (HC0, plm) or G/(G − 1)·(n − 1)/(n − K − 1) (Stata); the within "constant" a = ȳ − x̄'b
 * with Var(a) = σ²/n + x̄'V x̄ (classical) or Σ_g (s0_g/n − x̄'B s_g)² (cluster), as plm's
 * within_intercept and Stata's xtreg, fe. Other robust estimators (kernels/vcov.ts) are
 * applied to the transformed design; the within constant's variance is then the same
 * estimator applied to plm within_intercept's auxiliary pooled design [1, X* + x̄] with the
 * same residuals.
 * Pure: no IO, no engine imports.
 */
import { clusterMeat, dot, olsFit, sandwich, type OlsFit } from './ols.js';
import { robustVcov, type RobustVcov, type VcovDesign } from './vcov.js';
import { groupCounts, groupMeans, quasiDemean, swamyAroraTheta, withinTransformer, type PanelEffect, type PanelIndex } from './panel.js';
import { normalUpper, studentTwoSided } from './distributions.js';

export type PanelModelKind = 'pooled' | 'within' | 'random' | 'between';

/** What to fit. */
export interface PanelFitSpec {
  readonly y: Float64Array;
  readonly x: Float64Array[];
  readonly names: string[];
  readonly index: PanelIndex;
  readonly model: PanelModelKind;
  readonly effect: PanelEffect;
  /** classical, cluster (see clusterBy, clusterAdjustment) or robust (see `robust`). */
  readonly vcov: 'classical' | 'cluster' | 'robust';
  readonly clusterAdjustment: 'hc0' | 'stata';
  /** Clusters of `vcov: cluster`: entities (default) or periods. */
  readonly clusterBy?: 'entity' | 'time';
  /** The estimator of `vcov: robust`. */
  readonly robust?: RobustVcov;
  /** Unbalanced random-effects variance convention: plm's (default) or Stata's harmonic mean. */
  readonly randomVariance: 'plm' | 'stata';
  /** Collinearity tolerance (R lm's 1e-7). */
  readonly tol?: number;
}

/** One estimated coefficient. */
export interface Coefficient {
  readonly term: string;
  readonly estimate: number;
  readonly stdError: number;
  readonly statistic: number;
  readonly pValue: number;
  /** Satterthwaite degrees of freedom of the t test (CR2 only). */
  readonly df?: number;
}

/** A fitted panel model. */
export interface PanelFit {
  readonly coefficients: Coefficient[];
  /** Covariance of the coefficients, in `coefficients` order. */
  readonly vcov: number[][];
  /** 't' (df = dfResid) or 'normal' (random effects, as plm). */
  readonly distribution: 't' | 'normal';
  readonly nobs: number;
  readonly nGroups: number;
  readonly nPeriods: number;
  readonly balanced: boolean;
  readonly dfResid: number;
  readonly r2: number;
  readonly adjR2: number;
  readonly r2Overall: number | null;
  readonly r2Between: number | null;
  readonly sigma2: number;
  readonly ssr: number;
  readonly tss: number;
  readonly droppedTerms: string[];
  readonly sigma2U?: number;
  readonly sigma2E?: number;
  /** θ per group (random effects). */
  readonly theta?: Float64Array;
  /** Observations per group, for summarising θ over observations. */
  readonly thetaCounts?: Float64Array;
  readonly constant?: Coefficient;
}

/** A failure the user can fix (reason is kebab-case). */
export interface PanelFitFailure {
  readonly reason: string;
  readonly message: string;
}

export type PanelFitResult = { ok: true; fit: PanelFit } | { ok: false; failure: PanelFitFailure };

const fail = (reason: string, message: string): PanelFitResult => ({ ok: false, failure: { reason, message } });

function correlation2(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += a[i]!; mb += b[i]!; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma, db = b[i]! - mb;
    sab += da * db; saa += da * da; sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? (sab * sab) / (saa * sbb) : NaN;
}

function centeredSS(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return s;
}

/** ŷ = y − e. */
function fitted(y: Float64Array, e: Float64Array): Float64Array {
  const f = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) f[i] = y[i]! - e[i]!;
  return f;
}

/** Fits a T_g-weighted (w) or unweighted between regression on group means; returns the fit. */
function betweenFit(spec: PanelFitSpec, codes: Int32Array, g: number, counts: Float64Array, weighted: boolean, tol: number) {
  const w = weighted ? Float64Array.from(counts, Math.sqrt) : new Float64Array(g).fill(1);
  const ym = groupMeans(spec.y, codes, g, counts);
  const xm = spec.x.map((c) => groupMeans(c, codes, g, counts));
  const cols = [w, ...xm.map((c) => c.map((v, j) => v * w[j]!))];
  const fit = olsFit(cols, ym.map((v, j) => v * w[j]!), tol);
  return { fit, xm, ym };
}

/**
 * plm within_intercept's auxiliary pooled design [1, X* + x̄] (X* the within-transformed
 * columns, x̄ their raw means) with its (X'X)^-1.
 */
function auxDesign(cols: Float64Array[], xbar: number[], design: (c: Float64Array[], b: Float64Array) => VcovDesign): VcovDesign {
  const n = cols[0]!.length;
  const aux = [new Float64Array(n).fill(1), ...cols.map((c, a) => c.map((v) => v + xbar[a]!))];
  return design(aux, olsFit(aux, new Float64Array(n), 0).xtxInv);
}

/** Fits the model; failures the user can fix come back as values. */
export function fitPanel(spec: PanelFitSpec): PanelFitResult {
  const { y, x, names, index, model, effect } = spec;
  const tol = spec.tol ?? 1e-7;
  const n = y.length;
  const k = x.length;
  const useTime = effect === 'time';
  const codes = useTime ? index.time : index.entity;
  const nG = useTime ? index.nPeriods : index.nEntities;
  const counts = useTime ? index.timeCount : index.entityCount;
  if ((model === 'random' || model === 'between') && effect === 'twoways') {
    return fail('unsupported-effect', `model \`${model}\` supports effect individual or time, not twoways; use model: within for two-way effects`);
  }
  if (model === 'between' && spec.vcov === 'cluster') {
    return fail('unsupported-vcov', 'the between model has one row per group, so entity clusters are single rows; use vcov: classical');
  }
  if (model === 'between' && spec.vcov === 'robust') {
    return fail('unsupported-vcov', 'robust variance estimators are not defined for the between model (plm vcovHC refuses it too); use vcov: classical');
  }
  const clusterTime = spec.vcov === 'cluster' && spec.clusterBy === 'time';
  const robust: RobustVcov | undefined = spec.vcov === 'robust' ? spec.robust : clusterTime ? { kind: 'hc', method: 'arellano', type: 'HC0', by: 'time' } : undefined;
  if (spec.vcov === 'robust' && !robust) throw new Error('fitPanel: vcov robust needs spec.robust');

  let cols: Float64Array[];
  let yt: Float64Array;
  let terms: string[];
  let card = 0; // absorbed fixed effects
  let rowsGroup = index.entity; // cluster of each transformed row
  let nClusters = index.nEntities;
  let extra: Partial<PanelFit> = {};
  let distribution: 't' | 'normal' = 't';
  let nRows = n;

  if (model === 'pooled') {
    cols = [new Float64Array(n).fill(1), ...x];
    yt = y;
    terms = ['(Intercept)', ...names];
  } else if (model === 'within') {
    const tr = withinTransformer(index, effect);
    cols = x.map((c) => tr(c));
    for (let j = 0; j < k; j++) {
      if (Math.sqrt(dot(cols[j]!, cols[j]!)) <= 1e-10 * Math.sqrt(dot(x[j]!, x[j]!))) {
        const what = effect === 'individual' ? 'entity' : effect === 'time' ? 'period' : 'entity and period';
        return fail('no-within-variation', `regressor \`${names[j]}\` is constant within every ${what}, so the within (fixed-effects) model cannot estimate it; remove it from x or use model: random or pooled`);
      }
    }
    yt = tr(y);
    terms = [...names];
    card = effect === 'individual' ? index.nEntities : effect === 'time' ? index.nPeriods : index.nEntities + index.nPeriods - 1;
  } else if (model === 'between') {
    const b = betweenFit(spec, codes, nG, counts, false, tol);
    cols = [new Float64Array(nG).fill(1), ...b.xm];
    yt = b.ym;
    terms = ['(Intercept)', ...names];
    nRows = nG;
  } else {
    distribution = 'normal';
    // The between regression that estimates σ²_u has nG − K − 1 degrees of freedom.
    if (nG - k - 1 <= 0) {
      return fail('too-few-groups', `random effects need more ${useTime ? 'periods' : 'entities'} (${nG}) than regressors + 1 (${k + 1}) to estimate the variance of the ${useTime ? 'time' : 'individual'} effects; use model: pooled or within, or fewer regressors`);
    }
    const wt = withinTransformer(index, useTime ? 'time' : 'individual');
    const wcols = x.map((c) => wt(c));
    const wfit = olsFit(wcols, wt(y), tol);
    const s2e = wfit.ssr / (n - nG - wfit.kept.length);
    const kb = k; // slopes of the between regression (plm: ncol(Z) − 1)
    let s2u: number;
    if (spec.randomVariance === 'stata') {
      const b = betweenFit(spec, codes, nG, counts, false, tol);
      let harm = 0;
      for (let g = 0; g < nG; g++) harm += 1 / counts[g]!;
      s2u = b.fit.ssr / (nG - kb - 1) - s2e / (nG / harm);
    } else {
      const b = betweenFit(spec, codes, nG, counts, true, tol);
      // tr[(Z̄'W Z̄)^-1 Σ_g T_g² z̄_g z̄_g'] over the kept between columns
      const kept = b.fit.kept;
      const r = kept.length;
      const zbar = (g: number, a: number) => (kept[a] === 0 ? 1 : b.xm[kept[a]! - 1]![g]!);
      const s = new Float64Array(r * r);
      for (let g = 0; g < nG; g++) {
        const t2 = counts[g]! * counts[g]!;
        for (let a = 0; a < r; a++) for (let c = 0; c < r; c++) s[a * r + c]! += t2 * zbar(g, a) * zbar(g, c);
      }
      let trace = 0;
      for (let a = 0; a < r; a++) for (let c = 0; c < r; c++) trace += b.fit.xtxInv[a * r + c]! * s[c * r + a]!;
      s2u = (b.fit.ssr - (nG - kb - 1) * s2e) / (n - trace);
    }
    if (!(s2u > 0)) s2u = 0;
    const theta = swamyAroraTheta(s2e, s2u, counts);
    const one = new Float64Array(n);
    for (let i = 0; i < n; i++) one[i] = 1 - theta[codes[i]!]!;
    cols = [one, ...x.map((c) => quasiDemean(c, codes, nG, counts, theta))];
    yt = quasiDemean(y, codes, nG, counts, theta);
    terms = ['(Intercept)', ...names];
    extra = { sigma2E: s2e, sigma2U: s2u, theta, thetaCounts: counts };
  }
  if (useTime) { rowsGroup = index.entity; nClusters = index.nEntities; }

  const p = cols.length;
  if (nRows - card <= p) {
    return fail('too-few-observations', `${nRows} ${model === 'between' ? 'group means' : 'observations'} are too few for ${p} coefficients${card ? ` and ${card} fixed effects` : ''}; add data or remove regressors`);
  }
  const fit: OlsFit = olsFit(cols, yt, tol);
  const droppedTerms = fit.dropped.map((j) => terms[j]!);
  const keptSlopes = fit.kept.filter((j) => terms[j] !== '(Intercept)');
  if (keptSlopes.length === 0) {
    return fail('singular-design', `no regressor can be estimated: ${droppedTerms.join(', ')} ${droppedTerms.length === 1 ? 'is' : 'are'} collinear with the intercept or the fixed effects`);
  }
  const r = fit.kept.length;
  const dfResid = nRows - r - card;
  if (dfResid <= 0) return fail('too-few-observations', `no residual degrees of freedom are left (${nRows} rows, ${r} coefficients, ${card} fixed effects); add data or remove regressors`);
  const sigma2 = fit.ssr / dfResid;
  const keptCols = fit.kept.map((j) => cols[j]!);
  let V: Float64Array;
  let factor = 1;
  let meat: Float64Array | undefined;
  let dfs: Float64Array | undefined;
  const design = (cols2: Float64Array[], bread: Float64Array): VcovDesign => ({
    cols: cols2, residuals: fit.residuals, bread, entity: index.entity, nEntities: index.nEntities, time: index.time, nPeriods: index.nPeriods,
  });
  if (spec.vcov === 'classical') {
    V = fit.xtxInv.map((v) => v * sigma2);
  } else if (robust) {
    const res = robustVcov(design(keptCols, fit.xtxInv), robust);
    if (clusterTime && spec.clusterAdjustment === 'stata') factor = (index.nPeriods / (index.nPeriods - 1)) * ((n - 1) / (n - keptSlopes.length - 1));
    V = res.vcov.map((v) => v * factor);
    dfs = res.df;
  } else {
    meat = clusterMeat(keptCols, fit.residuals, rowsGroup, nClusters);
    if (spec.clusterAdjustment === 'stata') factor = (nClusters / (nClusters - 1)) * ((n - 1) / (n - keptSlopes.length - 1));
    V = sandwich(fit.xtxInv, meat, r).map((v) => v * factor);
  }
  const pOf = (t: number, df = dfResid) => (distribution === 'normal' ? 2 * normalUpper(Math.abs(t)) : studentTwoSided(t, df));
  const coefficients: Coefficient[] = fit.kept.map((j, a) => {
    const estimate = fit.coef[j]!;
    const stdError = Math.sqrt(V[a * r + a]!);
    const statistic = estimate / stdError;
    const df = dfs?.[a];
    return df === undefined ? { term: terms[j]!, estimate, stdError, statistic, pValue: pOf(statistic) } : { term: terms[j]!, estimate, stdError, statistic, pValue: pOf(statistic, df), df };
  });
  const vcov: number[][] = [];
  for (let a = 0; a < r; a++) vcov.push(Array.from(V.subarray(a * r, (a + 1) * r)));

  const r2 = model === 'within' ? 1 - fit.ssr / centeredSS(yt) : correlation2(yt, fitted(yt, fit.residuals));
  const adjR2 = 1 - ((1 - r2) * (nRows - 1)) / dfResid;

  let r2Overall: number | null = null;
  let r2Between: number | null = null;
  if (model !== 'between') {
    const xb = new Float64Array(n);
    for (const j of keptSlopes) {
      const b = fit.coef[j]!;
      const c = x[names.indexOf(terms[j]!)]!;
      for (let i = 0; i < n; i++) xb[i]! += b * c[i]!;
    }
    r2Overall = correlation2(y, xb);
    const ec = groupCounts(index.entity, index.nEntities);
    r2Between = correlation2(groupMeans(y, index.entity, index.nEntities, ec), groupMeans(xb, index.entity, index.nEntities, ec));
  }

  // CR2 of the constant has no clubSandwich counterpart (it has no within_intercept): left out.
  if (model === 'within' && robust?.kind !== 'cr2') {
    const xbar = keptSlopes.map((j) => { const c = x[names.indexOf(terms[j]!)]!; let s = 0; for (let i = 0; i < n; i++) s += c[i]!; return s / n; });
    let ybar = 0;
    for (let i = 0; i < n; i++) ybar += y[i]!;
    ybar /= n;
    const estimate = ybar - xbar.reduce((s, v, a) => s + v * fit.coef[fit.kept[a]!]!, 0);
    let varA: number;
    if (spec.vcov === 'classical') {
      varA = sigma2 / n;
      for (let a = 0; a < r; a++) for (let c = 0; c < r; c++) varA += xbar[a]! * V[a * r + c]! * xbar[c]!;
    } else if (robust) {
      varA = factor * robustVcov(auxDesign(keptCols, xbar, design), robust).vcov[0]!;
    } else {
      // q_g = s0_g/n − x̄'B s_g with s_g the cluster scores of the kept columns
      const s0 = new Float64Array(nClusters);
      for (let i = 0; i < n; i++) s0[rowsGroup[i]!]! += fit.residuals[i]!;
      const bx = new Float64Array(r); // B x̄
      for (let a = 0; a < r; a++) for (let c = 0; c < r; c++) bx[a]! += fit.xtxInv[a * r + c]! * xbar[c]!;
      const q = new Float64Array(nClusters);
      for (let g = 0; g < nClusters; g++) q[g] = s0[g]! / n;
      for (let a = 0; a < r; a++) {
        const col = keptCols[a]!;
        for (let i = 0; i < n; i++) q[rowsGroup[i]!]! -= bx[a]! * col[i]! * fit.residuals[i]!;
      }
      varA = factor * q.reduce((s, v) => s + v * v, 0);
    }
    const stdError = Math.sqrt(varA);
    const statistic = estimate / stdError;
    extra = { ...extra, constant: { term: '(Intercept)', estimate, stdError, statistic, pValue: pOf(statistic) } };
  }

  return {
    ok: true,
    fit: {
      coefficients, vcov, distribution, nobs: nRows, nGroups: index.nEntities, nPeriods: index.nPeriods, balanced: index.balanced,
      dfResid, r2, adjR2, r2Overall, r2Between, sigma2, ssr: fit.ssr, tss: centeredSS(yt), droppedTerms, ...extra,
    },
  };
}
