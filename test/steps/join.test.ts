import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { columnNames, tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { join } from '../../steps/join.js';
import type { JoinParams } from '../../steps/join.js';
import { makeContext } from '../support/context.js';
import { ownRecord } from '../support/reserved-names.js';

const gdp = tableFromColumns({ province: ['BEJ', 'TJ', 'SX', null], year: [2011, 2011, 2011, 2011], gdp: [1, 2, 3, 4] });
const emp = tableFromColumns({ prov: ['TJ', 'BEJ', 'HEB'], year: [2011, 2011, 2011], emp: [20, 10, 30] });

function run(params: JoinParams, left: Table = gdp, right: Table = emp) {
  const ctx = makeContext(params, { left, right });
  return { table: (join.run(ctx) as { table: Table }).table, notes: ctx.notes };
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

// Expected rows worked out by hand from the two tables above.
describe('join', () => {
  const by = { province: 'prov', year: 'year' };

  it('left join keeps every left row in order; missing keys match nothing', () => {
    const { table, notes } = run({ by, how: 'left' });
    expect(tableRows(table)).toEqual([
      { province: 'BEJ', year: 2011, gdp: 1, emp: 10 },
      { province: 'TJ', year: 2011, gdp: 2, emp: 20 },
      { province: 'SX', year: 2011, gdp: 3, emp: null },
      { province: null, year: 2011, gdp: 4, emp: null },
    ]);
    expect(notes).toContain('join: 1 left and 0 right rows have a missing key and match nothing');
    expect(notes).toContain('join (left): 2 of 4 left rows have no match in `right`');
  });

  it('inner join keeps matches only', () => {
    expect(tableRows(run({ by, how: 'inner' }).table).map((r) => r.province)).toEqual(['BEJ', 'TJ']);
  });

  it('full join appends unmatched right rows, with the key taken from the right', () => {
    const rows = tableRows(run({ by, how: 'full' }).table);
    expect(rows).toHaveLength(5);
    expect(rows[4]).toEqual({ province: 'HEB', year: 2011, gdp: null, emp: 30 });
  });

  it('compares keys as text when their types differ, and notes it', () => {
    const codes = tableFromColumns({ code: ['01', '2', '3'], name: ['a', 'b', 'c'] });
    const vals = tableFromColumns({ code: [1, 2, 3], v: [10, 20, 30] });
    const { table, notes } = run({ by: ['code'], how: 'left' }, codes, vals);
    // "01" ≠ "1" as text; "2" = String(2); "3" = String(3).
    expect(tableRows(table).map((r) => r.v)).toEqual([null, 20, 30]);
    expect(notes[0]).toMatch(/key `code` is string in `left` but number in `right`.*compared as text/);
  });

  it('duplicate right keys are an error unless multiple: all', () => {
    const right = tableFromColumns({ province: ['BEJ', 'BEJ'], w: [1, 2] });
    const left = tableFromColumns({ province: ['TJ', 'BEJ'] });
    const e = failure(() => run({ by: ['province'], how: 'left' }, left, right));
    expect(e.reason).toBe('duplicate-key');
    expect(e.message).toMatch(/left row 2 \(province = "BEJ"\) matches 2 rows of `right` \(rows 1, 2\).*multiple: all/);
    expect(tableRows(run({ by: ['province'], how: 'left', multiple: 'all' }, left, right).table)).toEqual([
      { province: 'TJ', w: null },
      { province: 'BEJ', w: 1 },
      { province: 'BEJ', w: 2 },
    ]);
  });

  it('suffixes clashing non-key columns and names missing keys', () => {
    const l = tableFromColumns({ k: [1], v: [1], w: [5] });
    const r = tableFromColumns({ k: [1], v: [2] });
    expect(columnNames(run({ by: ['k'] }, l, r).table)).toEqual(['k', 'v_x', 'w', 'v_y']);
    expect(columnNames(run({ by: ['k'], suffix: '_r' }, l, r).table)).toEqual(['k', 'v', 'w', 'v_r']);
    expect(failure(() => run({ by: ['nope'] }, l, r)).message).toMatch(/input `left`.*no column `nope`; columns are: k, v, w/);
  });
});

// GitHub issue 9: key columns, clashing columns and key values named like Object.prototype members.
describe('join with reserved names', () => {
  it('joins on columns and values named constructor, toString, __proto__, hasOwnProperty', () => {
    const left: Table = { kind: 'table', columns: [{ name: 'constructor', values: ['__proto__', 'toString', 'x'] }, { name: 'toString', values: [1, 2, 3] }] };
    const right: Table = { kind: 'table', columns: [{ name: '__proto__', values: ['toString', '__proto__', 'hasOwnProperty'] }, { name: 'toString', values: [10, 20, 30] }, { name: 'hasOwnProperty', values: [true, false, true] }] };
    const { table } = run({ by: ownRecord([['constructor', '__proto__']]), how: 'full' }, left, right);
    expect(table.columns.map((c) => [c.name, c.values])).toEqual([
      ['constructor', ['__proto__', 'toString', 'x', 'hasOwnProperty']],
      ['toString_x', [1, 2, 3, null]],
      ['toString_y', [20, 10, null, 30]],
      ['hasOwnProperty', [false, true, null, true]],
    ]);
  });
});
