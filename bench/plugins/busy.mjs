// A CPU-heavy plugin step for bench/parallel.bench.mjs: each item burns a fixed amount of
// CPU (a deterministic floating-point loop) so that the benchmark measures how well the
// worker-thread executor spreads a fan-out over the cores.

export const busy = {
  name: 'bench-busy',
  version: '1.0.0',
  description: 'Benchmark item that burns about `work` million floating-point iterations of CPU.',
  heavy: true,
  params: {
    type: 'object',
    properties: { i: { type: 'integer' }, work: { type: 'integer', minimum: 1, default: 200 } },
    required: ['i'],
    additionalProperties: false,
  },
  inputs: {},
  outputs: { value: 'JSON {i, x}.' },
  run(ctx) {
    let x = ctx.params.i + 0.5;
    const n = ctx.params.work * 1e6;
    for (let k = 0; k < n; k++) x = Math.sqrt(x * x + 1) - 0.999999 * x;
    return { value: { i: ctx.params.i, x } };
  },
};
