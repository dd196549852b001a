/**
 * select-benchmark: picks, for one target year, the benchmark input-output table to balance
 * from (METHOD-NOTES stage A: "balancing each province-year from the benchmark nearest in
 * time is the standard reading"). The rule is a param, so a study can say which it uses.
 */
import { defineStep, StepError } from '../engine/step.js';
import { isCollection, type Value } from '../engine/value.js';
import { isIoTable, type IoTable } from './io-types.js';

/** Params of {@link selectBenchmark}. */
export interface SelectBenchmarkParams {
  year: number;
  key?: string;
  rule?: 'nearest' | 'latest-before' | 'earliest-after';
  ties?: 'earlier' | 'later';
}

/** The benchmark year `rule` picks for `year` among `years`, or undefined when none qualifies. */
export function pickBenchmark(years: readonly number[], year: number, rule: SelectBenchmarkParams['rule'] = 'nearest', ties: 'earlier' | 'later' = 'earlier'): number | undefined {
  const sorted = [...years].sort((a, b) => a - b);
  if (rule === 'latest-before') return sorted.filter((y) => y <= year).at(-1);
  if (rule === 'earliest-after') return sorted.find((y) => y >= year);
  let best: number | undefined;
  for (const y of sorted) {
    if (best === undefined) { best = y; continue; }
    const d = Math.abs(y - year) - Math.abs(best - year);
    if (d < 0 || (d === 0 && ties === 'later')) best = y;
  }
  return best;
}

/** Step `select-benchmark`. */
export const selectBenchmark = defineStep<SelectBenchmarkParams>({
  name: 'select-benchmark',
  version: '1',
  description:
    'Picks one benchmark IoTable for a target year from the tables of several benchmark years (input `tables`: a fanned-out stage ' +
    'with a dimension, `key`, holding each table\'s year, gathered into a collection). rule nearest: the benchmark closest in time ' +
    '(a tie goes to the earlier one unless ties: later); latest-before: the last benchmark at or before the year; earliest-after: the ' +
    'first at or after it. The chosen table is passed on with meta.year set to its benchmark year (control-totals takes its base year ' +
    'from there), meta.benchmark_rule and a note naming the choice.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['year'],
    properties: {
      year: { type: 'integer', description: 'Target year, e.g. "${item.year}".' },
      key: { type: 'string', default: 'benchmark', description: 'Item dimension of input `tables` that holds each table\'s benchmark year.' },
      rule: { enum: ['nearest', 'latest-before', 'earliest-after'], default: 'nearest', description: 'Which benchmark a year is balanced from.' },
      ties: { enum: ['earlier', 'later'], default: 'earlier', description: 'rule nearest: the benchmark taken when two are equally near.' },
    },
  },
  inputs: { tables: { description: 'The benchmark IoTables, gathered over the `key` dimension (a collection), or a single IoTable.' } },
  outputs: { table: 'The chosen IoTable.' },
  // Its outputs are an input-output table and JSON, not tables.
  columns: () => ({}),
  run(ctx) {
    const p = ctx.params;
    const key = p.key ?? 'benchmark';
    const rule = p.rule ?? 'nearest';
    const input: Value | undefined = ctx.inputs.tables;
    const candidates: { year: number; table: IoTable }[] = [];
    if (isIoTable(input)) {
      const y = Number(input.meta?.year);
      if (!Number.isInteger(y)) throw new StepError('no-benchmark-year', 'input `tables` is a single IoTable without a meta year; fan its stage out over a benchmark dimension (e.g. foreach: {benchmark: [2012, 2017]})');
      candidates.push({ year: y, table: input });
    } else if (isCollection(input)) {
      for (const it of input.items) {
        const y = Number(it.key[key]);
        if (!Object.hasOwn(it.key, key) || !Number.isInteger(y)) {
          throw new StepError('no-benchmark-year', `input \`tables\` has an item without an integer \`${key}\` (its key is ${JSON.stringify(it.key)}); set params.key to the dimension that holds the benchmark year`);
        }
        if (!isIoTable(it.value)) throw new StepError('not-io-table', `input \`tables\`, item ${JSON.stringify(it.key)}: not an input-output table`);
        if (candidates.some((c) => c.year === y)) throw new StepError('duplicate-benchmark', `input \`tables\` has more than one table for ${key} ${y} (item ${JSON.stringify(it.key)}); fan this stage out over the other dimensions too`);
        candidates.push({ year: y, table: it.value });
      }
    } else {
      throw new StepError('not-io-table', 'input `tables` must be the benchmark tables of a stage fanned out over benchmark years (a collection of input-output tables)');
    }
    const chosen = pickBenchmark(candidates.map((c) => c.year), p.year, rule, p.ties ?? 'earlier');
    if (chosen === undefined) {
      throw new StepError('no-benchmark', `no benchmark for year ${p.year} under rule ${rule}; benchmarks: ${candidates.map((c) => c.year).sort().join(', ')}`);
    }
    const table = candidates.find((c) => c.year === chosen)!.table;
    ctx.note(`year ${p.year}: benchmark ${chosen} (${rule})`);
    const out: IoTable = { ...table, meta: { ...(table.meta ?? {}), year: chosen, benchmark_rule: rule } };
    return { table: out as unknown as Value };
  },
});
