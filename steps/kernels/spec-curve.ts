/**
 * Specification-curve summaries (Simonsohn, Simmons & Nelson 2020): for every collected
 * (stage, term) of a sweep, how many variants agree on the sign, how many are significant,
 * the range and median of the estimate, and which dimension of the sweep moves it most.
 * Pure functions on plain rows: the sweep command writes them as Markdown, the report as HTML.
 */

/** One row of a sweep's specifications table: one variant × one collected term. */
export interface SpecRow { variant: string; choices: Record<string, string>; stage: string; term: string; estimate: number; std_error: number; p_value: number }

/** How much the mean estimate moves across the choices of one dimension. */
export interface DimensionSpread { dimension: string; spread: number; means: Record<string, number> }

/** The summary of one (stage, term) across the variants of a sweep. */
export interface SpecSummary {
  stage: string; term: string; variants: number;
  positive: number; negative: number; sameSignShare: number;   // share with the majority sign
  sig05Share: number; sig01Share: number;                      // p < 0.05, p < 0.01
  min: number; max: number; median: number;
  byDimension: DimensionSpread[];   // spread = max − min of the mean estimate across the dimension's choices, sorted descending
}

/** Significant digits of every number written by {@link specificationsMarkdown} and the report. */
export const SIGNIFICANT_DIGITS = 3;

/** Median of finite values (mean of the middle two for an even count); NaN when there are none. */
function median(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

/** Mean estimate per choice of each dimension, and its spread (max − min of those means). */
function dimensionSpreads(rows: readonly SpecRow[]): DimensionSpread[] {
  const dims = new Map<string, Map<string, number[]>>();
  for (const r of rows) {
    for (const [dim, choice] of Object.entries(r.choices)) {
      let byChoice = dims.get(dim);
      if (!byChoice) dims.set(dim, (byChoice = new Map()));
      let est = byChoice.get(choice);
      if (!est) byChoice.set(choice, (est = []));
      if (Number.isFinite(r.estimate)) est.push(r.estimate);
    }
  }
  const out: DimensionSpread[] = [];
  for (const [dimension, byChoice] of dims) {
    const means: Record<string, number> = {};
    for (const [choice, est] of byChoice) means[choice] = est.length === 0 ? NaN : est.reduce((a, b) => a + b, 0) / est.length;
    const finite = Object.values(means).filter(Number.isFinite);
    out.push({ dimension, spread: finite.length === 0 ? 0 : Math.max(...finite) - Math.min(...finite), means });
  }
  return out.sort((a, b) => b.spread - a.spread || (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : 0));
}

/** One summary of a (stage, term)'s rows; estimates that are not finite count only in `variants`. */
function summarize(stage: string, term: string, rows: readonly SpecRow[]): SpecSummary {
  const est = rows.map((r) => r.estimate).filter(Number.isFinite);
  const positive = est.filter((e) => e > 0).length;
  const negative = est.filter((e) => e < 0).length;
  const n = rows.length;
  const share = (k: number) => (n === 0 ? NaN : k / n);
  return {
    stage, term, variants: n, positive, negative,
    // The majority sign; a tie counts as positive, and both arms then have the same count.
    sameSignShare: share(Math.max(positive, negative)),
    sig05Share: share(rows.filter((r) => r.p_value < 0.05).length),
    sig01Share: share(rows.filter((r) => r.p_value < 0.01).length),
    min: est.length === 0 ? NaN : Math.min(...est),
    max: est.length === 0 ? NaN : Math.max(...est),
    median: median(est),
    byDimension: dimensionSpreads(rows),
  };
}

/** One summary per (stage, term), in the order the pairs are first seen in `rows`. */
export function summarizeSpecifications(rows: readonly SpecRow[]): SpecSummary[] {
  const groups = new Map<string, { stage: string; term: string; rows: SpecRow[] }>();
  for (const r of rows) {
    const key = JSON.stringify([r.stage, r.term]);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { stage: r.stage, term: r.term, rows: [] }));
    g.rows.push(r);
  }
  return [...groups.values()].map((g) => summarize(g.stage, g.term, g.rows));
}

/** A number with {@link SIGNIFICANT_DIGITS} significant digits ("0.120", "-1.50", "1.23e-5"); "n/a" when not finite. */
export function formatSig(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (x === 0) return '0';
  return x.toPrecision(SIGNIFICANT_DIGITS);
}

/** A share as a percentage with {@link SIGNIFICANT_DIGITS} significant digits ("75.0%", "100%"). */
export function formatShare(share: number): string {
  return Number.isFinite(share) ? `${formatSig(100 * share)}%` : 'n/a';
}

/** The facts of one summary as (label, value) lines, shared by the Markdown and the report's HTML. */
export function summaryFacts(s: SpecSummary): [string, string][] {
  const majority = s.positive >= s.negative ? 'positive' : 'negative';
  const zero = s.variants - s.positive - s.negative;
  return [
    ['variants', String(s.variants)],
    ['same sign', `${formatShare(s.sameSignShare)} ${majority} (${s.positive} positive, ${s.negative} negative${zero > 0 ? `, ${zero} zero or missing` : ''})`],
    ['significant at 0.05', formatShare(s.sig05Share)],
    ['significant at 0.01', formatShare(s.sig01Share)],
    ['estimate range', `[${formatSig(s.min)}, ${formatSig(s.max)}], median ${formatSig(s.median)}`],
  ];
}

/** "The estimate moves most with `years` (spread 0.200), then `estimator` (spread 0.100)." */
export function movesMostSentence(s: SpecSummary): string {
  const moving = s.byDimension.filter((d) => d.spread > 0);
  if (s.byDimension.length === 0) return 'The sweep has no dimensions.';
  if (moving.length === 0) return 'The estimate is the same across the choices of every dimension.';
  const [first, ...rest] = moving;
  const then = rest.map((d) => `\`${d.dimension}\` (spread ${formatSig(d.spread)})`).join(', ');
  return `The estimate moves most with \`${first!.dimension}\` (spread ${formatSig(first!.spread)})${then ? `, then ${then}` : ''}.`;
}

/** A Markdown summary: the title, then per (stage, term) a table of facts and the dimension that moves the estimate most. */
export function specificationsMarkdown(summaries: readonly SpecSummary[], title: string): string {
  const out = [`# ${title}`, ''];
  if (summaries.length === 0) out.push('No specifications were collected.', '');
  for (const s of summaries) {
    out.push(`## ${s.stage}: ${s.term}`, '', '| | |', '|---|---|');
    for (const [label, value] of summaryFacts(s)) out.push(`| ${label} | ${value.replace(/\|/g, '\\|')} |`);
    out.push('', movesMostSentence(s), '');
  }
  return out.join('\n');
}
