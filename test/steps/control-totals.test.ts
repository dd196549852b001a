import { describe, expect, it } from 'vitest';
import { tableFromRows, tableRows } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { controlTotals } from '../../steps/control-totals.js';
import { makeContext } from '../support/context.js';
import { asValue, ioTable, thrown } from './io-fixtures.js';

// Hand case, 3 sectors, sector 3 tertiary.
// Base 2007: x = (100, 200, 100), Z = [[10,20,10],[20,40,20],[10,20,10]].
// National: output 2007 (1000, 2000, 1000), 2012 (1500, 2000, 2000) → growth (1.5, 1, 2), X~ = (150, 200, 200);
// VA 2012 (600, 500, 1000) → ρ = (0.4, 0.25, 0.5); intermediate use 2012 (750, 1000, 500) → shares (0.5, 0.5, 0.25).
// Province 2012: GDP 330, tertiary 150. Implied VA: other 150·0.4 + 200·0.25 = 110, tertiary 200·0.5 = 100,
// so α_other = 180/110 = 18/11, α_tertiary = 150/100 = 1.5: X = (2700/11, 3600/11, 300);
// V = X(1 − ρ) = (1620/11, 2700/11, 1650/11), ΣV = 5970/11; va = (1080/11, 900/11, 150), Σ = 330;
// U raw = X·share = (1350/11, 1800/11, 825/11), ΣU = 3975/11, rescaled by 5970/3975.
const z = [[10, 20, 10], [20, 40, 20], [10, 20, 10]];
const national = tableFromRows([
  ...[1, 2, 3].map((s) => ({ year: 2007, sector: String(s), output: [1000, 2000, 1000][s - 1]!, value_added: 300, intermediate_use: [500, 800, 400][s - 1]! })),
  ...[1, 2, 3].map((s) => ({ year: 2012, sector: String(s), output: [1500, 2000, 2000][s - 1]!, value_added: [600, 500, 1000][s - 1]!, intermediate_use: [750, 1000, 500][s - 1]! })),
]);
const regional = tableFromRows([{ province: 'P1', year: 2012, gdp: 3.3, tertiary: 1.5 }, { province: 'P2', year: 2012, gdp: 1, tertiary: 2 }]);
const PARAMS = { province: 'P1', year: 2012, base_year: 2007, tertiary_sectors: ['3'], gdp_unit_factor: 100 };

function run(params: Record<string, unknown> = {}, base = ioTable(['1', '2', '3'], z, [100, 200, 100]), nat: Table = national) {
  const ctx = makeContext({ ...PARAMS, ...params } as never, { base: asValue(base), national: nat, regional });
  return { ctx, rows: () => tableRows((controlTotals.run(ctx) as { targets: Table }).targets) };
}

describe('control-totals', () => {
  it('matches the hand calculation: GDP and tertiary VA hit, ΣU = ΣV', () => {
    const { ctx, rows } = run();
    const r = rows();
    const X = [2700 / 11, 3600 / 11, 300];
    const V = [1620 / 11, 2700 / 11, 1650 / 11];
    const U = [1350 / 11, 1800 / 11, 825 / 11].map((u) => (u * 5970) / 3975);
    r.forEach((row, j) => {
      expect(row.sector).toBe(String(j + 1));
      expect(row.x as number).toBeCloseTo(X[j]!, 10);
      expect(row.v as number).toBeCloseTo(V[j]!, 10);
      expect(row.u as number).toBeCloseTo(U[j]!, 10);
    });
    const sum = (k: string): number => r.reduce((s, row) => s + (row[k] as number), 0);
    expect(sum('va')).toBeCloseTo(330, 10); // GDP 3.3 × gdp_unit_factor 100
    expect(r[2]!.va as number).toBeCloseTo(150, 10); // tertiary 1.5 × 100
    expect(sum('u')).toBeCloseTo(sum('v'), 10);
    expect(ctx.notes.join('\n')).toMatch(/1\.5000 \(tertiary\) and 1\.6364 \(other sectors\)/);
  });

  it('u_method base-structure uses the base coefficients (hand: every column of A0 is (0.1, 0.2, 0.1))', () => {
    const r = run({ u_method: 'base-structure' }).rows();
    const sumV = 5970 / 11;
    [0.25, 0.5, 0.25].forEach((share, i) => expect(r[i]!.u as number).toBeCloseTo(share * sumV, 10));
  });

  it('grows the intermediate use of a product with no provincial output by national intermediate-use growth', () => {
    // Base x2 = 0 with base intermediate use 40: U2 = 40 · 1000/800 = 50; X1 = 150·(180/60) = 450, U1 = 225 (before the common rescale).
    const base = ioTable(['1', '2', '3'], [[10, 0, 10], [20, 0, 20], [10, 0, 10]], [100, 0, 100]);
    const r = run({}, base).rows();
    expect(r[1]!.x).toBe(0);
    expect((r[1]!.u as number) / (r[0]!.u as number)).toBeCloseTo(50 / 225, 12);
  });

  it('keeps a sector without intermediate inputs in the base at V = 0, value added = output', () => {
    // Base column 2 all zero (x2 = 200 is all value added): ρ2 = 1, so V2 = 0 and va2 = X2.
    // Other VA: 150·0.4 + 200·1 = 260 → α_other = 180/260; X2 = 200·180/260, va2 = X2.
    const base = ioTable(['1', '2', '3'], [[10, 0, 10], [20, 0, 20], [10, 0, 10]], [100, 200, 100]);
    const { ctx, rows } = run({}, base);
    const r = rows();
    expect(r[1]!.v).toBe(0);
    expect(r[1]!.va as number).toBeCloseTo((200 * 180) / 260, 10);
    expect(r.reduce((s, row) => s + (row.va as number), 0)).toBeCloseTo(330, 10);
    expect(ctx.notes.join('\n')).toMatch(/sector\(s\) 2 have no intermediate inputs/);
  });

  it('names the years there are when the target year is missing, and uses the nearest on request', () => {
    const e = thrown(() => run({ year: 2011 }).rows());
    expect(e.reason).toBe('missing-year');
    expect(e.message).toMatch(/target year 2011; years there: 2007, 2012/);
    const reg2011 = tableFromRows([{ province: 'P1', year: 2011, gdp: 3.3, tertiary: 1.5 }]);
    const ctx = makeContext({ ...PARAMS, year: 2011, national_year: 'nearest' } as never, { base: asValue(ioTable(['1', '2', '3'], z, [100, 200, 100])), national, regional: reg2011 });
    controlTotals.run(ctx);
    expect(ctx.notes[0]).toMatch(/target year 2012 \(nearest available\)/);
  });

  it('rejects a missing province row, tertiary above GDP and a national table lacking sectors', () => {
    expect(thrown(() => run({ province: 'P9' }).rows()).message).toMatch(/no row for province P9, year 2012/);
    expect(thrown(() => run({ province: 'P2' }).rows()).reason).toBe('bad-gdp');
    const partial = tableFromRows(tableRows(national).filter((r) => r.sector !== '2'));
    const e = thrown(() => run({}, undefined, partial).rows());
    expect(e.reason).toBe('missing-sector');
    expect(e.message).toMatch(/sector\(s\) 2/);
  });
});
