/**
 * select: keeps, orders, drops and renames columns (dplyr::select / rename).
 * Order of operations: `columns` (keep these, in this order), then `drop`, then `rename`.
 */
import { columnListText } from '../engine/column-list.js';
import { own } from '../engine/dict.js';
import { didYouMean } from '../engine/suggest.js';
import { defineStep, StepError } from '../engine/step.js';
import { columnNames } from '../engine/table.js';
import type { Column } from '../engine/value.js';
import { requireColumns, tableInput } from './lib/table-input.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link select}. */
export interface SelectParams {
  columns?: string[];
  drop?: string[];
  rename?: Record<string, string>;
}

/** Keeps, drops and renames columns. */
export const select = defineStep<SelectParams>({
  name: 'select',
  version: '1',
  description: 'Keeps the listed columns in the given order, drops columns, and renames columns (applied in that order).',
  params: {
    type: 'object',
    properties: {
      columns: {
        type: 'array',
        items: { type: 'string' },
        uniqueItems: true,
        description: 'Columns to keep, in output order. Default: all columns, in their order.',
      },
      drop: { type: 'array', items: { type: 'string' }, default: [], description: 'Columns to remove.' },
      rename: {
        type: 'object',
        additionalProperties: { type: 'string' },
        default: {},
        description: 'Renames columns: {old_name: new_name}.',
      },
    },
    additionalProperties: false,
  },
  inputs: { data: { description: 'The input table.' } },
  outputs: { table: 'The table with the selected columns.' },
  columns(ctx) {
    const input = ctx.inputs.data;
    if (!input) return {};
    const { columns, drop = [], rename = {} } = ctx.params;
    // After a reported name, the output is left unknown rather than guessed (no follow-on errors).
    if (!requireInputColumns(ctx, 'data', [...paramColumns(ctx.params, 'columns'), ...paramColumns(ctx.params, 'drop')])) return {};
    const kept = (columns ?? input).filter((c) => !drop.includes(c));
    let ok = true;
    for (const [at, name, key] of paramColumns(ctx.params, 'rename', true)) {
      if (kept.includes(name)) continue;
      ctx.unknownColumn({ at, name, key, columns: kept, among: 'the selected columns' });
      ok = false;
    }
    return ok ? { table: kept.map((c) => own(rename, c) ?? c) } : {};
  },
  run(ctx) {
    const table = tableInput(ctx, 'data', 'select');
    const { columns, drop = [], rename = {} } = ctx.params;
    requireColumns(table, columns ?? [], 'select: input `data` (param `columns`)');
    requireColumns(table, drop, 'select: input `data` (param `drop`)');
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const dropped = new Set(drop);
    let kept: Column[] = (columns ?? columnNames(table)).map((n) => byName.get(n)!).filter((c) => !dropped.has(c.name));
    const keptNames = kept.map((c) => c.name);
    for (const old of Object.keys(rename)) {
      if (!keptNames.includes(old)) {
        throw new StepError('missing-column', `select: \`rename\` lists column \`${old}\`, which is not among the selected columns; ${didYouMean(old, keptNames) ?? `they are: ${columnListText(keptNames)}`}`);
      }
    }
    kept = kept.map((c) => ({ name: own(rename, c.name) ?? c.name, values: c.values }));
    const seen = new Set<string>();
    for (const c of kept) {
      if (seen.has(c.name)) throw new StepError('duplicate-column', `select: after \`rename\` two columns are named \`${c.name}\`; pick another new name or drop one`);
      seen.add(c.name);
    }
    return { table: { kind: 'table', columns: kept } };
  },
});
