/*
 * Entropy weight method (METHOD-NOTES stage D; paper section 4, variable del):
 *   z_ij = (x_ij − min_i x_ij) / (max_i x_ij − min_i x_ij)     positive indicator
 *   z_ij = (max_i x_ij − x_ij) / (max_i x_ij − min_i x_ij)     negative indicator
 *   (variant `shift`: z'_ij = z_ij + shift, used in p only)
 *   p_ij = z_ij / Σ_i z_ij
 *   e_j  = −(1 / ln n) Σ_i p_ij ln p_ij,   with 0 · ln 0 = 0
 *   w_j  = (1 − e_j) / Σ_k (1 − e_k)
 *   s_i  = Σ_j w_j z_ij
 * Pure: Float64Array columns in, plain results out; no engine imports.
 */

/** Direction of an indicator: larger is better (`positive`) or worse (`negative`). */
export type Direction = 'positive' | 'negative';

/** Options of {@link entropyWeights}. */
export interface EntropyOptions {
  /** `ignore`: 0·ln0 = 0 (default); `shift`: add `shift` to every z before forming p. */
  readonly zero?: 'ignore' | 'shift';
  /** Amount added under `zero: shift` (default 1e-4). */
  readonly shift?: number;
}

/** Result of {@link entropyWeights}. */
export interface EntropyResult {
  /** Normalised values z_ij, one Float64Array per indicator. */
  readonly z: Float64Array[];
  /** Entropy e_j of each indicator. */
  readonly entropy: Float64Array;
  /** Weight w_j of each indicator. */
  readonly weight: Float64Array;
  /** Composite score s_i of each row. */
  readonly score: Float64Array;
}

/**
 * Why the method cannot run: fewer than 2 rows (ln n = 0), an indicator whose max = min
 * (index given), or every indicator carrying entropy 1 (no weight to distribute).
 */
export type EntropyFailure =
  | { readonly reason: 'too-few-rows' }
  | { readonly reason: 'constant-indicator'; readonly indicator: number }
  | { readonly reason: 'no-information' };

/** Min-max normalisation of one indicator (reversed for `negative`); null when max = min. */
export function minMaxNormalise(x: ArrayLike<number>, direction: Direction): Float64Array | null {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    min = Math.min(min, x[i]!);
    max = Math.max(max, x[i]!);
  }
  const range = max - min;
  if (!(range > 0)) return null;
  const z = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) z[i] = direction === 'positive' ? (x[i]! - min) / range : (max - x[i]!) / range;
  return z;
}

/** Entropy e = −(1/ln n) Σ p ln p of one normalised column (0·ln0 = 0). */
export function columnEntropy(z: ArrayLike<number>, add = 0): number {
  const n = z.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += z[i]! + add;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const p = (z[i]! + add) / sum;
    if (p > 0) h -= p * Math.log(p);
  }
  return h / Math.log(n);
}

/**
 * Entropy weights and scores of the rows of `columns` (one Float64Array per indicator, no
 * NaN). `constantWeightZero`: treat an indicator with max = min as carrying no information
 * (z = 0, e = 1, w = 0) instead of failing.
 */
export function entropyWeights(
  columns: readonly ArrayLike<number>[],
  directions: readonly Direction[],
  opts: EntropyOptions & { readonly constantWeightZero?: boolean } = {},
): EntropyResult | EntropyFailure {
  const n = columns[0]?.length ?? 0;
  if (n < 2) return { reason: 'too-few-rows' };
  const add = opts.zero === 'shift' ? (opts.shift ?? 1e-4) : 0;
  const k = columns.length;
  const z: Float64Array[] = [];
  const entropy = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const zj = minMaxNormalise(columns[j]!, directions[j] ?? 'positive');
    if (!zj) {
      if (!opts.constantWeightZero) return { reason: 'constant-indicator', indicator: j };
      z.push(new Float64Array(n));
      entropy[j] = 1;
      continue;
    }
    z.push(zj);
    entropy[j] = columnEntropy(zj, add);
  }
  let d = 0;
  for (let j = 0; j < k; j++) d += 1 - entropy[j]!;
  if (!(d > 0)) return { reason: 'no-information' };
  const weight = new Float64Array(k);
  for (let j = 0; j < k; j++) weight[j] = (1 - entropy[j]!) / d;
  const score = new Float64Array(n);
  for (let j = 0; j < k; j++) {
    const zj = z[j]!;
    const wj = weight[j]!;
    for (let i = 0; i < n; i++) score[i] = score[i]! + wj * zj[i]!;
  }
  return { z, entropy, weight, score };
}
