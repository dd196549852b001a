import { describe, expect, it } from 'vitest';
import { tableFromColumns } from '../../engine/table.js';
import type { IoTable } from '../../steps/io-types.js';
import { gras } from '../../steps/gras.js';
import { makeContext } from '../support/context.js';
import { asValue, thrown } from './io-fixtures.js';

// METHOD-NOTES test vector, as a square-free start: GRAS balances the base z directly (start: flows).
// The 3x4 vector is padded to 4x4 with a zero row (target 0) because an IoTable is square.
const sectors = ['s1', 's2', 's3', 's4'];
const base: IoTable = { kind: 'io-table', sectors, z: [[7, 3, 5, -3], [2, 9, 8, 0], [-2, 0, 2, 0], [0, 0, 0, 0]], x: [50, 50, 50, 50], va: [0, 0, 0, 0] };
const targets = tableFromColumns({ sector: sectors, u: [15, 26, -1, 0], v: [9, 16, 17, -2] });
const PARAMS = { tolerance: 1e-9, max_iterations: 10000, on_nonconvergence: 'error' as const, start: 'auto' as const };

describe('gras step', () => {
  it('reproduces the METHOD-NOTES vector and hits the targets', () => {
    const ctx = makeContext(PARAMS, { base: asValue(base), targets });
    const { table, report } = gras.run(ctx) as { table: IoTable; report: Record<string, number | boolean> };
    // First row from METHOD-NOTES (riot's implementation), 5 decimals: relative 1e-4.
    [8.42434, 3.37524, 5.20042, -2.0].forEach((want, j) => expect(Math.abs(table.z[0]![j]! - want) / Math.abs(want)).toBeLessThan(1e-4));
    [15, 26, -1, 0].forEach((u, i) => expect(table.z[i]!.reduce((s, x) => s + x, 0)).toBeCloseTo(u, 8));
    [9, 16, 17, -2].forEach((v, j) => expect(table.z.reduce((s, r) => s + r[j]!, 0)).toBeCloseTo(v, 8));
    expect(report.converged).toBe(true);
    // No x in the targets: x is the base's, and va = x − v.
    expect(table.x).toEqual(base.x);
    expect(table.va[3]).toBeCloseTo(52, 12);
    expect(ctx.notes.join('\n')).toMatch(/total output copied from the base/);
  });

  it('refuses a row whose entries cannot reach the sign of its target, naming it', () => {
    const bad = tableFromColumns({ sector: sectors, u: [15, -26, 25, 0], v: [9, 16, 17, -8] });
    const e = thrown(() => gras.run(makeContext(PARAMS, { base: asValue(base), targets: bad })));
    expect(e.reason).toBe('gras-infeasible');
    expect(e.message).toMatch(/row s2 has only non-negative entries but its target is -26/);
  });

  it('refuses ΣU ≠ ΣV and a zero row with a non-zero target', () => {
    const bad = tableFromColumns({ sector: sectors, u: [15, 26, -1, 3], v: [9, 16, 17, -2] });
    const e = thrown(() => gras.run(makeContext(PARAMS, { base: asValue(base), targets: bad })));
    expect(e.message).toMatch(/ΣU = 43 but ΣV = 40/);
    expect(e.message).toMatch(/row s4 is all zero but its target is 3/);
  });

  it('starts from A0·diag(X^t) when the targets carry x (same as ras on a non-negative table)', () => {
    // 2x2 with x = target x: start is the base z; closed form z11 = (−21 + √601)/2 (see kernels/ras.test.ts).
    const b: IoTable = { kind: 'io-table', sectors: ['a', 'b'], z: [[1, 2], [3, 4]], x: [10, 10], va: [6, 4] };
    const t = { x: [10, 10], u: [4, 6], v: [5, 5] };
    const { table } = gras.run(makeContext(PARAMS, { base: asValue(b), targets: t })) as { table: IoTable };
    expect(table.z[0]![0]).toBeCloseTo((-21 + Math.sqrt(601)) / 2, 8);
    expect(table.va).toEqual([5, 5]);
  });
});
