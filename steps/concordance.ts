/**
 * concordance: maps an input-output table onto another sector classification with a
 * mapping table (from_code, to_code, weight), aggregating and splitting consistently.
 */
import { defineStep, StepError } from '../engine/step.js';
import { column, hasColumn, numericColumn } from '../engine/table.js';
import { isTable, type Value } from '../engine/value.js';
import type { IoTable } from './io-types.js';
import { requireIoTable } from './io-table.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';

/** Params of {@link concordance}. */
export interface ConcordanceParams {
  from_col?: string;
  to_col?: string;
  weight_col?: string;
  sectors?: (string | number)[];
  names?: string[];
  weight_tolerance?: number;
}

/** C'·M·C for an n×n matrix M and n×m weight matrix C (dense; IO tables are small). */
function congruence(m: number[][], c: number[][], n: number, k: number): number[][] {
  const mc = m.map((row) => Array.from({ length: k }, (_, b) => row.reduce((s, v, j) => s + v * c[j]![b]!, 0)));
  return Array.from({ length: k }, (_, a) => Array.from({ length: k }, (_, b) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += c[i]![a]! * mc[i]![b]!;
    return s;
  }));
}

const times = (v: readonly number[], c: number[][], k: number): number[] =>
  Array.from({ length: k }, (_, b) => v.reduce((s, x, i) => s + x * c[i]![b]!, 0));

/** Step `concordance`. */
export const concordance = defineStep<ConcordanceParams>({
  name: 'concordance',
  version: '1',
  description:
    'Maps an IoTable to a target classification. The mapping table has one row per (from_code, to_code) pair with a weight (default 1 ' +
    'when the weight column is absent or empty): many-to-one rows aggregate, one-to-many rows split by the weights, which must sum to 1 ' +
    'for each from_code. With C the from × to weight matrix: Z\' = C\'·Z·C, X\' = C\'X, VA\' = C\'VA, final demand\' = C\'f, so a ' +
    'balanced table stays balanced. Every source sector must be mapped and every mapped from_code must exist in the table. Target order: ' +
    'params.sectors, else first appearance in the mapping.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      from_col: { type: 'string', default: 'from_code' },
      to_col: { type: 'string', default: 'to_code' },
      weight_col: { type: 'string', default: 'weight' },
      sectors: { type: 'array', items: { type: ['string', 'number'] }, description: 'Target sector order (must list exactly the to_codes).' },
      names: { type: 'array', items: { type: 'string' }, description: 'Target sector names, in target order.' },
      weight_tolerance: { type: 'number', minimum: 0, default: 1e-9, description: 'Allowed |Σ weights − 1| per from_code.' },
    },
  },
  inputs: { table: { description: 'The IoTable to map.' }, mapping: { description: 'Table from_code, to_code, weight.' } },
  outputs: { table: 'The IoTable in the target classification.' },
  columns(ctx) {
    const p = ctx.params;
    // The weight column may be absent (every weight 1), so only the codes are required.
    requireInputColumns(ctx, 'mapping', ['from_col', 'to_col'].flatMap((k) => paramColumns(p, k)));
    return {};
  },
  run(ctx) {
    const p = ctx.params;
    const src = requireIoTable(ctx.inputs.table, 'table');
    const map = ctx.inputs.mapping;
    if (!isTable(map)) throw new StepError('not-a-table', 'input `mapping` must be a table with columns from_code, to_code, weight');
    const fromCol = p.from_col ?? 'from_code';
    const toCol = p.to_col ?? 'to_code';
    const wCol = p.weight_col ?? 'weight';
    const from = column(map, fromCol, 'input `mapping`').map((c) => String(c ?? ''));
    const to = column(map, toCol, 'input `mapping`').map((c) => String(c ?? ''));
    const w = hasColumn(map, wCol) ? Array.from(numericColumn(map, wCol, 'input `mapping`'), (x) => (Number.isNaN(x) ? 1 : x)) : from.map(() => 1);
    const neg = from.map((f, k) => [f, to[k], w[k]!] as const).filter((r) => r[2] < 0);
    if (neg.length) throw new StepError('concordance-weights', `input \`mapping\` has negative weights for ${neg.map((r) => `${r[0]} → ${r[1]} (${r[2]})`).join(', ')}`);

    const targets = p.sectors ? p.sectors.map(String) : [...new Set(to)];
    const tpos = new Map(targets.map((s, i) => [s, i]));
    const extra = [...new Set(to.filter((t) => !tpos.has(t)))];
    if (extra.length) throw new StepError('concordance-unknown', `input \`mapping\` maps to code(s) ${extra.join(', ')}, which params.sectors does not list`);
    if (p.names && p.names.length !== targets.length) throw new StepError('bad-names', `params.names has ${p.names.length} entries but there are ${targets.length} target sectors`);
    const spos = new Map(src.sectors.map((s, i) => [s, i]));
    const unknown = [...new Set(from.filter((f) => !spos.has(f)))];
    if (unknown.length) throw new StepError('concordance-unknown', `input \`mapping\` has from_code(s) ${unknown.join(', ')} that are not sectors of the table (${src.sectors.join(', ')})`);

    const n = src.sectors.length;
    const k = targets.length;
    const C = Array.from({ length: n }, () => new Array<number>(k).fill(0));
    from.forEach((f, r) => { C[spos.get(f)!]![tpos.get(to[r]!)!]! += w[r]!; });
    const unmapped = src.sectors.filter((_, i) => C[i]!.every((x) => x === 0) && !from.includes(src.sectors[i]!));
    if (unmapped.length) throw new StepError('concordance-unmapped', `sector(s) ${unmapped.join(', ')} of the table have no row in input \`mapping\`; add a from_code row for each`);
    const tol = p.weight_tolerance ?? 1e-9;
    const bad = src.sectors.map((s, i) => [s, C[i]!.reduce((a, b) => a + b, 0)] as const).filter(([, sum]) => Math.abs(sum - 1) > tol);
    if (bad.length) throw new StepError('concordance-weights', `weights must sum to 1 for each from_code; they do not for ${bad.map(([s, sum]) => `${s} (sum ${sum})`).join(', ')}`);

    const table: IoTable = {
      kind: 'io-table',
      sectors: targets,
      ...(p.names ? { names: [...p.names] } : {}),
      z: congruence(src.z, C, n, k),
      x: times(src.x, C, k),
      va: times(src.va, C, k),
      ...(src.finalDemand ? { finalDemand: times(src.finalDemand, C, k) } : {}),
      meta: { ...(src.meta ?? {}), concordance: `${n} → ${k} sectors` },
    };
    return { table: table as unknown as Value };
  },
});
