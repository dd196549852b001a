/**
 * `report`: one self-contained HTML page about the study — Table 1 as a heatmap, Table 2
 * beside the paper's published ranking, regional means over time, a coefficient plot with
 * confidence intervals for every model, Tables 4 and 5, the comparison with the paper, the
 * specification curve of a sweep (input `specifications`, steps/report/robustness.ts), the
 * pipeline DAG and the provenance of every number (agglo version, stage fingerprints, input
 * file hashes, synthetic inputs). Charts are vega-lite/vega rendered to inline SVG at build
 * time: the page has no scripts and loads nothing.
 *
 * Labels come from the inputs: `{years}` in the title is the span of `lq`'s time column, and
 * the coefficient plot names each model's estimator from the model's own fields.
 *
 * It observes the pipeline (`observesPipeline`): it runs after every other stage, receives
 * a PipelineInfo as `ctx.inputs.pipeline` and is rebuilt only when a result it shows changes.
 */
import path from 'node:path';
import type { PipelineInfo } from '../engine/pipeline-info.js';
import { defineStep, StepError } from '../engine/step.js';
import { column } from '../engine/table.js';
import { isFileRef, type Json, type Table, type Value } from '../engine/value.js';
import { estimatorName, modelFacts, periodSpan } from './lib/model-label.js';
import { coefficientSpec, heatmapSpec, rankingSpec, regionSpec } from './report/charts.js';
import { dagSpec } from './report/dag-chart.js';
import { coefPoints, dictionaryEntries, entityNames, entityOrder, heatCells, isObj, need, optionalTable, rankLines, regionPoints, type PaperColumns, type PanelColumns } from './report/data.js';
import { esc, figure, page, type Section } from './report/html.js';
import { robustnessSection } from './report/robustness.js';
import { estimatesBanner, provenanceHtml, syntheticBanner, syntheticEntries } from './report/provenance.js';
import { vegaLiteToSvg, vegaToSvg } from './report/render.js';
import { factsHtml, regressionTableHtml, tableHtml } from './report/tables.js';

/** Params of {@link report}. */
export interface ReportParams {
  path?: string;
  title?: string;
  synthetic_note?: string;
  level?: number;
  columns?: Partial<PanelColumns>;
  paper_columns?: Partial<PaperColumns>;
  spec_terms?: string[];
}

/** Inputs with a fixed meaning; every other input is a model. */
const NAMED = ['lq', 'ranking', 'provinces', 'paper_ranking', 'table4', 'table5', 'comparison', 'dictionary', 'estimates', 'specifications', 'pipeline'];

/** The pipeline's input files plus the report's own file inputs (e.g. the dictionary), for provenance. */
function withOwnFiles(inputs: Record<string, Value>, root: string, info: PipelineInfo | undefined): PipelineInfo | undefined {
  if (!info) return undefined;
  const files = new Map(info.files.map((f) => [f.path, f.hash]));
  for (const v of Object.values(inputs)) if (isFileRef(v)) files.set(path.relative(root, v.path).split(path.sep).join('/'), v.hash);
  return { ...info, files: [...files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([p, hash]) => ({ path: p, hash })) };
}

/** A year span written out in a title ("2011-2023", "2011–2023", "2011 to 2023"). */
const WRITTEN_SPAN = /\b(\d{4})\s*(?:-|–|—|to)\s*(\d{4})\b/;

/**
 * The page title: `{years}` replaced by the span of `lq`'s time column ("2011–2023"). A span
 * written out that is not the data's is kept, with a note saying how to make it follow.
 */
function pageTitle(ctx: { note(m: string): void }, template: string, lq: Table | undefined, cols: PanelColumns): string {
  const span = lq ? (need(lq, 'lq', [cols.time]), periodSpan(column(lq, cols.time))) : undefined;
  if (template.includes('{years}')) {
    if (span === undefined) throw new StepError('no-years', `report: the title has {years}, which is the span of the \`${cols.time}\` column of input \`lq\`; ${lq ? 'that column has no values' : 'connect `lq` (the location-quotient table) or write the years out'}`);
    return template.split('{years}').join(span);
  }
  const written = WRITTEN_SPAN.exec(template);
  const years = lq ? column(lq, cols.time).filter((v): v is number => typeof v === 'number') : [];
  if (written && years.length > 0) {
    const [first, last] = [Math.min(...years), Math.max(...years)];
    if (Number(written[1]) !== first || Number(written[2]) !== last) ctx.note(`report: the title says ${written[0]} but \`lq\` covers ${span}; write {years} in the title to have it follow the data`);
  }
  return template;
}

/** "pooled (pooled OLS), within (individual fixed effects)": each model input with its estimator. */
function modelList(models: [string, Json][]): string {
  return models.map(([n, m]) => { const e = estimatorName(modelFacts(m)); return e === undefined ? n : `${n} (${e})`; }).join(', ');
}

/** The report step. */
export const report = defineStep<ReportParams>({
  name: 'report',
  version: '1.5.0',
  description: 'A self-contained HTML report: Table 1 heatmap, Table 2 vs the paper, regions over time, coefficient plot, Tables 4-5, the specification curve of a sweep, the pipeline DAG and provenance (charts inlined as SVG, no scripts).',
  observesPipeline: true,
  params: {
    type: 'object',
    additionalProperties: false,
    properties: {
      path: { type: 'string', pattern: '^results/.*\\.html$', default: 'results/report.html', description: 'Output file under results/, ending in .html.' },
      title: { type: 'string', default: 'Agglomeration of industrial-digitalization talent: study report', description: 'Page title; `{years}` in it is replaced by the span of the time column of `lq` (e.g. 2011–2023), so the title follows the data.' },
      synthetic_note: { type: 'string', description: 'Text of the warning about synthetic inputs shown under the title (the dictionary input adds the list of synthetic columns).' },
      level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.95, description: 'Confidence level of the intervals in the coefficient plot.' },
      columns: {
        type: 'object', additionalProperties: false,
        properties: { entity: { type: 'string', default: 'province' }, time: { type: 'string', default: 'year' }, value: { type: 'string', default: 'lq' } },
        default: { entity: 'province', time: 'year', value: 'lq' },
        description: 'Columns of `lq` (entity, time, value) and the entity column of `ranking`.',
      },
      paper_columns: {
        type: 'object', additionalProperties: false,
        properties: { name: { type: 'string', default: 'region' }, value: { type: 'string', default: 'average_agglomeration' }, rank: { type: 'string', default: 'rank' } },
        default: { name: 'region', value: 'average_agglomeration', rank: 'rank' },
        description: 'Columns of `paper_ranking`: entity name (matched to provinces.name_en), published value and rank.',
      },
      spec_terms: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true, description: 'Terms of the `specifications` input that get a specification curve (every stage that collected them); default: every collected (stage, term).' },
    },
  },
  inputs: {
    lq: { description: 'Long table entity, time, value (location-quotient output): Table 1 heatmap and regional means.', optional: true },
    ranking: { description: 'The `ranking` output of rank (entity, mean, rank): Table 2 and the heatmap row order.', optional: true },
    provinces: { description: 'Entity codes with display names and regions (code, name_en, region).', optional: true },
    paper_ranking: { description: 'The published ranking (Table 2 of the paper), drawn beside ours.', optional: true },
    table4: { description: 'Descriptive statistics (describe output), shown as Table 4.', optional: true },
    table5: { description: 'The `json` output of regression-table, shown as Table 5.', optional: true },
    comparison: { description: 'The `summary` output of paper-comparison.', optional: true },
    estimates: { description: 'The `summary` output of cell-flags (variable, cells, estimated, where): a box under the title says how many cells of each variable are estimated.', optional: true },
    specifications: { description: 'A sweep\'s specifications table (specifications.csv: variant, one column per dimension, stage, term, estimate, std_error, statistic, p_value, nobs, r2), a table or a .csv file: the section "Robustness: specification curve", a curve and a summary per collected (stage, term).', optional: true },
    dictionary: { description: 'The data dictionary (file, column, status real|derived|synthetic), a table or a .csv file: marks synthetic inputs.', optional: true },
    '*': { description: 'Any other input name is a model (the `model` output of panel-regression), plotted under that name.', optional: true },
  },
  outputs: {
    summary: 'JSON {path, title, sections, charts, synthetic, bytes}.',
  },
  // Its output is JSON about the file it writes, not a table.
  columns: () => ({}),
  async run(ctx) {
    const p = ctx.params;
    const outPath = p.path ?? 'results/report.html';
    if (outPath.split('/').includes('..')) throw new StepError('bad-path', `report: path \`${outPath}\` must stay under results/`);
    const cols: PanelColumns = { entity: 'province', time: 'year', value: 'lq', ...p.columns };
    const paperCols: PaperColumns = { name: 'region', value: 'average_agglomeration', rank: 'rank', ...p.paper_columns };
    const level = p.level ?? 0.95;
    const info = withOwnFiles(ctx.inputs, ctx.root, isObj(ctx.inputs.pipeline) && ctx.inputs.pipeline.kind === 'pipeline-info' ? (ctx.inputs.pipeline as unknown as PipelineInfo) : undefined);

    const lq = optionalTable(ctx, 'lq');
    const title = pageTitle(ctx, p.title ?? 'Agglomeration of industrial-digitalization talent: study report', lq, cols);
    const ranking = optionalTable(ctx, 'ranking');
    const paper = optionalTable(ctx, 'paper_ranking');
    const table4 = optionalTable(ctx, 'table4');
    const dictionary = optionalTable(ctx, 'dictionary');
    const { name, region } = entityNames(optionalTable(ctx, 'provinces'));
    const models = Object.entries(ctx.inputs).filter(([n]) => !NAMED.includes(n)) as [string, Json][];
    if (paper && !ranking) throw new StepError('missing-input', 'report: `paper_ranking` is drawn beside our ranking; give the `ranking` input too (the `ranking` output of a rank stage)');

    const sections: Section[] = [];
    const charts: string[] = [];
    const chart = async (id: string, svg: Promise<string>, caption: string) => { charts.push(id); return figure(id, await svg, caption); };
    const rank = ranking ? rankLines(ranking, cols, name, paper, paperCols) : undefined;
    if (rank && rank.unmatched.length > 0) ctx.note(`report: ${rank.unmatched.length} published row(s) match no province name (${rank.unmatched.slice(0, 5).join(', ')}); check paper_columns.name and provinces.name_en`);

    if (lq) {
      const cells = heatCells(lq, cols, name);
      if (cells.length === 0) throw new StepError('no-data', `report: input \`lq\` has no numeric \`${cols.value}\` values to draw`);
      const order = entityOrder(cells, rank?.lines);
      const spec = heatmapSpec(cells, order, { title: `Location quotient (${cols.value}) by ${cols.entity} and ${cols.time}`, valueTitle: cols.value, mid: 1 });
      sections.push({ id: 'table1', title: 'Table 1 · Agglomeration degree by province and year', body: await chart('chart-table1', vegaLiteToSvg(spec), `Each cell is the ${cols.value} of a ${cols.entity} in a ${cols.time}; 1 is the national share (white), orange above, blue below. Rows in order of the ${rank ? 'Table 2 ranking' : 'mean value'}.`) });
    }
    if (rank) {
      const spec = rankingSpec(rank.lines, { title: `Mean ${cols.value} by ${cols.entity}, ranked`, valueTitle: `mean ${cols.value}`, oursLabel: 'this run', paperLabel: 'paper (published)' });
      sections.push({ id: 'table2', title: 'Table 2 · Ranking beside the paper', body: await chart('chart-table2', vegaLiteToSvg(spec), paper ? 'Our mean over the years (circles) and the paper\'s published average (diamonds); labels give our rank and the paper\'s.' : 'Our mean over the years, by rank.') });
    }
    if (lq && region.size > 0) {
      const points = regionPoints(lq, cols, region);
      const spec = regionSpec(points, { title: `Mean ${cols.value} by region`, valueTitle: `mean ${cols.value}`, reference: 1 });
      sections.push({ id: 'regions', title: 'Agglomeration by region over time', body: await chart('chart-regions', vegaLiteToSvg(spec), `Unweighted mean of the ${cols.value} over the provinces of each region; dashed line: 1, the national share.`) });
    }
    if (table4) sections.push({ id: 'table4', title: 'Table 4 · Descriptive statistics', body: tableHtml(table4, 'Table 4. Descriptive statistics of the regression variables') });
    if (models.length > 0 || ctx.inputs.table5 !== undefined) {
      const parts: string[] = [];
      if (models.length > 0) {
        const { points, terms } = coefPoints(models, level);
        const spec = coefficientSpec(points, models.map(([n]) => n), terms, { title: `Estimates with ${Math.round(level * 100)}% confidence intervals`, level });
        parts.push(await chart('chart-coefficients', vegaLiteToSvg(spec), `One panel per regressor (own scale), one row per model: ${modelList(models)}. Interval: estimate ± q·SE with q from t(df_resid), or the normal for models with normal-based inference; the constant is left out.`));
      }
      if (ctx.inputs.table5 !== undefined) parts.push(regressionTableHtml(ctx.inputs.table5 as Json, 'table5'));
      sections.push({ id: 'models', title: 'Models · Coefficients and Table 5', body: parts.join('\n') });
    }
    if (ctx.inputs.comparison !== undefined) sections.push({ id: 'comparison', title: 'Comparison with the paper', body: factsHtml(ctx.inputs.comparison as Json, 'comparison') });
    const specifications = optionalTable(ctx, 'specifications');
    if (specifications) {
      const robust = await robustnessSection(specifications, p.spec_terms);
      charts.push(...robust.charts);
      sections.push({ id: 'robustness', title: 'Robustness: specification curve', body: robust.body });
    } else if (p.spec_terms !== undefined) ctx.note('report: `spec_terms` is set but there is no `specifications` input; connect a sweep\'s specifications.csv');

    const synthetic = dictionary ? syntheticEntries(dictionaryEntries(dictionary), info) : [];
    if (info) {
      const dag = dagSpec(info.stages.map((s) => ({ id: s.id, step: s.step, deps: s.deps, status: s.status, ms: s.ms, items: s.items })));
      if (dag) sections.push({ id: 'dag', title: 'Pipeline', body: await chart('chart-dag', vegaToSvg(dag), 'Every stage of the pipeline, layered by dependency depth: stage id, step (×items for fan-out stages), and whether it ran or came from the cache in the run that built this report, with its time.') });
      sections.push({ id: 'provenance', title: 'Provenance', body: provenanceHtml(info, synthetic) });
    }
    if (sections.length === 0) throw new StepError('nothing-to-report', 'report: no inputs to show; connect at least one of lq, ranking, table4, table5, comparison, specifications or a model');

    const meta = info
      ? `Built ${esc(info.builtAt)} by agglo ${esc(info.agglo)} from <code>${esc(info.pipeline)}</code>.`
      : 'Built by agglo.';
    const estimates = optionalTable(ctx, 'estimates');
    const html = page(title, meta, syntheticBanner(p.synthetic_note, synthetic) + (estimates ? estimatesBanner(estimates) : ''), sections);
    ctx.writeFile(outPath, html);
    return {
      summary: {
        path: outPath, title,
        sections: sections.map((s) => s.id), charts,
        synthetic: synthetic.map((s) => `${s.file}:${s.column}`),
        bytes: Buffer.byteLength(html),
      },
    };
  },
});
