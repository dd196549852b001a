/**
 * write-table: the exact Markdown text written (expected files written out by hand from the
 * step's documented format: GitHub table, numeric columns right-aligned, non-integers with
 * `digits` decimals, missing cells empty, optional bold title above and note below).
 */
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns } from '../../engine/table.js';
import { writeTable } from '../../steps/write-table.js';
import type { WriteTableParams } from '../../steps/write-table.js';
import { makeContext } from '../support/context.js';

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

/** Params as the engine passes them: validated, schema defaults filled in. */
function params(p: Record<string, unknown>): WriteTableParams {
  const check = checkParams(writeTable, p);
  expect(check.errors).toEqual([]);
  return check.params as unknown as WriteTableParams;
}

const data = tableFromColumns({
  province: ['Beijing', 'Tianjin', null],
  lq: [2.39, 0.1 + 0.2, null],
  years: [10, 9, 3],
  coastal: [true, false, null],
});

function written(p: WriteTableParams, t = data): string {
  const ctx = makeContext(p, { data: t });
  expect(writeTable.run(ctx)).toEqual({ file: { path: p.path, rows: 3 } });
  expect([...ctx.files.keys()]).toEqual([p.path]);
  return ctx.files.get(p.path) as string;
}

describe('write-table', () => {
  it('writes a Markdown table with 3 decimals by default, integers as they are, NA empty', () => {
    expect(params({ path: 'results/t.md' }).digits).toBe(3); // schema default
    // Hand: 2.39 → "2.390", 0.30000000000000004 → "0.300"; 10, 9, 3 are integers; the numeric
    // columns (lq, years) are right-aligned, the string and boolean columns are not.
    expect(written(params({ path: 'results/t.md' }))).toBe(
      '| province | lq | years | coastal |\n' +
      '|---|---:|---:|---|\n' +
      '| Beijing | 2.390 | 10 | true |\n' +
      '| Tianjin | 0.300 | 9 | false |\n' +
      '|  |  | 3 |  |\n',
    );
  });

  it('rounds to `digits` decimals', () => {
    const text = written(params({ path: 'results/t.md', digits: 1 }));
    // Hand: 2.39 → "2.4", 0.3… → "0.3".
    expect(text.split('\n')[2]).toBe('| Beijing | 2.4 | 10 | true |');
    expect(text.split('\n')[3]).toBe('| Tianjin | 0.3 | 9 | false |');
    const zero = written(params({ path: 'results/t.md', digits: 0 }));
    // Hand: 2.39 → "2", 0.3 → "0".
    expect(zero.split('\n')[2]).toBe('| Beijing | 2 | 10 | true |');
    expect(zero.split('\n')[3]).toBe('| Tianjin | 0 | 9 | false |');
  });

  it('puts the title above in bold and the note below', () => {
    const text = written(params({ path: 'results/table1.md', title: 'Table 1. Agglomeration', note: 'Synthetic employment; see data/SOURCES.md.' }));
    expect(text).toBe(
      '**Table 1. Agglomeration**\n\n' +
      '| province | lq | years | coastal |\n' +
      '|---|---:|---:|---|\n' +
      '| Beijing | 2.390 | 10 | true |\n' +
      '| Tianjin | 0.300 | 9 | false |\n' +
      '|  |  | 3 |  |\n' +
      '\nSynthetic employment; see data/SOURCES.md.\n',
    );
  });

  it('escapes a pipe and a newline inside a cell', () => {
    const t = tableFromColumns({ name: ['a|b', 'two\nlines', 'plain'] });
    const ctx = makeContext(params({ path: 'results/t.md' }), { data: t });
    writeTable.run(ctx);
    // Hand: "|" would end the cell, so it is written "\|"; a newline would end the row.
    expect(ctx.files.get('results/t.md')).toBe('| name |\n|---|\n| a\\|b |\n| two lines |\n| plain |\n');
  });

  it('path must be a .md file under results/ (schema), and may not climb out with `..`', () => {
    expect(checkParams(writeTable, { path: 'data/t.md' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(writeTable, { path: 'results/t.csv' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(writeTable, {}).errors.length).toBeGreaterThan(0); // path is required
    expect(checkParams(writeTable, { path: 'results/t.md', digits: 16 }).errors.length).toBeGreaterThan(0);
    expect(checkParams(writeTable, { path: 'results/t.md', digits: 1.5 }).errors.length).toBeGreaterThan(0);
    expect(checkParams(writeTable, { path: 'results/t.md', colour: 'red' }).errors.length).toBeGreaterThan(0);
    // '..' passes the schema pattern, so run() checks it.
    expect(checkParams(writeTable, { path: 'results/../t.md' }).errors).toEqual([]);
    const e = failure(() => writeTable.run(makeContext(params({ path: 'results/../t.md' }), { data })));
    expect(e.reason).toBe('bad-path');
    expect(e.message).toContain('results/../t.md');
  });

  it('refuses an input that is not a table', () => {
    const e = failure(() => writeTable.run(makeContext(params({ path: 'results/t.md' }), { data: { spearman: 0.8 } })));
    expect(e.reason).toBe('not-a-table');
    expect(e.message).toContain('`data`');
  });
});
