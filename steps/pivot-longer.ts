/**
 * pivot-longer: wide → long, like tidyr::pivot_longer. Each input row becomes one row per
 * pivoted column, holding the other (id) columns, the column's name and its value.
 */
import { defineStep, StepError } from '../engine/step.js';
import { nrow } from '../engine/table.js';
import type { Cell, Column } from '../engine/value.js';
import { parseNumber } from '../engine/csv.js';
import { requireColumns, tableInput } from './lib/table-input.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link pivotLonger}. */
export interface PivotLongerParams {
  cols: string[];
  names_to?: string;
  values_to?: string;
  names_prefix?: string;
  names_numeric?: boolean;
  values_drop_na?: boolean;
}

/** Turns the listed columns into name/value rows. */
export const pivotLonger = defineStep<PivotLongerParams>({
  name: 'pivot-longer',
  version: '1',
  description: 'Wide to long (tidyr::pivot_longer): the listed columns become rows of a name column and a value column; the other columns are repeated.',
  params: {
    type: 'object',
    properties: {
      cols: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true, description: 'Columns to pivot into rows, e.g. ["2011", "2012"].' },
      names_to: { type: 'string', default: 'name', description: 'Name of the new column holding the former column names.' },
      values_to: { type: 'string', default: 'value', description: 'Name of the new column holding the values.' },
      names_prefix: { type: 'string', default: '', description: 'Prefix removed from the former column names (e.g. "y" turns "y2011" into "2011").' },
      names_numeric: { type: 'boolean', default: false, description: 'Store the names as numbers (e.g. years); a name that is not a number is an error.' },
      values_drop_na: { type: 'boolean', default: false, description: 'Drop rows whose value is missing.' },
    },
    required: ['cols'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'The wide table.' } },
  outputs: { table: 'The long table: id columns, then names_to, then values_to.' },
  columns(ctx) {
    const input = ctx.inputs.data;
    const { cols, names_to = 'name', values_to = 'value' } = ctx.params;
    if (!input || !requireInputColumns(ctx, 'data', paramColumns(ctx.params, 'cols'))) return {};
    return { table: [...input.filter((c) => !cols.includes(c)), names_to, values_to] };
  },
  run(ctx) {
    const table = tableInput(ctx, 'data', 'pivot-longer');
    const { cols, names_to = 'name', values_to = 'value', names_prefix = '', names_numeric = false, values_drop_na = false } = ctx.params;
    requireColumns(table, cols, 'pivot-longer: input `data` (param `cols`)');
    const pivoted = new Set(cols);
    const ids = table.columns.filter((c) => !pivoted.has(c.name));
    for (const n of [names_to, values_to]) {
      if (ids.some((c) => c.name === n)) throw new StepError('duplicate-column', `pivot-longer: \`${n}\` is already a column that is not pivoted; choose another names_to/values_to`);
    }
    if (names_to === values_to) throw new StepError('duplicate-column', 'pivot-longer: names_to and values_to must differ');
    const labels: Cell[] = cols.map((c) => {
      const stripped = c.startsWith(names_prefix) ? c.slice(names_prefix.length) : c;
      if (!names_numeric) return stripped;
      const v = parseNumber(stripped);
      if (v === undefined) throw new StepError('not-numeric', `pivot-longer: column name \`${c}\` is not a number after removing prefix "${names_prefix}"; set names_numeric: false or names_prefix`);
      return v;
    });
    const srcs = cols.map((c) => table.columns.find((x) => x.name === c)!.values);
    const outIds: Column[] = ids.map((c) => ({ name: c.name, values: [] }));
    const names: Cell[] = [];
    const values: Cell[] = [];
    const n = nrow(table);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < cols.length; k++) {
        const v = srcs[k]![i] ?? null;
        if (v === null && values_drop_na) continue;
        ids.forEach((c, m) => outIds[m]!.values.push(c.values[i] ?? null));
        names.push(labels[k]!);
        values.push(v);
      }
    }
    return { table: { kind: 'table', columns: [...outIds, { name: names_to, values: names }, { name: values_to, values }] } };
  },
});
