/**
 * The header of a CSV file, read before anything runs (engine/columns.ts) without reading the
 * file: only its first record, from at most the first {@link MAX_HEADER_BYTES} bytes, with the
 * rules of engine/csv.ts (a leading UTF-8 BOM, RFC 4180 quoting with commas and line breaks
 * inside quotes, blank lines before the header skipped, names trimmed).
 *
 * A header that cannot be read this way (an empty or unnamed column, a name twice, bytes that
 * are not UTF-8, no end within the bound) gives undefined: the columns after it are then not
 * checked, and the run reports the problem with the file as it always has.
 */
import fs from 'node:fs';

/** The most bytes read to find the end of the header (a header is a line, not a data file). */
export const MAX_HEADER_BYTES = 1024 * 1024;

const CHUNK_BYTES = 64 * 1024;

/** Header by absolute path, valid while the file's size and modification time are unchanged. */
const memo = new Map<string, { stamp: string; header: readonly string[] | undefined }>();

/** The column names of the CSV file at `abs` (absolute path), frozen (they are shared), or undefined (see the module comment). */
export function readCsvHeader(abs: string): readonly string[] | undefined {
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st?.isFile()) return undefined;
  const stamp = `${st.size}:${st.mtimeMs}`;
  const hit = memo.get(abs);
  if (hit?.stamp === stamp) return hit.header;
  const read = readHeader(abs);
  const header = read && Object.freeze(read);
  memo.set(abs, { stamp, header });
  return header;
}

function readHeader(abs: string): string[] | undefined {
  let fd: number;
  try {
    fd = fs.openSync(abs, 'r');
  } catch {
    return undefined;
  }
  try {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const buf = Buffer.alloc(CHUNK_BYTES);
    let text = '';
    let read = 0;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, CHUNK_BYTES, read);
      read += n;
      const eof = n === 0 || read >= MAX_HEADER_BYTES;
      try {
        text += decoder.decode(buf.subarray(0, n), { stream: !eof });
      } catch {
        return undefined;
      }
      const r = firstRecord(text, n === 0);
      if (r !== 'incomplete') return r;
      if (eof) return undefined;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The header names of CSV `text`, 'incomplete' when the text ends before the header does
 * (and `atEnd` is false), or undefined when there is no usable header.
 */
export function firstRecord(text: string, atEnd: boolean): string[] | undefined | 'incomplete' {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = src.length;
  let i = 0;
  while (i < n || atEnd) {
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      let field = '';
      if (src[i] === '"') {
        quotedAny = true;
        i++;
        for (;;) {
          if (i >= n) return atEnd ? undefined : 'incomplete';
          if (src[i] === '"') {
            if (i + 1 >= n && !atEnd) return 'incomplete';
            if (src[i + 1] === '"') { field += '"'; i += 2; continue; }
            i++;
            break;
          }
          field += src[i];
          i++;
        }
        if (i < n && src[i] !== ',' && src[i] !== '\n' && src[i] !== '\r') return undefined;
      } else {
        let j = i;
        while (j < n && src[j] !== ',' && src[j] !== '\n' && src[j] !== '\r') j++;
        field = src.slice(i, j);
        i = j;
      }
      fields.push(field);
      if (i < n && src[i] === ',') { i++; continue; }
      if (i >= n && !atEnd) return 'incomplete';
      if (src[i] === '\r') { i++; if (src[i] === '\n') i++; }
      else if (src[i] === '\n') i++;
      break;
    }
    // A blank line is not a record (engine/csv.ts); an empty file has no header.
    if (fields.length === 1 && fields[0] === '' && !quotedAny) {
      if (i >= n) return atEnd ? undefined : 'incomplete';
      continue;
    }
    return checkNames(fields);
  }
  return atEnd ? undefined : 'incomplete';
}

function checkNames(fields: string[]): string[] | undefined {
  const names = fields.map((f) => f.trim());
  if (names.some((x) => x === '') || new Set(names).size !== names.length) return undefined;
  return names;
}
