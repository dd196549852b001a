import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { tableFromRows, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { practitioners, type PractitionersParams } from '../../steps/practitioners.js';
import { makeContext } from '../support/context.js';

const data = tableFromRows([
  // idva in 10,000 yuan, gdp in 100 million yuan, employment in 10,000 persons
  { province: 'A', year: 2011, idva: 2e6, gdp: 1000, employment: 500 },
  { province: 'B', year: 2011, idva: 3e5, gdp: 600, employment: 400 },
]);

function run(params: PractitionersParams, input: Table = data): Table {
  return (practitioners.run(makeContext(params, { data: input })) as { data: Table }).data;
}

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('practitioners step (eqs 7-8)', () => {
  it('computes productivity and practitioners by hand', () => {
    const rows = tableRows(run({}));
    // A: productivity = 1000/500 = 2; practitioners = 2e6·1e-4 / 2 = 100
    // B: productivity = 600/400 = 1.5; practitioners = 3e5·1e-4 / 1.5 = 20
    expect(rows[0]).toMatchObject({ productivity: 2, practitioners: expect.closeTo(100, 10) });
    expect(rows[1]).toMatchObject({ productivity: 1.5, practitioners: expect.closeTo(20, 10) });
  });

  it('honours column names, the unit factor and output names', () => {
    const t = tableFromRows([{ prov: 'A', t: 1, dva: 200, y: 1000, emp: 500 }]);
    const rows = tableRows(run({ province: 'prov', year: 't', idva: 'dva', gdp: 'y', employment: 'emp', idva_to_gdp_units: 1, practitioners_column: 'talent' }, t));
    // 200 / (1000/500) = 100
    expect(rows[0]).toEqual({ prov: 'A', t: 1, dva: 200, y: 1000, emp: 500, productivity: 2, talent: 100 });
  });

  it('names the cell when employment is missing or zero', () => {
    const missing = tableFromRows([{ province: 'A', year: 2011, idva: 1, gdp: 1, employment: null }]);
    const e1 = failure(() => run({}, missing));
    expect(e1.reason).toBe('missing-value');
    expect(e1.message).toContain('row 1 (province A, year 2011): `employment` is missing');
    const zero = tableFromRows([{ province: 'A', year: 2011, idva: 1, gdp: 1, employment: 1 }, { province: 'B', year: 2012, idva: 1, gdp: 1, employment: 0 }]);
    const e2 = failure(() => run({}, zero));
    expect(e2.reason).toBe('zero-employment');
    expect(e2.message).toContain('row 2 (province B, year 2012)');
    expect(failure(() => run({ gdp: 'GDP' })).reason).toBe('missing-column');
  });
});
