/**
 * annualise: turns a long table at benchmark years (e.g. national input-output totals of the
 * table years) into every year of a range: exact years copied, levels interpolated linearly
 * between benchmarks, and after the last benchmark carried forward or scaled by a growth series.
 */
import { dict } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { column, columnNames, nrow, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell, type Value } from '../engine/value.js';
import { AnnualiseGap, annualPlan, applyPlan, roundSignificant, type YearPlan } from './kernels/annualise.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link annualise}. */
export interface AnnualiseParams {
  years: number[];
  extra_years?: number[];
  time?: string;
  keys?: string[];
  values: string[];
  after?: 'carry-forward' | 'growth';
  growth_time?: string;
  growth_value?: string;
  growth_label?: string;
  significant_digits?: number;
}

const label = (plan: YearPlan, y: number, growth: string | undefined): { source: string; basis: string } =>
  plan.kind === 'exact' ? { source: 'exact year', basis: String(y) }
    : plan.kind === 'interpolated' ? { source: 'interpolated', basis: `${plan.lo}-${plan.hi}` }
      : { source: 'carried forward', basis: growth === undefined ? String(plan.base) : `${plan.base} x ${growth} ${y}/${plan.base}` };

/** Sums of `value` by `time` over the rows of the growth table (in row order). */
function growthSums(t: Value | undefined, time: string, value: string): Map<number, number> {
  if (!isTable(t)) throw new StepError('not-a-table', 'after: growth needs input `growth`, a table with a time column and the growth_value column (e.g. the provincial panel)');
  const ty = numericColumn(t, time, 'input `growth`');
  const tv = numericColumn(t, value, 'input `growth`');
  const sums = new Map<number, number>();
  ty.forEach((y, k) => {
    if (Number.isNaN(y)) return;
    const v = tv[k]!;
    if (Number.isNaN(v)) throw new StepError('missing-value', `input \`growth\`, column \`${value}\`, row ${k + 1} (${time} ${y}) is missing; the growth series sums every row of a year, so fill it in or drop the row`);
    sums.set(y, (sums.get(y) ?? 0) + v);
  });
  return sums;
}

/** Step `annualise`. */
export const annualise = defineStep<AnnualiseParams>({
  name: 'annualise',
  version: '1',
  description:
    'From a long table at benchmark years (one row per time × keys, value columns) to every year of `years` (and `extra_years`): ' +
    'a benchmark year is copied (source "exact year"); a year between benchmarks lo < y < hi is (1 − t)·v_lo + t·v_hi with ' +
    't = (y − lo)/(hi − lo) ("interpolated", basis "lo-hi"); a year after the last benchmark L is v_L ("carried forward", basis "L") or, ' +
    'with after: growth, v_L · g_y / g_L where g is the sum of growth_value by growth_time over the rows of input `growth`, e.g. the ' +
    '30 provinces\' summed GDP (basis "L x LABEL y/L"). A year before the first benchmark is an error. Output: time, keys, values, source, basis; ' +
    'years ascending, keys in first-seen order. Other columns of the input are dropped. significant_digits rounds the output values.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['years', 'values'],
    properties: {
      years: { type: 'array', items: { type: 'integer' }, minItems: 1, description: 'Years to produce, e.g. "${params.years}".' },
      extra_years: { type: 'array', items: { type: 'integer' }, description: 'More years to produce, e.g. a base year before `years`: [2007].' },
      time: { type: 'string', default: 'year', description: 'Time column of input `data`.' },
      keys: { type: 'array', items: { type: 'string' }, default: ['sector'], description: 'Columns identifying a series within a year.' },
      values: { type: 'array', items: { type: 'string' }, minItems: 1, description: 'Numeric columns to annualise.' },
      after: { enum: ['carry-forward', 'growth'], default: 'carry-forward', description: 'Years after the last benchmark: its values unchanged, or scaled by the growth series.' },
      growth_time: { type: 'string', default: 'year', description: 'Time column of input `growth`.' },
      growth_value: { type: 'string', description: 'Column of input `growth` summed by year into the growth series (after: growth).' },
      growth_label: { type: 'string', description: 'Name of the growth series in `basis` (default: growth_value).' },
      significant_digits: { type: 'integer', minimum: 1, maximum: 17, description: 'Round every output value to this many significant digits (integers unchanged); unset = full double precision.' },
    },
  },
  inputs: {
    data: { description: 'Long table: time, keys, value columns, at the benchmark years.' },
    growth: { description: 'Table summed by year into the growth series (only with after: growth).', optional: true },
  },
  outputs: { table: 'Table time, keys, values, source, basis for every requested year.' },
  columns(ctx) {
    const p = ctx.params;
    requireInputColumns(ctx, 'data', ['time', 'keys', 'values'].flatMap((k) => paramColumns(p, k)));
    if (p.after === 'growth') requireInputColumns(ctx, 'growth', ['growth_time', 'growth_value'].flatMap((k) => paramColumns(p, k)));
    return { table: [p.time ?? 'year', ...(p.keys ?? ['sector']), ...p.values, 'source', 'basis'] };
  },
  run(ctx) {
    const p = ctx.params;
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('not-a-table', 'input `data` must be a table (time, keys, values)');
    const time = p.time ?? 'year';
    const keys = p.keys ?? ['sector'];
    const clash = [...keys, ...p.values].find((c) => c === time || c === 'source' || c === 'basis');
    if (clash) throw new StepError('bad-columns', `column \`${clash}\` cannot be a key or value column (it is the time column or an output column)`);
    const ty = numericColumn(data, time, 'input `data`');
    const keyCols = keys.map((k) => column(data, k, 'input `data`'));
    const valCols = p.values.map((v) => numericColumn(data, v, 'input `data`'));
    const keyOf = (i: number): string => JSON.stringify(keyCols.map((c) => c[i] ?? null));
    const order: string[] = [];
    const keyCells = new Map<string, Cell[]>();
    const at = new Map<string, number>(); // `${year}|${key}` -> row
    for (let i = 0; i < nrow(data); i++) {
      const y = ty[i]!;
      if (Number.isNaN(y)) throw new StepError('missing-value', `input \`data\`, column \`${time}\`, row ${i + 1} is missing`);
      const k = keyOf(i);
      if (!keyCells.has(k)) { order.push(k); keyCells.set(k, keyCols.map((c) => c[i] ?? null)); }
      if (at.has(`${y}|${k}`)) throw new StepError('duplicate-row', `input \`data\` has more than one row for ${time} ${y}, ${keys.map((c, j) => `${c} ${String(keyCells.get(k)![j])}`).join(', ')}; keys must identify a row within a year`);
      at.set(`${y}|${k}`, i);
    }
    const bench = [...new Set(Array.from(ty))].sort((a, b) => a - b);
    const years = [...new Set([...(p.extra_years ?? []), ...p.years])].sort((a, b) => a - b);
    const growth = p.after === 'growth' ? growthSums(ctx.inputs.growth, p.growth_time ?? 'year', requireGrowthValue(p.growth_value)) : undefined;
    let plans: YearPlan[];
    try {
      plans = annualPlan(bench, years, growth);
    } catch (e) {
      if (!(e instanceof AnnualiseGap)) throw e;
      if (e.why === 'before-first') throw new StepError('year-before-benchmarks', `year ${e.year} is before the first benchmark year ${bench[0]} of input \`data\`; benchmarks: ${bench.join(', ')}; drop the year or add an earlier benchmark`);
      throw new StepError('missing-growth', `input \`growth\` has no ${p.growth_value} total for ${p.growth_time ?? 'year'} ${e.year} (or it is 0); years there: ${[...(growth?.keys() ?? [])].join(', ')}`);
    }
    const out = dict<Cell[]>([[time, []]]);
    keys.forEach((k) => { out[k] = []; });
    p.values.forEach((v) => { out[v] = []; });
    out.source = [];
    out.basis = [];
    const label0 = p.growth_label ?? p.growth_value;
    plans.forEach((plan, yi) => {
      const y = years[yi]!;
      const { source, basis } = label(plan, y, p.after === 'growth' ? label0 : undefined);
      for (const k of order) {
        const cells = keyCells.get(k)!;
        const row = (b: number): number => {
          const i = at.get(`${b}|${k}`);
          if (i === undefined) throw new StepError('missing-row', `input \`data\` has no row for ${time} ${b}, ${keys.map((c, j) => `${c} ${String(cells[j])}`).join(', ')}, needed for ${y}; every benchmark year must list every key`);
          return i;
        };
        out[time]!.push(y);
        keys.forEach((c, j) => out[c]!.push(cells[j]!));
        p.values.forEach((v, m) => {
          const val = applyPlan(plan, (b) => valCols[m]![row(b)]!);
          if (Number.isNaN(val)) throw new StepError('missing-value', `column \`${v}\` is missing at a benchmark year used for ${time} ${y}, ${keys.map((c, j) => `${c} ${String(cells[j])}`).join(', ')}; fill it in`);
          out[v]!.push(p.significant_digits === undefined ? val : roundSignificant(val, p.significant_digits));
        });
        out.source!.push(source);
        out.basis!.push(basis);
      }
    });
    ctx.note(`benchmarks ${bench.join(', ')} → ${years.length} years × ${order.length} series; columns: ${columnNames(data).filter((c) => c === time || keys.includes(c) || p.values.includes(c)).join(', ')}`);
    return { table: tableFromColumns(out) };
  },
});

function requireGrowthValue(v: string | undefined): string {
  if (!v) throw new StepError('missing-param', 'after: growth needs params.growth_value, the column of input `growth` to sum by year (e.g. gdp)');
  return v;
}
