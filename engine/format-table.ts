/** Plain-text rendering of tables and reports for the terminal. */
import type { Cell, Table } from './value.js';
import { nrow } from './table.js';

/** A number as a person reads it: up to 10 significant digits, no exponent for usual sizes. */
export function formatNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const a = Math.abs(n);
  if (a !== 0 && (a < 1e-4 || a >= 1e15)) return n.toExponential(6);
  return String(Number(n.toPrecision(10)));
}

export function formatCellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return 'NA';
  if (typeof c === 'number') return formatNumber(c);
  return String(c);
}

/** Aligns rows of text into columns; numeric-looking columns are right-aligned. */
export function alignRows(header: string[], rows: string[][], rightAlign?: boolean[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const pad = (s: string, j: number) => (rightAlign?.[j] ? s.padStart(widths[j]!) : s.padEnd(widths[j]!));
  const line = (r: string[]) => r.map((s, j) => pad(s, j)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

export function formatTable(t: Table, maxRows = Infinity): string {
  const n = nrow(t);
  const shown = Math.min(n, maxRows);
  const rows: string[][] = [];
  for (let i = 0; i < shown; i++) rows.push(t.columns.map((c) => formatCellText(c.values[i])));
  const right = t.columns.map((c) => c.values.every((v) => v === null || typeof v === 'number'));
  let text = alignRows(t.columns.map((c) => c.name), rows, right);
  if (shown < n) text += `… ${n - shown} more rows (use --csv for all)\n`;
  return text;
}
