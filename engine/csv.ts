/**
 * RFC 4180 CSV reading and writing, shared by the read-csv / write-csv steps and by the
 * engine (`foreach: {file, column}`).
 *
 * Reading: quoted fields with embedded commas, doubled quotes and newlines; CRLF, LF or CR
 * line ends; a leading UTF-8 BOM. The first record is the header. Typing is per column,
 * like readr and pandas: NA tokens (empty, "NA", "NaN", "null") become null; a column whose
 * other cells all parse as decimal numbers becomes numbers, any other column keeps its text
 * (so a column mixing "1" and "A1" never ends up half numbers). Quoting does not change the
 * type: many exporters quote every field. Columns listed in `strings` are always text
 * (sector codes like "01"). A cell beyond the range of a float64 (`1e999`) in a column that is
 * otherwise numeric is an error naming the line, not a text column that later steps would
 * quietly read as missing.
 *
 * Numbers are parsed with `Number()`, which rounds correctly, and written with
 * `String(n)`, the shortest text that reads back to the same float64, so every finite
 * double (and -0) round-trips exactly.
 */
import { readFileSync } from 'node:fs';
import { StepError } from './step.js';
import type { Cell, Column, Table } from './value.js';

/** Options for {@link parseCsv}. */
export interface CsvReadOptions {
  /** Columns kept as text even if they look numeric. */
  readonly strings?: readonly string[];
  /** Cell texts read as missing (after trimming spaces). Default: "", "NA", "NaN", "null". */
  readonly na?: readonly string[];
  /** Name of the file for messages (as the user wrote it). Default "CSV". */
  readonly file?: string;
}

/** Options for {@link formatCsv}. */
export interface CsvWriteOptions {
  /** Text written for null cells. Default "" (empty field). */
  readonly na?: string;
  /** Line terminator. Default "\n". */
  readonly eol?: '\n' | '\r\n';
}

/** The raw records of a CSV text with the (1-based) line each one starts on. */
export interface CsvRecords {
  readonly header: string[];
  readonly rows: string[][];
  /** lines[i] is the line on which rows[i] starts. */
  readonly lines: number[];
}

/** A malformed CSV: where and what. */
export interface CsvSyntaxError {
  readonly line: number;
  readonly message: string;
}

/** Default NA tokens (R's read.csv/readr "NA" and "", pandas' "NaN" and "null"). */
export const DEFAULT_NA: readonly string[] = ['', 'NA', 'NaN', 'null'];

// Plain decimal notation only: no hex, no "Infinity", no thousands separators.
const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** What {@link splitCsv} returns: the records, or the first syntax error. */
export type CsvSplit = { ok: true; value: CsvRecords } | { ok: false; error: CsvSyntaxError };

/**
 * The last few texts given to {@link splitCsv} with their records, most recent last. The
 * engine splits a foreach file once per stage that names it, at validation and again when
 * the items are expanded (the paper names a 1.9 MB file in four stages: eight splits of it
 * took 1.3 s of a no-op run). A few entries cover every foreach file of a pipeline without
 * keeping large tables alive; `parseCsv` (read-csv and the other steps) does not use it.
 */
const splitMemo: { text: string; split: CsvSplit }[] = [];
const SPLIT_MEMO_ENTRIES = 4;

/**
 * Splits CSV text into records. Returns the records or the first syntax error (ragged row,
 * unterminated quote, text after a closing quote, empty or duplicate header).
 *
 * Memoised on the text (the last {@link SPLIT_MEMO_ENTRIES} texts): equal texts share their
 * records, so callers must not modify them.
 */
export function splitCsv(text: string): CsvSplit {
  const at = splitMemo.findIndex((m) => m.text === text);
  const hit = at >= 0 ? splitMemo.splice(at, 1)[0]! : { text, split: splitCsvText(text) };
  splitMemo.push(hit);
  if (splitMemo.length > SPLIT_MEMO_ENTRIES) splitMemo.shift();
  return hit.split;
}

/** {@link splitCsv} without the memo (a table read by a step is split once). */
function splitCsvText(text: string): CsvSplit {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: string[][] = [];
  const starts: number[] = [];
  const n = src.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let quotedAny = false;
    // Parse one record.
    for (;;) {
      let field = '';
      if (src[i] === '"') {
        quotedAny = true;
        const openLine = line;
        i++;
        for (;;) {
          if (i >= n) return { ok: false, error: { line: openLine, message: 'a quoted field is never closed (missing `"`)' } };
          const ch = src[i]!;
          if (ch === '"') {
            if (src[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          if (ch === '\r') { line++; if (src[i + 1] === '\n') { field += '\r\n'; i += 2; continue; } }
          else if (ch === '\n') line++;
          field += ch;
          i++;
        }
        const next = src[i];
        if (i < n && next !== ',' && next !== '\n' && next !== '\r') {
          return { ok: false, error: { line, message: `unexpected text after a closing quote in field ${fields.length + 1}; a quote inside a quoted field must be doubled ("")` } };
        }
      } else {
        let j = i;
        while (j < n) {
          const c = src.charCodeAt(j);
          if (c === 44 /* , */ || c === 10 /* \n */ || c === 13 /* \r */) break;
          j++;
        }
        field = src.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (i < n && src[i] === ',') { i++; continue; }
      // End of record: consume the line terminator.
      if (src[i] === '\r') { i++; if (src[i] === '\n') i++; line++; }
      else if (src[i] === '\n') { i++; line++; }
      break;
    }
    // A blank line is not a record (a one-column file's empty cell must be written "").
    if (fields.length === 1 && fields[0] === '' && !quotedAny) continue;
    records.push(fields);
    starts.push(recordLine);
  }
  const header = records[0];
  if (!header) return { ok: false, error: { line: 1, message: 'the file is empty (no header line)' } };
  const seen = new Set<string>();
  for (let k = 0; k < header.length; k++) {
    const name = header[k]!.trim();
    if (name === '') return { ok: false, error: { line: starts[0]!, message: `column ${k + 1} of the header has no name; give every column a name` } };
    if (seen.has(name)) return { ok: false, error: { line: starts[0]!, message: `the header names column \`${name}\` twice; column names must be unique` } };
    seen.add(name);
    header[k] = name;
  }
  for (let r = 1; r < records.length; r++) {
    const len = records[r]!.length;
    if (len !== header.length) {
      return { ok: false, error: { line: starts[r]!, message: `this row has ${len} field${len === 1 ? '' : 's'} but the header has ${header.length}; check for an unquoted comma or a missing field` } };
    }
  }
  return { ok: true, value: { header, rows: records.slice(1), lines: starts.slice(1) } };
}

/** Parses a cell's text as a number, or returns undefined if it is not plain decimal notation. */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER_RE.test(t) ? Number(t) : undefined;
}

/** Types the raw records of {@link splitCsv} column by column (see the module comment). */
export function typeColumns(records: CsvRecords, opts: CsvReadOptions = {}): Table {
  const na = new Set(opts.na ?? DEFAULT_NA);
  const strings = new Set(opts.strings ?? []);
  for (const s of strings) {
    if (!records.header.includes(s)) {
      throw new StepError('missing-column', `${opts.file ?? 'CSV'}: \`strings\` lists column \`${s}\`, which the file does not have; columns are: ${records.header.join(', ')}`);
    }
  }
  const columns: Column[] = records.header.map((name, k) => {
    const raw = records.rows.map((r) => r[k]!);
    const isNa = raw.map((t) => na.has(t.trim()));
    let numeric = !strings.has(name);
    const nums: number[] = new Array(raw.length);
    let overflow: number | undefined;
    if (numeric) {
      for (let r = 0; r < raw.length; r++) {
        if (isNa[r]) continue;
        const v = parseNumber(raw[r]!);
        if (v === undefined) { numeric = false; break; }
        if (!Number.isFinite(v)) overflow ??= r;
        nums[r] = v;
      }
    }
    // A number written beyond float64 (1e999) in an otherwise numeric column would make the
    // whole column text, and later steps would silently turn that cell into a missing value.
    if (numeric && overflow !== undefined) {
      const at = records.lines[overflow];
      throw new StepError('number-out-of-range', `${opts.file ?? 'CSV'}${at === undefined ? '' : `:${at}`}: column \`${name}\` holds \`${raw[overflow]!.trim()}\`, which is beyond the largest number (about 1.8e308); fix the value, or list the column under \`strings\` to keep it as text`);
    }
    const values: Cell[] = raw.map((t, r) => (isNa[r] ? null : numeric ? nums[r]! : t));
    return { name, values };
  });
  return { kind: 'table', columns };
}

/**
 * Parses CSV text into a typed table. A malformed file is a StepError (`malformed-csv`)
 * naming `file:line`.
 */
export function parseCsv(text: string, opts: CsvReadOptions = {}): Table {
  const res = splitCsvText(text);
  if (!res.ok) {
    throw new StepError('malformed-csv', `${opts.file ?? 'CSV'}:${res.error.line}: ${res.error.message}`);
  }
  return typeColumns(res.value, opts);
}

/** Formats one cell as CSV field text (quoted only when needed). */
export function formatCell(v: Cell, na = ''): string {
  if (v === null || v === undefined) return na;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return na;
    // String(-0) is "0"; keep the sign so the value round-trips bit for bit.
    return Object.is(v, -0) ? '-0' : String(v);
  }
  const s = typeof v === 'boolean' ? (v ? 'true' : 'false') : v;
  // Quote when the text would otherwise split, or lose leading/trailing spaces or an empty
  // string (an unquoted empty field would look like a blank line in a one-column file).
  if (s === '' || /[",\r\n]/.test(s) || s.trim() !== s) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** Writes a table as CSV text: a header line, then one line per row, ending with `eol`. */
export function formatCsv(t: Table, opts: CsvWriteOptions = {}): string {
  const eol = opts.eol ?? '\n';
  const na = opts.na ?? '';
  const n = t.columns[0]?.values.length ?? 0;
  const lines: string[] = [t.columns.map((c) => formatCell(c.name)).join(',')];
  for (let i = 0; i < n; i++) {
    const line = t.columns.map((c) => formatCell(c.values[i] ?? null, na)).join(',');
    // In a one-column file an empty line would be skipped as blank on reading.
    lines.push(line === '' ? '""' : line);
  }
  return lines.join(eol) + eol;
}

/**
 * The text of a CSV file, which must be UTF-8: bytes that are not (e.g. a Latin-1 or GBK
 * export) would otherwise become U+FFFD silently, so that distinct names could collide.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    let line = 1;
    let bad = 0;
    // The first offending byte: decode growing prefixes line by line (files are small enough).
    for (let i = 0, start = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        try { new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start, i)); } catch { bad = start; break; }
        line++;
        start = i + 1;
      }
    }
    throw new StepError('not-utf8', `${file} is not UTF-8 text (line ${line}, from byte ${bad}); save it as UTF-8 (e.g. a Latin-1 or GBK export: re-export, or convert it with iconv)`);
  }
}

/**
 * Reads and parses a CSV file. `opts.file` (default: `absPath`) names it in messages; pass
 * the path as the user wrote it. A missing file is a StepError (`missing-file`).
 */
export function readCsvFile(absPath: string, opts: CsvReadOptions = {}): Table {
  const file = opts.file ?? absPath;
  return parseCsv(readCsvText(absPath, file), { ...opts, file });
}

/**
 * One column of a CSV file as text, NA tokens as null: what {@link readCsvFile} reads with
 * the column listed under `strings`, without typing the other columns. For the engine's
 * `foreach: {file, column}`; the split is shared with validation's (see {@link splitCsv}).
 * Errors as readCsvFile's, and `missing-column` when the header does not have the column.
 */
export function readCsvColumn(absPath: string, column: string, opts: Pick<CsvReadOptions, 'file' | 'na'> = {}): Cell[] {
  const file = opts.file ?? absPath;
  const res = splitCsv(readCsvText(absPath, file));
  if (!res.ok) throw new StepError('malformed-csv', `${file}:${res.error.line}: ${res.error.message}`);
  const k = res.value.header.indexOf(column);
  if (k < 0) throw new StepError('missing-column', `file \`${file}\` has no column \`${column}\`; columns are: ${res.value.header.join(', ')}`);
  const na = new Set(opts.na ?? DEFAULT_NA);
  return res.value.rows.map((r) => (na.has(r[k]!.trim()) ? null : r[k]!));
}

/** A CSV file's text (UTF-8, see {@link decodeUtf8}); a file that cannot be read is `missing-file`. */
function readCsvText(absPath: string, file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absPath);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new StepError('missing-file', `cannot read ${file}${code === 'ENOENT' ? ': no such file' : `: ${(e as Error).message}`}; check the path (relative to the project root)`);
  }
  return decodeUtf8(bytes, file);
}
