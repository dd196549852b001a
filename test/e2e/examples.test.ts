/**
 * The variations in pipelines/examples/ (issue 4, item 4): each runs starting from
 * paper.yaml's cache and recomputes only the stages its change touches. The expected
 * sets follow from reading pipelines/paper.yaml: e.g. a new `digital` list changes the
 * `dva` items and everything that gathers them; `x` changes only the models and tables.
 * Writers (write-csv/write-table/...) rerun in every variation because each variation
 * writes under its own results/examples/<name>/ folder. A report stage, when the pipeline
 * has one, reruns whenever any result changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { agglo, repo, runJson } from './support.js';

const writers = ['table1', 'table1_md', 'table2', 'table4_csv', 'model_tests', 'comparison', 'estimated_cells'];
const models = ['sample', 'pooled', 'within', 'random', 'tests', 'table5'];   // sample: the models' rows
const tables12 = ['table1_named', 'table1_data', 'table1_display', 'table2_named', 'table2_data'];
const flagged = ['cell_flags', 'flag_notes', 'idt_note', 'table4'];
const fromLq = ['practitioners', 'lq', 'ranking', ...tables12, 'indicators', 'del', 'variables', 'table4_stats', ...flagged, ...models];

const expected: Record<string, string[]> = {
  'years-2015-2023': ['measures', ...fromLq, ...writers],
  'years-2012-2020': ['measures', ...fromLq, ...writers],
  'digital-without-research': ['dva', 'measures', ...fromLq, ...writers],
  'complete-coefficients': ['dva', 'measures', ...fromLq, ...writers],
  // cell_flags names the variation's results folder in its note, so the notes rerun too.
  'random-and-twoways': ['twoways', 'table5', ...flagged, ...writers],
  // psl's column and its flags change; idt does not.
  'psl-four-sectors': ['variables', 'table4_stats', ...flagged, ...models, ...writers],
  // `national` reruns because its extra_years (the benchmarks) changed; its result does not.
  'base-2012-only': ['national', 'base', 'totals', 'ras', 'dva', 'measures', ...fromLq, ...writers],
  'base-2007': ['io_provincial', 'benchmark_io', 'benchmark_maps', 'benchmark', 'base', 'national_maps', 'national_42', 'national_totals', 'national', 'totals', 'ras', 'dva', 'measures', ...fromLq, ...writers],
};

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'agglo-examples-'));
  for (const sub of ['data', 'pipelines']) fs.cpSync(path.join(repo, sub), path.join(dir, sub), { recursive: true });
  const first = runJson(dir, 'run');
  expect(first.code, first.stderr).toBe(0);
}, 300_000);

describe('pipelines/examples start from paper.yaml\'s cache', () => {
  it.each(Object.keys(expected))('%s recomputes only what it changes', (name) => {
    const r = runJson(dir, 'run', `pipelines/examples/${name}.yaml`);
    expect(r.code, r.stderr).toBe(0);
    const observers = Object.values(r.stages).filter((s) => s.step === 'report').map((s) => s.id);
    const ran = Object.values(r.stages).filter((s) => s.status === 'ran').map((s) => s.id).sort();
    expect(ran).toEqual([...new Set([...expected[name]!, ...observers])].sort());
    expect(Object.values(r.stages).every((s) => s.status === 'ran' || s.status === 'cached')).toBe(true);
    // A second run of the variation is all cached.
    expect(Object.values(runJson(dir, 'run', `pipelines/examples/${name}.yaml`).stages).every((s) => s.status === 'cached')).toBe(true);
  });

  it('the years variation reuses every cached province-year table', () => {
    const r = runJson(dir, 'run', 'pipelines/examples/years-2015-2023.yaml');
    expect(r.stages.ras!.items).toEqual({ total: 270, ran: 0, cached: 270, failed: 0 });
  });
});

describe('the default study (pipelines/paper.yaml, run in beforeAll)', () => {
  const read = (f: string) => fs.readFileSync(path.join(dir, 'results', f), 'utf8');
  const csvRows = (f: string) => read(f).trim().split('\n').map((l) => l.split(','));

  it('balances every province-year from the nearest of the 2012 and 2017 benchmarks', () => {
    // select-benchmark's note per item: 2011-2014 from 2012, 2015-2023 from 2017 (midpoint 2014.5).
    const show = (year: number) => JSON.parse(agglo(dir, 'show', 'base', '-p', 'pipelines/paper.yaml', '--item', 'province=JSU', '--item', `year=${year}`, '--json').stdout) as { meta: { year: number } };
    expect([2011, 2014, 2015, 2023].map((y) => show(y).meta.year)).toEqual([2012, 2012, 2017, 2017]);
  });

  it('prints province names in Tables 1 and 2 and keeps the code as a column', () => {
    const t1 = csvRows('table1_agglomeration.csv');
    expect(t1[0]!.slice(0, 3)).toEqual(['code', 'province', '2011']);
    expect(t1[1]!.slice(0, 2)).toEqual(['BEJ', 'Beijing']);
    expect(read('table1_agglomeration.md')).toMatch(/^\| Beijing \| /m);
    expect(csvRows('table2_ranking.csv')[0]).toEqual(['rank', 'province', 'code', 'mean']);
  });

  it('says in every table how many cells are estimated, from data/tidy/flags.csv', () => {
    // avg_wage is estimated in 2011 only (data/tidy/flags.csv), so pcw has 30 of 390.
    const t4 = csvRows('table4_descriptive.csv');
    expect(t4[0]).toEqual(['variable', 'description', 'n', 'mean', 'sd', 'min', 'max', 'missing', 'estimated', 'note']);
    const pcw = read('table4_descriptive.csv').split('\n').find((l) => l.startsWith('pcw,'))!;
    expect(pcw).toContain(',30,Estimated cells of pcw: 30 of 390 (2011: all 30); cell by cell: results/estimated_cells.csv.');
    expect(read('table4_descriptive.csv').split('\n').find((l) => l.startsWith('gdp,'))).toMatch(/,0,""$|,0,$/);
    expect(read('table1_agglomeration.md')).toMatch(/Estimated cells of idt: \d+ of 390 \(2011: all 30;/);
    expect(read('table5_regression.md')).toMatch(/Estimated cells: idt \d+ of 390 .*pcw 30 of 390 \(2011: all 30\)/);
    expect(read('comparison.md')).toContain('> **Estimated cells.**');
    const cells = csvRows('estimated_cells.csv');
    expect(cells[0]).toEqual(['province', 'year', 'variable', 'status', 'because']);
    expect(cells.length - 1).toBe(390 * 10);
  });
});

describe('the base-table variants in results/comparison.md (pipelines/sweeps/base-tables.yaml)', () => {
  const summaryOf = (pipeline: string) => JSON.parse(agglo(dir, 'show', 'comparison', '--output', 'summary', '-p', pipeline, '--json').stdout) as Record<string, number>;
  const keys = ['spearman', 'idt_mean', 'idt_sd', 'coefficients_compared', 'same_sign', 'same_significance', 'f_individual', 'hausman'];

  it('before the sweep, comparison.md says how to collect them', () => {
    expect(fs.readFileSync(path.join(dir, 'results/comparison.md'), 'utf8')).toContain('## Base-table variants\n\nNot collected yet: run `agglo sweep pipelines/sweeps/base-tables.yaml`, then this pipeline again.');
  });

  it('each variant\'s row equals its example pipeline run on its own, and the study then shows them, its own row marked', () => {
    const sweep = agglo(dir, 'sweep', 'pipelines/sweeps/base-tables.yaml');
    expect(sweep.code, sweep.stderr).toBe(0);
    const rows = fs.readFileSync(path.join(dir, 'results/base-tables/comparison.summary.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['variant', 'base', ...keys]);
    const own = new Map([
      ['nearest-2012-2017', 'pipelines/paper.yaml'],
      ['2012-only', 'pipelines/examples/base-2012-only.yaml'],
      ['2007', 'pipelines/examples/base-2007.yaml'],
      ['complete', 'pipelines/examples/complete-coefficients.yaml'],
    ]);
    // In the order the sweep file writes them (a choice named 2007 is not moved first).
    expect(rows.slice(1).map((r) => r[1])).toEqual([...own.keys()]);
    for (const r of rows.slice(1)) {
      const s = summaryOf(own.get(r[1]!)!);
      keys.forEach((k, i) => expect(Number(r[i + 2]), `${r[1]} ${k}`).toBeCloseTo(s[k]!, 12));
    }
    const run = runJson(dir, 'run');
    expect(run.code, run.stderr).toBe(0);
    expect(Object.values(run.stages).filter((s) => s.status === 'ran').map((s) => s.id).sort()).toEqual(['base_tables', 'comparison', 'report']);
    const md = fs.readFileSync(path.join(dir, 'results/comparison.md'), 'utf8');
    expect(md).toMatch(/\| nearest-2012-2017 \(this run\) \| 0\.\d{3} \|/);
    expect(md).toMatch(/\| 2007 \| 0\.\d{3} \| /);
    expect(md).toContain('| the paper | 1 | 0.966 | 0.476 |');
  });
});

describe('the estimator extensions in pipelines/examples/ (issue 13) run from the study\'s cache, their tables readable', () => {
  const read = (f: string) => fs.readFileSync(path.join(dir, 'results/examples', f), 'utf8');
  const ranOnly = (name: string) => {
    const r = runJson(dir, 'run', `pipelines/examples/${name}.yaml`);
    expect(r.code, r.stderr).toBe(0);
    // Nothing upstream of the samples reruns: the input-output chain comes from the cache.
    for (const s of ['ras', 'dva', 'lq', 'variables', 'sample']) expect(r.stages[s]!.status, s).toBe('cached');
    return r;
  };

  it('robust-inference: Table 5 with classical, Driscoll-Kraay, CR2 and wild bootstrap columns, each named in the note', () => {
    const r = ranOnly('robust-inference');
    // The bootstrap's replications ran as 4 items and were combined.
    expect(r.stages.boot_chunks!.items).toMatchObject({ total: 4, ran: 4 });
    const md = read('robust-inference/table5_regression.md');
    expect(md).toContain('| | idt (FE, classical) | idt (FE, Driscoll-Kraay) | idt (FE, CR2) | idt (FE, wild bootstrap p) |');
    expect(md).toContain('Driscoll–Kraay standard errors (lag 1, HC0) in idt (FE, Driscoll-Kraay)');
    expect(md).toContain('p values from a wild cluster bootstrap (WCR, Rademacher, B = 9999)');
  });

  it('iv-lagged-wages: FE beside FE 2SLS, the diagnostics in iv_diagnostics.csv', () => {
    const r = ranOnly('iv-lagged-wages');
    expect(r.stages.iv!.status).toBe('ran');
    expect(read('iv-lagged-wages/table5_regression.md')).toContain('| | idt (FE) | idt (FE 2SLS) |');
    const tests = read('iv-lagged-wages/iv_diagnostics.csv').split('\n').map((l) => l.split(',')[0]);
    expect(tests).toEqual(expect.arrayContaining(['first-stage F: pcw', 'Kleibergen-Paap rk Wald F', 'Hansen J', 'Wu-Hausman (control function)']));
  });

  it('system-gmm: lagged idt, Windmeijer errors, the AR and Hansen rows and the fixed-effect rows', () => {
    ranOnly('system-gmm');
    const md = read('system-gmm/table5_regression.md');
    expect(md).toContain('| | idt (FE) | idt (sys-GMM two-step) |');
    expect(md).toMatch(/\| lag1_idt \| {2}\| 0\.\d{3}/);
    for (const row of ['| Province FE | yes | yes |', '| Year FE | no | yes |', '| Arellano–Bond AR(2) |', '| Hansen J |']) expect(md).toContain(row);
    expect(read('system-gmm/gmm_tests.csv').split('\n')[0]).toBe('test,statistic,df,p_value');
  });

  it('spatial-durbin: Moran\'s I of idt for every year, the SDM with rho and W_ terms, its effects', () => {
    ranOnly('spatial-durbin');
    const moran = read('spatial-durbin/moran_idt.csv').trim().split('\n');
    expect(moran).toHaveLength(1 + 13);
    expect(moran[0]!.startsWith('period,n,I,expectation,')).toBe(true);
    const md = read('spatial-durbin/table5_regression.md');
    expect(md).toMatch(/\| rho \|/);
    expect(md).toMatch(/\| W_gdp \|/);
    expect(read('spatial-durbin/sdm_effects.csv').split('\n')[0]).toBe('variable,direct,indirect,total,direct_se,indirect_se,total_se');
  });

  it('threshold-gdp: the regime coefficients of del beside FE, the bootstrap test in threshold_tests.csv', () => {
    const r = ranOnly('threshold-gdp');
    expect(r.stages.threshold_chunks!.items).toMatchObject({ total: 3, ran: 3 });
    const md = read('threshold-gdp/table5_regression.md');
    expect(md).toContain('| | idt (FE) | idt (threshold) |');
    expect(md).toMatch(/\| del_le_threshold \|/);
    expect(md).toMatch(/\| del_gt_threshold \|/);
    expect(read('threshold-gdp/threshold_tests.csv').split('\n')[0]).toBe('thresholds,hypothesis,F,p_value,B,crit_10,crit_5,crit_1');
  });
});
