import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { ioCoefficients } from '../../steps/io-coefficients.js';
import { leontief } from '../../steps/leontief.js';
import { makeContext } from '../support/context.js';
import { asValue, ioTable, thrown } from './io-fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/io/ras_numpy.json', import.meta.url), 'utf8')) as { n: number; base_z: number[][]; base_x: number[]; leontief: number[][] };
const sectors = Array.from({ length: fixture.n }, (_, i) => `s${i + 1}`);

describe('leontief', () => {
  it('matches numpy.linalg.inv(I − A) from an IoTable and from the coefficient table', () => {
    // Expected: test/fixtures/io/make_ras_fixture.py (numpy.linalg.inv).
    const t = asValue(ioTable(sectors, fixture.base_z, fixture.base_x));
    const viaTable = leontief.run(makeContext({}, { table: t })) as { inverse: Table; multipliers: Table };
    const coef = (ioCoefficients.run(makeContext({}, { table: t })) as { coefficients: Table }).coefficients;
    const viaCoef = leontief.run(makeContext({}, { table: coef })) as { inverse: Table };
    for (const out of [viaTable, viaCoef]) {
      tableRows(out.inverse).forEach((r, k) => {
        expect(r.row).toBe(sectors[Math.floor(k / fixture.n)]);
        expect(r.l as number).toBeCloseTo(fixture.leontief[Math.floor(k / fixture.n)]![k % fixture.n]!, 10);
      });
    }
    // Output multiplier of sector 1 = column sum of numpy's inverse.
    const m1 = fixture.leontief.reduce((s, row) => s + row[0]!, 0);
    expect(tableRows(viaTable.multipliers)[0]!.output_multiplier as number).toBeCloseTo(m1, 10);
  });

  it('fails on a singular I − A, naming the sectors whose inputs reach their output', () => {
    // A = [[0.5,0.5],[0.5,0.5]] (Z = A·diag(10,10)): column sums 1, I − A singular.
    const e = thrown(() => leontief.run(makeContext({}, { table: asValue(ioTable(['p', 'q'], [[5, 5], [5, 5]], [10, 10])) })));
    expect(e.reason).toBe('leontief-singular');
    expect(e.message).toMatch(/sector\(s\) p \(.*\), q/);
  });
  it('a long table with fewer columns than rows is not square (GitHub issue 9: it was padded with zeros)', () => {
    const t = tableFromColumns({ row: ['1', '1', '2', '2', '3', '3'], col: ['1', '2', '1', '2', '1', '2'], a: [0.1, 0.2, 0.1, 0.2, 0.1, 0.2] });
    const e = thrown(() => leontief.run(makeContext({}, { table: t })));
    expect(e.reason).toBe('not-square');
    expect(e.message).toBe('input `table` has rows 1, 2, 3 but no column 3; the coefficient table must be square (write 0 for a sector without inputs)');
  });
});
