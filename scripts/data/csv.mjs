// Minimal RFC 4180 CSV reading and writing for the data build (node built-ins only).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Parse CSV text into an array of string arrays. Handles quotes, "" escapes, CRLF and a BOM. */
export function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** Read a CSV file into {header, rows: object[]} keyed by header names. */
export function readCsv(path) {
  const [header, ...body] = parseCsv(readFileSync(path, 'utf8'));
  if (!header) throw new Error(`${path}: empty file`);
  const rows = body
    .filter((r) => !(r.length === 1 && r[0] === ''))
    .map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
  return { header, rows };
}

/** Parse a raw numeric cell; "NA", "" and non-numbers become null. */
export function num(cell) {
  if (cell === undefined || cell === null) return null;
  const s = String(cell).trim();
  if (s === '' || s === 'NA') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

/** Format a number for the tidy files: integers as-is, others with 10 significant digits. */
export function fmt(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) throw new Error(`non-finite value ${v}`);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(10)));
}

function quote(s) {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Write rows (arrays of cells) under a header, UTF-8, LF line ends. */
export function writeCsv(path, header, rows) {
  mkdirSync(dirname(path), { recursive: true });
  const lines = [header.map(quote).join(',')];
  for (const r of rows) lines.push(r.map((c) => quote(fmt(c))).join(','));
  writeFileSync(path, lines.join('\n') + '\n');
}
