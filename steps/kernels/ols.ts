/**
 * Ordinary least squares on column-stored designs, with collinearity detection.
 *
 * Formula: b = (X'X)^-1 X'y solved by a Cholesky factorisation of the column-equilibrated
 * cross-product D X'X D (D = diag(1/‖x_j‖)), followed by one step of iterative refinement on
 * the residuals (Björck, "Numerical Methods for Least Squares Problems", 1996, §2.9: the
 * semi-normal equations with correction). A column is dropped as collinear when the norm of
 * its part orthogonal to the columns before it is below `tol` times its own norm, the rule
 * of R's dqrdc2 used by lm() (tol = 1e-7), so the same columns are dropped as in R/plm.
 * Cost: one pass over the data for X'X (k(k+1)/2 dot products), two for the refinement.
 * Pure: no IO, no engine imports.
 */

/** The result of `olsFit`. */
export interface OlsFit {
  /** Coefficients in input column order; NaN for dropped columns. */
  readonly coef: Float64Array;
  /** Indices of the columns kept, in input order. */
  readonly kept: number[];
  /** Indices of the columns dropped as collinear (or all-zero). */
  readonly dropped: number[];
  /** (X'X)^-1 over the kept columns, row-major kept.length × kept.length. */
  readonly xtxInv: Float64Array;
  /** y − X b. */
  readonly residuals: Float64Array;
  /** Sum of squared residuals. */
  readonly ssr: number;
}

/** Dot product of two equal-length vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * X'X of column-stored X as a row-major k × k matrix. Rows are taken in blocks that fit in
 * cache so every column is streamed from memory once, not k times.
 */
export function crossprod(cols: Float64Array[], block = 2048): Float64Array {
  const k = cols.length;
  const n = cols[0]?.length ?? 0;
  const out = new Float64Array(k * k);
  for (let s = 0; s < n; s += block) {
    const e = Math.min(n, s + block);
    for (let i = 0; i < k; i++) {
      const a = cols[i]!;
      for (let j = i; j < k; j++) {
        const b = cols[j]!;
        let acc = 0;
        for (let r = s; r < e; r++) acc += a[r]! * b[r]!;
        out[i * k + j]! += acc;
      }
    }
  }
  for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) out[i * k + j] = out[j * k + i]!;
  return out;
}

/**
 * Cholesky factorisation C = L L' of a symmetric positive semi-definite k × k matrix that
 * skips (drops) every column whose pivot is below tol² · C_jj, i.e. whose part orthogonal
 * to the kept columns before it is relatively smaller than `tol`. Returns the kept indices
 * and L over them (row-major r × r, lower triangular).
 */
export function choleskyDropping(c: Float64Array, k: number, tol: number): { kept: number[]; dropped: number[]; l: Float64Array } {
  const kept: number[] = [];
  const dropped: number[] = [];
  const lFull = new Float64Array(k * k); // rows = original index, cols = position among kept
  for (let j = 0; j < k; j++) {
    const cjj = c[j * k + j]!;
    let d = cjj;
    const r = kept.length;
    for (let p = 0; p < r; p++) d -= lFull[j * k + p]! ** 2;
    if (!(cjj > 0) || !(d > tol * tol * cjj)) { dropped.push(j); continue; }
    const ljj = Math.sqrt(d);
    lFull[j * k + r] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = c[i * k + j]!;
      for (let p = 0; p < r; p++) s -= lFull[i * k + p]! * lFull[j * k + p]!;
      lFull[i * k + r] = s / ljj;
    }
    kept.push(j);
  }
  const r = kept.length;
  const l = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = 0; b <= a; b++) l[a * r + b] = lFull[kept[a]! * k + b]!;
  return { kept, dropped, l };
}

/** Solves L L' x = b in place for a row-major lower-triangular r × r factor L. */
export function choleskySolve(l: Float64Array, r: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  for (let i = 0; i < r; i++) {
    let s = x[i]!;
    for (let p = 0; p < i; p++) s -= l[i * r + p]! * x[p]!;
    x[i] = s / l[i * r + i]!;
  }
  for (let i = r - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let p = i + 1; p < r; p++) s -= l[p * r + i]! * x[p]!;
    x[i] = s / l[i * r + i]!;
  }
  return x;
}

/** (L L')^-1 as a row-major r × r matrix. */
export function choleskyInverse(l: Float64Array, r: number): Float64Array {
  const inv = new Float64Array(r * r);
  const e = new Float64Array(r);
  for (let j = 0; j < r; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, r, e);
    for (let i = 0; i < r; i++) inv[i * r + j] = col[i]!;
  }
  // symmetrise against rounding
  for (let i = 0; i < r; i++) for (let j = 0; j < i; j++) {
    const v = (inv[i * r + j]! + inv[j * r + i]!) / 2;
    inv[i * r + j] = v;
    inv[j * r + i] = v;
  }
  return inv;
}

function residualsOf(cols: Float64Array[], kept: number[], coef: Float64Array, y: Float64Array): Float64Array {
  const res = Float64Array.from(y);
  const n = y.length;
  for (const j of kept) {
    const b = coef[j]!;
    const x = cols[j]!;
    for (let i = 0; i < n; i++) res[i]! -= b * x[i]!;
  }
  return res;
}

/**
 * Least squares fit of y on the columns `cols` (each of length n). Collinear columns are
 * dropped (see the file comment); `xtx` may be passed when already computed.
 */
export function olsFit(cols: Float64Array[], y: Float64Array, tol = 1e-7, xtx?: Float64Array): OlsFit {
  const k = cols.length;
  const c = xtx ?? crossprod(cols);
  const scale = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const v = c[j * k + j]!;
    scale[j] = v > 0 ? 1 / Math.sqrt(v) : 0;
  }
  const cs = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) cs[i * k + j] = c[i * k + j]! * scale[i]! * scale[j]!;
  const { kept, dropped, l } = choleskyDropping(cs, k, tol);
  const r = kept.length;
  const coef = new Float64Array(k).fill(NaN);
  for (const j of kept) coef[j] = 0;
  // b = D (D X'X D)^-1 D X'y, then one refinement step with X'r on the residuals
  let residuals: Float64Array = Float64Array.from(y);
  for (let iter = 0; iter < 2; iter++) {
    const rhs = new Float64Array(r);
    for (let a = 0; a < r; a++) rhs[a] = dot(cols[kept[a]!]!, residuals) * scale[kept[a]!]!;
    const delta = choleskySolve(l, r, rhs);
    for (let a = 0; a < r; a++) coef[kept[a]!]! += delta[a]! * scale[kept[a]!]!;
    residuals = residualsOf(cols, kept, coef, y);
  }
  const invScaled = choleskyInverse(l, r);
  const xtxInv = new Float64Array(r * r);
  for (let a = 0; a < r; a++) for (let b = 0; b < r; b++) xtxInv[a * r + b] = invScaled[a * r + b]! * scale[kept[a]!]! * scale[kept[b]!]!;
  return { coef, kept, dropped, xtxInv, residuals, ssr: dot(residuals, residuals) };
}

/**
 * Cluster "meat" Σ_g (X_g' e_g)(X_g' e_g)' over groups `g` (codes 0..G−1), row-major r × r,
 * for the columns `cols` (the kept columns) and residuals `e`.
 */
export function clusterMeat(cols: Float64Array[], e: Float64Array, g: Int32Array, nGroups: number): Float64Array {
  const r = cols.length;
  const n = e.length;
  const score = new Float64Array(nGroups * r);
  for (let a = 0; a < r; a++) {
    const x = cols[a]!;
    for (let i = 0; i < n; i++) score[g[i]! * r + a]! += x[i]! * e[i]!;
  }
  const meat = new Float64Array(r * r);
  for (let gi = 0; gi < nGroups; gi++) {
    const o = gi * r;
    for (let a = 0; a < r; a++) {
      const sa = score[o + a]!;
      if (sa === 0) continue;
      for (let b = 0; b < r; b++) meat[a * r + b]! += sa * score[o + b]!;
    }
  }
  return meat;
}

/** A B C for row-major r × r matrices (sandwich helper). */
export function sandwich(bread: Float64Array, meat: Float64Array, r: number): Float64Array {
  const tmp = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let k = 0; k < r; k++) {
    const v = bread[i * r + k]!;
    for (let j = 0; j < r; j++) tmp[i * r + j]! += v * meat[k * r + j]!;
  }
  const out = new Float64Array(r * r);
  for (let i = 0; i < r; i++) for (let k = 0; k < r; k++) {
    const v = tmp[i * r + k]!;
    for (let j = 0; j < r; j++) out[i * r + j]! += v * bread[k * r + j]!;
  }
  return out;
}
