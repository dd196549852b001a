import { describe, expect, it } from 'vitest';
import { imputeSeries } from '../../../steps/kernels/impute.js';

// Expected values worked out by hand from the formulas in steps/kernels/impute.ts.
describe('imputeSeries', () => {
  const t = [2010, 2011, 2012, 2014, 2015, 2016];
  const y = [NaN, 10, NaN, 16, NaN, NaN];

  it('linear: interpolates in time, carries the nearest value at the ends', () => {
    const r = imputeSeries(t, y, 'linear', 'nearest');
    // 2012 lies 1/3 of the way from 2011 to 2014: 10 + 6/3 = 12.
    expect(Array.from(r.values)).toEqual([10, 10, 12, 16, 16, 16]);
    expect(r.how).toEqual(['nearest', null, 'linear', null, 'nearest', 'nearest']);
  });

  it('nearest and locf inside the range; extrapolate none leaves the ends', () => {
    // 2012: 1 year from 2011, 2 from 2014 → 10.
    expect(Array.from(imputeSeries(t, y, 'nearest', 'none').values)).toEqual([NaN, 10, 10, 16, NaN, NaN]);
    expect(Array.from(imputeSeries([1, 2, 3], [0, NaN, 4], 'nearest', 'none').values)).toEqual([0, 0, 4]); // tie → earlier
    expect(Array.from(imputeSeries(t, y, 'locf', 'none').values)).toEqual([NaN, 10, 10, 16, NaN, NaN]);
  });

  it('leaves an all-missing series alone', () => {
    const r = imputeSeries([1, 2], [NaN, NaN], 'linear', 'nearest');
    expect(Array.from(r.values)).toEqual([NaN, NaN]);
    expect(r.how).toEqual([null, null]);
  });
});
