import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../../engine/csv.js';
import { StepError } from '../../engine/step.js';
import { column, tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { impute } from '../../steps/impute.js';
import type { ImputeParams } from '../../steps/impute.js';
import { makeContext } from '../support/context.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tables/${name}`, import.meta.url));
const panel = readCsvFile(fixture('panel.csv'));
// numpy.interp per province over year (constant at the ends): tables-numpy.py.
const numpy = JSON.parse(readFileSync(fixture('tables-numpy.json'), 'utf8')) as {
  impute_linear_urban: { province: string; year: number; urban: number }[];
};

function run(params: ImputeParams, data: Table = panel) {
  const ctx = makeContext(params, { data });
  const out = impute.run(ctx) as { table: Table; filled: Table };
  return { ...out, notes: ctx.notes };
}

describe('impute', () => {
  it('linear with nearest extrapolation matches numpy.interp on the panel fixture', () => {
    const { table, filled, notes } = run({ by: 'province', time: 'year', columns: ['urban'] });
    const got = tableRows(filled);
    expect(got.map((r) => [r.entity, r.time])).toEqual(numpy.impute_linear_urban.map((r) => [r.province, r.year]));
    got.forEach((r, k) => {
      expect(r.column).toBe('urban');
      expect(r.value as number).toBeCloseTo(numpy.impute_linear_urban[k]!.urban, 12);
    });
    // HEB 2011 is before the first observation: carried, method "nearest"; TJ 2012 interior.
    expect(got.find((r) => r.entity === 'HEB' && r.time === 2011)?.method).toBe('nearest');
    expect(got.find((r) => r.entity === 'TJ' && r.time === 2012)?.method).toBe('linear');
    // SX has no urban value at all: stays missing and is named in a note.
    expect(column(table, 'urban').slice(15)).toEqual([null, null, null, null, null]);
    expect(notes.some((n) => n.includes('urban for province = "SX"'))).toBe(true);
    // Observed cells are untouched; row order kept.
    expect(column(table, 'urban')[0]).toBe(86.2);
    expect(column(table, 'province')).toEqual(column(panel, 'province'));
  });

  it('sorts by time within entity regardless of row order; extrapolate none', () => {
    // Hand-computed: rows out of order; A: 2013 → 30, 2011 → 10, 2012 missing → 20.
    const t = tableFromColumns({ id: ['A', 'A', 'A', 'A'], year: [2013, 2011, 2012, 2014], v: [30, 10, null, null] });
    const { table, filled } = run({ by: 'id', time: 'year', columns: ['v'], extrapolate: 'none' }, t);
    expect(column(table, 'v')).toEqual([30, 10, 20, null]);
    expect(tableRows(filled)).toEqual([{ entity: 'A', time: 2012, column: 'v', value: 20, method: 'linear' }]);
  });

  it('rejects duplicate entity-time rows and missing times', () => {
    const f = (t: Table) => { try { run({ by: 'id', time: 'year', columns: ['v'] }, t); } catch (e) { return e as StepError; } throw new Error('no error'); };
    const dup = f(tableFromColumns({ id: ['A', 'A'], year: [2011, 2011], v: [1, null] }));
    expect(dup.reason).toBe('duplicate-row');
    expect(dup.message).toMatch(/rows 1 and 2 both have id = "A", year = 2011/);
    expect(f(tableFromColumns({ id: ['A'], year: [null], v: [1] })).reason).toBe('missing-time');
  });
});
