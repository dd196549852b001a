/**
 * `panel-regression`: pooled OLS, fixed effects (within), between or Swamy–Arora random
 * effects on a long panel table, agreeing with R plm 2.6 (see docs/steps/panel.md), with the
 * variance estimators of plm / clubSandwich (steps/kernels/vcov.ts).
 */
import { defineStep, StepError, type ColumnsContext, type JsonSchema } from '../engine/step.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';
import { missingParamColumnsText } from '../engine/column-list.js';
import { column, columnNames, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Json, type Table, type Value } from '../engine/value.js';
import { fitPanel, type Coefficient, type PanelFit, type PanelModelKind } from './kernels/panel-model.js';
import { panelIndex, type PanelEffect, type PanelIndex } from './kernels/panel.js';
import { driscollKraayDefaultLag, type HcType, type RobustVcov } from './kernels/vcov.js';

/** The variance estimators of panel-regression (docs/steps/panel.md, "Variance estimators"). */
export type PanelVcov = 'classical' | 'hc' | 'cluster' | 'driscoll-kraay' | 'beck-katz' | 'cr2';

/** Params of panel-regression (snake_case as in the YAML). */
export interface PanelRegressionParams {
  y: string;
  x: string[];
  entity: string;
  time: string;
  model: PanelModelKind;
  effect: PanelEffect;
  vcov: PanelVcov;
  cluster_adjustment: 'hc0' | 'stata';
  /** Clusters (vcov cluster, hc, beck-katz, cr2); unset = entity. */
  cluster?: 'entity' | 'time' | 'twoway';
  /** Residual adjustment (vcov hc, driscoll-kraay, beck-katz); unset = HC0. */
  hc_type?: HcType;
  /** vcov hc: white1 (unset), white2 or arellano. */
  hc_method?: 'white1' | 'white2' | 'arellano';
  /** vcov driscoll-kraay: the lag L; unset = floor(max T_i^(1/4)) as plm vcovSCC. */
  dk_lag?: number;
  random_method: 'swar';
  random_unbalanced: 'plm' | 'stata';
}

/** The panel variables shared by panel-regression and panel-tests. */
export const panelVariableSchema: Record<string, JsonSchema> = {
  y: { type: 'string', description: 'Dependent variable (numeric column).' },
  x: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Regressors (numeric columns), in output order.' },
  entity: { type: 'string', description: 'Column identifying the cross-section unit (e.g. province).' },
  time: { type: 'string', description: 'Column identifying the period (e.g. year).' },
};

/** A panel read from a table: complete rows only, integer-coded index. */
export interface PanelData {
  readonly y: Float64Array;
  readonly x: Float64Array[];
  readonly index: PanelIndex;
  /** Rows dropped for a missing value in y, x, entity or time. */
  readonly droppedRows: number;
}

function codeOf(values: Cell[], keep: number[], sortKeys: boolean): { codes: Int32Array; levels: Cell[] } {
  const map = new Map<string, number>();
  const levels: Cell[] = [];
  const key = (v: Cell) => `${typeof v}:${String(v)}`;
  for (const i of keep) {
    const v = values[i]!;
    if (!map.has(key(v))) { map.set(key(v), levels.length); levels.push(v); }
  }
  if (sortKeys) {
    levels.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
    levels.forEach((v, j) => map.set(key(v), j));
  }
  const codes = new Int32Array(keep.length);
  keep.forEach((i, r) => { codes[r] = map.get(key(values[i]!))!; });
  return { codes, levels };
}

/**
 * Reads y, x, entity and time from `data`, dropping rows with a missing value (counted).
 * Throws StepError for a missing column, a non-numeric cell or a repeated (entity, time).
 */
export function readPanel(data: Value | undefined, p: { y: string; x: string[]; entity: string; time: string }): PanelData {
  if (!isTable(data)) throw new StepError('bad-input', 'input `data` must be a table with one row per entity and period');
  const where = 'input `data`';
  // Validation checks these before running (requirePanelColumns); this is for data that differ from what it saw.
  const have = new Set(columnNames(data));
  const named = [{ param: 'y', name: p.y }, ...p.x.map((name, i) => ({ param: `x[${i}]`, name })), { param: 'entity', name: p.entity }, { param: 'time', name: p.time }];
  const missing = named.filter((m) => !have.has(m.name));
  if (missing.length > 0) throw new StepError('missing-column', missingParamColumnsText(where, missing, columnNames(data)));
  const yAll = numericColumn(data, p.y, where);
  const xAll = p.x.map((name) => numericColumn(data, name, where));
  const ent = column(data, p.entity, where);
  const tim = column(data, p.time, where);
  // A variable with no value at all would drop every row and make a later check blame
  // another variable: name it here.
  const empty = [[p.y, yAll] as const, ...p.x.map((name, k) => [name, xAll[k]!] as const)].filter(([, c]) => c.length > 0 && c.every((v) => Number.isNaN(v)));
  if (empty.length) {
    throw new StepError('all-missing', `${where}: ${empty.map(([n]) => `\`${n}\``).join(', ')} ${empty.length === 1 ? 'has' : 'have'} no value in any of the ${yAll.length} rows; check the column (or the stage that makes it) or remove it from the model`);
  }
  const keep: number[] = [];
  for (let i = 0; i < yAll.length; i++) {
    if (Number.isNaN(yAll[i]!) || ent[i] === null || tim[i] === null) continue;
    if (xAll.some((c) => Number.isNaN(c[i]!))) continue;
    keep.push(i);
  }
  // With no row left, the kernel would blame a regressor ("constant within every entity").
  if (yAll.length === 0) {
    throw new StepError('no-rows', `${where} has no rows; check the stage that makes it (a file with only a header, a filter that keeps nothing)`);
  }
  if (keep.length === 0) {
    throw new StepError('no-rows', `${where}: none of its ${yAll.length} rows has a value for every one of ${[p.y, ...p.x, p.entity, p.time].map((n) => `\`${n}\``).join(', ')}; check where these are missing`);
  }
  const e = codeOf(ent, keep, false);
  const t = codeOf(tim, keep, true);
  const seen = new Set<number>();
  for (let r = 0; r < keep.length; r++) {
    const k = e.codes[r]! * t.levels.length + t.codes[r]!;
    if (seen.has(k)) {
      throw new StepError('duplicate-panel-index', `${where} has more than one row for ${p.entity} = ${String(e.levels[e.codes[r]!])}, ${p.time} = ${String(t.levels[t.codes[r]!])} (row ${keep[r]! + 1}); aggregate or remove duplicates first`);
    }
    seen.add(k);
  }
  const pick = (c: Float64Array) => Float64Array.from(keep, (i) => c[i]!);
  return { y: pick(yAll), x: xAll.map(pick), index: panelIndex(e.codes, t.codes, e.levels.length, t.levels.length), droppedRows: yAll.length - keep.length };
}

/** Checks before running that y, x, entity and time are columns of input `data` (panel-regression, panel-tests). */
export function requirePanelColumns(ctx: ColumnsContext<Pick<PanelRegressionParams, 'y' | 'x' | 'entity' | 'time'>>): void {
  requireInputColumns(ctx, 'data', ['y', 'x', 'entity', 'time'].flatMap((k) => paramColumns(ctx.params, k)));
}

/** Coefficient → JSON record with snake_case names. */
export function coefficientJson(c: Coefficient): { [k: string]: Json } {
  const out: { [k: string]: Json } = { term: c.term, estimate: c.estimate, std_error: c.stdError, statistic: c.statistic, p_value: c.pValue };
  if (c.df !== undefined) out.df = c.df;
  return out;
}

/** θ: one number when all groups share it, else its distribution over the observations. */
function thetaJson(theta: Float64Array, counts: Float64Array, balanced: boolean): Json {
  const s: number[] = [];
  theta.forEach((v, g) => { for (let i = 0; i < counts[g]!; i++) s.push(v); });
  s.sort((a, b) => a - b);
  if (balanced || s[0] === s[s.length - 1]) return s[0] ?? null;
  const q = (f: number) => s[Math.min(s.length - 1, Math.round(f * (s.length - 1)))]!;
  return { min: s[0]!, p5: q(0.05), median: q(0.5), p95: q(0.95), max: s[s.length - 1]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

/** Which params apply to which `vcov`, for the messages that refuse the others. */
const APPLIES: Record<'cluster' | 'hc_type' | 'hc_method' | 'dk_lag', readonly PanelVcov[]> = {
  cluster: ['cluster', 'hc', 'beck-katz', 'cr2'],
  hc_type: ['hc', 'driscoll-kraay', 'beck-katz'],
  hc_method: ['hc'],
  dk_lag: ['driscoll-kraay'],
};

const bad = (message: string) => new StepError('unsupported-vcov', message);

/**
 * The estimator the vcov params select, or undefined for classical and entity clusters
 * (computed by the panel-model kernel as before). Throws StepError naming the param for a
 * combination plm / clubSandwich does not offer.
 */
export function robustFromParams(p: PanelRegressionParams, index: PanelIndex): RobustVcov | undefined {
  for (const [param, where] of Object.entries(APPLIES)) {
    if (p[param as keyof typeof APPLIES] !== undefined && !where.includes(p.vcov)) {
      throw bad(`param \`${param}\` applies to vcov: ${where.join(', ')}, not to vcov: ${p.vcov}; remove it or change vcov`);
    }
  }
  if (p.cluster_adjustment === 'stata' && !(p.vcov === 'cluster' && p.cluster !== 'twoway')) {
    throw bad(`\`cluster_adjustment: stata\` applies to vcov: cluster by entity or time, not to ${p.vcov === 'cluster' ? 'cluster: twoway' : `vcov: ${p.vcov}`}; remove it${p.vcov === 'hc' ? ' (hc_type: HC1 is the n/(n − k) factor)' : ''}`);
  }
  const type = p.hc_type ?? 'HC0';
  const by = p.cluster === 'time' ? 'time' : 'entity';
  if (p.cluster === 'twoway' && p.vcov !== 'cluster') throw bad(`\`cluster: twoway\` applies to vcov: cluster only (plm vcovDC); use cluster: entity or time with vcov: ${p.vcov}`);
  if (p.model === 'between' && p.vcov !== 'classical') throw bad(`vcov: ${p.vcov} is not defined for the between model (one row per group; plm's vcovHC family refuses it too); use vcov: classical`);
  switch (p.vcov) {
    case 'classical': return undefined;
    case 'cluster': return p.cluster === 'twoway' ? { kind: 'twoway', type: 'HC0' } : undefined;
    case 'hc': return { kind: 'hc', method: p.hc_method ?? 'white1', type, by };
    case 'driscoll-kraay': {
      const lag = p.dk_lag ?? driscollKraayDefaultLag(index.entityCount);
      if (lag >= index.nPeriods) throw bad(`\`dk_lag\` (${lag}) must be smaller than the number of periods (${index.nPeriods}); plm vcovSCC uses floor(T^(1/4)) = ${driscollKraayDefaultLag(index.entityCount)} by default`);
      return { kind: 'driscoll-kraay', lag, type };
    }
    case 'beck-katz':
      if (!index.balanced) throw bad("vcov: beck-katz needs a balanced panel: plm's vcovBK misaligns the periods of units with gaps, so there is no reference to agree with; use vcov: driscoll-kraay or cluster");
      return { kind: 'beck-katz', type, by };
    case 'cr2':
      if (by === 'time') throw bad('vcov: cr2 clusters by entity only; remove `cluster: time` (or use vcov: cluster with cluster: time)');
      if (!(p.model === 'pooled' || (p.model === 'within' && p.effect === 'individual'))) {
        throw bad(`vcov: cr2 is offered for model: pooled and model: within with effect: individual, not for model: ${p.model} with effect: ${p.effect}; use vcov: cluster (or hc_method: arellano with hc_type: HC2/HC3)`);
      }
      return { kind: 'cr2', by: 'entity' };
  }
}

/** The `vcov` label of the model JSON: classical, cluster-hc0, cluster-time-stata, hc-white1-HC1, driscoll-kraay-HC0-lag2, beck-katz-HC0, cr2, … */
export function vcovLabel(p: Pick<PanelRegressionParams, 'vcov' | 'cluster_adjustment' | 'cluster'>, robust: RobustVcov | undefined): string {
  if (p.vcov === 'classical') return 'classical';
  if (p.vcov === 'cluster') return p.cluster === 'time' || p.cluster === 'twoway' ? `cluster-${p.cluster}-${p.cluster_adjustment}` : `cluster-${p.cluster_adjustment}`;
  const time = robust && 'by' in robust && robust.by === 'time' ? '-time' : '';
  switch (robust?.kind) {
    case 'hc': return `hc-${robust.method}-${robust.type}${robust.method === 'white1' ? '' : time}`;
    case 'driscoll-kraay': return `driscoll-kraay-${robust.type}-lag${robust.lag}`;
    case 'beck-katz': return `beck-katz-${robust.type}${time}`;
    default: return p.vcov;
  }
}

/** The `model` JSON of a fit (documented in docs/steps/panel.md). */
export function modelJson(fit: PanelFit, p: Pick<PanelRegressionParams, 'y' | 'model' | 'effect' | 'vcov' | 'cluster_adjustment' | 'cluster'>, droppedRows: number, robust?: RobustVcov): { [k: string]: Json } {
  const out: { [k: string]: Json } = {
    kind: 'panel-model',
    y: p.y,
    model: p.model,
    effect: p.effect,
    vcov: vcovLabel(p, robust),
    distribution: fit.distribution,
    coefficients: fit.coefficients.map(coefficientJson),
    vcov_matrix: { terms: fit.coefficients.map((c) => c.term), matrix: fit.vcov },
    nobs: fit.nobs,
    n_groups: fit.nGroups,
    n_periods: fit.nPeriods,
    balanced: fit.balanced,
    df_resid: fit.dfResid,
    r2: fit.r2,
    adj_r2: fit.adjR2,
    r2_overall: fit.r2Overall,
    r2_between: fit.r2Between,
    sigma2: fit.sigma2,
    ssr: fit.ssr,
    tss: fit.tss,
    dropped: { rows: droppedRows, terms: fit.droppedTerms },
  };
  if (fit.sigma2U !== undefined) out.sigma2_u = fit.sigma2U;
  if (fit.sigma2E !== undefined) out.sigma2_e = fit.sigma2E;
  if (fit.theta && fit.thetaCounts) out.theta = thetaJson(fit.theta, fit.thetaCounts, fit.balanced);
  if (fit.constant) {
    const { term: _t, ...c } = coefficientJson(fit.constant);
    out.constant = c;
  }
  return out;
}

/** The coefficients as a table (term, estimate, std_error, statistic, p_value). */
export function coefficientTable(fit: PanelFit): Table {
  const rows = fit.constant && !fit.coefficients.some((c) => c.term === '(Intercept)') ? [...fit.coefficients, fit.constant] : fit.coefficients;
  return tableFromColumns({
    term: rows.map((c) => c.term),
    estimate: rows.map((c) => c.estimate),
    std_error: rows.map((c) => c.stdError),
    statistic: rows.map((c) => c.statistic),
    p_value: rows.map((c) => c.pValue),
  });
}

/** Fits one model from params on a read panel, or throws the StepError the kernel reported. */
export function fitFromParams(panel: PanelData, p: PanelRegressionParams): PanelFit {
  const robust = robustFromParams(p, panel.index);
  const res = fitPanel({
    y: panel.y, x: panel.x, names: p.x, index: panel.index, model: p.model, effect: p.effect,
    vcov: robust ? 'robust' : p.vcov === 'cluster' ? 'cluster' : 'classical', clusterAdjustment: p.cluster_adjustment,
    clusterBy: p.cluster === 'time' ? 'time' : 'entity', randomVariance: p.random_unbalanced, ...(robust ? { robust } : {}),
  });
  if (!res.ok) throw new StepError(res.failure.reason, res.failure.message);
  return res.fit;
}

/** The panel-regression step. */
export const panelRegression = defineStep<PanelRegressionParams>({
  name: 'panel-regression',
  version: '1.1.0',
  description: 'Linear panel regression (pooled, within/fixed effects, between, Swamy–Arora random effects) with classical, heteroskedasticity-robust, clustered (entity, time, two-way), Driscoll–Kraay, Beck–Katz or CR2 standard errors; matches R plm 2.6 and clubSandwich.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'x', 'entity', 'time'],
    properties: {
      ...panelVariableSchema,
      model: { enum: ['pooled', 'within', 'random', 'between'], default: 'within', description: 'Estimator: pooled OLS, within (fixed effects), random (Swamy–Arora), between (group means).' },
      effect: { enum: ['individual', 'time', 'twoways'], default: 'individual', description: 'Effects swept out (within) or modelled (random, between). twoways only for within.' },
      vcov: { enum: ['classical', 'hc', 'cluster', 'driscoll-kraay', 'beck-katz', 'cr2'], default: 'classical', description: 'Variance estimator: classical σ²(X′X)⁻¹; hc heteroskedasticity-robust (plm vcovHC, see hc_method, hc_type); cluster by entity, time or two-way (plm vcovHC / vcovDC, see cluster); driscoll-kraay (plm vcovSCC, see dk_lag); beck-katz panel-corrected (plm vcovBK, balanced panels); cr2 with Satterthwaite df (clubSandwich, entity clusters, pooled and individual within models).' },
      cluster: { enum: ['entity', 'time', 'twoway'], description: 'Clusters for vcov: cluster (entity when unset; twoway = plm vcovDC), and the grouping of vcov: hc (white2, arellano) and beck-katz (entity or time).' },
      cluster_adjustment: { enum: ['hc0', 'stata'], default: 'hc0', description: 'vcov: cluster small-sample factor: hc0 = none (plm vcovHC(type="HC0", cluster="group"), default); stata = G/(G−1)·(n−1)/(n−K−1). Not for cluster: twoway.' },
      hc_type: { enum: ['HC0', 'HC1', 'HC2', 'HC3'], description: 'Residual adjustment for vcov: hc, driscoll-kraay, beck-katz (plm type): HC0 none (when unset), HC1 n/(n−k), HC2 1/√(1−h), HC3 1/(1−h).' },
      hc_method: { enum: ['white1', 'white2', 'arellano'], description: 'vcov: hc meat (plm method): white1 per observation (when unset), white2 per-group variance, arellano clustered.' },
      dk_lag: { type: 'integer', minimum: 0, description: 'vcov: driscoll-kraay lag L (Bartlett weights 1 − l/(L+1)); unset = floor(max T_i^(1/4)) as plm vcovSCC.' },
      random_method: { enum: ['swar'], default: 'swar', description: 'Variance components of the random-effects model: Swamy–Arora.' },
      random_unbalanced: { enum: ['plm', 'stata'], default: 'plm', description: 'Unbalanced Swamy–Arora convention: plm (T_i-weighted between, trace-corrected; default) or stata (unweighted between, harmonic-mean T). Identical on balanced panels.' },
    },
  },
  inputs: { data: { description: 'Long panel table: one row per entity and period.' } },
  outputs: {
    model: 'Fitted model (JSON): coefficients, vcov matrix, fit statistics; see docs/steps/panel.md.',
    coefficients: 'Coefficients as a table (term, estimate, std_error, statistic, p_value).',
  },
  columns(ctx) {
    requirePanelColumns(ctx);
    return { coefficients: ['term', 'estimate', 'std_error', 'statistic', 'p_value'] };
  },
  run(ctx) {
    const p = ctx.params;
    const panel = readPanel(ctx.inputs.data, p);
    if (panel.droppedRows > 0) ctx.note(`panel-regression: dropped ${panel.droppedRows} row(s) with a missing ${[p.y, ...p.x, p.entity, p.time].join('/')}`);
    const fit = fitFromParams(panel, p);
    if (fit.droppedTerms.length > 0) ctx.note(`panel-regression: dropped collinear regressor(s) ${fit.droppedTerms.join(', ')}`);
    return { model: modelJson(fit, p, panel.droppedRows, robustFromParams(p, panel.index)), coefficients: coefficientTable(fit) };
  },
});
