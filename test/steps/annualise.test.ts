import { describe, expect, it } from 'vitest';
import { tableFromRows, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { annualise } from '../../steps/annualise.js';
import { makeContext } from '../support/context.js';
import { thrown } from './io-fixtures.js';

// Two sectors at benchmarks 2010 and 2012 (an extra string column `table` is dropped).
const data = tableFromRows([
  { table: 't10', year: 2010, sector: '1', output: 10, va: 4 },
  { table: 't10', year: 2010, sector: '2', output: 100, va: 40 },
  { table: 't12', year: 2012, sector: '1', output: 20, va: 6 },
  { table: 't12', year: 2012, sector: '2', output: 300, va: 60 },
]);
// Growth series: sum of gdp by year over two provinces: 2012 → 1 + 3 = 4, 2013 → 2 + 4 = 6.
const panel = tableFromRows([
  { province: 'A', year: 2012, gdp: 1 }, { province: 'B', year: 2012, gdp: 3 },
  { province: 'A', year: 2013, gdp: 2 }, { province: 'B', year: 2013, gdp: 4 },
]);

describe('annualise', () => {
  it('copies, interpolates and scales by the summed growth series, with source and basis', () => {
    const ctx = makeContext({ years: [2011, 2012, 2013], extra_years: [2010], values: ['output', 'va'], after: 'growth' as const, growth_value: 'gdp', growth_label: 'GDP' }, { data, growth: panel });
    const rows = tableRows((annualise.run(ctx) as { table: Table }).table);
    // Hand calculation: 2011 = mean of 2010 and 2012 (15, 5; 200, 50); 2013 = 2012 · 6/4 (30, 9; 450, 90).
    expect(rows).toEqual([
      { year: 2010, sector: '1', output: 10, va: 4, source: 'exact year', basis: '2010' },
      { year: 2010, sector: '2', output: 100, va: 40, source: 'exact year', basis: '2010' },
      { year: 2011, sector: '1', output: 15, va: 5, source: 'interpolated', basis: '2010-2012' },
      { year: 2011, sector: '2', output: 200, va: 50, source: 'interpolated', basis: '2010-2012' },
      { year: 2012, sector: '1', output: 20, va: 6, source: 'exact year', basis: '2012' },
      { year: 2012, sector: '2', output: 300, va: 60, source: 'exact year', basis: '2012' },
      { year: 2013, sector: '1', output: 30, va: 9, source: 'carried forward', basis: '2012 x GDP 2013/2012' },
      { year: 2013, sector: '2', output: 450, va: 90, source: 'carried forward', basis: '2012 x GDP 2013/2012' },
    ]);
  });

  it('carries forward unchanged by default and rounds when asked', () => {
    const ctx = makeContext({ years: [2011, 2014], values: ['output'], significant_digits: 1 }, { data });
    const rows = tableRows((annualise.run(ctx) as { table: Table }).table);
    // 2011 sector 2: 200 (integer, kept); 2014 = 2012 values: 20 and 300 (integers, kept); 2011 sector 1: 15 → kept (integer).
    expect(rows.map((r) => [r.year, r.sector, r.output, r.basis])).toEqual([[2011, '1', 15, '2010-2012'], [2011, '2', 200, '2010-2012'], [2014, '1', 20, '2012'], [2014, '2', 300, '2012']]);
    const half = tableRows((annualise.run(makeContext({ years: [2011], values: ['va'], significant_digits: 1, keys: ['sector'] }, { data: tableFromRows([{ year: 2010, sector: 'x', va: 1 }, { year: 2012, sector: 'x', va: 2.2 }]) })) as { table: Table }).table);
    // (1 + 2.2) / 2 = 1.6 → 2 at one significant digit.
    expect(half[0]!.va).toBe(2);
  });

  it('rejects a year before the benchmarks, a missing growth param, a key missing in a benchmark and duplicates', () => {
    expect(thrown(() => annualise.run(makeContext({ years: [2009], values: ['output'] }, { data }))).reason).toBe('year-before-benchmarks');
    expect(thrown(() => annualise.run(makeContext({ years: [2013], values: ['output'], after: 'growth' as const }, { data, growth: panel }))).reason).toBe('missing-param');
    const gap = tableFromRows([{ year: 2010, sector: '1', output: 1 }, { year: 2012, sector: '2', output: 2 }]);
    const e = thrown(() => annualise.run(makeContext({ years: [2011], values: ['output'] }, { data: gap })));
    expect(e.reason).toBe('missing-row');
    expect(e.message).toMatch(/no row for year 2012, sector 1, needed for 2011/);
    const dup = tableFromRows([{ year: 2010, sector: '1', output: 1 }, { year: 2010, sector: '1', output: 2 }]);
    expect(thrown(() => annualise.run(makeContext({ years: [2010], values: ['output'] }, { data: dup }))).reason).toBe('duplicate-row');
  });
});
