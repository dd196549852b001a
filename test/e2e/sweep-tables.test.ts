/**
 * A sweep collecting outputs as tables (`collect: [{ stage, output, columns }]`): a table's
 * rows, an object's fields and a writer stage's table, each equal to what the variant run
 * as its own pipeline gives, written to results/<sweep>/<stage>.<output>.csv; the variants'
 * writer stages write no results/ file (the base pipeline's own run does).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parseCsv } from '../../engine/csv.js';
import { tableRows } from '../../engine/table.js';
import { agglo, makeProject } from './support.js';
import { smallPanelCsv } from './seeded.js';

const panelCsv = () => smallPanelCsv(11, 6);

const STUDY = `params:
  x: [a, b]
stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  fe: { step: panel-regression, inputs: { data: panel }, params: { y: y, x: "\${params.x}", entity: region, time: year } }
  tests: { step: panel-tests, inputs: { data: panel }, params: { y: y, x: "\${params.x}", entity: region, time: year } }
  table: { step: regression-table, inputs: { fe: fe }, params: { path: results/table } }
`;

const SWEEP = `sweep: ../study.yaml
dimensions:
  controls:
    both: {}
    only_a: { params: { x: [a] } }
collect:
  - { stage: tests, output: table, columns: [test, statistic, p_value] }
  - { stage: fe, output: model, columns: [nobs, r2] }
  - { stage: table, output: table }
`;

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });
const csvRows = (dir: string, rel: string) => tableRows(parseCsv(fs.readFileSync(path.join(dir, rel), 'utf8')));
/** A stage's output as its own pipeline gives it (`agglo show … --json`). */
const shown = (dir: string, pipeline: string, stage: string, output: string) => {
  const r = agglo(dir, 'show', stage, '--output', output, '-p', pipeline, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('a sweep collecting tables', () => {
  const dir = makeProject({
    'data/panel.csv': panelCsv(),
    'pipelines/study.yaml': STUDY,
    // The variant `only_a` as a pipeline of its own, to compare with.
    'pipelines/only-a.yaml': 'extends: study.yaml\nparams: { x: [a] }\n',
    'pipelines/sweeps/tables.yaml': SWEEP,
  });
  dirs.push(dir);

  test('each table collect equals the variant run on its own, in results/<sweep>/<stage>.<output>.csv', () => {
    const r = agglo(dir, 'sweep', 'pipelines/sweeps/tables.yaml');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('results/tables/tests.table.csv (4 rows)');
    // No model collected: no specifications.csv; the writer stage `table` ran in both variants
    // but wrote nothing under results/ (each variant would write the same file).
    expect(fs.existsSync(path.join(dir, 'results/tables/specifications.csv'))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'results')).sort()).toEqual(['tables']);

    for (const run of ['pipelines/study.yaml', 'pipelines/only-a.yaml']) expect(agglo(dir, 'run', run).code).toBe(0);
    const tests = csvRows(dir, 'results/tables/tests.table.csv');
    expect(Object.keys(tests[0]!)).toEqual(['variant', 'controls', 'test', 'statistic', 'p_value']);
    for (const [choice, pipeline] of [['both', 'pipelines/study.yaml'], ['only_a', 'pipelines/only-a.yaml']] as const) {
      const own = shown(dir, pipeline, 'tests', 'table') as { test: string; statistic: number; p_value: number }[];
      const mine = tests.filter((t) => t.controls === choice);
      expect(mine.map((t) => t.test)).toEqual(own.map((t) => t.test));
      mine.forEach((t, i) => {
        expect(t.statistic).toBeCloseTo(own[i]!.statistic, 10);
        expect(t.p_value).toBeCloseTo(own[i]!.p_value, 10);
      });
      // An object output: one row of its fields.
      const model = shown(dir, pipeline, 'fe', 'model') as { nobs: number; r2: number };
      const row = csvRows(dir, 'results/tables/fe.model.csv').find((m) => m.controls === choice)!;
      expect(row.nobs).toBe(model.nobs);
      expect(row.r2).toBeCloseTo(model.r2, 10);
      // A writer stage's table, collected as it is (its every column).
      const table = shown(dir, pipeline, 'table', 'table') as Record<string, unknown>[];
      const collected = csvRows(dir, 'results/tables/table.table.csv').filter((t) => t.controls === choice);
      // (an empty cell reads back from CSV as missing)
      expect(collected.map((t) => t.term)).toEqual(table.map((t) => (t.term === '' ? null : t.term)));
    }
    const md = fs.readFileSync(path.join(dir, 'results/tables/summary.md'), 'utf8');
    expect(md).toContain('## Collected: `tests.table` (4 rows; all of them in tests.table.csv)');
    expect(md).toContain('| variant | controls | test | statistic | p_value |');
  });

  test('an output the stage lacks and a column the table lacks are named with what there is', () => {
    fs.writeFileSync(path.join(dir, 'pipelines/sweeps/bad.yaml'), SWEEP.replace('output: table, columns: [test,', 'output: tabel, columns: [test,'));
    const v = agglo(dir, 'validate', 'pipelines/sweeps/bad.yaml');
    expect(v.code).toBe(2);
    expect(v.stderr).toContain("pipelines/sweeps/bad.yaml:7:29 error unknown-output: `collect`: stage `tests` (step `panel-tests`) has no output `tabel`");
    expect(v.stderr).toContain('did you mean `table`?');

    fs.writeFileSync(path.join(dir, 'pipelines/sweeps/bad.yaml'), SWEEP.replace('columns: [test, statistic, p_value]', 'columns: [test, statistik]'));
    const r = agglo(dir, 'sweep', 'pipelines/sweeps/bad.yaml', '--keep-going');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: variant `controls=both`: `collect`: the output `table` of `tests` has no `statistik` (did you mean `statistic`?); it has');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
