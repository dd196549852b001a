/**
 * `panel-iv`: two-stage least squares on a long panel with pooled, individual or two-way
 * fixed effects, agreeing with R plm 2.6's IV formula and AER `ivreg` on the
 * within-transformed data, plus its weak-instrument, overidentification and endogeneity
 * diagnostics (docs/steps/panel-iv.md; numeric code in steps/kernels/panel-iv.ts).
 */
import { defineStep, StepError, type JsonSchema } from '../engine/step.js';
import { missingParamColumnsText } from '../engine/column-list.js';
import { columnNames, tableFromColumns } from '../engine/table.js';
import { isTable, type Json } from '../engine/value.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';
import { fitPanelIv, type PanelIvFit } from './kernels/panel-iv.js';
import { readPanel } from './panel-regression.js';

/** Params of panel-iv (snake_case as in the YAML). */
export interface PanelIvParams {
  y: string;
  /** Exogenous regressors (their own instruments). */
  x: string[];
  /** Endogenous regressors. */
  endogenous: string[];
  /** Excluded instruments. */
  instruments: string[];
  entity: string;
  time: string;
  model: 'pooled' | 'within';
  effect: 'individual' | 'twoways';
  vcov: 'classical' | 'cluster';
  cluster_adjustment: 'hc0' | 'stata';
}

const names: Record<string, JsonSchema> = {
  y: { type: 'string', description: 'Dependent variable (numeric column).' },
  x: { type: 'array', items: { type: 'string' }, default: [], description: 'Exogenous regressors (numeric columns), their own instruments; listed first in the output.' },
  endogenous: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Endogenous regressors (numeric columns), instrumented by `instruments`.' },
  instruments: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Excluded instruments (numeric columns): at least as many as `endogenous`, none of them a regressor.' },
  entity: { type: 'string', description: 'Column identifying the cross-section unit (e.g. province).' },
  time: { type: 'string', description: 'Column identifying the period (e.g. year).' },
};

/** The model label regression-table shows ("idt (FE 2SLS)"). */
function modelLabel(p: PanelIvParams): string {
  if (p.model === 'pooled') return 'pooled 2SLS';
  return p.effect === 'twoways' ? 'two-way FE 2SLS' : 'FE 2SLS';
}

/** Refuses a variable named in two roles, naming both params. */
function checkRoles(p: PanelIvParams): void {
  const roles: [string, string][] = [['y', p.y], ...p.x.map((n, i) => [`x[${i}]`, n] as [string, string]), ...p.endogenous.map((n, i) => [`endogenous[${i}]`, n] as [string, string]), ...p.instruments.map((n, i) => [`instruments[${i}]`, n] as [string, string])];
  const seen = new Map<string, string>();
  for (const [param, name] of roles) {
    const first = seen.get(name);
    if (first !== undefined) {
      const inst = param.startsWith('instruments') && !first.startsWith('instruments');
      throw new StepError(inst ? 'instrument-is-regressor' : 'duplicate-variable', inst
        ? `param \`${param}\` names \`${name}\`, which is already \`${first}\`; an excluded instrument must not be a regressor (exogenous regressors are their own instruments already), so remove it from \`instruments\``
        : `\`${name}\` is named by both \`${first}\` and \`${param}\`; each variable has one role (y, x, endogenous or instruments)`);
    }
    seen.set(name, param);
  }
  if (p.instruments.length < p.endogenous.length) {
    throw new StepError('under-identified', `${p.endogenous.length} endogenous regressor(s) (${p.endogenous.join(', ')}) need at least as many excluded instruments, but \`instruments\` lists ${p.instruments.length} (${p.instruments.join(', ')}); add instruments or drop endogenous regressors`);
  }
}

/** The `model` JSON (panel-model contract, docs/plugins.md) of a fit. */
function modelJson(fit: PanelIvFit, p: PanelIvParams, droppedRows: number): { [k: string]: Json } {
  const coefficients = fit.terms.map((term, a) => ({ term, estimate: fit.estimate[a]!, std_error: fit.stdError[a]!, statistic: fit.statistic[a]!, p_value: fit.pValue[a]! }));
  return {
    kind: 'panel-model',
    estimator: '2SLS',
    y: p.y,
    model: modelLabel(p),
    panel_model: p.model,
    effect: p.effect,
    vcov: p.vcov === 'classical' ? 'classical' : `cluster-${p.cluster_adjustment}`,
    distribution: 'normal',
    endogenous: p.endogenous,
    instruments: p.instruments,
    coefficients,
    vcov_matrix: { terms: fit.terms, matrix: fit.vcov },
    nobs: fit.nobs,
    n_groups: fit.nGroups,
    n_periods: fit.nPeriods,
    balanced: fit.balanced,
    df_resid: fit.dfResid,
    absorbed_effects: fit.absorbed,
    r2: fit.r2,
    adj_r2: fit.adjR2,
    sigma2: fit.sigma2,
    ssr: fit.ssr,
    tss: fit.tss,
    diagnostics: fit.diagnostics.map((d) => ({ test: d.test, statistic: d.statistic, df: d.df, df2: d.df2, p_value: d.pValue, note: d.note })),
    dropped: { rows: droppedRows },
  };
}

/** The panel-iv step. */
export const panelIv = defineStep<PanelIvParams>({
  name: 'panel-iv',
  version: '1.0.0',
  description: 'Panel 2SLS (instrumental variables) with pooled, individual or two-way fixed effects, classical or entity-clustered standard errors, and first-stage F, Cragg–Donald / Kleibergen–Paap, Sargan / Hansen J and Wu–Hausman diagnostics; matches R plm 2.6 and AER ivreg.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'endogenous', 'instruments', 'entity', 'time'],
    properties: {
      ...names,
      model: { enum: ['pooled', 'within'], default: 'within', description: 'pooled 2SLS (with a constant) or within (fixed effects swept out of every variable, as plm).' },
      effect: { enum: ['individual', 'twoways'], default: 'individual', description: 'Effects swept out by model: within: entity, or entity and period.' },
      vcov: { enum: ['classical', 'cluster'], default: 'classical', description: 'classical σ²(X̂′X̂)⁻¹, or clustered by entity (plm vcovHC arellano on the IV model).' },
      cluster_adjustment: { enum: ['hc0', 'stata'], default: 'hc0', description: 'vcov: cluster small-sample factor: hc0 = none (plm vcovHC type HC0); stata = G/(G−1)·(n−1)/(n−K−1).' },
    },
  },
  inputs: { data: { description: 'Long panel table: one row per entity and period.' } },
  outputs: {
    model: 'Fitted 2SLS model (JSON, panel-model contract): coefficients of x and endogenous, vcov matrix, fit statistics and the diagnostics; see docs/steps/panel-iv.md.',
    diagnostics: 'Table of tests (test, statistic, df, df2, p_value, note): first-stage F per endogenous regressor, Cragg–Donald and (cluster) Kleibergen–Paap Wald F, Sargan / Hansen J when overidentified, Wu–Hausman.',
  },
  columns(ctx) {
    requireInputColumns(ctx, 'data', ['y', 'x', 'endogenous', 'instruments', 'entity', 'time'].flatMap((k) => paramColumns(ctx.params, k)));
    return { diagnostics: ['test', 'statistic', 'df', 'df2', 'p_value', 'note'] };
  },
  run(ctx) {
    const p = { ...ctx.params, x: ctx.params.x ?? [] };
    checkRoles(p);
    const data = ctx.inputs.data;
    if (isTable(data)) {
      const have = new Set(columnNames(data));
      const missing = ['y', 'x', 'endogenous', 'instruments', 'entity', 'time'].flatMap((k) => paramColumns(p, k))
        .filter(([, name]) => !have.has(name)).map(([at, name]) => ({ param: at.map((s, i) => (i === 0 ? String(s) : `[${String(s)}]`)).join(''), name }));
      if (missing.length > 0) throw new StepError('missing-column', missingParamColumnsText('input `data`', missing, columnNames(data)));
    }
    const all = [...p.x, ...p.endogenous, ...p.instruments];
    const panel = readPanel(data, { y: p.y, x: all, entity: p.entity, time: p.time });
    if (panel.droppedRows > 0) ctx.note(`panel-iv: dropped ${panel.droppedRows} row(s) with a missing ${[p.y, ...all, p.entity, p.time].join('/')}`);
    const kx = p.x.length, ke = p.endogenous.length;
    const res = fitPanelIv({
      y: panel.y, exog: panel.x.slice(0, kx), endog: panel.x.slice(kx, kx + ke), inst: panel.x.slice(kx + ke),
      exogNames: p.x, endogNames: p.endogenous, instNames: p.instruments, index: panel.index,
      model: p.model, effect: p.effect, vcov: p.vcov, clusterAdjustment: p.cluster_adjustment,
    });
    if (!res.ok) throw new StepError(res.failure.reason, res.failure.message);
    const d = res.fit.diagnostics;
    return {
      model: modelJson(res.fit, p, panel.droppedRows),
      diagnostics: tableFromColumns({
        test: d.map((r) => r.test), statistic: d.map((r) => r.statistic), df: d.map((r) => r.df), df2: d.map((r) => r.df2),
        p_value: d.map((r) => r.pValue), note: d.map((r) => r.note),
      }),
    };
  },
});
