import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { pivotLonger } from '../../steps/pivot-longer.js';
import type { PivotLongerParams } from '../../steps/pivot-longer.js';
import { makeContext } from '../support/context.js';

const wide = tableFromColumns({ province: ['BEJ', 'TJ'], y2011: [1.5, null], y2012: [2.5, 3] });

function run(params: PivotLongerParams, data: Table = wide): Table {
  return (pivotLonger.run(makeContext(params, { data })) as { table: Table }).table;
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

// Expected output as tidyr::pivot_longer(wide, c(y2011, y2012), names_to = "year",
// names_prefix = "y", names_transform = as.numeric) gives, worked out by hand.
describe('pivot-longer', () => {
  it('turns columns into name/value rows, row by row', () => {
    expect(tableRows(run({ cols: ['y2011', 'y2012'], names_to: 'year', values_to: 'lq', names_prefix: 'y', names_numeric: true }))).toEqual([
      { province: 'BEJ', year: 2011, lq: 1.5 },
      { province: 'BEJ', year: 2012, lq: 2.5 },
      { province: 'TJ', year: 2011, lq: null },
      { province: 'TJ', year: 2012, lq: 3 },
    ]);
  });

  it('uses default names, keeps names as text, and can drop missing values', () => {
    const rows = tableRows(run({ cols: ['y2011', 'y2012'], values_drop_na: true }));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ province: 'BEJ', name: 'y2011', value: 1.5 });
  });

  it('rejects a clash with an id column and a non-numeric name', () => {
    expect(failure(() => run({ cols: ['y2011'], names_to: 'province' })).reason).toBe('duplicate-column');
    expect(failure(() => run({ cols: ['y2011'], names_numeric: true })).message).toMatch(/`y2011` is not a number/);
    expect(failure(() => run({ cols: ['y2013'] })).reason).toBe('missing-column');
  });
});
