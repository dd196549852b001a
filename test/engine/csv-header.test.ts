/**
 * The header of a CSV file read before running (engine/csv-header.ts): the first record only,
 * with engine/csv.ts's rules, from a bounded prefix, memoised by size and modification time.
 * Every expected header is the file's first line as written here, split by hand.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../engine/csv.js';
import { firstRecord, MAX_HEADER_BYTES, readCsvHeader } from '../../engine/csv-header.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-csv-header-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, content: string | Uint8Array) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};

describe('firstRecord', () => {
  it('splits the header line and trims names', () => {
    expect(firstRecord('a, b ,c\n1,2,3\n', true)).toEqual(['a', 'b', 'c']);
  });
  it('drops a BOM and skips blank lines before the header', () => {
    expect(firstRecord('\uFEFF\n\r\nx,y\r\n1,2', true)).toEqual(['x', 'y']);
  });
  it('reads quoted names with commas, doubled quotes and line breaks', () => {
    expect(firstRecord('"a,b","say ""hi""","two\nlines"\n1,2,3\n', true)).toEqual(['a,b', 'say "hi"', 'two\nlines']);
  });
  it('a header without a line end is complete only at the end of the file', () => {
    expect(firstRecord('a,b', false)).toBe('incomplete');
    expect(firstRecord('a,b', true)).toEqual(['a', 'b']);
    expect(firstRecord('"a,', false)).toBe('incomplete');
    expect(firstRecord('"a"', false)).toBe('incomplete'); // the next byte may be another quote
  });
  it('gives no header where the run would report the file', () => {
    expect(firstRecord('', true)).toBeUndefined();
    expect(firstRecord('\n\n', true)).toBeUndefined();
    expect(firstRecord('a,,c\n', true)).toBeUndefined(); // a column without a name
    expect(firstRecord('a,b,a\n', true)).toBeUndefined(); // a name twice
    expect(firstRecord('"a"x,b\n', true)).toBeUndefined(); // text after a closing quote
    expect(firstRecord('"a,b\n', true)).toBeUndefined(); // a quote never closed
  });
  it('agrees with parseCsv on the header of the same text', () => {
    const texts = ['p,q\n1,2\n', '\uFEFF"p q",r\r\n1,2\r\n', '\n\n "x" ,y\n1,2\n', 'only\n'];
    for (const t of texts) expect(firstRecord(t, true)).toEqual(parseCsv(t).columns.map((c) => c.name));
  });
});

describe('readCsvHeader', () => {
  it('reads only the header of a file', () => {
    expect(readCsvHeader(file('small.csv', 'province,year\nBEJ,2011\n'))).toEqual(['province', 'year']);
  });
  it('reads a header longer than one chunk, with multi-byte names across chunk ends', () => {
    const names = Array.from({ length: 9000 }, (_, i) => `省份_${i}`); // ~ 110 kB of header
    const p = file('wide.csv', `${names.join(',')}\n${names.map(() => '1').join(',')}\n`);
    expect(readCsvHeader(p)).toEqual(names);
  });
  it('gives up past the bound, on bytes that are not UTF-8, and on what is not a file', () => {
    expect(readCsvHeader(file('endless.csv', 'a'.repeat(MAX_HEADER_BYTES + 10)))).toBeUndefined();
    expect(readCsvHeader(file('latin1.csv', Uint8Array.from([0x61, 0x2c, 0xe9, 0x0a])))).toBeUndefined();
    expect(readCsvHeader(tmp)).toBeUndefined();
    expect(readCsvHeader(path.join(tmp, 'missing.csv'))).toBeUndefined();
  });
  it('is read again when the file changes', () => {
    const p = file('changing.csv', 'a,b\n');
    expect(readCsvHeader(p)).toEqual(['a', 'b']);
    fs.writeFileSync(p, 'a,b,c\n');
    expect(readCsvHeader(p)).toEqual(['a', 'b', 'c']);
  });
});
