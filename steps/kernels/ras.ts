/**
 * RAS (biproportional balancing), paper eqs 1–3 as read in METHOD-NOTES stage A:
 *   r = U / rowsum(A·diag(X)), A ← diag(r)·A;  s = V / colsum(A·diag(X)), A ← A·diag(s)
 * until max_i |U_i − u_i| and max_j |V_j − v_j| are below the tolerance.
 * Scaling A·diag(X) row- and column-wise is the same as scaling Z = A·diag(X) itself, so the
 * kernel works on Z (row-major, flat Float64Array) and balances it in place. After k rounds
 * Z_k = diag(R)·Z_0·diag(S) with R, S the products of the r and s so far (R_i = U_i / Σ_j
 * z0_ij S_j, S_j = V_j / Σ_i R_i z0_ij), so the kernel iterates on R and S and writes Z once.
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

/** Σ_j z[o + j]·s[j] with four partial sums, so the adds do not wait on each other. */
function dot(z: Float64Array, o: number, cols: number, s: Float64Array): number {
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  let j = 0;
  for (; j + 3 < cols; j += 4) {
    a0 += z[o + j]! * s[j]!;
    a1 += z[o + j + 1]! * s[j + 1]!;
    a2 += z[o + j + 2]! * s[j + 2]!;
    a3 += z[o + j + 3]! * s[j + 3]!;
  }
  for (; j < cols; j++) a0 += z[o + j]! * s[j]!;
  return (a0 + a1) + (a2 + a3);
}

/** acc[j] += f·z[o + j]. */
function axpy(z: Float64Array, o: number, cols: number, f: number, acc: Float64Array): void {
  let j = 0;
  for (; j + 3 < cols; j += 4) {
    acc[j]! += f * z[o + j]!;
    acc[j + 1]! += f * z[o + j + 1]!;
    acc[j + 2]! += f * z[o + j + 2]!;
    acc[j + 3]! += f * z[o + j + 3]!;
  }
  for (; j < cols; j++) acc[j]! += f * z[o + j]!;
}

/**
 * Balances `z` (rows × cols, row-major) in place to row sums `u` and column sums `v`.
 * A row or column whose current sum is 0 keeps its factor (it stays zero).
 * Speed: one round is one read pass over Z_0, row by row: Σ_j z0_ij S_j gives the row sums
 * after the last column step (residuals) and the next R_i, and the row, still in cache, adds
 * R_i·z0_ij into the next column sums. Nothing is allocated in the loop and Z is written once
 * at the end. Column sums right after a column step are S_j·c_j (= V_j up to rounding); the
 * column residual is taken from that product.
 */
export function ras(z: Float64Array, rows: number, cols: number, u: ArrayLike<number>, v: ArrayLike<number>, opts: RasOptions): RasResult {
  if (z.length !== rows * cols) throw new Error(`ras: matrix has ${z.length} values, expected ${rows}x${cols}`);
  let R = new Float64Array(rows).fill(1);
  let nextR = new Float64Array(rows);
  const S = new Float64Array(cols).fill(1);
  let colSum = new Float64Array(cols);
  let nextColSum = new Float64Array(cols);
  const rowRes = new Float64Array(rows);
  const colRes = new Float64Array(cols);
  const U = Float64Array.from(u);
  const V = Float64Array.from(v);
  const tol = opts.tolerance;
  const rel = opts.relativeTolerance;
  const maxIter = opts.maxIterations;

  let maxRow = 0;
  let maxCol = 0;
  let maxRel = Infinity;
  const done = (): boolean => (tol !== undefined && maxRow <= tol && maxCol <= tol) || (rel !== undefined && maxRel <= rel);

  if (maxIter < 1) {
    // No round: report the start's residuals.
    for (let i = 0; i < rows; i++) {
      const t = dot(z, i * cols, cols, S);
      axpy(z, i * cols, cols, 1, colSum);
      rowRes[i] = U[i]! - t;
      maxRow = Math.max(maxRow, Math.abs(rowRes[i]!));
    }
    for (let j = 0; j < cols; j++) { colRes[j] = V[j]! - colSum[j]!; maxCol = Math.max(maxCol, Math.abs(colRes[j]!)); }
    return { iterations: 0, converged: false, maxRowResidual: maxRow, maxColResidual: maxCol, maxRelativeResidual: maxRel, rowResiduals: rowRes, colResiduals: colRes };
  }

  // Row step of round 1 (S = 1): R = U / rowsum(Z_0); column sums of diag(R)·Z_0.
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const t = dot(z, o, cols, S);
    if (t !== 0) R[i] = U[i]! / t;
    axpy(z, o, cols, R[i]!, colSum);
  }

  let iterations = 0;
  let converged = false;
  for (;;) {
    iterations++;
    const last = iterations >= maxIter;
    // Column step: S = V / colsum.
    maxCol = 0;
    maxRel = 0;
    for (let j = 0; j < cols; j++) {
      const c = colSum[j]!;
      if (c !== 0) S[j] = V[j]! / c;
      const d = V[j]! - S[j]! * c;
      colRes[j] = d;
      const a = Math.abs(d);
      if (a > maxCol) maxCol = a;
      const q = V[j] === 0 ? a : a / Math.abs(V[j]!);
      if (q > maxRel) maxRel = q;
    }
    // One pass: row sums after this round (residuals) and the row step of the next round.
    maxRow = 0;
    if (!last) nextColSum.fill(0);
    for (let i = 0; i < rows; i++) {
      const t = dot(z, i * cols, cols, S);
      const d = U[i]! - R[i]! * t;
      rowRes[i] = d;
      const a = Math.abs(d);
      if (a > maxRow) maxRow = a;
      const q = U[i] === 0 ? a : a / Math.abs(U[i]!);
      if (q > maxRel) maxRel = q;
      if (last) continue;
      const ri = t !== 0 ? U[i]! / t : R[i]!;
      nextR[i] = ri;
      axpy(z, i * cols, cols, ri, nextColSum);
    }
    converged = done();
    if (converged || last) break;
    // Adopt the next round's row step (when stopping it is simply dropped).
    let tr = R; R = nextR; nextR = tr;
    tr = colSum; colSum = nextColSum; nextColSum = tr;
  }
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    const ri = R[i]!;
    for (let j = 0; j < cols; j++) z[o + j] = ri * z[o + j]! * S[j]!;
  }
  return { iterations, converged, maxRowResidual: maxRow, maxColResidual: maxCol, maxRelativeResidual: maxRel, rowResiduals: rowRes, colResiduals: colRes };
}

/** Indices of the `k` largest |values|, largest first (for "worst rows" messages). */
export function worstIndices(values: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: values.length }, (_, i) => i);
  idx.sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!));
  return idx.slice(0, k);
}
