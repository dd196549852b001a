/**
 * `regression-table`: several fitted models side by side, like Stata's esttab or R's
 * modelsummary — coefficients with stars, t statistics or standard errors in parentheses,
 * N / R² / adjusted R² rows and, optionally, the model-choice tests from panel-tests.
 * Writes Markdown, LaTeX and CSV files under results/ when `path` is given. The title, the
 * column headings and the note are made from the models' own `y`, `model`, `effect`, `vcov`
 * and `distribution` fields unless given, so they follow an edit of the models' params.
 */
import { capitalize, estimatorAdjective, estimatorTag, listText, modelFacts, staleEstimators, vcovPhrase, type ModelFacts } from './lib/model-label.js';
import { joinNotes, notesInput } from './lib/note-input.js';
import { dict, own } from '../engine/dict.js';
import { defineStep, StepError } from '../engine/step.js';
import { tableFromColumns } from '../engine/table.js';
import { isCollection, type Json, type Value } from '../engine/value.js';
import { withColumns } from './lib/columns.js';
import { isModel } from './lib/model.js';

/** Params of regression-table. */
export interface RegressionTableParams {
  columns?: string[];
  order?: string[];
  column_labels?: Record<string, string>;
  labels?: Record<string, string>;
  statistic: 't' | 'se';
  stars: Record<string, number>;
  digits: number;
  include: ('nobs' | 'r2' | 'adj_r2' | 'constant' | 'tests' | 'effects' | 'diagnostics')[];
  effect_labels?: { entity: string; time: string };
  title?: string;
  number?: string;
  note?: string;
  path?: string;
}

type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One line of the table: a label and one cell per model. */
interface Line { term: string; kind: 'coefficient' | 'statistic' | 'summary' | 'test'; cells: string[] }

function starsFor(p: number, stars: Record<string, number>): string {
  let best = '';
  let bestThreshold = Infinity;
  for (const [mark, threshold] of Object.entries(stars)) if (p < threshold && threshold < bestThreshold) { best = mark; bestThreshold = threshold; }
  return best;
}

const fmt = (v: unknown, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '');

function coefOf(model: Obj, term: string): Obj | undefined {
  if (term === '(Intercept)' && isObj(model.constant)) return model.constant;
  const list = Array.isArray(model.coefficients) ? model.coefficients : [];
  return list.find((c): c is Obj => isObj(c) && c.term === term);
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function texCell(s: string): string {
  return s.replace(/\\/g, '\\textbackslash{}').replace(/([&%$#_{}])/g, '\\$1').replace(/\^/g, '\\^{}').replace(/\*+/g, (m) => `\\sym{${m}}`).replace(/R²/g, 'R$^2$');
}

const unique = (xs: (string | undefined)[]): string[] => [...new Set(xs.filter((x): x is string => x !== undefined))];

/**
 * The title made from the models themselves: "Individual fixed-effects regression of idt",
 * "Pooled OLS and individual random-effects regressions of idt"; undefined when the models
 * say neither their estimator nor their dependent variable.
 */
export function madeTitle(facts: readonly ModelFacts[]): string | undefined {
  const kinds = facts.every((f) => f.model !== undefined) ? unique(facts.map(estimatorAdjective)) : [];
  const ys = unique(facts.map((f) => f.y));
  if (kinds.length === 0 && ys.length === 0) return undefined;
  const what = `${facts.length > 1 ? 'regressions' : 'regression'}${ys.length > 0 ? ` of ${listText(ys)}` : ''}`;
  return capitalize(kinds.length > 0 ? `${listText(kinds)} ${what}` : what);
}

/** A column heading made from the model: "idt (FE)", "idt (RE)", "idt (OLS)"; the input name when the model says too little. */
function madeHeading(name: string, f: ModelFacts): string {
  const tag = estimatorTag(f);
  return f.y !== undefined && tag !== undefined ? `${f.y} (${tag})` : name;
}

/**
 * What the parentheses hold and how the standard errors were computed, from the models:
 * "t statistics", "z statistics" (normal-based inference, e.g. random effects), clustered
 * standard errors named per column when the models differ.
 */
function statisticNote(statistic: 't' | 'se', facts: readonly ModelFacts[], heads: readonly string[]): string {
  const normal = heads.filter((_, i) => facts[i]!.distribution === 'normal');
  const what = statistic === 'se' ? 'Standard errors in parentheses'
    : normal.length === 0 ? 't statistics in parentheses'
      : normal.length === heads.length ? 'z statistics in parentheses'
        : `t statistics in parentheses, z statistics for ${listText(normal)}`;
  const phrases = facts.map(vcovPhrase);
  const groups = unique(phrases.map((ph) => ph ?? 'classical standard errors'));
  let vcov = '';
  if (phrases.some((ph) => ph !== undefined)) {
    vcov = groups.length === 1 ? `; ${groups[0]}` : `; ${groups.map((g) => `${g} in ${listText(heads.filter((_, i) => (phrases[i] ?? 'classical standard errors') === g))}`).join(', ')}`;
  }
  return `${what}${vcov}`;
}

/**
 * The inputs with each foreach stage's gathered models (a collection) as one column per item,
 * named `<input>[<item>]`, e.g. `fe[year=2015]`, in the items' order.
 */
function expandItems(entries: readonly [string, Value][]): [string, Value][] {
  return entries.flatMap(([name, v]): [string, Value][] =>
    isCollection(v) && v.items.length > 0 && v.items.every((it) => isModel(it.value))
      ? v.items.map((it) => [`${name}[${Object.entries(it.key).map(([k, x]) => `${k}=${x}`).join(',')}]`, it.value])
      : [[name, v]]);
}

/**
 * Which fixed effects a model absorbs: its own `fixed_effects` ({entity, time}) when it says,
 * else from `model` (or `panel_model`) and `effect` as panel-regression writes them.
 */
export function fixedEffects(m: Obj): { entity: boolean; time: boolean } {
  if (isObj(m.fixed_effects)) return { entity: m.fixed_effects.entity === true, time: m.fixed_effects.time === true };
  const kind = typeof m.panel_model === 'string' ? m.panel_model : m.model;
  if (kind !== 'within' && kind !== 'threshold') return { entity: false, time: false };
  return { entity: m.effect === 'individual' || m.effect === 'twoways', time: m.effect === 'time' || m.effect === 'twoways' };
}

/** "Province FE: yes/no" and "Year FE: yes/no", as esttab's indicate(). */
function effectLines(models: readonly Obj[], labels: { entity: string; time: string }): Line[] {
  const fe = models.map(fixedEffects);
  return (['entity', 'time'] as const).map((k) => ({ term: `${labels[k]} FE`, kind: 'summary' as const, cells: fe.map((f) => (f[k] ? 'yes' : 'no')) }));
}

/** A row per test a model carries in `diagnostics` (statistic with stars), blank for the others. */
function diagnosticLines(models: readonly Obj[], digits: number, stars: Record<string, number>): Line[] {
  const names: string[] = [];
  const byModel = models.map((m) => {
    const d = new Map<string, Obj>();
    for (const t of Array.isArray(m.diagnostics) ? m.diagnostics : []) {
      if (!isObj(t) || typeof t.test !== 'string') continue;
      d.set(t.test, t);
      if (!names.includes(t.test)) names.push(t.test);
    }
    return d;
  });
  return names.map((name) => ({
    term: name, kind: 'test' as const,
    cells: byModel.map((d) => {
      const t = d.get(name);
      return t ? `${fmt(t.statistic, digits)}${typeof t.p_value === 'number' ? starsFor(t.p_value, stars) : ''}` : '';
    }),
  }));
}

/** Renders the lines as Markdown. */
function markdown(title: string | undefined, heads: string[], lines: Line[], note: string): string {
  const out: string[] = [];
  if (title) out.push(`**${title}**`, '');
  out.push(`| | ${heads.join(' | ')} |`, `|---|${heads.map(() => '---:').join('|')}|`);
  for (const l of lines) out.push(`| ${l.term} | ${l.cells.map((c) => c.replace(/\*/g, '\\*')).join(' | ')} |`);
  out.push('', note, '');
  return out.join('\n');
}

/** Renders the lines as a LaTeX tabular (with \sym for stars, as esttab). */
function latex(title: string | undefined, heads: string[], lines: Line[], note: string): string {
  const out = ['\\providecommand{\\sym}[1]{\\ensuremath{^{#1}}}', '\\begin{table}[htbp]\\centering'];
  if (title) out.push(`\\caption{${texCell(title)}}`);
  out.push(`\\begin{tabular}{l${'c'.repeat(heads.length)}}`, '\\hline', ` & ${heads.map(texCell).join(' & ')} \\\\`, '\\hline');
  let inSummary = false;
  for (const l of lines) {
    if (!inSummary && (l.kind === 'summary' || l.kind === 'test')) { out.push('\\hline'); inSummary = true; }
    out.push(`${l.kind === 'statistic' ? '' : texCell(l.term)} & ${l.cells.map(texCell).join(' & ')} \\\\`);
  }
  out.push('\\hline', `\\multicolumn{${heads.length + 1}}{l}{\\footnotesize ${texCell(note)}} \\\\`, '\\end{tabular}', '\\end{table}', '');
  return out.join('\n');
}

/** The regression-table step. */
export const regressionTable = defineStep<RegressionTableParams>({
  name: 'regression-table',
  version: '1.4.0',
  description: 'Models side by side (like esttab/modelsummary): coefficients with stars, t or SE in parentheses, N, R², tests; writes .md/.tex/.csv.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      columns: { type: 'array', items: { type: 'string' }, description: 'Model input names in column order (others follow in input order).' },
      order: { type: 'array', items: { type: 'string' }, description: 'Terms in row order (others follow in first-seen order). Use "(Intercept)" for the constant.' },
      column_labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Input name → column heading (default: made from the model, e.g. "idt (FE)", "idt (RE)", "idt (OLS)"; the input name for a model without `y` and `model` fields).' },
      labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'Term → row label.' },
      statistic: { enum: ['t', 'se'], default: 't', description: 'What goes in parentheses under each estimate.' },
      stars: { type: 'object', additionalProperties: { type: 'number' }, default: { '*': 0.05, '**': 0.01, '***': 0.001 }, description: 'Mark → p threshold (p < threshold); the paper: * 0.05, ** 0.01, *** 0.001.' },
      digits: { type: 'integer', minimum: 0, maximum: 10, default: 3, description: 'Decimals shown.' },
      include: { type: 'array', items: { enum: ['nobs', 'r2', 'adj_r2', 'constant', 'tests', 'effects', 'diagnostics'] }, default: ['constant', 'nobs', 'r2', 'adj_r2', 'tests', 'diagnostics'], description: 'Extra rows: effects = a row per kind of fixed effect ("Province FE: yes"), diagnostics = the tests a model carries (its `diagnostics`: first-stage F, Hansen J, …).' },
      effect_labels: { type: 'object', additionalProperties: false, required: ['entity', 'time'], properties: { entity: { type: 'string' }, time: { type: 'string' } }, default: { entity: 'Entity', time: 'Period' }, description: 'What the fixed-effect rows call the panel\'s units, e.g. {entity: Province, time: Year} for "Province FE" and "Year FE".' },
      title: { type: 'string', description: 'Table title (default: made from the models, e.g. "Individual fixed-effects regression of idt"; a title you write is not checked beyond a note when it names another estimator).' },
      number: { type: 'string', description: 'Put before the title with a full stop, e.g. "Table 5" gives "Table 5. Individual fixed-effects regression of idt".' },
      note: { type: 'string', description: 'Extra text for the table note (e.g. which inputs are synthetic).' },
      path: { type: 'string', description: 'Results path prefix, e.g. results/table5_regression: writes .md, .tex and .csv.' },
    },
  },
  inputs: {
    '*': { description: 'Any other input name is a model (the `model` output of panel-regression, panel-iv, panel-threshold, wild-bootstrap, …); its column heading is made from the model (`y`, `model`, `effect`), or taken from column_labels. A foreach stage\'s models (a model per year or subsample) are a column each, headed by their item.', optional: true },
    tests: { description: 'The `tests` output of panel-tests (optional), shown as rows.', optional: true },
    notes: { description: 'Text appended to the note (e.g. the `note` output of cell-flags), or a table with a `note` column.', optional: true },
  },
  outputs: {
    table: 'The table as a Table (term, then one text column per model).',
    json: 'JSON: {title, columns, rows: [{term, kind, cells}], note}.',
  },
  columns(ctx) {
    // As run() below: the model inputs, those in params.columns first, headed by their labels.
    const p = ctx.params;
    const given = Object.keys(ctx.inputs).filter((n) => n !== 'tests' && n !== 'notes');
    const names = [...(p.columns ?? []), ...given.filter((n) => !(p.columns ?? []).includes(n))];
    // A heading not in column_labels is made from the fitted model ("idt (FE)"), known only when it runs.
    const labels = names.map((n) => own(p.column_labels, n));
    if (labels.some((l) => l === undefined)) return { table: { unknown: 'its headings are made from the fitted models (y, model, effect)' } };
    const heads = labels as string[];
    return { table: withColumns(['term'], heads.map((h, i) => (heads.indexOf(h) !== heads.lastIndexOf(h) ? `${h} [${names[i]}]` : h))) };
  },
  run(ctx) {
    const p = ctx.params;
    const digits = p.digits ?? 3;
    const stars = p.stars ?? { '*': 0.05, '**': 0.01, '***': 0.001 };
    const include = new Set(p.include ?? ['constant', 'nobs', 'r2', 'adj_r2', 'tests']);
    const statistic = p.statistic ?? 't';
    const extra = notesInput(ctx, 'regression-table');
    const entries = expandItems(Object.entries(ctx.inputs).filter(([name]) => name !== 'tests' && name !== 'notes') as [string, Value][]);
    if (entries.length === 0) throw new StepError('no-models', 'regression-table needs at least one model input, e.g. `inputs: {pooled: ols, fe: fe}` naming panel-regression stages');
    for (const [name, v] of entries) {
      if (!isModel(v)) throw new StepError('not-a-model', `input \`${name}\` is not a fitted model; give it the \`model\` output of a panel-regression stage`);
    }
    const given = entries.map(([n]) => n);
    for (const n of p.columns ?? []) if (!given.includes(n)) throw new StepError('unknown-model', `params.columns names \`${n}\`, which is not an input; the model inputs are: ${given.join(', ')}`);
    const names = [...(p.columns ?? []), ...given.filter((n) => !(p.columns ?? []).includes(n))];
    const models = names.map((n) => entries.find(([m]) => m === n)![1] as Obj);
    const facts = models.map(modelFacts);
    const wanted = names.map((n, i) => own(p.column_labels, n) ?? madeHeading(n, facts[i]!));
    // Two columns with one heading (two FE models) would share a column: add the input name.
    const heads = wanted.map((h, i) => (wanted.indexOf(h) !== wanted.lastIndexOf(h) ? `${h} [${names[i]}]` : h));
    names.forEach((n, i) => {
      const label = own(p.column_labels, n);
      const stale = label === undefined ? [] : staleEstimators(label, [facts[i]!]);
      if (stale.length > 0) ctx.note(`regression-table: column_labels.${n} "${label}" says ${stale.map((w) => `"${w}"`).join(', ')}, but input \`${n}\` is ${madeHeading(n, facts[i]!)}; leave it out of column_labels to have the heading made from the model`);
    });
    if (p.title !== undefined) {
      const stale = staleEstimators(p.title, facts);
      if (stale.length > 0) ctx.note(`regression-table: the title says ${stale.map((w) => `"${w}"`).join(', ')}, but the models are: ${names.map((n, i) => madeHeading(n, facts[i]!)).join(', ')}; leave \`title\` out to have it made from the models`);
    }
    const body = p.title ?? madeTitle(facts);
    const title = p.number === undefined ? body : body === undefined ? p.number : `${p.number}. ${body}`;
    const terms: string[] = [...(p.order ?? [])];
    for (const m of models) for (const c of m.coefficients as Obj[]) if (typeof c.term === 'string' && c.term !== '(Intercept)' && !terms.includes(c.term)) terms.push(c.term);
    if (include.has('constant') && !terms.includes('(Intercept)')) terms.push('(Intercept)');
    if (!include.has('constant') && terms.includes('(Intercept)')) terms.splice(terms.indexOf('(Intercept)'), 1);
    const label = (t: string) => own(p.labels, t) ?? (t === '(Intercept)' ? 'Constant' : t);

    const lines: Line[] = [];
    for (const t of terms) {
      const cs = models.map((m) => coefOf(m, t));
      if (cs.every((c) => c === undefined)) continue;
      lines.push({ term: label(t), kind: 'coefficient', cells: cs.map((c) => (c ? fmt(c.estimate, digits) + starsFor(c.p_value as number, stars) : '')) });
      lines.push({ term: '', kind: 'statistic', cells: cs.map((c) => (c ? `(${fmt(statistic === 't' ? c.statistic : c.std_error, digits)})` : '')) });
    }
    if (include.has('nobs')) lines.push({ term: 'N', kind: 'summary', cells: models.map((m) => String(m.nobs ?? '')) });
    if (include.has('r2')) lines.push({ term: 'R²', kind: 'summary', cells: models.map((m) => fmt(m.r2, digits)) });
    if (include.has('adj_r2')) lines.push({ term: 'Adjusted R²', kind: 'summary', cells: models.map((m) => fmt(m.adj_r2, digits)) });
    if (include.has('effects')) lines.push(...effectLines(models, p.effect_labels ?? { entity: 'Entity', time: 'Period' }));
    if (include.has('diagnostics')) lines.push(...diagnosticLines(models, digits, stars));
    const tests = ctx.inputs.tests;
    if (include.has('tests') && isObj(tests)) {
      const row = (name: string, t: Json | undefined) => {
        if (!isObj(t)) return;
        const cell = `${fmt(t.statistic, digits)}${starsFor(t.p_value as number, stars)}`;
        lines.push({ term: name, kind: 'test', cells: models.map((_, i) => (i === 0 ? cell : '')) });
      };
      row('F test (individual effects)', tests.f_individual);
      row('Hausman test', tests.hausman);
    }
    const starNote = Object.entries(stars).sort((a, b) => b[1] - a[1]).map(([m, th]) => `${m} p<${th}`).join(', ');
    const note = `${statisticNote(statistic, facts, heads)}; ${starNote}.${p.note || extra ? ` ${joinNotes(p.note, extra)}` : ''}`;

    if (p.path) {
      const header = ['term', ...heads].map(csvCell).join(',');
      const csv = [header, ...lines.map((l) => [l.term, ...l.cells].map(csvCell).join(','))].join('\n') + '\n';
      ctx.writeFile(`${p.path}.csv`, csv);
      ctx.writeFile(`${p.path}.md`, markdown(title, heads, lines, note));
      ctx.writeFile(`${p.path}.tex`, latex(title, heads, lines, note));
    }
    const cols = dict<string[]>([['term', lines.map((l) => l.term)]]);
    heads.forEach((h, i) => { cols[h] = lines.map((l) => l.cells[i]!); });
    const json: Obj = { title: title ?? null, columns: heads, rows: lines.map((l) => ({ term: l.term, kind: l.kind, cells: l.cells })), note };
    return { table: tableFromColumns(cols), json };
  },
});
