/**
 * read-xlsx on real workbooks (the provincial 2012 input-output tables in data/raw, whose
 * headers are Chinese and merged) and on small workbooks written with exceljs into a temp
 * folder for what the real files do not have. Expected values of the real workbooks were
 * read cell by cell with a separate throwaway exceljs script (cell addresses in the comments).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { column, columnNames, nrow } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { cellAddress, columnLetters, numberFromText, parseRange } from '../../steps/kernels/xlsx-grid.js';
import { readXlsx, type ReadXlsxParams } from '../../steps/read-xlsx.js';
import { makeContext } from '../support/context.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BEJ = 'data/raw/io_provincial_2012_2017/original_2012_xlsx/BEJ_2012.xlsx';
const YUN = 'data/raw/io_provincial_2012_2017/original_2012_xlsx/YUN_2012.xlsx';

let tmp: string;

async function run(params: ReadXlsxParams, root = repo): Promise<{ table: Table; notes: string[] }> {
  const ctx = makeContext(params, {}, { root });
  const out = (await readXlsx.run(ctx)) as { table: Table };
  return { table: out.table, notes: ctx.notes };
}

async function read(params: ReadXlsxParams, root = repo): Promise<Table> {
  return (await run(params, root)).table;
}

async function failure(params: ReadXlsxParams, root = repo): Promise<StepError> {
  try {
    await run(params, root);
  } catch (e) {
    if (e instanceof StepError) return e;
    throw e;
  }
  throw new Error('expected a StepError');
}

/** Writes a one-sheet workbook (rows of cell values, from A1) into the temp folder. */
async function workbook(name: string, rows: ExcelJS.CellValue[][], setup?: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  rows.forEach((r, i) => r.forEach((v, j) => { if (v !== undefined) ws.getCell(i + 1, j + 1).value = v; }));
  setup?.(ws, wb);
  await wb.xlsx.writeFile(path.join(tmp, name));
  return name;
}

beforeAll(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-xlsx-')); });
afterAll(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

describe('read-xlsx on the Beijing 2012 input-output workbook', () => {
  it('reads a range with the code row as header; a label column mixing numbers and text is kept as text via `strings`', async () => {
    const t = await read({ path: BEJ, range: 'C5:BI54', header_row: 1, strings: ['-'] });
    const names = columnNames(t);
    // Row 5: C5 "-", D5:AS5 the sector numbers 1..42, then the codes of the totals and final uses.
    expect(names.slice(0, 4)).toEqual(['-', '1', '2', '3']);
    expect(names.slice(43)).toEqual(['TIU', 'FU101', 'FU102', 'THC', 'FU103', 'TC', 'FU201', 'FU202', 'GCF', 'EX', 'OF', 'TFU', 'IM', 'IF', 'ERR', 'GO']);
    expect(nrow(t)).toBe(49); // rows 6..54
    expect(column(t, '-').slice(0, 2)).toEqual(['1', '2']);
    expect(column(t, '-').slice(42)).toEqual(['TII', 'VA001', 'VA002', 'VA003', 'VA004', 'TVA', 'TI']);
    expect(column(t, '1')[0]).toBe(801813); // D6
    expect(column(t, '42')[48]).toBe(14795599); // AS54
    expect(column(t, 'GO')[0]).toBe(3957500); // BI6, equal to the sector's total input D54
    expect(column(t, 'GO')[48]).toBeNull(); // BI54 is empty
  });

  it('joins merged multi-row Chinese headers, a cell merged down counting once', async () => {
    const t = await read({ path: BEJ, range: 'D1:BI54', header_rows: [1, 2, 3, 4], skip_rows: 1 });
    const names = columnNames(t);
    // D1:AT1 "中间使用" spans the intermediate block; D2:D4 is one merged cell.
    expect(names[0]).toBe('中间使用_农林牧渔产品和服务');
    expect(names[41]).toBe('中间使用_公共管理、社会保障和社会组织');
    expect(names[42]).toBe('中间使用_中间使用合计');
    // AU1:BE1 "最终使用", AU2:AY2 "最终消费支出", AU3:AW3 "居民消费支出", AU4 "农村居民".
    expect(names.slice(43, 48)).toEqual([
      '最终使用_最终消费支出_居民消费支出_农村居民',
      '最终使用_最终消费支出_居民消费支出_城镇居民',
      '最终使用_最终消费支出_居民消费支出_小计',
      '最终使用_最终消费支出_政府消费支出',
      '最终使用_最终消费支出_合计',
    ]);
    expect(names.slice(-4)).toEqual(['进口', '国内省外流入', '其他', '总产出']); // BF1:BF4 … BI1:BI4
    expect(nrow(t)).toBe(49); // the code row 5 is skipped
    expect(column(t, '中间使用_农林牧渔产品和服务')[0]).toBe(801813);
  });

  it('a merged data cell is missing off its top-left cell, or fills its span with `fill_merged`', async () => {
    const plain = await read({ path: BEJ, range: 'A6:B54', header_row: 0 });
    expect(columnNames(plain)).toEqual(['A', 'B']);
    // A6:A48 "中间投入", A49:A53 "增加值", A54:B54 "总投入".
    expect(column(plain, 'A').slice(0, 2)).toEqual(['中间投入', null]);
    expect(column(plain, 'B')[48]).toBeNull();
    const filled = await read({ path: BEJ, range: 'A6:B54', header_row: 0, fill_merged: true });
    expect(new Set(column(filled, 'A').slice(0, 43))).toEqual(new Set(['中间投入']));
    expect(column(filled, 'A').slice(43, 48)).toEqual(Array(5).fill('增加值'));
    expect(column(filled, 'B')[48]).toBe('总投入');
    expect(column(filled, 'B')[0]).toBe('农林牧渔产品和服务');
  });

  it('reads sheets by name and by position, the used area by default', async () => {
    const byName = await read({ path: BEJ, sheet: 'Sheet1', range: 'D5:E54' });
    const byIndex = await read({ path: BEJ, sheet: 1, range: 'D5:E54' });
    expect(byIndex).toEqual(byName);
    // Without a range the whole used area A1:BI54 is read, and row 1's merged A1:B1 names two columns.
    const e = await failure({ path: BEJ });
    expect(e.reason).toBe('duplicate-column');
    expect(e.message).toBe(`${BEJ}: header cells Sheet1!A1 and Sheet1!B1 both name a column \`产出\`; column names must be unique: narrow \`range\`, add a header row (\`header_rows\`), or pick another \`header_row\``);
  });

  it('names the cell of a text value in a numeric column', async () => {
    const e = await failure({ path: BEJ, range: 'C5:D54' });
    expect(e.reason).toBe('not-numeric');
    // C48 holds "TII" under the sector numbers 1..42.
    expect(e.message).toMatch(/^data\/raw\/.*BEJ_2012\.xlsx: Sheet1!C48 holds the text "TII" in column `-`, whose other cells are numbers; list `-` in `strings`/);
  });

  it('missing sheet, bad range, range out of bounds: located errors', async () => {
    const sheet = await failure({ path: BEJ, sheet: 'Sheet2' });
    expect(sheet.reason).toBe('missing-sheet');
    expect(sheet.message).toBe(`${BEJ} has no sheet \`Sheet2\`; did you mean \`Sheet1\`?; its sheets are: 1. \`Sheet1\``);
    expect((await failure({ path: BEJ, sheet: 3 })).message).toBe(`${BEJ} has no sheet number 3; its sheets are: 1. \`Sheet1\``);
    const bad = await failure({ path: BEJ, range: 'B3-AR50' });
    expect(bad.reason).toBe('bad-range');
    expect(bad.message).toMatch(/`range` "B3-AR50" is not a range: .*A1 notation/);
    expect((await failure({ path: BEJ, range: 'A1:XFE3' })).message).toMatch(/column XFE is past Excel's last column XFD/);
    const out = await failure({ path: BEJ, range: 'D5:BJ60' });
    expect(out.reason).toBe('range-out-of-bounds');
    expect(out.message).toBe(`${BEJ}, sheet \`Sheet1\`: \`range\` D5:BJ60 reaches past the sheet's cells with values, which span A1:BI54; choose a range inside it`);
    const hdr = await failure({ path: BEJ, range: 'D5:E54', header_row: 60 });
    expect(hdr.reason).toBe('bad-header-rows');
  });

  it('keeps Chinese text exactly as stored', async () => {
    const t = await read({ path: BEJ, range: 'B6:B54', header_row: 0 });
    expect(column(t, 'B')[0]).toBe('农林牧渔产品和服务');
    expect(column(t, 'B')[23]).toBe('金属制品、机械和设备修理服务');
  });
});

describe('read-xlsx on other real workbooks', () => {
  it('empty cells are missing (Yunnan AX7 and AX8, government consumption of sectors 2 and 3)', async () => {
    const t = await read({ path: YUN, range: 'D5:BI54' });
    expect(column(t, 'FU103').slice(0, 4)).toEqual([4915, null, null, 0]); // AX6:AX9
  });
});

describe('read-xlsx on written workbooks', () => {
  it('numbers stored as text become numbers when unambiguous; other text in a numeric column is an error naming the cell', async () => {
    const f = await workbook('text-numbers.xlsx', [['code', 'value', 'note'], ['01', ' 1,234.5 ', 'a'], ['02', 7, 'b'], ['03', '1e3', null], ['04', '-0.5', 'd']]);
    const t = await read({ path: f, strings: ['code'] }, tmp);
    expect(column(t, 'code')).toEqual(['01', '02', '03', '04']);
    expect(column(t, 'value')).toEqual([1234.5, 7, 1000, -0.5]);
    expect(column(t, 'note')).toEqual(['a', 'b', null, 'd']);
    // Without `strings`, text codes that all read as numbers make a numeric column, like read-csv.
    expect(column(await read({ path: f }, tmp), 'code')).toEqual([1, 2, 3, 4]);
    const g = await workbook('text-bad.xlsx', [['value'], [1], ['1,23'], [3]]);
    const e = await failure({ path: g }, tmp);
    expect(e.message).toBe(`${g}: Data!A3 holds the text "1,23" in column \`value\`, whose other cells are numbers; list \`value\` in \`strings\` to read the column as text, or add "1,23" to \`na\` if it means a missing value`);
    const dash = await workbook('dash.xlsx', [['value'], [1], [' — '], [3]]);
    expect(column(await read({ path: dash, na: ['—'] }, tmp), 'value')).toEqual([1, null, 3]);
  });

  it('formula cells give their cached result; one without a result, or a boolean among numbers, is an error naming the cell', async () => {
    const f = await workbook('formulas.xlsx', [
      ['x', 'y', 'label'],
      [1, { formula: 'A2*2', result: 2 }, { formula: '"a"&"b"', result: 'ab' }],
      [2, { formula: 'A3*2', result: 4 }, 'c'],
      [3, { formula: '1/0', result: { error: '#DIV/0!' } }, 'd'],
    ]);
    const r = await run({ path: f }, tmp);
    expect(column(r.table, 'y')).toEqual([2, 4, null]);
    expect(column(r.table, 'label')).toEqual(['ab', 'c', 'd']);
    expect(r.notes).toEqual(['formulas.xlsx, sheet `Data`: 1 cell holds an Excel error value (first: Data!B4), read as missing']);
    // A shared formula (B2 the master, B3 sharing it) gives each cell's own cached result.
    const shared = await workbook('shared.xlsx', [['x', 'y'], [1], [2]], (ws) => ws.fillFormula('B2:B3', 'A2*10', [10, 20]));
    expect(column(await read({ path: shared }, tmp), 'y')).toEqual([10, 20]);
    const g = await workbook('no-result.xlsx', [['x'], [1], [{ formula: 'A2+1' } as ExcelJS.CellFormulaValue]]);
    const e = await failure({ path: g }, tmp);
    expect(e.reason).toBe('no-cached-result');
    expect(e.message).toMatch(/^no-result\.xlsx: Data!A3 holds a formula with no saved result/);
    const h = await workbook('bool.xlsx', [['x'], [1], [true]]);
    expect((await failure({ path: h }, tmp)).message).toMatch(/^bool\.xlsx: Data!A3 holds the boolean TRUE in column `x`/);
  });

  it('keeps text exactly, without Unicode normalization', async () => {
    // U+F900 is a CJK compatibility ideograph that NFC would turn into U+8C48; "e" + U+0301 would become "é".
    const odd = ['\uF900', 'e\u0301', '  两边有空格  '];
    const f = await workbook('unicode.xlsx', [['text'], ...odd.map((s) => [s])]);
    expect(column(await read({ path: f }, tmp), 'text')).toEqual(odd);
  });

  it('dates become ISO text; rich text and hyperlinks their text; empty rows and unnamed empty columns are dropped', async () => {
    const f = await workbook('misc.xlsx', [
      ['when', 'what', undefined, 'n'],
      [new Date(Date.UTC(2012, 11, 31)), { richText: [{ text: '江' }, { text: '苏' }] }, undefined, 1],
      [],
      [new Date(Date.UTC(2013, 0, 1, 12, 30)), { text: 'link', hyperlink: 'https://example.org' }, undefined, 2],
    ]);
    const r = await run({ path: f }, tmp);
    expect(columnNames(r.table)).toEqual(['when', 'what', 'n']);
    expect(column(r.table, 'when')).toEqual(['2012-12-31', '2013-01-01T12:30:00Z']);
    expect(column(r.table, 'what')).toEqual(['江苏', 'link']);
    expect(column(r.table, 'n')).toEqual([1, 2]);
    expect(r.notes).toEqual(['misc.xlsx, sheet `Data`: skipped 1 row with no values']);
  });

  it('an empty header cell over data, and unknown `strings`/`rename` columns, are errors with what to do', async () => {
    const f = await workbook('noname.xlsx', [['a', undefined, 'c'], [1, 2, 3]]);
    const e = await failure({ path: f }, tmp);
    expect(e.reason).toBe('empty-header');
    expect(e.message).toBe('noname.xlsx: header cell Data!B1 is empty but column B holds data; give it a name, or choose `range` / `header_row` so that every column read has one');
    const g = await workbook('names.xlsx', [['province', 'gdp'], ['BEJ', 1]]);
    expect((await failure({ path: g, strings: ['provnce'] }, tmp)).message).toBe('names.xlsx, sheet `Data`: `strings` lists column `provnce`, which the sheet does not have; did you mean `province`?; columns are: `province`, `gdp`');
    expect((await failure({ path: g, rename: { gpd: 'x' } }, tmp)).reason).toBe('missing-column');
    expect(columnNames(await read({ path: g, rename: { gdp: 'gdp_2012' } }, tmp))).toEqual(['province', 'gdp_2012']);
    expect((await failure({ path: g, header_row: 1, header_rows: [1] }, tmp)).reason).toBe('bad-params');
  });

  it('lists the sheets, hidden ones marked, in tab order', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('说明').getCell('A1').value = 'notes';
    wb.addWorksheet('Hidden', { state: 'hidden' }).getCell('A1').value = 'x';
    const t = wb.addWorksheet('表1');
    t.getCell('A1').value = 'v';
    t.getCell('A2').value = 1;
    await wb.xlsx.writeFile(path.join(tmp, 'sheets.xlsx'));
    expect(column(await read({ path: 'sheets.xlsx', sheet: '表1' }, tmp), 'v')).toEqual([1]);
    expect(column(await read({ path: 'sheets.xlsx', sheet: 3 }, tmp), 'v')).toEqual([1]);
    expect((await failure({ path: 'sheets.xlsx', sheet: '表2' }, tmp)).message).toBe('sheets.xlsx has no sheet `表2`; did you mean `表1`?; its sheets are: 1. `说明`, 2. `Hidden` (hidden), 3. `表1`');
    // A sheet named by digits is picked by its quoted name; the number is a position.
    const years = new ExcelJS.Workbook();
    years.addWorksheet('2012').getCell('A1').value = 'v';
    await years.xlsx.writeFile(path.join(tmp, 'years.xlsx'));
    expect((await failure({ path: 'years.xlsx', sheet: 2012 }, tmp)).message).toBe('years.xlsx has no sheet number 2012; its sheets are: 1. `2012`; to pick the sheet named `2012`, quote the name: sheet: "2012"');
    expect(columnNames(await read({ path: 'years.xlsx', sheet: '2012' }, tmp))).toEqual(['v']);
  });

  it('a range may start before the first cell with a value; unnamed empty columns are dropped', async () => {
    const f = await workbook('offset.xlsx', [[], [undefined, 'a', 'b'], [undefined, 1, 2]]);
    const t = await read({ path: f, range: 'A1:C3', header_row: 2 }, tmp);
    expect(columnNames(t)).toEqual(['a', 'b']);
    expect(column(t, 'b')).toEqual([2]);
  });

  it('files that are not workbooks say what they are', async () => {
    fs.writeFileSync(path.join(tmp, 'csv.xlsx'), 'a,b\n1,2\n');
    const csv = await failure({ path: 'csv.xlsx' }, tmp);
    expect(csv.reason).toBe('not-a-workbook');
    expect(csv.message).toBe('csv.xlsx is not an .xlsx workbook (an .xlsx file is a zip archive, and this file does not start like one; it looks like text, e.g. a CSV or HTML file renamed to .xlsx)');
    fs.writeFileSync(path.join(tmp, 'old.xlsx'), Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]));
    expect((await failure({ path: 'old.xlsx' }, tmp)).message).toMatch(/^old\.xlsx is an Excel 97–2003 \.xls file/);
    // A zip that is not a workbook: the real workbook without its xl/workbook.xml part.
    const JSZip = createRequire(createRequire(import.meta.url).resolve('exceljs'))('jszip') as { loadAsync(b: Buffer): Promise<{ remove(n: string): void; generateAsync(o: { type: 'nodebuffer' }): Promise<Buffer> }> };
    const zip = await JSZip.loadAsync(fs.readFileSync(path.join(repo, BEJ)));
    zip.remove('xl/workbook.xml');
    fs.writeFileSync(path.join(tmp, 'zip.xlsx'), await zip.generateAsync({ type: 'nodebuffer' }));
    expect((await failure({ path: 'zip.xlsx' }, tmp)).message).toMatch(/^zip\.xlsx is a zip archive but not an \.xlsx workbook \(it has no xl\/workbook\.xml/);
    // Truncated: the zip's central directory is gone.
    fs.writeFileSync(path.join(tmp, 'cut.xlsx'), fs.readFileSync(path.join(repo, BEJ)).subarray(0, 5000));
    expect((await failure({ path: 'cut.xlsx' }, tmp)).message).toMatch(/^cut\.xlsx is not a readable \.xlsx workbook: the zip archive is damaged/);
    expect((await failure({ path: 'none.xlsx' }, tmp)).reason).toBe('missing-file');
  });

  it('refuses more cells, a larger file or more unzipped bytes than the limits, before reading cells', async () => {
    const cells = await failure({ path: BEJ, range: 'D6:AS47', max_cells: 1000 });
    expect(cells.reason).toBe('too-many-cells');
    expect(cells.message).toBe(`${BEJ}, sheet \`Sheet1\`: D6:AS47 is 1,764 cells, more than \`max_cells\` (1,000); read a smaller \`range\` or raise \`max_cells\``);
    expect((await failure({ path: BEJ, max_file_mb: 0.01 })).message).toBe(`${BEJ} is 33 KiB, more than \`max_file_mb\` (0.01 MiB); raise \`max_file_mb\` if the file is trusted`);
    // BEJ_2012.xlsx is 33 KB zipped and about 150 KB unzipped.
    const unz = await failure({ path: BEJ, max_unzipped_mb: 0.1 });
    expect(unz.reason).toBe('file-too-large');
    expect(unz.message).toMatch(/unzips to more than `max_unzipped_mb` \(0\.1 MiB\)/);
  });
});

describe('xlsx-grid helpers', () => {
  it('parses A1 ranges and writes addresses', () => {
    expect(parseRange('B3:AR50')).toEqual({ top: 3, left: 2, bottom: 50, right: 44 });
    expect(parseRange('$AR$50:b3')).toEqual({ top: 3, left: 2, bottom: 50, right: 44 });
    expect(typeof parseRange('B3')).toBe('string');
    expect(typeof parseRange('A0:B2')).toBe('string');
    expect(columnLetters(16384)).toBe('XFD');
    expect(columnLetters(27)).toBe('AA');
    expect(cellAddress('Sheet1', 17, 4)).toBe('Sheet1!D17');
    expect(cellAddress('表 1', 1, 1)).toBe("'表 1'!A1");
    expect(cellAddress("It's", 1, 1)).toBe("'It''s'!A1");
  });

  it('reads numbers from text only when unambiguous', () => {
    expect(numberFromText(' 1,234.5 ')).toBe(1234.5);
    expect(numberFromText('\u00a012\u3000')).toBe(12);
    expect(numberFromText('1,234,567')).toBe(1234567);
    expect(numberFromText('-1.5e-3')).toBe(-0.0015);
    for (const s of ['1,23', '1.234,5', '12 345', '12%', '(12)', '¥12', '0x1F', 'Infinity', '', '1,2345', '1e400']) expect(numberFromText(s), s).toBeUndefined();
  });
});
