/**
 * paper-comparison: our results beside the published ones (the paper's Tables 2 and 5):
 * each province's average agglomeration and rank, ours vs the paper's, with Spearman's
 * rank correlation; and our model's coefficients' signs and significance, under a heading
 * that names our estimator (from the model's own `model` and `effect` fields), with the terms
 * that could not be matched listed by name. Writes a Markdown report (results/comparison.md
 * in the default job) that repeats which inputs are synthetic, so no one mistakes the
 * comparison for a replication on real data only.
 */
import { own } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { column, numericColumn, tableFromRows } from '../engine/table.js';
import { isTable, type Json, type Table, type Value } from '../engine/value.js';
import { estimatesListedIn } from './cell-flags.js';
import { spearman } from './kernels/rank.js';
import { capitalize, estimatorAdjective, estimatorName, modelFacts } from './lib/model-label.js';
import { variantsSection } from './lib/comparison-variants.js';
import { markdownTable } from './lib/markdown.js';
import { tableInput } from './lib/table-input.js';

/** Params of {@link paperComparison}. */
export interface PaperComparisonParams {
  path?: string;
  alpha: number;
  synthetic: string[];
  ours_label: string;
  paper_stars: Record<string, number>;
  paper_estimator?: { model: string; effect?: string };
  note?: string;
  variants_heading: string;
  variants_sweep?: string;
}

/** Names a constant goes by: ours ("(Intercept)"), Stata's ("_cons") and others'. */
const CONSTANT_TERMS = new Set(['(Intercept)', '_cons', 'const', 'constant', 'Constant', 'intercept', 'Intercept']);

/** The terms of the two models that were not compared, by name. */
interface Unmatched {
  /** Our terms the paper's Table 5 does not have. */
  ours: string[];
  /** The paper's terms our model has no estimate for. */
  paper: string[];
  /** The paper's name for its constant, when it prints one (a constant is never compared). */
  paperConstant?: string;
}

interface Coef { term: string; estimate: number; statistic: number; p_value: number }

function modelCoefficients(v: unknown): Coef[] {
  const coefs = (v as { coefficients?: unknown })?.coefficients;
  if (!Array.isArray(coefs)) throw new StepError('not-a-model', 'paper-comparison: input `model` is not a panel-regression model (no `coefficients` list)');
  return coefs as Coef[];
}

const f3 = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : 'NA');

export const paperComparison = defineStep<PaperComparisonParams>({
  name: 'paper-comparison',
  version: '1.7',
  description: "Compares our ranking and panel model with the paper's published Tables 2 and 5: Spearman's rank correlation of the provinces' average agglomeration, and agreement of coefficient signs and significance, with the terms that could not be matched named.",
  params: {
    type: 'object',
    properties: {
      path: { type: 'string', pattern: '^results/.*\\.md$', description: 'Markdown report to write under results/.' },
      alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.05, description: 'Significance level for "significant" in both tables.' },
      synthetic: { type: 'array', items: { type: 'string' }, default: [], description: 'Synthetic inputs the results depend on, repeated in the report.' },
      ours_label: { type: 'string', default: 'agglo', description: 'Column heading for our results.' },
      note: { type: 'string', description: 'A closing paragraph for the report.' },
      variants_heading: { type: 'string', default: 'Variants', description: 'Heading of the section showing input `variants`.' },
      variants_sweep: { type: 'string', description: 'The sweep file that collects input `variants`, named in the report as the way to remake it.' },
      paper_stars: { type: 'object', additionalProperties: { type: 'number' }, default: { '*': 0.05, '**': 0.01, '***': 0.001 }, description: "The paper's star legend: mark → p threshold (a term is significant at alpha when its threshold ≤ alpha)." },
      paper_estimator: {
        type: 'object',
        additionalProperties: false,
        required: ['model'],
        properties: { model: { type: 'string' }, effect: { type: 'string' } },
        description: "The estimator of the paper's Table 5, as panel-regression names it (e.g. `{model: within, effect: individual}`); when ours differs, the report says the coefficients come from different estimators.",
      },
    },
    additionalProperties: false,
  },
  inputs: {
    ranking: { description: 'Our ranking: entity code, mean, rank (output `ranking` of the rank step).' },
    names: { description: 'Table code, name_en mapping our entity codes to the names used in the paper.' },
    paper_ranking: { description: "The paper's Table 2: rank, region, average_agglomeration." },
    model: { description: 'Our model (output `model` of panel-regression); its `model` and `effect` fields name it in the report.' },
    paper_model: { description: "The paper's Table 5: term, coefficient, t_stat, stars." },
    table4: { description: 'Our Table 4 (output of describe: variable, mean, sd, …): the mean and SD of the first variable (idt) are compared with the paper\'s.', optional: true },
    paper_table4: { description: "The paper's Table 4: symbol, mean, sd.", optional: true },
    tests: { description: 'Our model tests (the `tests` output of panel-tests): F and Hausman, compared with the paper\'s.', optional: true },
    paper_stats: { description: "The paper's model statistics: statistic, value (rows F_test_individual_effects, Hausman).", optional: true },
    estimates: { description: 'The `summary` output of cell-flags: how many cells of each variable are estimated, said at the top of the report.', optional: true },
    variants: { description: 'This comparison\'s `summary` for each variant of a sweep, as read-collected reads it (variant, the dimensions, spearman, idt_mean, …): a section of the report with one row per variant, the row of this run marked, or marked out of date when none is.', optional: true },
  },
  outputs: {
    summary: 'JSON: spearman, n, top provinces (ours, paper), our estimator, sign and significance agreement, terms_not_in_paper and paper_terms_not_estimated (by name), idt mean and SD, F and Hausman (ours and the paper\'s, when given), estimated cells per variable ("idt: 172 of 390", variables with none left out), synthetic inputs.',
    ranking: 'Table: province, name, our mean and rank, the paper\'s mean and rank, rank difference.',
    coefficients: 'Table: term, our estimate/t, the paper\'s coefficient/t, same sign, same significance (terms both models have).',
  },
  // As run() below builds them (a comparison with no matching term has no coefficient rows, and no columns).
  columns: () => ({
    ranking: ['province', 'name', 'mean', 'rank', 'paper_mean', 'paper_rank', 'rank_diff'],
    coefficients: ['term', 'estimate', 't', 'significant', 'paper_coefficient', 'paper_t', 'paper_significant', 'same_sign', 'same_significance'],
  }),
  run(ctx) {
    const p = ctx.params;
    const ours = tableInput(ctx, 'ranking', 'paper-comparison');
    const names = tableInput(ctx, 'names', 'paper-comparison');
    const paper = tableInput(ctx, 'paper_ranking', 'paper-comparison');
    const codeToName = new Map(column(names, 'code', 'input `names`').map((c, i) => [String(c), String(column(names, 'name_en', 'input `names`')[i])]));
    const paperByName = new Map<string, { mean: number; rank: number }>();
    const pRegion = column(paper, 'region', 'input `paper_ranking`');
    const pMean = numericColumn(paper, 'average_agglomeration', 'input `paper_ranking`');
    const pRank = numericColumn(paper, 'rank', 'input `paper_ranking`');
    // A published average that is missing (NaN here) counts as no published value.
    pRegion.forEach((r, i) => { if (!Number.isNaN(pMean[i]!)) paperByName.set(String(r), { mean: pMean[i]!, rank: pRank[i]! }); });
    const entityCol = ours.columns[0]!.name;
    const oCode = column(ours, entityCol, 'input `ranking`');
    const oMean = numericColumn(ours, 'mean', 'input `ranking`');
    const oRank = numericColumn(ours, 'rank', 'input `ranking`');
    const rows: Record<string, string | number | null>[] = [];
    const xs: number[] = [];
    const ys: number[] = [];
    const unmatched: string[] = [];
    oCode.forEach((code, i) => {
      const name = codeToName.get(String(code));
      const pub = name === undefined ? undefined : paperByName.get(name);
      if (!pub) unmatched.push(String(code));
      else { xs.push(oMean[i]!); ys.push(pub.mean); }
      rows.push({ province: String(code), name: name ?? null, mean: oMean[i]!, rank: oRank[i]!, paper_mean: pub?.mean ?? null, paper_rank: Number.isNaN(pub?.rank ?? NaN) ? null : pub!.rank, rank_diff: pub && !Number.isNaN(pub.rank) ? oRank[i]! - pub.rank : null });
    });
    if (unmatched.length) ctx.note(`no published value for ${unmatched.join(', ')}`);
    if (xs.length < 3) throw new StepError('too-few-matches', `paper-comparison: only ${xs.length} provinces match the paper's Table 2 by name; check input \`names\``);
    const rho = spearman(xs, ys);
    const ranking = tableFromRows(rows);

    const pm = tableInput(ctx, 'paper_model', 'paper-comparison');
    const pTerm = column(pm, 'term', 'input `paper_model`');
    const pCoef = numericColumn(pm, 'coefficient', 'input `paper_model`');
    const pT = numericColumn(pm, 't_stat', 'input `paper_model`');
    const pStars = column(pm, 'stars', 'input `paper_model`');
    const mine = new Map(modelCoefficients(ctx.inputs.model).map((c) => [c.term, c]));
    const paperTerms = new Set(pTerm.map(String));
    const terms: Unmatched = {
      ours: [...mine.keys()].filter((t) => !CONSTANT_TERMS.has(t) && !paperTerms.has(t)),
      paper: [...paperTerms].filter((t) => !CONSTANT_TERMS.has(t) && !mine.has(t)),
      paperConstant: [...paperTerms].find((t) => CONSTANT_TERMS.has(t) && !mine.has(t)),
    };
    if (terms.ours.length > 0 || terms.paper.length > 0) ctx.note(`paper-comparison: ${unmatchedText(terms).join(' ')}`);
    const facts = modelFacts(ctx.inputs.model);
    const coefRows: Record<string, string | number | boolean | null>[] = [];
    let sameSign = 0;
    let sameSig = 0;
    let compared = 0;
    pTerm.forEach((t, i) => {
      const c = mine.get(String(t));
      if (!c) return;
      compared++;
      // The paper prints stars, not p-values: a term is significant at alpha when its
      // stars' threshold (paper_stars) is at most alpha. At an alpha above the one-star
      // threshold, an unstarred term cannot be judged; it counts as not significant.
      const mark = typeof pStars[i] === 'string' ? (pStars[i] as string) : '';
      const threshold = mark ? own(p.paper_stars, mark) : undefined;
      if (mark && threshold === undefined) throw new StepError('unknown-stars', `paper-comparison: the paper's term \`${String(t)}\` has stars \`${mark}\`, which paper_stars does not define (${Object.keys(p.paper_stars).join(', ')})`);
      const paperSig = threshold !== undefined && threshold <= p.alpha;
      const ourSig = c.p_value < p.alpha;
      const sign = Math.sign(c.estimate) === Math.sign(pCoef[i]!);
      if (sign) sameSign++;
      if (ourSig === paperSig) sameSig++;
      coefRows.push({ term: String(t), estimate: c.estimate, t: c.statistic, significant: ourSig, paper_coefficient: pCoef[i]!, paper_t: pT[i]!, paper_significant: paperSig, same_sign: sign, same_significance: ourSig === paperSig });
    });
    const coefficients = tableFromRows(coefRows);
    const top = (codes: string[]) => codes.slice(0, 5);
    const paperTop = [...paperByName.entries()].sort((a, b) => a[1].rank - b[1].rank).map(([n]) => n);
    const byRank = oCode.map((c, i) => ({ name: codeToName.get(String(c)) ?? String(c), rank: oRank[i]! })).sort((a, b) => a.rank - b.rank);
    const oursTop = byRank.map((r) => r.name);
    const extra = extraComparisons(ctx.inputs);
    const summary: Json = {
      spearman: rho, n: xs.length,
      top_ours: top(oursTop), top_paper: top(paperTop),
      ...(estimatorName(facts) !== undefined ? { estimator: estimatorName(facts)! } : {}),
      coefficients_compared: compared, same_sign: sameSign, same_significance: sameSig,
      terms_not_in_paper: terms.ours, paper_terms_not_estimated: terms.paper,
      ...extra.summary,
      synthetic: p.synthetic,
    };
    const variants = ctx.inputs.variants === undefined ? [] : variantsSection(tableInput(ctx, 'variants', 'paper-comparison'), summary as Record<string, Json>, { heading: p.variants_heading, ...(p.variants_sweep ? { sweep: p.variants_sweep } : {}) });
    if (p.path) ctx.writeFile(p.path, report(p, rho, xs.length, ranking, coefficients, { sameSign, sameSig, compared, unmatched: terms, heading: coefficientHeading(facts), caution: estimatorCaution(facts, p.paper_estimator) }, extra, variants));
    return { summary, ranking, coefficients };
  },
});

/** "Terms not in the paper's Table 5: urban_sq." and "Paper terms without an estimate here: urban." (those that apply). */
function unmatchedText(u: Unmatched): string[] {
  return [
    ...(u.ours.length > 0 ? [`Terms not in the paper's Table 5: ${u.ours.join(', ')}.`] : []),
    ...(u.paper.length > 0 ? [`Paper terms without an estimate here: ${u.paper.join(', ')}.`] : []),
  ];
}

/** "Individual fixed-effects coefficients (Table 5)", from our model's own fields. */
function coefficientHeading(facts: ReturnType<typeof modelFacts>): string {
  const kind = estimatorAdjective(facts);
  return `${kind === undefined ? 'Coefficients' : `${capitalize(kind)} coefficients`} (Table 5)`;
}

/** A caution when our estimator is not the paper's (param paper_estimator), else ''. */
function estimatorCaution(facts: ReturnType<typeof modelFacts>, paper: PaperComparisonParams['paper_estimator']): string {
  if (!paper) return '';
  const theirs = estimatorName({ model: paper.model, effect: paper.effect });
  const ours = estimatorName(facts);
  if (ours === undefined || ours === theirs) return '';
  return `> The paper's Table 5 is estimated with ${theirs}, ours with ${ours}: the coefficients come from different estimators.`;
}

/** The coefficient comparison's counts and labels, for the Markdown report. */
interface CoefSection { sameSign: number; sameSig: number; compared: number; unmatched: Unmatched; heading: string; caution: string }

function report(p: PaperComparisonParams, rho: number, n: number, ranking: Table, coefs: Table, c: CoefSection, extra: Extra, variants: readonly string[]): string {
  const { sameSign, sameSig, compared } = c;
  const get = (t: Table, name: string, i: number) => t.columns.find((c) => c.name === name)?.values[i] ?? null;
  const rankRows = ranking.columns[0]!.values.map((_, i) => [String(get(ranking, 'name', i) ?? get(ranking, 'province', i)), f3(get(ranking, 'mean', i) as number), String(get(ranking, 'rank', i)), f3(get(ranking, 'paper_mean', i) as number | null), String(get(ranking, 'paper_rank', i) ?? 'NA'), String(get(ranking, 'rank_diff', i) ?? 'NA')]);
  const yes = (b: unknown) => (b ? 'yes' : 'no');
  const coefRows = coefs.columns[0]?.values.map((_, i) => [String(get(coefs, 'term', i)), f3(get(coefs, 'estimate', i) as number), f3(get(coefs, 't', i) as number), f3(get(coefs, 'paper_coefficient', i) as number), f3(get(coefs, 'paper_t', i) as number), yes(get(coefs, 'same_sign', i)), yes(get(coefs, 'same_significance', i))]) ?? [];
  const lines = [
    `# ${p.ours_label} vs the published results`,
    '',
    ...(p.synthetic.length ? [`> **Synthetic inputs.** These results depend on calibrated stand-ins, not real data: ${p.synthetic.join('; ')}. See data/SOURCES.md.`, ''] : []),
    ...extra.estimatedLines,
    '## Average agglomeration and rank (Table 2)',
    '',
    `Spearman's rank correlation of the provinces' average agglomeration, ours vs the paper's: **${f3(rho)}** (n = ${n}).`,
    '',
    markdownTable(['province', `${p.ours_label} mean`, `${p.ours_label} rank`, 'paper mean', 'paper rank', 'rank difference'], rankRows, [false, true, true, true, true, true]),
    `## ${c.heading}`,
    '',
    ...(c.caution ? [c.caution, ''] : []),
    `Same sign: ${sameSign} of ${compared}; same significance at ${p.alpha}: ${sameSig} of ${compared}.${[...unmatchedText(c.unmatched), ...(c.unmatched.paperConstant !== undefined ? [`The constant (\`${c.unmatched.paperConstant}\` in the paper) is not compared.`] : [])].map((t) => ` ${t}`).join('')}`,
    '',
    markdownTable(['term', `${p.ours_label} estimate`, `${p.ours_label} t`, 'paper coefficient', 'paper t', 'same sign', 'same significance'], coefRows, [false, true, true, true, true, false, false]),
    ...extra.statLines(p.ours_label),
    ...(variants.length ? ['', ...variants] : []),
    ...(p.note ? ['', p.note, ''] : []),
  ];
  return lines.join('\n');
}

/** The optional comparisons: idt's mean and SD (Table 4), F and Hausman, estimated cells. */
interface Extra {
  summary: Record<string, Json>;
  estimatedLines: string[];
  statLines: (ours: string) => string[];
}

function extraComparisons(inputs: Record<string, Value>): Extra {
  const summary: Record<string, Json> = {};
  const rows: string[][] = [];
  const warnings: string[] = [];
  const t4 = inputs.table4, p4 = inputs.paper_table4;
  if (isTable(t4)) {
    const variable = String(column(t4, 'variable', 'input `table4`')[0] ?? '');
    const mean = numericColumn(t4, 'mean', 'input `table4`')[0]!, sd = numericColumn(t4, 'sd', 'input `table4`')[0]!;
    let pm: number | null = null, ps: number | null = null;
    if (isTable(p4)) {
      const k = column(p4, 'symbol', 'input `paper_table4`').findIndex((c) => String(c) === variable);
      if (k >= 0) { pm = numericColumn(p4, 'mean', 'input `paper_table4`')[k]!; ps = numericColumn(p4, 'sd', 'input `paper_table4`')[k]!; }
    }
    summary[`${variable}_mean`] = mean; summary[`${variable}_sd`] = sd;
    if (pm !== null) { summary[`paper_${variable}_mean`] = pm; summary[`paper_${variable}_sd`] = ps; }
    rows.push([`${variable} mean (Table 4)`, f3(mean), f3(pm)], [`${variable} SD (Table 4)`, f3(sd), f3(ps)]);
  }
  const tests = inputs.tests;
  if (isObject(tests)) {
    const paper = new Map<string, number>();
    const ps = inputs.paper_stats;
    if (isTable(ps)) {
      const names = column(ps, 'statistic', 'input `paper_stats`');
      // The value column mixes numbers and text (the star legend): take the numeric rows.
      const vals = column(ps, 'value', 'input `paper_stats`');
      names.forEach((n, i) => { const v = Number(vals[i]); if (vals[i] !== null && vals[i] !== '' && Number.isFinite(v)) paper.set(String(n), v); });
    }
    for (const [key, label, paperKey] of [['f_individual', 'F test, individual effects', 'F_test_individual_effects'], ['hausman', 'Hausman', 'Hausman']] as const) {
      const t = tests[key];
      if (!isObject(t) || typeof t.statistic !== 'number') continue;
      summary[key] = t.statistic;
      if (typeof t.warning === 'string') warnings.push(`${label}: ${t.warning}`);
      const pv = paper.get(paperKey);
      if (pv !== undefined) summary[`paper_${key}`] = pv;
      rows.push([label, f3(t.statistic), f3(pv ?? null)]);
    }
  }
  const estimatedLines: string[] = [];
  const est = inputs.estimates;
  if (isTable(est)) {
    const v = column(est, 'variable', 'input `estimates`'), n = numericColumn(est, 'estimated', 'input `estimates`');
    const cells = numericColumn(est, 'cells', 'input `estimates`'), where = column(est, 'where', 'input `estimates`');
    const listed = estimatesListedIn(est);
    const parts: string[] = [];
    const list: string[] = [];
    v.forEach((name, i) => {
      if (n[i]! === 0) return;
      list.push(`${String(name)}: ${n[i]} of ${cells[i]}`);
      parts.push(`${String(name)} ${n[i]} of ${cells[i]} (${String(where[i] ?? '')})`);
    });
    summary.estimated_cells = list;
    estimatedLines.push(parts.length
      ? `> **Estimated cells.** Some inputs are estimates where no published value exists; cells per variable: ${parts.join('; ')}.${listed ? ` Every cell: ${listed};` : ''} methods: docs/data.md.`
      : '> Every cell of the model variables is real or derived from real data.', '');
  }
  const statLines = (ours: string): string[] => (rows.length === 0 ? [] : [
    '', '## Other statistics (Tables 4 and 5)', '',
    markdownTable(['statistic', ours, 'paper'], rows, [false, true, true]),
    ...warnings.map((w) => `> ${w}`),
  ]);
  return { summary, estimatedLines, statLines };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
