/**
 * panel-tests against R plm 2.6.2 (test/fixtures/plm/expected.json, "tests", written by
 * make-fixtures.R): f_individual from plm::pFtest(within, pooling), hausman from
 * plm::phtest(within, random) (Produc: V_FE − V_RE indefinite, where we add a warning);
 * hausman_ginv from base::eigen with the generalized-inverse rule documented in panel.md;
 * hausman_sigmaless by hand in base R (V_RE rescaled by σ²_FE/σ²_RE, then solve()).
 */
import { describe, expect, it } from 'vitest';
import { panelTests, type PanelTestsParams } from '../../steps/panel-tests.js';
import { makeContext } from '../support/context.js';
import { tableRows } from '../../engine/table.js';
import type { Json, Table } from '../../engine/value.js';
import { close, datasets, expected, readCsv, type DatasetName } from './plm-fixtures.js';

type Obj = { [k: string]: Json };

function params(ds: DatasetName): PanelTestsParams {
  const d = datasets[ds];
  return { y: d.y, x: [...d.x], entity: d.entity, time: d.time, tests: ['f_individual', 'hausman'], random_unbalanced: 'plm', hausman_tolerance: 1e-8, hausman_variance: 'separate' };
}

function run(ds: DatasetName) {
  const ctx = makeContext(params(ds), { data: readCsv(datasets[ds].file) });
  return { out: panelTests.run(ctx) as { tests: Obj; table: Table }, ctx };
}

const near = (a: Json | undefined, b: number) => expect(close(a as number, b), `${String(a)} vs ${b}`).toBe(true);

describe('panel-tests agrees with plm', () => {
  for (const ds of Object.keys(datasets) as DatasetName[]) {
    it(`${ds}: F test for individual effects (plm::pFtest)`, () => {
      const want = expected.tests[ds]!.f_individual;
      const f = run(ds).out.tests.f_individual as Obj;
      near(f.statistic, want.statistic);
      expect([f.df1, f.df2]).toEqual([want.df1, want.df2]);
      expect(close(f.p_value as number, want.p_value, 1e-7)).toBe(true);
    });
  }

  for (const ds of ['grunfeld', 'grunfeld_unbalanced'] as const) {
    it(`${ds}: Hausman (plm::phtest), V_FE − V_RE positive definite`, () => {
      const want = expected.tests[ds]!.hausman;
      expect(want.min_eigen).toBeGreaterThan(0);
      const h = run(ds).out.tests.hausman as Obj;
      near(h.statistic, want.statistic);
      near(h.p_value, want.p_value);
      expect(h.df).toBe(want.df);
      expect(h.warning).toBeUndefined();
    });
  }

  it('produc: V_FE − V_RE not positive definite → plm::phtest\'s number, with a warning instead of silence', () => {
    const want = expected.tests.produc!;
    expect(want.hausman.min_eigen).toBeLessThan(0);
    const { out, ctx } = run('produc');
    const h = out.tests.hausman as Obj;
    // plm::phtest (solve) and our eigen-based inverse agree: the matrix is indefinite, not singular
    near(h.statistic, want.hausman.statistic);
    near(h.p_value, want.hausman.p_value);
    expect(h.df).toBe(want.hausman.df);
    near(h.statistic, want.hausman_ginv.statistic);
    expect(h.method).toBe('inverse');
    expect(String(h.warning)).toMatch(/not positive definite/);
    expect(String(h.warning)).toMatch(/sigmaless/);
    expect(ctx.notes.join(' ')).toMatch(/not positive definite/);
  });

  for (const ds of ['grunfeld', 'grunfeld_unbalanced', 'produc'] as const) {
    it(`${ds}: hausman_variance sigmaless = Δb'(V_FE − V_RE·σ²_FE/σ²_RE)⁻¹Δb (base R by hand in make-fixtures.R)`, () => {
      const want = expected.tests[ds]!.hausman_sigmaless;
      const d = datasets[ds];
      const out = panelTests.run(makeContext({ ...params(ds), hausman_variance: 'sigmaless' as const }, { data: readCsv(d.file) })) as { tests: { hausman: Obj } };
      near(out.tests.hausman.statistic, want.statistic);
      near(out.tests.hausman.p_value, want.p_value);
      expect(out.tests.hausman.df).toBe(want.df);
      expect(want.min_eigen).toBeGreaterThan(0);
      expect(out.tests.hausman.warning).toBeUndefined();
    });
  }

  it('returns a table of the tests', () => {
    const rows = tableRows(run('grunfeld').out.table);
    expect(rows.map((r) => r.test)).toEqual(['F test for individual effects', 'Hausman test (FE vs RE)']);
    expect(rows[0]!.df1).toBe(9); // pFtest df1 = N − 1 = 9 for Grunfeld
  });
});
