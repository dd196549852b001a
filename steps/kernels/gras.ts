/**
 * GRAS, generalized RAS for matrices with negative entries (Junius & Oosterhaven 2003,
 * "The solution of updating or regionalizing a matrix with both positive and negative
 * entries", ESR 15(1); algorithm as corrected in Temurshoev, Miller & Bouwmeester 2013,
 * "A note on the GRAS method", ESR 25(3), eqs 7–12). With A = P − N (P, N ≥ 0):
 *   X = diag(r)·P·diag(s) − diag(r)^-1·N·diag(s)^-1,
 *   r_i = (u_i + sqrt(u_i² + 4 p_i(s) n_i(s))) / (2 p_i(s)),  p_i(s) = Σ_j P_ij s_j,
 *         n_i(s) = Σ_j N_ij / s_j;  r_i = −n_i(s) / u_i when p_i(s) = 0,
 *   s_j likewise from the columns, v and r; start s = 1; 1/0 is taken as 1 (their `invd`).
 * Works on the matrix and its target row/column sums directly. Pure: no IO, no engine imports.
 */

export interface GrasOptions {
  /** Absolute tolerance on the largest row/column residual. */
  readonly tolerance?: number;
  /** Tolerance on the largest residual relative to its target. */
  readonly relativeTolerance?: number;
  readonly maxIterations: number;
}

export interface GrasResult {
  /** The balanced matrix (rows × cols, row-major). */
  readonly z: Float64Array;
  readonly r: Float64Array;
  readonly s: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  readonly maxRowResidual: number;
  readonly maxColResidual: number;
  readonly maxRelativeResidual: number;
  /** u_i − rowsum_i of the result. */
  readonly rowResiduals: Float64Array;
  /** v_j − colsum_j of the result. */
  readonly colResiduals: Float64Array;
}

/** A reason GRAS cannot reach a target, visible before iterating. */
export type GrasProblem =
  | { readonly kind: 'sum-mismatch'; readonly sumU: number; readonly sumV: number }
  | { readonly kind: 'zero-with-target'; readonly side: 'row' | 'col'; readonly index: number; readonly target: number }
  | { readonly kind: 'sign-unreachable'; readonly side: 'row' | 'col'; readonly index: number; readonly target: number; readonly has: 'only-positive' | 'only-negative' };

const inv = (x: number): number => (x === 0 ? 1 : 1 / x);

/**
 * Pre-checks: ΣU ≠ ΣV beyond `tolerance`; an all-zero row/column with a non-zero target; a
 * row/column whose entries all have one sign while its target has the other (or is zero).
 */
export function grasProblems(z: Float64Array, rows: number, cols: number, u: ArrayLike<number>, v: ArrayLike<number>, tolerance: number): GrasProblem[] {
  const out: GrasProblem[] = [];
  let sumU = 0;
  let sumV = 0;
  for (let i = 0; i < rows; i++) sumU += u[i]!;
  for (let j = 0; j < cols; j++) sumV += v[j]!;
  if (!(Math.abs(sumU - sumV) <= tolerance)) out.push({ kind: 'sum-mismatch', sumU, sumV });
  const check = (side: 'row' | 'col', index: number, pos: boolean, neg: boolean, target: number): void => {
    if (!pos && !neg) { if (target !== 0) out.push({ kind: 'zero-with-target', side, index, target }); return; }
    if (pos && !neg && target <= 0) out.push({ kind: 'sign-unreachable', side, index, target, has: 'only-positive' });
    if (neg && !pos && target >= 0) out.push({ kind: 'sign-unreachable', side, index, target, has: 'only-negative' });
  };
  for (let i = 0; i < rows; i++) {
    let pos = false;
    let neg = false;
    for (let j = 0; j < cols; j++) { const x = z[i * cols + j]!; if (x > 0) pos = true; else if (x < 0) neg = true; }
    check('row', i, pos, neg, u[i]!);
  }
  for (let j = 0; j < cols; j++) {
    let pos = false;
    let neg = false;
    for (let i = 0; i < rows; i++) { const x = z[i * cols + j]!; if (x > 0) pos = true; else if (x < 0) neg = true; }
    check('col', j, pos, neg, v[j]!);
  }
  return out;
}

/** The multiplier solving m·p − n/m = t for m > 0 (the positive root), or −n/t when p = 0. */
function multiplier(p: number, n: number, t: number): number {
  if (p === 0) return n === 0 ? 1 : -n / t;
  return (t + Math.sqrt(t * t + 4 * p * n)) / (2 * p);
}

/** Balances `z0` to row sums `u` and column sums `v`; `z0` is not modified. */
export function gras(z0: Float64Array, rows: number, cols: number, u: ArrayLike<number>, v: ArrayLike<number>, opts: GrasOptions): GrasResult {
  if (z0.length !== rows * cols) throw new Error(`gras: matrix has ${z0.length} values, expected ${rows}x${cols}`);
  const r = new Float64Array(rows).fill(1);
  const s = new Float64Array(cols).fill(1);
  const rowRes = new Float64Array(rows);
  const colRes = new Float64Array(cols);
  const pc = new Float64Array(cols);
  const nc = new Float64Array(cols);
  let iterations = 0;
  let maxRow = Infinity;
  let maxCol = Infinity;
  let maxRel = Infinity;
  const done = (): boolean =>
    (opts.tolerance !== undefined && maxRow <= opts.tolerance && maxCol <= opts.tolerance) ||
    (opts.relativeTolerance !== undefined && maxRel <= opts.relativeTolerance);

  // Row sums of the current X for given r, s: r_i p_i(s) − n_i(s)/r_i.
  const rowPass = (update: boolean): void => {
    for (let i = 0; i < rows; i++) {
      let p = 0;
      let n = 0;
      const o = i * cols;
      for (let j = 0; j < cols; j++) {
        const a = z0[o + j]!;
        if (a > 0) p += a * s[j]!;
        else if (a < 0) n -= a * inv(s[j]!);
      }
      if (update) r[i] = multiplier(p, n, u[i]!);
      rowRes[i] = u[i]! - (r[i]! * p - n * inv(r[i]!));
    }
  };

  while (iterations < opts.maxIterations) {
    rowPass(true);
    pc.fill(0);
    nc.fill(0);
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      const ri = r[i]!;
      const ir = inv(ri);
      for (let j = 0; j < cols; j++) {
        const a = z0[o + j]!;
        if (a > 0) pc[j]! += a * ri;
        else if (a < 0) nc[j]! -= a * ir;
      }
    }
    for (let j = 0; j < cols; j++) {
      s[j] = multiplier(pc[j]!, nc[j]!, v[j]!);
      colRes[j] = v[j]! - (s[j]! * pc[j]! - nc[j]! * inv(s[j]!));
    }
    rowPass(false);
    iterations++;
    maxRow = 0;
    maxCol = 0;
    maxRel = 0;
    for (let i = 0; i < rows; i++) {
      const a = Math.abs(rowRes[i]!);
      maxRow = Math.max(maxRow, a);
      maxRel = Math.max(maxRel, u[i] === 0 ? a : a / Math.abs(u[i]!));
    }
    for (let j = 0; j < cols; j++) {
      const a = Math.abs(colRes[j]!);
      maxCol = Math.max(maxCol, a);
      maxRel = Math.max(maxRel, v[j] === 0 ? a : a / Math.abs(v[j]!));
    }
    if (done()) break;
  }

  const z = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const a = z0[i * cols + j]!;
      z[i * cols + j] = a > 0 ? r[i]! * a * s[j]! : a < 0 ? a * inv(r[i]!) * inv(s[j]!) : 0;
    }
  }
  return { z, r, s, iterations, converged: iterations > 0 && done(), maxRowResidual: maxRow, maxColResidual: maxCol, maxRelativeResidual: maxRel, rowResiduals: rowRes, colResiduals: colRes };
}
