/**
 * Panel transforms, checked by the defining properties of the projections (Baltagi ch. 3):
 * the two-way within transform leaves every entity sum and every period sum at zero, is
 * idempotent, and on a balanced panel equals x − x̄_i − x̄_t + x̄.
 */
import { describe, expect, it } from 'vitest';
import { panelIndex, withinTransformer, swamyAroraTheta } from '../../../steps/kernels/panel.js';

function panel(rows: [number, number][]) {
  return panelIndex(Int32Array.from(rows, (r) => r[0]), Int32Array.from(rows, (r) => r[1]), Math.max(...rows.map((r) => r[0])) + 1, Math.max(...rows.map((r) => r[1])) + 1);
}

const sums = (x: Float64Array, codes: Int32Array, g: number) => {
  const s = new Float64Array(g);
  x.forEach((v, i) => { s[codes[i]!]! += v; });
  return Array.from(s);
};

describe('withinTransformer', () => {
  const rows: [number, number][] = [];
  for (let i = 0; i < 6; i++) for (let t = 0; t < 5; t++) if ((i * 5 + t) % 4 !== 1 && !(i === 5 && t > 2)) rows.push([i, t]);
  const idx = panel(rows);
  const x = Float64Array.from(rows, ([i, t], k) => Math.sin(k) * 5 + i * 2 - t);

  it('unbalanced two-way: zero entity and period sums, idempotent', () => {
    expect(idx.balanced).toBe(false);
    const tw = withinTransformer(idx, 'twoways');
    const w = tw(x);
    for (const s of sums(w, idx.entity, idx.nEntities)) expect(Math.abs(s)).toBeLessThan(1e-12);
    for (const s of sums(w, idx.time, idx.nPeriods)) expect(Math.abs(s)).toBeLessThan(1e-12);
    const ww = tw(w);
    w.forEach((v, k) => expect(Math.abs(ww[k]! - v)).toBeLessThan(1e-12));
  });

  it('balanced two-way equals x − x̄_i − x̄_t + x̄', () => {
    const full: [number, number][] = [];
    for (let i = 0; i < 3; i++) for (let t = 0; t < 2; t++) full.push([i, t]);
    const b = panel(full);
    const y = Float64Array.of(1, 4, 2, 9, 7, 3); // x̄_i = 2.5, 5.5, 5; x̄_t = 10/3, 16/3; x̄ = 13/3
    const w = withinTransformer(b, 'twoways')(y);
    expect(w[0]).toBeCloseTo(1 - 2.5 - 10 / 3 + 13 / 3, 12);
    expect(w[5]).toBeCloseTo(3 - 5 - 16 / 3 + 13 / 3, 12);
  });
});

describe('swamyAroraTheta', () => {
  it('θ = 1 − sqrt(σ²e/(Tσ²u + σ²e))', () => {
    expect(swamyAroraTheta(1, 3, Float64Array.of(5))[0]).toBeCloseTo(0.75, 14); // 1 − sqrt(1/16)
  });
});

describe('contiguous entity blocks (the sorted-panel fast path)', () => {
  it('finds the blocks, refuses a code that comes back, and demeans exactly like demean', async () => {
    const { contiguousRuns, demeanRuns, demean, groupCounts } = await import('../../../steps/kernels/panel.js');
    // codes 2,2,0,0,0,1 → blocks start at 0, 2, 5, end 6 (by hand)
    const codes = Int32Array.from([2, 2, 0, 0, 0, 1]);
    expect(Array.from(contiguousRuns(codes, 3)!)).toEqual([0, 2, 5, 6]);
    expect(contiguousRuns(Int32Array.from([0, 1, 0]), 2)).toBeUndefined();
    const x = Float64Array.from([1, 3, 0.1, 0.2, 0.6, 7]);
    // by hand: block means 2, 0.3, 7 → 1−2, 3−2, 0.1−0.3, 0.2−0.3, 0.6−0.3, 0
    const viaRuns = demeanRuns(x, contiguousRuns(codes, 3)!);
    expect(Array.from(viaRuns)).toEqual(Array.from(demean(x, codes, 3, groupCounts(codes, 3))));
    expect(viaRuns[0]).toBe(-1);
    expect(viaRuns[5]).toBe(0);
  });
});
