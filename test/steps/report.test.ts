import { describe, expect, it } from 'vitest';
import { StepError } from '../../engine/step.js';
import { tableFromColumns } from '../../engine/table.js';
import type { Value } from '../../engine/value.js';
import { report, type ReportParams } from '../../steps/report.js';
import { makeContext } from '../support/context.js';
import { pipelineInfo, reportInputs } from './report-fixtures.js';

const params: ReportParams = { path: 'results/report.html', title: 'Tiny study <report>', synthetic_note: 'Employment is a stand-in.' };

let full: ReturnType<typeof buildWith> | undefined;
/** The report of all the fixture inputs is built once and shared by the tests that only read it. */
const build = (...args: Parameters<typeof buildWith>) => (args.length > 0 ? buildWith(...args) : (full ??= buildWith()));

async function buildWith(inputs: Record<string, Value> = reportInputs(), p: ReportParams = params) {
  const ctx = makeContext(p, inputs);
  const out = (await report.run(ctx)) as { summary: { charts: string[]; sections: string[]; synthetic: string[]; bytes: number } };
  const html = ctx.files.get(p.path ?? 'results/report.html');
  if (typeof html !== 'string') throw new Error('no HTML written');
  return { html, out, ctx };
}

/** The SVG inside <figure id="ID">. */
function chartSvg(html: string, id: string): string {
  const m = new RegExp(`<figure class="chart" id="${id}">\\s*(<svg[\\s\\S]*?</svg>)`).exec(html);
  if (!m) throw new Error(`no svg in figure ${id}`);
  return m[1]!;
}

async function failure(inputs: Record<string, Value>): Promise<StepError> {
  try {
    await report.run(makeContext(params, inputs));
  } catch (e) {
    if (e instanceof StepError) return e;
    throw e;
  }
  throw new Error('expected a StepError');
}

describe('report step', () => {
  it('writes one HTML page with every chart as inline SVG', async () => {
    const { html, out } = await build();
    expect(out.summary.charts).toEqual(['chart-table1', 'chart-table2', 'chart-regions', 'chart-coefficients', 'chart-dag']);
    expect(out.summary.sections).toEqual(['table1', 'table2', 'regions', 'table4', 'models', 'comparison', 'dag', 'provenance']);
    for (const id of out.summary.charts) {
      const svg = chartSvg(html, id);
      expect(svg).toMatch(/^<svg [^>]*width="\d+(\.\d+)?" height="\d+(\.\d+)?" viewBox=/);
    }
    expect(out.summary.bytes).toBe(Buffer.byteLength(html));
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  });

  it('is self-contained: no scripts, no external resources, no URLs but SVG namespaces', async () => {
    const { html } = await build();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+href="(?!data:)/);
    expect(html).not.toMatch(/<img /);
    const withoutXmlns = html.replace(/\sxmlns(:\w+)?="[^"]*"/g, '');
    expect(withoutXmlns).not.toMatch(/https?:\/\//);
  });

  it('shows the data: cell values, names, both rankings, the tables', async () => {
    const { html } = await build();
    // Table 1 heatmap: 2.2705 printed with format .2f; the missing BBB 2012 cell is not drawn.
    expect(chartSvg(html, 'chart-table1')).toContain('>2.27<');
    // Table 2 labels: our rank, name and the paper's rank (Bravo is 1st in the paper).
    expect(chartSvg(html, 'chart-table2')).toContain('2. Bravo (paper 1)');
    expect(chartSvg(html, 'chart-table2')).toContain('paper (published)');
    expect(chartSvg(html, 'chart-regions')).toContain('East');
    expect(chartSvg(html, 'chart-coefficients')).toContain('within');
    // Table 4 with 3 decimals; Table 5 rows and note; comparison facts.
    expect(html).toContain('<td class="num">0.963</td>');
    expect(html).toContain('<caption>Table 5. Fixed effects</caption>');
    expect(html).toContain('-0.151**');
    expect(html).toContain('t statistics in parentheses.');
    expect(html).toContain('<dt>Spearman rank correlation with the paper</dt><dd>0.760</dd>');
  });

  it('escapes text from the data and params', async () => {
    const { html } = await build();
    expect(html).toContain('<title>Tiny study &lt;report&gt;</title>');
    expect(html).not.toContain('<Beta>');
    expect(html).toContain('Alpha &amp; &lt;Beta&gt;');
  });

  it('has the titles, the DAG and provenance rows', async () => {
    const { html } = await build();
    for (const t of ['Table 1 · Agglomeration degree by province and year', 'Table 2 · Ranking beside the paper', 'Agglomeration by region over time', 'Table 4 · Descriptive statistics', 'Models · Coefficients and Table 5', 'Pipeline', 'Provenance']) {
      expect(html).toContain(`>${t}</h2>`);
    }
    const dag = chartSvg(html, 'chart-dag');
    for (const s of ['panel', 'location-quotient', 'ran · 1.5 s', 'cached · 3 ms']) expect(dag).toContain(`>${s}<`);
    expect(html).toContain('<dt>agglo version</dt><dd>9.9.9</dd>');
    expect(html).toContain('<dt>Built at</dt><dd>2026-01-02T03:04:05.000Z</dd>');
    expect(html).toContain('<dt>Pipeline</dt><dd>pipelines/tiny.yaml</dd>');
    // A stage row: id, step, version, source, items, status, time, 12-character fingerprint, reason.
    expect(html).toContain('<tr><td>fe</td><td>panel-regression</td><td>1.0.0</td><td>plugins/fe.mjs</td><td class="num">1</td><td class="status-ran">ran</td><td class="num">42 ms</td><td class="hash">cccccccccccc</td><td>upstream `lq` changed</td></tr>');
    expect(html).toContain(`<td class="hash">${'e'.repeat(64)}</td>`);
  });

  it('warns about synthetic inputs of the files the pipeline reads', async () => {
    const { html, out } = await build();
    expect(html).toContain('id="synthetic-warning"');
    expect(html).toContain('Employment is a stand-in.');
    expect(out.summary.synthetic).toEqual(['tidy/panel.csv:employment']);
    expect(html).toContain(`<tr class="synthetic"><td>data/tidy/panel.csv</td><td class="hash">${'d'.repeat(64)}</td><td>employment</td></tr>`);
    expect(html).not.toContain('<code>secret</code>');
  });

  it('without a dictionary or note there is no warning; without pipeline info no DAG', async () => {
    const inputs = reportInputs();
    delete inputs.dictionary;
    delete inputs.pipeline;
    const { html, out } = await build(inputs, { path: 'results/r.html' });
    expect(html).not.toContain('synthetic-warning');
    expect(out.summary.charts).not.toContain('chart-dag');
    expect(out.summary.sections).not.toContain('provenance');
  });

  it('says how many cells of each variable are estimated (the cell-flags summary)', async () => {
    const estimates = tableFromColumns({ variable: ['idt', 'gdp'], cells: [390, 390], estimated: [120, 0], where: ['2011: all 30; 2021: all 30', ''] });
    const { html } = await build({ ...reportInputs(), estimates }, { path: 'results/r.html' });
    expect(html).toContain('id="estimates-warning"');
    expect(html).toContain('<li><code>idt</code>: 120 of 390 cells estimated (2011: all 30; 2021: all 30)</li>');
    expect(html).not.toContain('<code>gdp</code>:');
    const none = tableFromColumns({ variable: ['gdp'], cells: [390], estimated: [0], where: [''] });
    const clean = await build({ ...reportInputs(), estimates: none }, { path: 'results/r.html' });
    expect(clean.html).not.toContain('estimates-warning');
    expect(clean.html).toContain('Every cell of the model variables is real or derived from real data.');
  });

  it('draws only what it is given', async () => {
    const { out } = await build({ table4: tableFromColumns({ variable: ['x'], mean: [1] }) }, {});
    expect(out.summary.sections).toEqual(['table4']);
    expect(out.summary.charts).toEqual([]);
  });

  it('rejects inputs it cannot use, naming them', async () => {
    const notModel = await failure({ ...reportInputs(), extra: tableFromColumns({ a: [1] }) });
    expect(notModel.reason).toBe('not-a-model');
    expect(notModel.message).toContain('`extra`');
    const noColumn = await failure({ lq: tableFromColumns({ province: ['A'], year: [2011] }) });
    expect(noColumn.reason).toBe('missing-column');
    expect(noColumn.message).toContain('`lq`');
    expect(noColumn.message).toContain('columns are: province, year');
    const noRanking = await failure({ paper_ranking: reportInputs().paper_ranking! });
    expect(noRanking.reason).toBe('missing-input');
    const badTable5 = await failure({ table5: tableFromColumns({ term: ['x'] }) });
    expect(badTable5.reason).toBe('not-a-regression-table');
    expect((await failure({})).reason).toBe('nothing-to-report');
  });

  it('keeps its default path in the schema and rejects paths outside results/', async () => {
    const schema = report.params as { properties: { path: { default: string; pattern: string } } };
    expect(schema.properties.path.default).toBe('results/report.html');
    expect(new RegExp(schema.properties.path.pattern).test('docs/x.html')).toBe(false);
    await expect(report.run(makeContext({ path: 'results/../x.html' }, reportInputs()))).rejects.toThrow(/must stay under results/);
  });

  it('{years} in the title is the span of lq\'s time column', async () => {
    // The fixture's lq has years 2011 and 2012.
    const { html, out } = await build(reportInputs(), { path: 'results/r.html', title: 'Tiny study, {years}' });
    expect(html).toContain('<title>Tiny study, 2011–2012</title>');
    expect(html).toContain('<h1>Tiny study, 2011–2012</h1>');
    expect((out.summary as unknown as { title: string }).title).toBe('Tiny study, 2011–2012');
    // Other years in lq: the title follows.
    const later = reportInputs();
    later.lq = tableFromColumns({ province: ['AAA', 'AAA', 'BBB'], year: [2013, 2014, 2013], lq: [1.1, 1.2, 0.9] });
    expect((await build(later, { path: 'results/r.html', title: 'Tiny study, {years}' })).html).toContain('<title>Tiny study, 2013–2014</title>');
  });

  it('a year span written in the title that is not the data\'s is kept, with a note', async () => {
    const { html, ctx } = await build(reportInputs(), { path: 'results/r.html', title: 'Tiny study, 2011-2023' });
    expect(html).toContain('<title>Tiny study, 2011-2023</title>');
    expect(ctx.notes).toContain('report: the title says 2011-2023 but `lq` covers 2011–2012; write {years} in the title to have it follow the data');
    expect((await build(reportInputs(), { path: 'results/r.html', title: 'Tiny study, 2011-2012' })).ctx.notes).toEqual([]);
  });

  it('{years} without lq is an error that says what to connect', async () => {
    const inputs = reportInputs();
    delete inputs.lq;
    let e: StepError | undefined;
    try { await report.run(makeContext({ path: 'results/r.html', title: 'Study, {years}' }, inputs)); } catch (err) { e = err as StepError; }
    expect(e?.reason).toBe('no-years');
    expect(e?.message).toBe('report: the title has {years}, which is the span of the `year` column of input `lq`; connect `lq` (the location-quotient table) or write the years out');
  });

  it('names each model\'s estimator under the coefficient plot, from the model\'s own fields', async () => {
    const { html } = await build();
    expect(html).toContain('one row per model: within (individual fixed effects), random (individual random effects).');
    const switched = reportInputs();
    switched.within = { ...(switched.within as object), model: 'random' } as Value;
    expect((await build(switched, { path: 'results/r.html' })).html).toContain('one row per model: within (individual random effects), random (individual random effects).');
  });

  it('labels the comparison\'s estimator and unmatched terms', async () => {
    const inputs = reportInputs();
    inputs.comparison = { spearman: 0.5, estimator: 'individual random effects', terms_not_in_paper: ['urban_sq'], paper_terms_not_estimated: ['urban'] };
    const { html } = await build(inputs, { path: 'results/r.html' });
    expect(html).toContain('<dt>Our model (compared with the paper&#39;s Table 5)</dt><dd>individual random effects</dd>');
    expect(html).toContain('<dt>Terms not in the paper&#39;s Table 5</dt><dd>urban_sq</dd>');
    expect(html).toContain('<dt>Paper terms without an estimate here</dt><dd>urban</dd>');
  });

  it('observes the pipeline', () => {
    expect(report.observesPipeline).toBe(true);
    expect(pipelineInfo.stages).toHaveLength(3);
  });
});
