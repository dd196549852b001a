import { describe, expect, it } from 'vitest';
import { readData } from './read-csv.js';

const nat = readData('tidy/io_national_sectors.csv').rows;
const annual = readData('tidy/io_national_sectors_annual.csv').rows;
const num = (r: Record<string, string>, c: string) => Number(r[c]);
const sum = (rows: Record<string, string>[], c: string) => rows.reduce((s, r) => s + num(r, c), 0);

describe('data/tidy/io_national_sectors.csv', () => {
  const years = ['2007', '2010', '2012', '2015', '2017', '2018', '2020'];
  it('has the 42 sectors of the 2007 classification for every national table year', () => {
    expect([...new Set(nat.map((r) => r.year))]).toEqual(years);
    for (const y of years) expect(nat.filter((r) => r.year === y).map((r) => r.sector)).toEqual(Array.from({ length: 42 }, (_, i) => String(i + 1)));
  });

  it('keeps the table identities after the concordance', () => {
    for (const y of years) {
      const rows = nat.filter((r) => r.year === y);
      // sum of row sums of Z = sum of column sums of Z
      expect(Math.abs(sum(rows, 'intermediate_use') / sum(rows, 'intermediate_input') - 1)).toBeLessThan(1e-8);
      for (const r of rows) {
        const out = num(r, 'output');
        expect(Math.abs(num(r, 'value_added') + num(r, 'intermediate_input') - out)).toBeLessThan(1e-6 * out + 1);
        const fromUse = num(r, 'intermediate_use') + num(r, 'final_use') - num(r, 'imports') + num(r, 'other');
        expect(Math.abs(fromUse - out)).toBeLessThan(1e-6 * out + 1);
      }
    }
  });

  it('has national value added close to published GDP', () => {
    // NBS GDP (100 million yuan): 2007 about 270,000 (as revised after the 2008 economic census;
    // vintages differ by ~1-2 %, hence the 3 % tolerance); 2017 827,122 (first published,
    // Statistical Communique 2017); 2020 1,015,986 (Statistical Communique 2020).
    const gdp: Record<string, number> = { '2007': 270092, '2017': 827122, '2020': 1015986 };
    for (const [y, g] of Object.entries(gdp)) {
      const va = sum(nat.filter((r) => r.year === y), 'value_added') / 1e4; // 10k yuan -> 100 million yuan
      expect(Math.abs(va / g - 1), y).toBeLessThan(0.03);
    }
  });
});

describe('data/tidy/io_national_sectors_annual.csv', () => {
  it('covers 2011-2023 x 42 sectors with visible provenance', () => {
    expect(annual).toHaveLength(13 * 42);
    const src = new Map(annual.map((r) => [r.year, r.source]));
    expect(Object.fromEntries(src)).toEqual({
      '2011': 'interpolated', '2012': 'exact year', '2013': 'interpolated', '2014': 'interpolated',
      '2015': 'exact year', '2016': 'interpolated', '2017': 'exact year', '2018': 'exact year',
      '2019': 'interpolated', '2020': 'exact year', '2021': 'carried forward', '2022': 'carried forward',
      '2023': 'carried forward',
    });
  });

  it('equals the national file in exact years and lies between neighbours when interpolated', () => {
    for (const r of annual) {
      const at = (y: string | undefined) => nat.find((n) => n.year === y && n.sector === r.sector);
      if (r.source === 'exact year') expect(r.output).toBe(at(r.year)?.output);
      if (r.year === '2019') {
        const lo = num(at('2018')!, 'output'), hi = num(at('2020')!, 'output');
        expect(num(r, 'output')).toBeCloseTo((lo + hi) / 2, -1);
      }
    }
  });
});

describe('data/concordance', () => {
  it('weights of each source sector sum to 1 and targets are 2007-class codes', () => {
    for (const from of ['2007_135', '2010_41', '2012_139', '2012_42', '2017_42']) {
      const rows = readData(`concordance/${from}_to_2007_42.csv`).rows;
      const w = new Map<string, number>();
      for (const r of rows) {
        const c = r.from_code ?? '';
        w.set(c, (w.get(c) ?? 0) + Number(r.weight));
        expect(Number(r.to_code)).toBeGreaterThanOrEqual(1);
        expect(Number(r.to_code)).toBeLessThanOrEqual(42);
      }
      for (const [c, s] of w) expect(s, `${from} ${c}`).toBeCloseTo(1, 9);
      // every 2007 sector receives something
      expect(new Set(rows.map((r) => r.to_code)).size, from).toBe(42);
    }
  });
});

describe('data/tidy/io_provincial_2007.csv', () => {
  const io = readData('tidy/io_provincial_2007.csv').rows;
  it('holds 30 provinces whose tables balance (total input = total output)', () => {
    const provs = [...new Set(io.map((r) => r.province))];
    expect(provs).toHaveLength(30);
    const cell = new Map(io.map((r) => [`${r.province}|${r.row}|${r.col}`, Number(r.value)]));
    for (const p of provs) {
      for (let s = 1; s <= 42; s++) {
        const ti = cell.get(`${p}|49|${s}`) ?? 0, to = cell.get(`${p}|${s}|58`) ?? 0;
        // Balance checked in the provenance notes: worst relative error 1e-5.
        expect(Math.abs(ti - to), `${p} sector ${s}`).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(to), 1) + 1);
      }
    }
  });
});
