import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe as suite, expect, it } from 'vitest';
import { readCsvFile } from '../../engine/csv.js';
import { checkParams } from '../../engine/params-schema.js';
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

  // The paper's Table 4 rows are y then x: `columns: ["${params.y}", "${params.x}"]` reaches the
  // step as a name and a list.
  const t = tableFromColumns({ y: [1, 2, 3], a: [4, 5, 6], b: [7, 8, 10] });

  it('flattens lists in `columns`, so the rows follow a list param such as x', () => {
    // Hand: y (1, 2, 3) mean 2; a (4, 5, 6) mean 5; b (7, 8, 10) mean 25/3.
    expect(run({ columns: ['y', ['a', 'b']] }, t).rows.map((r) => [r.variable, r.mean])).toEqual([['y', 2], ['a', 5], ['b', 25 / 3]]);
    expect(run({ columns: ['y', ['b']] }, t).rows.map((r) => r.variable)).toEqual(['y', 'b']);
  });

  it('params schema: a `columns` item is a name or a list of names, no deeper', () => {
    expect(checkParams(describe, { columns: ['y', ['a', 'b']], descriptions: { y: 'Y' } }).errors).toEqual([]);
    expect(checkParams(describe, { columns: ['y', [['a']]] }).errors.length).toBeGreaterThan(0);
    expect(checkParams(describe, { columns: [3] }).errors.length).toBeGreaterThan(0);
    expect(checkParams(describe, { descriptions: { y: 3 } }).errors.length).toBeGreaterThan(0);
  });

  it('a variable named twice after flattening is an error naming it', () => {
    let err: StepError | undefined;
    try { run({ columns: ['y', ['a', 'y']] }, t); } catch (e) { err = e as StepError; }
    expect(err?.reason).toBe('duplicate-column');
    expect(err?.message).toBe('describe: `columns` names `y` more than once (after flattening its lists); describe each variable once');
  });

  it('`descriptions` adds a description column looked up by name; a variable without one gets its name', () => {
    const descriptions = { y: 'The outcome', b: 'Regressor b', gone: 'A variable no longer in the model' };
    const { rows } = run({ columns: ['y', ['b', 'a']], descriptions, labels: { a: 'A (label)' } }, t);
    expect(Object.keys(rows[0]!)).toEqual(['variable', 'description', 'n', 'mean', 'sd', 'min', 'max', 'missing']);
    // `a` has no entry: its own name, never another variable's text; a label changes `variable` only.
    expect(rows.map((r) => [r.variable, r.description])).toEqual([['y', 'The outcome'], ['b', 'Regressor b'], ['A (label)', 'a']]);
    // Without `descriptions` the table has no description column (as before).
    expect(Object.keys(run({ columns: ['y'] }, t).rows[0]!)).not.toContain('description');
  });
});
