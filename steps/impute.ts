/**
 * impute: fills missing values of panel variables within each entity over time (linear
 * interpolation, nearest observation or last observation carried forward inside the observed
 * range; optional constant carry at the ends). Every filled cell is listed in `filled`, so
 * imputed data never hides in the results. Only existing rows are filled; missing years are
 * not added.
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, nrow, numericColumn, withColumn } from '../engine/table.js';
import type { Cell, Table } from '../engine/value.js';
import { imputeSeries } from './kernels/impute.js';
import type { Extrapolate, ImputeMethod } from './kernels/impute.js';
import { requireColumns, tableInput } from './lib/table-input.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link impute}. */
export interface ImputeParams {
  by?: string;
  time: string;
  columns: string[];
  method?: ImputeMethod;
  extrapolate?: Extrapolate;
}

/** Fills gaps in panel columns and lists what it filled. */
export const impute = defineStep<ImputeParams>({
  name: 'impute',
  version: '1',
  description: 'Fills missing values of numeric columns within each entity along time: linear interpolation, nearest observation or last observation carried forward between observed years, and (by default) the nearest observed value before the first / after the last observation. Lists every filled cell.',
  params: {
    type: 'object',
    properties: {
      by: { type: 'string', description: 'Entity column (e.g. province). Omit for a single series.' },
      time: { type: 'string', description: 'Numeric time column (e.g. year); unique within an entity.' },
      columns: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true, description: 'Numeric columns to fill.' },
      method: { type: 'string', enum: ['linear', 'nearest', 'locf'], default: 'linear', description: 'How gaps between two observed years are filled.' },
      extrapolate: { type: 'string', enum: ['nearest', 'none'], default: 'nearest', description: 'Gaps before the first / after the last observed year: carry the nearest observed value, or leave missing.' },
    },
    required: ['time', 'columns'],
    additionalProperties: false,
  },
  inputs: { data: { description: 'The panel table.' } },
  outputs: {
    table: 'The input with the gaps filled (same rows and order).',
    filled: 'One row per filled cell: entity, time, column, value, method (linear, nearest or locf).',
  },
  columns(ctx) {
    const input = ctx.inputs.data;
    requireInputColumns(ctx, 'data', ['by', 'time', 'columns'].flatMap((k) => paramColumns(ctx.params, k)));
    return { ...(input ? { table: input } : {}), filled: ['entity', 'time', 'column', 'value', 'method'] };
  },
  run(ctx) {
    const table = tableInput(ctx, 'data', 'impute');
    const { by, time, columns, method = 'linear', extrapolate = 'nearest' } = ctx.params;
    requireColumns(table, [...(by ? [by] : []), time, ...columns], 'impute: input `data`');
    const groups = groupByEntity(table, by, time);
    const entityCol: Cell[] = by ? column(table, by) : [];
    const times = numericColumn(table, time, 'impute: input `data`');
    const fills: { row: number; col: number; value: number; how: string }[] = [];
    let out: Table = table;
    const empty: string[] = [];
    columns.forEach((name, ci) => {
      const y = numericColumn(table, name, 'impute: input `data`');
      const filled = Float64Array.from(y);
      for (const rows of groups) {
        const res = imputeSeries(rows.map((r) => times[r]!), rows.map((r) => y[r]!), method, extrapolate);
        if (rows.every((r) => Number.isNaN(y[r]!))) empty.push(`${name}${by ? ` for ${by} = ${JSON.stringify(entityCol[rows[0]!] ?? null)}` : ''}`);
        rows.forEach((r, k) => {
          const h = res.how[k];
          if (h) { filled[r] = res.values[k]!; fills.push({ row: r, col: ci, value: res.values[k]!, how: h }); }
        });
      }
      out = withColumn(out, name, filled);
    });
    // List fills by entity, time, then column order.
    const rank = new Map<number, number>();
    let pos = 0;
    for (const rows of groups) for (const r of rows) rank.set(r, pos++);
    fills.sort((a, b) => rank.get(a.row)! - rank.get(b.row)! || a.col - b.col);
    if (fills.length > 0) ctx.note(`impute (${method}, extrapolate ${extrapolate}): filled ${fills.length} cell${fills.length === 1 ? '' : 's'}; see output \`filled\``);
    if (empty.length > 0) ctx.note(`impute: no observed value to fill from: ${empty.slice(0, 10).join('; ')}${empty.length > 10 ? `; … (${empty.length} in all)` : ''}`);
    const filledTable: Table = {
      kind: 'table',
      columns: [
        { name: 'entity', values: fills.map((f) => (by ? (entityCol[f.row] ?? null) : null)) },
        { name: 'time', values: fills.map((f) => times[f.row]!) },
        { name: 'column', values: fills.map((f) => columns[f.col]!) },
        { name: 'value', values: fills.map((f) => f.value) },
        { name: 'method', values: fills.map((f) => f.how) },
      ],
    };
    return { table: out, filled: filledTable };
  },
});

/** Row indices per entity (first-seen order), each sorted by time; checks time is present and unique. */
function groupByEntity(t: Table, by: string | undefined, time: string): number[][] {
  const times = numericColumn(t, time, 'impute: input `data`');
  const ent = by ? column(t, by) : undefined;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < nrow(t); i++) {
    if (Number.isNaN(times[i]!)) throw new StepError('missing-time', `impute: row ${i + 1} has a missing \`${time}\`; every row needs a time`);
    const key = ent ? JSON.stringify(ent[i] ?? null) : '';
    const g = groups.get(key);
    if (g) g.push(i); else groups.set(key, [i]);
  }
  const out = [...groups.values()];
  for (const rows of out) {
    rows.sort((a, b) => times[a]! - times[b]!);
    for (let k = 1; k < rows.length; k++) {
      if (times[rows[k]!] === times[rows[k - 1]!]) {
        const who = ent ? `${by} = ${JSON.stringify(ent[rows[k]!] ?? null)}, ` : '';
        throw new StepError('duplicate-row', `impute: rows ${rows[k - 1]! + 1} and ${rows[k]! + 1} both have ${who}${time} = ${times[rows[k]!]}; each entity needs one row per time`);
      }
    }
  }
  return out;
}
