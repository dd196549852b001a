import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../engine/table.js';
import type { IoTable } from '../../steps/io-types.js';
import { ras, sumTolerance } from '../../steps/ras.js';
import { makeContext } from '../support/context.js';
import { asValue, ioTable, thrown } from './io-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/io/ras_numpy.json', import.meta.url), 'utf8')) as {
  n: number; base_z: number[][]; base_x: number[]; target_x: number[]; target_u: number[]; target_v: number[]; ras_z: number[][];
};
const PARAMS = { tolerance: 0.001, max_iterations: 200, on_nonconvergence: 'error' as const };

/** A base whose x equals the target x, so RAS starts from the base z itself. */
function run(sectors: string[], z: number[][], u: number[], v: number[], params: Record<string, unknown> = {}) {
  const x = z.map((_, j) => 10 * (z.reduce((s, r) => s + Math.abs(r[j]!), 0) + 1));
  const targets = tableFromColumns({ sector: sectors, x, u, v });
  const ctx = makeContext({ ...PARAMS, ...params }, { base: asValue(ioTable(sectors, z, x)), targets });
  return { ctx, out: () => ras.run(ctx) as { table: IoTable; report: Record<string, number | boolean> } };
}

describe('ras step', () => {
  it('matches numpy on the random 10x10 fixture (start A0·diag(X^t))', () => {
    // Expected: test/fixtures/io/make_ras_fixture.py (numpy, same iteration).
    const sectors = Array.from({ length: fixture.n }, (_, i) => String(i + 1));
    const targets = { x: fixture.target_x, u: fixture.target_u, v: fixture.target_v };
    const ctx = makeContext({ ...PARAMS, tolerance: 1e-9 }, { base: asValue(ioTable(sectors, fixture.base_z, fixture.base_x)), targets });
    const { table, report } = ras.run(ctx) as { table: IoTable; report: Record<string, number | boolean> };
    expect(report.converged).toBe(true);
    expect(report.max_row_residual as number).toBeLessThanOrEqual(1e-9);
    fixture.ras_z.forEach((row, i) => row.forEach((want, j) => expect(Math.abs(table.z[i]![j]! - want) / want).toBeLessThan(1e-9)));
    expect(table.x).toEqual(fixture.target_x);
    table.va.forEach((va, j) => expect(va).toBeCloseTo(fixture.target_x[j]! - fixture.target_v[j]!, 9));
    expect(table.meta).toMatchObject({ source: 'ras', converged: true });
  });

  it('balances the hand-checkable 2x2 (closed form a = (−21 + √601)/2, see kernels/ras.test.ts)', () => {
    const { out } = run(['agri', 'mfg'], [[1, 2], [3, 4]], [4, 6], [5, 5], { tolerance: 1e-10 });
    const a = (-21 + Math.sqrt(601)) / 2;
    expect(out().table.z[0]![0]).toBeCloseTo(a, 9);
  });

  it('refuses ΣU ≠ ΣV', () => {
    const e = thrown(run(['agri', 'mfg'], [[1, 2], [3, 4]], [4, 6], [5, 6]).out);
    expect(e.reason).toBe('ras-infeasible');
    expect(e.message).toMatch(/ΣU = 10 but ΣV = 11/);
  });

  it('refuses a zero row with a non-zero target, naming the sector', () => {
    const e = thrown(run(['agri', 'mfg', 'serv'], [[1, 2, 1], [0, 0, 0], [3, 4, 1]], [4, 1, 7], [5, 5, 2]).out);
    expect(e.reason).toBe('ras-infeasible');
    expect(e.message).toMatch(/row mfg is all zero in the base but its target is 1/);
  });

  it('refuses a zero column with a non-zero target, naming the sector', () => {
    const e = thrown(run(['agri', 'mfg', 'serv'], [[1, 0, 1], [2, 0, 3], [3, 0, 1]], [2, 5, 4], [5, 1, 5]).out);
    expect(e.message).toMatch(/col mfg is all zero in the base but its target is 1/);
  });

  it('refuses a non-zero row or column with a zero target, naming the sector', () => {
    const e = thrown(run(['agri', 'mfg'], [[1, 2], [3, 4]], [10, 0], [5, 5]).out);
    expect(e.reason).toBe('ras-infeasible');
    expect(e.message).toMatch(/row mfg sums to 7 in the base but its target is 0/);
    const c = thrown(run(['agri', 'mfg'], [[1, 2], [3, 4]], [4, 6], [10, 0]).out);
    expect(c.message).toMatch(/col mfg sums to 6 in the base but its target is 0/);
  });

  it('refuses negative entries and points to gras', () => {
    const e = thrown(run(['agri', 'mfg'], [[1, -2], [3, 4]], [4, 6], [5, 5]).out);
    expect(e.reason).toBe('ras-infeasible');
    expect(e.message).toMatch(/\(agri, mfg\) = -2: plain RAS cannot handle them, use the gras step/);
  });

  it('reports a zero pattern that makes RAS oscillate, with the worst rows and columns', () => {
    // Row agri can only sell to column agri, so z11 = 2 > V_agri = 1: infeasible, yet every
    // row and column has entries and ΣU = ΣV, so only the iteration finds out.
    const { out } = run(['agri', 'mfg'], [[1, 0], [1, 1]], [2, 1], [1, 2]);
    const e = thrown(out);
    expect(e.reason).toBe('ras-infeasible');
    expect(e.message).toMatch(/did not converge in 200 iterations: max row residual [0-9.]+/);
    expect(e.message).toMatch(/worst rows (agri|mfg) \(/);
    expect(e.message).toMatch(/worst columns/);
  });

  it('with on_nonconvergence: warn returns the table with converged = false and a note', () => {
    const { ctx, out } = run(['agri', 'mfg'], [[1, 0], [1, 1]], [2, 1], [1, 2], { on_nonconvergence: 'warn', max_iterations: 20 });
    const res = out();
    expect(res.report).toMatchObject({ iterations: 20, converged: false });
    expect(res.table.meta).toMatchObject({ converged: false, iterations: 20 });
    expect(ctx.notes.join('\n')).toMatch(/did not converge/);
  });

  it('names the sectors a targets table is missing', () => {
    const targets = tableFromColumns({ sector: ['agri'], x: [1], u: [1], v: [1] });
    const e = thrown(() => ras.run(makeContext(PARAMS, { base: asValue(ioTable(['agri', 'mfg'], [[1, 2], [3, 4]], [10, 10])), targets })));
    expect(e.reason).toBe('missing-target');
    expect(e.message).toMatch(/no x for sector\(s\) mfg/);
  });

  it('allows ΣU − ΣV up to the tolerance, the relative tolerance × the sums, or rounding', () => {
    expect(sumTolerance([1, 2], [3], 0.001)).toBe(0.001);
    expect(sumTolerance([100], [100], 0.001, 0.01)).toBe(1); // 0.01 × 100
    expect(sumTolerance([1e13], [1e13], 0.001)).toBe(10); // 1e-12 × 1e13
  });
});
