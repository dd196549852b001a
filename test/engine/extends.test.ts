/** `extends:` merging and diagnostics that point into the file a node came from. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeDeep, mergePipelines } from '../../engine/extends.js';
import { formatDiagnostics } from '../../engine/diagnostics-format.js';
import { loadPipeline } from '../../engine/load.js';

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-extends-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const base = `params:
  years: 2011..2012
stages:
  panel: { step: read-csv, params: { path: data/p.csv } }
  out:
    step: write-csv
    inputs: { data: panel }
    params: { path: results/out.csv }
`;

describe('mergeDeep / mergePipelines', () => {
  it('merges maps key by key, replaces lists and scalars, deletes on null', () => {
    expect(mergeDeep({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: null, e: 2 })).toEqual({ a: { b: 1, c: [3] }, e: 2 });
  });
  it('replaces params whole, concatenates plugins once, merges stages deeply', () => {
    const m = mergePipelines(
      { params: { x: [1, 2], y: 1 }, plugins: ['a.mjs'], stages: { s: { step: 'k', params: { p: 1, q: 2 } } } },
      { params: { x: [3] }, plugins: ['a.mjs', 'b.mjs'], stages: { s: { params: { q: 5 } }, t: { step: 'k' } } },
    );
    expect(m).toEqual({ params: { x: [3], y: 1 }, plugins: ['a.mjs', 'b.mjs'], stages: { s: { step: 'k', params: { p: 1, q: 5 } }, t: { step: 'k' } } });
  });
});

describe('loadPipeline with extends', () => {
  it('overrides params and stages of the base, relative to the child file', async () => {
    const dir = project({ 'pipelines/base.yaml': base, 'pipelines/v/child.yaml': 'extends: ../base.yaml\nparams: { years: 2011..2013 }\nstages:\n  out: null\n', 'data/p.csv': 'a\n1\n' });
    const l = await loadPipeline('pipelines/v/child.yaml', dir);
    expect(l.diagnostics).toEqual([]);
    expect(l.pipeline!.params.years).toEqual([2011, 2012, 2013]);
    expect(l.pipeline!.stages.map((s) => s.id)).toEqual(['panel']);
    expect(l.baseFiles).toEqual([path.join(dir, 'pipelines/base.yaml')]);
  });

  it('points a diagnostic at the file that holds the faulty node', async () => {
    const dir = project({ 'pipelines/base.yaml': base.replace('data/p.csv', 'data/missing.csv'), 'pipelines/child.yaml': 'extends: base.yaml\nstages:\n  out: { step: write-csvv }\n', 'data/p.csv': 'a\n1\n' });
    const l = await loadPipeline('pipelines/child.yaml', dir);
    const text = formatDiagnostics(l.diagnostics, l.sources);
    expect(text).toContain('pipelines/child.yaml:3:16 error unknown-step');
    expect(text).toContain('pipelines/base.yaml:4:44 error missing-file');
  });

  it('reports a missing base and a cycle of extends', async () => {
    const dir = project({ 'a.yaml': 'extends: b.yaml\n', 'b.yaml': 'extends: a.yaml\n', 'c.yaml': 'extends: nope.yaml\n' });
    expect((await loadPipeline('a.yaml', dir)).diagnostics.map((d) => d.code)).toEqual(['cycle']);
    const missing = (await loadPipeline('c.yaml', dir)).diagnostics;
    expect(missing[0]).toMatchObject({ code: 'missing-file', file: 'c.yaml', line: 1, col: 10 });
  });
});
