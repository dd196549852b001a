import { describe, expect, it } from 'vitest';
import { ioTotals } from '../../../steps/kernels/io-totals.js';

describe('ioTotals kernel', () => {
  it('gives column sums (intermediate input) and row sums (intermediate use) of Z', () => {
    // Z = [[1,2,3],[4,5,6],[7,8,9]]: column sums 12, 15, 18; row sums 6, 15, 24 (by hand).
    const r = ioTotals([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(Array.from(r.intermediateInput)).toEqual([12, 15, 18]);
    expect(Array.from(r.intermediateUse)).toEqual([6, 15, 24]);
  });
  it('rejects a ragged matrix', () => {
    expect(() => ioTotals([[1, 2], [3]])).toThrow(/row 1/);
  });
});
