import { describe, expect, it } from 'vitest';
import { formatCell, formatCsv, parseCsv, splitCsv } from '../../engine/csv.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

describe('parseCsv: RFC 4180 syntax', () => {
  it('reads quoted fields with commas, doubled quotes and newlines, CRLF and a BOM', () => {
    // Hand-written file: 2 data rows; row 1's `note` spans two lines.
    const text = '\uFEFFid,note,x\r\n1,"a, b ""c""\r\nd",2.5\r\n2,plain,-3\r\n';
    const t = parseCsv(text);
    expect(tableRows(t)).toEqual([
      { id: 1, note: 'a, b "c"\r\nd', x: 2.5 },
      { id: 2, note: 'plain', x: -3 },
    ]);
  });

  it('accepts LF and CR line ends, a missing final newline, and skips blank lines', () => {
    expect(tableRows(parseCsv('a,b\n1,2\n\n3,4'))).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
    expect(tableRows(parseCsv('a,b\r1,2\r3,4\r'))).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
  });

  it('reports a ragged row as file:line, counting lines inside quoted fields', () => {
    // Row "2,x" starts on line 4: line 2 holds the start of a quoted field that ends on line 3.
    const e = failure(() => parseCsv('a,b\n1,"two\nlines"\n2,x,extra\n', { file: 'data/p.csv' }));
    expect(e.reason).toBe('malformed-csv');
    expect(e.message).toMatch(/^data\/p\.csv:4: this row has 3 fields but the header has 2/);
  });

  it('reports an unterminated quote at the line where it opens, and text after a closing quote', () => {
    expect(failure(() => parseCsv('a\n1\n"open\n\n', { file: 'f.csv' })).message).toMatch(/^f\.csv:3: a quoted field is never closed/);
    expect(failure(() => parseCsv('a,b\n"x"y,1\n', { file: 'f.csv' })).message).toMatch(/^f\.csv:2: unexpected text after a closing quote/);
  });

  it('rejects an empty file, an empty header name and a duplicate header name', () => {
    expect(failure(() => parseCsv('', { file: 'f.csv' })).message).toMatch(/f\.csv:1: the file is empty/);
    expect(failure(() => parseCsv('a,,c\n1,2,3\n')).message).toMatch(/column 2 of the header has no name/);
    expect(failure(() => parseCsv('a,b,a\n1,2,3\n')).message).toMatch(/names column `a` twice/);
  });

  it('splitCsv returns the error as a value (for the engine)', () => {
    const r = splitCsv('a,b\n1\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.line).toBe(2);
  });
});

describe('parseCsv: typing', () => {
  it('reads "", NA, NaN and null as missing and types each column', () => {
    const t = parseCsv('code,x,name\n01,1.5,BEJ\n02,NA,\n03,NaN,null\nA4,"2",TJ\n');
    expect(tableRows(t)).toEqual([
      // `code` mixes "01" and "A4", so it stays text (column typing, like readr).
      { code: '01', x: 1.5, name: 'BEJ' },
      { code: '02', x: null, name: null },
      { code: '03', x: null, name: null },
      // A quoted number is still a number (exporters that quote every field).
      { code: 'A4', x: 2, name: 'TJ' },
    ]);
  });

  it('keeps columns listed in `strings` as text', () => {
    const t = parseCsv('sector,v\n01,1\n02,2\n', { strings: ['sector'] });
    expect(tableRows(t)).toEqual([{ sector: '01', v: 1 }, { sector: '02', v: 2 }]);
    // Without the option the codes become numbers 1, 2 (numbers → number).
    expect(tableRows(parseCsv('sector,v\n01,1\n')).at(0)?.sector).toBe(1);
  });

  it('does not treat hex, Infinity or thousands separators as numbers', () => {
    const t = parseCsv('a\n0x10\n', {});
    expect(tableRows(t)[0]?.a).toBe('0x10');
    expect(tableRows(parseCsv('a\nInfinity\n'))[0]?.a).toBe('Infinity');
    expect(tableRows(parseCsv('a\n"1,000"\n'))[0]?.a).toBe('1,000');
  });

  it('names an unknown `strings` column', () => {
    expect(failure(() => parseCsv('a\n1\n', { strings: ['b'], file: 'f.csv' })).message).toMatch(/lists column `b`.*columns are: a/);
  });
});

describe('formatCsv and round trips', () => {
  it('quotes only fields that need it and writes missing as empty', () => {
    // Hand-written expectation.
    const t = tableFromColumns({ s: ['a,b', 'say "hi"', ' pad', 'x'], n: [1, null, -0, 0.1], b: [true, false, null, true] });
    expect(formatCsv(t)).toBe('s,n,b\n"a,b",1,true\n"say ""hi""",,false\n" pad",-0,\nx,0.1,true\n');
    expect(formatCsv(t, { eol: '\r\n', na: 'NA' }).split('\r\n')[2]).toBe('"say ""hi""",NA,false');
    expect(formatCell('')).toBe('""');
  });

  it('round-trips float64 values exactly (shortest round-trip String(n) → Number)', () => {
    const special = [
      0.1 + 0.2, // 0.30000000000000004, not 0.3
      1e-310, // subnormal
      5e-324, // smallest subnormal
      2 ** 53 + 2, // beyond exact integers; 9007199254740994
      -(2 ** 53) - 2,
      Number.MAX_VALUE,
      -Number.MIN_VALUE,
      1 / 3,
      -0,
      123456789.12345679,
      2.2250738585072014e-308, // smallest normal
    ];
    // Pseudo-random bit patterns (xorshift, fixed seed) cover every exponent range.
    const rnd: number[] = [];
    let s = 0x9e3779b9;
    const next = () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return s >>> 0; };
    const view = new DataView(new ArrayBuffer(8));
    while (rnd.length < 2000) {
      view.setUint32(0, next()); view.setUint32(4, next());
      const v = view.getFloat64(0);
      if (Number.isFinite(v)) rnd.push(v);
    }
    const values = [...special, ...rnd];
    const back = parseCsv(formatCsv(tableFromColumns({ x: values })));
    const got = back.columns[0]!.values;
    expect(got.length).toBe(values.length);
    for (let i = 0; i < values.length; i++) expect(Object.is(got[i], values[i]), `value ${values[i]}`).toBe(true);
  });

  it('round-trips text with commas, quotes and newlines, and a one-column table with missing cells', () => {
    const t = tableFromColumns({ s: ['a,b', 'q"q', 'line1\nline2', 'crlf\r\nx', 'BEJ'] });
    expect(parseCsv(formatCsv(t))).toEqual(t);
    const one = tableFromColumns({ x: [1, null, 3] });
    expect(parseCsv(formatCsv(one))).toEqual(one);
  });
});

describe('readCsvFile: UTF-8 only (GitHub issue 9)', () => {
  it('refuses Latin-1 bytes with the line, instead of turning them into U+FFFD', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readCsvFile } = await import('../../engine/csv.js');
    const dir = mkdtempSync(join(tmpdir(), 'agglo-latin1-'));
    // "café" and "cafè" in Latin-1 (0xE9, 0xE8): as U+FFFD both would read "caf\uFFFD".
    writeFileSync(join(dir, 'x.csv'), Buffer.from([...Buffer.from('name,v\n'), ...Buffer.from('caf'), 0xe9, ...Buffer.from(',1\ncaf'), 0xe8, ...Buffer.from(',2\n')]));
    let err: { reason?: string; message?: string } = {};
    try { readCsvFile(join(dir, 'x.csv'), { file: 'data/x.csv' }); } catch (e) { err = e as typeof err; }
    expect(err.reason).toBe('not-utf8');
    expect(err.message).toBe('data/x.csv is not UTF-8 text (line 2, from byte 7); save it as UTF-8 (e.g. a Latin-1 or GBK export: re-export, or convert it with iconv)');
    // UTF-8 with a BOM still reads.
    writeFileSync(join(dir, 'y.csv'), '\uFEFFname,v\ncafé,1\n');
    expect(readCsvFile(join(dir, 'y.csv')).columns.map((c) => c.name)).toEqual(['name', 'v']);
  });
});

describe('splitCsv memo and readCsvColumn (foreach files, issue 10)', () => {
  it('splitCsv gives the same records for the same text without splitting it again', () => {
    const text = 'k,v\na,1\nb,2\n';
    const first = splitCsv(text);
    // An equal text built separately (as a second read of the file would be) hits the memo.
    expect(splitCsv(['k,v', 'a,1', 'b,2', ''].join('\n'))).toBe(first);
    expect(splitCsv('k,v\na,1\n')).not.toBe(first);
    // parseCsv does not share records with it (a step may read a large table once).
    expect(parseCsv(text).columns[0]!.values).toEqual(['a', 'b']);
  });

  it('keeps only the last few texts', () => {
    const first = splitCsv('only,once\n1,2\n');
    for (let i = 0; i < 8; i++) splitCsv(`n\n${i}\n`);
    const again = splitCsv('only,once\n1,2\n');
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

  it('readCsvColumn reads one column as text, missing tokens as null, errors as readCsvFile', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readCsvColumn } = await import('../../engine/csv.js');
    const dir = mkdtempSync(join(tmpdir(), 'agglo-column-'));
    // `x` holds a number beyond float64: read whole (readCsvFile), the file is an error; the
    // column `code` alone is not.
    writeFileSync(join(dir, 'a.csv'), 'code,x\n01,1\nNA,1e999\n" 02 ",3\n,4\n');
    expect(readCsvColumn(join(dir, 'a.csv'), 'code', { file: 'data/a.csv' })).toEqual(['01', null, ' 02 ', null]);
    expect(failure(() => readCsvColumn(join(dir, 'a.csv'), 'cod', { file: 'data/a.csv' })).message).toBe('file `data/a.csv` has no column `cod`; columns are: code, x');
    writeFileSync(join(dir, 'b.csv'), 'code,x\n01\n');
    const bad = failure(() => readCsvColumn(join(dir, 'b.csv'), 'code', { file: 'data/b.csv' }));
    expect([bad.reason, bad.message]).toEqual(['malformed-csv', 'data/b.csv:2: this row has 1 field but the header has 2; check for an unquoted comma or a missing field']);
    expect(failure(() => readCsvColumn(join(dir, 'none.csv'), 'code', { file: 'data/none.csv' })).reason).toBe('missing-file');
  });
});
