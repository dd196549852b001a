/**
 * panel-iv against R. Every expected number comes from test/fixtures/panel-iv/expected.json,
 * written by test/fixtures/panel-iv/make-fixtures.R; the R call behind each field is named
 * beside its check below (and in the script).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { panelIv, type PanelIvParams } from '../../steps/panel-iv.js';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Json, Table } from '../../engine/value.js';
import { isModel } from '../../steps/lib/model.js';
import { makeContext } from '../support/context.js';
import { close } from './plm-fixtures.js';

type Obj = { [k: string]: Json };
const dir = fileURLToPath(new URL('../fixtures/panel-iv/', import.meta.url));

type Cols = Record<string, (string | number | null)[]>;
function readCols(name: string): Cols {
  const lines = readFileSync(dir + name, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const cols: Record<string, (string | number | null)[]> = Object.fromEntries(header.map((h) => [h, []]));
  for (const line of lines.slice(1)) line.split(',').forEach((v, j) => { const x = Number(v); cols[header[j]!]!.push(v === 'NA' || v === '' ? null : Number.isFinite(x) ? x : v); });
  return cols;
}
const readCsv = (name: string): Table => tableFromColumns(readCols(name));

interface FTest { statistic: number; df1: number; df2: number; p_value: number }
interface Case {
  file: string; y: string; exog: string | string[]; endog: string | string[]; inst: string | string[]; model: 'pooled' | 'within'; effect: 'individual' | 'twoways';
  terms: string[]; estimate: number[]; std_error: number[]; statistic: number[]; p_value: number[]; vcov_matrix: number[][];
  cluster_std_error: number[]; cluster_vcov_matrix: number[][]; cluster_stata_std_error: number[];
  nobs: number; df_resid: number; ssr: number; r2: number;
  first_stage: Record<string, { classical: FTest; cluster_hc0: number; cluster_stata: number }>;
  cragg_donald: number; kleibergen_paap: { rk_hc0: number; f_hc0: number; f_stata: number };
  sargan: number; sargan_aer: number | Record<string, never>; hansen_j: number;
  wu_hausman: FTest; wu_hausman_cluster: { hc0: number; stata: number };
}
const expected = JSON.parse(readFileSync(dir + 'expected.json', 'utf8')) as { generated_by: string; cases: Record<string, Case> };
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);

const worst: Record<string, number> = {};
function near(actual: unknown, want: number, what: string, tol = 1e-8) {
  expect(typeof actual, what).toBe('number');
  const rel = Math.abs((actual as number) - want) / Math.max(Math.abs(want), 1e-12);
  const key = what.replace(/\[.*?\]|: .*$| \(.*$/g, '');
  worst[key] = Math.max(worst[key] ?? 0, rel);
  if (!close(actual as number, want, tol)) expect.fail(`${what}: got ${String(actual)}, R ${want}`);
}

function params(c: Case, over: Partial<PanelIvParams> = {}): PanelIvParams {
  return {
    y: c.y, x: list(c.exog), endogenous: list(c.endog), instruments: list(c.inst), entity: 'id', time: 'year',
    model: c.model, effect: c.effect, vcov: 'classical', cluster_adjustment: 'hc0', ...over,
  };
}
function run(p: PanelIvParams, data: Table) {
  return panelIv.run(makeContext(p, { data })) as { model: Obj; diagnostics: Table };
}
const diag = (t: Table, test: string) => tableRows(t).find((r) => r.test === test);

describe('panel-iv agrees with plm / AER / the published formulas to 1e-8', () => {
  for (const [key, c] of Object.entries(expected.cases)) {
    const data = readCsv(c.file);
    const endog = list(c.endog);
    const overid = list(c.inst).length > endog.length;
    it(`${key}: classical`, () => {
      const { model: m, diagnostics } = run(params(c), data);
      expect(isModel(m)).toBe(true);
      const coefs = m.coefficients as Obj[];
      expect(coefs.map((x) => x.term)).toEqual(c.terms);
      c.terms.forEach((t, j) => {
        near(coefs[j]!.estimate, c.estimate[j]!, `estimate ${t}`);          // coef(plm(y ~ x + e | x + z))
        near(coefs[j]!.std_error, c.std_error[j]!, `std_error ${t}`);       // summary.plm, vcov(plm)
        near(coefs[j]!.statistic, c.statistic[j]!, `statistic ${t}`);       // summary.plm z value
        near(coefs[j]!.p_value, c.p_value[j]!, `p_value ${t}`, 1e-7);      // summary.plm Pr(>|z|)
      });
      const vm = (m.vcov_matrix as Obj).matrix as number[][];
      c.vcov_matrix.forEach((row, a) => row.forEach((v, b) => near(vm[a]![b], v, `vcov[${a},${b}]`))); // vcov(plm)
      expect(m.nobs).toBe(c.nobs);
      expect(m.df_resid).toBe(c.df_resid);                                  // df.residual(plm)
      near(m.ssr, c.ssr, 'ssr');                                            // deviance(plm)
      near(m.r2, c.r2, 'r2');                                               // summary.plm r.squared
      for (const e of endog) {
        const f = c.first_stage[e]!.classical;                              // anova(lm(e ~ x + dummies), lm(e ~ x + z + dummies))
        const r = diag(diagnostics, `first-stage F: ${e}`)!;
        near(r.statistic, f.statistic, `first-stage F: ${e}`);
        expect([r.df, r.df2]).toEqual([f.df1, f.df2]);
        near(r.p_value, f.p_value, `first-stage p: ${e}`, 1e-7);
      }
      near(diag(diagnostics, 'Cragg-Donald Wald F')!.statistic, c.cragg_donald, 'Cragg-Donald'); // matrix algebra in make-fixtures.R
      if (overid) {
        near(diag(diagnostics, 'Sargan')!.statistic, c.sargan_aer as number, 'Sargan');         // summary(ivreg, diagnostics = TRUE) on the transformed data
        expect(diag(diagnostics, 'Sargan')!.df).toBe(list(c.inst).length - endog.length);
      } else expect(diag(diagnostics, 'Sargan')).toBeUndefined();
      const wu = diag(diagnostics, 'Wu-Hausman (control function)')!;     // anova(lm(y ~ x + e + dummies), lm(y ~ x + e + vhat + dummies))
      near(wu.statistic, c.wu_hausman.statistic, 'Wu-Hausman');
      expect([wu.df, wu.df2]).toEqual([c.wu_hausman.df1, c.wu_hausman.df2]);
      near(wu.p_value, c.wu_hausman.p_value, 'Wu-Hausman p', 1e-7);
      expect(diag(diagnostics, 'Kleibergen-Paap rk Wald F')).toBeUndefined();
    });
    for (const adj of ['hc0', 'stata'] as const) {
      it(`${key}: cluster ${adj}`, () => {
        const { model: m, diagnostics } = run(params(c, { vcov: 'cluster', cluster_adjustment: adj }), data);
        expect(m.vcov).toBe(`cluster-${adj}`);
        const coefs = m.coefficients as Obj[];
        const want = adj === 'hc0' ? c.cluster_std_error : c.cluster_stata_std_error; // sqrt(diag(vcovHC(plm, method = "arellano", type = "HC0"))) (× Stata factor)
        c.terms.forEach((t, j) => {
          near(coefs[j]!.estimate, c.estimate[j]!, `estimate ${t}`);
          near(coefs[j]!.std_error, want[j]!, `cluster std_error ${t}`);
        });
        if (adj === 'hc0') {
          const vm = (m.vcov_matrix as Obj).matrix as number[][];
          c.cluster_vcov_matrix.forEach((row, a) => row.forEach((v, b) => near(vm[a]![b], v, `cluster vcov[${a},${b}]`)));
        }
        for (const e of endog) {
          // Wald/L of the z coefficients of plm(e ~ x + z) with vcovHC(method = "arellano", type = "HC0") (÷ Stata factor)
          near(diag(diagnostics, `first-stage F: ${e}`)!.statistic, adj === 'hc0' ? c.first_stage[e]!.cluster_hc0 : c.first_stage[e]!.cluster_stata, `cluster first-stage F: ${e}`);
        }
        // Kleibergen–Paap rk Wald F: matrix algebra from Kleibergen & Paap (2006) in make-fixtures.R
        near(diag(diagnostics, 'Kleibergen-Paap rk Wald F')!.statistic, adj === 'hc0' ? c.kleibergen_paap.f_hc0 : c.kleibergen_paap.f_stata, 'Kleibergen-Paap');
        if (overid) near(diag(diagnostics, 'Hansen J')!.statistic, c.hansen_j, 'Hansen J'); // two-step GMM J, matrix algebra in make-fixtures.R
        else expect(diag(diagnostics, 'Hansen J')).toBeUndefined();
        // Wald of vhat in plm(y ~ x + e + vhat) with vcovHC(method = "arellano", type = "HC0") (÷ Stata factor)
        near(diag(diagnostics, 'Wu-Hausman (control function)')!.statistic, adj === 'hc0' ? c.wu_hausman_cluster.hc0 : c.wu_hausman_cluster.stata, 'cluster Wu-Hausman');
      });
    }
  }
  it('every quantity compared above agrees with R to 1e-8 relative (the largest difference per quantity)', () => {
    expect(Object.keys(worst).length).toBeGreaterThan(5);
    for (const [what, d] of Object.entries(worst)) expect(d, what).toBeLessThanOrEqual(1e-8);
  });
});

describe('panel-iv bad input', () => {
  const c = expected.cases.within!;
  const data = readCsv(c.file);
  const fails = (over: Partial<PanelIvParams>, reason: string, text: RegExp, d: Table = data) => {
    try { run(params(c, over), d); } catch (e) {
      expect(e).toBeInstanceOf(StepError);
      expect((e as StepError).reason).toBe(reason);
      expect((e as Error).message).toMatch(text);
      return;
    }
    expect.fail(`expected ${reason}`);
  };
  it('under-identified: fewer instruments than endogenous regressors', () => {
    fails({ endogenous: ['x2', 'x3'], instruments: ['z1'] }, 'under-identified', /2 endogenous.*lists 1/);
  });
  it('an instrument equal to a regressor (by name)', () => {
    fails({ instruments: ['z1', 'x1'] }, 'instrument-is-regressor', /instruments\[1\]` names `x1`, which is already `x\[0\]`/);
  });
  it('an instrument equal to a regressor (by value)', () => {
    const t = readCols(c.file);
    t.x1copy = [...t.x1!];
    fails({ instruments: ['z1', 'x1copy'] }, 'collinear-instruments', /`x1copy`.*remove it from `instruments`/, tableFromColumns(t));
  });
  it('a missing column', () => {
    fails({ instruments: ['z1', 'z9'] }, 'missing-column', /param `instruments\[1\]` names column `z9`/);
  });
  it('singular first stage', () => {
    const t = readCols(c.file);
    t.x2b = (t.x2 as number[]).map((v) => 2 * v);
    fails({ endogenous: ['x2', 'x2b'], instruments: ['z1', 'z2'] }, 'singular-first-stage', /x2b/, tableFromColumns(t));
  });
  it('an instrument the fixed effects absorb', () => {
    const t = readCols(c.file);
    t.zconst = (t.id as string[]).map((v) => Number(v.slice(1)));
    fails({ instruments: ['z1', 'zconst'] }, 'no-within-variation', /`zconst` is constant within every entity/, tableFromColumns(t));
  });
  it('params schema: defaults and required', () => {
    const ok = checkParams(panelIv, { y: 'y', endogenous: ['x2'], instruments: ['z1'], entity: 'id', time: 'year' });
    expect(ok.errors).toEqual([]);
    expect(ok.params).toMatchObject({ x: [], model: 'within', effect: 'individual', vcov: 'classical', cluster_adjustment: 'hc0' });
    expect(checkParams(panelIv, { y: 'y', endogenous: [], instruments: ['z1'], entity: 'id', time: 'year' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(panelIv, { y: 'y', endogenous: ['x2'], instruments: ['z1'], entity: 'id', time: 'year', model: 'random' }).errors.length).toBeGreaterThan(0);
  });
});

describe('panel-iv model in regression-table', () => {
  it('is headed as 2SLS with z statistics and clustered errors in the note', async () => {
    const { regressionTable } = await import('../../steps/regression-table.js');
    type RtParams = import('../../steps/regression-table.js').RegressionTableParams;
    const c = expected.cases.twoways!;
    const { model } = run(params(c, { vcov: 'cluster' }), readCsv(c.file));
    const out = regressionTable.run(makeContext<RtParams>({ statistic: 't', stars: { '*': 0.05, '**': 0.01, '***': 0.001 }, digits: 3, include: ['nobs', 'r2'] } as RtParams, { iv: model })) as { json: Obj };
    const text = JSON.stringify(out.json);
    expect(text).toContain('y (two-way FE 2SLS)');
    expect(text).toContain('z statistics');
    expect(text).toMatch(/cluster/i);
  });
});
