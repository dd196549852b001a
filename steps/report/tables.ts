/**
 * The report's HTML tables: Table 4 (descriptive statistics, any Table), Table 5 (the JSON
 * output of regression-table) and the comparison with the paper (paper-comparison summary).
 */
import { own } from '../../engine/dict.js';
import { StepError } from '../../engine/step.js';
import { column, columnNames, nrow } from '../../engine/table.js';
import type { Json, Table } from '../../engine/value.js';
import { isObj } from './data.js';
import { esc, fmtNumber, htmlTable, type HtmlCell } from './html.js';

/** Any table as HTML: numeric columns right-aligned with `digits` decimals. */
export function tableHtml(t: Table, caption: string, digits = 3): string {
  const names = columnNames(t);
  const numeric = names.map((n) => column(t, n).every((c) => c === null || typeof c === 'number'));
  const rows: HtmlCell[][] = [];
  for (let i = 0; i < nrow(t); i++) rows.push(names.map((n) => fmtNumber(column(t, n)[i], digits)));
  return htmlTable(names, rows, { caption, numeric, cls: 'data' });
}

/** regression-table's `json` output ({title, columns, rows: [{term, kind, cells}], note}) as HTML. */
export function regressionTableHtml(json: Json, input: string): string {
  if (!isObj(json) || !Array.isArray(json.columns) || !Array.isArray(json.rows)) {
    throw new StepError('not-a-regression-table', `report: input \`${input}\` is not a regression table; connect the \`json\` output of a regression-table stage, e.g. \`${input}: table5.json\``);
  }
  const heads = json.columns.map((c) => String(c));
  const rows: HtmlCell[][] = [];
  const kinds: string[] = [];
  for (const r of json.rows) {
    if (!isObj(r) || !Array.isArray(r.cells)) continue;
    kinds.push(String(r.kind ?? 'coefficient'));
    rows.push([String(r.term ?? ''), ...r.cells.map((c) => String(c ?? ''))]);
  }
  // A rule above the first summary row (N, R², tests), as in a printed regression table.
  const firstSummary = kinds.findIndex((k) => k !== 'coefficient' && k !== 'statistic');
  const rowClass = (i: number) => [kinds[i], i === firstSummary ? 'first-summary' : ''].filter(Boolean).join(' ');
  const table = htmlTable(['', ...heads], rows, { caption: typeof json.title === 'string' ? json.title : undefined, numeric: [false, ...heads.map(() => true)], cls: 'data regression', rowClass });
  return `${table}\n${typeof json.note === 'string' ? `<p class="note">${esc(json.note)}</p>` : ''}`;
}

const FACT_LABELS: Record<string, string> = {
  spearman: 'Spearman rank correlation with the paper',
  n: 'Entities compared',
  top_ours: 'Top five (this run)',
  top_paper: 'Top five (paper)',
  estimator: 'Our model (compared with the paper\'s Table 5)',
  coefficients_compared: 'Coefficients compared',
  terms_not_in_paper: 'Terms not in the paper\'s Table 5',
  paper_terms_not_estimated: 'Paper terms without an estimate here',
  same_sign: 'Same sign as the paper',
  same_significance: 'Same significance as the paper',
  synthetic: 'Synthetic inputs behind these numbers',
};

/** A JSON object's scalar and list fields as a definition list (nested objects are left out). */
export function factsHtml(json: Json, input: string): string {
  if (!isObj(json)) throw new StepError('not-an-object', `report: input \`${input}\` is not a JSON object; connect the \`summary\` output of a paper-comparison stage`);
  const items: string[] = [];
  for (const [k, v] of Object.entries(json)) {
    let text: string;
    if (Array.isArray(v) && v.length === 0) continue;
    if (Array.isArray(v)) text = v.map((x) => (typeof x === 'number' ? fmtNumber(x) : String(x))).join(', ');
    else if (typeof v === 'number') text = fmtNumber(v);
    else if (typeof v === 'string' || typeof v === 'boolean') text = String(v);
    else continue;
    items.push(`<dt>${esc(own(FACT_LABELS, k) ?? k.replace(/_/g, ' '))}</dt><dd>${esc(text)}</dd>`);
  }
  return `<dl class="facts">\n${items.join('\n')}\n</dl>`;
}
