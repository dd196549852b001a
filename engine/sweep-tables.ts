/**
 * Table collects of a sweep (`collect: [{ stage, output, columns }]`): each variant's output
 * taken as rows (a table's rows; an object's scalar fields as one row), gathered into
 * results/<sweep>/<stage>.<output>.csv with the variant id and each dimension's choice in
 * front, and shown in the sweep's summary.md.
 */
import { decodeValue } from './canonical.js';
import { formatCsv } from './csv.js';
import { own } from './dict.js';
import type { PipelineState } from './state.js';
import type { Store } from './store.js';
import type { CollectSpec } from './sweep-file.js';
import { didYouMean, nameList } from './suggest.js';
import { tableFromColumns, tableRows } from './table.js';
import { isTable, type Cell } from './value.js';

/** One variant's rows of one table collect. */
export interface CollectedRows {
  /** `<stage>.<output>`: the file's name in results/<sweep>/ without `.csv`. */
  readonly key: string;
  readonly variant: string;
  readonly choices: Readonly<Record<string, string>>;
  /** The rows, columns in the order collected (`columns:`, or the output's own). */
  readonly rows: readonly Record<string, Cell>[];
}

/** The output a table collect takes: the one named, else the step's first. */
export function collectedOutput(c: CollectSpec, outputs: readonly string[]): string {
  return c.output ?? outputs[0] ?? 'table';
}

/** The key (file name without `.csv`) of a table collect. */
export const collectKey = (stage: string, output: string): string => `${stage}.${output}`;

/**
 * A variant's rows of one table collect, read from the cache through its state; an error
 * (a sentence) when the output is missing, not tabular, or lacks a listed column.
 */
export function readCollectedRows(store: Store, state: PipelineState, c: CollectSpec, output: string): { rows: Record<string, Cell>[] } | { error: string } {
  const hash = own(own(own(state.stages, c.stage)?.items, '')?.outputs, output);
  const bytes = hash ? store.getObject(hash) : undefined;
  if (!bytes) return { error: `the output \`${output}\` of \`${c.stage}\` is missing from the cache; run the sweep again` };
  const value = decodeValue(Buffer.from(bytes).toString('utf8'));
  let rows: Record<string, Cell>[];
  if (isTable(value)) rows = tableRows(value);
  else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const row: Record<string, Cell> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (isCell(v)) row[k] = v;
    rows = [row];
  } else return { error: `the output \`${output}\` of \`${c.stage}\` is neither a table nor an object of values; collect takes tables and objects` };
  if (!c.columns) return { rows };
  const have = new Set(rows.flatMap((r) => Object.keys(r)));
  // An object's field may be absent in one variant for a reason (no value); a table column the
  // output never has is a typo, named with what there is.
  const missing = c.columns.filter((k) => !have.has(k));
  if (missing.length > 0 && (isTable(value) || missing.length === c.columns.length)) {
    const names = [...have];
    const hint = didYouMean(missing[0]!, names);
    return { error: `\`collect\`: the output \`${output}\` of \`${c.stage}\` has no ${nameList(missing)}${hint ? ` (${hint})` : ''}; it has ${nameList(names)}` };
  }
  return { rows: rows.map((r) => Object.fromEntries(c.columns!.map((k) => [k, own(r, k) ?? null]))) };
}

const isCell = (v: unknown): v is Cell => v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

/**
 * The text of results/<sweep>/<key>.csv: variant, the dimensions, then the collected columns
 * in the order first seen. A column named like a dimension (or `variant`) is prefixed with
 * the output's name, so no header is ambiguous.
 */
export function collectedCsv(rows: readonly CollectedRows[], dimensions: readonly string[]): string {
  const { names, shown } = collectedColumns(rows, dimensions);
  const flat = rows.flatMap((r) => r.rows.map((row) => ({ r, row })));
  const cols: Record<string, Cell[]> = { variant: flat.map(({ r }) => r.variant) };
  for (const d of dimensions) cols[d] = flat.map(({ r }) => r.choices[d] ?? '');
  names.forEach((k, i) => (cols[shown[i]!] = flat.map(({ row }) => own(row, k) ?? null)));
  return formatCsv(tableFromColumns(cols));
}

/** A Markdown section showing a collected table (at most `limit` rows; the CSV has them all). */
export function collectedMarkdown(key: string, rows: readonly CollectedRows[], dimensions: readonly string[], limit = 200): string {
  const { names, shown } = collectedColumns(rows, dimensions);
  const flat = rows.flatMap((r) => r.rows.map((row) => ({ r, row })));
  const head = ['variant', ...dimensions, ...shown];
  const fmt = (c: Cell | undefined): string => (c === null || c === undefined ? '' : typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toPrecision(4)) : String(c).replace(/\|/g, '\\|'));
  const lines = [
    `## Collected: \`${key}\` (${flat.length} row${flat.length === 1 ? '' : 's'}; all of them in ${key}.csv)`,
    '',
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...flat.slice(0, limit).map(({ r, row }) => `| ${[r.variant, ...dimensions.map((d) => r.choices[d] ?? ''), ...names.map((k) => fmt(own(row, k)))].join(' | ')} |`),
  ];
  if (flat.length > limit) lines.push('', `(${flat.length - limit} more rows in ${key}.csv)`);
  return lines.join('\n') + '\n';
}

function collectedColumns(rows: readonly CollectedRows[], dimensions: readonly string[]): { names: string[]; shown: string[] } {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const row of r.rows) for (const k of Object.keys(row)) if (!seen.has(k)) seen.add(k), names.push(k);
  const taken = new Set(['variant', ...dimensions]);
  const output = rows[0]?.key.split('.').slice(1).join('.') ?? 'value';
  return { names, shown: names.map((k) => (taken.has(k) ? `${output}.${k}` : k)) };
}
