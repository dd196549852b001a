/**
 * The 30 provincial 2012 input-output workbooks (data/raw/io_provincial_2012_2017/
 * original_2012_xlsx/<CODE>_2012.xlsx), read with the read-xlsx step, against the long CSV
 * of the same tables (io_provincial_2012_long.csv: year, province_zh, row, col, value).
 *
 * Compared: every cell of the 42×42 intermediate block, the value-added rows VA001–VA004,
 * TVA and total input TI (sector columns), and the final-use columns FU101, FU102, FU103,
 * FU201, FU202, EX, OF, IM, IF, ERR and total output GO (sector rows): 2,478 cells a
 * province. Both are in 10,000 yuan (no unit factor: the values agree as they are).
 *
 * A cell agrees when the workbook holds the CSV value rounded to the workbook's precision
 * (whole 10,000 yuan, or 2 decimals for Guangxi and Hunan): |xlsx − csv| ≤ half a unit of
 * the last place. What does not agree is asserted exactly: the per-province counts below,
 * and every differing cell with both values in test/fixtures/xlsx/io-2012-differences.csv
 * (a vitest file snapshot: province, row, col, workbook cell, xlsx value — empty for an
 * empty cell — and CSV value; HEN's combined columns appear as EX+OF and IM+IF), so the test
 * fails if either source or the reader changes. The same counts came out of a separate
 * throwaway script reading the workbooks with exceljs directly, with fixed column letters.
 *
 * Layout (row 5 holds codes: 1–42, TIU, FU101 … GO; data rows 6–54 are sectors 1–42, TII,
 * VA001–VA004, TVA, TI), with these quirks:
 * - HEB's total-input row is coded TO; TAJ codes total value added TYA.
 * - JXI codes outflow/inflow as FU302/FU304 (OF/IF elsewhere).
 * - LIA and NXA repeat the row codes in an extra column BJ.
 * - HEN has no code column C, and its code row does not match its columns: the labels
 *   (rows 1–4) show outflow to other provinces and abroad together (销往省外 = the CSV's
 *   EX + OF) and inflow together (省外购进 = the CSV's IM + IF + ERR), and no ERR column; it
 *   is read by its Chinese labels.
 * - GXI has no ERR column; HUN has no final-use columns at all (only TIU and GO); TAJ only
 *   IM and GO. Both repeat the row codes in column AU (headed "—").
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readCsvFile } from '../../engine/csv.js';
import { column, columnNames, tableRows } from '../../engine/table.js';
import type { Cell, Table } from '../../engine/value.js';
import { readXlsx, type ReadXlsxParams } from '../../steps/read-xlsx.js';
import { makeContext } from '../support/context.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = 'data/raw/io_provincial_2012_2017/original_2012_xlsx';
const SEC = Array.from({ length: 42 }, (_, i) => `sec${String(i + 1).padStart(2, '0')}`);
/** Data rows 6–54 of every workbook, in order. */
const ROWS = [...SEC, 'TII', 'VA001', 'VA002', 'VA003', 'VA004', 'TVA', 'TI'];
const FINAL = ['FU101', 'FU102', 'FU103', 'FU201', 'FU202', 'EX', 'OF', 'IM', 'IF', 'ERR', 'GO'];

async function read(params: ReadXlsxParams): Promise<Table> {
  return ((await readXlsx.run(makeContext(params, {}, { root: repo }))) as { table: Table }).table;
}

/** One province's workbook as values by (row code, CSV column), where it has them. */
interface Workbook {
  /** value(row, col): a number, null for an empty cell, undefined where the workbook has no such column. */
  value(row: string, col: string): number | null | undefined;
  /** Workbook cell of (row, col), e.g. "D6". */
  cell(row: string, col: string): string;
  /** Row codes in column C (rows 6–54), or null where the column is empty. */
  rowCodes: Cell[];
}

async function readWorkbook(code: string): Promise<Workbook> {
  const file = `${DIR}/${code}_2012.xlsx`;
  const rowCodes = column(await read({ path: file, range: 'C6:C54', header_row: 0, strings: ['C'] }), 'C');
  // Columns D:BI named by the code row 5 (HEN: by the Chinese labels of rows 1–4), and the
  // sheet column of each name, from the same rows read with letters for names.
  let t: Table;
  let heads: Table;
  if (code === 'HEN') {
    t = await read({ path: file, range: 'D1:BI54', header_rows: [1, 2, 3, 4], skip_rows: 1 });
    heads = await read({ path: file, range: 'D1:BI4', header_row: 0, fill_merged: true, strings: [] });
  } else {
    t = await read({ path: file, range: 'D5:BI54', strings: code === 'HUN' || code === 'TAJ' ? ['—'] : [] });
    heads = await read({ path: file, range: 'D5:BI5', header_row: 0 });
  }
  const letterOf = new Map<string, string>();
  for (const c of heads.columns) {
    // Joined as read-xlsx joins header rows: trimmed, empty parts dropped, a repeat kept once.
    const parts = c.values.map((v) => (v === null ? '' : String(v).trim())).filter((v, i, a) => v !== '' && v !== a[i - 1]);
    letterOf.set(parts.join('_'), c.name);
  }
  const names = columnNames(t);
  const byCsvCol = new Map<string, { name: string; letter: string }>();
  const add = (csvCol: string, name: string) => byCsvCol.set(csvCol, { name, letter: letterOf.get(name) ?? '?' });
  names.forEach((name, k) => { if (k < 42) add(SEC[k]!, name); });
  const alias: Record<string, string> = code === 'JXI' ? { OF: 'FU302', IF: 'FU304' } : {};
  const heading: Record<string, string> = code === 'HEN'
    ? {
      FU101: '最终使用_最终消费支出_居民消费支出_农村居民',
      FU102: '最终使用_最终消费支出_居民消费支出_城镇居民',
      FU103: '最终使用_最终消费支出_政府消费支出',
      FU201: '最终使用_资本形成总额_固定资本形成总额',
      FU202: '最终使用_资本形成总额_存货变动',
      'EX+OF': '最终使用_销往省外',
      'IM+IF': '省外购进',
      GO: '总产出',
    }
    : {};
  for (const c of [...FINAL, 'EX+OF', 'IM+IF']) {
    const name = code === 'HEN' ? heading[c] : (alias[c] ?? c);
    if (name !== undefined && names.includes(name) && column(t, name).some((v) => v !== null)) add(c, name);
  }
  return {
    rowCodes,
    value(row, col) {
      const c = byCsvCol.get(col);
      if (!c) return undefined;
      const v = column(t, c.name)[ROWS.indexOf(row)];
      if (v !== null && typeof v !== 'number') throw new Error(`${code} ${row}/${col}: ${String(v)}`);
      return v ?? null;
    },
    cell: (row, col) => `${byCsvCol.get(col)?.letter ?? '?'}${6 + ROWS.indexOf(row)}`,
  };
}

const provinces = readCsvFile(path.join(repo, 'data/raw/provinces.csv'));
const zhOf = new Map(tableRows(provinces).map((r) => [String(r.code), String(r.name_zh)]));
const csv = new Map<string, number>();
for (const r of tableRows(readCsvFile(path.join(repo, 'data/raw/io_provincial_2012_2017/io_provincial_2012_long.csv'), { strings: ['year'] }))) {
  csv.set(`${String(r.province_zh)}|${String(r.row)}|${String(r.col)}`, r.value as number);
}
const CODES = fs.readdirSync(path.join(repo, DIR)).map((f) => f.slice(0, 3)).sort();

/** The compared (row, col) pairs: sector rows × (sectors, final uses), other rows × sectors. */
const PAIRS: [string, string][] = [
  ...SEC.flatMap((r) => [...SEC, ...FINAL].map((c): [string, string] => [r, c])),
  ...['VA001', 'VA002', 'VA003', 'VA004', 'TVA', 'TI'].flatMap((r) => SEC.map((c): [string, string] => [r, c])),
];

interface Outcome {
  decimals: number;
  agree: number;
  /** Empty workbook cells where the CSV has 0. */
  emptyZero: number;
  /** CSV columns the workbook does not have. */
  absent: string[];
  /** Cells that differ by more than rounding, or are empty where the CSV is not 0. */
  differ: string[];
}

function decimalsOf(x: number): number {
  const s = String(x);
  return s.includes('.') ? s.length - s.indexOf('.') - 1 : 0;
}

function compare(code: string, wb: Workbook): Outcome {
  const zh = zhOf.get(code)!;
  let decimals = 0;
  for (const [r, c] of PAIRS) { const x = wb.value(r, c); if (typeof x === 'number') decimals = Math.max(decimals, decimalsOf(x)); }
  const tol = 0.5 * 10 ** -decimals;
  const out: Outcome = { decimals, agree: 0, emptyZero: 0, absent: [], differ: [] };
  const absent = new Set<string>();
  const check = (r: string, c: string, x: number | null, want: number, label: string) => {
    if (x === null) {
      if (want === 0) out.emptyZero++;
      else out.differ.push(`${code},${r},${label},${wb.cell(r, c)},,${want}`);
    } else if (Math.abs(x - want) <= tol + 1e-9 * Math.abs(want)) {
      out.agree++;
    } else {
      out.differ.push(`${code},${r},${label},${wb.cell(r, c)},${x},${want}`);
    }
  };
  for (const [r, c] of PAIRS) {
    const want = csv.get(`${zh}|${r}|${c}`);
    if (want === undefined) throw new Error(`${zh} ${r}/${c} is not in the CSV`);
    const x = wb.value(r, c);
    if (x === undefined) { absent.add(c); continue; }
    check(r, c, x, want, c);
  }
  // HEN's combined outflow and inflow columns against the sums of the CSV's parts.
  for (const [combined, a, b] of [['EX+OF', 'EX', 'OF'], ['IM+IF', 'IM', 'IF']] as const) {
    if (wb.value('sec01', combined) === undefined) continue;
    for (const r of SEC) check(r, combined, wb.value(r, combined)!, csv.get(`${zh}|${r}|${a}`)! + csv.get(`${zh}|${r}|${b}`)!, combined);
  }
  out.absent = FINAL.filter((c) => absent.has(c));
  return out;
}

const outcomes = new Map<string, Outcome>();
const workbooks = new Map<string, Workbook>();

beforeAll(async () => {
  for (const code of CODES) {
    const wb = await readWorkbook(code);
    workbooks.set(code, wb);
    outcomes.set(code, compare(code, wb));
  }
});

describe('2012 provincial input-output workbooks vs io_provincial_2012_long.csv', () => {
  it('has the 30 workbooks (no Tibet, which the CSV also covers)', () => {
    expect(CODES).toHaveLength(30);
    expect([...new Set([...csv.keys()].map((k) => k.split('|')[0]))]).toContain('西藏');
  });

  it('has the row codes in column C in the expected order, except the listed quirks', () => {
    const expected = ['1', '2'].concat(Array.from({ length: 40 }, (_, i) => String(i + 3)), ['TII', 'VA001', 'VA002', 'VA003', 'VA004', 'TVA', 'TI']);
    const quirks: Record<string, Record<number, Cell>> = {
      HEB: { 48: 'TO' },
      TAJ: { 47: 'TYA' },
    };
    for (const code of CODES) {
      // HEN's column C is empty: no rows.
      const want = code === 'HEN' ? [] : expected.map((c, i) => (i in (quirks[code] ?? {}) ? quirks[code]![i]! : c));
      expect(workbooks.get(code)!.rowCodes, code).toEqual(want);
    }
  });

  it('agrees cell by cell up to the workbooks\' rounding, except exactly these', () => {
    const summary = Object.fromEntries(CODES.map((c) => {
      const o = outcomes.get(c)!;
      return [c, `${o.decimals} dp: ${o.agree} agree, ${o.emptyZero} empty=0, ${o.differ.length} differ${o.absent.length ? `; absent ${o.absent.join(' ')}` : ''}`];
    }));
    expect(summary).toEqual({
      ANH: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      BEJ: '0 dp: 2474 agree, 0 empty=0, 4 differ',
      CHQ: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      FUJ: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      GAN: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      GUD: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      GXI: '2 dp: 2422 agree, 0 empty=0, 14 differ; absent ERR',
      GZH: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      HAI: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      HEB: '0 dp: 2440 agree, 0 empty=0, 38 differ',
      HEN: '0 dp: 2186 agree, 82 empty=0, 84 differ; absent EX OF IM IF ERR',
      HLJ: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      HUB: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      HUN: '2 dp: 1943 agree, 0 empty=0, 115 differ; absent FU101 FU102 FU103 FU201 FU202 EX OF IM IF ERR',
      JIL: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      JSU: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      JXI: '0 dp: 2426 agree, 0 empty=0, 52 differ',
      LIA: '0 dp: 2465 agree, 0 empty=0, 13 differ',
      NMG: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      NXA: '0 dp: 1595 agree, 0 empty=0, 883 differ',
      QIH: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      SHA: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      SHD: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      SHH: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      SHX: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      SIC: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      TAJ: '0 dp: 2086 agree, 0 empty=0, 14 differ; absent FU101 FU102 FU103 FU201 FU202 EX OF IF ERR',
      XIN: '0 dp: 2478 agree, 0 empty=0, 0 differ',
      YUN: '0 dp: 2476 agree, 2 empty=0, 0 differ',
      ZHJ: '0 dp: 2452 agree, 0 empty=0, 26 differ',
    });
  });

  it('lists every differing cell with both values (test/fixtures/xlsx/io-2012-differences.csv)', async () => {
    const lines = CODES.flatMap((c) => outcomes.get(c)!.differ);
    await expect(['province,row,col,cell,xlsx,csv', ...lines].join('\n') + '\n').toMatchFileSnapshot('../fixtures/xlsx/io-2012-differences.csv');
  });

  it('Hunan: block R31:V54 (sectors 15–19 from row sec26 down) sits one row lower than in the CSV', () => {
    const wb = workbooks.get('HUN')!;
    const zh = zhOf.get('HUN')!;
    const rows = ROWS.slice(ROWS.indexOf('sec26'));
    for (const c of ['sec15', 'sec16', 'sec17', 'sec18', 'sec19']) {
      for (let i = 1; i < rows.length; i++) {
        const above = rows[i - 1]!;
        if (above === 'TII') continue; // the CSV has no TII row
        // The CSV's sector-42 value in these columns is a residual (1035.55000000004): rounding tolerance.
        expect(Math.abs(wb.value(rows[i]!, c)! - csv.get(`${zh}|${above}|${c}`)!), `${rows[i]}/${c}`).toBeLessThanOrEqual(0.005);
      }
    }
  });
});

describe('Henan: the combined outflow and inflow columns', () => {
  it('outflow (销往省外) is the CSV\'s EX + OF; inflow (省外购进) is its IM + IF + ERR, so the CSV splits out a residual the workbook does not have', () => {
    const wb = workbooks.get('HEN')!;
    const zh = zhOf.get('HEN')!;
    const v = (r: string, c: string) => csv.get(`${zh}|${r}|${c}`)!;
    for (const r of SEC) {
      // Three rounded parts: within 1.5 (10,000 yuan).
      expect(Math.abs((wb.value(r, 'IM+IF') ?? 0) - (v(r, 'IM') + v(r, 'IF') + v(r, 'ERR'))), r).toBeLessThanOrEqual(1.5);
      expect(Math.abs((wb.value(r, 'EX+OF') ?? 0) - (v(r, 'EX') + v(r, 'OF'))), r).toBeLessThanOrEqual(0.5);
    }
  });
});

describe('Jiangsu 2012: value added 59,972 against a published GDP of 54,058 (100 million yuan)', () => {
  const sum = (row: string, cols: string[]) => cols.reduce((s, c) => s + (workbooks.get('JSU')!.value(row, c) ?? 0), 0);
  const colSum = (col: string) => SEC.reduce((s, r) => s + (workbooks.get('JSU')!.value(r, col) ?? 0), 0);

  it('is in the workbook itself, which is consistent: production and expenditure sides agree', () => {
    // 10,000 yuan; the workbook's one sheet has one table and no notes or units.
    const tva = sum('TVA', SEC);
    expect(tva).toBe(599_715_193);
    expect(sum('VA001', SEC) + sum('VA002', SEC) + sum('VA003', SEC) + sum('VA004', SEC)).toBe(599_715_190);
    const expenditure = ['FU101', 'FU102', 'FU103', 'FU201', 'FU202', 'EX', 'OF'].reduce((s, c) => s + colSum(c), 0) - colSum('IM') - colSum('IF') + colSum('ERR');
    expect(expenditure).toBe(599_715_195); // sums of whole 10,000 yuan: the rounding of 42 × 10 cells
    expect(sum('TI', SEC)).toBe(colSum('GO'));
  });

  it('has the excess almost all in the secondary sectors', () => {
    const yi = (cols: string[]) => Math.round(sum('TVA', cols) / 1e3) / 10; // 100 million yuan, 1 decimal
    expect(yi(SEC.slice(0, 1))).toBe(3418.3); // primary: sector 1
    expect(yi(SEC.slice(1, 28))).toBe(32900.8); // secondary: sectors 2–28 (industry and construction)
    expect(yi(SEC.slice(28))).toBe(23652.4); // tertiary: sectors 29–42
    // Scrap and waste (sector 23): value added 82 % of its output, against a median of 34 % in
    // the other 29 workbooks.
    const wb = workbooks.get('JSU')!;
    expect(wb.value('TVA', 'sec23')! / wb.value('TI', 'sec23')!).toBeCloseTo(0.823, 3);
  });
});
