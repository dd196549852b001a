/**
 * bind-rows: stacks tables by column name (dplyr::bind_rows): columns are the union in
 * first-seen order, cells a table lacks are missing. Inputs are stacked in the order the
 * YAML lists them; `id` optionally records which input each row came from.
 */
import { defineStep } from '../engine/step.js';
import { bindRows, nrow, withColumn } from '../engine/table.js';
import { tableInput } from './lib/table-input.js';
import { withColumns } from './lib/columns.js';

/** Params of {@link bindRowsStep}. */
export interface BindRowsParams {
  id?: string;
}

export const bindRowsStep = defineStep<BindRowsParams>({
  name: 'bind-rows',
  version: '1',
  description: 'Stacks the input tables (any input names, in the order listed) by column name, like dplyr::bind_rows; missing columns become NA.',
  params: {
    type: 'object',
    properties: {
      id: { type: 'string', description: 'If set, adds a column of this name holding the input name each row came from.' },
    },
    additionalProperties: false,
  },
  inputs: { '*': { description: 'Tables to stack; the input names are free.', optional: true } },
  outputs: { table: 'The stacked table.' },
  columns(ctx) {
    const out: string[] = [];
    for (const name of Object.keys(ctx.inputs)) {
      const cols = ctx.inputs[name];
      if (!cols) return {};
      for (const c of ctx.params.id ? withColumns(cols, [ctx.params.id]) : cols) if (!out.includes(c)) out.push(c);
    }
    return { table: out };
  },
  run(ctx) {
    const tables = Object.keys(ctx.inputs).map((name) => {
      const t = tableInput(ctx, name, 'bind-rows');
      return ctx.params.id ? withColumn(t, ctx.params.id, new Array(nrow(t)).fill(name)) : t;
    });
    return { table: bindRows(tables) };
  },
});
