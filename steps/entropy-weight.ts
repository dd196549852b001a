/**
 * Step `entropy-weight`: composite score of several indicators by the entropy weight
 * method (METHOD-NOTES stage D; the paper's digital economy level `del`).
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, hasColumn, numericColumn, tableFromColumns, withColumn } from '../engine/table.js';
import { isTable, type Cell } from '../engine/value.js';
import { entropyWeights, type Direction } from './kernels/entropy-weight.js';
import { paramColumns, requireInputColumns, withColumns } from './lib/columns.js';

/** One indicator and its direction. */
export interface IndicatorSpec {
  column: string;
  /** `positive` (default): larger is better; `negative`: min-max normalisation is reversed. */
  direction?: Direction;
}

/** Params of `entropy-weight`. */
export interface EntropyWeightParams {
  /** A list of {column, direction} or a map column → direction. */
  indicators: IndicatorSpec[] | Record<string, Direction>;
  /** true (default): one set of weights over all rows; false: one per value of `time`. */
  pooled?: boolean;
  /** Period column used when `pooled: false` (default `year`). */
  time?: string;
  /** `ignore` (default): 0·ln0 = 0; `shift`: add `shift` to the normalised values before forming p. */
  zero?: 'ignore' | 'shift';
  /** Amount added under `zero: shift` (default 1e-4). */
  shift?: number;
  /** `error` (default): an indicator with max = min stops the step; `zero-weight`: it gets entropy 1, weight 0. */
  constant?: 'error' | 'zero-weight';
  /** Name of the score column (default `score`). */
  score_column?: string;
}

const direction = { enum: ['positive', 'negative'] };

function fmt(v: Cell | undefined): string {
  return v === null || v === undefined ? 'NA' : String(v);
}

/** Entropy weights of indicators and the weighted composite score of each row. */
export const entropyWeight = defineStep<EntropyWeightParams>({
  name: 'entropy-weight',
  version: '1',
  description: 'Entropy weight method: min-max normalise (reversed for negative indicators), p = z/Σz, e = −Σ p ln p / ln n, w = (1−e)/Σ(1−e), score = Σ w z.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['indicators'],
    properties: {
      indicators: {
        description: 'indicator columns with their direction: a list of {column, direction} or a map column → direction',
        oneOf: [
          {
            type: 'array',
            minItems: 1,
            items: { type: 'object', additionalProperties: false, required: ['column'], properties: { column: { type: 'string' }, direction: { ...direction, default: 'positive' } } },
          },
          { type: 'object', minProperties: 1, additionalProperties: direction },
        ],
      },
      pooled: { type: 'boolean', default: true, description: 'true: weights over all rows (scores compare across years); false: per value of `time`' },
      time: { type: 'string', default: 'year', description: 'period column for pooled: false' },
      zero: { enum: ['ignore', 'shift'], default: 'ignore', description: 'ignore: 0·ln0 = 0; shift: add `shift` to every normalised value before forming p' },
      shift: { type: 'number', exclusiveMinimum: 0, default: 1e-4, description: 'the shift of zero: shift' },
      constant: { enum: ['error', 'zero-weight'], default: 'error', description: 'an indicator with max = min: error, or entropy 1 and weight 0' },
      score_column: { type: 'string', default: 'score', description: 'name of the added score column' },
    },
  },
  inputs: { data: { description: 'a table, one row per unit (province-year), with the indicator columns' } },
  outputs: {
    scores: 'the input table with the score column added',
    weights: 'indicator, direction, entropy, weight (with the period column first when pooled: false)',
  },
  columns(ctx) {
    const p = ctx.params;
    const named = Array.isArray(p.indicators)
      ? p.indicators.map((s, i) => [['indicators', i, 'column'], s.column] as const)
      : paramColumns(p, 'indicators', true);
    const time = p.time ?? 'year';
    const pooled = p.pooled ?? true;
    requireInputColumns(ctx, 'data', [...named, ...(pooled ? [] : paramColumns(p, 'time'))]);
    const input = ctx.inputs.data;
    const weights = ['indicator', 'direction', 'entropy', 'weight'];
    return { ...(input ? { scores: withColumns(input, [p.score_column ?? 'score']) } : {}), weights: pooled ? weights : [time, ...weights] };
  },
  run(ctx) {
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('bad-input', 'input `data` must be a table');
    const p = ctx.params;
    const specs: { column: string; direction: Direction }[] = Array.isArray(p.indicators)
      ? p.indicators.map((s) => ({ column: s.column, direction: s.direction ?? 'positive' }))
      : Object.entries(p.indicators).map(([column, d]) => ({ column, direction: d }));
    const dup = specs.find((s, k) => specs.findIndex((t) => t.column === s.column) !== k);
    if (dup) throw new StepError('bad-params', `indicator \`${dup.column}\` is listed twice; list each column once`);
    const where = 'input `data`';
    const cols = specs.map((s) => numericColumn(data, s.column, where));
    const n = cols[0]?.length ?? 0;
    const timeName = p.time ?? 'year';
    const pooled = p.pooled ?? true;
    const time = !pooled ? column(data, timeName, where) : hasColumn(data, timeName) ? column(data, timeName, where) : undefined;
    const label = (i: number): string => `row ${i + 1}${time ? ` (${timeName} ${fmt(time[i])})` : ''}`;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < specs.length; j++) {
        if (Number.isNaN(cols[j]![i]!)) {
          throw new StepError('missing-value', `${where}, ${label(i)}: indicator \`${specs[j]!.column}\` is missing; fill it with the impute step (or drop the row) before this stage`);
        }
      }
    }

    // Row groups: one for pooled, else one per period in first-seen order.
    const groups = new Map<Cell, number[]>();
    for (let i = 0; i < n; i++) {
      const key = pooled ? '' : (time![i] ?? null);
      if (!pooled && key === null) throw new StepError('missing-value', `${where}, row ${i + 1}: \`${timeName}\` is missing; with pooled: false every row needs a period`);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = []));
      g.push(i);
    }

    const score = new Float64Array(n);
    const w = { time: [] as Cell[], indicator: [] as Cell[], direction: [] as Cell[], entropy: [] as Cell[], weight: [] as Cell[] };
    for (const [key, rows] of groups) {
      const within = pooled ? '' : ` in ${timeName} ${fmt(key)}`;
      const r = entropyWeights(
        cols.map((c) => Float64Array.from(rows, (i) => c[i]!)),
        specs.map((s) => s.direction),
        { zero: p.zero ?? 'ignore', shift: p.shift ?? 1e-4, constantWeightZero: p.constant === 'zero-weight' },
      );
      if ('reason' in r) {
        if (r.reason === 'too-few-rows') throw new StepError('too-few-rows', `the entropy weight method needs at least 2 rows${within}, found ${rows.length}`);
        if (r.reason === 'constant-indicator') {
          throw new StepError('constant-indicator', `indicator \`${specs[r.indicator]!.column}\` has the same value in every row${within}, so it cannot be min-max normalised; drop it, or set \`constant: zero-weight\` to give it weight 0`);
        }
        throw new StepError('no-information', `every indicator is constant${within}; there is nothing to weight`);
      }
      rows.forEach((i, k) => { score[i] = r.score[k]!; });
      specs.forEach((s, j) => {
        w.time.push(key);
        w.indicator.push(s.column);
        w.direction.push(s.direction);
        w.entropy.push(r.entropy[j]!);
        w.weight.push(r.weight[j]!);
      });
    }
    const { time: wt, ...rest } = w;
    const weights = tableFromColumns(pooled ? rest : { [timeName]: wt, ...rest });
    return { scores: withColumn(data, p.score_column ?? 'score', score), weights };
  },
});
