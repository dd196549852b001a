/** lag: values of the same entity k periods earlier (plm lag(), Stata L.), by period value. */
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { column, columnNames, tableFromRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { lag, type LagParams } from '../../steps/lag.js';
import { makeContext } from '../support/context.js';

// Two entities; B has no 2013 (a gap). Expected values worked out by hand below.
const panel = tableFromRows([
  { id: 'A', year: 2011, x: 1 }, { id: 'A', year: 2012, x: 2 }, { id: 'A', year: 2013, x: 3 },
  { id: 'B', year: 2014, x: 40 }, { id: 'B', year: 2011, x: 10 }, { id: 'B', year: 2012, x: 20 },
]);
const run = (p: Partial<LagParams>, data: Table = panel) =>
  (lag.run(makeContext({ columns: ['x'], entity: 'id', time: 'year', lags: [1], ...p }, { data })) as { table: Table }).table;
const failure = (f: () => unknown): StepError => {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
};

describe('lag', () => {
  it('the value of the same entity one period earlier, missing at the start and after a gap, rows in their order', () => {
    const t = run({});
    expect(columnNames(t)).toEqual(['id', 'year', 'x', 'x_lag1']);
    // A: –, 1, 2; B 2014: 2013 is not in the data → missing; B 2011: –; B 2012: 10.
    expect(column(t, 'x_lag1')).toEqual([null, 1, 2, null, null, 10]);
  });

  it('several lags and a lead', () => {
    const t = run({ lags: [2, -1] });
    // lag 2: A 2013 ← A 2011 = 1; B 2014 ← B 2012 = 20. lead 1: A 2011 → 2, A 2012 → 3, B 2011 → 20.
    expect(column(t, 'x_lag2')).toEqual([null, null, 1, 20, null, null]);
    expect(column(t, 'x_lead1')).toEqual([2, 3, null, null, 20, null]);
  });

  it('refuses duplicate entity-periods, non-integer periods and an existing lag column', () => {
    const dup = tableFromRows([{ id: 'A', year: 2011, x: 1 }, { id: 'A', year: 2011, x: 2 }]);
    expect(failure(() => run({}, dup)).message).toBe('lag: entity `A` has two rows for period 2011 (rows 1 and 2); lags need one row per entity and period');
    const text = tableFromRows([{ id: 'A', year: '2011q1', x: 1 }]);
    expect(failure(() => run({}, text)).reason).toBe('bad-period');
    const has = tableFromRows([{ id: 'A', year: 2011, x: 1, x_lag1: 0 }]);
    expect(failure(() => run({}, has)).reason).toBe('column-exists');
  });

  it('params: lags default to [1]; 0 and duplicates are refused', () => {
    expect(checkParams(lag, { columns: ['x'], entity: 'id', time: 'year' }).params.lags).toEqual([1]);
    expect(checkParams(lag, { columns: ['x'], entity: 'id', time: 'year', lags: [0] }).errors.length).toBeGreaterThan(0);
    expect(checkParams(lag, { columns: ['x'], entity: 'id', time: 'year', lags: [1, 1] }).errors.length).toBeGreaterThan(0);
  });
});
