/**
 * read-xlsx: loads one sheet (or a rectangle of it) of an Excel .xlsx workbook into a table,
 * the same kind of table read-csv gives. The workbook is parsed by exceljs, loaded on first
 * use so that CLI start-up does not pay for it; the cell rules are in
 * steps/kernels/xlsx-grid.ts.
 *
 * The file is untrusted input, so three limits are checked before any cell is read: the
 * file's size (before it is loaded), the total size of its parts once unzipped (before
 * exceljs parses them: a zip bomb stops here), and the number of cells read.
 */
import { own } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { didYouMean, nameList } from '../engine/suggest.js';
import type { Table } from '../engine/value.js';
import { areaText, cellAddress, parseRange, readBody, readHeader, type Area, type Grid, type GridValue } from './kernels/xlsx-grid.js';
import type { CellValue, Workbook, Worksheet } from 'exceljs';
import { MB, workbookAt } from './lib/xlsx-workbook.js';

/** Params of {@link readXlsx}. */
export interface ReadXlsxParams {
  path: string;
  sheet?: string | number;
  range?: string;
  header_row?: number;
  header_rows?: number[];
  header_separator?: string;
  skip_rows?: number;
  strings?: string[];
  na?: string[];
  fill_merged?: boolean;
  rename?: Record<string, string>;
  max_cells?: number;
  max_file_mb?: number;
  max_unzipped_mb?: number;
}


/** Reads a sheet of an .xlsx workbook (path relative to the project root) into a table. */
export const readXlsx = defineStep<ReadXlsxParams>({
  name: 'read-xlsx',
  version: '1',
  description:
    'Reads one sheet of an Excel .xlsx workbook, or a rectangle of it, into a table like read-csv\'s. ' +
    'Column names come from one header row, or several joined (a merged header cell names every column it spans). ' +
    'Formula cells give their cached result, empty cells and Excel errors are missing, text is kept exactly. ' +
    'A column holding numbers is numeric: its text cells must be numbers too ("1,234.5" and " 42 " are; a comma is always a thousands separator), any other cell is an error naming it, e.g. Sheet1!D17. ' +
    'A column without number cells is numeric if all its text reads as numbers, else text. Empty rows and unnamed empty columns are dropped.',
  params: {
    type: 'object',
    properties: {
      path: { type: 'string', format: 'file-path', description: '.xlsx workbook, relative to the project root.' },
      sheet: {
        description: 'The sheet: its name, or its 1-based position among the workbook\'s tabs (a number; quote a name made of digits, sheet: "2012"). Default: the first sheet.',
        anyOf: [{ type: 'string', minLength: 1 }, { type: 'integer', minimum: 1 }],
      },
      range: {
        type: 'string',
        pattern: '^\\s*\\$?[A-Za-z]{1,3}\\$?[1-9][0-9]{0,6}:\\$?[A-Za-z]{1,3}\\$?[1-9][0-9]{0,6}\\s*$',
        description: 'Rectangle to read in A1 notation, e.g. "B3:AR50"; it must not reach past the last row or column holding a value. Default: the smallest rectangle holding every cell with a value.',
      },
      header_row: {
        type: 'integer',
        minimum: 0,
        description: 'Row of the range (1 = its first row) holding the column names; rows above it are skipped. 0: no header, columns are named by their letters (A, B, …). Default 1.',
      },
      header_rows: {
        type: 'array',
        items: { type: 'integer', minimum: 1 },
        minItems: 1,
        uniqueItems: true,
        description: 'Several header rows, e.g. [3, 4], in place of `header_row`: each column\'s name joins its non-empty cells top to bottom with `header_separator`, a cell merged down over several of them counting once.',
      },
      header_separator: { type: 'string', default: '_', description: 'Joins the parts of a name from `header_rows`.' },
      skip_rows: { type: 'integer', minimum: 0, default: 0, description: 'Rows skipped between the header and the data (e.g. a row of codes under the names).' },
      strings: {
        type: 'array',
        items: { type: 'string' },
        default: [],
        description: 'Columns kept as text even if they hold numbers (codes such as "01"; a label column mixing 1, 2, … with "TII").',
      },
      na: {
        type: 'array',
        items: { type: 'string' },
        default: ['NA', 'NaN', 'null'],
        description: 'Texts read as missing, compared after trimming spaces (e.g. add "—" or "-" for a dash meaning no value). Empty cells are always missing.',
      },
      fill_merged: {
        type: 'boolean',
        default: false,
        description: 'Below the header, give every cell of a merged range the merged cell\'s value (e.g. a row label merged down a block); by default only its top-left cell has it and the others are missing.',
      },
      rename: {
        type: 'object',
        additionalProperties: { type: 'string' },
        default: {},
        description: 'Renames columns after reading: {old_name: new_name}.',
      },
      max_cells: {
        type: 'integer',
        minimum: 1,
        default: 5_000_000,
        description: 'Largest number of cells (rows × columns of the rectangle) read; a larger one is an error before any cell is read.',
      },
      max_file_mb: { type: 'number', exclusiveMinimum: 0, default: 50, description: 'Largest workbook file size in MiB, checked before the file is loaded.' },
      max_unzipped_mb: {
        type: 'number',
        exclusiveMinimum: 0,
        default: 500,
        description: 'Largest total size in MiB of the workbook\'s parts once unzipped, checked before they are parsed (a zip bomb stops here; real workbooks unzip to about 5–20 times their file size).',
      },
    },
    required: ['path'],
    additionalProperties: false,
  },
  inputs: {},
  outputs: { table: 'The sheet (or range) as a table.' },
  // The header is in the workbook, which is unzipped and parsed only when the stage runs.
  columns: () => ({ table: { unknown: 'the workbook is read only when the stage runs' } }),
  async run(ctx) {
    const p = ctx.params;
    const file = p.path;
    if (p.header_rows !== undefined && p.header_row !== undefined) {
      throw new StepError('bad-params', `${file}: give either \`header_row\` or \`header_rows\`, not both`);
    }
    const headerRows = p.header_rows ?? ((p.header_row ?? 1) === 0 ? [] : [p.header_row ?? 1]);
    const wb = await workbookAt(ctx.resolvePath(file), file, p.max_file_mb ?? 50, p.max_unzipped_mb ?? 500);
    const ws = pickSheet(wb, p.sheet, file);
    const where = `${file}, sheet \`${ws.name}\``;
    const used = usedArea(ws);
    if (!used) throw new StepError('empty-sheet', `${where} has no cells with values`);
    let area = used;
    if (p.range !== undefined) {
      const r = parseRange(p.range);
      if (typeof r === 'string') throw new StepError('bad-range', `${file}: \`range\` "${p.range}" is not a range: ${r}`);
      if (r.bottom > used.bottom || r.right > used.right) {
        throw new StepError('range-out-of-bounds', `${where}: \`range\` ${areaText(r)} reaches past the sheet's cells with values, which span ${areaText(used)}; choose a range inside it`);
      }
      area = r;
    }
    const maxCells = p.max_cells ?? 5_000_000;
    const cells = (area.bottom - area.top + 1) * (area.right - area.left + 1);
    if (cells > maxCells) {
      throw new StepError('too-many-cells', `${where}: ${areaText(area)} is ${cells.toLocaleString('en')} cells, more than \`max_cells\` (${maxCells.toLocaleString('en')}); read a smaller \`range\` or raise \`max_cells\``);
    }

    const grid = sheetGrid(ws, file);
    const header = readHeader(grid, area, { headerRows, separator: p.header_separator ?? '_' });
    if ('ok' in header) throw new StepError(header.reason, `${file}: ${header.message}`);
    const named = header.names.filter((n) => n !== '');
    const strings = p.strings ?? [];
    for (const s of strings) if (!named.includes(s)) throw missingColumn(where, '`strings`', s, named);
    const body = readBody(grid, area, header, headerRows, {
      skipRows: p.skip_rows ?? 0,
      strings: new Set(strings),
      na: new Set([...(p.na ?? ['NA', 'NaN', 'null']), '']),
      fillMerged: p.fill_merged ?? false,
    });
    if (!body.ok) throw new StepError(body.reason, `${file}: ${body.message}`);
    if (body.emptyRows > 0) ctx.note(`${where}: skipped ${body.emptyRows} row${body.emptyRows === 1 ? '' : 's'} with no values`);
    if (body.errorCells > 0) ctx.note(`${where}: ${body.errorCells === 1 ? '1 cell holds' : `${body.errorCells} cells hold`} an Excel error value (first: ${body.firstErrorCell}), read as missing`);
    const table: Table = { kind: 'table', columns: body.columns.map((c) => ({ name: c.name, values: c.values })) };
    return { table: renameColumns(table, p.rename ?? {}, where) };
  },
});

function missingColumn(where: string, param: string, name: string, names: string[]): StepError {
  const hint = didYouMean(name, names);
  return new StepError('missing-column', `${where}: ${param} lists column \`${name}\`, which the sheet does not have${hint ? `; ${hint}` : ''}; columns are: ${nameList(names)}`);
}

function renameColumns(t: Table, rename: Record<string, string>, where: string): Table {
  const names = t.columns.map((c) => c.name);
  for (const old of Object.keys(rename)) if (!names.includes(old)) throw missingColumn(where, '`rename`', old, names);
  const columns = t.columns.map((c) => ({ name: own(rename, c.name) ?? c.name, values: c.values }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new StepError('duplicate-column', `${where}: after \`rename\` two columns are named \`${c.name}\`; pick another new name`);
    seen.add(c.name);
  }
  return { kind: 'table', columns };
}

function pickSheet(wb: Workbook, sheet: string | number | undefined, file: string): Worksheet {
  const sheets = wb.worksheets;
  const names = sheets.map((s) => s.name);
  const listing = sheets.length === 0 ? 'it has no worksheets' : `its sheets are: ${sheets.map((s, i) => `${i + 1}. \`${s.name}\`${s.state !== 'visible' ? ` (${s.state})` : ''}`).join(', ')}`;
  if (sheets.length === 0) throw new StepError('missing-sheet', `${file} has no worksheets`);
  if (sheet === undefined) return sheets[0]!;
  if (typeof sheet === 'number') {
    const ws = sheets[sheet - 1];
    if (!ws) {
      const named = names.includes(String(sheet)) ? `; to pick the sheet named \`${sheet}\`, quote the name: sheet: "${sheet}"` : '';
      throw new StepError('missing-sheet', `${file} has no sheet number ${sheet}; ${listing}${named}`);
    }
    return ws;
  }
  const ws = sheets.find((s) => s.name === sheet);
  if (!ws) {
    const hint = didYouMean(sheet, names);
    throw new StepError('missing-sheet', `${file} has no sheet \`${sheet}\`${hint ? `; ${hint}` : ''}; ${listing}`);
  }
  return ws;
}

/** The smallest rectangle holding every cell with a value (styling alone does not count). */
function usedArea(ws: Worksheet): Area | undefined {
  let top = Infinity;
  let left = Infinity;
  let bottom = 0;
  let right = 0;
  ws.eachRow((row, r) => {
    row.eachCell((cell, c) => {
      if (cell.value === null || cell.value === undefined) return;
      if (r < top) top = r;
      if (r > bottom) bottom = r;
      if (c < left) left = c;
      if (c > right) right = c;
    });
  });
  return bottom === 0 ? undefined : { top, left, bottom, right };
}

/** A kernel Grid over an exceljs worksheet. */
function sheetGrid(ws: Worksheet, file: string): Grid {
  return {
    sheet: ws.name,
    value(row, col) {
      const cell = ws.findCell(row, col);
      if (!cell || (cell.isMerged && cell.master !== cell)) return { kind: 'empty' };
      return gridValue(cell.value, () => `${file}: ${cellAddress(ws.name, row, col)}`);
    },
    mergeMaster(row, col) {
      const cell = ws.findCell(row, col);
      if (!cell || !cell.isMerged || cell.master === cell) return undefined;
      return { row: Number(cell.master.row), col: Number(cell.master.col) };
    },
  };
}

/** An exceljs cell value as plain data; a formula gives its cached result. */
function gridValue(v: CellValue, where: () => string): GridValue {
  if (v === null || v === undefined) return { kind: 'empty' };
  if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'error', value: String(v) };
  if (typeof v === 'string') return v === '' ? { kind: 'empty' } : { kind: 'text', value: v };
  if (typeof v === 'boolean') return { kind: 'bool', value: v };
  if (v instanceof Date) return { kind: 'date', value: isoDate(v) };
  if ('error' in v) return { kind: 'error', value: String(v.error) };
  if ('richText' in v) return textValue(v.richText.map((t) => t.text).join(''));
  if ('formula' in v || 'sharedFormula' in v) {
    const result = (v as { result?: CellValue }).result;
    if (result === undefined) {
      throw new StepError('no-cached-result', `${where()} holds a formula with no saved result (the workbook was written by a program that does not calculate); open and save it in Excel or LibreOffice, or write the values`);
    }
    return gridValue(result, where);
  }
  if ('hyperlink' in v) {
    const t = (v as { text?: unknown }).text;
    if (typeof t === 'string') return textValue(t);
    if (t && typeof t === 'object' && 'richText' in t) return textValue((t as { richText: { text: string }[] }).richText.map((x) => x.text).join(''));
    return textValue(String(v.hyperlink));
  }
  return { kind: 'text', value: JSON.stringify(v) };
}

function textValue(s: string): GridValue {
  return s === '' ? { kind: 'empty' } : { kind: 'text', value: s };
}

/** "2012-12-31", or the full ISO time when the date has a time of day. */
function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return 'invalid date';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace(/\.000Z$/, 'Z');
}
