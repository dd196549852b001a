import { describe, expect, it } from 'vitest';
import { tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import type { IoTable } from '../../steps/io-types.js';
import { ioCoefficients } from '../../steps/io-coefficients.js';
import { ioTable as ioTableStep } from '../../steps/io-table.js';
import { makeContext } from '../support/context.js';
import { asValue, ioTable, QIH_PARAMS, qinghaiLong, thrown } from './io-fixtures.js';

describe('io-coefficients', () => {
  it('divides each column by its output (hand) as a long table', () => {
    // Z = [[1,2],[3,4]], X = (10, 20): A = [[0.1, 0.1], [0.3, 0.2]].
    const out = ioCoefficients.run(makeContext({}, { table: asValue(ioTable(['1', '2'], [[1, 2], [3, 4]], [10, 20])) })) as { coefficients: Table; zero_output: Table };
    expect(tableRows(out.coefficients)).toEqual([
      { row: '1', col: '1', a: 0.1 }, { row: '1', col: '2', a: 0.1 }, { row: '2', col: '1', a: 0.3 }, { row: '2', col: '2', a: 0.2 },
    ]);
    expect(tableRows(out.zero_output)).toEqual([]);
  });

  it('sets 0/0 to 0 and lists the zero-output sectors of the real Qinghai table', () => {
    const { table } = ioTableStep.run(makeContext(QIH_PARAMS, { data: qinghaiLong() })) as { table: IoTable };
    const ctx = makeContext({}, { table: asValue(table) });
    const out = ioCoefficients.run(ctx) as { coefficients: Table; zero_output: Table };
    // Qinghai 2007: sectors 19 and 20 have zero output (workbook column 58).
    expect(tableRows(out.zero_output)).toEqual([{ sector: '19' }, { sector: '20' }]);
    expect(ctx.notes[0]).toMatch(/sector\(s\) 19, 20 have zero output/);
    const a = tableRows(out.coefficients).filter((r) => r.col === '19');
    expect(a.every((r) => r.a === 0)).toBe(true);
    expect(tableRows(out.coefficients)).toHaveLength(42 * 42);
  });

  it('fails when a zero-output sector has inputs, naming it', () => {
    const e = thrown(() => ioCoefficients.run(makeContext({}, { table: asValue(ioTable(['1', '2'], [[1, 2], [3, 4]], [10, 0], [5, 0])) })));
    expect(e.reason).toBe('zero-output-with-inputs');
    expect(e.message).toMatch(/sector\(s\) 2 \(column sum 6\)/);
  });

  it('rejects a non-IoTable input', () => {
    expect(thrown(() => ioCoefficients.run(makeContext({}, { table: 3 }))).reason).toBe('not-io-table');
  });
});
