/**
 * filter: keeps the rows where a mathjs boolean expression is true, e.g.
 * `year >= 2011 and province != "XZ"`. Rows where it reads a missing cell are dropped, like
 * dplyr::filter; the note counts them.
 */
import { defineStep, StepError } from '../engine/step.js';
import { columnNames, filterRows, nrow } from '../engine/table.js';
import type { Cell } from '../engine/value.js';
import { compileRowExpression } from './lib/expression.js';
import { tableInput } from './lib/table-input.js';
import { checkExpression } from './lib/columns.js';

/** Params of {@link filter}. */
export interface FilterParams {
  where: string;
}

/** Keeps the rows for which `where` is true. */
export const filter = defineStep<FilterParams>({
  name: 'filter',
  version: '1',
  description: 'Keeps the rows where a boolean mathjs expression over the row is true; rows where it reads a missing value are dropped.',
  params: {
    type: 'object',
    properties: {
      where: {
        type: 'string',
        minLength: 1,
        description: 'Boolean expression over the row\'s columns, e.g. `year >= 2011 and province != "XZ"` (and, or, not, ==, !=, <, <=, >, >=).',
      },
    },
    required: ['where'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'The table to filter.' } },
  outputs: { table: 'The rows that pass, in their original order.' },
  async columns(ctx) {
    const input = ctx.inputs.data;
    if (!input) return {};
    await checkExpression(ctx, ['where'], ctx.params.where, 'data', input);
    return { table: input };
  },
  async run(ctx) {
    const table = tableInput(ctx, 'data', 'filter');
    const { where } = ctx.params;
    const what = 'filter `where`';
    const expr = await compileRowExpression(where, columnNames(table), what);
    const cols = new Map(table.columns.map((c) => [c.name, c.values]));
    const n = nrow(table);
    const keep = new Uint8Array(n);
    let missing = 0;
    for (let i = 0; i < n; i++) {
      let r: unknown;
      try {
        r = expr.evaluate((col): Cell => cols.get(col)?.[i] ?? null, i);
      } catch (e) {
        if (e instanceof StepError) throw e;
        throw new StepError('expression-failed', `${what}: \`${where}\` failed at row ${i + 1}: ${(e as Error).message}`);
      }
      if (r === null) { missing++; continue; }
      if (typeof r !== 'boolean') {
        throw new StepError('not-boolean', `${what}: \`${where}\` gave ${typeof r === 'number' || typeof r === 'string' ? JSON.stringify(r) : 'a non-boolean value'} at row ${i + 1}; it must be true or false (use a comparison such as \`x > 0\`, and \`and\`/\`or\` rather than \`&\`/\`|\`)`);
      }
      if (r) keep[i] = 1;
    }
    const out = filterRows(table, (i) => keep[i] === 1);
    ctx.note(`filter \`${where}\`: kept ${nrow(out)} of ${n} rows${missing > 0 ? `; ${missing} dropped because the expression reads a missing value` : ''}`);
    return { table: out };
  },
});
