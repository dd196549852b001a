/**
 * io-table: builds one input-output table (Z, X, VA, final use) from a long table of cells,
 * e.g. one province of the 2007 provincial workbook, and checks that it balances.
 */
import { dict } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { column, columnNames, nrow, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Value } from '../engine/value.js';
import { isIoTable, type IoTable } from './io-types.js';
import { balance } from './kernels/io.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link ioTable}. */
export interface IoTableParams {
  filter?: Record<string, string | number | boolean>;
  row_col?: string;
  col_col?: string;
  value_col?: string;
  sectors?: (string | number)[] | 'auto';
  names?: string[];
  output_from?: 'column' | 'total-input-row';
  meta_columns?: string[];
  total_output_col?: string | number;
  value_added_row?: string | number;
  total_input_row?: string | number;
  final_use_col?: string | number;
  balance_tolerance?: number;
}

const DEFAULT_SECTORS = Array.from({ length: 42 }, (_, i) => String(i + 1));

/** The IoTable input `name`, or a StepError saying what arrived instead. */
export function requireIoTable(v: Value | undefined, name: string): IoTable {
  if (!isIoTable(v)) {
    const got = v === undefined ? 'nothing' : isTable(v) ? 'a table' : typeof v === 'object' && v !== null && 'kind' in v ? `a ${String((v as { kind: unknown }).kind)}` : typeof v;
    throw new StepError('not-io-table', `input \`${name}\` must be an input-output table (the output of io-table, ras, gras or concordance), got ${got}`);
  }
  return v;
}

const key = (c: Cell): string => (c === null ? '' : String(c));

/** Row codes that are also column codes, in first-seen order (params.sectors: auto). */
function autoSectors(rows: readonly Cell[], cols: readonly Cell[], total: number, selected: (k: number) => boolean): string[] {
  const colCodes = new Set<string>();
  for (let k = 0; k < total; k++) if (selected(k)) colCodes.add(key(cols[k] ?? null));
  const out = new Set<string>();
  for (let k = 0; k < total; k++) {
    const r = key(rows[k] ?? null);
    if (selected(k) && colCodes.has(r) && r !== '') out.add(r);
  }
  return [...out];
}

/** Step `io-table`. */
export const ioTable = defineStep<IoTableParams>({
  name: 'io-table',
  version: '1',
  description:
    'Builds one input-output table from a long table of cells (row code, column code, value): Z from the sector × sector cells, ' +
    'X from the total-output column (or the total-input row, output_from), VA from the value-added row, final use from the final-use column. Codes are compared as strings. ' +
    'Missing sector × sector cells count as 0; a missing X or VA cell is an error. Checks total input (total-input row, or Σ_i z_ij + VA_j ' +
    'when that row is absent) against total output for every sector and notes the worst relative imbalance. Defaults follow the 2007 ' +
    'provincial workbook: rows 1–42 sectors, 48 total VA, 49 total input; columns 1–42 sectors, 54 final use, 58 total output.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      filter: { type: 'object', description: 'Keep only rows where each column equals the value, e.g. {province: "${item.province}"}.', additionalProperties: { type: ['string', 'number', 'boolean'] } },
      row_col: { type: 'string', default: 'row', description: 'Column holding the row code.' },
      col_col: { type: 'string', default: 'col', description: 'Column holding the column code.' },
      value_col: { type: 'string', default: 'value', description: 'Column holding the cell value.' },
      sectors: {
        anyOf: [{ type: 'array', items: { type: ['string', 'number'] }, minItems: 1 }, { const: 'auto' }],
        default: DEFAULT_SECTORS,
        description: 'Sector codes in matrix order (rows and columns), or `auto`: every row code that is also a column code, in first-seen order (for tables whose total rows and columns have codes of their own, e.g. TVA and GO).',
      },
      names: { type: 'array', items: { type: 'string' }, description: 'Sector names, same order as sectors.' },
      total_output_col: { type: ['string', 'number'], default: '58', description: 'Column code of total output X.' },
      value_added_row: { type: ['string', 'number'], default: '48', description: 'Row code of total value added.' },
      total_input_row: { type: ['string', 'number'], default: '49', description: 'Row code of total input (for the balance check; computed when absent).' },
      final_use_col: { type: ['string', 'number'], default: '54', description: 'Column code of total final use (optional in the data).' },
      output_from: { enum: ['column', 'total-input-row'], description: 'Where X comes from: the total-output column (default) or the total-input row (for published tables whose total output column matches total input only within rounding; total input is then compared with Σ_i z_ij + VA_j).' },
      meta_columns: { type: 'array', items: { type: 'string' }, description: 'Columns of `data` whose value (one per selected table) is copied into the table\'s meta, e.g. [year]; io-totals can put them back as columns.' },
      balance_tolerance: { type: 'number', minimum: 0, description: 'Largest relative imbalance |input − output| / output allowed; unset = only report it.' },
    },
  },
  inputs: { data: { description: 'Long table of cells: row code, column code, value (plus the filter columns).' } },
  outputs: { table: 'The input-output table (IoTable).', balance: 'Per sector: total_input, total_output, difference, relative.' },
  columns(ctx) {
    const p = ctx.params;
    requireInputColumns(ctx, 'data', [
      ...['row_col', 'col_col', 'value_col', 'meta_columns'].flatMap((k) => paramColumns(p, k)),
      ...paramColumns(p, 'filter', true),
    ]);
    return { balance: ['sector', 'total_input', 'total_output', 'difference', 'relative'] };
  },
  run(ctx) {
    const p = ctx.params;
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('not-a-table', 'input `data` must be a table of cells (row, column, value)');
    // Codes may be written as numbers in YAML; they are compared as strings.
    const rowsC = column(data, p.row_col ?? 'row', 'input `data`');
    const colsC = column(data, p.col_col ?? 'col', 'input `data`');
    const valsC = column(data, p.value_col ?? 'value', 'input `data`');
    const filters = Object.entries(p.filter ?? {}).map(([c, want]) => ({ c, want: String(want), vals: column(data, c, 'input `data` (filter)') }));
    const selected = (k: number): boolean => filters.every((f) => key(f.vals[k] ?? null) === f.want);
    const sectors = p.sectors === 'auto' ? autoSectors(rowsC, colsC, nrow(data), selected) : (p.sectors ?? DEFAULT_SECTORS).map(String);
    if (sectors.length === 0) throw new StepError('no-sectors', 'params.sectors is auto, but no row code of input `data` (after the filter) is also a column code; list the sectors explicitly');
    if (p.names && p.names.length !== sectors.length) throw new StepError('bad-names', `params.names has ${p.names.length} entries but there are ${sectors.length} sectors`);
    const metaCols = (p.meta_columns ?? []).map((c) => ({ c, vals: column(data, c, 'input `data` (meta_columns)'), seen: new Set<string>(), first: null as Cell }));

    const n = sectors.length;
    const pos = new Map(sectors.map((s, i) => [s, i]));
    const xCode = String(p.total_output_col ?? '58');
    const vaCode = String(p.value_added_row ?? '48');
    const tiCode = String(p.total_input_row ?? '49');
    const fuCode = String(p.final_use_col ?? '54');
    const z = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const x: (number | undefined)[] = new Array(n).fill(undefined);
    const va: (number | undefined)[] = new Array(n).fill(undefined);
    const ti: (number | undefined)[] = new Array(n).fill(undefined);
    const fu: (number | undefined)[] = new Array(n).fill(undefined);
    const seen = new Set<string>();
    let kept = 0;
    const total = nrow(data);
    for (let k = 0; k < total; k++) {
      if (!selected(k)) continue;
      kept++;
      for (const m of metaCols) { const v = m.vals[k] ?? null; if (m.seen.size === 0) m.first = v; m.seen.add(key(v)); }
      const r = key(rowsC[k] ?? null);
      const c = key(colsC[k] ?? null);
      const ri = pos.get(r);
      const ci = pos.get(c);
      const target = ri !== undefined && ci !== undefined ? 'z' : ri !== undefined && c === xCode ? 'x' : ri !== undefined && c === fuCode ? 'fu'
        : ci !== undefined && r === vaCode ? 'va' : ci !== undefined && r === tiCode ? 'ti' : undefined;
      if (!target) continue;
      const cell = `${r},${c}`;
      if (seen.has(cell)) throw new StepError('duplicate-cell', `input \`data\` has more than one value for row ${r}, column ${c}${filters.length ? ' after the filter' : ''}; make the filter select a single table`);
      seen.add(cell);
      const v = valsC[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new StepError('missing-value', `input \`data\`, row ${r}, column ${c} (data row ${k + 1}): value ${v === null ? 'is missing' : `"${String(v)}" is not a number`}; fill it in (0 if there is no flow)`);
      }
      if (target === 'z') z[ri!]![ci!] = v;
      else if (target === 'x') x[ri!] = v;
      else if (target === 'fu') fu[ri!] = v;
      else if (target === 'va') va[ci!] = v;
      else ti[ci!] = v;
    }
    if (kept === 0) {
      const hint = filters.map((f) => `\`${f.c}\` values: ${[...new Set(f.vals.map((v) => key(v ?? null)))].slice(0, 40).join(', ')}`).join('; ');
      throw new StepError('empty-filter', `no rows of input \`data\` match the filter ${JSON.stringify(p.filter ?? {})}${hint ? `; ${hint}` : ''}`);
    }
    const missing = (arr: (number | undefined)[], what: string): void => {
      const m = sectors.filter((_, i) => arr[i] === undefined);
      if (m.length) throw new StepError('missing-cell', `input \`data\` has no ${what} for sector(s) ${m.join(', ')}; columns are: ${columnNames(data).join(', ')}`);
    };
    const fromTi = p.output_from === 'total-input-row';
    missing(fromTi ? ti : x, fromTi ? `total input (row ${tiCode})` : `total output (column ${xCode})`);
    missing(va, `value added (row ${vaCode})`);
    const X = (fromTi ? ti : x) as number[];
    const VA = va as number[];
    const totalInput = sectors.map((_, j) => (fromTi ? undefined : ti[j]) ?? z.reduce((s, row) => s + row[j]!, 0) + VA[j]!);
    const bal = balance(totalInput, X);
    const w = bal.worst;
    if (w >= 0) {
      const rel = bal.relative[w]!;
      ctx.note(`worst imbalance (total input vs total output): sector ${sectors[w]}, relative ${rel.toExponential(2)} (input ${totalInput[w]}, output ${X[w]})`);
      if (p.balance_tolerance !== undefined && rel > p.balance_tolerance) {
        const bad = sectors.filter((_, j) => bal.relative[j]! > p.balance_tolerance!);
        throw new StepError('io-unbalanced', `total input differs from total output beyond balance_tolerance ${p.balance_tolerance} in sector(s) ${bad.join(', ')}; worst is sector ${sectors[w]} (input ${totalInput[w]}, output ${X[w]}, relative ${rel.toExponential(2)}); fix the data or raise balance_tolerance`);
      }
    }
    const meta = dict<string | number | boolean>([['source', 'io-table']]);
    for (const [c, want] of Object.entries(p.filter ?? {})) meta[c] = want;
    for (const m of metaCols) {
      if (m.seen.size > 1) throw new StepError('meta-not-constant', `column \`${m.c}\` of input \`data\` has several values (${[...m.seen].slice(0, 10).join(', ')}) in the selected rows; params.meta_columns needs one value per table (refine the filter)`);
      if (m.first !== null) meta[m.c] = m.first;
    }
    const table: IoTable = {
      kind: 'io-table',
      sectors: [...sectors],
      ...(p.names ? { names: [...p.names] } : {}),
      z,
      x: X,
      va: VA,
      ...(fu.every((v) => v !== undefined) ? { finalDemand: fu as number[] } : {}),
      meta,
    };
    const balanceTable = tableFromColumns({ sector: [...sectors], total_input: totalInput, total_output: X, difference: bal.difference, relative: Array.from(bal.relative, (r) => (Number.isFinite(r) ? r : null)) });
    return { table: table as unknown as Value, balance: balanceTable };
  },
});
