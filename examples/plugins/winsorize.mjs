// An example agglo plugin: one step, defined exactly like a built-in (see steps/*.ts).
// List it in a pipeline under `plugins: [examples/plugins/winsorize.mjs]`. Its source text
// is part of the fingerprint of the stages that use it: edit it and they rerun.

/** Clamps numeric columns to their [p, 1 − p] quantiles (type-7 quantiles, like R's default). */
export const winsorize = {
  name: 'winsorize',
  version: '1.0.0',
  description: 'Clamps the listed numeric columns to their lower and upper quantiles (an example plugin).',
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
  run(ctx) {
    const t = ctx.inputs.data;
    const columns = t.columns.map((c) => {
      if (!ctx.params.columns.includes(c.name)) return c;
      const xs = c.values.filter((v) => typeof v === 'number').sort((a, b) => a - b);
      const q = (p) => {
        const h = (xs.length - 1) * p;
        const lo = Math.floor(h);
        return xs[lo] + (h - lo) * ((xs[Math.min(lo + 1, xs.length - 1)] ?? xs[lo]) - xs[lo]);
      };
      const lo = q(ctx.params.p);
      const hi = q(1 - ctx.params.p);
      let clamped = 0;
      const values = c.values.map((v) => {
        if (typeof v !== 'number') return v;
        const w = Math.min(hi, Math.max(lo, v));
        if (w !== v) clamped++;
        return w;
      });
      ctx.note(`${c.name}: clamped ${clamped} values to [${lo}, ${hi}]`);
      return { name: c.name, values };
    });
    return { table: { kind: 'table', columns } };
  },
};
