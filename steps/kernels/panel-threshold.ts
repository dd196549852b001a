/**
 * Panel threshold regression with fixed effects: Hansen, B. E. (1999), "Threshold effects in
 * non-dynamic panels: estimation, testing, and inference", Journal of Econometrics 93,
 * 345–368.
 *
 * Model (eq. 1 and its multi-regressor form): y_it = μ_i + x_it'β + z_it'β1·1[q_it ≤ γ] +
 * z_it'β2·1[q_it > γ] + e_it on a balanced panel (N entities × T periods). The μ_i are swept
 * out by the within transformation (eq. 4–5); for a given γ the slopes are OLS on the
 * demeaned data (eq. 6) and S1(γ) is its residual sum of squares (eq. 7). γ̂ = argmin S1(γ)
 * over a grid of values of q (eq. 8, section 2.2); σ̂² = S1(γ̂)/(N(T−1)) (eq. 9).
 * Test of no threshold: F1 = (S0 − S1(γ̂))/σ̂² (eq. 11), its p value by the fixed-regressor
 * bootstrap of section 3.3 (the within residuals of the null model resampled in entity
 * blocks). Confidence set for γ: {γ : LR1(γ) ≤ c(α)}, LR1(γ) = (S1(γ) − S1(γ̂))/σ̂² (eq. 13),
 * c(α) = −2 ln(1 − √(1 − α)) (eq. 16). Two thresholds (section 4): γ̂1 from the single
 * model, γ̂2 = argmin S2r(γ2) = S(γ̂1, γ2) (eq. 19), refined γ̂1r = argmin S(γ1, γ̂2) (eq. 20),
 * F2 = (S1(γ̂1) − S2r(γ̂2))/σ̂2², σ̂2² = S2r(γ̂2)/(N(T−1)) (eq. 21), bootstrapped under the
 * single-threshold model, and the confidence sets of γ̂2 and γ̂1r from LR2r and LR1r (eq. 22).
 *
 * Computation: the common columns [x̃, z̃] are orthonormalised once (Q0, twice-iterated
 * modified Gram–Schmidt); for each grid value g the columns within(z·1[q ≤ γ_g]) are
 * orthonormalised against Q0 (U_g). Because span[x̃, z̃·1[q≤γ], z̃·1[q>γ]] = span[Q0, U_g],
 * S1(γ_g) = ‖r0‖² − ‖U_g' r0‖² with r0 = y − Q0 Q0'y: m dot products per grid value, no
 * refit. Two thresholds use the Gram block U_γ1'U_g (doubleSsr). The bootstrap reuses Q0, U.
 * Pure: no IO, no engine imports.
 */
import { mulberry32 } from './random.js';

/** A balanced panel for the threshold model (rows in any order). */
export interface ThresholdData {
  readonly y: Float64Array;
  /** Regime-independent regressors. */
  readonly x: Float64Array[];
  /** Regime-dependent regressors (their slope changes at the threshold). */
  readonly z: Float64Array[];
  /** Threshold variable. */
  readonly q: Float64Array;
  /** Entity code 0..nEntities−1 and period code 0..nPeriods−1 per row. */
  readonly entity: Int32Array;
  readonly time: Int32Array;
  readonly nEntities: number;
  readonly nPeriods: number;
}

/** A failure the step turns into a StepError. */
export interface ThresholdFailure { readonly reason: string; readonly message: string }

/** The data after the within transformation, with the grid and its orthonormal bases. */
export interface ThresholdPrep {
  readonly data: ThresholdData;
  readonly n: number;
  /** N(T − 1): the divisor of σ̂² (eq. 9). */
  readonly dof: number;
  /** Within-transformed y. */
  readonly yt: Float64Array;
  /** Within-transformed columns of the linear (no-threshold) model: x̃ then z̃. */
  readonly common: Float64Array[];
  /** Orthonormal basis of `common`. */
  readonly q0: Float64Array[];
  /** Candidate thresholds, ascending. */
  readonly grid: Float64Array;
  /** #{q ≤ γ_g} per grid value. */
  readonly below: Int32Array;
  /** Minimum observations per regime: max(1, ⌈trim·n⌉). */
  readonly minRegime: number;
  /** Per grid value, the orthonormalised within(z_j·1[q ≤ γ_g]) columns; undefined when degenerate. */
  readonly u: (Float64Array[] | undefined)[];
  /** row of (entity e, period t) = rowOf[e·T + t]. */
  readonly rowOf: Int32Array;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function subtractProjection(v: Float64Array, basis: readonly Float64Array[]): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const u of basis) {
      const c = dot(u, v);
      for (let i = 0; i < v.length; i++) v[i]! -= c * u[i]!;
    }
  }
}

/**
 * Appends the columns to an orthonormal basis (twice-iterated modified Gram–Schmidt); returns
 * the new unit vectors, or undefined when a column's part orthogonal to the basis is below
 * 1e-9 of its norm (collinear).
 */
function orthonormalise(cols: readonly Float64Array[], basis: readonly Float64Array[]): Float64Array[] | undefined {
  const out: Float64Array[] = [];
  for (const c of cols) {
    const v = Float64Array.from(c);
    const norm0 = Math.sqrt(dot(v, v));
    subtractProjection(v, basis);
    subtractProjection(v, out);
    const norm = Math.sqrt(dot(v, v));
    if (!(norm0 > 0) || !(norm > 1e-9 * norm0)) return undefined;
    for (let i = 0; i < v.length; i++) v[i]! /= norm;
    out.push(v);
  }
  return out;
}

/** Entity-demeaned copy of x (one-way within transformation, Hansen eq. 4). */
export function withinEntity(x: Float64Array, entity: Int32Array, nEntities: number): Float64Array {
  const sum = new Float64Array(nEntities);
  const cnt = new Float64Array(nEntities);
  for (let i = 0; i < x.length; i++) { sum[entity[i]!]! += x[i]!; cnt[entity[i]!]! += 1; }
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i]! - sum[entity[i]!]! / cnt[entity[i]!]!;
  return out;
}

/**
 * The candidate thresholds: the distinct values v of q that leave at least
 * m = max(1, ⌈trim·n⌉) observations on each side (#{q ≤ v} ≥ m and #{q > v} ≥ m); when there
 * are more than `grid` of them (grid > 0), the `grid` values at ranks round(j(C−1)/(grid−1)),
 * j = 0..grid−1, among the C candidates (evenly spaced quantiles, both ends kept).
 */
export function thresholdGrid(q: Float64Array, trim: number, grid: number): { values: Float64Array; below: Int32Array; minRegime: number } {
  const n = q.length;
  const s = Float64Array.from(q).sort();
  const m = Math.max(1, Math.ceil(trim * n - 1e-9));
  const vals: number[] = [];
  const below: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i + 1 < n && s[i + 1] === s[i]) continue; // last index of a run of ties: i + 1 values ≤ s[i]
    const le = i + 1;
    if (le >= m && n - le >= m) { vals.push(s[i]!); below.push(le); }
  }
  const c = vals.length;
  if (grid > 0 && c > grid) {
    const idx = Array.from({ length: grid }, (_, j) => Math.round((j * (c - 1)) / (grid - 1)));
    return { values: Float64Array.from(idx, (j) => vals[j]!), below: Int32Array.from(idx, (j) => below[j]!), minRegime: m };
  }
  return { values: Float64Array.from(vals), below: Int32Array.from(below), minRegime: m };
}

/** Within transformation, the grid and the orthonormal bases (everything that does not depend on y). */
export function prepareThreshold(data: ThresholdData, opts: { trim: number; grid: number; names?: { x: string[]; z: string[] } }): { ok: true; prep: ThresholdPrep } | { ok: false; failure: ThresholdFailure } {
  const { entity, nEntities: nE, nPeriods: T } = data;
  const n = data.y.length;
  const fail = (reason: string, message: string) => ({ ok: false as const, failure: { reason, message } });
  const rowOf = new Int32Array(nE * T).fill(-1);
  for (let i = 0; i < n; i++) rowOf[entity[i]! * T + data.time[i]!] = i;
  if (n !== nE * T || rowOf.some((r) => r < 0)) return fail('unbalanced-panel', `the threshold model needs a balanced panel (every entity in every period); got ${n} rows for ${nE} entities × ${T} periods`);
  const w = (c: Float64Array) => withinEntity(c, entity, nE);
  const common = [...data.x.map(w), ...data.z.map(w)];
  const names = opts.names ? [...opts.names.x, ...opts.names.z] : common.map((_, j) => `column ${j + 1}`);
  const q0: Float64Array[] = [];
  for (let j = 0; j < common.length; j++) {
    const b = orthonormalise([common[j]!], q0);
    if (!b) return fail('singular-design', `regressor \`${names[j]}\` is constant within every entity or collinear with the regressors before it, so the fixed-effects model cannot estimate it; remove it from x or z`);
    q0.push(b[0]!);
  }
  const g = thresholdGrid(data.q, opts.trim, opts.grid);
  if (g.values.length < 2) return fail('empty-grid', `the threshold variable has ${g.values.length} candidate value(s) once ${g.minRegime} observation(s) are kept on each side (trim); lower \`trim\` or use a threshold variable with more distinct values`);
  const u = Array.from(g.values, (gamma) => {
    const cols = data.z.map((z) => {
      const c = new Float64Array(n);
      for (let i = 0; i < n; i++) c[i] = data.q[i]! <= gamma ? z[i]! : 0;
      return w(c);
    });
    return orthonormalise(cols, q0);
  });
  if (u.every((b) => b === undefined)) return fail('singular-design', 'no candidate threshold separates the regime regressors (z is zero or collinear in every split); check z and q');
  return { ok: true, prep: { data, n, dof: nE * (T - 1), yt: w(data.y), common, q0, grid: g.values, below: g.below, minRegime: g.minRegime, u, rowOf } };
}

/** y minus its projection on the linear-model columns. */
export function residualizeCommon(prep: ThresholdPrep, y: Float64Array): Float64Array {
  const r = Float64Array.from(y);
  subtractProjection(r, prep.q0);
  return r;
}

/** a[g·m + j] = u_gj' r0: the coordinates of r0 on each grid value's regime basis (NaN where degenerate). */
export function regimeProjections(prep: ThresholdPrep, r0: Float64Array): Float64Array {
  const m = prep.data.z.length;
  const a = new Float64Array(prep.grid.length * m).fill(NaN);
  prep.u.forEach((b, g) => { if (b) for (let j = 0; j < m; j++) a[g * m + j] = dot(b[j]!, r0); });
  return a;
}

/**
 * S1(γ_g) = ‖r0‖² − Σ_j (u_gj' r0)² for every grid value (U_g orthonormal and ⊥ Q0, so this is
 * the SSR of the threshold model; the subtraction loses at most ~1e-16·S0 absolutely).
 */
export function singleSsr(prep: ThresholdPrep, r0: Float64Array, a = regimeProjections(prep, r0)): Float64Array {
  const m = prep.data.z.length;
  const s0 = dot(r0, r0);
  return Float64Array.from(prep.grid, (_, g) => {
    let s = s0;
    for (let j = 0; j < m; j++) s -= a[g * m + j]! ** 2;
    return s;
  });
}

/** #{γ_a < q ≤ γ_b} for grid indices a, b (either order). */
function between(prep: ThresholdPrep, a: number, b: number): number {
  return Math.abs(prep.below[a]! - prep.below[b]!);
}

/**
 * S(γ_fixed, γ_g) for every grid value g (NaN where the middle regime has fewer than
 * minRegime observations or the design is degenerate): the second-threshold search (eq. 19)
 * and the refinement (eq. 20). With F = U_fixed, G = F'U_g, b = F'r0, a = U_g'r0, the part of
 * U_g orthogonal to F is V = U_g − F G, V'V = I − G'G and V'r1 = a − G'b (r1 = r0 − F b), so
 * S = ‖r0‖² − b'b − (a − G'b)'(I − G'G)⁻¹(a − G'b): m² dot products per grid value.
 */
export function doubleSsr(prep: ThresholdPrep, r0: Float64Array, fixed: number, a = regimeProjections(prep, r0)): Float64Array {
  const m = prep.data.z.length;
  const base = prep.u[fixed];
  const out = new Float64Array(prep.grid.length).fill(NaN);
  if (!base) return out;
  let s1 = dot(r0, r0);
  for (let j = 0; j < m; j++) s1 -= a[fixed * m + j]! ** 2;
  const G = new Float64Array(m * m);
  const M = new Float64Array(m * m);
  const v = new Float64Array(m);
  for (let g = 0; g < prep.grid.length; g++) {
    const ug = prep.u[g];
    if (g === fixed || !ug || between(prep, g, fixed) < prep.minRegime) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) G[i * m + j] = dot(base[i]!, ug[j]!);
    for (let j = 0; j < m; j++) {
      let s = a[g * m + j]!;
      for (let i = 0; i < m; i++) s -= G[i * m + j]! * a[fixed * m + i]!;
      v[j] = s;
      for (let k = 0; k < m; k++) {
        let t = j === k ? 1 : 0;
        for (let i = 0; i < m; i++) t -= G[i * m + j]! * G[i * m + k]!;
        M[j * m + k] = t;
      }
    }
    // v'M⁻¹v by Cholesky of M; a pivot below 1e-10 means U_g adds (almost) nothing to F
    let quad = 0;
    let ok = true;
    for (let j = 0; j < m && ok; j++) {
      for (let k = 0; k < j; k++) {
        let t = M[j * m + k]!;
        for (let i = 0; i < k; i++) t -= M[j * m + i]! * M[k * m + i]!;
        M[j * m + k] = t / M[k * m + k]!;
      }
      let d = M[j * m + j]!;
      for (let i = 0; i < j; i++) d -= M[j * m + i]! ** 2;
      if (!(d > 1e-10)) { ok = false; break; }
      M[j * m + j] = Math.sqrt(d);
      let w = v[j]!;
      for (let i = 0; i < j; i++) w -= M[j * m + i]! * v[i]!;
      v[j] = w / M[j * m + j]!;
      quad += v[j]! ** 2;
    }
    if (ok) out[g] = s1 - quad;
  }
  return out;
}

/** Index of the smallest finite value (the first one on ties: the smallest γ). */
export function argmin(s: Float64Array): number {
  let best = -1;
  for (let g = 0; g < s.length; g++) if (Number.isFinite(s[g]!) && (best < 0 || s[g]! < s[best]!)) best = g;
  return best;
}

/** c(α) = −2 ln(1 − √(1 − α)) (Hansen 1999 eq. 16), the LR critical value for level 1 − α. */
export function lrCritical(alpha: number): number {
  return -2 * Math.log(1 - Math.sqrt(1 - alpha));
}

/** Range [min, max] of the grid values with LR(γ) ≤ c (the no-rejection region). */
function confidenceRange(grid: Float64Array, lr: Float64Array, c: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  lr.forEach((v, g) => { if (v <= c) { lo = Math.min(lo, grid[g]!); hi = Math.max(hi, grid[g]!); } });
  return [lo, hi];
}

/** The single-threshold estimate (section 2–3). */
export interface SingleThreshold {
  readonly index: number;
  readonly gamma: number;
  /** S0: the linear fixed-effects model. */
  readonly ssr0: number;
  /** S1(γ̂). */
  readonly ssr1: number;
  /** σ̂² = S1(γ̂)/(N(T−1)). */
  readonly sigma2: number;
  /** F1 = (S0 − S1(γ̂))/σ̂². */
  readonly f: number;
  /** S1(γ) over the grid. */
  readonly ssr: Float64Array;
  /** LR1(γ) over the grid. */
  readonly lr: Float64Array;
}

/** γ̂, S0, S1 and F1 for the dependent variable y (already within-transformed). */
export function fitSingle(prep: ThresholdPrep, yt: Float64Array = prep.yt): SingleThreshold {
  const r0 = residualizeCommon(prep, yt);
  const ssr0 = dot(r0, r0);
  const ssr = singleSsr(prep, r0);
  const index = argmin(ssr);
  const ssr1 = ssr[index]!;
  const sigma2 = ssr1 / prep.dof;
  const lr = Float64Array.from(ssr, (s) => (s - ssr1) / sigma2);
  return { index, gamma: prep.grid[index]!, ssr0, ssr1, sigma2, f: (ssr0 - ssr1) / sigma2, ssr, lr };
}

/** The sequential double-threshold estimate (section 4). */
export interface DoubleThreshold {
  readonly single: SingleThreshold;
  /** γ̂2 given γ̂1 (eq. 19) and its S2r(γ̂2). */
  readonly index2: number;
  readonly ssr2: number;
  /** Refined γ̂1r given γ̂2 (eq. 20) and S(γ̂1r, γ̂2). */
  readonly index1r: number;
  readonly ssrRefined: number;
  /** σ̂2² = S2r(γ̂2)/(N(T−1)). */
  readonly sigma2: number;
  /** F2 = (S1(γ̂1) − S2r(γ̂2))/σ̂2². */
  readonly f: number;
  /** LR2r(γ) (eq. 22) and LR1r(γ) over the grid (NaN where excluded). */
  readonly lr2: Float64Array;
  readonly lr1r: Float64Array;
}

/** F2 alone (the bootstrap needs nothing else): S1(γ̂1) and min S(γ̂1, ·). */
function secondStatistic(prep: ThresholdPrep, yt: Float64Array): { single: SingleThreshold; r0: Float64Array; s2: Float64Array; index2: number; f: number; sigma2: number } {
  const r0 = residualizeCommon(prep, yt);
  const a = regimeProjections(prep, r0);
  const ssr0 = dot(r0, r0);
  const ssr = singleSsr(prep, r0, a);
  const index = argmin(ssr);
  const ssr1 = ssr[index]!;
  const sigma1 = ssr1 / prep.dof;
  const single: SingleThreshold = { index, gamma: prep.grid[index]!, ssr0, ssr1, sigma2: sigma1, f: (ssr0 - ssr1) / sigma1, ssr, lr: Float64Array.from(ssr, (s) => (s - ssr1) / sigma1) };
  const s2 = doubleSsr(prep, r0, index, a);
  const index2 = argmin(s2);
  if (index2 < 0) return { single, r0, s2, index2, f: NaN, sigma2: NaN };
  const sigma2 = s2[index2]! / prep.dof;
  return { single, r0, s2, index2, f: (ssr1 - s2[index2]!) / sigma2, sigma2 };
}

/** The double-threshold estimate, or undefined when no second threshold fits in the grid. */
export function fitDouble(prep: ThresholdPrep, yt: Float64Array = prep.yt): DoubleThreshold | undefined {
  const s = secondStatistic(prep, yt);
  if (s.index2 < 0) return undefined;
  const ssr2 = s.s2[s.index2]!;
  const lr2 = Float64Array.from(s.s2, (v) => (v - ssr2) / s.sigma2);
  const s1r = doubleSsr(prep, s.r0, s.index2);
  const index1r = argmin(s1r);
  const ssrRefined = s1r[index1r]!;
  const lr1r = Float64Array.from(s1r, (v) => (v - ssrRefined) / s.sigma2);
  return { single: s.single, index2: s.index2, ssr2, index1r, ssrRefined, sigma2: s.sigma2, f: s.f, lr2, lr1r };
}

/** The confidence range of each threshold at level 1 − α. */
export function thresholdCi(prep: ThresholdPrep, lr: Float64Array, alpha: number): [number, number] {
  return confidenceRange(prep.grid, lr, lrCritical(alpha));
}

// ---- bootstrap (section 3.3) ----------------------------------------------------------

/** The seeded generator (steps/kernels/random.ts), re-exported for the tests. */
export { mulberry32 };

/**
 * The seed of replication r (0-based) of test `test` (1: no threshold vs one; 2: one vs two):
 * a murmur3 finaliser of (seed, test, r), so each replication has its own stream and any
 * chunk of replications gives the same draws as the full run.
 */
export function replicationSeed(seed: number, test: number, r: number): number {
  let h = (seed >>> 0) ^ Math.imul(r + 1, 0x9e3779b9) ^ Math.imul(test, 0x85ebca6b);
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The entities whose residual blocks replication r uses: N draws ⌊u·N⌋ with replacement. */
export function bootstrapDraw(seed: number, test: number, r: number, nEntities: number): Int32Array {
  const u = mulberry32(replicationSeed(seed, test, r));
  return Int32Array.from({ length: nEntities }, () => Math.min(nEntities - 1, Math.floor(u() * nEntities)));
}

/** The null model of a bootstrap test: within fitted values and within residuals. */
export interface NullModel {
  readonly test: 1 | 2;
  readonly fitted: Float64Array;
  readonly residuals: Float64Array;
}

/**
 * The null model of test 1 (linear fixed effects) or test 2 (single threshold at grid index
 * `index`), fitted to the data.
 */
export function nullModel(prep: ThresholdPrep, test: 1 | 2, index = -1): NullModel {
  const basis = test === 1 ? prep.q0 : [...prep.q0, ...(prep.u[index] ?? [])];
  const residuals = Float64Array.from(prep.yt);
  subtractProjection(residuals, basis);
  const fitted = Float64Array.from(prep.yt, (v, i) => v - residuals[i]!);
  return { test, fitted, residuals };
}

/**
 * The bootstrap statistic for one draw: y* = fitted + e*, e*_it = ê_(draw_i) t (the whole
 * residual vector of the drawn entity, regressors and q held fixed), then F1* or F2*
 * recomputed with γ re-estimated on y*.
 */
export function bootstrapStatistic(prep: ThresholdPrep, model: NullModel, draw: Int32Array): number {
  const { nPeriods: T, entity, time } = prep.data;
  const y = new Float64Array(prep.n);
  for (let i = 0; i < prep.n; i++) y[i] = model.fitted[i]! + model.residuals[prep.rowOf[draw[entity[i]!]! * T + time[i]!]!]!;
  return model.test === 1 ? fitSingle(prep, y).f : secondStatistic(prep, y).f;
}

/**
 * Replications from..to−1 (0-based) of a test: independent of each other, so a pipeline can
 * split 0..B−1 into chunks, run each on its own (same prep, model and seed) and concatenate.
 */
export function bootstrapChunk(prep: ThresholdPrep, model: NullModel, seed: number, from: number, to: number): Float64Array {
  const out = new Float64Array(Math.max(0, to - from));
  for (let r = from; r < to; r++) out[r - from] = bootstrapStatistic(prep, model, bootstrapDraw(seed, model.test, r, prep.data.nEntities));
  return out;
}

/**
 * Bootstrap p value = share of F* exceeding F (Hansen section 3.3), and the critical values at
 * the levels: the ⌈(1 − α)B⌉-th smallest F*.
 */
export function bootstrapSummary(f: number, stats: Float64Array, levels: readonly number[] = [0.1, 0.05, 0.01]): { pValue: number; critical: number[] } {
  const b = stats.length;
  let exceed = 0;
  for (const s of stats) if (s > f) exceed++;
  const sorted = Float64Array.from(stats).sort();
  return { pValue: exceed / b, critical: levels.map((a) => sorted[Math.min(b - 1, Math.max(0, Math.ceil((1 - a) * b - 1e-9) - 1))]!) };
}

// ---- coefficients ---------------------------------------------------------------------

/**
 * The regime columns of the final model for sorted thresholds γ (1 or 2 values): for each
 * z_j, z·1[q ≤ γ1], (z·1[γ1 < q ≤ γ2],) z·1[q > γ_last], not yet within-transformed.
 */
export function regimeColumns(data: ThresholdData, gammas: readonly number[]): Float64Array[] {
  const cuts = [-Infinity, ...gammas, Infinity];
  const out: Float64Array[] = [];
  for (const z of data.z) {
    for (let r = 0; r + 1 < cuts.length; r++) {
      const lo = cuts[r]!;
      const hi = cuts[r + 1]!;
      out.push(Float64Array.from(z, (v, i) => (data.q[i]! > lo && data.q[i]! <= hi ? v : 0)));
    }
  }
  return out;
}
