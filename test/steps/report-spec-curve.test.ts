/**
 * The specification curve (steps/report/spec-curve.ts) and the report's robustness section
 * (steps/report/robustness.ts) on test/fixtures/spec-curve/specifications.csv: 12 variants,
 * years (2011..2023, 2013..2023, 2015..2023) × estimator (within, random, twoways, pooled),
 * two terms of stage `fe`. The fixture's numbers are typed in make-fixture.mjs beside it:
 *
 *   agglomeration   within  random  twoways  pooled      (std error 0.10, 0.09, 0.15, 0.08)
 *   2011..2023       0.42    0.35    0.28     0.51
 *   2013..2023       0.38    0.30    0.12     0.47
 *   2015..2023       0.25    0.18   -0.05     0.40
 *
 * p values are two-sided normal of estimate / std error.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCsvFile } from '../../engine/csv.js';
import { StepError } from '../../engine/step.js';
import { tableFromRows } from '../../engine/table.js';
import type { Value } from '../../engine/value.js';
import { summarizeSpecifications } from '../../steps/kernels/spec-curve.js';
import { report, type ReportParams } from '../../steps/report.js';
import { specRows } from '../../steps/report/data.js';
import { vegaLiteToSvg } from '../../steps/report/render.js';
import { curveData, specCurveSpec, Z_975 } from '../../steps/report/spec-curve.js';
import { makeContext } from '../support/context.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/spec-curve/specifications.csv', import.meta.url));
const table = readCsvFile(FIXTURE);
const { rows, dimensions } = specRows(table);
const agglo = rows.filter((r) => r.term === 'agglomeration');

/** The <g> of the mark named `name` (vega writes `class="mark-TYPE role-mark NAME"`), and its children's translate(x,y). */
function markPositions(svg: string, name: string): [number, number][] {
  const start = svg.indexOf(`role-mark ${name}"`);
  if (start < 0) throw new Error(`no mark ${name} in the SVG`);
  const end = svg.indexOf('</g>', start);
  return [...svg.slice(start, end).matchAll(/<path [^>]*?transform="translate\(([-\d.e]+),([-\d.e]+)\)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('specRows', () => {
  it('reads the fixture: dimensions are the columns outside the contract, in table order', () => {
    expect(dimensions).toEqual(['years', 'estimator']);
    expect(rows).toHaveLength(24);   // 12 variants × 2 terms
    expect(rows[0]).toEqual({ variant: 'years=2011..2023,estimator=within', choices: { years: '2011..2023', estimator: 'within' }, stage: 'fe', term: 'agglomeration', estimate: 0.42, std_error: 0.1, p_value: 0.0000266915 });
  });

  it('reads a missing estimate as NaN and names a cell that is not a number', () => {
    const t = (estimate: string | null) => tableFromRows([{ variant: 'a=1', a: '1', stage: 's', term: 'x', estimate, std_error: 0.1, p_value: 'NA' }]);
    expect(specRows(t(null)).rows[0]!.estimate).toBeNaN();
    expect(specRows(t('0.5')).rows[0]).toMatchObject({ estimate: 0.5, p_value: NaN });
    expect(() => specRows(t('big'))).toThrow('input `specifications` row 1, column `estimate`: "big" is not a number');
    expect(() => specRows(tableFromRows([{ variant: 'a', stage: 's', term: 'x', estimate: 1, std_error: 1 }]))).toThrow(/no column `p_value`/);
  });
});

describe('the fixture summary', () => {
  it('matches the hand calculation', () => {
    const [s] = summarizeSpecifications(agglo);
    expect(s).toMatchObject({
      stage: 'fe', term: 'agglomeration', variants: 12,
      positive: 11, negative: 1,     // only twoways 2015..2023 (-0.05) is negative
      min: -0.05, max: 0.51,
    });
    expect(s!.sameSignShare).toBeCloseTo(11 / 12, 12);
    // p < 0.05: within ×3 (z 4.2, 3.8, 2.5), random ×3 (z 3.89, 3.33, 2.0), pooled ×3; twoways none (z 1.87, 0.8, -0.33).
    expect(s!.sig05Share).toBeCloseTo(9 / 12, 12);
    // p < 0.01: within z 4.2, 3.8; random z 3.89, 3.33; pooled ×3 (z 2.5 → p .0124 and z 2.0 → p .0455 are not).
    expect(s!.sig01Share).toBeCloseTo(7 / 12, 12);
    // Sorted: -0.05 0.12 0.18 0.25 0.28 0.30 | 0.35 0.38 0.40 0.42 0.47 0.51 → (0.30 + 0.35) / 2.
    expect(s!.median).toBeCloseTo(0.325, 12);
    // estimator means: within 1.05/3 = 0.35, random 0.83/3, twoways 0.35/3, pooled 1.38/3 = 0.46 → 0.46 - 0.35/3 = 0.343333
    // years means: 2011 1.56/4 = 0.39, 2013 1.27/4 = 0.3175, 2015 0.78/4 = 0.195 → 0.195
    expect(s!.byDimension.map((d) => d.dimension)).toEqual(['estimator', 'years']);
    expect(s!.byDimension[0]!.spread).toBeCloseTo(0.46 - 0.35 / 3, 12);
    expect(s!.byDimension[1]!.spread).toBeCloseTo(0.195, 12);
  });
});

describe('curveData', () => {
  it('sorts the estimates ascending with 95% normal intervals and one indicator per variant and dimension', () => {
    const d = curveData(agglo, dimensions);
    expect(d.points.map((p) => p.estimate)).toEqual([-0.05, 0.12, 0.18, 0.25, 0.28, 0.3, 0.35, 0.38, 0.4, 0.42, 0.47, 0.51]);
    expect(d.points.map((p) => p.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(d.points[0]).toMatchObject({ variant: 'years=2015..2023,estimator=twoways', significance: 'p ≥ 0.05' });
    // -0.05 ± 1.959964 × 0.15
    expect(d.points[0]!.lo).toBeCloseTo(-0.05 - 0.2939946, 6);
    expect(d.points[0]!.hi).toBeCloseTo(-0.05 + 0.2939946, 6);
    expect(Z_975).toBeCloseTo(1.959964, 6);
    expect(d.points.filter((p) => p.significance === 'p < 0.05')).toHaveLength(9);
    expect(d.rows).toEqual(['years: 2011..2023', 'years: 2013..2023', 'years: 2015..2023', 'estimator: within', 'estimator: random', 'estimator: twoways', 'estimator: pooled']);
    expect(d.indicators).toHaveLength(24);
    expect(d.indicators.filter((i) => i.rank === 1).map((i) => i.row)).toEqual(['years: 2015..2023', 'estimator: twoways']);
  });

  it('leaves a variant without an estimate off the curve', () => {
    const d = curveData([{ ...agglo[0]!, estimate: NaN }, ...agglo.slice(1)], dimensions);
    expect(d.points).toHaveLength(11);
    expect(d.indicators).toHaveLength(22);
  });
});

describe('specCurveSpec rendered to SVG', () => {
  it('draws one point per variant and the indicators beneath, on the same x', async () => {
    const svg = await vegaLiteToSvg(specCurveSpec(curveData(agglo, dimensions), { title: 'agglomeration', valueTitle: 'estimate' }));
    const points = markPositions(svg, 'estimate_points_marks');
    const marks = markPositions(svg, 'choices_marks');
    expect(points).toHaveLength(12);
    expect(marks).toHaveLength(24);
    // The points climb: y in SVG grows downwards, so sorted ascending estimates have falling y.
    const xs = points.map(([x]) => x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    for (let i = 1; i < points.length; i++) expect(points[i]![1]).toBeLessThanOrEqual(points[i - 1]![1]);
    // Every indicator column is a point's column, two indicators (one per dimension) under each.
    const columns = new Map<number, number>();
    for (const [x] of marks) columns.set(x, (columns.get(x) ?? 0) + 1);
    expect([...columns.keys()].sort((a, b) => a - b)).toEqual(xs);
    expect([...columns.values()]).toEqual(Array(12).fill(2));
    // Seven indicator rows: 3 year windows + 4 estimators.
    expect(new Set(marks.map(([, y]) => y)).size).toBe(7);
    for (const label of ['years: 2011..2023', 'estimator: twoways', 'p &lt; 0.05', 'specification (ranked by estimate)']) expect(svg).toContain(label);
  });
});

const params: ReportParams = { path: 'results/report.html', title: 'Sweep' };
async function build(inputs: Record<string, Value>, p: ReportParams = params) {
  const ctx = makeContext(p, inputs);
  const out = (await report.run(ctx)) as { summary: { charts: string[]; sections: string[] } };
  return { html: ctx.files.get(p.path!) as string, out, notes: ctx.notes };
}

describe('report: robustness section', () => {
  it('adds a curve and a summary per collected (stage, term)', async () => {
    const { html, out } = await build({ specifications: table });
    expect(out.summary.sections).toEqual(['robustness']);
    expect(out.summary.charts).toEqual(['chart-spec-curve-1', 'chart-spec-curve-2']);
    expect(html).toContain('<h2>Robustness: specification curve</h2>');
    expect(html).toContain('agglomeration (fe): 12 specifications');
    // The agglomeration summary, as checked above: 11/12, 9/12, 7/12, [-0.05, 0.51], median 0.325.
    expect(html).toContain('<dt>same sign</dt><dd>91.7% positive (11 positive, 1 negative)</dd>');
    expect(html).toContain('<dt>significant at 0.05</dt><dd>75.0%</dd>');
    expect(html).toContain('<dt>significant at 0.01</dt><dd>58.3%</dd>');
    expect(html).toContain('<dt>estimate range</dt><dd>[-0.0500, 0.510], median 0.325</dd>');
    expect(html).toContain('The estimate moves most with <code>estimator</code> (spread 0.343), then <code>years</code> (spread 0.195).');
  });

  it('shows only the terms in spec_terms, and names an unknown one with a suggestion', async () => {
    const { out, html } = await build({ specifications: table }, { ...params, spec_terms: ['digital'] });
    expect(out.summary.charts).toEqual(['chart-spec-curve-1']);
    expect(html).toContain('digital (fe): 12 specifications');
    expect(html).not.toContain('agglomeration (fe)');
    const err = await build({ specifications: table }, { ...params, spec_terms: ['agglomeraton'] }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(StepError);
    expect((err as StepError).message).toBe('report: spec_terms lists `agglomeraton`, which is no term of input `specifications`; did you mean `agglomeration`? (its terms: `agglomeration`, `digital`)');
  });

  it('notes spec_terms without a specifications input, and rejects an empty table', async () => {
    const { notes } = await build({ table4: tableFromRows([{ a: 1 }]) }, { ...params, spec_terms: ['x'] });
    expect(notes.join('\n')).toMatch(/`spec_terms` is set but there is no `specifications` input/);
    await expect(build({ specifications: tableFromRows([], ['variant', 'stage', 'term', 'estimate', 'std_error', 'p_value']) })).rejects.toThrow(/input `specifications` has no rows/);
  });

  it('declares the input and the param in its schema', () => {
    expect(report.inputs.specifications?.optional).toBe(true);
    expect((report.params as { properties: Record<string, unknown> }).properties.spec_terms).toMatchObject({ type: 'array', items: { type: 'string' } });
  });
});
