/**
 * Panel-data transformations: group means, one-way and two-way within (demeaning),
 * between and random-effects (quasi-demeaning) transforms.
 *
 * Formulas (as in R plm 2.6, `Within`, `Between`, and Baltagi, "Econometric Analysis of
 * Panel Data", 6th ed.): one-way within x_it − x̄_i (eq. 2.6); balanced two-way within
 * x_it − x̄_i − x̄_t + x̄ (eq. 3.7); unbalanced two-way within by the exact Frisch–Waugh
 * projection used by plm (`Within(x, "twoways")` for unbalanced data, Wansbeek & Kapteyn
 * 1989): w = x_i-demeaned − W_D a with W_D the entity-demeaned time dummies and a solving
 * (W_D'W_D) a = W_D' x_i-demeaned, where W_D'W_D = D'D − Σ_i c_i c_i'/T_i and W_D'x = the time
 * sums of the entity-demeaned x; random effects x_it − θ_i x̄_i (eq. 5.28, Swamy–Arora θ_i).
 * Pure: no IO, no engine imports.
 */
import { choleskyDropping, choleskySolve } from './ols.js';

/** Integer-coded panel index. */
export interface PanelIndex {
  readonly n: number;
  /** Entity code per observation, 0..nEntities−1. */
  readonly entity: Int32Array;
  /** Time code per observation, 0..nPeriods−1. */
  readonly time: Int32Array;
  readonly nEntities: number;
  readonly nPeriods: number;
  /** T_i: observations per entity. */
  readonly entityCount: Float64Array;
  /** Observations per period. */
  readonly timeCount: Float64Array;
  /** Every entity observed in every period exactly once. */
  readonly balanced: boolean;
  /**
   * When each entity's rows are contiguous (data sorted by entity, the usual layout):
   * the row offsets where each entity's block starts, plus n at the end. Demeaning then
   * streams through memory instead of indexing group means at random.
   */
  readonly entityRuns?: Int32Array;
}

/**
 * Row offsets of the contiguous blocks of `codes` (plus n at the end) when every code
 * occupies exactly one block, else undefined.
 */
export function contiguousRuns(codes: Int32Array, g: number): Int32Array | undefined {
  const n = codes.length;
  const seen = new Uint8Array(g);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0 && codes[i] === codes[i - 1]) continue;
    const c = codes[i]!;
    if (seen[c]) return undefined;
    seen[c] = 1;
    starts.push(i);
  }
  starts.push(n);
  return Int32Array.from(starts);
}

/** x − x̄_block for contiguous blocks (same result as demean, streaming). */
export function demeanRuns(x: Float64Array, runs: Int32Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let r = 0; r + 1 < runs.length; r++) {
    const a = runs[r]!;
    const b = runs[r + 1]!;
    let sum = 0;
    for (let i = a; i < b; i++) sum += x[i]!;
    const mean = sum / (b - a);
    for (let i = a; i < b; i++) out[i] = x[i]! - mean;
  }
  return out;
}

/** Counts of each code 0..g−1. */
export function groupCounts(codes: Int32Array, g: number): Float64Array {
  const c = new Float64Array(g);
  for (let i = 0; i < codes.length; i++) c[codes[i]!]! += 1;
  return c;
}

/** Builds a PanelIndex from integer codes. */
export function panelIndex(entity: Int32Array, time: Int32Array, nEntities: number, nPeriods: number): PanelIndex {
  const n = entity.length;
  const entityCount = groupCounts(entity, nEntities);
  const timeCount = groupCounts(time, nPeriods);
  const entityRuns = contiguousRuns(entity, nEntities);
  return { n, entity, time, nEntities, nPeriods, entityCount, timeCount, balanced: n === nEntities * nPeriods && entityCount.every((c) => c === nPeriods) && timeCount.every((c) => c === nEntities), ...(entityRuns ? { entityRuns } : {}) };
}

/** Mean of x within each group (codes 0..g−1, `counts` from groupCounts). */
export function groupMeans(x: Float64Array, codes: Int32Array, g: number, counts: Float64Array): Float64Array {
  const m = new Float64Array(g);
  for (let i = 0; i < x.length; i++) m[codes[i]!]! += x[i]!;
  for (let j = 0; j < g; j++) m[j] = counts[j]! > 0 ? m[j]! / counts[j]! : 0;
  return m;
}

/** x − x̄_group (one-way within). */
export function demean(x: Float64Array, codes: Int32Array, g: number, counts: Float64Array): Float64Array {
  const m = groupMeans(x, codes, g, counts);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - m[codes[i]!]!;
  return out;
}

/** Which effects a panel model sweeps out. */
export type PanelEffect = 'individual' | 'time' | 'twoways';

/**
 * A within transform for the given effect. For unbalanced two-way panels the returned
 * function holds the factorised T × T system, so each column costs O(n + T²).
 */
export function withinTransformer(idx: PanelIndex, effect: PanelEffect): (x: Float64Array) => Float64Array {
  const { entity, time, nEntities: N, nPeriods: T, entityCount, timeCount } = idx;
  if (effect === 'individual') {
    const runs = idx.entityRuns;
    return runs ? (x) => demeanRuns(x, runs) : (x) => demean(x, entity, N, entityCount);
  }
  if (effect === 'time') return (x) => demean(x, time, T, timeCount);
  if (idx.balanced) {
    return (x) => {
      const mi = groupMeans(x, entity, N, entityCount);
      const mt = groupMeans(x, time, T, timeCount);
      let mean = 0;
      for (let i = 0; i < x.length; i++) mean += x[i]!;
      mean /= x.length;
      const out = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = x[i]! - mi[entity[i]!]! - mt[time[i]!]! + mean;
      return out;
    };
  }
  // Unbalanced: M = D'D − Σ_i c_i c_i'/T_i over the entity-demeaned time dummies.
  const byEntity: number[][] = Array.from({ length: N }, () => []);
  for (let i = 0; i < idx.n; i++) byEntity[entity[i]!]!.push(time[i]!);
  const m = new Float64Array(T * T);
  for (let t = 0; t < T; t++) m[t * T + t] = timeCount[t]!;
  for (let e = 0; e < N; e++) {
    const ts = byEntity[e]!;
    const w = 1 / ts.length;
    for (const s of ts) for (const t of ts) m[s * T + t]! -= w;
  }
  const scale = new Float64Array(T);
  for (let t = 0; t < T; t++) scale[t] = m[t * T + t]! > 0 ? 1 / Math.sqrt(m[t * T + t]!) : 0;
  for (let s = 0; s < T; s++) for (let t = 0; t < T; t++) m[s * T + t]! *= scale[s]! * scale[t]!;
  // The system has rank T − (number of connected components): dependent dummies get a = 0.
  const { kept, l } = choleskyDropping(m, T, 1e-9);
  return (x) => {
    const w = demean(x, entity, N, entityCount);
    const rhsFull = new Float64Array(T);
    for (let i = 0; i < w.length; i++) rhsFull[time[i]!]! += w[i]!;
    const rhs = new Float64Array(kept.length);
    for (let a = 0; a < kept.length; a++) rhs[a] = rhsFull[kept[a]!]! * scale[kept[a]!]!;
    const sol = choleskySolve(l, kept.length, rhs);
    const at = new Float64Array(T);
    for (let a = 0; a < kept.length; a++) at[kept[a]!] = sol[a]! * scale[kept[a]!]!;
    const fitted = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) fitted[i] = at[time[i]!]!;
    const fm = groupMeans(fitted, entity, N, entityCount);
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - fitted[i]! + fm[entity[i]!]!;
    return w;
  };
}

/** Quasi-demeaning x_it − θ_g x̄_g with group-specific θ (random effects). */
export function quasiDemean(x: Float64Array, codes: Int32Array, g: number, counts: Float64Array, theta: Float64Array): Float64Array {
  const m = groupMeans(x, codes, g, counts);
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const c = codes[i]!;
    out[i] = x[i]! - theta[c]! * m[c]!;
  }
  return out;
}

/**
 * Swamy–Arora θ_g = 1 − sqrt(σ²_e / (T_g σ²_u + σ²_e)) for each group (Baltagi eq. 9.17
 * for unbalanced panels: the same formula with T_i).
 */
export function swamyAroraTheta(sigma2e: number, sigma2u: number, counts: Float64Array): Float64Array {
  const th = new Float64Array(counts.length);
  for (let j = 0; j < counts.length; j++) th[j] = 1 - Math.sqrt(sigma2e / (counts[j]! * sigma2u + sigma2e));
  return th;
}
