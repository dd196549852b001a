/**
 * RAS (biproportional balancing), paper eqs 1–3 as read in METHOD-NOTES stage A:
 *   r = U / rowsum(A·diag(X)), A ← diag(r)·A;  s = V / colsum(A·diag(X)), A ← A·diag(s)
 * until max_i |U_i − u_i| and max_j |V_j − v_j| are below the tolerance.
 * Scaling A·diag(X) row- and column-wise is the same as scaling Z = A·diag(X) itself, so the
 * kernel works on Z (row-major, flat Float64Array) and balances it in place.
 * Pure: no IO, no engine imports.
 */

/** Stopping rule. A criterion left undefined is not used; meeting either one stops. */
export interface RasOptions {
  /** Absolute tolerance on the largest row and column residual (paper: 0.001). */
  readonly tolerance?: number;
  /** Tolerance on the largest residual relative to its target, |U_i − u_i| / |U_i|. */
  readonly relativeTolerance?: number;
  readonly maxIterations: number;
}

/** What the iteration ended with. */
export interface RasResult {
  /** Completed row+column scaling rounds. */
  readonly iterations: number;
  readonly converged: boolean;
  /** max_i |U_i − u_i| after the last round. */
  readonly maxRowResidual: number;
  /** max_j |V_j − v_j| after the last round (rounding only: columns are scaled last). */
  readonly maxColResidual: number;
  /** max of the residuals relative to their targets (a zero target counts its absolute residual). */
  readonly maxRelativeResidual: number;
  /** Row residuals U_i − u_i (length rows). */
  readonly rowResiduals: Float64Array;
  /** Column residuals V_j − v_j (length cols). */
  readonly colResiduals: Float64Array;
}

/** One reason plain RAS cannot reach the targets, by row/column index. */
export type RasProblem =
  | { readonly kind: 'sum-mismatch'; readonly sumU: number; readonly sumV: number }
  | { readonly kind: 'negative-entry'; readonly row: number; readonly col: number; readonly value: number }
  | { readonly kind: 'negative-target'; readonly side: 'row' | 'col'; readonly index: number; readonly target: number }
  | { readonly kind: 'zero-with-target'; readonly side: 'row' | 'col'; readonly index: number; readonly target: number }
  | { readonly kind: 'nonzero-with-zero-target'; readonly side: 'row' | 'col'; readonly index: number; readonly sum: number };

/**
 * The infeasibilities that can be seen before iterating: ΣU ≠ ΣV beyond `tolerance`,
 * negative entries or targets, an all-zero row/column with a non-zero target and a non-zero
 * row/column with a zero target. An empty list does not prove feasibility (zero patterns
 * can still make the problem infeasible; the iteration then stalls at maxIterations).
 */
export function rasProblems(z: Float64Array, rows: number, cols: number, u: ArrayLike<number>, v: ArrayLike<number>, tolerance: number): RasProblem[] {
  const out: RasProblem[] = [];
  let sumU = 0;
  let sumV = 0;
  for (let i = 0; i < rows; i++) sumU += u[i]!;
  for (let j = 0; j < cols; j++) sumV += v[j]!;
  if (!(Math.abs(sumU - sumV) <= tolerance)) out.push({ kind: 'sum-mismatch', sumU, sumV });
  const rs = new Float64Array(rows);
  const cs = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const x = z[o + j]!;
      if (x < 0) out.push({ kind: 'negative-entry', row: i, col: j, value: x });
      rs[i]! += x;
      cs[j]! += x;
    }
  }
  const sides: ['row' | 'col', Float64Array, ArrayLike<number>][] = [['row', rs, u], ['col', cs, v]];
  for (const [side, sums, target] of sides) {
    for (let k = 0; k < sums.length; k++) {
      const t = target[k]!;
      if (t < 0) out.push({ kind: 'negative-target', side, index: k, target: t });
      else if (sums[k] === 0 && t !== 0) out.push({ kind: 'zero-with-target', side, index: k, target: t });
      else if (sums[k] !== 0 && t === 0) out.push({ kind: 'nonzero-with-zero-target', side, index: k, sum: sums[k]! });
    }
  }
  return out;
}

/**
 * Balances `z` (rows × cols, row-major) in place to row sums `u` and column sums `v`.
 * Each round is two fused passes over the matrix (scale rows while summing columns; scale
 * columns while summing rows and checking the column sums) and allocates nothing.
 * A row or column whose current sum is 0 keeps factor 1 (it stays zero).
 */
export function ras(z: Float64Array, rows: number, cols: number, u: ArrayLike<number>, v: ArrayLike<number>, opts: RasOptions): RasResult {
  if (z.length !== rows * cols) throw new Error(`ras: matrix has ${z.length} values, expected ${rows}x${cols}`);
  const rowSum = new Float64Array(rows);
  const colSum = new Float64Array(cols);
  const colCheck = new Float64Array(cols);
  const s = new Float64Array(cols);
  const rowRes = new Float64Array(rows);
  const colRes = new Float64Array(cols);
  const U = Float64Array.from(u);
  const V = Float64Array.from(v);
  const tol = opts.tolerance;
  const rel = opts.relativeTolerance;

  for (let i = 0; i < rows; i++) {
    let acc = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) acc += z[o + j]!;
    rowSum[i] = acc;
  }

  let iterations = 0;
  let maxRow = Infinity;
  let maxCol = Infinity;
  let maxRel = Infinity;
  const done = (): boolean => (tol !== undefined && maxRow <= tol && maxCol <= tol) || (rel !== undefined && maxRel <= rel);

  while (iterations < opts.maxIterations) {
    // Row step: A ← diag(r)·A, accumulating the new column sums on the way.
    colSum.fill(0);
    for (let i = 0; i < rows; i++) {
      const rsum = rowSum[i]!;
      const ri = rsum === 0 ? 1 : U[i]! / rsum;
      const o = i * cols;
      for (let j = 0; j < cols; j++) {
        const x = z[o + j]! * ri;
        z[o + j] = x;
        colSum[j]! += x;
      }
    }
    // Column step: A ← A·diag(s), accumulating the row sums for the residuals and next round.
    for (let j = 0; j < cols; j++) {
      const c = colSum[j]!;
      s[j] = c === 0 ? 1 : V[j]! / c;
    }
    colCheck.fill(0);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      let acc = 0;
      for (let j = 0; j < cols; j++) {
        const x = z[o + j]! * s[j]!;
        z[o + j] = x;
        acc += x;
        colCheck[j]! += x;
      }
      rowSum[i] = acc;
    }
    iterations++;
    maxRow = 0;
    maxCol = 0;
    maxRel = 0;
    for (let i = 0; i < rows; i++) {
      const d = U[i]! - rowSum[i]!;
      rowRes[i] = d;
      const a = Math.abs(d);
      if (a > maxRow) maxRow = a;
      const r = U[i] === 0 ? a : a / Math.abs(U[i]!);
      if (r > maxRel) maxRel = r;
    }
    for (let j = 0; j < cols; j++) {
      const d = V[j]! - colCheck[j]!;
      colRes[j] = d;
      const a = Math.abs(d);
      if (a > maxCol) maxCol = a;
      const r = V[j] === 0 ? a : a / Math.abs(V[j]!);
      if (r > maxRel) maxRel = r;
    }
    if (done()) break;
  }
  if (iterations === 0) {
    // No round was run: report the start's residuals.
    maxRow = maxCol = maxRel = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) colCheck[j]! += z[i * cols + j]!;
    for (let i = 0; i < rows; i++) { rowRes[i] = U[i]! - rowSum[i]!; maxRow = Math.max(maxRow, Math.abs(rowRes[i]!)); }
    for (let j = 0; j < cols; j++) { colRes[j] = V[j]! - colCheck[j]!; maxCol = Math.max(maxCol, Math.abs(colRes[j]!)); }
    maxRel = Infinity;
  }
  return { iterations, converged: iterations > 0 && done(), maxRowResidual: maxRow, maxColResidual: maxCol, maxRelativeResidual: maxRel, rowResiduals: rowRes, colResiduals: colRes };
}

/** Indices of the `k` largest |values|, largest first (for "worst rows" messages). */
export function worstIndices(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!));
  return idx.slice(0, k);
}
