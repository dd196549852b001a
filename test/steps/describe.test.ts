import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe as suite, expect, it } from 'vitest';
import { readCsvFile } from '../../engine/csv.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { describe } from '../../steps/describe.js';
import type { DescribeParams } from '../../steps/describe.js';
import { makeContext } from '../support/context.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tables/${name}`, import.meta.url));
const panel = readCsvFile(fixture('panel.csv'), { strings: ['code'] });
// Reference values from numpy (mean, std(ddof=1), min, max over non-missing values):
// test/fixtures/tables/tables-numpy.py → tables-numpy.json.
const numpy = JSON.parse(readFileSync(fixture('tables-numpy.json'), 'utf8')) as {
  describe: Record<string, { n: number; missing: number; mean: number; sd: number; min: number; max: number }>;
};

function run(params: DescribeParams, data: Table = panel) {
  const ctx = makeContext(params, { data });
  return { rows: tableRows((describe.run(ctx) as { table: Table }).table), notes: ctx.notes };
}

suite('describe', () => {
  it('matches numpy on the panel fixture (default: every numeric column)', () => {
    const { rows, notes } = run({});
    expect(rows.map((r) => r.variable)).toEqual(['year', 'gdp_raw', 'rd_spend', 'urban', 'big']);
    for (const r of rows) {
      const ref = numpy.describe[r.variable as string]!;
      expect(r.n).toBe(ref.n);
      expect(r.missing).toBe(ref.missing);
      expect(r.min).toBe(ref.min);
      expect(r.max).toBe(ref.max);
      expect(r.mean as number).toBeCloseTo(ref.mean, 9);
      expect(Math.abs((r.sd as number) - ref.sd) / ref.sd).toBeLessThan(1e-9);
    }
    expect(notes).toEqual(['describe: missing values excluded: urban 11']);
  });

  it('uses labels and the given column order; hand-computed small case', () => {
    // x = (1, 2, 4, NA): n 3, mean 7/3, sd sqrt(((4/3)^2 + (1/3)^2 + (5/3)^2)/2) = sqrt(7/3).
    const t = tableFromColumns({ x: [1, 2, 4, null], one: [5, null, null, null] });
    const { rows } = run({ columns: ['one', 'x'], labels: { x: 'Variable X' } }, t);
    expect(rows[1]).toEqual({ variable: 'Variable X', n: 3, mean: 7 / 3, sd: expect.closeTo(Math.sqrt(7 / 3), 14), min: 1, max: 4, missing: 1 });
    // One observation: no SD (Stata shows it blank).
    expect(rows[0]).toEqual({ variable: 'one', n: 1, mean: 5, sd: null, min: 5, max: 5, missing: 3 });
  });

  it('names text cells, unknown columns and stray labels', () => {
    const f = (p: DescribeParams) => { try { run(p); } catch (e) { return e as StepError; } throw new Error('no error'); };
    expect(f({ columns: ['province'] }).message).toMatch(/column `province`, row 1: "BEJ" is not a number/);
    expect(f({ columns: ['gdp'] }).reason).toBe('missing-column');
    expect(f({ columns: ['year'], labels: { urban: 'Urbanisation' } }).reason).toBe('unknown-label');
  });
});
