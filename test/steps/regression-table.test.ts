/**
 * regression-table on models fitted by panel-regression on the Grunfeld fixture. The
 * numbers shown are the plm values of test/fixtures/plm/expected.json rounded by hand
 * (e.g. plm within value = 0.110124 → "0.110***", t = 9.2879 → "(9.288)").
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
const fit = (model: PanelRegressionParams['model']) => (panelRegression.run(makeContext({ ...base, model }, { data })) as { model: Value }).model;
const tests = (panelTests.run(makeContext({ y: 'inv', x: ['value', 'capital'], entity: 'firm', time: 'year', tests: ['f_individual', 'hausman'], random_unbalanced: 'plm', hausman_tolerance: 1e-8 }, { data })) as { tests: Value }).tests;
const params: RegressionTableParams = { statistic: 't', stars: { '*': 0.05, '**': 0.01, '***': 0.001 }, digits: 3, include: ['constant', 'nobs', 'r2', 'adj_r2', 'tests'], labels: { value: 'Firm value' }, title: 'Table 5', path: 'results/table5' };

describe('regression-table', () => {
  const ctx = makeContext(params, { pooled: fit('pooled'), fe: fit('within'), re: fit('random'), tests });
  const out = regressionTable.run(ctx) as { table: import('../../engine/value.js').Table; json: { [k: string]: Json } };
  const rows = tableRows(out.table);

  it('lays out coefficients with stars and t in parentheses', () => {
    expect(Object.keys(rows[0]!)).toEqual(['term', 'pooled', 'fe', 're']);
    expect(rows[0]).toMatchObject({ term: 'Firm value', fe: '0.110***' }); // plm within: value 0.1101238, p ≈ 4e-17
    expect(rows[1]!.fe).toBe('(9.288)'); // plm within: t(value) = 9.28790
    expect(rows.find((r) => r.term === 'Constant')!.fe).toBe('-58.744***'); // plm::within_intercept = -58.7439, SE 12.454, t = -4.72
    expect(rows.find((r) => r.term === 'N')).toMatchObject({ pooled: '200', fe: '200', re: '200' });
    expect(rows.find((r) => r.term === 'R²')!.fe).toBe('0.767'); // plm within R² = 0.76676
    expect(rows.find((r) => r.term === 'F test (individual effects)')!.pooled).toBe('49.177***'); // plm::pFtest F = 49.1766
  });

  it('writes .md, .tex and .csv under the path prefix', () => {
    expect([...ctx.files.keys()].sort()).toEqual(['results/table5.csv', 'results/table5.md', 'results/table5.tex']);
    expect(String(ctx.files.get('results/table5.md'))).toContain('| Firm value | 0.116\\*\\*\\* | 0.110\\*\\*\\* |');
    expect(String(ctx.files.get('results/table5.tex'))).toContain('\\sym{***}');
    expect(String(ctx.files.get('results/table5.csv')).split('\n')[0]).toBe('term,pooled,fe,re');
    expect(out.json.note).toBe('t statistics in parentheses; * p<0.05, ** p<0.01, *** p<0.001.');
  });

  it('shows standard errors when asked and follows params.columns', () => {
    const o = regressionTable.run(makeContext({ ...params, statistic: 'se', columns: ['re', 'fe'], path: undefined }, { fe: fit('within'), re: fit('random') })) as { table: import('../../engine/value.js').Table };
    const r = tableRows(o.table);
    expect(Object.keys(r[0]!)).toEqual(['term', 're', 'fe']);
    expect(r[1]!.fe).toBe('(0.012)'); // plm within SE(value) = 0.0118567
  });

  it('rejects an input that is not a model', () => {
    expect(() => regressionTable.run(makeContext(params, { fe: { kind: 'table', columns: [] } }))).toThrow(StepError);
  });
});
