/**
 * `panel-tests`: the model-choice tests of the paper's section 4 — the F test for individual
 * effects (pooled OLS vs within, plm::pFtest) and the Hausman test (within vs Swamy–Arora
 * random effects, plm::phtest) — on one panel table.
 *
 * Design: the step takes the `data` table and the model variables and fits the pooled,
 * within and random models itself (one-way individual effects, classical covariance, the
 * same complete rows for all three), so the tests can never be fed models estimated on
 * different samples or with robust covariances that the classical tests do not allow.
 */
import { defineStep, StepError } from '../engine/step.js';
import { tableFromRows } from '../engine/table.js';
import type { Json } from '../engine/value.js';
import { chiSquaredUpper, fUpper } from './kernels/distributions.js';
import { matrix, symmetricEigen } from './kernels/linalg.js';
import type { PanelFit } from './kernels/panel-model.js';
import { fitFromParams, panelVariableSchema, readPanel, requirePanelColumns, type PanelRegressionParams } from './panel-regression.js';

/** Params of panel-tests. */
export interface PanelTestsParams {
  y: string;
  x: string[];
  entity: string;
  time: string;
  tests: ('f_individual' | 'hausman')[];
  random_unbalanced: 'plm' | 'stata';
  /** Eigenvalues of V_FE − V_RE at or below this times the largest |λ| count as zero. */
  hausman_tolerance: number;
  /** separate (plm, Stata's default) or sigmaless (both covariances from the within σ²). */
  hausman_variance?: 'separate' | 'sigmaless';
}

/** F test for individual effects: ((SSR_p − SSR_w)/df1)/(SSR_w/df2). */
export function fTest(pooled: PanelFit, within: PanelFit): { [k: string]: Json } {
  const df1 = pooled.dfResid - within.dfResid;
  const df2 = within.dfResid;
  const statistic = ((pooled.ssr - within.ssr) / df1) / (within.ssr / df2);
  return { statistic, df1, df2, p_value: fUpper(statistic, df1, df2) };
}

/**
 * Hausman H = Δb'(V_FE − V_RE)^-1 Δb over the common slopes, as plm::phtest and Stata's
 * hausman compute it. The inverse is taken through the eigen-decomposition of V_FE − V_RE,
 * over every eigenvalue with |λ| > tol·max|λ| (the Moore–Penrose inverse, equal to the
 * ordinary inverse when the matrix is non-singular), and df is that rank, as Stata does.
 * When an eigenvalue is negative (the difference is not positive definite) the number is
 * still reported, as plm and Stata do, but with a warning: it can be unreliable, even
 * negative. `variance: sigmaless` bases both covariances on the within model's σ²
 * (V_RE · σ²_FE/σ²_RE), the idea of Stata's `sigmaless`, which often restores positive
 * definiteness.
 */
export function hausmanTest(within: PanelFit, random: PanelFit, tol: number, variance: 'separate' | 'sigmaless' = 'separate'): { [k: string]: Json } {
  const terms = within.coefficients.map((c) => c.term).filter((t) => t !== '(Intercept)' && random.coefficients.some((c) => c.term === t));
  if (terms.length === 0) throw new StepError('no-common-coefficients', 'the within and random models share no slope, so the Hausman test is undefined');
  const k = terms.length;
  const iw = terms.map((t) => within.coefficients.findIndex((c) => c.term === t));
  const ir = terms.map((t) => random.coefficients.findIndex((c) => c.term === t));
  const db = terms.map((_, a) => within.coefficients[iw[a]!]!.estimate - random.coefficients[ir[a]!]!.estimate);
  const scale = variance === 'sigmaless' ? within.sigma2 / random.sigma2 : 1;
  const dv = matrix(k, k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) dv.data[a * k + b] = within.vcov[iw[a]!]![iw[b]!]! - scale * random.vcov[ir[a]!]![ir[b]!]!;
  const { values, vectors } = symmetricEigen(dv);
  const maxAbs = Math.max(...values.map(Math.abs));
  let statistic = 0;
  let df = 0;
  for (let j = 0; j < k; j++) {
    if (!(Math.abs(values[j]!) > tol * maxAbs)) continue;
    df++;
    let u = 0;
    for (let a = 0; a < k; a++) u += vectors.data[a * k + j]! * db[a]!;
    statistic += (u * u) / values[j]!;
  }
  const out: { [k: string]: Json } = { statistic, df, p_value: statistic > 0 ? chiSquaredUpper(statistic, df) : 1, terms, variance, method: df < k ? 'generalized inverse' : 'inverse' };
  const smallest = values[k - 1]!;
  if (smallest < -tol * maxAbs) {
    out.warning = `V_FE − V_RE is not positive definite (smallest eigenvalue ${smallest.toExponential(3)}); H = Δb'(V_FE − V_RE)⁻¹Δb is reported as plm::phtest and Stata's hausman report it, but may be unreliable${variance === 'separate' ? '; hausman_variance: sigmaless (both variances from the within σ², as Stata\'s sigmaless) often avoids this' : ''}`;
  }
  return out;
}

/** The panel-tests step. */
export const panelTests = defineStep<PanelTestsParams>({
  name: 'panel-tests',
  version: '2.0.0',
  description: 'Model-choice tests on a panel: F test for individual effects (plm::pFtest) and Hausman FE vs RE (plm::phtest).',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'x', 'entity', 'time'],
    properties: {
      ...panelVariableSchema,
      tests: { type: 'array', items: { enum: ['f_individual', 'hausman'] }, default: ['f_individual', 'hausman'], description: 'Which tests to run.' },
      random_unbalanced: { enum: ['plm', 'stata'], default: 'plm', description: 'Random-effects convention on unbalanced panels (see panel-regression).' },
      hausman_tolerance: { type: 'number', exclusiveMinimum: 0, default: 1e-8, description: 'Eigenvalues of V_FE − V_RE with |λ| ≤ this × the largest |λ| are treated as zero (generalized inverse, df = rank).' },
      hausman_variance: { enum: ['separate', 'sigmaless'], default: 'separate', description: "separate: each model's own covariance (plm::phtest, Stata's default); sigmaless: the random-effects covariance rescaled to the within σ² (Stata's sigmaless idea)." },
    },
  },
  inputs: { data: { description: 'Long panel table: one row per entity and period.' } },
  outputs: {
    tests: 'JSON: {f_individual: {statistic, df1, df2, p_value}, hausman: {statistic, df, p_value, terms, warning?, method?}}.',
    table: 'The tests as a table (test, statistic, df1, df2, p_value, note).',
  },
  columns(ctx) {
    requirePanelColumns(ctx);
    return { table: ['test', 'statistic', 'df1', 'df2', 'p_value', 'note'] };
  },
  run(ctx) {
    const p = ctx.params;
    const tests = p.tests ?? ['f_individual', 'hausman'];
    const panel = readPanel(ctx.inputs.data, p);
    if (panel.droppedRows > 0) ctx.note(`panel-tests: dropped ${panel.droppedRows} row(s) with a missing value`);
    const base: PanelRegressionParams = {
      y: p.y, x: p.x, entity: p.entity, time: p.time, model: 'within', effect: 'individual', vcov: 'classical',
      cluster_adjustment: 'hc0', random_method: 'swar', random_unbalanced: p.random_unbalanced ?? 'plm',
    };
    const within = fitFromParams(panel, base);
    const out: { [k: string]: Json } = {};
    const rows: Record<string, string | number | null>[] = [];
    if (tests.includes('f_individual')) {
      const f = fTest(fitFromParams(panel, { ...base, model: 'pooled' }), within);
      out.f_individual = f;
      rows.push({ test: 'F test for individual effects', statistic: f.statistic as number, df1: f.df1 as number, df2: f.df2 as number, p_value: f.p_value as number, note: null });
    }
    if (tests.includes('hausman')) {
      const h = hausmanTest(within, fitFromParams(panel, { ...base, model: 'random' }), p.hausman_tolerance ?? 1e-8, p.hausman_variance ?? 'separate');
      if (h.warning) ctx.note(`panel-tests: ${String(h.warning)}`);
      out.hausman = h;
      rows.push({ test: 'Hausman test (FE vs RE)', statistic: h.statistic as number, df1: h.df as number, df2: null, p_value: h.p_value as number, note: (h.warning as string | undefined) ?? null });
    }
    return { tests: out, table: tableFromRows(rows, ['test', 'statistic', 'df1', 'df2', 'p_value', 'note']) };
  },
});
