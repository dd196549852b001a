/**
 * lag: lagged (and led) copies of columns within each entity of a long panel, as plm's
 * `lag(x, k)` and Stata's `L.x`: the value of the same entity `k` periods earlier, missing
 * where that period is not in the data (the first periods, a gap). Periods are compared by
 * value, so a panel with a missing year gets a missing lag after the gap, not the value two
 * years back. Rows keep their order.
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, columnNames, withColumn } from '../engine/table.js';
import type { Cell } from '../engine/value.js';
import { paramColumns, requireInputColumns, withColumns } from './lib/columns.js';
import { requireColumns, tableInput } from './lib/table-input.js';

/** Params of {@link lag}. */
export interface LagParams {
  columns: string[];
  entity: string;
  time: string;
  lags: number[];
}

/** The name of a lag column: `pcw_lag1`, `pcw_lead1` for lag −1. */
export const lagName = (col: string, k: number): string => (k >= 0 ? `${col}_lag${k}` : `${col}_lead${-k}`);

export const lag = defineStep<LagParams>({
  name: 'lag',
  version: '1',
  description: 'Adds lagged copies of columns within each entity of a long panel (plm lag(), Stata L.): `<column>_lag<k>`, missing where the period k earlier is not in the data; a negative k is a lead (`<column>_lead<k>`).',
  params: {
    type: 'object',
    properties: {
      columns: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true, description: 'Columns to lag.' },
      entity: { type: 'string', description: 'Entity column (the panel unit).' },
      time: { type: 'string', description: 'Time column: whole-number periods (years).' },
      lags: { type: 'array', items: { type: 'integer', minimum: -100, maximum: 100, not: { const: 0 } }, minItems: 1, uniqueItems: true, default: [1], description: 'The lags to add (1 = one period earlier; −1 = one period later).' },
    },
    required: ['columns', 'entity', 'time'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'A long panel: one row per entity and period.' } },
  outputs: { table: 'The input with a `<column>_lag<k>` column per column and lag.' },
  columns(ctx) {
    const input = ctx.inputs.data;
    if (!input) return {};
    if (!requireInputColumns(ctx, 'data', [...paramColumns(ctx.params, 'columns'), [['entity'], ctx.params.entity], [['time'], ctx.params.time]])) return {};
    const { columns, lags = [1] } = ctx.params;
    return { table: withColumns(input, columns.flatMap((c) => lags.map((k) => lagName(c, k)))) };
  },
  run(ctx) {
    const { columns, entity, time, lags = [1] } = ctx.params;
    const data = tableInput(ctx, 'data', 'lag');
    requireColumns(data, [entity, time, ...columns], 'input `data`');
    const ent = column(data, entity);
    const per = column(data, time);
    // Row of each (entity, period); a duplicate makes "the value k periods earlier" ambiguous.
    const at = new Map<string, number>();
    per.forEach((t, i) => {
      if (typeof t !== 'number' || !Number.isInteger(t)) throw new StepError('bad-period', `lag: row ${i + 1} has period \`${String(t)}\` in column \`${time}\`; lags need whole-number periods (years)`);
      const key = `${String(ent[i])}\u0000${t}`;
      if (at.has(key)) throw new StepError('duplicate-row', `lag: entity \`${String(ent[i])}\` has two rows for period ${t} (rows ${at.get(key)! + 1} and ${i + 1}); lags need one row per entity and period`);
      at.set(key, i);
    });
    let out = data;
    for (const c of columns) {
      const values = column(data, c);
      for (const k of lags) {
        const name = lagName(c, k);
        if (columnNames(out).includes(name)) throw new StepError('column-exists', `lag: the input already has a column \`${name}\`; rename it, or leave out this lag`);
        const lagged: Cell[] = per.map((t, i) => {
          const j = at.get(`${String(ent[i])}\u0000${(t as number) - k}`);
          return j === undefined ? null : values[j]!;
        });
        out = withColumn(out, name, lagged);
      }
    }
    return { table: out };
  },
});
