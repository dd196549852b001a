/**
 * panel-regression against R plm 2.6.2. Every expected number comes from
 * test/fixtures/plm/expected.json, written by test/fixtures/plm/make-fixtures.R:
 * estimates/SE/t/p from plm::summary.plm (with vcov = plm::vcovHC(type = "HC0",
 * cluster = "group") for cluster), R² and adjusted R² from plm::r.squared, ssr from
 * deviance(), tss from plm:::tss.plm, σ²_u/σ²_e/θ from plm::ercomp, the within constant from
 * plm::within_intercept, overall/between R² from stats::cor, Stata-factor SEs as
 * sqrt(diag(V)·G/(G−1)·(n−1)/(n−K−1)).
 */
import { describe, expect, it } from 'vitest';
import { panelRegression, type PanelRegressionParams } from '../../steps/panel-regression.js';
import { makeContext } from '../support/context.js';
import { tableRows } from '../../engine/table.js';
import { StepError } from '../../engine/step.js';
import { tableFromRows } from '../../engine/table.js';
import type { Json } from '../../engine/value.js';
import { close, datasets, expected, readCsv, type DatasetName } from './plm-fixtures.js';

type Obj = { [k: string]: Json };

function run(ds: DatasetName, over: Partial<PanelRegressionParams>) {
  const d = datasets[ds];
  const params: PanelRegressionParams = {
    y: d.y, x: [...d.x], entity: d.entity, time: d.time, model: 'within', effect: 'individual', vcov: 'classical',
    cluster_adjustment: 'hc0', random_method: 'swar', random_unbalanced: 'plm', ...over,
  };
  const ctx = makeContext(params, { data: readCsv(d.file) });
  return { out: panelRegression.run(ctx) as { model: Obj; coefficients: import('../../engine/value.js').Table }, ctx };
}

function expectClose(actual: unknown, want: number, what: string, tol = 1e-8) {
  expect(typeof actual, what).toBe('number');
  if (!close(actual as number, want, tol)) expect.fail(`${what}: got ${String(actual)}, plm ${want}`);
}

describe('panel-regression agrees with plm to 1e-8', () => {
  for (const [key, want] of Object.entries(expected.fits)) {
    it(key, () => {
      const ds = key.split('/')[0] as DatasetName;
      const { out } = run(ds, { model: want.model as PanelRegressionParams['model'], effect: want.effect as PanelRegressionParams['effect'], vcov: want.vcov as 'classical' });
      const m = out.model;
      const coefs = m.coefficients as Obj[];
      expect(coefs.map((c) => c.term)).toEqual(want.terms);
      want.terms.forEach((t, j) => {
        const c = coefs[j]!;
        expectClose(c.estimate, want.estimate[j]!, `${t} estimate`);
        expectClose(c.std_error, want.std_error[j]!, `${t} std_error`);
        expectClose(c.statistic, want.statistic[j]!, `${t} statistic`);
        expectClose(c.p_value, want.p_value[j]!, `${t} p_value`, 1e-7); // p from a t/normal tail: relative 1e-7 even at 1e-250
      });
      const vm = (m.vcov_matrix as Obj).matrix as number[][];
      want.vcov_matrix.forEach((row, a) => row.forEach((v, b) => expectClose(vm[a]![b], v, `vcov[${a},${b}]`)));
      for (const f of ['nobs', 'n_groups', 'n_periods', 'balanced', 'df_resid'] as const) expect(m[f], f).toBe(want[f]);
      for (const f of ['r2', 'adj_r2', 'ssr', 'tss', 'sigma2', 'r2_overall', 'r2_between', 'sigma2_e', 'sigma2_u'] as const) {
        if (want[f] !== undefined) expectClose(m[f], want[f]!, f);
      }
      if (typeof want.theta === 'number') expectClose(m.theta, want.theta, 'theta');
      else if (want.theta) {
        const th = m.theta as Obj;
        expectClose(th.min, want.theta.min, 'theta min');
        expectClose(th.max, want.theta.max, 'theta max');
        expectClose(th.mean, want.theta.mean, 'theta mean');
      }
      if (want.constant) {
        const c = m.constant as Obj;
        expectClose(c.estimate, want.constant.estimate, 'constant');
        expectClose(c.std_error, want.constant.std_error, 'constant se');
      }
    });
  }
});

describe('options', () => {
  it('stata cluster adjustment scales the HC0 SEs by G/(G−1)·(n−1)/(n−K−1) (values from make-fixtures.R)', () => {
    for (const key of ['grunfeld_unbalanced/within/individual/cluster', 'produc/pooling/individual/cluster', 'grunfeld/random/individual/cluster']) {
      const want = expected.fits[key]!;
      const ds = key.split('/')[0] as DatasetName;
      const { out } = run(ds, { model: want.model as 'within', vcov: 'cluster', cluster_adjustment: 'stata' });
      (out.model.coefficients as Obj[]).forEach((c, j) => expectClose(c.std_error, want.stata_std_error[j]!, `${key} ${String(c.term)}`));
      if (want.constant) expectClose((out.model.constant as Obj).std_error, want.constant.stata_std_error, 'constant');
      expect(out.model.vcov).toBe('cluster-stata');
    }
  });

  it("random_unbalanced: stata uses the harmonic-mean T (by-hand R computation in make-fixtures.R, stata_re)", () => {
    const want = expected.stata_re;
    const { out } = run('grunfeld_unbalanced', { model: 'random', random_unbalanced: 'stata' });
    expectClose(out.model.sigma2_e, want.sigma2_e, 'sigma2_e');
    expectClose(out.model.sigma2_u, want.sigma2_u, 'sigma2_u');
    expectClose((out.model.theta as Obj).min, want.theta_min, 'theta min');
    expectClose((out.model.theta as Obj).max, want.theta_max, 'theta max');
    (out.model.coefficients as Obj[]).forEach((c, j) => {
      expectClose(c.estimate, want.estimate[j]!, 'estimate');
      expectClose(c.std_error, want.std_error[j]!, 'se');
    });
  });

  it('returns the coefficients table with the within constant last', () => {
    const { out } = run('grunfeld', {});
    const rows = tableRows(out.coefficients);
    expect(rows.map((r) => r.term)).toEqual(['value', 'capital', '(Intercept)']);
    // plm::within_intercept(plm(inv ~ value + capital, Grunfeld)) = -58.7439 (see expected.json)
    expectClose(rows[2]!.estimate, expected.fits['grunfeld/within/individual/classical']!.constant!.estimate, 'constant');
  });
});

describe('bad input', () => {
  const small = (extra: (i: number) => Record<string, number | string | null>) =>
    tableFromRows(Array.from({ length: 12 }, (_, i) => ({ id: Math.floor(i / 4), t: i % 4, y: (i * 7) % 5 + i / 3, a: (i * 3) % 7, ...extra(i) })));
  const params = (over: Partial<PanelRegressionParams>): PanelRegressionParams => ({
    y: 'y', x: ['a', 'b'], entity: 'id', time: 't', model: 'within', effect: 'individual', vcov: 'classical', cluster_adjustment: 'hc0', random_method: 'swar', random_unbalanced: 'plm', ...over,
  });
  const fails = (p: PanelRegressionParams, data: ReturnType<typeof small>) => {
    try { panelRegression.run(makeContext(p, { data })); } catch (e) { expect(e).toBeInstanceOf(StepError); return e as StepError; }
    return expect.fail('expected a StepError');
  };

  it('drops rows with missing values and says so', () => {
    const ctx = makeContext(params({}), { data: small((i) => ({ b: i === 5 ? null : (i * i) % 11 })) });
    const out = panelRegression.run(ctx) as { model: Obj };
    expect((out.model.dropped as Obj).rows).toBe(1);
    expect(out.model.nobs).toBe(11);
    expect(ctx.notes.join(' ')).toMatch(/dropped 1 row/);
  });

  it('drops a collinear regressor with a note and lists it', () => {
    const ctx = makeContext(params({ model: 'pooled' }), { data: small((i) => ({ b: 2 * ((i * 3) % 7) + 1 })) });
    const out = panelRegression.run(ctx) as { model: Obj };
    expect((out.model.dropped as Obj).terms).toEqual(['b']);
    expect(ctx.notes.join(' ')).toMatch(/collinear regressor\(s\) b/);
  });

  it('names a regressor that is constant within every entity', () => {
    const e = fails(params({}), small((i) => ({ b: Math.floor(i / 4) * 2 })));
    expect(e.reason).toBe('no-within-variation');
    expect(e.message).toMatch(/`b`/);
  });

  it('names a regressor with no value at all, not another one (GitHub issue 9)', () => {
    const e = fails(params({}), small(() => ({ b: null })));
    expect(e.reason).toBe('all-missing');
    expect(e.message).toMatch(/^input `data`: `b` has no value in any of the \d+ rows/);
  });

  it('random effects with no more entities than regressors + 1 is an error, not a huge SE (GitHub issue 9)', () => {
    // 3 entities, 2 slopes: the between regression has 3 − 2 − 1 = 0 degrees of freedom.
    const e = fails(params({ model: 'random' }), small((i) => ({ b: (i * 5) % 3 })));
    expect(e.reason).toBe('too-few-groups');
    expect(e.message).toBe('random effects need more entities (3) than regressors + 1 (3) to estimate the variance of the individual effects; use model: pooled or within, or fewer regressors');
  });

  it('rejects too few observations', () => {
    const data = tableFromRows([{ id: 1, t: 1, y: 1, a: 2, b: 3 }, { id: 2, t: 1, y: 2, a: 1, b: 5 }]);
    expect(fails(params({ model: 'pooled' }), data as ReturnType<typeof small>).reason).toBe('too-few-observations');
  });

  it('rejects duplicate entity-period rows and names them', () => {
    const e = fails(params({}), small((i) => ({ t: i % 2, b: i })));
    expect(e.reason).toBe('duplicate-panel-index');
    expect(e.message).toMatch(/id = 0, t = 0/);
  });

  it('names a missing column', () => {
    expect(fails(params({ x: ['a', 'zz'] }), small(() => ({ b: 1 }))).reason).toBe('missing-column');
  });
});
