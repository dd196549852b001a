// Test helper: read the committed data/ files (paths relative to this test file).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under data/, resolved from this file's location. */
export function dataPath(rel: string): string {
  return fileURLToPath(new URL(`../../data/${rel}`, import.meta.url));
}

/** Parse CSV text (RFC 4180 quoting) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
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
    else if (ch === '\n') { row.push(field); rows.push(row); row = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** A CSV file of data/ as its header and records keyed by column name. */
export function readData(rel: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...body] = parseCsv(readFileSync(dataPath(rel), 'utf8'));
  if (!header) throw new Error(`${rel} is empty`);
  return { header, rows: body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/** Sample moments with the n - 1 SD. */
export function moments(v: number[]): { n: number; mean: number; sd: number; min: number; max: number } {
  const n = v.length;
  const mean = v.reduce((s, x) => s + x, 0) / n;
  const sd = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd, min: Math.min(...v), max: Math.max(...v) };
}

/** Only the header row of a CSV file of data/ (cheap for the large files). */
export function readHeader(rel: string): string[] {
  const text = readFileSync(dataPath(rel), 'utf8');
  const end = text.indexOf('\n');
  return parseCsv(end < 0 ? text : text.slice(0, end + 1))[0] ?? [];
}
