// Trivial steps for the engine benchmark (bench/engine.bench.mjs), written as an ordinary
// agglo plugin (see examples/plugins/winsorize.mjs). They do almost no work on purpose, so
// that the time measured is the engine's: planning, fingerprinting, cache lookups, storing
// one tiny result per item, gathering 10,000 or 100,000 results for the aggregation.

/** One fan-out item: a one-row table {sq: i²} (a distinct tiny result per item). */
export const benchItem = {
  name: 'bench-item',
  version: '1.0.0',
  description: 'Benchmark item: returns a one-row table holding the square of its param `i`.',
  params: {
    type: 'object',
    properties: { i: { type: 'integer', description: 'The item number.' } },
    required: ['i'],
    additionalProperties: false,
  },
  inputs: {},
  outputs: { table: 'A one-row table with column sq = i².' },
  run(ctx) {
    const i = ctx.params.i;
    return { table: { kind: 'table', columns: [{ name: 'sq', values: [i * i] }] } };
  },
};

/** The aggregation: counts the gathered rows and sums `sq`. */
export const benchSum = {
  name: 'bench-sum',
  version: '1.0.0',
  description: 'Benchmark aggregation: number of rows and sum of column `sq` of the gathered items.',
  params: { type: 'object', properties: {}, additionalProperties: false },
  inputs: { parts: { description: 'The gathered bench-item tables (item key column first).' } },
  outputs: { table: 'A one-row table {n, total}.' },
  run(ctx) {
    const t = ctx.inputs.parts;
    const sq = t.columns.find((c) => c.name === 'sq');
    if (!sq) throw new Error('bench-sum: input has no column `sq`');
    let total = 0;
    for (const v of sq.values) total += v;
    return { table: { kind: 'table', columns: [{ name: 'n', values: [sq.values.length] }, { name: 'total', values: [total] }] } };
  },
};
