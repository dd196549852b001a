/**
 * panel-regression's variance estimators against R plm 2.6.2 / clubSandwich 0.5.8. Every
 * expected number comes from test/fixtures/plm/vcov.json, written by
 * test/fixtures/plm/make-vcov-fixtures.R; each variant carries the R call that produced it
 * (`call`, e.g. plm::vcovSCC(m, type = "HC0")), its within constant's SE the
 * plm::within_intercept call (`constant_call`), and CR2 the clubSandwich::coef_test
 * Satterthwaite df and p values.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { panelRegression, type PanelRegressionParams } from '../../steps/panel-regression.js';
import { StepError } from '../../engine/step.js';
import type { Json } from '../../engine/value.js';
import { makeContext } from '../support/context.js';
import { datasets, readCsv, type DatasetName } from './plm-fixtures.js';

type Obj = { [k: string]: Json };

interface VcovFixture {
  dataset: DatasetName; model: string; effect: string; params: Partial<PanelRegressionParams>;
  call: string; terms: string[]; vcov_matrix: number[][]; std_error: number[];
  constant_std_error?: number; constant_call?: string; df?: number[]; p_value?: number[];
}
const fixtures = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/plm/vcov.json', import.meta.url)), 'utf8')) as { fits: Record<string, VcovFixture> };

const tables = Object.fromEntries(Object.entries(datasets).map(([k, d]) => [k, readCsv(d.file)]));

function run(ds: DatasetName, over: Partial<PanelRegressionParams>) {
  const d = datasets[ds];
  const params: PanelRegressionParams = {
    y: d.y, x: [...d.x], entity: d.entity, time: d.time, model: 'within', effect: 'individual', vcov: 'classical',
    cluster_adjustment: 'hc0', random_method: 'swar', random_unbalanced: 'plm', ...over,
  };
  return (panelRegression.run(makeContext(params, { data: tables[ds]! })) as { model: Obj }).model;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
function expectClose(actual: unknown, want: number, what: string, tol = 1e-8) {
  expect(typeof actual, what).toBe('number');
  const d = rel(actual as number, want);
  if (!(d <= tol)) expect.fail(`${what}: got ${String(actual)}, R ${want} (relative ${d.toExponential(2)})`);
}

describe('variance estimators agree with plm / clubSandwich to 1e-8', () => {
  for (const [key, want] of Object.entries(fixtures.fits)) {
    it(`${key} (${want.call})`, () => {
      const m = run(want.dataset, { model: want.model as PanelRegressionParams['model'], effect: want.effect as PanelRegressionParams['effect'], ...want.params });
      const coefs = m.coefficients as Obj[];
      expect(coefs.map((c) => c.term)).toEqual(want.terms);
      const vm = (m.vcov_matrix as Obj).matrix as number[][];
      // Off-diagonal entries can be tiny differences of large terms: compare them relative to the diagonal scale.
      want.vcov_matrix.forEach((row, a) => row.forEach((v, b) => {
        const scale = Math.sqrt(Math.abs(want.vcov_matrix[a]![a]! * want.vcov_matrix[b]![b]!));
        const d = Math.abs(vm[a]![b]! - v) / scale;
        if (!(d <= 1e-8)) expect.fail(`vcov[${a},${b}]: got ${vm[a]![b]}, R ${v}`);
      }));
      want.std_error.forEach((se, j) => expectClose(coefs[j]!.std_error, se, `${want.terms[j]} std_error`));
      if (want.constant_std_error !== undefined) expectClose((m.constant as Obj).std_error, want.constant_std_error, `constant std_error (${want.constant_call})`);
      if (want.df) {
        want.df.forEach((df, j) => expectClose(coefs[j]!.df, df, `${want.terms[j]} Satterthwaite df`));
        want.p_value!.forEach((pv, j) => expectClose(coefs[j]!.p_value, pv, `${want.terms[j]} p_value`, 1e-7));
        expect(m.constant).toBeUndefined();
      }
      expect(typeof m.vcov).toBe('string');
    });
  }
});

describe('vcov labels and defaults', () => {
  it('keeps vcov: cluster by entity as before (label cluster-hc0)', () => {
    expect(run('grunfeld', { vcov: 'cluster' }).vcov).toBe('cluster-hc0');
    expect(run('grunfeld', { vcov: 'cluster', cluster: 'entity', cluster_adjustment: 'stata' }).vcov).toBe('cluster-stata');
  });
  it('names the estimator and its options', () => {
    expect(run('grunfeld', { vcov: 'hc' }).vcov).toBe('hc-white1-HC0');
    expect(run('grunfeld', { vcov: 'hc', hc_method: 'arellano', hc_type: 'HC3', cluster: 'time' }).vcov).toBe('hc-arellano-HC3-time');
    // plm vcovSCC default maxlag floor(20^(1/4)) = 2
    expect(run('grunfeld', { vcov: 'driscoll-kraay' }).vcov).toBe('driscoll-kraay-HC0-lag2');
    expect(run('grunfeld', { vcov: 'cluster', cluster: 'twoway' }).vcov).toBe('cluster-twoway-hc0');
    expect(run('grunfeld', { vcov: 'beck-katz', cluster: 'time' }).vcov).toBe('beck-katz-HC0-time');
    expect(run('grunfeld', { vcov: 'cr2' }).vcov).toBe('cr2');
  });
  it('time clusters with the Stata factor use G = number of periods', () => {
    const hc0 = run('grunfeld', { vcov: 'cluster', cluster: 'time' });
    const st = run('grunfeld', { vcov: 'cluster', cluster: 'time', cluster_adjustment: 'stata' });
    expect(st.vcov).toBe('cluster-time-stata');
    // G/(G−1)·(n−1)/(n−K−1) with G = 20 periods, n = 200, K = 2 slopes
    const f = (20 / 19) * (199 / 197);
    (st.coefficients as Obj[]).forEach((c, j) => expectClose(c.std_error, ((hc0.coefficients as Obj[])[j]!.std_error as number) * Math.sqrt(f), 'se'));
  });
});

describe('refused combinations name the param', () => {
  const fails = (ds: DatasetName, over: Partial<PanelRegressionParams>) => {
    try { run(ds, over); } catch (e) { expect(e).toBeInstanceOf(StepError); expect((e as StepError).reason).toBe('unsupported-vcov'); return (e as StepError).message; }
    return expect.fail('expected a StepError');
  };
  it.each([
    [{ vcov: 'classical', hc_type: 'HC1' }, /param `hc_type` applies to vcov: hc, driscoll-kraay, beck-katz, not to vcov: classical/],
    [{ vcov: 'cluster', hc_method: 'white2' }, /param `hc_method` applies to vcov: hc/],
    [{ vcov: 'hc', dk_lag: 2 }, /param `dk_lag` applies to vcov: driscoll-kraay/],
    [{ vcov: 'driscoll-kraay', cluster: 'entity' }, /param `cluster` applies to vcov: cluster, hc, beck-katz, cr2/],
    [{ vcov: 'hc', cluster: 'twoway' }, /`cluster: twoway` applies to vcov: cluster only/],
    [{ vcov: 'cluster', cluster: 'twoway', cluster_adjustment: 'stata' }, /not to cluster: twoway/],
    [{ vcov: 'hc', cluster_adjustment: 'stata' }, /hc_type: HC1/],
    [{ vcov: 'driscoll-kraay', dk_lag: 20 }, /`dk_lag` \(20\) must be smaller than the number of periods \(20\)/],
    [{ vcov: 'cr2', model: 'random' }, /vcov: cr2 is offered for model: pooled and model: within with effect: individual/],
    [{ vcov: 'cr2', effect: 'twoways' }, /effect: twoways/],
    [{ vcov: 'cr2', cluster: 'time' }, /clusters by entity only/],
    [{ vcov: 'hc', model: 'between' }, /not defined for the between model/],
  ] as [Partial<PanelRegressionParams>, RegExp][])('%o', (over, msg) => {
    expect(fails('grunfeld', over)).toMatch(msg);
  });
  it('beck-katz on an unbalanced panel', () => {
    expect(fails('grunfeld_unbalanced', { vcov: 'beck-katz' })).toMatch(/needs a balanced panel/);
  });
});
