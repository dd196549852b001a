/**
 * morans-i against R spdep 1.2 moran.test (test/fixtures/spatial/expected.json, made by
 * make-fixtures.R): the deterministic variable of moran-panel.csv, per year and pooled
 * (I_T ⊗ W), with row-standardised contiguity (W), binary contiguity (B) and row-standardised
 * inverse distance (D); randomisation = FALSE and TRUE; alternatives greater, two.sided, less.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { moransI, type MoransIParams } from '../../steps/morans-i.js';
import { spatialWeights } from '../../steps/spatial-weights.js';
import { checkParams } from '../../engine/params-schema.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { makeContext } from '../support/context.js';
import { dataCsv, expected, fixtureCsv, rel, worst, type MoranCase } from './spatial-fixtures.js';

const TOL = 1e-10;
const weightsFor = (style: 'W' | 'B' | 'D'): Table => {
  const params = style === 'D' ? { kind: 'inverse-distance' } : { row_standardise: style === 'W' };
  const p = checkParams(spatialWeights, params).params as never;
  const data = dataCsv(style === 'D' ? 'spatial/capitals.csv' : 'spatial/adjacency.csv');
  return (spatialWeights.run(makeContext(p, { data })) as { weights: Table }).weights;
};

function run(params: Partial<MoransIParams>, weights: Table, data: Table = fixtureCsv('moran-panel.csv')) {
  const c = checkParams(moransI, { variable: 'v', entity: 'province', time: 'year', ...params });
  expect(c.errors).toEqual([]);
  return tableRows((moransI.run(makeContext(c.params as unknown as MoransIParams, { data, weights })) as { moran: Table }).moran);
}

function check(row: Record<string, unknown>, want: MoranCase, alt: 'greater' | 'two-sided' | 'less') {
  const n = alt === 'two-sided' ? want.normality_two_sided : want.normality;
  const r = alt === 'less' ? want.randomisation_less : want.randomisation;
  const q = (k: string) => row[k] as number;
  expect(rel(q('I'), n.I, 'I')).toBeLessThan(TOL);
  expect(rel(q('expectation'), n.expectation, 'E[I]')).toBeLessThan(TOL);
  expect(rel(q('variance_normality'), n.variance, 'Var[I] normality')).toBeLessThan(TOL);
  expect(rel(q('z_normality'), n.z, 'z normality')).toBeLessThan(TOL);
  expect(rel(q('variance_randomisation'), r.variance, 'Var[I] randomisation')).toBeLessThan(TOL);
  expect(rel(q('z_randomisation'), r.z, 'z randomisation')).toBeLessThan(TOL);
  if (alt !== 'less') expect(rel(q('p_normality'), n.p, 'p normality')).toBeLessThan(TOL);
  if (alt !== 'two-sided') expect(rel(q('p_randomisation'), r.p, 'p randomisation')).toBeLessThan(TOL);
}

describe("morans-i agrees with spdep moran.test to 1e-10", () => {
  for (const style of ['W', 'B', 'D'] as const) {
    for (const alt of ['greater', 'two-sided', 'less'] as const) {
      it(`${style} weights, per year, alternative ${alt}`, () => {
        const rows = run({ alternative: alt }, weightsFor(style));
        expect(rows.map((r) => r.period)).toEqual([2001, 2002, 2003]);
        rows.forEach((row, t) => { expect(row.n).toBe(30); check(row, expected.moran[style].per_period[t]!, alt); });
      });
    }
    it(`${style} weights, pooled over the balanced panel (I_T ⊗ W)`, () => {
      const rows = run({ pooled: true }, weightsFor(style));
      expect(rows).toHaveLength(1);
      expect(rows[0]!.period).toBe('pooled');
      expect(rows[0]!.n).toBe(90);
      check(rows[0]!, expected.moran[style].pooled, 'greater');
    });
  }
});

describe('bad input', () => {
  const w = weightsFor('W');
  it('names a missing column, a missing value and a missing unit-period', () => {
    expect(() => run({ variable: 'gdp' }, w)).toThrow(/`gdp` \(param `variable`\)/);
    const d = fixtureCsv('moran-panel.csv');
    const rows = tableRows(d);
    rows[5]!.v = null;
    const withNa = tableFromColumns({ province: rows.map((r) => r.province ?? null), year: rows.map((r) => r.year ?? null), v: rows.map((r) => r.v ?? null) });
    expect(() => run({}, w, withNa)).toThrow(/missing for province = /);
    const short = tableFromColumns({ province: rows.slice(1).map((r) => r.province ?? null), year: rows.slice(1).map((r) => r.year ?? null), v: rows.slice(1).map((r) => r.v ?? 0) });
    expect(() => run({}, w, short)).toThrow(/unbalanced|no row for/);
    expect(() => run({ time: undefined, pooled: true }, w)).toThrow(/needs param `time`/);
  });
});
