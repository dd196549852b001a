/**
 * derive: adds or replaces columns computed row by row from mathjs expressions, e.g.
 * `{gdp: "log(gdp_raw)", rd: "rd_spend / gdp_raw"}`. Expressions run in the sandbox of
 * steps/lib/expression.ts and are applied in order, so later ones may use earlier results.
 */
import { defineStep, StepError } from '../engine/step.js';
import { columnNames, nrow, withColumn } from '../engine/table.js';
import type { Cell } from '../engine/value.js';
import { compileRowExpression, toCell } from './lib/expression.js';
import { tableInput } from './lib/table-input.js';
import { checkExpression, withColumns } from './lib/columns.js';

/** Params of {@link derive}. */
export interface DeriveParams {
  columns: Record<string, string>;
}

/** Computes new columns from row expressions. */
export const derive = defineStep<DeriveParams>({
  name: 'derive',
  version: '1',
  description: 'Adds or replaces columns computed from mathjs expressions over each row (log, sqrt, +, -, *, /, ^, comparisons, …). A missing input gives a missing result; log(0), x/0 and other non-finite results become missing and are counted in a note.',
  params: {
    type: 'object',
    properties: {
      columns: {
        type: 'object',
        additionalProperties: { type: 'string', minLength: 1 },
        minProperties: 1,
        description: 'Ordered map new_column: expression, e.g. {gdp: "log(gdp_raw)", rd: "rd_spend / gdp_raw"}. Later expressions may use earlier new columns. Column names that are integers (e.g. "2010") do not keep their order; avoid them.',
      },
    },
    required: ['columns'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'The table to extend.' } },
  outputs: { table: 'The input table with the derived columns added (or replaced in place).' },
  async columns(ctx) {
    const input = ctx.inputs.data;
    if (!input) return {};
    const names = Object.keys(ctx.params.columns);
    let available = [...input];
    for (const [k, name] of names.entries()) {
      const later = (n: string) => (names.indexOf(n) > k ? `\`${n}\` is derived only later, in \`columns\`; expressions see the columns derived above them` : undefined);
      await checkExpression(ctx, ['columns', name], ctx.params.columns[name]!, 'data', available, later);
      available = withColumns(available, [name]);
    }
    return { table: available };
  },
  async run(ctx) {
    let table = tableInput(ctx, 'data', 'derive');
    const n = nrow(table);
    for (const [name, source] of Object.entries(ctx.params.columns)) {
      const what = `derive column \`${name}\``;
      const expr = await compileRowExpression(source, columnNames(table), what);
      const cols = new Map(table.columns.map((c) => [c.name, c.values]));
      const get = (i: number) => (col: string): Cell => cols.get(col)?.[i] ?? null;
      const out: Cell[] = new Array(n);
      let nonFinite = 0;
      let firstBad = -1;
      for (let i = 0; i < n; i++) {
        let result: unknown;
        try {
          result = expr.evaluate(get(i), i);
        } catch (e) {
          if (e instanceof StepError) throw e;
          throw new StepError('expression-failed', `${what}: \`${source}\` failed at row ${i + 1}: ${(e as Error).message}`);
        }
        const cell = toCell(result, what, source, i);
        if (cell === undefined) {
          nonFinite++;
          if (firstBad < 0) firstBad = i;
          out[i] = null;
        } else out[i] = cell;
      }
      if (nonFinite > 0) {
        ctx.note(`derive: column \`${name}\` = \`${source}\`: ${nonFinite} non-finite result${nonFinite === 1 ? '' : 's'} (e.g. log(0), x/0) set to missing, first at row ${firstBad + 1}`);
      }
      table = withColumn(table, name, out);
    }
    return { table };
  },
});
