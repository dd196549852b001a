/**
 * describe: descriptive statistics per variable (paper Table 4; Stata `summarize`):
 * variable, n, mean, sd (n − 1), min, max, and the number of missing values excluded; with
 * `descriptions`, a description column whose text is looked up by the column's name, so the
 * rows follow `columns: ["${params.y}", "${params.x}"]` when the model's variables change.
 */
import { own } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { numericColumn } from '../engine/table.js';
import type { Cell, Table } from '../engine/value.js';
import { summarize } from './kernels/describe.js';
import { requireColumns, tableInput } from './lib/table-input.js';
import { paramColumns, requireInputColumns, type NamedColumn } from './lib/columns.js';

/** Params of {@link describe}. */
export interface DescribeParams {
  /** Names, or lists of names (a list param such as `${params.x}`), flattened in order. */
  columns?: (string | string[])[];
  labels?: Record<string, string>;
  descriptions?: Record<string, string>;
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
  version: '1.1',
  description: 'Descriptive statistics like Stata `summarize` (paper Table 4): n, mean, sample SD (n − 1), min, max of each variable; missing values are excluded and counted.',
  params: {
    type: 'object',
    properties: {
      columns: {
        type: 'array',
        items: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        description: 'Variables to describe, in output order; an item may be a list, e.g. `["${params.y}", "${params.x}"]`, and is flattened. Default: every numeric column.',
      },
      labels: {
        type: 'object',
        additionalProperties: { type: 'string' },
        default: {},
        description: 'Text shown in the `variable` column instead of a column name: {column: label}.',
      },
      descriptions: {
        type: 'object',
        additionalProperties: { type: 'string' },
        description: 'Adds a `description` column after `variable`: {column: text}, looked up by the column\'s name; a variable without an entry gets its name. Entries for columns not described are ignored (one map can serve several variations).',
      },
    },
    additionalProperties: false,
  },
  inputs: { data: { description: 'The table to describe.' } },
  outputs: { table: 'Columns variable (then description, with `descriptions`), n, mean, sd, min, max, missing; one row per variable.' },
  columns(ctx) {
    const { columns, descriptions } = ctx.params;
    const named: NamedColumn[] = (columns ?? []).flatMap((c, i): NamedColumn[] => (Array.isArray(c) ? c.map((n, j) => [['columns', i, j], n]) : [[['columns', i], c]]));
    const ok = requireInputColumns(ctx, 'data', named);
    // Without `columns` the described ones are the numeric columns, known only from the data.
    if (columns) {
      const described = named.map(([, n]) => n);
      for (const [at, name, key] of paramColumns(ctx.params, 'labels', true)) {
        if (!described.includes(name)) ctx.unknownColumn({ at, name, key, columns: described, among: 'the described columns' });
      }
    }
    return ok ? { table: ['variable', ...(descriptions ? ['description'] : []), 'n', 'mean', 'sd', 'min', 'max', 'missing'] } : {};
  },
  run(ctx) {
    const table = tableInput(ctx, 'data', 'describe');
    const { labels = {}, descriptions } = ctx.params;
    const columns = ctx.params.columns?.flat() ?? numericColumns(table);
    const twice = columns.filter((c, i) => columns.indexOf(c) !== i);
    if (twice.length > 0) throw new StepError('duplicate-column', `describe: \`columns\` names ${[...new Set(twice)].map((c) => `\`${c}\``).join(', ')} more than once (after flattening its lists); describe each variable once`);
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
          ...(descriptions ? [{ name: 'description', values: rows.map((r) => own(descriptions, r.name) ?? r.name) }] : []),
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
