import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table, Value } from '../../engine/value.js';
import { cellFlags, type CellFlagsParams } from '../../steps/cell-flags.js';
import { makeContext } from '../support/context.js';

// A 2-province × 2-year data set; every expected count below is worked out by hand.
const flags = tableFromColumns({
  province: ['A', 'A', 'B', 'B', 'A', 'A', 'B', 'B', 'A', 'A', 'B', 'B'],
  year: [2011, 2012, 2011, 2012, 2011, 2012, 2011, 2012, 2011, 2012, 2011, 2012],
  variable: ['wage', 'wage', 'wage', 'wage', 'gdp', 'gdp', 'gdp', 'gdp', 'rd', 'rd', 'rd', 'rd'],
  status: ['estimated', 'real', 'estimated', 'real', 'real', 'real', 'real', 'derived', 'missing', 'real', 'missing', 'real'],
  method: ['back-cast', '', 'back-cast', '', '', '', '', 'sum of parts', 'not published', '', 'not published', ''],
});
const sample = tableFromColumns({ province: ['A', 'A', 'B', 'B'], year: [2011, 2012, 2011, 2012] });
const filled = tableFromColumns({ entity: ['A'], time: [2011], column: ['rd'], value: [1], method: ['nearest'] });

function run(params: CellFlagsParams, inputs: Record<string, Value>) {
  const ctx = makeContext(params, inputs);
  const out = cellFlags.run(ctx) as { summary: Table; cells: Table; note: string };
  return { ...out, notes: ctx.notes };
}

describe('cell-flags', () => {
  it('a variable cell takes the worst status of its sources; pipeline-filled cells count as estimated', () => {
    const { summary, cells, note } = run(
      { sources: { pcw: ['wage'], rdi: ['rd', 'gdp'], gdp: ['gdp'] }, where: 'results/estimated_cells.csv' },
      { flags, data: sample, filled },
    );
    const s = Object.fromEntries(tableRows(summary).map((r) => [r.variable, r]));
    // pcw: both 2011 cells estimated → "2011: all 2".
    expect([s.pcw!.real, s.pcw!.estimated, s.pcw!.where]).toEqual([2, 2, '2011: all 2']);
    // rdi: A 2011 filled (estimated), B 2011 missing, A 2012 real, B 2012 derived (gdp).
    expect([s.rdi!.real, s.rdi!.derived, s.rdi!.estimated, s.rdi!.missing, s.rdi!.where]).toEqual([1, 1, 1, 1, '2011: A']);
    expect([s.gdp!.real, s.gdp!.derived, s.gdp!.estimated]).toEqual([3, 1, 0]);
    expect(s.pcw!.note).toBe('Estimated cells of pcw: 2 of 4 (2011: all 2); cell by cell: results/estimated_cells.csv.');
    expect(s.gdp!.note).toBe('');
    const a2011 = tableRows(cells).find((r) => r.variable === 'rdi' && r.province === 'A' && r.year === 2011)!;
    expect(a2011.because).toBe('rd: estimated (filled by the pipeline (impute, nearest))');
    expect(note).toBe('Estimated cells: pcw 2 of 4 (2011: all 2); rdi 1 of 4 (2011: A). Cell by cell: results/estimated_cells.csv.');
  });
  it('a column used across entities (eq 9\'s employment weights) flags every entity of the period', () => {
    // wage is estimated for A and B in 2011 only: with across_entities, every 2011 cell is
    // estimated and every 2012 cell real. gdp is derived for B in 2012 → across, A's 2012 too.
    const { summary, cells } = run({ sources: { idt: ['wage'], g: ['gdp'] }, across_entities: ['wage', 'gdp'] }, { flags, data: sample });
    const s = Object.fromEntries(tableRows(summary).map((r) => [r.variable, r]));
    expect([s.idt!.estimated, s.idt!.real]).toEqual([2, 2]);
    expect([s.g!.derived, s.g!.real]).toEqual([2, 2]);
    const a2012 = tableRows(cells).find((r) => r.variable === 'g' && r.province === 'A' && r.year === 2012)!;
    expect([a2012.status, a2012.because]).toEqual(['derived', "gdp: derived in 2012 for B (it enters every entity's value of the period)"]);
  });

  it('says so when nothing is estimated', () => {
    expect(run({ sources: { gdp: ['gdp'] } }, { flags, data: sample }).note).toBe('Every cell of these variables is real or derived from real data.');
  });
  it('names the cell a flag is missing for, an unknown source column and a bad status', () => {
    const err = (params: CellFlagsParams, inputs: Record<string, Value>): StepError => {
      try { run(params, inputs); } catch (e) { return e as StepError; }
      throw new Error('no error');
    };
    const wider = tableFromColumns({ province: ['C'], year: [2011] });
    expect(err({ sources: { gdp: ['gdp'] } }, { flags, data: wider }).message).toBe('input `flags` has no row for province C, year 2011, column gdp; the flags must cover every cell of the sample');
    expect(err({ sources: { x: ['wages'] } }, { flags, data: sample }).reason).toBe('unknown-column');
    const bad = tableFromColumns({ province: ['A'], year: [2011], variable: ['gdp'], status: ['guess'], method: [''] });
    expect(err({ sources: { gdp: ['gdp'] } }, { flags: bad, data: sample }).message).toContain('status "guess" is not one of real, derived, estimated, missing');
  });
});
