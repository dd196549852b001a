/**
 * `spatial-panel`: the spatial Durbin model y = ρWy + Xβ + WXθ + μ + ε with individual
 * fixed effects (or the spatial lag model, durbin: false) by quasi-maximum likelihood after
 * Lee & Yu (2010), with LeSage & Pace direct / indirect / total effects
 * (steps/kernels/spatial.ts fitSpatial; docs/steps/spatial.md).
 */
import { defineStep, StepError } from '../engine/step.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';
import { column, columnNames, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Json } from '../engine/value.js';
import { fitSpatial } from './kernels/spatial.js';
import { coefficientRows } from './lib/model.js';
import { normalUpper } from './kernels/distributions.js';
import { weightsMatrix } from './spatial-weights.js';

/** Params of spatial-panel. */
export interface SpatialPanelParams {
  y: string;
  x: string[];
  entity: string;
  time: string;
  durbin: boolean;
  effect: 'individual' | 'none';
}

const sortKey = (a: Cell, b: Cell) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** The spatial-panel step. */
export const spatialPanel = defineStep<SpatialPanelParams>({
  name: 'spatial-panel',
  version: '1.1.0',
  description: 'Spatial Durbin (or spatial lag) panel model with individual fixed effects by quasi-maximum likelihood (Lee & Yu 2010), with direct, indirect and total effects (LeSage & Pace) and delta-method standard errors.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'x', 'entity', 'time'],
    properties: {
      y: { type: 'string', description: 'Dependent variable (numeric column).' },
      x: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Regressors (numeric columns); their spatial lags are the W_<x> terms when durbin is true.' },
      entity: { type: 'string', description: 'Column of the unit codes, matching `from`/`to` of input `weights`.' },
      time: { type: 'string', description: 'Period column; the panel must be balanced.' },
      durbin: { type: 'boolean', default: true, description: 'true: spatial Durbin model (X and W·X); false: spatial lag model (X only).' },
      effect: { enum: ['individual', 'none'], default: 'individual', description: 'individual: unit fixed effects swept out by the within transformation (Lee & Yu transformed approach, needs T ≥ 2); none: no fixed effects and an intercept (with one period, the cross-section model of spatialreg lagsarlm).' },
    },
  },
  inputs: {
    data: { description: 'Balanced long panel: one row per unit and period.' },
    weights: { description: 'Spatial weights table (from, to, weight) from spatial-weights; symmetric or row-standardised symmetric.' },
  },
  outputs: {
    model: 'Fitted model (JSON, kind "spatial-panel"): coefficients (x, W_x, rho), vcov, sigma2, log_lik; see docs/steps/spatial.md.',
    effects: 'Table variable, direct, indirect, total, direct_se, indirect_se, total_se (LeSage & Pace; delta-method SEs).',
  },
  columns(ctx) {
    requireInputColumns(ctx, 'data', ['y', 'x', 'entity', 'time'].flatMap((k) => paramColumns(ctx.params, k)));
    return { effects: ['variable', 'direct', 'indirect', 'total', 'direct_se', 'indirect_se', 'total_se'] };
  },
  run(ctx) {
    const p = ctx.params;
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('bad-input', 'spatial-panel: input `data` must be a table with one row per unit and period');
    const have = columnNames(data);
    const named: [string, string][] = [['y', p.y], ...p.x.map((c, i) => [`x[${i}]`, c] as [string, string]), ['entity', p.entity], ['time', p.time]];
    const missing = named.filter(([, c]) => !have.includes(c));
    if (missing.length) throw new StepError('missing-column', `spatial-panel: input \`data\` has no column ${missing.map(([k, c]) => `\`${c}\` (param \`${k}\`)`).join(', ')}; columns are: ${have.join(', ')}`);
    const where = 'spatial-panel: input `data`';
    const vars = [p.y, ...p.x].map((c) => numericColumn(data, c, where));
    const ent = column(data, p.entity).map((v) => (v === null ? '' : String(v)));
    const tim = column(data, p.time);
    const codes = [...new Set(ent)].sort();
    const periods = [...new Set(tim.map((v) => JSON.stringify(v)))].map((s) => JSON.parse(s) as Cell).sort(sortKey);
    const n = codes.length, T = periods.length, N = n * T;
    const at = new Map(codes.map((c, i) => [c, i]));
    const pAt = new Map(periods.map((v, t) => [JSON.stringify(v), t]));
    const cols = vars.map(() => new Float64Array(N).fill(NaN));
    const filled = new Uint8Array(N);
    for (let r = 0; r < ent.length; r++) {
      if (ent[r] === '' || tim[r] === null) throw new StepError('missing-code', `${where} row ${r + 1} has no \`${ent[r] === '' ? p.entity : p.time}\``);
      const k = pAt.get(JSON.stringify(tim[r]))! * n + at.get(ent[r]!)!;
      if (filled[k]) throw new StepError('duplicate-panel-index', `${where} has more than one row for ${p.entity} = ${ent[r]}, ${p.time} = ${String(tim[r])} (row ${r + 1}); aggregate or remove duplicates first`);
      filled[k] = 1;
      vars.forEach((v, j) => {
        if (Number.isNaN(v[r]!)) throw new StepError('missing-value', `${where}: \`${[p.y, ...p.x][j]}\` is missing for ${p.entity} = ${ent[r]}, ${p.time} = ${String(tim[r])}; the spatial model needs a balanced panel without gaps (impute or drop the unit)`);
        cols[j]![k] = v[r]!;
      });
    }
    const gap = filled.findIndex((f) => f === 0);
    if (gap >= 0) throw new StepError('unbalanced-panel', `${where}: no row for ${p.entity} = ${codes[gap % n]} in ${p.time} = ${String(periods[Math.floor(gap / n)])}; the spatial panel needs every unit in every period`);
    if (p.effect === 'individual' && T < 2) throw new StepError('too-few-periods', `${where} has one period; unit fixed effects need at least 2 (use effect: none for a cross-section)`);
    const w = weightsMatrix(ctx.inputs.weights, codes, 'spatial-panel');
    const res = fitSpatial({ n, periods: T, y: cols[0]!, x: cols.slice(1), names: p.x, w, durbin: p.durbin, effect: p.effect });
    if (!res.ok) throw new StepError(res.failure.reason, `spatial-panel: ${res.failure.message}`);
    const f = res.fit;
    const q = f.terms.length + 1;
    const se = Array.from({ length: q }, (_, j) => Math.sqrt(f.vcov[j * q + j]!));
    const terms = [...f.terms, 'rho'];
    const coefficients = coefficientRows(terms, [...f.beta, f.rho], se);
    const vm: number[][] = Array.from({ length: q }, (_, a) => Array.from({ length: q }, (_, b) => f.vcov[a * q + b]!));
    const effectsJson: Json = f.effects.map((e) => ({
      variable: e.variable, direct: e.direct, indirect: e.indirect, total: e.total, direct_se: e.directSe, indirect_se: e.indirectSe, total_se: e.totalSe,
      direct_p: 2 * normalUpper(Math.abs(e.direct / e.directSe)), indirect_p: 2 * normalUpper(Math.abs(e.indirect / e.indirectSe)), total_p: 2 * normalUpper(Math.abs(e.total / e.totalSe)),
    }));
    const model: { [k: string]: Json } = {
      kind: 'spatial-panel',
      y: p.y,
      model: p.durbin ? 'spatial-durbin' : 'spatial-lag',
      effect: p.effect,
      vcov: 'information-matrix',
      distribution: 'normal',
      coefficients: coefficients as unknown as Json,
      vcov_matrix: { terms, matrix: vm },
      nobs: N,
      n_groups: n,
      n_periods: T,
      balanced: true,
      sigma2: f.sigma2,
      log_lik: f.logLik,
      rho_interval: [f.rhoInterval[0], f.rhoInterval[1]],
      effects: effectsJson,
      effects_se: 'delta-method',
      fixed_effects: { entity: p.effect === 'individual', time: false },
    };
    const effects = tableFromColumns({
      variable: f.effects.map((e) => e.variable),
      direct: f.effects.map((e) => e.direct), indirect: f.effects.map((e) => e.indirect), total: f.effects.map((e) => e.total),
      direct_se: f.effects.map((e) => e.directSe), indirect_se: f.effects.map((e) => e.indirectSe), total_se: f.effects.map((e) => e.totalSe),
    });
    return { model, effects };
  },
});
