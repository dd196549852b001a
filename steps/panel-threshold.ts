/**
 * `panel-threshold`: Hansen's (1999) fixed-effects panel threshold regression with one or two
 * thresholds, the bootstrap test of the number of thresholds and the LR confidence sets of
 * the thresholds (docs/steps/panel-threshold.md; formulas in steps/kernels/panel-threshold.ts).
 */
import { defineStep, StepError, type JsonSchema } from '../engine/step.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';
import { missingParamColumnsText } from '../engine/column-list.js';
import { columnNames, numericColumn, tableFromColumns } from '../engine/table.js';
import { tableInput } from './lib/table-input.js';
import { isTable, type Json, type Table, type Value } from '../engine/value.js';
import { readPanel } from './panel-regression.js';
import { coefficientRows } from './lib/model.js';
import { clusterMeat, olsFit, sandwich } from './kernels/ols.js';
import {
  bootstrapChunk, bootstrapSummary, fitDouble, fitSingle, lrCritical, nullModel, prepareThreshold, regimeColumns, thresholdCi,
  withinEntity, type ThresholdData, type ThresholdPrep,
} from './kernels/panel-threshold.js';

/** Params of panel-threshold (snake_case as in the YAML). */
export interface PanelThresholdParams {
  y: string;
  /** Regime-dependent regressors. */
  z: string[];
  /** Threshold variable. */
  q: string;
  /** Regime-independent regressors. */
  x: string[];
  entity: string;
  time: string;
  thresholds: 1 | 2;
  trim: number;
  grid: number;
  bootstrap: number;
  seed: number;
  ci_level: number;
  vcov: 'classical' | 'cluster';
  cluster_adjustment: 'hc0' | 'stata';
}

const LEVELS = [0.1, 0.05, 0.01] as const;

/** The coefficient names: `<z>_le_threshold`, `<z>_gt_threshold` (one threshold) or `<z>_le_threshold1`, `<z>_between_thresholds`, `<z>_gt_threshold2` (two). */
export function regimeTerms(z: readonly string[], count: 1 | 2): string[] {
  const suffix = count === 1 ? ['le_threshold', 'gt_threshold'] : ['le_threshold1', 'between_thresholds', 'gt_threshold2'];
  return z.flatMap((name) => suffix.map((s) => `${name}_${s}`));
}

export function readData(data: Value | undefined, p: PanelThresholdParams): ThresholdData {
  if (!isTable(data)) throw new StepError('bad-input', 'input `data` must be a table with one row per entity and period');
  const have = new Set(columnNames(data));
  const named = [{ param: 'y', name: p.y }, ...p.z.map((name, i) => ({ param: `z[${i}]`, name })), { param: 'q', name: p.q }, ...p.x.map((name, i) => ({ param: `x[${i}]`, name })), { param: 'entity', name: p.entity }, { param: 'time', name: p.time }];
  const missing = named.filter((m) => !have.has(m.name));
  if (missing.length > 0) throw new StepError('missing-column', missingParamColumnsText('input `data`', missing, columnNames(data)));
  const both = p.z.filter((v) => p.x.includes(v));
  if (both.length) throw new StepError('bad-params', `${both.map((v) => `\`${v}\``).join(', ')} ${both.length === 1 ? 'is' : 'are'} in both \`z\` and \`x\`; a regressor is either regime-dependent (z) or not (x): remove it from one of them`);
  const vars = [...new Set([...p.z, ...p.x, p.q])];
  const panel = readPanel(data, { y: p.y, x: vars, entity: p.entity, time: p.time });
  const col = (name: string) => panel.x[vars.indexOf(name)]!;
  const idx = panel.index;
  if (!idx.balanced) {
    const why = panel.droppedRows > 0 ? ` after dropping ${panel.droppedRows} row(s) with a missing ${[p.y, ...vars].join('/')}` : '';
    throw new StepError('unbalanced-panel', `Hansen's threshold model needs a balanced panel (the bootstrap resamples whole entity histories): input \`data\` has ${idx.n} rows for ${idx.nEntities} entities × ${idx.nPeriods} periods${why}; keep the entities observed in every period (or impute) first`);
  }
  return { y: panel.y, x: p.x.map(col), z: p.z.map(col), q: col(p.q), entity: idx.entity, time: idx.time, nEntities: idx.nEntities, nPeriods: idx.nPeriods };
}

/** Regime and control coefficients at the thresholds, with classical or entity-clustered standard errors. */
function coefficients(prep: ThresholdPrep, gammas: number[], p: PanelThresholdParams) {
  const d = prep.data;
  const cols = [...regimeColumns(d, gammas), ...d.x].map((c) => withinEntity(c, d.entity, d.nEntities));
  const terms = [...regimeTerms(p.z, gammas.length as 1 | 2), ...p.x];
  const fit = olsFit(cols, prep.yt);
  if (fit.dropped.length) {
    throw new StepError('singular-design', `${fit.dropped.map((j) => `\`${terms[j]}\``).join(', ')} cannot be estimated at the threshold(s) ${gammas.join(', ')} (no within variation in that regime or collinear); raise \`trim\` so every regime keeps more observations`);
  }
  const k = cols.length;
  const dfResid = prep.dof - k;
  if (dfResid <= 0) throw new StepError('too-few-observations', `${prep.n} observations with ${d.nEntities} fixed effects leave no degrees of freedom for ${k} coefficients; add periods or remove regressors`);
  const sigma2 = fit.ssr / dfResid;
  let V: Float64Array;
  if (p.vcov === 'classical') V = fit.xtxInv.map((v) => v * sigma2);
  else {
    const G = d.nEntities;
    if (G < 2) throw new StepError('too-few-clusters', 'vcov: cluster needs at least 2 entities; use vcov: classical');
    const factor = p.cluster_adjustment === 'stata' ? (G / (G - 1)) * ((prep.n - 1) / (prep.n - k - 1)) : 1;
    V = sandwich(fit.xtxInv, clusterMeat(cols, fit.residuals, d.entity, G), k).map((v) => v * factor);
  }
  const se = Array.from({ length: k }, (_, j) => Math.sqrt(V[j * k + j]!));
  const rows = coefficientRows(terms, fit.coef, se, dfResid);
  const vcovMatrix = Array.from({ length: k }, (_, a) => Array.from(V.subarray(a * k, (a + 1) * k)));
  let tss = 0;
  for (const v of prep.yt) tss += v * v;
  return { rows, terms, vcovMatrix, ssr: fit.ssr, sigma2, dfResid, r2: 1 - fit.ssr / tss, adjR2: 1 - ((1 - fit.ssr / tss) * (prep.n - 1)) / dfResid };
}

const num = (v: number): Json => (Number.isFinite(v) ? v : null);

/** Columns of panel-threshold-chunk's `replications`. */
export const REPLICATION_COLUMNS = ['test', 'replication', 'F', 'f_sample', 'seed'] as const;

/**
 * The bootstrap statistics of test `test` from the chunks' table: each replication 0…B−1
 * once, drawn with this seed, for a sample statistic equal to this fit's (1e-10 relative:
 * chunks of another model or sample are refused, not mixed in).
 */
function statisticsFromChunks(t: Table, test: 1 | 2, f: number, B: number, seed: number): Float64Array {
  const where = 'input `chunks` (the `replications` of panel-threshold-chunk)';
  const tests = numericColumn(t, 'test', where);
  const rep = numericColumn(t, 'replication', where);
  const stat = numericColumn(t, 'F', where);
  const sample = numericColumn(t, 'f_sample', where);
  const seeds = numericColumn(t, 'seed', where);
  const out = new Float64Array(B).fill(NaN);
  const seen = new Uint8Array(B);
  for (let i = 0; i < tests.length; i++) {
    if (tests[i] !== test) continue;
    const r = rep[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= B) throw new StepError('bad-chunks', `input \`chunks\` has replication ${r} of test ${test}, outside 0…${B - 1}: the chunks were made with another \`bootstrap\``);
    if (seen[r]) throw new StepError('bad-chunks', `input \`chunks\` has replication ${r} of test ${test} twice: two chunks overlap (give every chunk stage the same \`chunks\` and a different \`chunk\`)`);
    if (seeds[i] !== seed) throw new StepError('bad-chunks', `input \`chunks\` was drawn with seed ${seeds[i]}, this step has seed: ${seed}; give the chunk stages the same params`);
    if (Math.abs(sample[i]! - f) > 1e-10 * Math.max(1, Math.abs(f))) throw new StepError('bad-chunks', `input \`chunks\` comes from another model: its F of test ${test} is ${sample[i]}, this fit's ${f}; give the chunk stages the same data and params`);
    seen[r] = 1;
    out[r] = stat[i]!;
  }
  const missing = seen.indexOf(0);
  if (missing >= 0) throw new StepError('bad-chunks', `input \`chunks\` lacks replication ${missing} of test ${test}: every chunk 0…chunks−1 must be gathered`);
  return out;
}

/**
 * The single fit, and the double one when asked for: what the bootstrap of each test is
 * drawn under (shared by panel-threshold and its chunks).
 */
export function thresholdFits(prep: ThresholdPrep, thresholds: 1 | 2) {
  const single = fitSingle(prep);
  const dbl = thresholds === 2 ? fitDouble(prep) : undefined;
  if (thresholds === 2 && !dbl) throw new StepError('empty-grid', `no second threshold leaves ${prep.minRegime} observation(s) in the middle regime next to γ̂1 = ${single.gamma}; lower \`trim\` or use thresholds: 1`);
  return { single, dbl };
}

/** The panel-threshold step. */
export const panelThreshold = defineStep<PanelThresholdParams>({
  name: 'panel-threshold',
  version: '1.1.0',
  description: "Hansen's (1999) fixed-effects panel threshold regression: one or two thresholds in q for the slopes of z, grid search of the SSR, bootstrap test of the number of thresholds, LR confidence sets; balanced panels.",
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'z', 'q', 'entity', 'time'],
    properties: {
      y: { type: 'string', description: 'Dependent variable (numeric column).' },
      z: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Regime-dependent regressors: their slopes differ below and above the threshold.' },
      q: { type: 'string', description: 'Threshold variable (numeric column; may also be in z or x).' },
      x: { type: 'array', items: { type: 'string' }, default: [], description: 'Regime-independent regressors (controls).' },
      entity: { type: 'string', description: 'Column identifying the cross-section unit (fixed effects, bootstrap blocks, clusters).' },
      time: { type: 'string', description: 'Column identifying the period.' },
      thresholds: { enum: [1, 2], default: 1, description: "Number of thresholds: 1, or 2 by Hansen's sequential method (second threshold given the first, then the first refined given the second)." },
      trim: { type: 'number', minimum: 0, exclusiveMaximum: 0.5, default: 0.01, description: 'Each regime keeps at least max(1, ⌈trim·n⌉) observations (Hansen 1999 trims 1%); candidates are the distinct values of q that satisfy it.' },
      grid: { type: 'integer', minimum: 0, default: 400, description: 'At most this many candidate thresholds, evenly spaced in rank among the candidates (0 = all of them).' },
      bootstrap: { type: 'integer', minimum: 0, default: 300, description: 'Bootstrap replications B per test (Hansen 1999 uses 300); 0 skips the bootstrap (p values null).' },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: 1, description: 'Seed of the bootstrap draws (mulberry32; each replication has its own stream).' },
      ci_level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.95, description: "Level 1 − α of the thresholds' confidence sets: LR(γ) ≤ −2 ln(1 − √(1 − α))." },
      vcov: { enum: ['classical', 'cluster'], default: 'classical', description: 'Standard errors of the coefficients: classical σ²(X′X)⁻¹ or clustered by entity.' },
      cluster_adjustment: { enum: ['hc0', 'stata'], default: 'hc0', description: 'vcov: cluster factor: hc0 none (plm vcovHC HC0 group); stata G/(G−1)·(n−1)/(n−K−1).' },
    },
  } satisfies JsonSchema,
  inputs: {
    data: { description: 'Balanced long panel: one row per entity and period.' },
    chunks: { description: 'The `replications` of panel-threshold-chunk stages with the same params (a foreach over `chunk`, gathered): the bootstrap statistics are taken from them instead of computed here; every replication 0…B−1 of every test must be there once.', optional: true },
  },
  outputs: {
    model: 'Fitted model (panel-model JSON) at the estimated threshold(s), with `threshold` holding estimates, confidence sets and tests; see docs/steps/panel-threshold.md.',
    tests: 'Bootstrap tests of the number of thresholds (thresholds, hypothesis, F, p_value, B, crit_10, crit_5, crit_1).',
    lr: 'LR(γ) over the grid (curve, threshold, lr, critical) for a plot.',
  },
  columns(ctx) {
    requireInputColumns(ctx, 'data', ['y', 'z', 'q', 'x', 'entity', 'time'].flatMap((k) => paramColumns(ctx.params, k)));
    return { tests: ['thresholds', 'hypothesis', 'F', 'p_value', 'B', 'crit_10', 'crit_5', 'crit_1'], lr: ['curve', 'threshold', 'lr', 'critical'] };
  },
  run(ctx) {
    const p = ctx.params;
    const data = readData(ctx.inputs.data, p);
    const prepared = prepareThreshold(data, { trim: p.trim, grid: p.grid, names: { x: p.x, z: p.z } });
    if (!prepared.ok) throw new StepError(prepared.failure.reason, prepared.failure.message);
    const prep = prepared.prep;
    const alpha = 1 - p.ci_level;
    const crit = lrCritical(alpha);
    const { single, dbl: double } = thresholdFits(prep, p.thresholds);
    const B = p.bootstrap;
    const chunks = ctx.inputs.chunks === undefined ? undefined : tableInput(ctx, 'chunks', 'panel-threshold');
    const boot = (test: 1 | 2, f: number, index?: number) => {
      if (B === 0) return { pValue: NaN, critical: LEVELS.map(() => NaN) };
      const stats = chunks ? statisticsFromChunks(chunks, test, f, B, p.seed) : bootstrapChunk(prep, nullModel(prep, test, index), p.seed, 0, B);
      return bootstrapSummary(f, stats, LEVELS);
    };
    const test1 = { thresholds: 1, hypothesis: 'no threshold vs one', f: single.f, ...boot(1, single.f) };
    const tests = [test1];
    const curves: { curve: string; lr: Float64Array }[] = [];
    let found: { gamma: number; ci: [number, number]; role: string }[];
    const ssrs: { [k: string]: Json } = { linear: single.ssr0, one_threshold: single.ssr1 };
    let sigma2Test = single.sigma2;
    if (p.thresholds === 1) {
      found = [{ gamma: single.gamma, ci: thresholdCi(prep, single.lr, alpha), role: 'single' }];
      curves.push({ curve: 'gamma', lr: single.lr });
    } else {
      const dbl = double!;
      tests.push({ thresholds: 2, hypothesis: 'one threshold vs two', f: dbl.f, ...boot(2, dbl.f, single.index) });
      found = [
        { gamma: prep.grid[dbl.index1r]!, ci: thresholdCi(prep, dbl.lr1r, alpha), role: 'refined first' },
        { gamma: prep.grid[dbl.index2]!, ci: thresholdCi(prep, dbl.lr2, alpha), role: 'second' },
      ].sort((a, b) => a.gamma - b.gamma);
      curves.push({ curve: 'gamma1_refined', lr: dbl.lr1r }, { curve: 'gamma2', lr: dbl.lr2 });
      ssrs.two_thresholds = dbl.ssr2;
      ssrs.two_thresholds_refined = dbl.ssrRefined;
      ssrs.first_stage_threshold = single.gamma;
      sigma2Test = dbl.sigma2;
    }
    const c = coefficients(prep, found.map((f) => f.gamma), p);
    const testJson = tests.map((t): Json => ({
      thresholds: t.thresholds, hypothesis: t.hypothesis, f: t.f, p_value: num(t.pValue), b: B,
      critical: Object.fromEntries(LEVELS.map((l, j) => [`p${Math.round(l * 100)}`, num(t.critical[j]!)])),
    }));
    const model: { [k: string]: Json } = {
      kind: 'panel-model', y: p.y, model: 'threshold', effect: 'individual',
      vcov: p.vcov === 'classical' ? 'classical' : `cluster-${p.cluster_adjustment}`, distribution: 't',
      coefficients: c.rows, vcov_matrix: { terms: c.terms, matrix: c.vcovMatrix },
      nobs: prep.n, n_groups: data.nEntities, n_periods: data.nPeriods, balanced: true,
      df_resid: c.dfResid, r2: c.r2, adj_r2: c.adjR2, sigma2: c.sigma2, ssr: c.ssr,
      threshold: {
        variable: p.q, regime_variables: p.z, count: p.thresholds,
        estimates: found.map((f) => f.gamma), roles: found.map((f) => f.role),
        ci: found.map((f) => [num(f.ci[0]), num(f.ci[1])]), ci_level: p.ci_level, lr_critical: crit,
        sigma2_test: sigma2Test, ssr: ssrs, tests: testJson,
        trim: p.trim, min_regime_obs: prep.minRegime, grid_size: prep.grid.length, bootstrap: B, seed: p.seed,
      },
    };
    const testsTable: Table = tableFromColumns({
      thresholds: tests.map((t) => t.thresholds), hypothesis: tests.map((t) => t.hypothesis), F: tests.map((t) => t.f),
      p_value: tests.map((t) => (Number.isFinite(t.pValue) ? t.pValue : null)), B: tests.map(() => B),
      crit_10: tests.map((t) => num(t.critical[0]!) as number | null), crit_5: tests.map((t) => num(t.critical[1]!) as number | null), crit_1: tests.map((t) => num(t.critical[2]!) as number | null),
    });
    const lrRows = curves.flatMap(({ curve, lr }) => Array.from(lr, (v, g) => ({ curve, threshold: prep.grid[g]!, lr: v })).filter((r) => Number.isFinite(r.lr)));
    const lrTable = tableFromColumns({ curve: lrRows.map((r) => r.curve), threshold: lrRows.map((r) => r.threshold), lr: lrRows.map((r) => r.lr), critical: lrRows.map(() => crit) });
    if (B > 0) ctx.note(`panel-threshold: ${B} bootstrap replication(s) per test, seed ${p.seed}`);
    return { model, tests: testsTable, lr: lrTable };
  },
});
