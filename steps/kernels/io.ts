/**
 * Input-output basics (Miller & Blair 2009, "Input-Output Analysis", 2nd ed., ch. 2):
 *   technical coefficients  a_ij = z_ij / x_j            (eq 2.4), with 0/0 taken as 0;
 *   Leontief inverse        L = (I − A)^-1               (eq 2.11);
 *   balance                 total input_j (Σ_i z_ij + va_j) = total output_j.
 * Matrices are row-major Float64Array (n × n). Pure: no IO, no engine imports.
 */
import { identity, inverse, type Matrix } from './linalg.js';

/** Result of {@link coefficients}. */
export interface CoefficientsResult {
  /** A, row-major n × n. */
  readonly a: Float64Array;
  /** Sectors j with x_j = 0 and an all-zero column (their a_·j are set to 0). */
  readonly zeroOutput: number[];
  /** Sectors j with x_j = 0 but some z_ij ≠ 0 (no coefficient exists; the caller must fail). */
  readonly inconsistent: number[];
}

/** A = Z·diag(X)^-1 with 0/0 → 0. */
export function coefficients(z: Float64Array, x: ArrayLike<number>, n: number): CoefficientsResult {
  if (z.length !== n * n) throw new Error(`coefficients: Z has ${z.length} values, expected ${n}x${n}`);
  const a = new Float64Array(n * n);
  const zeroOutput: number[] = [];
  const inconsistent: number[] = [];
  for (let j = 0; j < n; j++) {
    const xj = x[j]!;
    if (xj === 0) {
      let any = false;
      for (let i = 0; i < n; i++) if (z[i * n + j] !== 0) any = true;
      (any ? inconsistent : zeroOutput).push(j);
      continue;
    }
    for (let i = 0; i < n; i++) a[i * n + j] = z[i * n + j]! / xj;
  }
  return { a, zeroOutput, inconsistent };
}

/** L = (I − A)^-1, or null when I − A is singular to working precision. */
export function leontiefInverse(a: Float64Array, n: number): Matrix | null {
  const m: Matrix = identity(n);
  for (let k = 0; k < n * n; k++) m.data[k]! -= a[k]!;
  return inverse(m);
}

/** Column sums of A (a column sum ≥ 1 makes I − A non-productive, the usual cause of singularity). */
export function columnSums(a: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j]! += a[i * n + j]!;
  return out;
}

/** Z = A·diag(X): the inverse of {@link coefficients}. */
export function flowsFromCoefficients(a: Float64Array, x: ArrayLike<number>, n: number): Float64Array {
  const z = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) z[i * n + j] = a[i * n + j]! * x[j]!;
  return z;
}

/** Per-sector balance of total input against total output. */
export interface BalanceResult {
  /** totalInput_j − totalOutput_j. */
  readonly difference: Float64Array;
  /** |difference_j| / |totalOutput_j|; 0 when both are 0, Infinity when only the output is 0. */
  readonly relative: Float64Array;
  /** Index of the largest relative imbalance (−1 for n = 0). */
  readonly worst: number;
}

/** Compares total input with total output sector by sector. */
export function balance(totalInput: ArrayLike<number>, totalOutput: ArrayLike<number>): BalanceResult {
  const n = totalOutput.length;
  const difference = new Float64Array(n);
  const relative = new Float64Array(n);
  let worst = -1;
  for (let j = 0; j < n; j++) {
    const d = totalInput[j]! - totalOutput[j]!;
    difference[j] = d;
    const o = Math.abs(totalOutput[j]!);
    relative[j] = d === 0 ? 0 : o === 0 ? Infinity : Math.abs(d) / o;
    if (worst < 0 || relative[j]! > relative[worst]!) worst = j;
  }
  return { difference, relative, worst };
}

/** Row-major flat copy of a nested matrix (n × m), checking its shape. */
export function flatten(rows: number[][], cols: number): Float64Array {
  const out = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`row ${i} has ${r.length} values, expected ${cols}`);
    out.set(r, i * cols);
  });
  return out;
}

/** Nested copy of a flat row-major matrix. */
export function unflatten(data: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from(data.subarray(i * cols, (i + 1) * cols)));
  return out;
}
