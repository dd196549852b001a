/**
 * From a rectangle of spreadsheet cells to named, typed columns: the pure part of the
 * read-xlsx step (it does the IO and turns a workbook cell into a {@link GridValue}).
 * Pure: no IO, no engine imports; expected failures are returned as {@link GridFailure}.
 *
 * Rules, in the order they apply:
 * - **Addresses** are Excel's A1 notation, 1-based: column A = 1, row 1 = 1.
 * - **Header.** Each header row gives a part of every column's name: the cell's text,
 *   trimmed, where a cell inside a merged range takes the merged cell's value. Empty parts
 *   are dropped and a part equal to the one above it is kept once (a cell merged down over
 *   several header rows names the column once); the remaining parts are joined with the
 *   separator. Without header rows the columns are named by their letters (A, B, …).
 * - **Spacer columns** (no name and every cell below the header empty) are dropped; a column with
 *   values but no name, or two columns with the same name, is a failure naming the cells.
 * - **Cells below the header.** Empty cells, and text that is one of the missing-value
 *   tokens once trimmed, are missing. A cell covered by a merged range but not its top-left
 *   cell is empty unless `fillMerged`, when it takes the merged cell's value. Excel error
 *   values (#N/A, #DIV/0!, …) are missing and counted. Rows whose cells are all empty
 *   are dropped and counted (a row of missing-value tokens is kept).
 * - **Column types.** A column listed as text keeps every value as text (numbers as their
 *   shortest round-trip text). Otherwise a column holding a number cell is numeric: each of
 *   its text cells must read as a number by {@link numberFromText}, and any other value is a
 *   failure naming the cell. A column with no number cell is numeric if every text cell
 *   reads as a number, boolean if it holds only booleans, else text.
 */

/** One spreadsheet cell reduced to plain data. Dates arrive as ISO text (kind `date`). */
export type GridValue =
  | { readonly kind: 'empty' }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'date'; readonly value: string }
  | { readonly kind: 'error'; readonly value: string };

/** A rectangle of a sheet, 1-based and inclusive. */
export interface Area {
  readonly top: number;
  readonly left: number;
  readonly bottom: number;
  readonly right: number;
}

/** Read access to a sheet (any cell, not only those inside the area read). */
export interface Grid {
  /** The sheet's name, for cell addresses in messages. */
  readonly sheet: string;
  /** The cell's own value (a covered cell of a merged range is empty). */
  value(row: number, col: number): GridValue;
  /** The top-left cell of the merged range covering (row, col), if the cell is covered but not that top-left cell. */
  mergeMaster(row: number, col: number): { readonly row: number; readonly col: number } | undefined;
}

/** An expected failure: a kebab-case reason and a message naming the cell(s). */
export interface GridFailure {
  readonly ok: false;
  readonly reason: 'empty-header' | 'duplicate-column' | 'not-numeric' | 'bad-header-rows' | 'no-data';
  readonly message: string;
}

/** Column names from the header rows, with the cell each came from. */
export interface Header {
  readonly names: string[];
  /** Sheet column of each name. */
  readonly cols: number[];
  /** First sheet row below the header (before `skipRows`). */
  readonly bodyTop: number;
}

/** One typed column. `values` use null for missing. */
export interface GridColumn {
  readonly name: string;
  readonly values: (number | string | boolean | null)[];
}

/** Options of {@link readHeader}. */
export interface HeaderOptions {
  /** 1-based rows of the area holding the column names, ascending; empty: name columns by letter. */
  readonly headerRows: readonly number[];
  /** Joins the parts of a multi-row header. */
  readonly separator: string;
}

/** Options of {@link readBody}. */
export interface BodyOptions {
  /** Rows skipped below the header before the data starts. */
  readonly skipRows: number;
  /** Columns kept as text. */
  readonly strings: ReadonlySet<string>;
  /** Texts (after trimming) read as missing. */
  readonly na: ReadonlySet<string>;
  /** Covered cells of a merged range below the header take the merged cell's value. */
  readonly fillMerged: boolean;
}

/** The body as typed columns, with counts for the run notes. */
export interface Body {
  readonly ok: true;
  readonly columns: GridColumn[];
  /** Rows dropped because every cell was empty. */
  readonly emptyRows: number;
  /** Cells holding an Excel error value (read as missing) and the first one's address. */
  readonly errorCells: number;
  readonly firstErrorCell?: string;
}

const EMPTY: GridValue = { kind: 'empty' };
const RANGE_RE = /^\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6}):\$?([A-Za-z]{1,3})\$?([1-9][0-9]{0,6})$/;
/** Excel's limits: 16,384 columns (XFD) and 1,048,576 rows. */
export const MAX_COLS = 16384;
export const MAX_ROWS = 1048576;

/** The column number of letters ("A" → 1, "AR" → 44), or undefined. */
export function columnNumber(letters: string): number | undefined {
  if (!/^[A-Za-z]{1,3}$/.test(letters)) return undefined;
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** The letters of a column number (1 → "A", 44 → "AR"). */
export function columnLetters(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** "Sheet1!D17"; a sheet name other than letters, digits and _ is quoted as Excel does ('My data'!D17). */
export function cellAddress(sheet: string, row: number, col: number): string {
  const name = /^[\p{L}_][\p{L}\p{N}_.]*$/u.test(sheet) ? sheet : `'${sheet.replaceAll("'", "''")}'`;
  return `${name}!${columnLetters(col)}${row}`;
}

/** "B3:AR50" for an area. */
export function areaText(a: Area): string {
  return `${columnLetters(a.left)}${a.top}:${columnLetters(a.right)}${a.bottom}`;
}

/**
 * Parses an A1 range such as "B3:AR50" (corners in either order, `$` allowed), or returns a
 * sentence saying what is wrong with it.
 */
export function parseRange(text: string): Area | string {
  const m = RANGE_RE.exec(text.trim());
  if (!m) return 'it must be two cell addresses in A1 notation joined by a colon, such as "B3:AR50"';
  const c1 = columnNumber(m[1]!)!;
  const c2 = columnNumber(m[3]!)!;
  const r1 = Number(m[2]);
  const r2 = Number(m[4]);
  if (Math.max(c1, c2) > MAX_COLS) return `column ${columnLetters(Math.max(c1, c2))} is past Excel's last column XFD`;
  if (Math.max(r1, r2) > MAX_ROWS) return `row ${Math.max(r1, r2)} is past Excel's last row ${MAX_ROWS}`;
  return { top: Math.min(r1, r2), left: Math.min(c1, c2), bottom: Math.max(r1, r2), right: Math.max(c1, c2) };
}

// Plain decimals ("-12.5", "1e6", ".5"), or digits grouped in threes by commas with an
// optional decimal part ("1,234", "1,234,567.89"). Nothing else: no decimal commas, spaces
// inside, currency, percent, parentheses for negatives, hex or "Infinity".
const PLAIN_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const GROUPED_RE = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/**
 * The number a text cell holds, or undefined when it is not unambiguously one. The text is
 * trimmed (spaces, tabs, no-break and ideographic spaces); then it must be plain decimal
 * notation, or digits grouped in threes by commas with an optional "." decimal part: a comma
 * is always a thousands separator, never a decimal comma, so "1,234.5" is 1234.5 while
 * "1,23", "1.234,5" and "12 345" stay text.
 */
export function numberFromText(text: string): number | undefined {
  const t = text.trim();
  if (PLAIN_RE.test(t)) return finite(Number(t));
  if (GROUPED_RE.test(t)) return finite(Number(t.replaceAll(',', '')));
  return undefined;
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined;
}

/** The value at (row, col), or the merged cell's value when the cell is covered by a merge. */
function filledValue(grid: Grid, row: number, col: number): GridValue {
  const m = grid.mergeMaster(row, col);
  return m ? grid.value(m.row, m.col) : grid.value(row, col);
}

function headerText(v: GridValue): string {
  switch (v.kind) {
    case 'empty': return '';
    case 'number': return numberText(v.value);
    case 'bool': return v.value ? 'true' : 'false';
    default: return v.value.trim();
  }
}

function numberText(n: number): string {
  return Object.is(n, -0) ? '0' : String(n);
}

/** Column names from the header rows of `area` (see the module comment). */
export function readHeader(grid: Grid, area: Area, opts: HeaderOptions): Header | GridFailure {
  const height = area.bottom - area.top + 1;
  const rows = opts.headerRows;
  for (let i = 0; i < rows.length; i++) {
    const h = rows[i]!;
    if (h > height) return { ok: false, reason: 'bad-header-rows', message: `header row ${h} is past the ${height} row${height === 1 ? '' : 's'} read (${areaText(area)} on sheet ${quoteSheet(grid.sheet)})` };
    if (i > 0 && h <= rows[i - 1]!) return { ok: false, reason: 'bad-header-rows', message: `header rows must be listed in increasing order, got ${rows.join(', ')}` };
  }
  const names: string[] = [];
  const cols: number[] = [];
  for (let c = area.left; c <= area.right; c++) {
    if (rows.length === 0) {
      names.push(columnLetters(c));
    } else {
      const parts: string[] = [];
      for (const h of rows) {
        const part = headerText(filledValue(grid, area.top + h - 1, c));
        if (part !== '' && part !== parts[parts.length - 1]) parts.push(part);
      }
      names.push(parts.join(opts.separator));
    }
    cols.push(c);
  }
  const last = rows.length === 0 ? 0 : rows[rows.length - 1]!;
  return { names, cols, bodyTop: area.top + last };
}

/** Where a column's name comes from, for messages: the header cell(s). */
function headerCells(grid: Grid, area: Area, rows: readonly number[], col: number): string {
  const addrs = rows.map((h) => cellAddress(grid.sheet, area.top + h - 1, col));
  return addrs.length === 1 ? addrs[0]! : `${addrs[0]}…${columnLetters(col)}${area.top + rows[rows.length - 1]! - 1}`;
}

function quoteSheet(s: string): string {
  return `\`${s}\``;
}

/**
 * The data below the header as typed columns (see the module comment). `headerRows` is
 * passed again only to name header cells in messages.
 */
export function readBody(grid: Grid, area: Area, header: Header, headerRows: readonly number[], opts: BodyOptions): Body | GridFailure {
  const top = header.bodyTop + opts.skipRows;
  const rows: number[] = [];
  for (let r = top; r <= area.bottom; r++) rows.push(r);
  const cellAt = (r: number, c: number): GridValue => {
    const m = grid.mergeMaster(r, c);
    if (m) return opts.fillMerged ? grid.value(m.row, m.col) : EMPTY;
    return grid.value(r, c);
  };
  const isMissing = (v: GridValue): boolean => v.kind === 'empty' || v.kind === 'error' || (v.kind === 'text' && opts.na.has(v.value.trim()));

  // Read every cell once; find empty rows and spacer columns.
  const raw: GridValue[][] = header.cols.map(() => new Array<GridValue>(rows.length));
  const rowHasValue = new Uint8Array(rows.length);
  const colHasValue = new Uint8Array(header.cols.length);
  let errorCells = 0;
  let firstErrorCell: string | undefined;
  for (let k = 0; k < header.cols.length; k++) {
    const c = header.cols[k]!;
    const out = raw[k]!;
    for (let i = 0; i < rows.length; i++) {
      const v = cellAt(rows[i]!, c);
      out[i] = v;
      if (v.kind === 'error') {
        errorCells++;
        firstErrorCell ??= cellAddress(grid.sheet, rows[i]!, c);
      }
      if (v.kind !== 'empty') { rowHasValue[i] = 1; colHasValue[k] = 1; }
    }
  }

  const seen = new Map<string, number>();
  const keep: number[] = [];
  for (let k = 0; k < header.names.length; k++) {
    const name = header.names[k]!;
    const c = header.cols[k]!;
    if (name === '') {
      if (!colHasValue[k]) continue; // a spacer column
      return {
        ok: false,
        reason: 'empty-header',
        message: `header cell ${headerCells(grid, area, headerRows, c)} is empty but column ${columnLetters(c)} holds data; give it a name, or choose \`range\` / \`header_row\` so that every column read has one`,
      };
    }
    const prev = seen.get(name);
    if (prev !== undefined) {
      return {
        ok: false,
        reason: 'duplicate-column',
        message: `header cells ${headerCells(grid, area, headerRows, prev)} and ${headerCells(grid, area, headerRows, c)} both name a column \`${name}\`; column names must be unique: narrow \`range\`, add a header row (\`header_rows\`), or pick another \`header_row\``,
      };
    }
    seen.set(name, c);
    keep.push(k);
  }
  if (keep.length === 0) return { ok: false, reason: 'no-data', message: `no column of ${areaText(area)} on sheet ${quoteSheet(grid.sheet)} has a name or a value` };

  const live: number[] = [];
  for (let i = 0; i < rows.length; i++) if (rowHasValue[i]) live.push(i);
  const columns: GridColumn[] = [];
  for (const k of keep) {
    const name = header.names[k]!;
    const typed = typeColumn(name, raw[k]!, live, (i) => cellAddress(grid.sheet, rows[i]!, header.cols[k]!), opts, isMissing);
    if (!typed.ok) return typed;
    columns.push({ name, values: typed.values });
  }
  return { ok: true, columns, emptyRows: rows.length - live.length, errorCells, ...(firstErrorCell ? { firstErrorCell } : {}) };
}

function typeColumn(
  name: string,
  cells: readonly GridValue[],
  live: readonly number[],
  address: (i: number) => string,
  opts: BodyOptions,
  isMissing: (v: GridValue) => boolean,
): { ok: true; values: (number | string | boolean | null)[] } | GridFailure {
  if (opts.strings.has(name)) {
    return { ok: true, values: live.map((i) => { const v = cells[i]!; return isMissing(v) ? null : v.kind === 'number' ? numberText(v.value) : v.kind === 'bool' ? String(v.value) : (v as { value: string }).value; }) };
  }
  let hasNumber = false;
  let allNumeric = true;
  let allBool = true;
  let any = false;
  for (const i of live) {
    const v = cells[i]!;
    if (isMissing(v)) continue;
    any = true;
    if (v.kind === 'number') hasNumber = true;
    if (v.kind !== 'bool') allBool = false;
    if (v.kind !== 'number' && !(v.kind === 'text' && numberFromText(v.value) !== undefined)) allNumeric = false;
  }
  if (hasNumber && !allNumeric) {
    for (const i of live) {
      const v = cells[i]!;
      if (isMissing(v) || v.kind === 'number' || (v.kind === 'text' && numberFromText(v.value) !== undefined)) continue;
      const what = v.kind === 'text' ? `the text ${JSON.stringify(v.value)}` : v.kind === 'date' ? `the date ${v.value}` : `the boolean ${String((v as { value: boolean }).value).toUpperCase()}`;
      return {
        ok: false,
        reason: 'not-numeric',
        message: `${address(i)} holds ${what} in column \`${name}\`, whose other cells are numbers; list \`${name}\` in \`strings\` to read the column as text${v.kind === 'text' ? `, or add ${JSON.stringify(v.value.trim())} to \`na\` if it means a missing value` : ''}`,
      };
    }
  }
  if (any && allNumeric) {
    return { ok: true, values: live.map((i) => { const v = cells[i]!; return isMissing(v) ? null : v.kind === 'number' ? v.value : numberFromText((v as { value: string }).value)!; }) };
  }
  if (any && allBool) return { ok: true, values: live.map((i) => { const v = cells[i]!; return isMissing(v) ? null : (v as { value: boolean }).value; }) };
  return { ok: true, values: live.map((i) => { const v = cells[i]!; return isMissing(v) ? null : v.kind === 'number' ? numberText(v.value) : v.kind === 'bool' ? String(v.value) : (v as { value: string }).value; }) };
}
