import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { columnNames, tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { select } from '../../steps/select.js';
import type { SelectParams } from '../../steps/select.js';
import { makeContext } from '../support/context.js';
import { ownRecord, RESERVED } from '../support/reserved-names.js';

const data = tableFromColumns({ a: [1, 2], b: ['x', 'y'], c: [true, false] });

function run(params: SelectParams): Table {
  return (select.run(makeContext(params, { data })) as { table: Table }).table;
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('select', () => {
  it('keeps and orders columns, drops, renames', () => {
    expect(columnNames(run({ columns: ['c', 'a'] }))).toEqual(['c', 'a']);
    expect(columnNames(run({ drop: ['b'] }))).toEqual(['a', 'c']);
    expect(tableRows(run({ columns: ['b', 'a'], rename: { a: 'alpha' } }))).toEqual([{ b: 'x', alpha: 1 }, { b: 'y', alpha: 2 }]);
  });

  it('names missing columns and rename collisions', () => {
    expect(failure(() => run({ columns: ['a', 'zz'] })).message).toMatch(/no column `zz`; columns are: a, b, c/);
    expect(failure(() => run({ drop: ['b'], rename: { b: 'q' } })).message).toMatch(/`rename` lists column `b`, which is not among the selected columns; did you mean `a`\?$/);
    expect(failure(() => run({ drop: ['b'], rename: { zzz: 'q' } })).message).toMatch(/`rename` lists column `zzz`, which is not among the selected columns; they are: a, c$/);
    expect(failure(() => run({ rename: { a: 'b' } })).reason).toBe('duplicate-column');
  });

  // GitHub issue 9: `rename[c.name]` found Object.prototype members for these names.
  it('selects and renames columns named like Object.prototype members', () => {
    const t: Table = { kind: 'table', columns: RESERVED.map((name, k) => ({ name, values: [k, `v${k}`] })) };
    const sel = (params: SelectParams) => (select.run(makeContext(params, { data: t })) as { table: Table }).table;
    expect(sel({ rename: {} }).columns).toEqual(t.columns);
    expect(columnNames(sel({ columns: ['__proto__', 'toString'], rename: {} }))).toEqual(['__proto__', 'toString']);
    const renamed = sel({ drop: ['hasOwnProperty'], rename: ownRecord([['toString', '__proto__'], ['__proto__', 'toString']]) });
    expect(renamed.columns.map((c) => [c.name, c.values])).toEqual([['constructor', [0, 'v0']], ['__proto__', [1, 'v1']], ['toString', [2, 'v2']]]);
    expect(failure(() => sel({ drop: ['constructor'], rename: ownRecord([['constructor', 'x']]) })).message).toMatch(/`rename` lists column `constructor`/);
  });
});
