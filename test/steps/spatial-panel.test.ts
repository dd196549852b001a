/**
 * spatial-panel. Expected numbers:
 * - cross-section (effect: none, one year): R spatialreg 1.2 lagsarlm(type = "mixed" / "lag",
 *   method = "eigen") and impacts() on the study's 2019 data with the row-standardised
 *   contiguity of data/spatial/adjacency.csv (test/fixtures/spatial/expected.json, sdm / sar,
 *   made by make-fixtures.R);
 * - panel with unit fixed effects: ρ, β, θ of lagsarlm on the entity-demeaned 2011–2023 panel
 *   with I_T ⊗ W (expected.json panel_sdm / panel_sar; the same maximiser as Lee & Yu's
 *   transformed likelihood, see make-fixtures.R);
 * - seeded recovery: simulated N = 30, T = 13 panels with the study's W and known ρ, β, θ;
 * - delta-method effect SEs: against a finite-difference Jacobian of the effects.
 * Tolerance 1e-6 relative against R: ρ maximises a likelihood that is flat to ~1e-15 within
 * ~1e-8 of its maximum, so R's optimize() and our Brent search agree on ρ to ~5e-8 only
 * (largest differences observed are printed by the afterAll hook).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spatialPanel, type SpatialPanelParams } from '../../steps/spatial-panel.js';
import { spatialWeights, weightsMatrix } from '../../steps/spatial-weights.js';
import { fitSpatial, lagPanel, spatialEffects } from '../../steps/kernels/spatial.js';
import { inverse, matrix } from '../../steps/kernels/linalg.js';
import { mulberry32 } from '../../steps/kernels/random.js';
import { checkParams } from '../../engine/params-schema.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import { isModel } from '../../steps/lib/model.js';
import type { Json, Table } from '../../engine/value.js';
import { makeContext } from '../support/context.js';
import { dataCsv, expected, fixtureCsv, rel, worst, type SarCase } from './spatial-fixtures.js';

type Obj = { [k: string]: Json };
const TOL = 1e-6;
const weights = (spatialWeights.run(makeContext(checkParams(spatialWeights, {}).params as never, { data: dataCsv('spatial/adjacency.csv') })) as { weights: Table }).weights;

function run(over: Partial<SpatialPanelParams>, data: Table) {
  const c = checkParams(spatialPanel, { y: 'y', x: ['urban', 'tertiary'], entity: 'province', time: 'year', ...over });
  expect(c.errors).toEqual([]);
  return spatialPanel.run(makeContext(c.params as unknown as SpatialPanelParams, { data, weights })) as { model: Obj; effects: Table };
}

const coef = (m: Obj, term: string) => (m.coefficients as Obj[]).find((c) => c.term === term)!;

function checkCross(durbin: boolean, want: SarCase) {
  const { model, effects } = run({ effect: 'none', durbin }, fixtureCsv('cross-section.csv'));
  expect(isModel(model)).toBe(true);
  const terms = ['(Intercept)', 'urban', 'tertiary', ...(durbin ? ['W_urban', 'W_tertiary'] : []), 'rho'];
  expect((model.coefficients as Obj[]).map((c) => c.term)).toEqual(terms);
  expect(rel(coef(model, 'rho').estimate as number, want.rho, 'cross rho')).toBeLessThan(TOL);
  expect(rel(coef(model, 'rho').std_error as number, want.rho_se, 'cross rho se')).toBeLessThan(TOL);
  for (const [rTerm, v] of Object.entries(want.coefficients)) {
    const t = rTerm.replace(/^lag\./, 'W_');
    expect(rel(coef(model, t).estimate as number, v, 'cross beta/theta'), t).toBeLessThan(TOL);
    expect(rel(coef(model, t).std_error as number, want.std_errors[rTerm]!, 'cross beta/theta se'), `${t} se`).toBeLessThan(TOL);
  }
  expect(rel(model.log_lik as number, want.log_lik, 'cross logLik')).toBeLessThan(TOL);
  expect(rel(model.sigma2 as number, want.sigma2, 'cross sigma2')).toBeLessThan(TOL);
  for (const r of tableRows(effects)) {
    const v = String(r.variable);
    for (const k of ['direct', 'indirect', 'total'] as const) expect(rel(r[k] as number, want.impacts[k][v]!, `cross ${k} effect`), `${k} ${v}`).toBeLessThan(TOL);
  }
}

describe('spatial-panel agrees with spatialreg lagsarlm on a cross-section (2019) to 1e-6', () => {
  it('spatial Durbin (type = "mixed")', () => checkCross(true, expected.sdm));
  it('spatial lag (type = "lag")', () => checkCross(false, expected.sar));
});

describe('spatial-panel with unit fixed effects agrees with lagsarlm on the demeaned panel (ρ, β, θ) to 1e-6', () => {
  for (const durbin of [true, false]) {
    it(durbin ? 'SDM' : 'SAR', () => {
      const want = durbin ? expected.panel_sdm : expected.panel_sar;
      const { model } = run({ durbin }, fixtureCsv('panel.csv'));
      expect(model.nobs).toBe(390);
      expect(rel(coef(model, 'rho').estimate as number, want.rho, 'panel rho')).toBeLessThan(TOL);
      for (const [rTerm, v] of Object.entries(want.coefficients)) {
        expect(rel(coef(model, rTerm.replace(/^lag\./, 'W_')).estimate as number, v, 'panel beta/theta'), rTerm).toBeLessThan(TOL);
      }
    });
  }
});

function normals(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

describe('seeded recovery: N = 30, T = 13, the study W', () => {
  const codes = [...new Set(tableRows(weights).map((r) => String(r.from)))].sort();
  const n = codes.length, T = 13;
  const w = weightsMatrix(weights, codes, 'test');
  const aInv = (rho: number) => {
    const a = matrix(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a.data[i * n + j] = (i === j ? 1 : 0) - rho * w[i * n + j]!;
    return inverse(a)!.data;
  };
  const truth = { rho: 0.4, beta: [1, -0.5], theta: [0.5, 0.3], sigma: 0.5 };
  function simulate(seed: number, durbin = true) {
    const z = normals(mulberry32(seed));
    const mu = Float64Array.from({ length: n }, () => z());
    const x = [0, 1].map(() => Float64Array.from({ length: n * T }, (_, r) => 0.5 * mu[r % n]! + z()));
    const wx = x.map((c) => lagPanel(w, n, c));
    const ai = aInv(truth.rho);
    const y = new Float64Array(n * T);
    for (let t = 0; t < T; t++) {
      const rhs = Float64Array.from({ length: n }, (_, i) => {
        const r = t * n + i;
        let s = mu[i]! + truth.sigma * z();
        for (let k = 0; k < 2; k++) s += truth.beta[k]! * x[k]![r]! + (durbin ? truth.theta[k]! * wx[k]![r]! : 0);
        return s;
      });
      for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += ai[i * n + j]! * rhs[j]!; y[t * n + i] = s; }
    }
    return { y, x };
  }
  it('one draw through the step: every estimate within 3 SEs of the truth, σ² near 0.25', () => {
    const { y, x } = simulate(2010);
    const rows = { province: [] as string[], year: [] as number[], y: [] as number[], urban: [] as number[], tertiary: [] as number[] };
    for (let r = 0; r < n * T; r++) { rows.province.push(codes[r % n]!); rows.year.push(2011 + Math.floor(r / n)); rows.y.push(y[r]!); rows.urban.push(x[0]![r]!); rows.tertiary.push(x[1]![r]!); }
    const { model } = run({}, tableFromColumns(rows));
    const want: Record<string, number> = { urban: 1, tertiary: -0.5, W_urban: 0.5, W_tertiary: 0.3, rho: 0.4 };
    for (const [t, v] of Object.entries(want)) {
      const c = coef(model, t);
      expect(Math.abs((c.estimate as number) - v), t).toBeLessThan(3 * (c.std_error as number));
    }
    expect(model.sigma2 as number).toBeGreaterThan(0.2);
    expect(model.sigma2 as number).toBeLessThan(0.3);
  });
  it('200 draws: mean bias of ρ, β, θ below 0.02, σ² (bias-corrected) within 2%, 95% intervals cover 90–98%', () => {
    const R = 200;
    const names = ['urban', 'tertiary', 'W_urban', 'W_tertiary', 'rho'];
    const truthV = [1, -0.5, 0.5, 0.3, 0.4];
    const sum = new Float64Array(5), cover = new Float64Array(5);
    let s2 = 0;
    for (let r = 0; r < R; r++) {
      const { y, x } = simulate(1000 + r);
      const f = fitSpatial({ n, periods: T, y, x, names: ['urban', 'tertiary'], w, durbin: true, effect: 'individual' });
      if (!f.ok) throw new Error(f.failure.message);
      const est = [...f.fit.beta, f.fit.rho];
      est.forEach((v, j) => {
        sum[j]! += v;
        if (Math.abs(v - truthV[j]!) < 1.959964 * Math.sqrt(f.fit.vcov[j * 5 + j]!)) cover[j]! += 1;
      });
      s2 += f.fit.sigma2;
    }
    names.forEach((nm, j) => {
      expect(Math.abs(sum[j]! / R - truthV[j]!), `${nm} bias`).toBeLessThan(0.02);
      expect(cover[j]! / R, `${nm} coverage`).toBeGreaterThan(0.9);
      expect(cover[j]! / R, `${nm} coverage`).toBeLessThan(0.98);
    });
    expect(Math.abs(s2 / R / 0.25 - 1)).toBeLessThan(0.02);
  });
  it('the delta-method effect SEs equal g′Vg with g a finite-difference gradient of the effects', () => {
    const { y, x } = simulate(7);
    const f = fitSpatial({ n, periods: T, y, x, names: ['urban', 'tertiary'], w, durbin: true, effect: 'individual' });
    if (!f.ok) throw new Error('fit');
    const { beta, rho, vcov } = f.fit;
    const terms = f.fit.terms;
    const effectsAt = (b: Float64Array, r: number) => spatialEffects({ n, w, aInv: aInv(r), rho: r, beta: b, vcov, terms, names: ['urban', 'tertiary'], durbin: true });
    const base = effectsAt(beta, rho);
    const h = 1e-6;
    const params = [...beta, rho];
    const grads = params.map((_, j) => {
      const up = [...params]; up[j]! += h;
      const dn = [...params]; dn[j]! -= h;
      const eu = effectsAt(Float64Array.from(up.slice(0, 4)), up[4]!), ed = effectsAt(Float64Array.from(dn.slice(0, 4)), dn[4]!);
      return eu.map((e, k) => ({ direct: (e.direct - ed[k]!.direct) / (2 * h), indirect: (e.indirect - ed[k]!.indirect) / (2 * h), total: (e.total - ed[k]!.total) / (2 * h) }));
    });
    base.forEach((e, k) => {
      for (const kind of ['direct', 'indirect', 'total'] as const) {
        let v = 0;
        for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) v += grads[a]![k]![kind] * grads[b]![k]![kind] * vcov[a * 5 + b]!;
        const se = kind === 'direct' ? e.directSe : kind === 'indirect' ? e.indirectSe : e.totalSe;
        expect(rel(se, Math.sqrt(v), 'delta SE vs finite differences'), `${e.variable} ${kind}`).toBeLessThan(1e-6);
      }
    });
  });
});

describe('bad input', () => {
  it('names missing columns, gaps, one period with fixed effects, and asymmetric weights', () => {
    const d = fixtureCsv('panel.csv');
    expect(() => run({ x: ['gdp'] }, d)).toThrow(/`gdp` \(param `x\[0\]`\)/);
    const rows = tableRows(d).slice(1);
    const cols = (rs: typeof rows) => tableFromColumns(Object.fromEntries(['province', 'year', 'y', 'urban', 'tertiary'].map((k) => [k, rs.map((r) => r[k]!)])));
    expect(() => run({}, cols(rows))).toThrow(/no row for province = BEJ in year = 2011/);
    expect(() => run({}, fixtureCsv('cross-section.csv'))).toThrow(/effect: none/);
    const asym = tableFromColumns({ from: ['A', 'B', 'B', 'C'], to: ['B', 'A', 'C', 'A'], weight: [1, 1, 1, 1] });
    const tiny = tableFromColumns({ province: ['A', 'B', 'C', 'A', 'B', 'C'], year: [1, 1, 1, 2, 2, 2], y: [1, 2, 3, 2, 3, 5], urban: [1, 0, 2, 3, 1, 1], tertiary: [0, 1, 1, 2, 0, 1] });
    const c = checkParams(spatialPanel, { y: 'y', x: ['urban'], entity: 'province', time: 'year' }).params as unknown as SpatialPanelParams;
    expect(() => spatialPanel.run(makeContext(c, { data: tiny, weights: asym }))).toThrow(/symmetric/);
  });
});

