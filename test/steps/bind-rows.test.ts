/**
 * bind-rows against hand-stacked tables, following dplyr::bind_rows semantics: columns are
 * the union in first-seen order, a cell a table lacks is NA (null), inputs stack in order.
 */
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { bindRowsStep } from '../../steps/bind-rows.js';
import type { BindRowsParams } from '../../steps/bind-rows.js';
import { makeContext } from '../support/context.js';

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

const east = tableFromColumns({ province: ['BEJ', 'TJ'], year: [2011, 2011], lq: [1.5, 0.75] });
const west = tableFromColumns({ year: [2012], province: ['XJ'], wage: [41.2] });

function bind(params: BindRowsParams, inputs: Record<string, Table>): Table {
  return (bindRowsStep.run(makeContext(params, inputs)) as { table: Table }).table;
}

describe('bind-rows', () => {
  it('stacks by column name: union of columns in first-seen order, missing cells null', () => {
    const out = bind({}, { east, west });
    // Hand: columns of east first (province, year, lq), then west's new one (wage); east has
    // no wage, west no lq.
    expect(out).toEqual(tableFromColumns({
      province: ['BEJ', 'TJ', 'XJ'],
      year: [2011, 2011, 2012],
      lq: [1.5, 0.75, null],
      wage: [null, null, 41.2],
    }));
  });

  it('stacks in the order the inputs are given', () => {
    const out = bind({}, { west, east });
    // Hand: west's columns lead (year, province, wage), east adds lq.
    expect(tableRows(out)).toEqual([
      { year: 2012, province: 'XJ', wage: 41.2, lq: null },
      { year: 2011, province: 'BEJ', wage: null, lq: 1.5 },
      { year: 2011, province: 'TJ', wage: null, lq: 0.75 },
    ]);
  });

  it('`id` adds a column naming the input each row came from', () => {
    const out = bind({ id: 'source' }, { east, west });
    expect(out.columns.map((c) => c.name)).toEqual(['province', 'year', 'lq', 'source', 'wage']);
    expect(out.columns.find((c) => c.name === 'source')?.values).toEqual(['east', 'east', 'west']);
  });

  it('keeps the columns of an input with no rows, and one input is returned as is', () => {
    const empty = tableFromColumns({ province: [], extra: [] });
    const out = bind({ id: 'from' }, { east, empty });
    expect(out.columns.map((c) => c.name)).toEqual(['province', 'year', 'lq', 'from', 'extra']);
    expect(out.columns.find((c) => c.name === 'extra')?.values).toEqual([null, null]);
    expect(bind({}, { east })).toEqual(east);
  });

  it('with no inputs returns an empty table', () => {
    expect(bind({}, {})).toEqual({ kind: 'table', columns: [] });
  });

  it('rejects an input that is not a table, naming it', () => {
    const e = failure(() => bindRowsStep.run(makeContext({}, { east, model: { coefficients: [] } })));
    expect(e.reason).toBe('not-a-table');
    expect(e.message).toContain('`model`');
  });

  it('params schema: `id` is an optional string, nothing else is accepted', () => {
    expect(checkParams(bindRowsStep, {}).errors).toEqual([]);
    expect(checkParams(bindRowsStep, { id: 'src' }).errors).toEqual([]);
    expect(checkParams(bindRowsStep, { id: 3 }).errors.length).toBeGreaterThan(0);
    expect(checkParams(bindRowsStep, { by: 'x' }).errors.length).toBeGreaterThan(0);
  });
});
