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
import { repo, runJson } from './support.js';

const writers = ['table1', 'table1_md', 'table2', 'table4_csv', 'model_tests', 'comparison'];
const models = ['pooled', 'within', 'random', 'tests', 'table5'];
const fromLq = ['practitioners', 'lq', 'ranking', 'indicators', 'del', 'variables', 'table4', ...models];

const expected: Record<string, string[]> = {
  'years-2015-2023': ['measures', ...fromLq, ...writers],
  'digital-without-research': ['dva', 'measures', ...fromLq, ...writers],
  'complete-coefficients': ['dva', 'measures', ...fromLq, ...writers],
  'without-synthetic': [...models, ...writers],
  'random-and-twoways': ['twoways', 'table5', ...writers],
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
