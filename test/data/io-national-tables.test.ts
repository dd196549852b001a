import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dataPath, readData } from './read-csv.js';

const cells = readData('tidy/io_national_tables.csv').rows;

describe('data/tidy/io_national_tables.csv', () => {
  const tables = [...new Set(cells.map((r) => r.table ?? ''))];
  it('holds the seven national tables, each with a concordance file named after it', () => {
    expect(tables).toEqual(['2007_135', '2010_41', '2012_139', '2015_42', '2017_42', '2018_42', '2020_42']);
    for (const t of tables) expect(existsSync(dataPath(`concordance/${t}_to_2007_42.csv`)), t).toBe(true);
  });

  it('has, per table, TVA and TI rows and GO and TFU columns for every product, and one value per cell', () => {
    for (const t of tables) {
      const rows = cells.filter((r) => r.table === t);
      const products = [...new Set(rows.filter((r) => /^\d+$/.test(r.row ?? '') && /^\d+$/.test(r.col ?? '')).map((r) => r.row ?? ''))];
      // Product counts are the table ids' suffixes (2007: 135 products, 2010: 41, ...).
      expect(products.length, t).toBe(Number(t.split('_')[1]));
      const has = (row: string, col: string): boolean => rows.some((r) => r.row === row && r.col === col);
      for (const p of products) {
        expect(has('TVA', p) && has('TI', p) && has(p, 'GO') && has(p, 'TFU'), `${t} product ${p}`).toBe(true);
      }
      expect(new Set(rows.map((r) => `${r.row},${r.col}`)).size, t).toBe(rows.length);
    }
  });

  it('keeps output = TI: the 2017+ GO is the Domestic row only (raw china_2017_42.csv: product 01 Domestic GO and TI both 1101240339.56656)', () => {
    const go = cells.find((r) => r.table === '2017_42' && r.row === '1' && r.col === 'GO');
    const ti = cells.find((r) => r.table === '2017_42' && r.row === 'TI' && r.col === '1');
    expect(Math.abs(Number(go!.value) / Number(ti!.value) - 1)).toBeLessThan(1e-12);
  });
});
