/**
 * pivot-wider: long → wide, like tidyr::pivot_wider. One output row per distinct
 * combination of the id columns (first-seen order), one new column per distinct value of
 * `names_from` (first-seen order). Two rows with the same ids and name are an error.
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, nrow } from '../engine/table.js';
import type { Cell, Column } from '../engine/value.js';
import { requireColumns, tableInput } from './lib/table-input.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link pivotWider}. */
export interface PivotWiderParams {
  names_from: string;
  values_from: string;
  id_cols?: string[];
  names_prefix?: string;
  values_fill?: number | string | boolean | null;
}

/** Spreads name/value rows into columns. */
export const pivotWider = defineStep<PivotWiderParams>({
  name: 'pivot-wider',
  version: '1',
  description: 'Long to wide (tidyr::pivot_wider): each distinct value of names_from becomes a column holding values_from; rows are identified by the id columns.',
  params: {
    type: 'object',
    properties: {
      names_from: { type: 'string', description: 'Column whose values become the new column names.' },
      values_from: { type: 'string', description: 'Column holding the values of the new columns.' },
      id_cols: { type: 'array', items: { type: 'string' }, uniqueItems: true, description: 'Columns identifying an output row. Default: every column except names_from and values_from.' },
      names_prefix: { type: 'string', default: '', description: 'Prefix added to the new column names (e.g. "y" gives y2011).' },
      values_fill: { type: ['number', 'string', 'boolean', 'null'], default: null, description: 'Value of combinations that do not occur (default: missing).' },
    },
    required: ['names_from', 'values_from'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'The long table.' } },
  outputs: { table: 'The wide table: id columns, then one column per name.' },
  columns(ctx) {
    requireInputColumns(ctx, 'data', [...paramColumns(ctx.params, 'names_from'), ...paramColumns(ctx.params, 'values_from'), ...paramColumns(ctx.params, 'id_cols')]);
    return { table: { unknown: `its new columns are the values of \`${ctx.params.names_from}\`, known only when it runs` } };
  },
  run(ctx) {
    const table = tableInput(ctx, 'data', 'pivot-wider');
    const { names_from, values_from, names_prefix = '', values_fill = null } = ctx.params;
    requireColumns(table, [names_from, values_from], 'pivot-wider: input `data`');
    const idNames = ctx.params.id_cols ?? table.columns.map((c) => c.name).filter((n) => n !== names_from && n !== values_from);
    requireColumns(table, idNames, 'pivot-wider: input `data` (param `id_cols`)');
    const idCols = idNames.map((n) => column(table, n));
    const nameCol = column(table, names_from);
    const valueCol = column(table, values_from);

    const rowOf = new Map<string, number>();
    const firstRow: number[] = [];
    const colOf = new Map<string, number>();
    const newNames: string[] = [];
    const cells = new Map<string, number>(); // "row:col" → source row, to find duplicates
    const n = nrow(table);
    for (let i = 0; i < n; i++) {
      const nm = nameCol[i] ?? null;
      if (nm === null) throw new StepError('missing-name', `pivot-wider: row ${i + 1} has a missing \`${names_from}\`; filter it out or fill it first`);
      const idKey = JSON.stringify(idCols.map((c) => c[i] ?? null));
      let r = rowOf.get(idKey);
      if (r === undefined) { r = firstRow.length; rowOf.set(idKey, r); firstRow.push(i); }
      const label = names_prefix + String(nm);
      let k = colOf.get(label);
      if (k === undefined) { k = newNames.length; colOf.set(label, k); newNames.push(label); }
      const cellKey = `${r}:${k}`;
      const prev = cells.get(cellKey);
      if (prev !== undefined) {
        const ids = idNames.map((name, m) => `${name} = ${JSON.stringify(idCols[m]![i] ?? null)}`).join(', ');
        throw new StepError('duplicate-row', `pivot-wider: rows ${prev + 1} and ${i + 1} both have ${ids ? ids + ', ' : ''}${names_from} = ${JSON.stringify(nm)}; each id and name must occur once (add an id column or aggregate first)`);
      }
      cells.set(cellKey, i);
    }
    for (const nm of newNames) {
      if (idNames.includes(nm)) throw new StepError('duplicate-column', `pivot-wider: new column \`${nm}\` has the name of an id column; set names_prefix`);
    }
    const out: Column[] = idNames.map((name, m) => ({ name, values: firstRow.map((i) => idCols[m]![i] ?? null) }));
    const wide: Cell[][] = newNames.map(() => new Array<Cell>(firstRow.length).fill(values_fill));
    for (const [key, i] of cells) {
      const [r, k] = key.split(':').map(Number) as [number, number];
      wide[k]![r] = valueCol[i] ?? null;
    }
    newNames.forEach((name, k) => out.push({ name, values: wide[k]! }));
    return { table: { kind: 'table', columns: out } };
  },
});
