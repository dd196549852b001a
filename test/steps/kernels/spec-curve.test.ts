/**
 * The specification-curve kernel on a hand-made 2×2 sweep (years a|b × estimator
 * within|random); every expected number is worked out by hand beside it.
 */
import { describe, expect, it } from 'vitest';
import { formatShare, formatSig, movesMostSentence, specificationsMarkdown, summarizeSpecifications, type SpecRow } from '../../../steps/kernels/spec-curve.js';

/** A row of stage `m`; the variant id is built from the choices as the sweep writes it. */
function row(years: string, estimator: string, term: string, estimate: number, p_value: number): SpecRow {
  return { variant: `years=${years},estimator=${estimator}`, choices: { years, estimator }, stage: 'm', term, estimate, std_error: 0.1, p_value };
}

// Term x:        within        random
//   years a    0.30 p .001   0.10 p .03
//   years b    0.20 p .04   -0.10 p .20
const X: SpecRow[] = [row('a', 'within', 'x', 0.3, 0.001), row('a', 'random', 'x', 0.1, 0.03), row('b', 'within', 'x', 0.2, 0.04), row('b', 'random', 'x', -0.1, 0.2)];
// Term z: two zeros, one negative, one positive.
const Z: SpecRow[] = [row('a', 'within', 'z', 0, 0.9), row('a', 'random', 'z', 0, 0.9), row('b', 'within', 'z', -1, 0.001), row('b', 'random', 'z', 1, 0.001)];

describe('summarizeSpecifications', () => {
  it('summarizes a 2×2 sweep', () => {
    const [s] = summarizeSpecifications(X);
    expect(s).toMatchObject({
      stage: 'm', term: 'x', variants: 4,
      positive: 3, negative: 1,   // 0.3, 0.1, 0.2 > 0; -0.1 < 0
      sameSignShare: 0.75,        // 3 of 4 positive
      sig05Share: 0.75,           // p .001, .03, .04 < .05
      sig01Share: 0.25,           // p .001 only
      min: -0.1, max: 0.3,
    });
    expect(s!.median).toBeCloseTo(0.15, 12);   // sorted -0.1, 0.1, 0.2, 0.3: (0.1 + 0.2) / 2
    // estimator: within (0.3 + 0.2) / 2 = 0.25, random (0.1 - 0.1) / 2 = 0 → spread 0.25
    // years:     a (0.3 + 0.1) / 2 = 0.2,   b (0.2 - 0.1) / 2 = 0.05 → spread 0.15
    expect(s!.byDimension.map((d) => d.dimension)).toEqual(['estimator', 'years']);
    expect(s!.byDimension[0]!.spread).toBeCloseTo(0.25, 12);
    expect(s!.byDimension[0]!.means.within).toBeCloseTo(0.25, 12);
    expect(s!.byDimension[0]!.means.random).toBeCloseTo(0, 12);
    expect(s!.byDimension[1]!.spread).toBeCloseTo(0.15, 12);
    expect(s!.byDimension[1]!.means.a).toBeCloseTo(0.2, 12);
    expect(s!.byDimension[1]!.means.b).toBeCloseTo(0.05, 12);
  });

  it('counts zero estimates in variants but in neither sign; a sign tie is the positive majority', () => {
    const [s] = summarizeSpecifications(Z);
    // 1 positive, 1 negative, 2 zeros: majority (tie → positive) 1 of 4.
    expect(s).toMatchObject({ variants: 4, positive: 1, negative: 1, sameSignShare: 0.25, sig05Share: 0.5, sig01Share: 0.5, min: -1, max: 1, median: 0 });
    // estimator: within (0 - 1) / 2 = -0.5, random (0 + 1) / 2 = 0.5 → 1; years: a 0, b 0 → 0.
    expect(s!.byDimension.map((d) => [d.dimension, d.spread])).toEqual([['estimator', 1], ['years', 0]]);
  });

  it('keeps (stage, term) pairs in first-seen order and breaks spread ties by dimension name', () => {
    const flat = [row('a', 'within', 'w', 1, 0.5), row('b', 'random', 'w', 1, 0.5)];
    const interleaved = [Z[0]!, X[0]!, flat[0]!, Z[1]!, X[1]!, flat[1]!, Z[2]!, X[2]!, Z[3]!, X[3]!, { ...X[0]!, stage: 'n' }];
    const out = summarizeSpecifications(interleaved);
    expect(out.map((s) => `${s.stage}:${s.term}:${s.variants}`)).toEqual(['m:z:4', 'm:x:4', 'm:w:2', 'n:x:1']);
    // w: every mean 1 → both spreads 0, so alphabetical.
    expect(out[2]!.byDimension.map((d) => d.dimension)).toEqual(['estimator', 'years']);
    expect(summarizeSpecifications([])).toEqual([]);
  });

  it('leaves non-finite estimates out of the signs, range and means', () => {
    const [s] = summarizeSpecifications([row('a', 'within', 'x', NaN, NaN), row('b', 'within', 'x', 2, 0.01)]);
    // NaN p is not < 0.05; 0.01 is < 0.05 but not < 0.01.
    expect(s).toMatchObject({ variants: 2, positive: 1, negative: 0, sameSignShare: 0.5, sig05Share: 0.5, sig01Share: 0, min: 2, max: 2, median: 2 });
    expect(s!.byDimension.find((d) => d.dimension === 'years')!.spread).toBe(0);   // a has no finite estimate
  });
});

describe('formatting', () => {
  it('writes three significant digits', () => {
    expect([formatSig(0.15), formatSig(-0.1), formatSig(123456), formatSig(0.0000123), formatSig(0), formatSig(NaN)]).toEqual(['0.150', '-0.100', '1.23e+5', '0.0000123', '0', 'n/a']);
    expect([formatShare(0.75), formatShare(1), formatShare(1 / 12)]).toEqual(['75.0%', '100%', '8.33%']);
  });

  it('names the dimension that moves the estimate most', () => {
    const [x, z] = summarizeSpecifications([...X, ...Z]);
    expect(movesMostSentence(x!)).toBe('The estimate moves most with `estimator` (spread 0.250), then `years` (spread 0.150).');
    expect(movesMostSentence(z!)).toBe('The estimate moves most with `estimator` (spread 1.00).');
  });

  it('writes the Markdown summary of a 2×2 sweep', () => {
    expect(specificationsMarkdown(summarizeSpecifications(X), 'Robustness')).toBe([
      '# Robustness', '',
      '## m: x', '',
      '| | |', '|---|---|',
      '| variants | 4 |',
      '| same sign | 75.0% positive (3 positive, 1 negative) |',
      '| significant at 0.05 | 75.0% |',
      '| significant at 0.01 | 25.0% |',
      '| estimate range | [-0.100, 0.300], median 0.150 |',
      '',
      'The estimate moves most with `estimator` (spread 0.250), then `years` (spread 0.150).',
      '',
    ].join('\n'));
    expect(specificationsMarkdown([], 'Empty')).toBe('# Empty\n\nNo specifications were collected.\n');
  });
});
