/**
 * Step `rank`: ranks entities by their mean value over time (paper Table 2, "provinces
 * ranked by their average agglomeration degree"), and lays the panel out wide (Table 1).
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Table } from '../engine/value.js';

export { rankValues, type TiesMethod } from './kernels/rank.js';
import { rankValues, type TiesMethod } from './kernels/rank.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of `rank`. */
export interface RankParams {
  /** Entity column (default `province`). */
  entity?: string;
  /** Period column (default `year`). */
  time?: string;
  /** Value column (default `lq`). */
  value?: string;
  /** Tie rule (default `min`: 1, 2, 2, 4). */
  ties?: TiesMethod;
  /** Rank 1 = highest mean (default true); false: rank 1 = lowest. */
  decreasing?: boolean;
  /** `error` (default): a missing value stops the step; `omit`: means over the non-missing values. */
  missing?: 'error' | 'omit';
  /** Name of the mean column (default `mean`). */
  mean_column?: string;
  /** Name of the rank column (default `rank`). */
  rank_column?: string;
}

function fmt(v: Cell | undefined): string {
  return v === null || v === undefined ? 'NA' : String(v);
}

function compareTimes(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

/** Mean of a value over time per entity, ranked; plus the entity × period layout of Table 1. */
export const rank = defineStep<RankParams>({
  name: 'rank',
  version: '1',
  description: 'Mean value of each entity over time and its rank (1 = highest by default; ties like R rank()), plus an entity × period wide table.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      entity: { type: 'string', default: 'province', description: 'entity column' },
      time: { type: 'string', default: 'year', description: 'period column' },
      value: { type: 'string', default: 'lq', description: 'value column' },
      ties: { enum: ['min', 'max', 'average', 'first'], default: 'min', description: "tie rule, as R's rank(ties.method=)" },
      decreasing: { type: 'boolean', default: true, description: 'rank 1 = highest mean' },
      missing: { enum: ['error', 'omit'], default: 'error', description: 'error: a missing value stops the step; omit: average the values present' },
      mean_column: { type: 'string', default: 'mean', description: 'name of the mean column' },
      rank_column: { type: 'string', default: 'rank', description: 'name of the rank column' },
    },
  },
  inputs: { data: { description: 'a long table with entity, period and value columns' } },
  outputs: {
    ranking: 'entity, mean, rank; sorted by rank (ties in first-seen order)',
    wide: 'one row per entity (first-seen order), one column per period (ascending), like Table 1',
  },
  columns(ctx) {
    const p = ctx.params;
    requireInputColumns(ctx, 'data', ['entity', 'time', 'value'].flatMap((k) => paramColumns(p, k)));
    return { ranking: [p.entity ?? 'province', p.mean_column ?? 'mean', p.rank_column ?? 'rank'], wide: { unknown: 'it has a column for each period found in the data' } };
  },
  run(ctx) {
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('bad-input', 'input `data` must be a table');
    const p = ctx.params;
    const names = { entity: p.entity ?? 'province', time: p.time ?? 'year', value: p.value ?? 'lq' };
    const where = 'input `data`';
    const ent = column(data, names.entity, where);
    const time = column(data, names.time, where);
    const val = numericColumn(data, names.value, where);

    const entities = new Map<Cell, number>();
    const times = new Map<Cell, number>();
    const cells = new Map<string, number>();
    const sum: number[] = [];
    const count: number[] = [];
    for (let i = 0; i < val.length; i++) {
      const e = ent[i] ?? null;
      const t = time[i] ?? null;
      const label = `row ${i + 1} (${names.entity} ${fmt(e)}, ${names.time} ${fmt(t)})`;
      if (e === null || t === null) throw new StepError('missing-value', `${where}, row ${i + 1}: \`${e === null ? names.entity : names.time}\` is missing; every row needs an entity and a period`);
      if (!entities.has(e)) { entities.set(e, entities.size); sum.push(0); count.push(0); }
      if (!times.has(t)) times.set(t, times.size);
      const k = JSON.stringify([e, t]);
      if (cells.has(k)) throw new StepError('duplicate-row', `${where}, ${label}: this entity and period appear more than once; aggregate the rows first`);
      const v = val[i]!;
      if (Number.isNaN(v)) {
        if ((p.missing ?? 'error') === 'error') throw new StepError('missing-value', `${where}, ${label}: \`${names.value}\` is missing; fill it (e.g. with the impute step) or set \`missing: omit\``);
        continue;
      }
      cells.set(k, v);
      const x = entities.get(e)!;
      sum[x] = sum[x]! + v;
      count[x] = count[x]! + 1;
    }

    const ents = [...entities.keys()];
    const ranked = ents.map((_, x) => x).filter((x) => count[x]! > 0);
    const dropped = ents.filter((_, x) => count[x] === 0);
    if (dropped.length) ctx.note(`entities with no ${names.value} values are not ranked: ${dropped.map(fmt).join(', ')}`);
    const means = ranked.map((x) => sum[x]! / count[x]!);
    const sign = (p.decreasing ?? true) ? -1 : 1;
    const r = rankValues(means.map((m) => sign * m), p.ties ?? 'min');
    const order = ranked.map((_, k) => k).sort((a, b) => r[a]! - r[b]! || a - b);
    const ranking = tableFromColumns({
      [names.entity]: order.map((k) => ents[ranked[k]!]!),
      [p.mean_column ?? 'mean']: order.map((k) => means[k]!),
      [p.rank_column ?? 'rank']: order.map((k) => r[k]!),
    });

    const periodList = [...times.keys()];
    const allNumbers = periodList.every((t) => typeof t === 'number');
    const allStrings = periodList.every((t) => typeof t === 'string');
    if (allNumbers || allStrings) periodList.sort(compareTimes);
    // Built as a column list, not a record: integer-like keys ("2011") would jump ahead of
    // the entity column in a record's key order.
    const wide: Table = { kind: 'table', columns: [{ name: names.entity, values: ents }] };
    for (const t of periodList) {
      const name = String(t);
      if (name === names.entity) throw new StepError('bad-column-name', `period \`${name}\` clashes with the entity column name; rename the entity column`);
      wide.columns.push({ name, values: ents.map((e) => cells.get(JSON.stringify([e, t])) ?? null) });
    }
    return { ranking, wide };
  },
});
