import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { pivotLonger } from '../../steps/pivot-longer.js';
import { pivotWider } from '../../steps/pivot-wider.js';
import type { PivotWiderParams } from '../../steps/pivot-wider.js';
import { makeContext } from '../support/context.js';

const long = tableFromColumns({
  province: ['BEJ', 'BEJ', 'TJ', 'HEB'],
  year: [2011, 2012, 2012, 2011],
  lq: [1.5, 2.5, 3, 0.5],
});

function run(params: PivotWiderParams, data: Table = long): Table {
  return (pivotWider.run(makeContext(params, { data })) as { table: Table }).table;
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

// Expected output as tidyr::pivot_wider(long, names_from = year, values_from = lq,
// names_prefix = "y") gives (first-seen order of ids and names), worked out by hand.
describe('pivot-wider', () => {
  it('spreads names into columns; absent combinations are missing or values_fill', () => {
    expect(tableRows(run({ names_from: 'year', values_from: 'lq', names_prefix: 'y' }))).toEqual([
      { province: 'BEJ', y2011: 1.5, y2012: 2.5 },
      { province: 'TJ', y2011: null, y2012: 3 },
      { province: 'HEB', y2011: 0.5, y2012: null },
    ]);
    expect(tableRows(run({ names_from: 'year', values_from: 'lq', values_fill: 0 }))[1]).toEqual({ province: 'TJ', '2011': 0, '2012': 3 });
  });

  it('names the duplicate id + name', () => {
    const dup = tableFromColumns({ province: ['BEJ', 'BEJ'], year: [2011, 2011], lq: [1, 2] });
    const e = failure(() => run({ names_from: 'year', values_from: 'lq' }, dup));
    expect(e.reason).toBe('duplicate-row');
    expect(e.message).toMatch(/rows 1 and 2 both have province = "BEJ", year = 2011/);
  });

  it('is undone by pivot-longer (round trip)', () => {
    const wide = run({ names_from: 'year', values_from: 'lq', names_prefix: 'y' });
    const back = (pivotLonger.run(makeContext({ cols: ['y2011', 'y2012'], names_to: 'year', values_to: 'lq', names_prefix: 'y', names_numeric: true, values_drop_na: true }, { data: wide })) as { table: Table }).table;
    const key = (r: Record<string, unknown>) => `${r.province}:${r.year}`;
    expect(tableRows(back).sort((a, b) => key(a).localeCompare(key(b)))).toEqual(tableRows(long).sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('rejects a missing name', () => {
    const bad = tableFromColumns({ province: ['BEJ'], year: [null], lq: [1] });
    expect(failure(() => run({ names_from: 'year', values_from: 'lq' }, bad)).reason).toBe('missing-name');
  });
});

// GitHub issue 9: cell values that become column names, and id columns, named like Object.prototype members.
describe('pivot-wider with reserved names', () => {
  it('spreads values named constructor, toString, __proto__, hasOwnProperty into columns', () => {
    const data: Table = {
      kind: 'table',
      columns: [
        { name: 'constructor', values: ['a', 'a', 'b', 'b'] },
        { name: '__proto__', values: ['toString', '__proto__', 'hasOwnProperty', 'toString'] },
        { name: 'hasOwnProperty', values: [1, 2, 3, 4] },
      ],
    };
    const t = run({ names_from: '__proto__', values_from: 'hasOwnProperty' }, data);
    expect(t.columns.map((c) => [c.name, c.values])).toEqual([
      ['constructor', ['a', 'b']],
      ['toString', [1, 4]],
      ['__proto__', [2, null]],
      ['hasOwnProperty', [null, 3]],
    ]);
  });
});
