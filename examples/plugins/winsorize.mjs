// A transform plugin: clamps numeric columns to their quantiles. This file is the first
// example of docs/plugins.md, which explains it (a test keeps the two equal).
import { defineStep, numericColumn, requireColumns, StepError, tableInput, withColumn } from 'agglo/plugin';

/** The type-7 quantile of sorted values (R's default): interpolates between order statistics. */
function quantile(sorted, p) {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export default defineStep({
  name: 'winsorize',
  version: '1.0.0',
  description: 'Clamps the listed numeric columns to their p and 1 − p quantiles (type 7, as R); missing values stay missing.',
  params: {
    type: 'object',
    properties: {
      columns: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Columns to winsorize.' },
      p: { type: 'number', exclusiveMinimum: 0, maximum: 0.5, default: 0.05, description: 'Tail share clamped at each end.' },
    },
    required: ['columns'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'A table.' } },
  outputs: { table: 'The table with the columns clamped.' },
  // Checked before anything runs (agglo validate): each listed column must be an input column.
  columns(ctx) {
    const have = ctx.inputs.data; // the input's column names, or undefined when not known yet
    ctx.params.columns.forEach((name, i) => {
      if (have && !have.includes(name)) ctx.unknownColumn({ at: ['columns', i], name, columns: have, input: 'data' });
    });
    return { table: have }; // the output has the input's columns
  },
  run(ctx) {
    const { columns, p } = ctx.params;
    const data = tableInput(ctx, 'data', 'winsorize');
    requireColumns(data, columns, 'winsorize: input `data`');
    let out = data;
    for (const name of columns) {
      const x = numericColumn(data, name, 'winsorize: input `data`'); // Float64Array, NaN where missing
      const sorted = x.filter((v) => !Number.isNaN(v)).sort();
      if (sorted.length === 0) {
        throw new StepError('all-missing', `winsorize: column \`${name}\` has no value to take quantiles of; remove it from \`columns\``);
      }
      const lo = quantile(sorted, p);
      const hi = quantile(sorted, 1 - p);
      let clamped = 0;
      const values = x.map((v) => {
        const w = Math.min(hi, Math.max(lo, v)); // NaN stays NaN
        if (w !== v && !Number.isNaN(v)) clamped++;
        return w;
      });
      ctx.note(`${name}: clamped ${clamped} value(s) to [${lo}, ${hi}]`);
      out = withColumn(out, name, values); // NaN becomes null (missing) again
    }
    return { table: out };
  },
});
