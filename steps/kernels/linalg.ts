/**
 * Dense linear algebra on row-major Float64Array matrices. Pure: no IO, no engine imports.
 * A matrix of r rows and c columns stores element (i, j) at i * c + j.
 */

/** A row-major dense matrix. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

export function matrix(rows: number, cols: number, data?: ArrayLike<number>): Matrix {
  const d = new Float64Array(rows * cols);
  if (data) {
    if (data.length !== rows * cols) throw new Error(`matrix ${rows}x${cols} needs ${rows * cols} values, got ${data.length}`);
    d.set(data);
  }
  return { rows, cols, data: d };
}

/** Builds a matrix from nested arrays (tests, small inputs). */
export function fromArrays(a: number[][]): Matrix {
  const rows = a.length;
  const cols = a[0]?.length ?? 0;
  const m = matrix(rows, cols);
  for (let i = 0; i < rows; i++) {
    const r = a[i]!;
    if (r.length !== cols) throw new Error(`row ${i} has ${r.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = r[j]!;
  }
  return m;
}

export function toArrays(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

export function identity(n: number): Matrix {
  const m = matrix(n, n);
  for (let i = 0; i < n; i++) m.data[i * n + i] = 1;
  return m;
}

export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw new Error(`cannot multiply ${a.rows}x${a.cols} by ${b.rows}x${b.cols}`);
  const out = matrix(a.rows, b.cols);
  const { data: A } = a;
  const { data: B } = b;
  const C = out.data;
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let k = 0; k < a.cols; k++) {
      const aik = A[i * a.cols + k]!;
      if (aik === 0) continue;
      const bo = k * n;
      const co = i * n;
      for (let j = 0; j < n; j++) C[co + j]! += aik * B[bo + j]!;
    }
  }
  return out;
}

/**
 * LU decomposition with partial pivoting (Golub & Van Loan, alg. 3.4.1). Returns null when
 * the matrix is singular to working precision (a pivot below `tol` times the largest
 * absolute entry).
 */
export function lu(a: Matrix, tol = 1e-13): { lu: Float64Array; perm: Int32Array; n: number } | null {
  if (a.rows !== a.cols) throw new Error(`LU needs a square matrix, got ${a.rows}x${a.cols}`);
  const n = a.rows;
  const m = Float64Array.from(a.data);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let scale = 0;
  for (let i = 0; i < m.length; i++) scale = Math.max(scale, Math.abs(m[i]!));
  if (scale === 0) return n === 0 ? { lu: m, perm, n } : null;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(m[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k]!);
      if (v > best) { best = v; p = i; }
    }
    if (best <= tol * scale) return null;
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j]!;
        m[k * n + j] = m[p * n + j]!;
        m[p * n + j] = t;
      }
      const t = perm[k]!; perm[k] = perm[p]!; perm[p] = t;
    }
    const pivot = m[k * n + k]!;
    for (let i = k + 1; i < n; i++) {
      const f = (m[i * n + k]! /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) m[i * n + j]! -= f * m[k * n + j]!;
    }
  }
  return { lu: m, perm, n };
}

/** Solves A x = b for each column of B using an LU factorisation from `lu`. */
export function luSolve(f: { lu: Float64Array; perm: Int32Array; n: number }, b: Matrix): Matrix {
  const { n, lu: m, perm } = f;
  const k = b.cols;
  const x = matrix(n, k);
  for (let c = 0; c < k; c++) {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = b.data[perm[i]! * k + c]!;
      for (let j = 0; j < i; j++) s -= m[i * n + j]! * y[j]!;
      y[i] = s;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let j = i + 1; j < n; j++) s -= m[i * n + j]! * x.data[j * k + c]!;
      x.data[i * k + c] = s / m[i * n + i]!;
    }
  }
  return x;
}

/** A^-1, or null when A is singular. */
export function inverse(a: Matrix): Matrix | null {
  const f = lu(a);
  return f ? luSolve(f, identity(a.rows)) : null;
}

/** x solving A x = b, or null when A is singular. */
export function solve(a: Matrix, b: Matrix): Matrix | null {
  const f = lu(a);
  return f ? luSolve(f, b) : null;
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan,
 * alg. 8.5.3). Returns the eigenvalues in decreasing order and the eigenvectors as the
 * columns of a row-major matrix. Meant for small matrices (k ≲ 100).
 */
export function symmetricEigen(a: Matrix, tol = 1e-15, maxSweeps = 100): { values: Float64Array; vectors: Matrix } {
  if (a.rows !== a.cols) throw new Error(`eigen needs a square matrix, got ${a.rows}x${a.cols}`);
  const n = a.rows;
  const m = Float64Array.from(a.data);
  const v = identity(n).data;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let norm = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const x = m[i * n + j]! ** 2;
      norm += x;
      if (i !== j) off += x;
    }
    if (off <= tol * tol * norm) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) {
      const apq = m[p * n + q]!;
      if (apq === 0) continue;
      const tau = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
      const t = Math.sign(tau || 1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
      const c = 1 / Math.sqrt(1 + t * t);
      const s = t * c;
      for (let k = 0; k < n; k++) {
        const akp = m[k * n + p]!, akq = m[k * n + q]!;
        m[k * n + p] = c * akp - s * akq;
        m[k * n + q] = s * akp + c * akq;
      }
      for (let k = 0; k < n; k++) {
        const apk = m[p * n + k]!, aqk = m[q * n + k]!;
        m[p * n + k] = c * apk - s * aqk;
        m[q * n + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < n; k++) {
        const vkp = v[k * n + p]!, vkq = v[k * n + q]!;
        v[k * n + p] = c * vkp - s * vkq;
        v[k * n + q] = s * vkp + c * vkq;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j]! - m[i * n + i]!);
  const values = Float64Array.from(order, (i) => m[i * n + i]!);
  const vectors = matrix(n, n);
  order.forEach((src, dst) => { for (let k = 0; k < n; k++) vectors.data[k * n + dst] = v[k * n + src]!; });
  return { values, vectors };
}
