/**
 * read-collected: a sweep's collected table, or an empty table with a note while the sweep has
 * not run; the engine records the file as absent, so that its appearance reruns the stage.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { column, columnNames, nrow } from '../../engine/table.js';
import type { Table } from '../../engine/value.js';
import { readCollected } from '../../steps/read-collected.js';
import { agglo, makeProject } from '../e2e/support.js';
import { makeContext } from '../support/context.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

describe('read-collected', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-collected-'));
  dirs.push(root);

  it('reads the collected CSV, the variant id kept as text', () => {
    fs.mkdirSync(path.join(root, 'results/s'), { recursive: true });
    fs.writeFileSync(path.join(root, 'results/s/fe.model.csv'), 'variant,k,nobs\n1,1,30\n2,2,28\n');
    const ctx = makeContext({ path: 'results/s/fe.model.csv' }, {}, { root });
    const t = (readCollected.run(ctx) as { table: Table }).table;
    expect(columnNames(t)).toEqual(['variant', 'k', 'nobs']);
    expect(column(t, 'variant')).toEqual(['1', '2']);
    expect(column(t, 'nobs')).toEqual([30, 28]);
    expect(ctx.notes).toEqual([]);
  });

  it('gives an empty table and a note naming the sweep when the file does not exist', () => {
    const ctx = makeContext({ path: 'results/none/x.y.csv', sweep: 'pipelines/sweeps/none.yaml' }, {}, { root });
    const t = (readCollected.run(ctx) as { table: Table }).table;
    expect(nrow(t)).toBe(0);
    expect(ctx.notes).toEqual(['results/none/x.y.csv does not exist yet: run `agglo sweep pipelines/sweeps/none.yaml` to collect it, then run this pipeline again']);
  });

  it('in a pipeline: validates without the file, and reruns when it appears or changes', () => {
    const dir = makeProject({ 'pipelines/p.yaml': 'stages:\n  got: { step: read-collected, params: { path: results/s/t.csv } }\n' });
    dirs.push(dir);
    expect(agglo(dir, 'validate', 'pipelines/p.yaml').code).toBe(0);
    const first = agglo(dir, 'run', 'pipelines/p.yaml');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout + first.stderr).toContain('results/s/t.csv does not exist yet');
    expect(agglo(dir, 'run', 'pipelines/p.yaml').stdout).toContain('0 ran, 1 cached');
    fs.mkdirSync(path.join(dir, 'results/s'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'results/s/t.csv'), 'variant,a\nv1,1\n');
    expect(agglo(dir, 'run', 'pipelines/p.yaml').stdout).toContain('1 ran, 0 cached');
    expect(JSON.parse(agglo(dir, 'show', 'got', '-p', 'pipelines/p.yaml', '--json').stdout)).toEqual([{ variant: 'v1', a: 1 }]);
    fs.rmSync(path.join(dir, 'results/s/t.csv'));
    // Gone again: the absent file's result comes back from the cache.
    expect(agglo(dir, 'run', 'pipelines/p.yaml').stdout).toContain('0 ran, 1 cached');
  });

  it('a path outside results/ is refused where it is written', () => {
    const dir = makeProject({ 'pipelines/p.yaml': 'stages:\n  got: { step: read-collected, params: { path: data/t.csv } }\n' });
    dirs.push(dir);
    const r = agglo(dir, 'validate', 'pipelines/p.yaml');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pipelines/p.yaml:2:48 error bad-value: param `path` of stage `got` is `data/t.csv`; it must match pattern "^results/.+\\.csv$"');
  });
});
