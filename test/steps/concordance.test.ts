import { describe, expect, it } from 'vitest';
import { tableFromRows } from '../../engine/table.js';
import type { IoTable } from '../../steps/io-types.js';
import { concordance } from '../../steps/concordance.js';
import { makeContext } from '../support/context.js';
import { asValue, thrown } from './io-fixtures.js';

// Source: 3 sectors a, b, c. Z = [[1,2,3],[4,5,6],[7,8,9]], X = (20, 30, 40), VA = X − colsums = (8, 15, 22).
const src: IoTable = { kind: 'io-table', sectors: ['a', 'b', 'c'], z: [[1, 2, 3], [4, 5, 6], [7, 8, 9]], x: [20, 30, 40], va: [8, 15, 22], finalDemand: [14, 15, 16] };

describe('concordance', () => {
  it('aggregates many-to-one (hand)', () => {
    // a, b → A; c → C. Z' = [[1+2+4+5, 3+6], [7+8, 9]] = [[12, 9], [15, 9]]; X' = (50, 40); VA' = (23, 22).
    const mapping = tableFromRows([{ from_code: 'a', to_code: 'A' }, { from_code: 'b', to_code: 'A' }, { from_code: 'c', to_code: 'C' }]);
    const { table } = concordance.run(makeContext({}, { table: asValue(src), mapping })) as { table: IoTable };
    expect(table.sectors).toEqual(['A', 'C']);
    expect(table.z).toEqual([[12, 9], [15, 9]]);
    expect(table.x).toEqual([50, 40]);
    expect(table.va).toEqual([23, 22]);
    expect(table.finalDemand).toEqual([29, 16]);
  });

  it('splits one-to-many by weights and keeps the table balanced (hand)', () => {
    // c → C1 (0.25), C2 (0.75); a, b kept. Row c = (7, 8, 9) splits into 0.25·(7,8,9) and 0.75·(7,8,9);
    // its own cell 9 splits on both sides: 9·0.25·0.25 = 0.5625 etc. X'(C1) = 10, X'(C2) = 30.
    const mapping = tableFromRows([
      { from_code: 'a', to_code: 'a', weight: 1 }, { from_code: 'b', to_code: 'b', weight: null },
      { from_code: 'c', to_code: 'C1', weight: 0.25 }, { from_code: 'c', to_code: 'C2', weight: 0.75 },
    ]);
    const { table } = concordance.run(makeContext({}, { table: asValue(src), mapping })) as { table: IoTable };
    expect(table.sectors).toEqual(['a', 'b', 'C1', 'C2']);
    expect(table.z[0]).toEqual([1, 2, 0.75, 2.25]);
    expect(table.z[2]).toEqual([1.75, 2, 0.5625, 1.6875]);
    expect(table.x).toEqual([20, 30, 10, 30]);
    // Balance: column sums of Z' plus VA' equal X'.
    table.x.forEach((xj, j) => expect(table.z.reduce((s, r) => s + r[j]!, 0) + table.va[j]!).toBeCloseTo(xj, 12));
  });

  it('rejects weights that do not sum to 1, listing the codes', () => {
    const mapping = tableFromRows([
      { from_code: 'a', to_code: 'A', weight: 1 }, { from_code: 'b', to_code: 'A', weight: 0.5 },
      { from_code: 'c', to_code: 'C1', weight: 0.5 }, { from_code: 'c', to_code: 'C2', weight: 0.6 },
    ]);
    const e = thrown(() => concordance.run(makeContext({}, { table: asValue(src), mapping })));
    expect(e.reason).toBe('concordance-weights');
    expect(e.message).toMatch(/b \(sum 0.5\), c \(sum 1.1/);
  });

  it('rejects unmapped and unknown codes', () => {
    const unmapped = thrown(() => concordance.run(makeContext({}, { table: asValue(src), mapping: tableFromRows([{ from_code: 'a', to_code: 'A' }]) })));
    expect(unmapped.reason).toBe('concordance-unmapped');
    expect(unmapped.message).toMatch(/sector\(s\) b, c/);
    const unknown = thrown(() => concordance.run(makeContext({}, { table: asValue(src), mapping: tableFromRows([{ from_code: 'a', to_code: 'A' }, { from_code: 'b', to_code: 'A' }, { from_code: 'c', to_code: 'A' }, { from_code: 'zz', to_code: 'A' }]) })));
    expect(unknown.reason).toBe('concordance-unknown');
    expect(unknown.message).toMatch(/zz/);
  });
});
