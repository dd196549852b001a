/**
 * ras: updates a base input-output table to a target year's control totals by RAS
 * (paper eqs 1–3, METHOD-NOTES stage A), refusing infeasible problems with a clear reason.
 */
import { isIoTable } from './io-types.js';
import { defineStep, StepError } from '../engine/step.js';
import { column, hasColumn, numericColumn } from '../engine/table.js';
import { isTable, type Value } from '../engine/value.js';
import type { IoTable } from './io-types.js';
import { requireIoTable } from './io-table.js';
import { coefficients, flatten, flowsFromCoefficients, unflatten } from './kernels/io.js';
import { ras as rasKernel, rasProblems, worstIndices, type RasProblem } from './kernels/ras.js';

/** Control totals in the base table's sector order. `x` is absent when the input had none. */
export interface Targets {
  readonly x?: Float64Array;
  readonly u: Float64Array;
  readonly v: Float64Array;
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(8));

/**
 * Reads the `targets` input: a table with columns sector, x, u, v (x optional when
 * `needX` is false; one row per base sector, any order) or JSON {x?, u, v} of arrays in the
 * base table's sector order (with an optional `sectors` array to reorder).
 */
export function readTargets(value: Value | undefined, sectors: string[], needX: boolean): Targets {
  const n = sectors.length;
  const pos = new Map(sectors.map((s, i) => [s, i]));
  const wantCols = needX ? 'sector, x, u, v' : 'sector, u, v (x optional)';
  if (isTable(value)) {
    const codes = column(value, 'sector', 'input `targets`').map((c) => String(c ?? ''));
    const take = (name: string): Float64Array => {
      const src = numericColumn(value, name, 'input `targets`');
      const out = new Float64Array(n).fill(NaN);
      codes.forEach((c, k) => { const i = pos.get(c); if (i !== undefined) out[i] = src[k]!; });
      const miss = sectors.filter((_, i) => Number.isNaN(out[i]!));
      if (miss.length) throw new StepError('missing-target', `input \`targets\` has no ${name} for sector(s) ${miss.join(', ')}; it needs one row per sector of the base table with columns ${wantCols}`);
      return out;
    };
    const unknown = codes.filter((c) => !pos.has(c));
    if (unknown.length) throw new StepError('unknown-sector', `input \`targets\` has sector(s) ${unknown.join(', ')} that are not in the base table (sectors: ${sectors.join(', ')})`);
    const dup = codes.filter((c, k) => codes.indexOf(c) !== k);
    if (dup.length) throw new StepError('duplicate-sector', `input \`targets\` lists sector(s) ${[...new Set(dup)].join(', ')} more than once`);
    const x = needX || hasColumn(value, 'x') ? take('x') : undefined;
    return { ...(x ? { x } : {}), u: take('u'), v: take('v') };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('kind' in value)) {
    const o = value as Record<string, unknown>;
    const order = Array.isArray(o.sectors) ? (o.sectors as unknown[]).map(String) : sectors;
    const arr = (name: string, required: boolean): Float64Array | undefined => {
      const a = o[name];
      if (a === undefined && !required) return undefined;
      if (!Array.isArray(a) || a.length !== order.length || !a.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new StepError('bad-targets', `input \`targets\`.${name} must be an array of ${order.length} numbers (one per sector, in the order ${order.join(', ')})`);
      }
      const out = new Float64Array(n).fill(NaN);
      order.forEach((c, k) => { const i = pos.get(c); if (i === undefined) throw new StepError('unknown-sector', `input \`targets\`.sectors has ${c}, which is not in the base table`); out[i] = a[k] as number; });
      const miss = sectors.filter((_, i) => Number.isNaN(out[i]!));
      if (miss.length) throw new StepError('missing-target', `input \`targets\` has no ${name} for sector(s) ${miss.join(', ')}`);
      return out;
    };
    const x = arr('x', needX);
    return { ...(x ? { x } : {}), u: arr('u', true)!, v: arr('v', true)! };
  }
  throw new StepError('bad-targets', `input \`targets\` must be a table with columns ${wantCols} or JSON {x, u, v}`);
}

/**
 * Allowed |ΣU − ΣV|: the absolute tolerance, or the relative one times the larger sum when
 * set, and never below rounding (1e-12 of the sums), so large units do not fail spuriously.
 */
export function sumTolerance(u: ArrayLike<number>, v: ArrayLike<number>, tolerance: number, relative?: number): number {
  let su = 0;
  let sv = 0;
  for (let i = 0; i < u.length; i++) su += Math.abs(u[i]!);
  for (let j = 0; j < v.length; j++) sv += Math.abs(v[j]!);
  const scale = Math.max(su, sv);
  return Math.max(tolerance, (relative ?? 0) * scale, 1e-12 * scale);
}

/** Human-readable list of pre-check failures, naming sectors by code. */
export function describeProblems(problems: readonly RasProblem[], sectors: string[]): string {
  const lines: string[] = [];
  const neg = problems.filter((p) => p.kind === 'negative-entry');
  for (const p of problems) {
    if (p.kind === 'sum-mismatch') lines.push(`ΣU = ${fmt(p.sumU)} but ΣV = ${fmt(p.sumV)} (difference ${fmt(p.sumU - p.sumV)}): no matrix has both; make the control totals agree`);
    else if (p.kind === 'negative-target') lines.push(`${p.side} ${sectors[p.index]} has a negative target ${fmt(p.target)}: use the gras step`);
    else if (p.kind === 'zero-with-target') lines.push(`${p.side} ${sectors[p.index]} is all zero in the base but its target is ${fmt(p.target)}: no scaling can reach it`);
    else if (p.kind === 'nonzero-with-zero-target') lines.push(`${p.side} ${sectors[p.index]} sums to ${fmt(p.sum)} in the base but its target is 0`);
  }
  if (neg.length) {
    const cells = neg.slice(0, 10).map((p) => p.kind === 'negative-entry' ? `(${sectors[p.row]}, ${sectors[p.col]}) = ${fmt(p.value)}` : '').join(', ');
    lines.push(`${neg.length} negative entr${neg.length === 1 ? 'y' : 'ies'} in the base matrix, e.g. ${cells}: plain RAS cannot handle them, use the gras step`);
  }
  return lines.join('; ');
}

/** Params of {@link ras}. */
export interface RasParams {
  tolerance?: number;
  relative_tolerance?: number;
  max_iterations?: number;
  on_nonconvergence?: 'error' | 'warn';
}

/** Step `ras`. */
export const ras = defineStep<RasParams>({
  name: 'ras',
  version: '1',
  description:
    'RAS update (paper eqs 1–3): starts from Z = A0·diag(X^t) with A0 the base coefficients, then alternately scales rows to U^t and ' +
    'columns to V^t until max|U − u| and max|V − v| are ≤ tolerance (or, if relative_tolerance is set, the largest residual relative ' +
    'to its target is ≤ relative_tolerance). Refuses (reason ras-infeasible) ΣU ≠ ΣV beyond tolerance, zero rows/columns with non-zero ' +
    'targets and the reverse, negative entries or targets (use gras), and, when on_nonconvergence is error, reaching max_iterations. ' +
    'Output: IoTable with z balanced, x = X^t, va = X^t − V^t, no final demand; meta and `report` carry iterations and residuals.',
  // A 42-sector table balances in a few ms: copying it to a worker costs more than it saves.
  heavy: (_params, inputs) => isIoTable(inputs.base) && inputs.base.sectors.length >= 200,
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      tolerance: { type: 'number', minimum: 0, default: 0.001, description: 'Absolute tolerance on row and column residuals (paper: 0.001, table units).' },
      relative_tolerance: { type: 'number', minimum: 0, description: 'Alternative stop: largest residual / its target. Either criterion stops.' },
      max_iterations: { type: 'integer', minimum: 1, default: 10000, description: 'Rounds (row + column scaling) before giving up.' },
      on_nonconvergence: { enum: ['error', 'warn'], default: 'error', description: 'error: StepError ras-infeasible; warn: a note and meta.converged = false.' },
    },
  },
  inputs: {
    base: { description: 'Base-year IoTable (supplies A0 and the sector order).' },
    targets: { description: 'Table sector, x, u, v or JSON {x, u, v} in the base sector order.' },
  },
  outputs: { table: 'The updated IoTable.', report: 'JSON {iterations, max_row_residual, max_col_residual, converged}.' },
  // Its outputs are an input-output table and JSON, not tables.
  columns: () => ({}),
  run(ctx) {
    const p = ctx.params;
    const tol = p.tolerance ?? 0.001;
    const base = requireIoTable(ctx.inputs.base, 'base');
    const n = base.sectors.length;
    const t = readTargets(ctx.inputs.targets, base.sectors, true);
    const X = t.x!;
    const coef = coefficients(flatten(base.z, n), base.x, n);
    if (coef.inconsistent.length) throw new StepError('ras-infeasible', `base table sector(s) ${coef.inconsistent.map((j) => base.sectors[j]).join(', ')} have output 0 but non-zero inputs, so A0 is undefined`);
    const z = flowsFromCoefficients(coef.a, X, n);
    const problems = rasProblems(z, n, n, t.u, t.v, sumTolerance(t.u, t.v, tol, p.relative_tolerance));
    if (problems.length) throw new StepError('ras-infeasible', `RAS cannot reach the targets: ${describeProblems(problems, base.sectors)}`);
    const res = rasKernel(z, n, n, t.u, t.v, { tolerance: tol, relativeTolerance: p.relative_tolerance, maxIterations: p.max_iterations ?? 10000 });
    if (!res.converged) {
      const wr = worstIndices(res.rowResiduals, 3).map((i) => `${base.sectors[i]} (${fmt(res.rowResiduals[i]!)})`).join(', ');
      const wc = worstIndices(res.colResiduals, 3).map((j) => `${base.sectors[j]} (${fmt(res.colResiduals[j]!)})`).join(', ');
      const msg = `RAS did not converge in ${res.iterations} iterations: max row residual ${fmt(res.maxRowResidual)}, max column residual ${fmt(res.maxColResidual)} (tolerance ${tol}); worst rows ${wr}; worst columns ${wc}. The zero pattern of the base may make the targets unreachable (the iteration oscillates); check these sectors' targets or raise max_iterations`;
      if ((p.on_nonconvergence ?? 'error') === 'error') throw new StepError('ras-infeasible', msg);
      ctx.note(msg);
    }
    const report = { iterations: res.iterations, max_row_residual: res.maxRowResidual, max_col_residual: res.maxColResidual, converged: res.converged };
    const table: IoTable = {
      kind: 'io-table',
      sectors: [...base.sectors],
      ...(base.names ? { names: [...base.names] } : {}),
      z: unflatten(z, n, n),
      x: Array.from(X),
      va: Array.from(X, (xj, j) => xj - t.v[j]!),
      meta: { ...(base.meta ?? {}), source: 'ras', ...report },
    };
    return { table: table as unknown as Value, report };
  },
});
