/**
 * regression-table on models fitted by panel-regression on the Grunfeld fixture. The
 * numbers shown are the plm values of test/fixtures/plm/expected.json rounded by hand
 * (e.g. plm within value = 0.110124 → "0.110***", t = 9.2879 → "(9.288)"). The title,
 * headings and note are made from the models' own fields (y = inv, model, effect, vcov,
 * distribution), so every expected label below follows from the params of the fit.
 */
import { describe, expect, it } from 'vitest';
import { regressionTable, type RegressionTableParams } from '../../steps/regression-table.js';
import { panelRegression, type PanelRegressionParams } from '../../steps/panel-regression.js';
import { panelTests } from '../../steps/panel-tests.js';
import { makeContext } from '../support/context.js';
import { tableRows } from '../../engine/table.js';
import { StepError } from '../../engine/step.js';
import type { Json, Value } from '../../engine/value.js';
import { readCsv } from './plm-fixtures.js';

const data = readCsv('grunfeld.csv');
const base: PanelRegressionParams = { y: 'inv', x: ['value', 'capital'], entity: 'firm', time: 'year', model: 'within', effect: 'individual', vcov: 'classical', cluster_adjustment: 'hc0', random_method: 'swar', random_unbalanced: 'plm' };
const fit = (model: PanelRegressionParams['model'], over: Partial<PanelRegressionParams> = {}) => (panelRegression.run(makeContext({ ...base, model, ...over }, { data })) as { model: Value }).model;
const tests = (panelTests.run(makeContext({ y: 'inv', x: ['value', 'capital'], entity: 'firm', time: 'year', tests: ['f_individual', 'hausman'], random_unbalanced: 'plm', hausman_tolerance: 1e-8 }, { data })) as { tests: Value }).tests;
const params: RegressionTableParams = { statistic: 't', stars: { '*': 0.05, '**': 0.01, '***': 0.001 }, digits: 3, include: ['constant', 'nobs', 'r2', 'adj_r2', 'tests'], labels: { value: 'Firm value' }, title: 'Table 5', path: 'results/table5' };

describe('regression-table', () => {
  const ctx = makeContext(params, { pooled: fit('pooled'), fe: fit('within'), re: fit('random'), tests });
  const out = regressionTable.run(ctx) as { table: import('../../engine/value.js').Table; json: { [k: string]: Json } };
  const rows = tableRows(out.table);

  it('lays out coefficients with stars and t in parentheses', () => {
    // Headings made from each model: y = inv, pooled → OLS, within → FE, random → RE.
    expect(Object.keys(rows[0]!)).toEqual(['term', 'inv (OLS)', 'inv (FE)', 'inv (RE)']);
    expect(rows[0]).toMatchObject({ term: 'Firm value', 'inv (FE)': '0.110***' }); // plm within: value 0.1101238, p ≈ 4e-17
    expect(rows[1]!['inv (FE)']).toBe('(9.288)'); // plm within: t(value) = 9.28790
    expect(rows.find((r) => r.term === 'Constant')!['inv (FE)']).toBe('-58.744***'); // plm::within_intercept = -58.7439, SE 12.454, t = -4.72
    expect(rows.find((r) => r.term === 'N')).toMatchObject({ 'inv (OLS)': '200', 'inv (FE)': '200', 'inv (RE)': '200' });
    expect(rows.find((r) => r.term === 'R²')!['inv (FE)']).toBe('0.767'); // plm within R² = 0.76676
    expect(rows.find((r) => r.term === 'F test (individual effects)')!['inv (OLS)']).toBe('49.177***'); // plm::pFtest F = 49.1766
  });

  it('writes .md, .tex and .csv under the path prefix', () => {
    expect([...ctx.files.keys()].sort()).toEqual(['results/table5.csv', 'results/table5.md', 'results/table5.tex']);
    expect(String(ctx.files.get('results/table5.md'))).toContain('| Firm value | 0.116\\*\\*\\* | 0.110\\*\\*\\* |');
    expect(String(ctx.files.get('results/table5.tex'))).toContain('\\sym{***}');
    expect(String(ctx.files.get('results/table5.csv')).split('\n')[0]).toBe('term,inv (OLS),inv (FE),inv (RE)');
    // The random-effects model's statistics are z (its `distribution` is normal, as plm's summary).
    expect(out.json.note).toBe('t statistics in parentheses, z statistics for inv (RE); * p<0.05, ** p<0.01, *** p<0.001.');
    expect(out.json.title).toBe('Table 5');
    expect(String(ctx.files.get('results/table5.md')).split('\n')[0]).toBe('**Table 5**');
  });

  it('shows standard errors when asked and follows params.columns', () => {
    const o = regressionTable.run(makeContext({ ...params, statistic: 'se', columns: ['re', 'fe'], path: undefined }, { fe: fit('within'), re: fit('random') })) as { table: import('../../engine/value.js').Table };
    const r = tableRows(o.table);
    expect(Object.keys(r[0]!)).toEqual(['term', 'inv (RE)', 'inv (FE)']);
    expect(r[1]!['inv (FE)']).toBe('(0.012)'); // plm within SE(value) = 0.0118567
  });

  it('column_labels override the made headings', () => {
    const o = regressionTable.run(makeContext({ ...params, path: undefined, column_labels: { fe: 'Within' } }, { pooled: fit('pooled'), fe: fit('within') })) as { table: import('../../engine/value.js').Table };
    expect(Object.keys(tableRows(o.table)[0]!)).toEqual(['term', 'inv (OLS)', 'Within']);
  });
});

/** Runs the table over the given models; returns the JSON output and the context. */
function table(p: Partial<RegressionTableParams>, models: Record<string, Value>) {
  const ctx = makeContext({ ...params, title: undefined, path: 'results/t', ...p }, models);
  const o = regressionTable.run(ctx) as { json: { [k: string]: Json } };
  return { json: o.json, ctx };
}

describe('regression-table labels follow the models', () => {
  it('makes the title from the model: estimator and y', () => {
    expect(table({}, { fe: fit('within') }).json).toMatchObject({ title: 'Individual fixed-effects regression of inv', columns: ['inv (FE)'] });
    expect(table({}, { re: fit('random') }).json).toMatchObject({ title: 'Individual random-effects regression of inv', columns: ['inv (RE)'] });
    expect(table({}, { tw: fit('within', { effect: 'twoways' }) }).json).toMatchObject({ title: 'Two-way fixed-effects regression of inv', columns: ['inv (two-way FE)'] });
    expect(table({}, { t: fit('within', { effect: 'time' }) }).json.columns).toEqual(['inv (time FE)']);
    expect(table({}, { b: fit('between') }).json).toMatchObject({ title: 'Between regression of inv', columns: ['inv (BE)'] });
    // Several estimators: listed in column order, "regressions".
    expect(table({}, { ols: fit('pooled'), fe: fit('within'), re: fit('random') }).json.title).toBe('Pooled OLS, individual fixed-effects and individual random-effects regressions of inv');
    // Another y in the model: the title and the heading say it.
    expect(table({}, { fe: fit('within', { y: 'value', x: ['capital'] }) }).json).toMatchObject({ title: 'Individual fixed-effects regression of value', columns: ['value (FE)'] });
  });

  it('`number` goes before the made title, and before a written one', () => {
    expect(table({ number: 'Table 5' }, { fe: fit('within') }).json.title).toBe('Table 5. Individual fixed-effects regression of inv');
    expect(table({ number: 'Table 5' }, { re: fit('random') }).json.title).toBe('Table 5. Individual random-effects regression of inv');
    expect(table({ number: 'Table 5', title: 'Main model' }, { fe: fit('within') }).json.title).toBe('Table 5. Main model');
    expect(String(table({ number: 'Table 5' }, { fe: fit('within') }).ctx.files.get('results/t.tex'))).toContain('\\caption{Table 5. Individual fixed-effects regression of inv}');
  });

  it('the note says z statistics for a random-effects model and how the standard errors were clustered', () => {
    expect(table({}, { re: fit('random') }).json.note).toBe('z statistics in parentheses; * p<0.05, ** p<0.01, *** p<0.001.');
    expect(table({}, { fe: fit('within', { vcov: 'cluster' }) }).json.note).toBe('t statistics in parentheses; standard errors clustered by entity (HC0); * p<0.05, ** p<0.01, *** p<0.001.');
    expect(table({}, { fe: fit('within', { vcov: 'cluster', cluster_adjustment: 'stata' }) }).json.note).toContain("standard errors clustered by entity (Stata's small-sample factor)");
    // Mixed: each kind of standard error names its columns.
    expect(table({ statistic: 'se' }, { fe: fit('within', { vcov: 'cluster' }), ols: fit('pooled') }).json.note).toBe('Standard errors in parentheses; standard errors clustered by entity (HC0) in inv (FE), classical standard errors in inv (OLS); * p<0.05, ** p<0.01, *** p<0.001.');
  });

  it('two models with one made heading are told apart by their input names', () => {
    expect(table({}, { a: fit('within'), b: fit('within', { x: ['value'] }) }).json.columns).toEqual(['inv (FE) [a]', 'inv (FE) [b]']);
  });

  it('a model without y or model fields (a plugin\'s) is headed by its input name and gets no made title', () => {
    const bare = { coefficients: [{ term: 'x', estimate: 1, std_error: 0.5, statistic: 2, p_value: 0.05 }] } as unknown as Value;
    expect(table({}, { mine: bare }).json).toMatchObject({ title: null, columns: ['mine'] });
    // A plugin's own estimator name is shown as it is.
    const fd = { y: 'inv', model: 'first-difference', coefficients: [{ term: 'x', estimate: 1, std_error: 0.5, statistic: 2, p_value: 0.05 }] } as unknown as Value;
    expect(table({}, { fd }).json).toMatchObject({ title: 'First-difference regression of inv', columns: ['inv (first-difference)'] });
  });

  it('notes a written title or heading that names another estimator than the model\'s', () => {
    const { ctx, json } = table({ title: 'Individual fixed-effects regression', column_labels: { re: 'idt (FE)' } }, { re: fit('random') });
    expect(json.title).toBe('Individual fixed-effects regression');
    expect(ctx.notes).toEqual([
      'regression-table: column_labels.re "idt (FE)" says "FE", but input `re` is inv (RE); leave it out of column_labels to have the heading made from the model',
      'regression-table: the title says "fixed-effects", but the models are: inv (RE); leave `title` out to have it made from the models',
    ]);
    // A written title that fits the model is not noted.
    expect(table({ title: 'Random effects' }, { re: fit('random') }).ctx.notes).toEqual([]);
  });
});

describe('regression-table inputs', () => {
  it('rejects an input that is not a model', () => {
    expect(() => regressionTable.run(makeContext(params, { fe: { kind: 'table', columns: [] } }))).toThrow(StepError);
  });
});

describe('regression-table for other estimators (issue 13, item 7)', () => {
  const run = (inputs: Record<string, Value>, over: Partial<RegressionTableParams> = {}) =>
    tableRows((regressionTable.run(makeContext({ ...params, path: undefined, ...over }, inputs)) as { table: import('../../engine/value.js').Table }).table);

  it('fixed-effect rows from each model ("Firm FE: yes"), as esttab indicate()', () => {
    const rows = run({ pooled: fit('pooled'), fe: fit('within'), twfe: fit('within', { effect: 'twoways' }), re: fit('random') }, { include: ['nobs', 'effects'], effect_labels: { entity: 'Firm', time: 'Year' } });
    // pooled and random absorb nothing; within individual the firms; two-way firms and years.
    expect(rows.find((r) => r.term === 'Firm FE')).toEqual({ term: 'Firm FE', 'inv (OLS)': 'no', 'inv (FE)': 'yes', 'inv (two-way FE)': 'yes', 'inv (RE)': 'no' });
    expect(rows.find((r) => r.term === 'Year FE')).toEqual({ term: 'Year FE', 'inv (OLS)': 'no', 'inv (FE)': 'no', 'inv (two-way FE)': 'yes', 'inv (RE)': 'no' });
    // Not asked for: no rows.
    expect(run({ fe: fit('within') }).some((r) => r.term === 'Entity FE')).toBe(false);
  });

  it('a foreach stage\'s models are a column each, headed by their item', () => {
    // A model per subsample, as a foreach stage gathers them (engine/value.ts Collection).
    const early = fit('within', { effect: 'individual' });
    const coll: Value = { kind: 'collection', items: [{ key: { half: 'first' }, value: early }, { key: { half: 'second' }, value: fit('pooled') }] };
    const rows = run({ by: coll }, { include: ['nobs'] });
    expect(Object.keys(rows[0]!)).toEqual(['term', 'inv (FE)', 'inv (OLS)']);
    const twin = run({ by: { kind: 'collection', items: [{ key: { half: 'first' }, value: early }, { key: { half: 'second' }, value: early }] } }, { include: ['nobs'] });
    // Same heading twice: the item names the column.
    expect(Object.keys(twin[0]!)).toEqual(['term', 'inv (FE) [by[half=first]]', 'inv (FE) [by[half=second]]']);
  });

  it('rows for the diagnostics a model carries (first-stage F, Hansen J), blank where a model has none', () => {
    const fe = fit('within') as { [k: string]: Json };
    const iv = { ...fe, diagnostics: [{ test: 'first-stage F: capital', statistic: 12.5, p_value: 0.0001 }, { test: 'Hansen J', statistic: 0.4, p_value: 0.53 }] };
    const rows = run({ fe, iv }, { include: ['diagnostics'] });
    expect(rows.find((r) => r.term === 'first-stage F: capital')).toEqual({ term: 'first-stage F: capital', 'inv (FE) [fe]': '', 'inv (FE) [iv]': '12.500***' });
    expect(rows.find((r) => r.term === 'Hansen J')!['inv (FE) [iv]']).toBe('0.400');
  });
});
