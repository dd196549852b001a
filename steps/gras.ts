/**
 * gras: balances an input-output table with negative entries (e.g. inventory changes or
 * subsidies netted into flows) to target row and column sums by GRAS.
 */
import { isIoTable } from './io-types.js';
import { defineStep, StepError } from '../engine/step.js';
import type { Value } from '../engine/value.js';
import type { IoTable } from './io-types.js';
import { requireIoTable } from './io-table.js';
import { gras as grasKernel, grasProblems, type GrasProblem } from './kernels/gras.js';
import { coefficients, flatten, flowsFromCoefficients, unflatten } from './kernels/io.js';
import { worstIndices } from './kernels/ras.js';
import { readTargets, sumTolerance } from './ras.js';

/** Params of {@link gras}. */
export interface GrasParams {
  tolerance?: number;
  relative_tolerance?: number;
  max_iterations?: number;
  on_nonconvergence?: 'error' | 'warn';
  start?: 'auto' | 'flows' | 'coefficients';
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(8));

function describe(problems: readonly GrasProblem[], sectors: string[]): string {
  return problems.map((p) => {
    if (p.kind === 'sum-mismatch') return `ΣU = ${fmt(p.sumU)} but ΣV = ${fmt(p.sumV)}: make the control totals agree`;
    if (p.kind === 'zero-with-target') return `${p.side} ${sectors[p.index]} is all zero but its target is ${fmt(p.target)}`;
    return `${p.side} ${sectors[p.index]} has ${p.has === 'only-positive' ? 'only non-negative' : 'only non-positive'} entries but its target is ${fmt(p.target)}`;
  }).join('; ');
}

/** Step `gras`. */
export const gras = defineStep<GrasParams>({
  name: 'gras',
  version: '1',
  description:
    'GRAS (Junius & Oosterhaven 2003; Temurshoev, Miller & Bouwmeester 2013): balances a matrix that may hold negative entries to target ' +
    'row sums u and column sums v, keeping every entry\'s sign: X = diag(r)·P·diag(s) − diag(r)^-1·N·diag(s)^-1. The start matrix is the ' +
    'base z (start: flows) or A0·diag(X^t) as in ras (start: coefficients; needs x in the targets); auto picks coefficients when the ' +
    'targets have x. Refuses (reason gras-infeasible) ΣU ≠ ΣV, all-zero rows/columns with non-zero targets, rows/columns whose entries ' +
    'all have the sign opposite to their target, and (on_nonconvergence: error) reaching max_iterations. Output x is the target x, or the base x when none is given.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      tolerance: { type: 'number', minimum: 0, default: 0.001, description: 'Absolute tolerance on row and column residuals.' },
      relative_tolerance: { type: 'number', minimum: 0, description: 'Alternative stop: largest residual / |its target|.' },
      max_iterations: { type: 'integer', minimum: 1, default: 10000 },
      on_nonconvergence: { enum: ['error', 'warn'], default: 'error' },
      start: { enum: ['auto', 'flows', 'coefficients'], default: 'auto', description: 'Start matrix: base z, or A0·diag(X^t).' },
    },
  },
  inputs: {
    base: { description: 'Base IoTable.' },
    targets: { description: 'Table sector, u, v (x optional) or JSON {x?, u, v} in the base sector order.' },
  },
  outputs: { table: 'The balanced IoTable.', report: 'JSON {iterations, max_row_residual, max_col_residual, converged}.' },
  // A 42-sector table balances in a few ms: copying it to a worker costs more than it saves.
  heavy: (_params, inputs) => isIoTable(inputs.base) && inputs.base.sectors.length >= 200,
  // Its outputs are an input-output table and JSON, not tables.
  columns: () => ({}),
  run(ctx) {
    const p = ctx.params;
    const tol = p.tolerance ?? 0.001;
    const base = requireIoTable(ctx.inputs.base, 'base');
    const n = base.sectors.length;
    const t = readTargets(ctx.inputs.targets, base.sectors, false);
    const start = p.start ?? 'auto';
    const useCoef = start === 'coefficients' || (start === 'auto' && t.x !== undefined);
    if (useCoef && !t.x) throw new StepError('missing-target', 'start: coefficients needs total output x in input `targets`');
    let z = flatten(base.z, n);
    if (useCoef) {
      const c = coefficients(z, base.x, n);
      if (c.inconsistent.length) throw new StepError('gras-infeasible', `base table sector(s) ${c.inconsistent.map((j) => base.sectors[j]).join(', ')} have output 0 but non-zero inputs, so A0 is undefined; use start: flows`);
      z = flowsFromCoefficients(c.a, t.x!, n);
    }
    const problems = grasProblems(z, n, n, t.u, t.v, sumTolerance(t.u, t.v, tol, p.relative_tolerance));
    if (problems.length) throw new StepError('gras-infeasible', `GRAS cannot reach the targets: ${describe(problems, base.sectors)}`);
    const res = grasKernel(z, n, n, t.u, t.v, { tolerance: tol, relativeTolerance: p.relative_tolerance, maxIterations: p.max_iterations ?? 10000 });
    if (!res.converged) {
      const wr = worstIndices(res.rowResiduals, 3).map((i) => `${base.sectors[i]} (${fmt(res.rowResiduals[i]!)})`).join(', ');
      const wc = worstIndices(res.colResiduals, 3).map((j) => `${base.sectors[j]} (${fmt(res.colResiduals[j]!)})`).join(', ');
      const msg = `GRAS did not converge in ${res.iterations} iterations: max row residual ${fmt(res.maxRowResidual)}, max column residual ${fmt(res.maxColResidual)} (tolerance ${tol}); worst rows ${wr}; worst columns ${wc}`;
      if ((p.on_nonconvergence ?? 'error') === 'error') throw new StepError('gras-infeasible', msg);
      ctx.note(msg);
    }
    const X = t.x ? Array.from(t.x) : [...base.x];
    if (!t.x) ctx.note('targets have no x: total output copied from the base table');
    const report = { iterations: res.iterations, max_row_residual: res.maxRowResidual, max_col_residual: res.maxColResidual, converged: res.converged };
    const table: IoTable = {
      kind: 'io-table',
      sectors: [...base.sectors],
      ...(base.names ? { names: [...base.names] } : {}),
      z: unflatten(res.z, n, n),
      x: X,
      va: X.map((xj, j) => xj - t.v[j]!),
      meta: { ...(base.meta ?? {}), source: 'gras', ...report },
    };
    return { table: table as unknown as Value, report };
  },
});
