/**
 * paper-comparison on a small case worked by hand: four provinces that match the paper's
 * Table 2 (plus one that does not), and a three-term model against a four-term Table 5.
 * Every expected number is derived in the comment beside it.
 */
import { describe, expect, it } from 'vitest';
import { checkParams } from '../../engine/params-schema.js';
import { StepError } from '../../engine/step.js';
import { tableFromColumns, tableRows } from '../../engine/table.js';
import type { Table, Value } from '../../engine/value.js';
import { paperComparison } from '../../steps/paper-comparison.js';
import type { PaperComparisonParams } from '../../steps/paper-comparison.js';
import { makeContext } from '../support/context.js';

function failure(f: () => unknown): StepError {
  try { f(); } catch (e) { if (e instanceof StepError) return e; throw e; }
  throw new Error('expected a StepError');
}

/** Params as the engine passes them: validated, schema defaults filled in. */
function params(p: Record<string, unknown>): PaperComparisonParams {
  const check = checkParams(paperComparison, p);
  expect(check.errors).toEqual([]);
  return check.params as unknown as PaperComparisonParams;
}

// Our ranking, as the rank step writes it (sorted by rank, 1 = highest mean).
const ranking = tableFromColumns({
  province: ['BEJ', 'JSU', 'TAJ', 'GUD', 'HAI'],
  mean: [2.5, 1.9, 1.8, 1.6, 0.5],
  rank: [1, 2, 3, 4, 5],
});
// Codes → the English names the paper uses (data/tidy/provinces.csv); Hainan is not in the
// four-row paper table below.
const names = tableFromColumns({
  code: ['BEJ', 'TAJ', 'JSU', 'GUD', 'HAI'],
  name_en: ['Beijing', 'Tianjin', 'Jiangsu', 'Guangdong', 'Hainan'],
});
// The first four rows of the paper's Table 2 (data/paper/table2_ranking.csv).
const paperRanking = tableFromColumns({
  rank: [1, 2, 3, 4],
  region: ['Beijing', 'Tianjin', 'Jiangsu', 'Guangdong'],
  average_agglomeration: [2.39, 2.06, 1.77, 1.65],
});
// Our model: three terms, shaped like panel-regression's `model` output (its `model` and
// `effect` fields name the estimator in the report).
const model = {
  y: 'idt', model: 'within', effect: 'individual',
  coefficients: [
    { term: 'gdp', estimate: -0.41, std_error: 0.0788, statistic: -5.2, p_value: 1e-6 },
    { term: 'pcw', estimate: 0.12, std_error: 0.133, statistic: 0.9, p_value: 0.37 },
    { term: 'rd', estimate: 3.1, std_error: 1.24, statistic: 2.5, p_value: 0.013 },
  ],
};
// Four rows of the paper's Table 5 (data/paper/table5_fixed_effects.csv); `del` has no
// stars (read-csv gives null for the empty field) and is not in our model.
const paperModel = tableFromColumns({
  term: ['gdp', 'pcw', 'del', 'rd'],
  coefficient: [-0.59, 0.526, -0.227, -8.547],
  t_stat: [-7.68, 6.44, -1.91, -3.24],
  stars: ['***', '***', null, '**'],
});

function inputs(over: Record<string, Value> = {}): Record<string, Value> {
  return { ranking, names, paper_ranking: paperRanking, model, paper_model: paperModel, ...over };
}

function run(p: Record<string, unknown>, over: Record<string, Value> = {}) {
  const ctx = makeContext(params(p), inputs(over));
  const out = paperComparison.run(ctx) as { summary: Record<string, unknown>; ranking: Table; coefficients: Table };
  return { ctx, ...out };
}

describe('paper-comparison', () => {
  it('lays our ranking beside the paper\'s, matched by name', () => {
    const { ranking: t, ctx } = run({});
    // Hand: rank_diff = our rank − the paper's (Jiangsu 2 − 3 = −1, Tianjin 3 − 2 = 1);
    // Hainan has a name but no row in the paper's table, so its paper columns are NA.
    expect(tableRows(t)).toEqual([
      { province: 'BEJ', name: 'Beijing', mean: 2.5, rank: 1, paper_mean: 2.39, paper_rank: 1, rank_diff: 0 },
      { province: 'JSU', name: 'Jiangsu', mean: 1.9, rank: 2, paper_mean: 1.77, paper_rank: 3, rank_diff: -1 },
      { province: 'TAJ', name: 'Tianjin', mean: 1.8, rank: 3, paper_mean: 2.06, paper_rank: 2, rank_diff: 1 },
      { province: 'GUD', name: 'Guangdong', mean: 1.6, rank: 4, paper_mean: 1.65, paper_rank: 4, rank_diff: 0 },
      { province: 'HAI', name: 'Hainan', mean: 0.5, rank: 5, paper_mean: null, paper_rank: null, rank_diff: null },
    ]);
    // (and the term the paper's Table 5 has and our model lacks, named)
    expect(ctx.notes).toEqual(['no published value for HAI', 'paper-comparison: Paper terms without an estimate here: del.']);
  });

  it('a code missing from `names` keeps its code in the report and is noted', () => {
    const withZ = tableFromColumns({ province: ['BEJ', 'JSU', 'TAJ', 'GUD', 'ZZZ'], mean: [2.5, 1.9, 1.8, 1.6, 0.1], rank: [1, 2, 3, 4, 5] });
    const { ranking: t, ctx, summary } = run({ path: 'results/c.md' }, { ranking: withZ });
    expect(tableRows(t)[4]).toEqual({ province: 'ZZZ', name: null, mean: 0.1, rank: 5, paper_mean: null, paper_rank: null, rank_diff: null });
    // (and the term the paper's Table 5 has and our model lacks, named)
    expect(ctx.notes).toEqual(['no published value for ZZZ', 'paper-comparison: Paper terms without an estimate here: del.']);
    expect(ctx.files.get('results/c.md')).toContain('| ZZZ | 0.100 | 5 | NA | NA | NA |');
    expect(summary.top_ours).toEqual(['Beijing', 'Jiangsu', 'Tianjin', 'Guangdong', 'ZZZ']);
  });

  it('Spearman over the matched provinces, and the top provinces of both', () => {
    const { summary } = run({});
    // Hand: matched means, ours (2.5, 1.9, 1.8, 1.6) → ascending ranks (4, 3, 2, 1); the
    // paper's (2.39, 1.77, 2.06, 1.65) → (4, 2, 3, 1); d = (0, 1, −1, 0), Σd² = 2, no ties:
    // ρ = 1 − 6·2 / (4·(16 − 1)) = 1 − 12/60 = 0.8.
    expect(summary.spearman as number).toBeCloseTo(0.8, 14);
    expect(summary.n).toBe(4);
    expect(summary.top_ours).toEqual(['Beijing', 'Jiangsu', 'Tianjin', 'Guangdong', 'Hainan']);
    expect(summary.top_paper).toEqual(['Beijing', 'Tianjin', 'Jiangsu', 'Guangdong']);
    expect(summary.synthetic).toEqual([]);
  });

  it('compares signs and significance of the terms both models have', () => {
    const { coefficients, summary } = run({});
    // Hand, alpha = 0.05 (default; the paper's one star is p < 0.05, METHOD-NOTES.md):
    // gdp: −0.41 vs −0.59 same sign; p 1e-6 significant, *** significant → same.
    // pcw: 0.12 vs 0.526 same sign; p 0.37 not significant, *** significant → differ.
    // rd: 3.1 vs −8.547 opposite signs; p 0.013 significant, ** significant → same.
    // del is not in our model, so it is not compared.
    expect(tableRows(coefficients)).toEqual([
      { term: 'gdp', estimate: -0.41, t: -5.2, significant: true, paper_coefficient: -0.59, paper_t: -7.68, paper_significant: true, same_sign: true, same_significance: true },
      { term: 'pcw', estimate: 0.12, t: 0.9, significant: false, paper_coefficient: 0.526, paper_t: 6.44, paper_significant: true, same_sign: true, same_significance: false },
      { term: 'rd', estimate: 3.1, t: 2.5, significant: true, paper_coefficient: -8.547, paper_t: -3.24, paper_significant: true, same_sign: false, same_significance: true },
    ]);
    expect(summary).toMatchObject({ coefficients_compared: 3, same_sign: 2, same_significance: 2 });
  });

  it('alpha moves our significance: at 0.01, rd (p = 0.013) is no longer significant', () => {
    const { coefficients, summary } = run({ alpha: 0.01 });
    expect(coefficients.columns.find((c) => c.name === 'significant')?.values).toEqual([true, false, false]);
    // Hand: rd now "not significant" vs the paper's ** (p < 0.01) → differ; pcw still differs.
    expect(summary.same_significance).toBe(1);
  });

  it('at alpha 0.01 a one-star paper term (0.01 ≤ p < 0.05) is not significant in the paper either', () => {
    // Hand: METHOD-NOTES.md: * p<0.05, ** p<0.01, *** p<0.001. A `*` term is significant at
    // 0.05 but not at 0.01; the param says alpha defines "significant" in both tables.
    const oneStar = tableFromColumns({ term: ['gdp', 'pcw', 'rd'], coefficient: [-0.59, 0.526, -8.547], t_stat: [-7.68, 6.44, -2.1], stars: ['***', '***', '*'] });
    const { coefficients } = run({ alpha: 0.01 }, { paper_model: oneStar });
    expect(coefficients.columns.find((c) => c.name === 'paper_significant')?.values).toEqual([true, true, false]);
    // rd: ours p = 0.013 (not significant at 0.01), paper `*` (not significant at 0.01) → same.
    expect(coefficients.columns.find((c) => c.name === 'same_significance')?.values).toEqual([true, false, true]);
  });

  it('writes the Markdown report: synthetic warning, Spearman, both tables', () => {
    const { ctx } = run({ path: 'results/comparison.md', synthetic: ['average wage (pcw)', 'hospital beds (med)'] });
    expect([...ctx.files.keys()]).toEqual(['results/comparison.md']);
    // Hand, from the tables above with 3 decimals and NA for what the paper lacks.
    expect(ctx.files.get('results/comparison.md')).toBe([
      '# agglo vs the published results',
      '',
      '> **Synthetic inputs.** These results depend on calibrated stand-ins, not real data: average wage (pcw); hospital beds (med). See data/SOURCES.md.',
      '',
      '## Average agglomeration and rank (Table 2)',
      '',
      "Spearman's rank correlation of the provinces' average agglomeration, ours vs the paper's: **0.800** (n = 4).",
      '',
      '| province | agglo mean | agglo rank | paper mean | paper rank | rank difference |',
      '|---|---:|---:|---:|---:|---:|',
      '| Beijing | 2.500 | 1 | 2.390 | 1 | 0 |',
      '| Jiangsu | 1.900 | 2 | 1.770 | 3 | -1 |',
      '| Tianjin | 1.800 | 3 | 2.060 | 2 | 1 |',
      '| Guangdong | 1.600 | 4 | 1.650 | 4 | 0 |',
      '| Hainan | 0.500 | 5 | NA | NA | NA |',
      '',
      '## Individual fixed-effects coefficients (Table 5)',
      '',
      // del is in the paper's four rows but not in our model: named.
      'Same sign: 2 of 3; same significance at 0.05: 2 of 3. Paper terms without an estimate here: del.',
      '',
      '| term | agglo estimate | agglo t | paper coefficient | paper t | same sign | same significance |',
      '|---|---:|---:|---:|---:|---|---|',
      '| gdp | -0.410 | -5.200 | -0.590 | -7.680 | yes | yes |',
      '| pcw | 0.120 | 0.900 | 0.526 | 6.440 | yes | no |',
      '| rd | 3.100 | 2.500 | -8.547 | -3.240 | no | yes |',
      '',
    ].join('\n'));
  });

  it('names the terms it could not match, both ways, in the report, the summary and a note', () => {
    // Our model with urban_sq instead of rd, and a constant (a pooled model lists it as a term).
    const swapped = { ...model, coefficients: [model.coefficients[0]!, model.coefficients[1]!, { term: 'urban_sq', estimate: 0.5, std_error: 0.2, statistic: 2.5, p_value: 0.013 }, { term: '(Intercept)', estimate: 1, std_error: 1, statistic: 1, p_value: 0.3 }] };
    // The paper's rows with Stata's constant `_cons` (as data/paper/table5_fixed_effects.csv).
    const withCons = tableFromColumns({ term: ['gdp', 'pcw', 'del', 'rd', '_cons'], coefficient: [-0.59, 0.526, -0.227, -8.547, 0.264], t_stat: [-7.68, 6.44, -1.91, -3.24, 0.57], stars: ['***', '***', null, '**', null] });
    const { summary, ctx } = run({ path: 'results/c.md' }, { model: swapped, paper_model: withCons });
    // Hand: compared gdp and pcw only (2); urban_sq is ours alone; del and rd are the paper's
    // alone; the constants (ours `(Intercept)`, the paper's `_cons`) are never compared.
    expect(summary).toMatchObject({ coefficients_compared: 2, terms_not_in_paper: ['urban_sq'], paper_terms_not_estimated: ['del', 'rd'] });
    expect(ctx.files.get('results/c.md')).toContain("Same sign: 2 of 2; same significance at 0.05: 1 of 2. Terms not in the paper's Table 5: urban_sq. Paper terms without an estimate here: del, rd. The constant (`_cons` in the paper) is not compared.\n");
    expect(ctx.notes).toContain("paper-comparison: Terms not in the paper's Table 5: urban_sq. Paper terms without an estimate here: del, rd.");
  });

  it('all terms matched: no list, no note', () => {
    const three = tableFromColumns({ term: ['gdp', 'pcw', 'rd'], coefficient: [-0.59, 0.526, -8.547], t_stat: [-7.68, 6.44, -3.24], stars: ['***', '***', '**'] });
    const { summary, ctx } = run({ path: 'results/c.md' }, { paper_model: three });
    expect(summary).toMatchObject({ terms_not_in_paper: [], paper_terms_not_estimated: [] });
    expect(ctx.files.get('results/c.md')).toContain('same significance at 0.05: 2 of 3.\n');
    expect(ctx.notes.filter((n) => n.startsWith('paper-comparison'))).toEqual([]);
  });

  it('the heading and summary name our estimator; paper_estimator adds a caution when ours differs', () => {
    const re = { ...model, model: 'random' };
    const { summary, ctx } = run({ path: 'results/c.md', paper_estimator: { model: 'within', effect: 'individual' } }, { model: re });
    expect(summary.estimator).toBe('individual random effects');
    const md = ctx.files.get('results/c.md') as string;
    expect(md).toContain("## Individual random-effects coefficients (Table 5)\n\n> The paper's Table 5 is estimated with individual fixed effects, ours with individual random effects: the coefficients come from different estimators.\n");
    expect(md).not.toContain('## Individual fixed-effects');
    // The same estimator as the paper's: no caution.
    const same = run({ path: 'results/c.md', paper_estimator: { model: 'within', effect: 'individual' } });
    expect(same.summary.estimator).toBe('individual fixed effects');
    expect(same.ctx.files.get('results/c.md')).not.toContain('different estimators');
    // A model that does not say its estimator: a plain heading, no estimator in the summary.
    const bare = run({ path: 'results/c.md' }, { model: { coefficients: model.coefficients } });
    expect(bare.ctx.files.get('results/c.md')).toContain('\n## Coefficients (Table 5)\n');
    expect(bare.summary).not.toHaveProperty('estimator');
  });

  it('without synthetic inputs the report has no warning; ours_label names our columns', () => {
    const { ctx, summary } = run({ path: 'results/c.md', ours_label: 'ours' });
    const text = ctx.files.get('results/c.md') as string;
    expect(text).not.toContain('Synthetic');
    expect(text.startsWith('# ours vs the published results\n\n## Average agglomeration')).toBe(true);
    expect(text).toContain('| province | ours mean | ours rank |');
    expect(text).toContain('| term | ours estimate | ours t |');
    expect(summary.synthetic).toEqual([]);
  });

  it('compares idt\'s mean and SD, F and Hausman with the paper\'s, and says which cells are estimated', () => {
    // Our Table 4's first row and the paper's (data/paper/table4_descriptive.csv: 0.966, 0.476).
    const table4 = tableFromColumns({ variable: ['idt', 'gdp'], mean: [0.84, 9.9], sd: [0.31, 0.87] });
    const paperTable4 = tableFromColumns({ symbol: ['gdp', 'idt'], mean: [9.919, 0.966], sd: [0.9, 0.476] });
    const tests = { f_individual: { statistic: 84.3, df1: 29, df2: 351 }, hausman: { statistic: 16.2, df: 9 } };
    // data/paper/table5_model_stats.csv mixes numbers and the star legend in `value`.
    const paperStats = tableFromColumns({ statistic: ['N', 'F_test_individual_effects', 'Hausman', 'stars'], value: ['390', '89.81', '296.92', '* p<0.05'] });
    const estimates = tableFromColumns({ variable: ['idt', 'gdp'], cells: [390, 390], estimated: [150, 0], where: ['2011: all 30', ''] });
    const { summary, ctx } = run({ path: 'results/c.md' }, { table4, paper_table4: paperTable4, tests, paper_stats: paperStats, estimates });
    expect(summary).toMatchObject({ idt_mean: 0.84, idt_sd: 0.31, paper_idt_mean: 0.966, paper_idt_sd: 0.476, f_individual: 84.3, paper_f_individual: 89.81, hausman: 16.2, paper_hausman: 296.92, estimated_cells: ['idt: 150 of 390'] });
    const md = ctx.files.get('results/c.md') as string;
    expect(md).toContain('> **Estimated cells.** Some inputs are estimates where no published value exists; cells per variable: idt 150 of 390 (2011: all 30).');
    expect(md).toContain('| idt SD (Table 4) | 0.310 | 0.476 |');
    expect(md).toContain('| Hausman | 16.200 | 296.920 |');
  });

  it('writes no file without `path`', () => {
    expect(run({}).ctx.files.size).toBe(0);
  });

  // The paper's Jiangsu average is missing (an empty field read as null).
  const gap = tableFromColumns({ rank: [1, 2, 3, 4], region: ['Beijing', 'Tianjin', 'Jiangsu', 'Guangdong'], average_agglomeration: [2.39, 2.06, null, 1.65] });

  it('a missing published average is null in the ranking table, never NaN', () => {
    const { ranking: t } = run({}, { paper_ranking: gap });
    expect(t.columns.find((c) => c.name === 'paper_mean')?.values).toEqual([2.39, null, 2.06, 1.65, null]);
  });

  it('a province with no published average is left out of Spearman', () => {
    const { summary } = run({}, { paper_ranking: gap });
    // Hand: the three complete pairs, ours (2.5, 1.8, 1.6) and the paper's (2.39, 2.06, 1.65),
    // rank identically → ρ = 1, n = 3 (R: cor(x, y, method = "spearman", use = "complete.obs")).
    expect(summary.n).toBe(3);
    expect(summary.spearman as number).toBeCloseTo(1, 14);
  });

  it('refuses a `model` that is not a panel-regression model', () => {
    for (const bad of [{ model: 'within' }, ranking, 3] as Value[]) {
      const e = failure(() => run({}, { model: bad }));
      expect(e.reason).toBe('not-a-model');
      expect(e.message).toContain('`model`');
    }
  });

  it('refuses fewer than 3 provinces matching the paper by name', () => {
    // Only Beijing and Tianjin have names the paper uses.
    const few = tableFromColumns({ code: ['BEJ', 'TAJ', 'JSU', 'GUD', 'HAI'], name_en: ['Beijing', 'Tianjin', 'Kiangsu', 'Canton', 'Hainan'] });
    const e = failure(() => run({}, { names: few }));
    expect(e.reason).toBe('too-few-matches');
    expect(e.message).toContain('only 2 provinces');
    expect(e.message).toContain('`names`');
  });

  it('names the missing column and the non-table input', () => {
    const noName = tableFromColumns({ code: ['BEJ'], name: ['Beijing'] });
    const e1 = failure(() => run({}, { names: noName }));
    expect(e1.reason).toBe('missing-column');
    expect(e1.message).toContain('`name_en`');
    const e2 = failure(() => run({}, { paper_model: model }));
    expect(e2.reason).toBe('not-a-table');
    expect(e2.message).toContain('`paper_model`');
  });

  it('params schema: defaults, a .md path under results/, alpha in (0, 1]', () => {
    expect(checkParams(paperComparison, {}).params).toEqual({ alpha: 0.05, synthetic: [], ours_label: 'agglo', paper_stars: { '*': 0.05, '**': 0.01, '***': 0.001 }, variants_heading: 'Variants' });
    expect(checkParams(paperComparison, { path: 'results/c.json' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(paperComparison, { alpha: 0 }).errors.length).toBeGreaterThan(0);
    expect(checkParams(paperComparison, { alpha: 1.5 }).errors.length).toBeGreaterThan(0);
    expect(checkParams(paperComparison, { synthetic: 'wages' }).errors.length).toBeGreaterThan(0);
    expect(checkParams(paperComparison, { paper_estimator: { effect: 'individual' } }).errors.length).toBeGreaterThan(0);
  });
});
