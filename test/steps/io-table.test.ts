import { describe, expect, it } from 'vitest';
import { tableFromRows, tableRows } from '../../engine/table.js';
import type { IoTable } from '../../steps/io-types.js';
import { ioTable } from '../../steps/io-table.js';
import { makeContext } from '../support/context.js';
import { QIH_PARAMS, qinghaiLong, thrown } from './io-fixtures.js';

const LAYOUT = { sectors: ['a', 'b'], total_output_col: 'X', value_added_row: 'VA', total_input_row: 'TI', final_use_col: 'F' };

/** A 2-sector table: Z = [[1,2],[3,4]], VA = (6,4), X = (10,10), final use (7,3); balanced. */
function small(extra: { row: string; col: string; value: number | null }[] = [], drop: string[] = []) {
  const cells = [
    ['a', 'a', 1], ['a', 'b', 2], ['b', 'a', 3], ['b', 'b', 4], ['a', 'X', 10], ['b', 'X', 10], ['a', 'F', 7], ['b', 'F', 3],
    ['VA', 'a', 6], ['VA', 'b', 4], ['TI', 'a', 10], ['TI', 'b', 10], ['junk', 'a', 99],
  ].map(([row, col, value]) => ({ region: 'R1', row, col, value })) as { region: string; row: string; col: string; value: number | null }[];
  const all = [...cells.filter((c) => !drop.includes(`${c.row},${c.col}`)), ...extra.map((e) => ({ region: 'R1', ...e }))];
  return tableFromRows([...all, { region: 'R2', row: 'a', col: 'a', value: 5 }]);
}

describe('io-table', () => {
  it('builds Z, X, VA and final use from the cells of one table', () => {
    const ctx = makeContext({ ...LAYOUT, filter: { region: 'R1' } }, { data: small() });
    const out = ioTable.run(ctx) as { table: IoTable; balance: ReturnType<typeof tableFromRows> };
    expect(out.table.z).toEqual([[1, 2], [3, 4]]);
    expect(out.table.x).toEqual([10, 10]);
    expect(out.table.va).toEqual([6, 4]);
    expect(out.table.finalDemand).toEqual([7, 3]);
    expect(out.table.meta).toMatchObject({ region: 'R1' });
    expect(tableRows(out.balance)[0]).toEqual({ sector: 'a', total_input: 10, total_output: 10, difference: 0, relative: 0 });
    expect(ctx.notes[0]).toMatch(/worst imbalance/);
  });

  it('fails beyond balance_tolerance naming the sector, and only notes it otherwise', () => {
    // Total input of b raised to 11 against output 10: relative imbalance 0.1.
    const data = small([{ row: 'TI', col: 'b', value: 11 }], ['TI,b']);
    const ctx = makeContext({ ...LAYOUT, filter: { region: 'R1' } }, { data });
    ioTable.run(ctx);
    expect(ctx.notes[0]).toMatch(/sector b, relative 1.00e-1/);
    const e = thrown(() => ioTable.run(makeContext({ ...LAYOUT, filter: { region: 'R1' }, balance_tolerance: 0.01 }, { data })));
    expect(e.reason).toBe('io-unbalanced');
    expect(e.message).toMatch(/sector\(s\) b;/);
  });

  it('computes total input when the total-input row is absent', () => {
    const out = ioTable.run(makeContext({ ...LAYOUT, filter: { region: 'R1' } }, { data: small([], ['TI,a', 'TI,b']) })) as { balance: ReturnType<typeof tableFromRows> };
    // Column a: 1 + 3 + 6 = 10 (hand).
    expect(tableRows(out.balance).map((r) => r.total_input)).toEqual([10, 10]);
  });

  it('reports an empty filter with the values there are', () => {
    const e = thrown(() => ioTable.run(makeContext({ ...LAYOUT, filter: { region: 'R9' } }, { data: small() })));
    expect(e.reason).toBe('empty-filter');
    expect(e.message).toMatch(/`region` values: R1, R2/);
  });

  it('rejects duplicate cells, missing totals and non-numeric values', () => {
    expect(thrown(() => ioTable.run(makeContext(LAYOUT, { data: small() }))).reason).toBe('duplicate-cell');
    const miss = thrown(() => ioTable.run(makeContext({ ...LAYOUT, filter: { region: 'R1' } }, { data: small([], ['b,X']) })));
    expect(miss.reason).toBe('missing-cell');
    expect(miss.message).toMatch(/total output \(column X\) for sector\(s\) b/);
    const na = thrown(() => ioTable.run(makeContext({ ...LAYOUT, filter: { region: 'R1' } }, { data: small([{ row: 'b', col: 'a', value: null }], ['b,a']) })));
    expect(na.reason).toBe('missing-value');
    expect(na.message).toMatch(/row b, column a/);
  });

  it('reads the real 2007 Qinghai table with the default workbook layout', () => {
    const ctx = makeContext(QIH_PARAMS, { data: qinghaiLong() });
    const { table } = ioTable.run(ctx) as { table: IoTable };
    expect(table.sectors).toHaveLength(42);
    // Σ VA = the workbook's own total (row 48, column 43) 7,836,100.02 ten-thousand yuan,
    // = 783.61 hundred-million yuan, Qinghai's 2007 GDP as first published (China Statistical Yearbook 2008).
    expect(table.va.reduce((s, v) => s + v, 0)).toBeCloseTo(7836100.02, 2);
    // Sectors 19 and 20 have zero output in the workbook (row 19/20, column 58).
    expect(table.x[18]).toBe(0);
    expect(table.x[19]).toBe(0);
    expect(table.finalDemand).toHaveLength(42);
    // data/SOURCES: every province balances to a worst relative error of 1e-5.
    const rel = Number(/relative ([0-9.e+-]+)/.exec(ctx.notes[0]!)![1]);
    expect(rel).toBeLessThanOrEqual(1e-5);
  });

  it('accepts codes written as numbers in the params', () => {
    const params = { ...QIH_PARAMS, sectors: Array.from({ length: 42 }, (_, i) => i + 1), total_output_col: 58, value_added_row: 48 };
    const { table } = ioTable.run(makeContext(params, { data: qinghaiLong() })) as { table: IoTable };
    expect(table.sectors[41]).toBe('42');
    expect(table.va.reduce((s, v) => s + v, 0)).toBeCloseTo(7836100.02, 2); // as above
  });
});

describe('io-table: sectors auto, output_from, meta_columns (national tables)', () => {
  // Product codes 1, 2; total rows TVA, TI; total columns TFU, GO; two tables told apart by `table`.
  // Z = [[1,2],[3,4]], VA = (6,4), TI = (10,10), GO = (10,10.5): GO of product 2 off by rounding.
  const cells = [
    ['1', '1', 1], ['1', '2', 2], ['2', '1', 3], ['2', '2', 4], ['1', 'TFU', 7], ['2', 'TFU', 3], ['1', 'GO', 10], ['2', 'GO', 10.5],
    ['TVA', '1', 6], ['TVA', '2', 4], ['TI', '1', 10], ['TI', '2', 10],
  ].map(([row, col, value]) => ({ table: 't1', year: 2012, row: String(row), col: String(col), value: Number(value) }));
  const data = tableFromRows([...cells, { table: 't2', year: 2015, row: '9', col: '9', value: 1 }]);
  const NAT = { filter: { table: 't1' }, sectors: 'auto' as const, value_added_row: 'TVA', total_input_row: 'TI', total_output_col: 'GO', final_use_col: 'TFU' };

  it('takes as sectors the row codes that are also column codes, in first-seen order', () => {
    const out = ioTable.run(makeContext({ ...NAT, meta_columns: ['year'] }, { data })) as { table: IoTable };
    expect(out.table.sectors).toEqual(['1', '2']);
    expect(out.table.x).toEqual([10, 10.5]);
    expect(out.table.finalDemand).toEqual([7, 3]);
    expect(out.table.meta).toEqual({ source: 'io-table', table: 't1', year: 2012 });
  });

  it('takes X from the total-input row with output_from: total-input-row', () => {
    const out = ioTable.run(makeContext({ ...NAT, output_from: 'total-input-row' as const }, { data })) as { table: IoTable };
    expect(out.table.x).toEqual([10, 10]);
  });

  it('rejects meta_columns that vary within the selected rows, and auto with no sectors', () => {
    expect(thrown(() => ioTable.run(makeContext({ ...NAT, filter: {}, meta_columns: ['year'] }, { data: tableFromRows(cells.map((c, i) => ({ ...c, year: 2012 + (i % 2) }))) }))).reason).toBe('meta-not-constant');
    const none = tableFromRows([{ table: 't1', row: 'TVA', col: '1', value: 1 }]);
    expect(thrown(() => ioTable.run(makeContext(NAT, { data: none }))).reason).toBe('no-sectors');
  });
});
