import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { numericColumn, tableFromRows } from '../../engine/table.js';
import type { Table, Value } from '../../engine/value.js';
import { locationQuotient, type LocationQuotientParams } from '../../steps/location-quotient.js';
import { makeContext } from '../support/context.js';

// The hand case of test/steps/kernels/location-quotient.test.ts, rows interleaved by year.
const data = tableFromRows([
  { province: 'A', year: 2011, practitioners: 2, employment: 10 },
  { province: 'A', year: 2012, practitioners: 4, employment: 20 },
  { province: 'B', year: 2011, practitioners: 3, employment: 30 },
  { province: 'B', year: 2012, practitioners: 1, employment: 20 },
  { province: 'C', year: 2011, practitioners: 5, employment: 60 },
  { province: 'C', year: 2012, practitioners: 5, employment: 60 },
]);

function run(params: LocationQuotientParams, input: Table = data, national?: Table): Table {
  const inputs: Record<string, Value> = national ? { data: input, national } : { data: input };
  return (locationQuotient.run(makeContext(params, inputs)) as { data: Table }).data;
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('location-quotient step', () => {
  it('sample totals per year (hand values)', () => {
    const lq = numericColumn(run({}), 'lq');
    // 2011: (2, 1, 5/6); 2012: (2, 0.5, 5/6)
    [2, 2, 1, 0.5, 5 / 6, 5 / 6].forEach((w, i) => expect(lq[i]).toBeCloseTo(w, 14));
  });

  it('given national series', () => {
    // 2011: P/E = 20/100 = 0.2 → (1, 0.5, 5/12); 2012: P/E = 10/200 = 0.05 → (4, 1, 5/3)
    const national = tableFromRows([
      { year: 2012, practitioners: 10, employment: 200 },
      { year: 2011, practitioners: 20, employment: 100 },
      { year: 2020, practitioners: 1, employment: 1 },
    ]);
    const lq = numericColumn(run({ national: 'given', lq_column: 'agglomeration' }, data, national), 'agglomeration');
    [1, 4, 0.5, 1, 5 / 12, 5 / 3].forEach((w, i) => expect(lq[i]).toBeCloseTo(w, 14));
  });

  it('reports missing, duplicate and zero cells and a missing national year', () => {
    const e1 = failure(() => run({}, tableFromRows([{ province: 'A', year: 2011, practitioners: null, employment: 1 }])));
    expect(e1.reason).toBe('missing-value');
    expect(e1.message).toContain('row 1 (province A, year 2011): `practitioners` is missing');
    expect(failure(() => run({}, tableFromRows([{ province: 'A', year: 2011, practitioners: 1, employment: 0 }]))).reason).toBe('zero-employment');
    expect(failure(() => run({}, tableFromRows([
      { province: 'A', year: 2011, practitioners: 1, employment: 2 },
      { province: 'A', year: 2011, practitioners: 1, employment: 3 },
    ]))).reason).toBe('duplicate-row');
    expect(failure(() => run({}, tableFromRows([{ province: 'A', year: 2011, practitioners: 0, employment: 2 }]))).reason).toBe('zero-national');
    expect(failure(() => run({ national: 'given' })).reason).toBe('missing-input');
    const e2 = failure(() => run({ national: 'given' }, data, tableFromRows([{ year: 2011, practitioners: 20, employment: 100 }])));
    expect(e2.reason).toBe('missing-national');
    expect(e2.message).toContain('year 2012');
  });
});
