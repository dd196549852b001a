// Test helper: read the committed data/ files (paths relative to this test file).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { splitCsv } from '../../engine/csv.js';

/** Absolute path of a file under data/, resolved from this file's location. */
export function dataPath(rel: string): string {
  return fileURLToPath(new URL(`../../data/${rel}`, import.meta.url));
}

/** Parse CSV text into rows of strings (the header first), with the engine's RFC 4180 reader. */
export function parseCsv(text: string): string[][] {
  const r = splitCsv(text);
  if (!r.ok) throw new Error(`line ${r.error.line}: ${r.error.message}`);
  return [r.value.header, ...r.value.rows];
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
