/** Shared input checks for the table steps. */
import { StepError } from '../../engine/step.js';
import type { StepContext } from '../../engine/step.js';
import { missingColumnsText } from '../../engine/column-list.js';
import { columnNames } from '../../engine/table.js';
import { isTable } from '../../engine/value.js';
import type { Table } from '../../engine/value.js';

/** The table input `name` of a step, or a StepError saying it is not a table. */
export function tableInput(ctx: StepContext<unknown>, name: string, step: string): Table {
  const v = ctx.inputs[name];
  if (!isTable(v)) {
    const got = v === undefined ? 'missing' : typeof v === 'object' && v !== null && 'kind' in v ? `a ${String((v as { kind: unknown }).kind)}` : `a ${typeof v}`;
    throw new StepError('not-a-table', `${step}: input \`${name}\` is ${got}, not a table; connect it to a stage that produces a table`);
  }
  return v;
}

/** Throws a `missing-column` StepError unless every name in `names` is a column of `t`. */
export function requireColumns(t: Table, names: readonly string[], where: string): void {
  const have = new Set(columnNames(t));
  const missing = names.filter((n) => !have.has(n));
  if (missing.length > 0) {
    throw new StepError('missing-column', missingColumnsText(where, missing, columnNames(t)));
  }
}
