/**
 * Tail probabilities against R (test/fixtures/plm/distributions.json, written by
 * make-distributions.R with stats::pt/pf/pchisq/pnorm(lower.tail = FALSE)), down to 1e-300.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chiSquaredUpper, fUpper, logGamma, normalUpper, studentTwoSided } from '../../../steps/kernels/distributions.js';

const R = JSON.parse(readFileSync(new URL('../../fixtures/plm/distributions.json', import.meta.url), 'utf8')) as {
  t: { t: number; df: number; p2: number }[];
  f: { f: number; df1: number; df2: number; p: number }[];
  chisq: { x: number; df: number; p: number }[];
  normal: { z: number; p: number }[];
};

function rel(a: number, b: number): number {
  return b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
}

describe('distributions', () => {
  it('Student t two-sided p matches R pt to 1e-10 relative', () => {
    for (const c of R.t) expect(rel(studentTwoSided(c.t, c.df), c.p2), `t=${c.t} df=${c.df}`).toBeLessThan(1e-10);
  });
  it('F upper tail matches R pf', () => {
    for (const c of R.f) expect(rel(fUpper(c.f, c.df1, c.df2), c.p), `F=${c.f} (${c.df1}, ${c.df2})`).toBeLessThan(1e-10);
  });
  it('chi-squared upper tail matches R pchisq', () => {
    for (const c of R.chisq) expect(rel(chiSquaredUpper(c.x, c.df), c.p), `x=${c.x} df=${c.df}`).toBeLessThan(1e-10);
  });
  it('normal upper tail matches R pnorm, including 1e-300', () => {
    for (const c of R.normal) expect(rel(normalUpper(c.z), c.p), `z=${c.z}`).toBeLessThan(1e-10);
  });
  it('log-gamma at known values', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14); // Γ(1) = 1
    expect(rel(logGamma(0.5), Math.log(Math.sqrt(Math.PI)))).toBeLessThan(1e-14); // Γ(1/2) = √π
    expect(rel(logGamma(10), Math.log(362880))).toBeLessThan(1e-14); // Γ(10) = 9!
  });
});
