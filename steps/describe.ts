/**
 * describe: descriptive statistics per variable (paper Table 4; Stata `summarize`):
 * variable, n, mean, sd (n − 1), min, max, and the number of missing values excluded.
 */
import { own } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { numericColumn } from '../engine/table.js';
import type { Cell, Table } from '../engine/value.js';
import { summarize } from './kernels/describe.js';
import { requireColumns, tableInput } from './lib/table-input.js';

/** Params of {@link describe}. */
export interface DescribeParams {
  columns?: string[];
  labels?: Record<string, string>;
}

/** Columns whose non-missing cells are all numbers (and that have at least one). */
function numericColumns(t: Table): string[] {
  return t.columns
    .filter((c) => c.values.some((v) => v !== null) && c.values.every((v) => v === null || typeof v === 'number'))
    .map((c) => c.name);
}

const orNull = (v: number): Cell => (Number.isFinite(v) ? v : null);

/** One row of summary statistics per variable. */
export const describe = defineStep<DescribeParams>({
  name: 'describe',
  version: '1',
  description: 'Descriptive statistics like Stata `summarize` (paper Table 4): n, mean, sample SD (n − 1), min, max of each variable; missing values are excluded and counted.',
  params: {
    type: 'object',
    properties: {
      columns: {
        type: 'array',
        items: { type: 'string' },
        uniqueItems: true,
        description: 'Variables to describe, in output order. Default: every numeric column.',
      },
      labels: {
        type: 'object',
        additionalProperties: { type: 'string' },
        default: {},
        description: 'Text shown in the `variable` column instead of a column name: {column: label}.',
      },
    },
    additionalProperties: false,
  },
  inputs: { data: { description: 'The table to describe.' } },
  outputs: { table: 'Columns variable, n, mean, sd, min, max, missing; one row per variable.' },
  run(ctx) {
    const table = tableInput(ctx, 'data', 'describe');
    const { labels = {} } = ctx.params;
    const columns = ctx.params.columns ?? numericColumns(table);
    requireColumns(table, columns, 'describe: input `data` (param `columns`)');
    const stray = Object.keys(labels).filter((k) => !columns.includes(k));
    if (stray.length > 0) {
      throw new StepError('unknown-label', `describe: \`labels\` names ${stray.map((k) => `\`${k}\``).join(', ')}, which ${stray.length === 1 ? 'is' : 'are'} not described; described variables are: ${columns.join(', ') || '(none)'}`);
    }
    const rows = columns.map((name) => ({ name, s: summarize(numericColumn(table, name, 'describe: input `data`')) }));
    const withMissing = rows.filter((r) => r.s.missing > 0);
    if (withMissing.length > 0) {
      ctx.note(`describe: missing values excluded: ${withMissing.map((r) => `${r.name} ${r.s.missing}`).join(', ')}`);
    }
    return {
      table: {
        kind: 'table',
        columns: [
          { name: 'variable', values: rows.map((r) => own(labels, r.name) ?? r.name) },
          { name: 'n', values: rows.map((r) => r.s.n) },
          { name: 'mean', values: rows.map((r) => orNull(r.s.mean)) },
          { name: 'sd', values: rows.map((r) => orNull(r.s.sd)) },
          { name: 'min', values: rows.map((r) => orNull(r.s.min)) },
          { name: 'max', values: rows.map((r) => orNull(r.s.max)) },
          { name: 'missing', values: rows.map((r) => r.s.missing) },
        ],
      },
    };
  },
});
