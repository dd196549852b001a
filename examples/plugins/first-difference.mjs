// An estimator plugin: first-difference panel regression, whose `model` output goes into
// regression-table next to panel-regression's. The second example of docs/plugins.md (a
// test keeps the two equal).
import { coefficientRows, defineStep, olsFit, readPanel, StepError, tableFromColumns } from 'agglo/plugin';

export default defineStep({
  name: 'first-difference',
  version: '1.0.0',
  description: 'First-difference panel regression: OLS of Δy on Δx over consecutive periods of each entity, classical standard errors (Wooldridge 2010, §10.6).',
  params: {
    type: 'object',
    properties: {
      y: { type: 'string', description: 'Dependent variable (numeric column).' },
      x: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Regressors (numeric columns).' },
      entity: { type: 'string', description: 'Column identifying the cross-section unit (e.g. province).' },
      time: { type: 'string', description: 'Column identifying the period (e.g. year).' },
      intercept: { type: 'boolean', default: true, description: 'Include a constant (a linear trend in levels), as plm and Stata do.' },
    },
    required: ['y', 'x', 'entity', 'time'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'Long panel table: one row per entity and period.' } },
  outputs: {
    model: 'The fitted model, in the form regression-table reads.',
    coefficients: 'Coefficients as a table (term, estimate, std_error, statistic, p_value).',
  },
  columns(ctx) {
    const { y, x, entity, time } = ctx.params;
    const have = ctx.inputs.data;
    const named = [[['y'], y], ...x.map((name, i) => [['x', i], name]), [['entity'], entity], [['time'], time]];
    for (const [at, name] of named) {
      if (have && !have.includes(name)) ctx.unknownColumn({ at, name, columns: have, input: 'data' });
    }
    return { coefficients: ['term', 'estimate', 'std_error', 'statistic', 'p_value'] }; // `model` is not a table
  },
  run(ctx) {
    const p = ctx.params;
    // Complete rows as Float64Arrays, entity and time coded 0, 1, … (time codes in sorted
    // order); StepErrors for a missing column, a text cell or a repeated entity-period pair.
    const panel = readPanel(ctx.inputs.data, p);
    const { entity, time } = panel.index;
    const rows = Array.from(entity.keys()).sort((a, b) => entity[a] - entity[b] || time[a] - time[b]);
    const dy = [];
    const dx = p.x.map(() => []);
    for (let k = 1; k < rows.length; k++) {
      const i = rows[k];
      const j = rows[k - 1];
      if (entity[i] !== entity[j] || time[i] !== time[j] + 1) continue; // next entity, or a gap
      dy.push(panel.y[i] - panel.y[j]);
      panel.x.forEach((col, c) => dx[c].push(col[i] - col[j]));
    }
    const terms = [...(p.intercept ? ['(Intercept)'] : []), ...p.x];
    const n = dy.length;
    const k = terms.length;
    if (n <= k) {
      throw new StepError('too-few-observations', `first-difference: ${n} differences for ${k} coefficients; each entity needs rows in consecutive periods`);
    }
    const X = [...(p.intercept ? [new Float64Array(n).fill(1)] : []), ...dx.map((d) => Float64Array.from(d))];
    const fit = olsFit(X, Float64Array.from(dy));
    if (fit.dropped.length > 0) {
      throw new StepError('collinear', `first-difference: ${fit.dropped.map((j) => `Δ${terms[j]}`).join(', ')} is collinear with the other regressors or the constant (a regressor that is constant within entities, or grows by the same amount every period, has no differences of its own); remove it from \`x\``);
    }
    // Classical covariance σ²(X′X)⁻¹ with σ² = SSR / (n − k); p-values from t(n − k).
    const df = n - k;
    const sigma2 = fit.ssr / df;
    const se = terms.map((_, a) => Math.sqrt(sigma2 * fit.xtxInv[a * k + a]));
    const coefficients = coefficientRows(terms, fit.coef, se, df);
    // R² of the differenced equation, centred when it has a constant (as R's summary.lm).
    const mean = p.intercept ? dy.reduce((s, v) => s + v, 0) / n : 0;
    const tss = dy.reduce((s, v) => s + (v - mean) ** 2, 0);
    const r2 = 1 - fit.ssr / tss;
    const adj_r2 = 1 - ((1 - r2) * (n - (p.intercept ? 1 : 0))) / df;
    if (panel.droppedRows > 0) ctx.note(`first-difference: dropped ${panel.droppedRows} row(s) with a missing value`);
    return {
      model: { y: p.y, model: 'first-difference', vcov: 'classical', distribution: 't', coefficients, nobs: n, df_resid: df, r2, adj_r2, sigma2 },
      coefficients: tableFromColumns({
        term: coefficients.map((c) => c.term),
        estimate: coefficients.map((c) => c.estimate),
        std_error: coefficients.map((c) => c.std_error),
        statistic: coefficients.map((c) => c.statistic),
        p_value: coefficients.map((c) => c.p_value),
      }),
    };
  },
});
