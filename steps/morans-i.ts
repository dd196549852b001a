/**
 * `morans-i`: global Moran's I of a variable, per period or pooled over a balanced panel,
 * with E[I], Var[I], z and p under normality and randomisation, as R spdep `moran.test`
 * (steps/kernels/spatial.ts moranI; docs/steps/spatial.md).
 */
import { defineStep, StepError } from '../engine/step.js';
import { paramColumns, requireInputColumns } from './lib/columns.js';
import { column, columnNames, numericColumn, tableFromColumns } from '../engine/table.js';
import { isTable, type Cell } from '../engine/value.js';
import { moranI } from './kernels/spatial.js';
import { normalCdf, normalUpper } from './kernels/distributions.js';
import { weightsMatrix } from './spatial-weights.js';

/** Params of morans-i. */
export interface MoransIParams {
  variable: string;
  entity: string;
  /** The period column; unset = the data are one cross-section. */
  time?: string;
  pooled: boolean;
  alternative: 'greater' | 'less' | 'two-sided';
}

const sortKey = (a: Cell, b: Cell) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

/** p value of z under the alternative (spdep: greater = P(Z ≥ z), less = P(Z ≤ z), two.sided = 2P(Z ≥ |z|)). */
export function moranP(z: number, alternative: MoransIParams['alternative']): number {
  if (alternative === 'greater') return normalUpper(z);
  if (alternative === 'less') return normalCdf(z);
  return 2 * normalUpper(Math.abs(z));
}

/** The morans-i step. */
export const moransI = defineStep<MoransIParams>({
  name: 'morans-i',
  version: '1.0.0',
  description: "Global Moran's I of a variable per period (or pooled over a balanced panel), with expectation, variance, z and p under normality and randomisation (as R spdep moran.test).",
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['variable', 'entity'],
    properties: {
      variable: { type: 'string', description: 'The numeric column tested.' },
      entity: { type: 'string', description: 'Column of the unit codes, matching `from`/`to` of input `weights`.' },
      time: { type: 'string', description: 'Period column: one row of output per period. Unset = the data are a single cross-section.' },
      pooled: { type: 'boolean', default: false, description: 'One test on the stacked balanced panel with block-diagonal weights I_T ⊗ W (mean over all observations) instead of one per period.' },
      alternative: { enum: ['greater', 'less', 'two-sided'], default: 'greater', description: "Alternative of the p values (spdep's default: greater, positive autocorrelation)." },
    },
  },
  inputs: {
    data: { description: 'Long table: one row per unit (and period).' },
    weights: { description: 'Spatial weights table (from, to, weight) from spatial-weights.' },
  },
  outputs: { moran: 'Table: period, n, I, expectation, variance_normality, z_normality, p_normality, variance_randomisation, z_randomisation, p_randomisation (a row per period, or one row `pooled`).' },
  columns(ctx) {
    requireInputColumns(ctx, 'data', ['variable', 'entity', 'time'].flatMap((k) => paramColumns(ctx.params, k)));
    return { moran: ['period', 'n', 'I', 'expectation', 'variance_normality', 'z_normality', 'p_normality', 'variance_randomisation', 'z_randomisation', 'p_randomisation'] };
  },
  run(ctx) {
    const p = ctx.params;
    const data = ctx.inputs.data;
    if (!isTable(data)) throw new StepError('bad-input', 'morans-i: input `data` must be a table with one row per unit (and period)');
    const have = columnNames(data);
    const named = [['variable', p.variable], ['entity', p.entity], ...(p.time ? [['time', p.time]] : [])] as [string, string][];
    const missing = named.filter(([, c]) => !have.includes(c));
    if (missing.length) throw new StepError('missing-column', `morans-i: input \`data\` has no column ${missing.map(([k, c]) => `\`${c}\` (param \`${k}\`)`).join(', ')}; columns are: ${have.join(', ')}`);
    if (p.pooled && !p.time) throw new StepError('bad-param', 'morans-i: `pooled: true` needs param `time` (the period column)');
    const x = numericColumn(data, p.variable, 'morans-i: input `data`');
    const ent = column(data, p.entity).map((v) => (v === null ? '' : String(v)));
    const tim: Cell[] = p.time ? column(data, p.time) : ent.map(() => null);
    const codes = [...new Set(ent)].sort();
    const periods = [...new Set(tim.map((v) => JSON.stringify(v)))].map((s) => JSON.parse(s) as Cell).sort(sortKey);
    const n = codes.length;
    const at = new Map(codes.map((c, i) => [c, i]));
    const pAt = new Map(periods.map((v, t) => [JSON.stringify(v), t]));
    const grid = new Float64Array(n * periods.length).fill(NaN);
    const filled = new Uint8Array(n * periods.length);
    for (let r = 0; r < x.length; r++) {
      if (ent[r] === '') throw new StepError('missing-code', `morans-i: input \`data\` row ${r + 1} has no \`${p.entity}\``);
      const k = pAt.get(JSON.stringify(tim[r]))! * n + at.get(ent[r]!)!;
      if (filled[k]) throw new StepError('duplicate-panel-index', `morans-i: input \`data\` has more than one row for ${p.entity} = ${ent[r]}${p.time ? `, ${p.time} = ${String(tim[r])}` : ''} (row ${r + 1})${p.time ? '' : '; set param `time` for a panel'}`);
      filled[k] = 1;
      if (Number.isNaN(x[r]!)) throw new StepError('missing-value', `morans-i: \`${p.variable}\` is missing for ${p.entity} = ${ent[r]}${p.time ? `, ${p.time} = ${String(tim[r])}` : ''}; Moran's I needs every unit of a period (impute or filter the unit out)`);
      grid[k] = x[r]!;
    }
    const gap = filled.findIndex((f) => f === 0);
    if (gap >= 0) throw new StepError('unbalanced-panel', `morans-i: no row for ${p.entity} = ${codes[gap % n]} in ${p.time} = ${String(periods[Math.floor(gap / n)])}; every period needs every unit (the weights cover ${n} units)`);
    if (n < 4) throw new StepError('too-few-units', `morans-i: ${n} units; the randomisation variance needs at least 4`);
    const w = weightsMatrix(ctx.inputs.weights, codes, 'morans-i');
    const rows: Record<string, Cell[]> = { period: [], n: [], I: [], expectation: [], variance_normality: [], z_normality: [], p_normality: [], variance_randomisation: [], z_randomisation: [], p_randomisation: [] };
    const push = (period: Cell, v: Float64Array, wm: Float64Array) => {
      const m = moranI(v, wm);
      const zn = (m.I - m.expectation) / Math.sqrt(m.varianceNormality);
      const zr = (m.I - m.expectation) / Math.sqrt(m.varianceRandomisation);
      const vals: Cell[] = [period, m.n, m.I, m.expectation, m.varianceNormality, zn, moranP(zn, p.alternative), m.varianceRandomisation, zr, moranP(zr, p.alternative)];
      Object.keys(rows).forEach((k, j) => rows[k]!.push(vals[j]!));
    };
    if (p.pooled) {
      const T = periods.length, N = n * T;
      const big = new Float64Array(N * N);
      for (let t = 0; t < T; t++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) big[(t * n + i) * N + t * n + j] = w[i * n + j]!;
      push('pooled', grid, big);
    } else {
      periods.forEach((per, t) => {
        const v = grid.subarray(t * n, (t + 1) * n);
        if (v.every((a) => a === v[0])) throw new StepError('constant-variable', `morans-i: \`${p.variable}\` is the same for every unit${p.time ? ` in ${p.time} = ${String(per)}` : ''}, so Moran's I is undefined`);
        push(per, Float64Array.from(v), w);
      });
    }
    return { moran: tableFromColumns(rows) };
  },
});
