/**
 * panel-threshold against an independent numpy implementation of Hansen (1999), written by
 * test/fixtures/panel-threshold/make-fixtures.py into expected.json: γ̂ (eq. 8, 19, 20), S0,
 * S1(γ) over the grid (eq. 7), F1 and F2 (eq. 11, 21), LR curves (eq. 13, 22), the confidence
 * sets (eq. 16), the coefficients with classical and entity-clustered standard errors (numpy
 * lstsq on the within-transformed design), and F* for a fixed set of bootstrap draws (section
 * 3.3). The seeded bootstrap p value is checked against its definition by brute force here,
 * and the recovery tests simulate the study's panel size (N = 30, T = 13).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { panelThreshold, type PanelThresholdParams } from '../../steps/panel-threshold.js';
import { panelThresholdChunk, type PanelThresholdChunkParams } from '../../steps/panel-threshold-chunk.js';
import {
  bootstrapChunk, bootstrapDraw, bootstrapStatistic, fitSingle, nullModel, prepareThreshold, withinEntity, mulberry32, type ThresholdData,
} from '../../steps/kernels/panel-threshold.js';
import { olsFit } from '../../steps/kernels/ols.js';
import { makeContext } from '../support/context.js';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { bindRows, column, tableFromColumns, tableFromRows, tableRows } from '../../engine/table.js';
import { isModel } from '../../steps/lib/model.js';
import { regressionTable, type RegressionTableParams } from '../../steps/regression-table.js';
import type { Cell, Json, Table } from '../../engine/value.js';

type Obj = { [k: string]: Json };
const dir = fileURLToPath(new URL('../fixtures/panel-threshold/', import.meta.url));

function readCsv(name: string): Table {
  const lines = readFileSync(dir + name, 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const cols: Record<string, Cell[]> = Object.fromEntries(header.map((h) => [h, [] as Cell[]]));
  for (const line of lines.slice(1)) line.split(',').forEach((v, j) => { const x = Number(v); cols[header[j]!]!.push(Number.isFinite(x) ? x : v); });
  return tableFromColumns(cols);
}

interface Case {
  params: { z: string[]; x: string[]; q: string; trim: number; grid: number; thresholds: 1 | 2 };
  grid: number[]; ssr0: number; ssr1_curve: number[]; gamma1: number; ssr1: number; sigma2_1: number; F1: number; lr1: number[]; ci1: [number, number];
  gamma2?: number; ssr2?: number; F2?: number; lr2?: (number | null)[]; gamma1r?: number; ssr_refined?: number; lr1r?: (number | null)[]; ci2?: [number, number]; ci1r?: [number, number]; i1?: number;
  coefficients: { estimate: number[]; se_classical: number[]; se_cluster: number[]; ssr: number; df_resid: number };
  boot1: number[]; boot2?: number[];
}
const expected = JSON.parse(readFileSync(dir + 'expected.json', 'utf8')) as { draws: number[][]; cases: Record<string, Case> };
const data = readCsv('threshold.csv');

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
function expectRel(actual: unknown, want: number, what: string, tol = 1e-8) {
  expect(typeof actual, what).toBe('number');
  if (!(rel(actual as number, want) <= tol)) expect.fail(`${what}: got ${String(actual)}, numpy ${want} (rel ${rel(actual as number, want)})`);
}
/** LR values near γ̂ are differences of nearly equal SSRs: compared to 1e-8 of max(|LR|, 1). */
function expectLr(actual: number, want: number, what: string) {
  if (!(Math.abs(actual - want) <= 1e-8 * Math.max(Math.abs(want), 1))) expect.fail(`${what}: got ${actual}, numpy ${want}`);
}

function params(over: Partial<PanelThresholdParams>): PanelThresholdParams {
  const p = checkParams(panelThreshold, { y: 'y', z: ['z'], q: 'q', entity: 'province', time: 'year', ...over });
  expect(p.errors).toEqual([]);
  return p.params as unknown as PanelThresholdParams;
}
const run = (p: PanelThresholdParams, input: Table = data) => panelThreshold.run(makeContext(p, { data: input })) as { model: Obj; tests: Table; lr: Table };

function thresholdData(t: Table, c: Case['params']): ThresholdData {
  const num = (n: string) => Float64Array.from(column(t, n) as number[]);
  const prov = column(t, 'province') as string[];
  const yr = column(t, 'year') as number[];
  const ents = [...new Set(prov)];
  return {
    y: num('y'), x: c.x.map(num), z: c.z.map(num), q: num(c.q),
    entity: Int32Array.from(prov, (p) => ents.indexOf(p)), time: Int32Array.from(yr, (v) => v - Math.min(...yr)), nEntities: ents.length, nPeriods: new Set(yr).size,
  };
}
let largest = { stat: 0, coef: 0, se: 0, boot: 0, ssr: 0 };

describe('panel-threshold agrees with the numpy oracle (1e-8 relative)', () => {
  for (const [name, want] of Object.entries(expected.cases)) {
    it(name, () => {
      const { z, x, q, trim, grid, thresholds } = want.params;
      const p = params({ z, x, q, trim, grid, thresholds, bootstrap: 0 });
      const { model, lr } = run(p);
      expect(isModel(model)).toBe(true);
      const th = model.threshold as Obj;
      expect(th.grid_size).toBe(want.grid.length);
      // S0, S1(γ) over the whole grid and F1 from the kernel
      const prep = prepareThreshold(thresholdData(data, want.params), { trim, grid });
      if (!prep.ok) throw new Error(prep.failure.message);
      expect(Array.from(prep.prep.grid, (v) => v + 0)).toEqual(want.grid.map((v) => v + 0)); // -0 and 0 are one value of q_r
      const single = fitSingle(prep.prep);
      expectRel(single.ssr0, want.ssr0, 'S0');
      want.ssr1_curve.forEach((s, g) => { expectRel(single.ssr[g], s, `S1(γ_${g})`); largest.ssr = Math.max(largest.ssr, rel(single.ssr[g]!, s)); });
      expect(single.gamma).toBe(want.gamma1);
      expectRel(single.f, want.F1, 'F1');
      const tests = th.tests as Obj[];
      expectRel(tests[0]!.f, want.F1, 'tests F1');
      largest.stat = Math.max(largest.stat, rel(tests[0]!.f as number, want.F1));
      const ci = th.ci as number[][];
      const lrRows = tableRows(lr);
      if (thresholds === 1) {
        expect(th.estimates).toEqual([want.gamma1]);
        expect(ci[0]).toEqual(want.ci1);
        expectRel(th.sigma2_test, want.sigma2_1, 'σ̂²');
        lrRows.forEach((r, g) => { expect((r.threshold as number) + 0).toBe(want.grid[g]! + 0); expectLr(r.lr as number, want.lr1[g]!, `LR(γ_${g})`); });
      } else {
        expect(th.estimates).toEqual([want.gamma2!, want.gamma1r!].sort((a, b) => a - b));
        const ssr = th.ssr as Obj;
        expectRel(ssr.two_thresholds, want.ssr2!, 'S2r(γ̂2)');
        expectRel(ssr.two_thresholds_refined, want.ssr_refined!, 'S(γ̂1r, γ̂2)');
        expectRel(tests[1]!.f, want.F2!, 'F2');
        largest.stat = Math.max(largest.stat, rel(tests[1]!.f as number, want.F2!));
        const roles = th.roles as string[];
        expect(ci[roles.indexOf('second')]).toEqual(want.ci2);
        expect(ci[roles.indexOf('refined first')]).toEqual(want.ci1r);
        for (const [curve, w] of [['gamma1_refined', want.lr1r!], ['gamma2', want.lr2!]] as const) {
          const rows = lrRows.filter((r) => r.curve === curve);
          const finite = w.map((v, g) => [v, g] as const).filter(([v]) => v !== null);
          expect(rows.length).toBe(finite.length);
          rows.forEach((r, j) => { const [v, g] = finite[j]!; expect(r.threshold).toBe(want.grid[g]); expectLr(r.lr as number, v!, `${curve} LR(γ_${g})`); });
        }
      }
      const coefs = model.coefficients as Obj[];
      want.coefficients.estimate.forEach((b, j) => {
        expectRel(coefs[j]!.estimate, b, `${coefs[j]!.term} estimate`);
        expectRel(coefs[j]!.std_error, want.coefficients.se_classical[j]!, `${coefs[j]!.term} classical SE`);
        largest.coef = Math.max(largest.coef, rel(coefs[j]!.estimate as number, b));
        largest.se = Math.max(largest.se, rel(coefs[j]!.std_error as number, want.coefficients.se_classical[j]!));
      });
      expectRel(model.ssr, want.coefficients.ssr, 'final SSR');
      expect(model.df_resid).toBe(want.coefficients.df_resid);
      const cl = run({ ...p, vcov: 'cluster' }).model.coefficients as Obj[];
      want.coefficients.se_cluster.forEach((s, j) => { expectRel(cl[j]!.std_error, s, `${cl[j]!.term} cluster SE`); largest.se = Math.max(largest.se, rel(cl[j]!.std_error as number, s)); });
      // F* for the fixed draws of the fixture
      const m1 = nullModel(prep.prep, 1);
      want.boot1.forEach((f, r) => { const got = bootstrapStatistic(prep.prep, m1, Int32Array.from(expected.draws[r]!)); expectRel(got, f, `F1* draw ${r}`); largest.boot = Math.max(largest.boot, rel(got, f)); });
      if (want.boot2) {
        const m2 = nullModel(prep.prep, 2, want.i1);
        want.boot2.forEach((f, r) => { const got = bootstrapStatistic(prep.prep, m2, Int32Array.from(expected.draws[r]!)); expectRel(got, f, `F2* draw ${r}`); largest.boot = Math.max(largest.boot, rel(got, f)); });
      }
    });
  }
  it('every quantity compared above agrees with the numpy oracle to 1e-8 relative (the largest difference per quantity)', () => {
    for (const [what, d] of Object.entries(largest)) expect(d, what).toBeLessThanOrEqual(1e-8);
  });
});

describe('panel-threshold output', () => {
  it('names the regime terms and fills the tests table', () => {
    const out = run(params({ x: ['x1'], thresholds: 2, trim: 0.05, grid: 60, bootstrap: 10 }));
    expect((out.model.coefficients as Obj[]).map((c) => c.term)).toEqual(['z_le_threshold1', 'z_between_thresholds', 'z_gt_threshold2', 'x1']);
    expect(tableRows(out.tests).map((r) => r.thresholds)).toEqual([1, 2]);
    expect(Object.keys(tableRows(out.tests)[0]!)).toEqual(['thresholds', 'hypothesis', 'F', 'p_value', 'B', 'crit_10', 'crit_5', 'crit_1']);
    const one = run(params({ x: ['x1'], bootstrap: 0 }));
    expect((one.model.coefficients as Obj[]).map((c) => c.term)).toEqual(['z_le_threshold', 'z_gt_threshold', 'x1']);
    expect(tableRows(one.tests)[0]!.p_value).toBeNull();
  });

  it('is a model regression-table shows', () => {
    const model = run(params({ x: ['x1'], bootstrap: 0 })).model;
    const rt: RegressionTableParams = { statistic: 't', stars: { '*': 0.05 }, digits: 3, include: ['nobs', 'r2'], labels: {}, title: 'Threshold', path: 'results/threshold' };
    const out = regressionTable.run(makeContext(rt, { threshold: model })) as { table: Table };
    const text = JSON.stringify(tableRows(out.table));
    expect(text).toContain('z_le_threshold');
    expect(text).toContain('z_gt_threshold');
  });

  it('bootstrap p value and critical values follow their definition (brute force)', () => {
    const p = params({ x: ['x1'], trim: 0.05, grid: 40, bootstrap: 25, seed: 11 });
    const out = run(p);
    const row = tableRows(out.tests)[0]!;
    // brute force: for each replication rebuild y*, refit every grid value by olsFit on the full design
    const d = thresholdData(data, { z: ['z'], x: ['x1'], q: 'q', trim: 0.05, grid: 40, thresholds: 1 });
    const prep = prepareThreshold(d, { trim: 0.05, grid: 40 });
    if (!prep.ok) throw new Error('prep');
    const w = (c: Float64Array) => withinEntity(c, d.entity, d.nEntities);
    const lin = olsFit([w(d.z[0]!), w(d.x[0]!)], w(d.y));
    const fitted = Float64Array.from(w(d.y), (v, i) => v - lin.residuals[i]!);
    const F = (y: Float64Array) => {
      const s0 = olsFit([w(d.z[0]!), w(d.x[0]!)], y).ssr;
      let s1 = Infinity;
      for (const g of prep.prep.grid) s1 = Math.min(s1, olsFit([w(d.z[0]!.map((v, i) => (d.q[i]! <= g ? v : 0))), w(d.z[0]!.map((v, i) => (d.q[i]! > g ? v : 0))), w(d.x[0]!)], y).ssr);
      return (s0 - s1) / (s1 / (d.nEntities * (d.nPeriods - 1)));
    };
    const f0 = F(w(d.y));
    expectRel(row.F, f0, 'F1 brute force');
    const stats: number[] = [];
    for (let r = 0; r < 25; r++) {
      const draw = bootstrapDraw(11, 1, r, d.nEntities);
      const ys = Float64Array.from(fitted, (v, i) => v + lin.residuals[draw[d.entity[i]!]! * d.nPeriods + d.time[i]!]!); // rows sorted by entity, year
      stats.push(F(ys));
    }
    const chunked = [...bootstrapChunk(prep.prep, nullModel(prep.prep, 1), 11, 0, 10), ...bootstrapChunk(prep.prep, nullModel(prep.prep, 1), 11, 10, 25)];
    chunked.forEach((s, r) => expectRel(s, stats[r]!, `F* ${r}`, 1e-7));
    expect(row.p_value).toBe(stats.filter((s) => s > f0).length / 25);
    const sorted = [...stats].sort((a, b) => a - b);
    expectRel(row.crit_10, sorted[Math.ceil(0.9 * 25) - 1]!, 'crit 10%', 1e-7);
    expectRel(row.crit_5, sorted[Math.ceil(0.95 * 25) - 1]!, 'crit 5%', 1e-7);
    expectRel(row.crit_1, sorted[24]!, 'crit 1%', 1e-7);
    // same seed, same result
    expect(tableRows(run(p).tests)).toEqual(tableRows(out.tests));
  });
});

/** A simulated balanced panel (N = 30, T = 13): y = μ_i + 0.5 x + (b1 1[q ≤ γ0] + b2 1[q > γ0]) z + e. */
function simulate(seed: number, b1: number, b2: number, gamma0 = 0.5): Table {
  const u = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const rows: Record<string, Cell>[] = [];
  for (let i = 0; i < 30; i++) {
    const mu = normal();
    for (let t = 0; t < 13; t++) {
      const q = u() + 0.2 * mu;
      const z = 1 + normal() + 0.3 * mu;
      const x = normal();
      rows.push({ province: `p${i}`, year: 2000 + t, q, z, x1: x, y: mu + 0.5 * x + (q <= gamma0 ? b1 : b2) * z + normal() });
    }
  }
  return tableFromColumns(Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, rows.map((r) => r[k]!)])));
}

describe('panel-threshold recovers a known threshold (seeded simulations, N = 30, T = 13)', () => {
  it('finds γ0 = 0.5 and rejects no-threshold when the effect is large', () => {
    const out = run(params({ x: ['x1'], bootstrap: 100, seed: 3 }), simulate(101, 1, 2));
    const th = out.model.threshold as Obj;
    const g = (th.estimates as number[])[0]!;
    expect(Math.abs(g - 0.5)).toBeLessThan(0.03);
    const ci = (th.ci as number[][])[0]!;
    expect(ci[0]! <= g && g <= ci[1]!).toBe(true);
    expect(tableRows(out.tests)[0]!.p_value as number).toBeLessThan(0.01);
    const c = out.model.coefficients as Obj[];
    expect(Math.abs((c[0]!.estimate as number) - 1)).toBeLessThan(0.15);
    expect(Math.abs((c[1]!.estimate as number) - 2)).toBeLessThan(0.15);
  });

  it('does not reject at 5% when there is no threshold', () => {
    const out = run(params({ x: ['x1'], bootstrap: 100, seed: 3 }), simulate(202, 1.5, 1.5));
    expect(tableRows(out.tests)[0]!.p_value as number).toBeGreaterThan(0.05);
  });
});

describe('panel-threshold refuses bad input', () => {
  const code = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(StepError); return { reason: (e as StepError & { reason: string }).reason, message: (e as Error).message }; } throw new Error('no error'); };
  it('an unbalanced panel', () => {
    const rows = tableRows(data).filter((r, i) => i !== 5);
    const t = tableFromColumns(Object.fromEntries(Object.keys(rows[0]!).map((k) => [k, rows.map((r) => r[k]!)])));
    const e = code(() => run(params({ bootstrap: 0 }), t));
    expect(e.reason).toBe('unbalanced-panel');
    expect(e.message).toMatch(/balanced panel/);
  });
  it('a missing column, a regressor in both z and x', () => {
    expect(code(() => run(params({ q: 'gdp', bootstrap: 0 }))).reason).toBe('missing-column');
    expect(code(() => run(params({ x: ['z'], bootstrap: 0 }))).reason).toBe('bad-params');
  });
  it('params defaults and schema', () => {
    const p = params({});
    expect(p).toMatchObject({ x: [], thresholds: 1, trim: 0.01, grid: 400, bootstrap: 300, seed: 1, ci_level: 0.95, vcov: 'classical', cluster_adjustment: 'hc0' });
    expect(checkParams(panelThreshold, { y: 'y', z: ['z'], q: 'q', entity: 'e', time: 't', thresholds: 3 }).errors.length).toBeGreaterThan(0);
  });
});

describe('panel-threshold-chunk: bootstrap replications fanned out, combined by panel-threshold', () => {
  /** The chunks' replications stacked as a foreach stage gathers them (the item key column in front). */
  function chunked(p: PanelThresholdParams, n: number): Table {
    return bindRows(Array.from({ length: n }, (_, c) => {
      const t = (panelThresholdChunk.run(makeContext({ ...p, chunk: c, chunks: n } as PanelThresholdChunkParams, { data })) as { replications: Table }).replications;
      return tableFromColumns({ chunk: new Array<Cell>(t.columns[0]!.values.length).fill(c), ...Object.fromEntries(t.columns.map((col) => [col.name, col.values as Cell[]])) });
    }));
  }
  const combined = (p: PanelThresholdParams, chunks: Table) => panelThreshold.run(makeContext(p, { data, chunks })) as { model: Obj; tests: Table };

  it('one and two thresholds: 3 chunks give exactly the single-task p values and critical values', () => {
    for (const thresholds of [1, 2] as const) {
      const p = params({ thresholds, bootstrap: 60, seed: 9 });
      expect(tableRows(combined(p, chunked(p, 3)).tests)).toEqual(tableRows(run(p).tests));
    }
  });

  it('a missing or repeated replication, another seed and another model are refused by name', () => {
    const p = params({ bootstrap: 30, seed: 4 });
    const fail = (f: () => unknown) => { try { f(); } catch (e) { return (e as StepError).message; } throw new Error('expected a StepError'); };
    const all = chunked(p, 3);
    const rows = tableRows(all);
    const without = tableFromRows(rows.filter((r) => r.replication !== 12));
    expect(fail(() => combined(p, without))).toBe('input `chunks` lacks replication 12 of test 1: every chunk 0…chunks−1 must be gathered');
    expect(fail(() => combined(p, bindRows([all, all])))).toMatch(/^input `chunks` has replication 0 of test 1 twice/);
    expect(fail(() => combined({ ...p, seed: 5 }, all))).toBe('input `chunks` was drawn with seed 4, this step has seed: 5; give the chunk stages the same params');
    expect(fail(() => combined({ ...p, x: ['x1'] }, all))).toMatch(/^input `chunks` comes from another model: its F of test 1 is /);
  });
});
