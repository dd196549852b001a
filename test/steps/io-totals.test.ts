import { describe, expect, it } from 'vitest';
import { tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { ioTotals } from '../../steps/io-totals.js';
import type { IoTable } from '../../steps/io-types.js';
import { makeContext } from '../support/context.js';
import { asValue, thrown } from './io-fixtures.js';

/** Z = [[1,2],[3,4]], X = (10,10), VA = (6,4), final demand (7,3), meta year 2012: balanced by hand (1+3+6 = 10, 2+4+4 = 10). */
const table: IoTable = { kind: 'io-table', sectors: ['a', 'b'], z: [[1, 2], [3, 4]], x: [10, 10], va: [6, 4], finalDemand: [7, 3], meta: { year: 2012, source: 'io-table' } };

describe('io-totals', () => {
  it('lists output, value added, column and row sums of Z and final use per sector', () => {
    const out = ioTotals.run(makeContext({ meta_columns: ['year'] }, { table: asValue(table) })) as { totals: Table };
    // Intermediate input = column sums (1+3, 2+4); intermediate use = row sums (1+2, 3+4).
    expect(tableRows(out.totals)).toEqual([
      { year: 2012, sector: 'a', output: 10, value_added: 6, intermediate_input: 4, intermediate_use: 3, final_use: 7 },
      { year: 2012, sector: 'b', output: 10, value_added: 4, intermediate_input: 6, intermediate_use: 7, final_use: 3 },
    ]);
  });

  it('leaves out final_use when the table has no final demand', () => {
    const { finalDemand: _, ...bare } = table;
    const out = ioTotals.run(makeContext({}, { table: asValue(bare as IoTable) })) as { totals: Table };
    expect(out.totals.columns.map((c) => c.name)).toEqual(['sector', 'output', 'value_added', 'intermediate_input', 'intermediate_use']);
  });

  it('names a missing meta entry and what to set', () => {
    const e = thrown(() => ioTotals.run(makeContext({ meta_columns: ['region'] }, { table: asValue(table) })));
    expect(e.reason).toBe('missing-meta');
    expect(e.message).toMatch(/no meta entry `region` \(meta: year, source\)/);
  });
});
