import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { tableRows } from '../../engine/table.js';
import type { Table, Value } from '../../engine/value.js';
import type { IoTable } from '../../steps/io-types.js';
import { digitalValueAdded } from '../../steps/digital-value-added.js';
import { makeContext } from '../support/context.js';

// Same 3-sector table as test/steps/kernels/digital-value-added.test.ts (worked by hand
// there): sector "3" is digital; VA = (70, 150, 25).
const io: IoTable = {
  kind: 'io-table',
  sectors: ['1', '2', '3'],
  z: [[10, 20, 5], [15, 10, 10], [5, 20, 10]],
  x: [100, 200, 50],
  va: [70, 150, 25],
  meta: { province: 'BEJ', year: 2012 },
};

function run(params: Parameters<typeof digitalValueAdded.run>[0]['params'], input: unknown = io, item?: Record<string, string | number>) {
  const ctx = makeContext(params, { io: input as Value }, { item });
  const out = digitalValueAdded.run(ctx) as { summary: Table; contributions: Table };
  return { ...out, notes: ctx.notes };
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('digital-value-added step', () => {
  it('direct coefficients: summary with item keys, and contributions', () => {
    const { summary, contributions } = run({ digital: [3] }, io, { province: 'BEJ', year: 2012 });
    // idva = 3.5 + 15 = 18.5; digital_va = 25; total_va = 245 (hand, kernel test)
    expect(tableRows(summary)).toEqual([{
      province: 'BEJ', year: 2012, digital_va: 25, idva: expect.closeTo(18.5, 12), total_va: 245,
      digital_share: expect.closeTo(25 / 245, 14), idva_share: expect.closeTo(18.5 / 245, 12),
    }]);
    const rows = tableRows(contributions);
    expect(rows.map((r) => r.role)).toEqual(['traditional', 'traditional', 'digital']);
    expect(rows[0]).toEqual({ sector: '1', role: 'traditional', c: expect.closeTo(0.05, 14), x: 100, va: 70, idva: expect.closeTo(3.5, 12) });
    expect(rows[2]!.idva).toBeNull();
  });

  it('complete coefficients', () => {
    const { summary } = run({ digital: ['3'], coefficients: 'complete' });
    // (70·0.0625 + 150·0.095)/0.64675 by cofactors, see the kernel test
    expect(tableRows(summary)[0]!.idva).toBeCloseTo((4.375 + 14.25) / 0.64675, 10);
    expect(Object.keys(tableRows(summary)[0]!)).toEqual(['digital_va', 'idva', 'total_va', 'digital_share', 'idva_share']);
  });

  it('a sector listed twice (19 and "19") counts once', () => {
    const { summary } = run({ digital: [3, '3'] });
    expect(tableRows(summary)[0]!.idva).toBeCloseTo(18.5, 12);
  });

  it('exclude removes a sector from the traditional set', () => {
    const { summary, contributions } = run({ digital: ['3'], exclude: ['1'] });
    expect(tableRows(summary)[0]!.idva).toBeCloseTo(15, 12);
    expect(tableRows(contributions)[0]!.role).toBe('excluded');
  });

  it('notes traditional sectors with zero output', () => {
    const zero: IoTable = { ...io, z: [[10, 0, 5], [15, 0, 10], [5, 0, 10]], x: [100, 0, 50], va: [70, 0, 25] };
    const { summary, notes } = run({ digital: ['3'] }, zero);
    expect(tableRows(summary)[0]!.idva).toBeCloseTo(3.5, 12);
    expect(notes).toEqual(['sectors with zero total output contribute 0 to idva: 2']);
  });

  it('rejects unknown sectors, overlaps, bad tables and singular I − A', () => {
    const e1 = failure(() => run({ digital: ['3', '42'] }));
    expect(e1.reason).toBe('unknown-sector');
    expect(e1.message).toContain('`42`');
    expect(e1.message).toContain('sectors are: 1, 2, 3');
    expect(failure(() => run({ digital: ['3'], exclude: ['3'] })).reason).toBe('bad-params');
    expect(failure(() => run({ digital: ['3'] }, { kind: 'table', columns: [] })).reason).toBe('bad-input');
    const e2 = failure(() => run({ digital: ['3'] }, { ...io, x: [100, 200] }));
    expect(e2.reason).toBe('bad-io-table');
    expect(e2.message).toContain('province BEJ, year 2012');
    expect(failure(() => run({ digital: ['3'] }, { ...io, x: [100, -1, 50] })).reason).toBe('bad-io-table');
    const singular: IoTable = { kind: 'io-table', sectors: ['1', '2'], z: [[10, 0], [0, 0]], x: [10, 5], va: [0, 5] };
    expect(failure(() => run({ digital: ['2'], coefficients: 'complete' }, singular)).reason).toBe('singular-leontief');
  });
});
