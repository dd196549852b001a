/**
 * The report's "Robustness: specification curve" section, from a sweep's specifications
 * table: per collected (stage, term), the specification curve as inline SVG and the summary
 * of {@link summarizeSpecifications} (the same numbers as the sweep's Markdown summary).
 */
import { nameList, didYouMean } from '../../engine/suggest.js';
import { StepError } from '../../engine/step.js';
import type { Table } from '../../engine/value.js';
import { movesMostSentence, summarizeSpecifications, summaryFacts, type SpecRow, type SpecSummary } from '../kernels/spec-curve.js';
import { specRows } from './data.js';
import { esc, figure } from './html.js';
import { vegaLiteToSvg } from './render.js';
import { curveData, specCurveSpec } from './spec-curve.js';

/** The summary as a definition list and a sentence; `code` spans for the dimension names. */
export function specSummaryHtml(s: SpecSummary): string {
  const facts = summaryFacts(s).map(([label, value]) => `<dt>${esc(label)}</dt><dd>${esc(value)}</dd>`);
  const sentence = esc(movesMostSentence(s)).replace(/`([^`]*)`/g, '<code>$1</code>');
  return `<dl class="facts">\n${facts.join('\n')}\n</dl>\n<p>${sentence}</p>`;
}

/**
 * The (stage, term) summaries to show: all of them, or those whose term is listed in `terms`
 * (in the table's order). A listed term that no row has is an error naming the terms there are.
 */
function selected(summaries: SpecSummary[], terms: readonly string[] | undefined): SpecSummary[] {
  if (terms === undefined) return summaries;
  const present = [...new Set(summaries.map((s) => s.term))];
  for (const t of terms) {
    if (!present.includes(t)) {
      const hint = didYouMean(t, present);
      throw new StepError('unknown-term', `report: spec_terms lists \`${t}\`, which is no term of input \`specifications\`${hint ? `; ${hint}` : ''} (its terms: ${nameList(present)})`);
    }
  }
  return summaries.filter((s) => terms.includes(s.term));
}

/** The section's HTML and the ids of its charts (`chart-spec-curve-1`, …). */
export async function robustnessSection(table: Table, terms: readonly string[] | undefined): Promise<{ body: string; charts: string[] }> {
  const { rows, dimensions } = specRows(table);
  if (rows.length === 0) throw new StepError('no-data', 'report: input `specifications` has no rows; it is the specifications.csv a sweep writes (one row per variant and collected term)');
  const shown = selected(summarizeSpecifications(rows), terms);
  const byKey = new Map<string, SpecRow[]>();
  for (const r of rows) {
    const k = JSON.stringify([r.stage, r.term]);
    const list = byKey.get(k);
    if (list) list.push(r); else byKey.set(k, [r]);
  }
  const parts: string[] = [];
  const charts: string[] = [];
  for (const [i, s] of shown.entries()) {
    const id = `chart-spec-curve-${i + 1}`;
    const data = curveData(byKey.get(JSON.stringify([s.stage, s.term]))!, dimensions);
    const spec = specCurveSpec(data, { title: `${s.term} (${s.stage}): ${s.variants} specifications`, valueTitle: `estimate of ${s.term}` });
    const dims = dimensions.length === 0 ? 'no dimensions' : dimensions.join(', ');
    parts.push(`<h3>${esc(s.term)} <span class="note">(stage ${esc(s.stage)})</span></h3>`);
    parts.push(figure(id, await vegaLiteToSvg(spec), `Top: the estimate of ${s.term} in each variant, sorted ascending, with its 95% interval (estimate ± 1.96·SE, normal quantile); blue where p < 0.05. Bottom: the choice of each dimension (${dims}) that the variant above uses.`));
    parts.push(specSummaryHtml(s));
    charts.push(id);
  }
  return { body: parts.join('\n'), charts };
}
