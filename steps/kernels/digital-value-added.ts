/*
 * Industrial-digitalization value added, paper eqs 4-6 (section 3.2; METHOD-NOTES stage B).
 *   direct   (default): c_j = Σ_{i∈D} z_ij / X_j = Σ_{i∈D} a_ij            (eq 4 as read in
 *                       METHOD-NOTES, after Zhao, Yang, Song et al. 2024 / BEA / CAICT)
 *   complete:           c_j = Σ_{i∈D} (B − I)_ij,  B = (I − A)^-1            (complete
 *                       consumption coefficients, the standard B̄ = (I − A)^-1 − I)
 *   IDVA_j = c_j · X_j · (VA_j / X_j) = c_j · VA_j                          (eqs 5-6, BEA
 *                       assumption: the digitalized part has the sector's value-added rate)
 *   IDVA   = Σ_{j traditional} IDVA_j;   digital industrialization = Σ_{j∈D} VA_j.
 * Pure: plain arrays in, plain numbers out; no engine imports.
 */
import { identity, inverse, matrix, type Matrix } from './linalg.js';

/** Which consumption coefficient measures a sector's use of digital-core products. */
export type CoefficientKind = 'direct' | 'complete';

/**
 * Technical coefficients A = Z · diag(X)^-1. A column with X_j = 0 is all zeros (such a
 * sector has no output to spread its inputs over and contributes nothing).
 */
export function technicalCoefficients(z: readonly (readonly number[])[], x: readonly number[]): Matrix {
  const n = x.length;
  const a = matrix(n, n);
  for (let i = 0; i < n; i++) {
    const row = z[i]!;
    for (let j = 0; j < n; j++) {
      const xj = x[j]!;
      a.data[i * n + j] = xj === 0 ? 0 : row[j]! / xj;
    }
  }
  return a;
}

/**
 * Digital consumption coefficients c_j for every sector j (digital or not), summing rows
 * `digital` (matrix indices) of A (direct) or of (I − A)^-1 − I (complete). Returns null
 * when I − A is singular (complete variant only).
 */
export function digitalConsumption(
  z: readonly (readonly number[])[],
  x: readonly number[],
  digital: readonly number[],
  kind: CoefficientKind = 'direct',
): Float64Array | null {
  const n = x.length;
  const a = technicalCoefficients(z, x);
  let m: Matrix = a;
  if (kind === 'complete') {
    const ia = identity(n);
    for (let k = 0; k < n * n; k++) ia.data[k] = ia.data[k]! - a.data[k]!;
    const b = inverse(ia);
    if (!b) return null;
    // B̄ = B − I: the complete (direct + indirect) requirement, without the unit of j's own
    // output that B carries on its diagonal. For a traditional j and digital i, i ≠ j, so
    // the −I only changes the coefficients of digital sectors, which are never summed.
    for (let i = 0; i < n; i++) b.data[i * n + i] = b.data[i * n + i]! - 1;
    m = b;
  }
  const c = new Float64Array(n);
  for (const i of digital) for (let j = 0; j < n; j++) c[j] = c[j]! + m.data[i * n + j]!;
  return c;
}

/** Result of {@link digitalValueAdded}. */
export interface DigitalValueAdded {
  /** Digital consumption coefficient c_j of every sector. */
  readonly c: Float64Array;
  /** IDVA_j = c_j · VA_j for traditional sectors; 0 elsewhere (see `traditional`). */
  readonly idvaBySector: Float64Array;
  /** Whether sector j is summed into IDVA (not digital, not excluded). */
  readonly traditional: boolean[];
  /** Σ_{j∈D} VA_j: value added of the digital-core sectors (digital industrialization). */
  readonly digitalVa: number;
  /** Σ over traditional j of IDVA_j (industrial digitalization). */
  readonly idva: number;
  /** Σ_j VA_j over all sectors. */
  readonly totalVa: number;
  /** Matrix indices of traditional sectors with X_j = 0 (they contribute 0). */
  readonly zeroOutput: number[];
}

/**
 * Eqs 4-6 for one input-output table. `digital` and `exclude` are matrix indices; excluded
 * sectors are neither digital nor traditional. Returns null when the complete variant
 * meets a singular I − A.
 */
export function digitalValueAdded(
  z: readonly (readonly number[])[],
  x: readonly number[],
  va: readonly number[],
  digital: readonly number[],
  opts: { kind?: CoefficientKind; exclude?: readonly number[] } = {},
): DigitalValueAdded | null {
  const n = x.length;
  const c = digitalConsumption(z, x, digital, opts.kind ?? 'direct');
  if (!c) return null;
  const isDigital = new Set(digital);
  const isExcluded = new Set(opts.exclude ?? []);
  const traditional: boolean[] = [];
  const idvaBySector = new Float64Array(n);
  const zeroOutput: number[] = [];
  let digitalVa = 0;
  let idva = 0;
  let totalVa = 0;
  for (let j = 0; j < n; j++) {
    const vaj = va[j]!;
    totalVa += vaj;
    if (isDigital.has(j)) digitalVa += vaj;
    const trad = !isDigital.has(j) && !isExcluded.has(j);
    traditional.push(trad);
    if (!trad) continue;
    if (x[j] === 0) {
      zeroOutput.push(j);
      continue;
    }
    // c_j · X_j · (VA_j / X_j), written out as eq 6 states it.
    const v = c[j]! * x[j]! * (vaj / x[j]!);
    idvaBySector[j] = v;
    idva += v;
  }
  return { c, idvaBySector, traditional, digitalVa, idva, totalVa, zeroOutput };
}
