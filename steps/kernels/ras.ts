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

/** Row step on one row: z[o + j] *= f, adding the new values into colSum[j]. */
function scaleRow(z: Float64Array, o: number, cols: number, f: number, colSum: Float64Array): void {
  for (let j = 0; j < cols; j++) {
    const x = z[o + j]! * f;
    z[o + j] = x;
    colSum[j]! += x;
  }
}

/**
 * Column step on one row: z[o + j] *= s[j], adding the new values into colSum[j]; returns
 * the row's new sum (four partial sums, so the adds do not wait on each other).
 */
function scaleCols(z: Float64Array, o: number, cols: number, s: Float64Array, colSum: Float64Array): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let j = 0;
  for (; j + 3 < cols; j += 4) {
    const x0 = z[o + j]! * s[j]!;
    const x1 = z[o + j + 1]! * s[j + 1]!;
    const x2 = z[o + j + 2]! * s[j + 2]!;
    const x3 = z[o + j + 3]! * s[j + 3]!;
    z[o + j] = x0; z[o + j + 1] = x1; z[o + j + 2] = x2; z[o + j + 3] = x3;
    colSum[j]! += x0; colSum[j + 1]! += x1; colSum[j + 2]! += x2; colSum[j + 3]! += x3;
    a0 += x0; a1 += x1; a2 += x2; a3 += x3;
  }
  for (; j < cols; j++) {
    const x = z[o + j]! * s[j]!;
    z[o + j] = x;
    colSum[j]! += x;
    a0 += x;
  }
  return (a0 + a1) + (a2 + a3);
}

/**
 * Balances `z` (rows × cols, row-major) in place to row sums `u` and column sums `v`.
 * A row or column whose current sum is 0 keeps factor 1 (it stays zero).
 * Speed: the column step of round k and the row step of round k + 1 are done row by row
 * while the row is in cache, so a round reads and writes the matrix once; nothing is
 * allocated in the loop. The row step is applied before the convergence check of round k
 * is known, and undone (one division per entry, once) when round k turns out to be the last.
 */
export function ras(z: Float64Array, rows: number, cols: number, u: ArrayLike<number>, v: ArrayLike<number>, opts: RasOptions): RasResult {
  if (z.length !== rows * cols) throw new Error(`ras: matrix has ${z.length} values, expected ${rows}x${cols}`);
  const r = new Float64Array(rows);
  const rowSum = new Float64Array(rows);
  let colSum = new Float64Array(cols);
  let nextColSum = new Float64Array(cols);
  const colCheck = new Float64Array(cols);
  const s = new Float64Array(cols);
  const rowRes = new Float64Array(rows);
  const colRes = new Float64Array(cols);
  const U = Float64Array.from(u);
  const V = Float64Array.from(v);
  const tol = opts.tolerance;
  const rel = opts.relativeTolerance;
  const maxIter = opts.maxIterations;
  const rowFactor = (sum: number, i: number): number => (sum === 0 ? 1 : U[i]! / sum);

  let maxRow = 0;
  let maxCol = 0;
  let maxRel = Infinity;
  const done = (): boolean => (tol !== undefined && maxRow <= tol && maxCol <= tol) || (rel !== undefined && maxRel <= rel);

  if (maxIter < 1) {
    // No round: report the start's residuals.
    for (let i = 0; i < rows; i++) {
      let acc = 0;
      for (let j = 0; j < cols; j++) { acc += z[i * cols + j]!; colCheck[j]! += z[i * cols + j]!; }
      rowRes[i] = U[i]! - acc;
      maxRow = Math.max(maxRow, Math.abs(rowRes[i]!));
    }
    for (let j = 0; j < cols; j++) { colRes[j] = V[j]! - colCheck[j]!; maxCol = Math.max(maxCol, Math.abs(colRes[j]!)); }
    return { iterations: 0, converged: false, maxRowResidual: maxRow, maxColResidual: maxCol, maxRelativeResidual: maxRel, rowResiduals: rowRes, colResiduals: colRes };
  }

  // Row step of round 1: r = U / rowsum, A ← diag(r)·A.
  for (let i = 0; i < rows; i++) {
    let acc = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) acc += z[o + j]!;
    r[i] = rowFactor(acc, i);
    scaleRow(z, o, cols, r[i]!, colSum);
  }

  let iterations = 0;
  for (;;) {
    iterations++;
    const last = iterations >= maxIter;
    // Column step of this round: s = V / colsum, A ← A·diag(s); then, row by row, the row step of the next.
    for (let j = 0; j < cols; j++) {
      const c = colSum[j]!;
      s[j] = c === 0 ? 1 : V[j]! / c;
    }
    colCheck.fill(0);
    nextColSum.fill(0);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      const sum = scaleCols(z, o, cols, s, colCheck);
      rowSum[i] = sum;
      if (!last) {
        r[i] = rowFactor(sum, i);
        scaleRow(z, o, cols, r[i]!, nextColSum);
      }
    }
    maxRow = 0;
    maxCol = 0;
    maxRel = 0;
    for (let i = 0; i < rows; i++) {
      const d = U[i]! - rowSum[i]!;
      rowRes[i] = d;
      const a = Math.abs(d);
      if (a > maxRow) maxRow = a;
      const q = U[i] === 0 ? a : a / Math.abs(U[i]!);
      if (q > maxRel) maxRel = q;
    }
    for (let j = 0; j < cols; j++) {
      const d = V[j]! - colCheck[j]!;
      colRes[j] = d;
      const a = Math.abs(d);
      if (a > maxCol) maxCol = a;
      const q = V[j] === 0 ? a : a / Math.abs(V[j]!);
      if (q > maxRel) maxRel = q;
    }
    const converged = done();
    if (converged || last) {
      if (!last) {
        // Undo the row step already applied for the round that will not run.
        for (let i = 0; i < rows; i++) {
          const ri = r[i]!;
          if (ri === 1) continue;
          const o = i * cols;
          for (let j = 0; j < cols; j++) z[o + j]! /= ri;
        }
      }
      return { iterations, converged, maxRowResidual: maxRow, maxColResidual: maxCol, maxRelativeResidual: maxRel, rowResiduals: rowRes, colResiduals: colRes };
    }
    const t = colSum;
    colSum = nextColSum;
    nextColSum = t;
  }
}

/** Indices of the `k` largest |values|, largest first (for "worst rows" messages). */
export function worstIndices(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!));
  return idx.slice(0, k);
}
