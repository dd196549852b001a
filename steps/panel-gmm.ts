/**
 * `panel-gmm`: dynamic panel GMM — Arellano–Bond difference GMM and Blundell–Bond system
 * GMM, one- or two-step (Windmeijer-corrected), with the Arellano–Bond AR(1)/AR(2) tests and
 * the Sargan / Hansen statistics, agreeing with R plm 2.6 `pgmm` (docs/steps/panel-gmm.md;
 * numeric code in steps/kernels/panel-gmm.ts). Params follow pgmm's formula pieces.
 */
import { defineStep, StepError, type JsonSchema } from '../engine/step.js';
import { missingParamColumnsText } from '../engine/column-list.js';
import { column, columnNames, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Json, type Value } from '../engine/value.js';
import { requireInputColumns, type NamedColumn } from './lib/columns.js';
import { coefficientRows } from './lib/model.js';
import { fitPanelGmm, type GmmBlock, type GmmRegressor, type GmmTest, type PanelGmmFit } from './kernels/panel-gmm.js';

/** A variable with the lags it enters with: a bare name means lag 0 only. */
export type LaggedVariable = string | { name: string; lags: number[] };
/** GMM-style instruments: the levels of `name` lagged lags[0]..lags[1] periods. */
export interface GmmInstrumentParam { name: string; lags: [number, number]; collapse?: boolean }

/** Params of panel-gmm (snake_case as in the YAML). */
export interface PanelGmmParams {
  y: string;
  /** Lags of y among the regressors (pgmm `lag(y, 1:2)`). */
  lags: number[];
  x: LaggedVariable[];
  /** GMM-style instruments; unset = y with lags [2, 99]. */
  gmm?: GmmInstrumentParam[];
  /** IV-style instruments; unset = every x term whose variable is not in gmm. */
  iv?: LaggedVariable[];
  entity: string;
  time: string;
  transformation: 'd' | 'ld';
  model: 'onestep' | 'twostep';
  effect: 'individual' | 'twoways';
  collapse: boolean;
}

const lagList: JsonSchema = { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1 };
const laggedVariable: JsonSchema = {
  oneOf: [
    { type: 'string' },
    { type: 'object', additionalProperties: false, required: ['name', 'lags'], properties: { name: { type: 'string' }, lags: lagList } },
  ],
};

/** The term name of a regressor: `lag1_lemp`, or the variable's name for lag 0. */
export function termName(name: string, lag: number): string {
  return lag === 0 ? name : `lag${lag}_${name}`;
}

function expand(list: readonly LaggedVariable[]): GmmRegressor[] {
  return list.flatMap((v) => (typeof v === 'string' ? [{ name: v, lag: 0 }] : [...new Set(v.lags)].sort((a, b) => a - b).map((lag) => ({ name: v.name, lag }))));
}
const nameOf = (v: LaggedVariable) => (typeof v === 'string' ? v : v.name);

/** Every column a param names, with its path (for the columns check and the run-time check). */
function namedColumns(p: Partial<PanelGmmParams>): NamedColumn[] {
  const out: NamedColumn[] = [];
  for (const k of ['y', 'entity', 'time'] as const) if (typeof p[k] === 'string') out.push([[k], p[k]!]);
  for (const k of ['x', 'iv', 'gmm'] as const) {
    const list = p[k];
    if (Array.isArray(list)) list.forEach((v: LaggedVariable | GmmInstrumentParam, i: number) => out.push(typeof v === 'string' ? [[k, i], v] : [[k, i, 'name'], v.name]));
  }
  return out;
}

function keyOf(v: Cell): string { return `${typeof v}:${String(v)}`; }

/** The panel on its full entity × period grid (pgmm's convention), NaN where missing. */
function gridPanel(data: Value | undefined, p: PanelGmmParams, vars: string[]) {
  const where = 'input `data`';
  if (!isTable(data)) throw new StepError('bad-input', 'input `data` must be a table with one row per entity and period');
  const have = new Set(columnNames(data));
  const missing = namedColumns(p).filter(([, n]) => !have.has(n)).map(([at, name]) => ({ param: at.map((s, i) => (i === 0 ? String(s) : typeof s === 'number' ? `[${s}]` : `.${s}`)).join(''), name }));
  if (missing.length) throw new StepError('missing-column', missingParamColumnsText(where, missing, columnNames(data)));
  const ent = column(data, p.entity, where);
  const tim = column(data, p.time, where);
  if (ent.length === 0) throw new StepError('no-rows', `${where} has no rows; check the stage that makes it`);
  const entities = new Map<string, number>();
  const times = new Map<string, Cell>();
  ent.forEach((v, r) => {
    if (v === null) throw new StepError('missing-index', `${where}, column \`${p.entity}\`, row ${r + 1} is empty; every row needs an entity`);
    if (!entities.has(keyOf(v))) entities.set(keyOf(v), entities.size);
  });
  tim.forEach((v, r) => {
    if (v === null) throw new StepError('missing-index', `${where}, column \`${p.time}\`, row ${r + 1} is empty; every row needs a period`);
    times.set(keyOf(v), v);
  });
  const levels = [...times.values()].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  const tpos = new Map(levels.map((v, j) => [keyOf(v), j]));
  const N = entities.size, T = levels.length;
  const values = new Map<string, Float64Array>();
  const cols = vars.map((v) => numericColumn(data, v, where));
  vars.forEach((v) => values.set(v, new Float64Array(N * T).fill(NaN)));
  const seen = new Set<number>();
  ent.forEach((e, r) => {
    const cell = entities.get(keyOf(e))! * T + tpos.get(keyOf(tim[r]!))!;
    if (seen.has(cell)) throw new StepError('duplicate-panel-index', `${where} has more than one row for ${p.entity} = ${String(e)}, ${p.time} = ${String(tim[r])} (row ${r + 1}); aggregate or remove duplicates first`);
    seen.add(cell);
    vars.forEach((v, k) => { values.get(v)![cell] = cols[k]![r]!; });
  });
  for (const [k, v] of vars.entries()) {
    if (cols[k]!.every(Number.isNaN)) throw new StepError('all-missing', `${where}: \`${v}\` has no value in any of the ${ent.length} rows; check the column or remove it from the model`);
    if (cols[k]!.some((x) => !Number.isFinite(x) && !Number.isNaN(x))) throw new StepError('not-finite', `${where}: \`${v}\` has an infinite value (a log of 0?); fix or remove those rows`);
  }
  return { values, N, T, levels };
}

function testRow(test: string, t: GmmTest) { return { test, statistic: t.statistic, df: t.df, p_value: t.pValue }; }

function testsOf(fit: PanelGmmFit) {
  const rows = [
    ...fit.ar.flatMap((t, k) => (t ? [testRow(`ar${k + 1}`, t)] : [])),
    testRow('sargan', fit.sargan),
    testRow('hansen', fit.hansen),
    testRow('wald-coefficients', fit.waldCoef),
  ];
  if (fit.waldTime) rows.push(testRow('wald-time', fit.waldTime));
  return rows;
}

/** The tests regression-table shows (its `diagnostics` rows), named as papers print them. */
const DIAGNOSTIC_NAMES: Record<string, string> = { ar1: 'Arellano–Bond AR(1)', ar2: 'Arellano–Bond AR(2)', hansen: 'Hansen J' };

/** The panel-gmm step. */
export const panelGmm = defineStep<PanelGmmParams>({
  name: 'panel-gmm',
  version: '1.1.0',
  description: 'Dynamic panel GMM: Arellano–Bond difference and Blundell–Bond system GMM, one- or two-step (Windmeijer-corrected standard errors), GMM-style instruments with lag limits and collapse, IV-style instruments, time dummies, Arellano–Bond AR(1)/AR(2), Sargan and Hansen tests; matches R plm 2.6 pgmm.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'entity', 'time'],
    properties: {
      y: { type: 'string', description: 'Dependent variable (numeric column); pgmm formula left-hand side.' },
      lags: { ...lagList, items: { type: 'integer', minimum: 1 }, default: [1], description: 'Lags of y among the regressors (pgmm `lag(y, 1:2)` = [1, 2]); terms lag1_<y>, lag2_<y>, ….' },
      x: { type: 'array', items: laggedVariable, default: [], description: 'Other regressors: a column name (current value) or {name, lags} (pgmm `lag(w, 0:1)` = {name: w, lags: [0, 1]}); terms <x> and lag1_<x>, ….' },
      gmm: {
        type: 'array', minItems: 1,
        items: { type: 'object', additionalProperties: false, required: ['name', 'lags'], properties: { name: { type: 'string' }, lags: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 2, maxItems: 2 }, collapse: { type: 'boolean' } } },
        description: 'GMM-style instruments (pgmm formula part after `|`; xtabond2 gmm()): {name, lags: [min, max]} uses the levels lagged min..max (99 = all available) in the differenced equations and, for system GMM, the first difference lagged once in the level equations; collapse overrides the step-wide `collapse`. Unset = [{name: <y>, lags: [2, 99]}]. Listing an x variable here treats it as endogenous (lags from 2) or predetermined (from 1).',
      },
      iv: { type: 'array', items: laggedVariable, description: 'IV-style instruments (pgmm third formula part; xtabond2 iv()), differenced in the differenced equations and in levels in the level equations. Unset = every x term whose variable is not in gmm (as pgmm).' },
      entity: { type: 'string', description: 'Column identifying the cross-section unit.' },
      time: { type: 'string', description: 'Column identifying the period; lags follow the sorted periods present in the data.' },
      transformation: { enum: ['d', 'ld'], default: 'd', description: 'd = Arellano–Bond difference GMM; ld = Blundell–Bond system GMM (differences and levels), as pgmm.' },
      model: { enum: ['onestep', 'twostep'], default: 'onestep', description: 'onestep or twostep (pgmm "twosteps"; standard errors Windmeijer-corrected).' },
      effect: { enum: ['individual', 'twoways'], default: 'twoways', description: 'twoways adds time dummies (and, in system GMM, a constant), instrumented by themselves; individual has none (pgmm default: twoways).' },
      collapse: { type: 'boolean', default: false, description: 'Collapse the GMM-style instruments to one column per lag (Roodman 2009; pgmm collapse = TRUE; xtabond2 collapse).' },
    },
  },
  inputs: { data: { description: 'Long panel table: one row per entity and period.' } },
  outputs: {
    model: 'Fitted model (JSON, panel-model contract): coefficients (robust/Windmeijer standard errors, z tests), time effects, instruments, the tests; see docs/steps/panel-gmm.md.',
    coefficients: 'Coefficients as a table (term, estimate, std_error, statistic, p_value), time dummies excluded.',
    tests: 'Table (test, statistic, df, p_value): ar1, ar2 (Arellano–Bond, normal), sargan, hansen, wald-coefficients, wald-time (chi-squared).',
  },
  columns(ctx) {
    requireInputColumns(ctx, 'data', namedColumns(ctx.params));
    return { coefficients: ['term', 'estimate', 'std_error', 'statistic', 'p_value'], tests: ['test', 'statistic', 'df', 'p_value'] };
  },
  run(ctx) {
    const p: PanelGmmParams = { ...ctx.params, lags: ctx.params.lags ?? [1], x: ctx.params.x ?? [], transformation: ctx.params.transformation ?? 'd', model: ctx.params.model ?? 'onestep', effect: ctx.params.effect ?? 'twoways', collapse: ctx.params.collapse ?? false };
    const gmmParam = p.gmm ?? [{ name: p.y, lags: [2, 99] }];
    gmmParam.forEach((g, i) => {
      if (g.lags[0] > g.lags[1]) throw new StepError('bad-lags', `param \`gmm[${i}].lags\` is [${g.lags.join(', ')}]; write [min, max] with min ≤ max (e.g. [2, 99])`);
    });
    if (p.x.some((v) => nameOf(v) === p.y)) throw new StepError('duplicate-variable', `\`${p.y}\` is y; put its lags in \`lags\`, not in \`x\``);
    const regressors = [...[...new Set(p.lags)].sort((a, b) => a - b).map((lag) => ({ name: p.y, lag })), ...expand(p.x)];
    const terms = regressors.map((r) => termName(r.name, r.lag));
    const dup = terms.find((t, i) => terms.indexOf(t) !== i);
    if (dup) throw new StepError('duplicate-variable', `the term \`${dup}\` appears twice in \`x\`; list each variable once with all its lags`);
    const gmmNames = new Set(gmmParam.map((g) => g.name));
    const iv = p.iv ? expand(p.iv) : expand(p.x).filter((r) => !gmmNames.has(r.name));
    const gmm: GmmBlock[] = gmmParam.map((g) => ({ name: g.name, min: g.lags[0], max: g.lags[1], collapse: g.collapse ?? p.collapse }));
    const vars = [...new Set([p.y, ...regressors.map((r) => r.name), ...gmm.map((g) => g.name), ...iv.map((r) => r.name)])];
    const panel = gridPanel(ctx.inputs.data, p, vars);
    const res = fitPanelGmm({ values: panel.values, nEntities: panel.N, nPeriods: panel.T, y: p.y, regressors, gmm, iv, transformation: p.transformation, twoStep: p.model === 'twostep', effect: p.effect });
    if (!res.ok) throw new StepError(res.failure.reason, res.failure.message);
    const fit = res.fit;
    for (const g of fit.generalisedInverse) ctx.note(`panel-gmm: the ${g} weight matrix is singular; a generalised inverse is used (as pgmm); consider collapse: true or shorter gmm lag ranges`);
    if (fit.instruments > panel.N) ctx.note(`panel-gmm: ${fit.instruments} instruments for ${panel.N} groups; the Hansen test is weak and two-step estimates biased with so many (Roodman 2009); consider collapse: true or a lag limit`);
    const K = terms.length;
    const se = Array.from({ length: fit.estimate.length }, (_, j) => Math.sqrt(fit.vcov.data[j * fit.estimate.length + j]!));
    const all = coefficientRows([...terms, ...(fit.timeColumns.constant ? ['(Intercept)'] : []), ...fit.timeColumns.periods.map((t) => `${p.time}_${String(panel.levels[t])}`)], fit.estimate, se);
    const coefficients = all.slice(0, K);
    const tests = testsOf(fit);
    const model: { [k: string]: Json } = {
      kind: 'panel-model',
      estimator: p.transformation === 'd' ? 'difference GMM' : 'system GMM',
      y: p.y,
      model: `${p.transformation === 'd' ? 'diff' : 'sys'}-GMM ${p.model === 'twostep' ? 'two-step' : 'one-step'}`,
      transformation: p.transformation,
      steps: p.model,
      effect: p.effect,
      vcov: p.model === 'twostep' ? 'windmeijer' : 'robust',
      distribution: 'normal',
      coefficients,
      time_effects: all.slice(fit.timeColumns.constant ? K + 1 : K),
      vcov_matrix: { terms: all.map((c) => c.term), matrix: Array.from({ length: all.length }, (_, a) => Array.from(fit.vcov.data.subarray(a * all.length, (a + 1) * all.length))) },
      estimate_onestep: Array.from(fit.estimateOneStep),
      nobs: fit.nobs,
      n_groups: panel.N,
      n_periods: panel.T,
      instruments: fit.instruments,
      collapse: gmm.some((g) => g.collapse),
      gmm_instruments: gmm.map((g) => ({ name: g.name, lags: [g.min, g.max], collapse: g.collapse })),
      iv_instruments: iv.map((r) => termName(r.name, r.lag)),
      tests: tests.map((t) => ({ ...t })),
      // For regression-table: the tests a dynamic panel table shows, by their usual names, and
      // the effects the model accounts for (individual effects by differencing; time dummies).
      diagnostics: tests.filter((t) => DIAGNOSTIC_NAMES[t.test as string] !== undefined).map((t) => ({ ...t, test: DIAGNOSTIC_NAMES[t.test as string]! })),
      fixed_effects: { entity: true, time: p.effect === 'twoways' },
      generalised_inverse: fit.generalisedInverse,
    };
    if (fit.timeColumns.constant) {
      const { term: _t, ...c } = all[K]!;
      model.constant = c;
    }
    const col = <K extends keyof (typeof tests)[number]>(k: K) => tests.map((t) => t[k]) as Cell[];
    return {
      model,
      coefficients: tableFromColumns({
        term: coefficients.map((c) => c.term), estimate: coefficients.map((c) => c.estimate), std_error: coefficients.map((c) => c.std_error),
        statistic: coefficients.map((c) => c.statistic), p_value: coefficients.map((c) => c.p_value),
      }),
      tests: tableFromColumns({ test: col('test'), statistic: col('statistic'), df: col('df'), p_value: col('p_value') }),
    };
  },
});
