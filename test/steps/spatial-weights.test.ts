/**
 * spatial-weights against R spdep 1.2 (test/fixtures/spatial/expected.json, make-fixtures.R):
 * row-standardised and binary contiguity from nb2listw(style = "W" / "B") on
 * data/spatial/adjacency.csv, inverse-distance from mat2listw(1/d, style = "W") with d the
 * haversine distance (radius 6371.0088 km) between data/spatial/capitals.csv, and 1/d² cut
 * at 1,000 km (unstandardised).
 */
import { describe, expect, it } from 'vitest';
import { spatialWeights, weightsMatrix, type SpatialWeightsParams } from '../../steps/spatial-weights.js';
import { greatCircleKm } from '../../steps/kernels/spatial.js';
import { checkParams } from '../../engine/params-schema.js';
import { column, tableFromColumns, tableRows } from '../../engine/table.js';
import { StepError } from '../../engine/step.js';
import type { Table } from '../../engine/value.js';
import { makeContext } from '../support/context.js';
import { dataCsv, expected, rel } from './spatial-fixtures.js';

function run(params: Partial<SpatialWeightsParams>, data: Table): Table {
  const p = checkParams(spatialWeights, params as Record<string, unknown>);
  expect(p.errors, JSON.stringify(p.errors)).toEqual([]);
  return (spatialWeights.run(makeContext(p.params as unknown as SpatialWeightsParams, { data })) as { weights: Table }).weights;
}

function compare(weights: Table, want: { codes: string[]; matrix: number[][] }, tol: number) {
  const got = new Map(tableRows(weights).map((r) => [`${String(r.from)}|${String(r.to)}`, r.weight as number]));
  let nonzero = 0;
  want.codes.forEach((ci, a) => want.codes.forEach((cj, b) => {
    const v = want.matrix[a]![b]!;
    if (v !== 0) nonzero++;
    expect(rel(got.get(`${ci}|${cj}`) ?? 0, v, 'weights'), `${ci}→${cj}`).toBeLessThanOrEqual(tol);
  }));
  expect(tableRows(weights)).toHaveLength(nonzero);
}

describe('spatial-weights agrees with spdep', () => {
  const adj = dataCsv('spatial/adjacency.csv');
  const caps = dataCsv('spatial/capitals.csv');
  it('row-standardised contiguity (nb2listw style W)', () => compare(run({}, adj), expected.weights.W, 1e-14));
  it('binary contiguity (style B)', () => compare(run({ row_standardise: false }, adj), expected.weights.B, 0));
  it('inverse distance, row-standardised (mat2listw(1/d, style W))', () => compare(run({ kind: 'inverse-distance' }, caps), expected.weights.inverse_distance_W, 1e-12));
  it('inverse squared distance with a 1,000 km cutoff, raw', () => compare(run({ kind: 'inverse-distance', power: 2, cutoff_km: 1000, row_standardise: false }, caps), expected.weights.inverse_distance_power2_cut1000, 1e-12));
  it('outputs rows in code order, from then to', () => {
    const t = run({}, adj);
    const keys = tableRows(t).map((r) => `${String(r.from)}|${String(r.to)}`);
    expect(keys).toEqual([...keys].sort());
    expect(column(t, 'from')[0]).toBe('ANH');
  });
  it('an unordered pair list gives the same weights as the ordered one', () => {
    const rows = tableRows(adj).filter((r) => String(r.code) < String(r.neighbour));
    const once = tableFromColumns({ code: rows.map((r) => r.code ?? null), neighbour: rows.map((r) => r.neighbour ?? null) });
    expect(tableRows(run({}, once))).toEqual(tableRows(run({}, adj)));
  });
});

describe('great-circle distance', () => {
  it('Beijing–Shanghai is about 1,067 km (haversine, independent hand calculation)', () => {
    // 39.9042N 116.4074E to 31.2304N 121.4737E: central angle 0.16755 rad × 6371.0088 km
    expect(greatCircleKm(39.9042, 116.4074, 31.2304, 121.4737)).toBeCloseTo(1067.3, 0);
  });
});

describe('bad input', () => {
  it('refuses a self-pair, a missing column, duplicate points and a contiguity cutoff', () => {
    const self = tableFromColumns({ code: ['A', 'B'], neighbour: ['A', 'A'] });
    expect(() => run({}, self)).toThrow(/self-pair|itself/);
    expect(() => run({ from: 'origin' }, self)).toThrow(StepError);
    expect(() => run({ from: 'origin' }, self)).toThrow(/`origin` \(param `from`\)/);
    const dup = tableFromColumns({ code: ['A', 'A'], latitude: [1, 2], longitude: [1, 2] });
    expect(() => run({ kind: 'inverse-distance' }, dup)).toThrow(/more than one row/);
    expect(() => run({ cutoff_km: 10 }, self)).toThrow(/cutoff_km/);
    // Ürümqi is more than 1,000 km from every other capital: an isolate, with a note
    const caps = dataCsv('spatial/capitals.csv');
    const p = checkParams(spatialWeights, { kind: 'inverse-distance', cutoff_km: 1000 }).params as unknown as SpatialWeightsParams;
    const ctx = makeContext(p, { data: caps });
    spatialWeights.run(ctx);
    expect(ctx.notes.join()).toMatch(/XIN has no neighbour/);
  });
  it('weightsMatrix names units without neighbours', () => {
    const t = tableFromColumns({ from: ['A', 'B'], to: ['B', 'A'], weight: [1, 1] });
    expect(() => weightsMatrix(t, ['A', 'B', 'C'], 'morans-i')).toThrow(/`C` has no neighbour/);
  });
});
