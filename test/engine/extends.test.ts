/** `extends:` merging and diagnostics that point into the file a node came from. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeDeep, mergePipelines } from '../../engine/extends.js';
import { formatDiagnostics } from '../../engine/diagnostics-format.js';
import { loadPipeline } from '../../engine/load.js';
import { MAX_PIPELINE_BYTES } from '../../engine/parse.js';

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

describe('extends is confined to the project root and read with bounds', () => {
  const child = (ext: string) => `extends: ${ext}\nstages:\n  out: null\n`;
  const codeAt = (d: { code: string; file: string; line: number; col: number } | undefined) => d && [d.code, d.file, d.line, d.col];

  it('refuses `..` out of the root, absolute paths outside it and links leading outside it', async () => {
    const outside = project({ 'base.yaml': base });
    const dir = project({ 'pipelines/abs.yaml': child(path.join(outside, 'base.yaml')), 'pipelines/zero.yaml': child('/dev/zero') });
    // `../../agglo-extends-…/base.yaml`: an existing file, reached with `..` out of the root.
    fs.writeFileSync(path.join(dir, 'pipelines/up.yaml'), child(path.relative(path.join(dir, 'pipelines'), path.join(outside, 'base.yaml'))));
    fs.symlinkSync(outside, path.join(dir, 'outside'));
    fs.symlinkSync(path.join(outside, 'base.yaml'), path.join(dir, 'pipelines/link.yaml'));
    fs.writeFileSync(path.join(dir, 'pipelines/via-link.yaml'), child('link.yaml'));
    fs.writeFileSync(path.join(dir, 'pipelines/via-folder-link.yaml'), child('../outside/base.yaml'));
    for (const f of ['up', 'abs', 'zero']) {
      const [d, ...rest] = (await loadPipeline(`pipelines/${f}.yaml`, dir)).diagnostics;
      expect(rest).toEqual([]);
      expect(codeAt(d)).toEqual(['outside-root', `pipelines/${f}.yaml`, 1, 10]);
      expect(d!.message).toMatch(/^`extends`: `.*` is outside the project root$/);
    }
    for (const f of ['via-link', 'via-folder-link']) {
      const [d] = (await loadPipeline(`pipelines/${f}.yaml`, dir)).diagnostics;
      expect(codeAt(d)).toEqual(['outside-root', `pipelines/${f}.yaml`, 1, 10]);
      expect(d!.message).toContain('leads through a symbolic link to a file outside the project root');
    }
  });

  it('follows links that stay inside the root, and a root reached through a link', async () => {
    const dir = project({ 'pipelines/base.yaml': base, 'data/p.csv': 'a\n1\n' });
    fs.symlinkSync('base.yaml', path.join(dir, 'pipelines/alias.yaml'));
    fs.writeFileSync(path.join(dir, 'pipelines/child.yaml'), child('alias.yaml'));
    expect((await loadPipeline('pipelines/child.yaml', dir)).diagnostics).toEqual([]);
    const linkedRoot = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-link-')), 'project');
    fs.symlinkSync(dir, linkedRoot);
    expect((await loadPipeline('pipelines/child.yaml', linkedRoot)).diagnostics).toEqual([]);
  });

  it('refuses folders, devices and FIFOs inside the root before reading them', async () => {
    const dir = project({ 'pipelines/folder.yaml/x': '', 'pipelines/a.yaml': child('folder.yaml'), 'pipelines/b.yaml': child('zero.yaml'), 'pipelines/c.yaml': child('fifo.yaml') });
    fs.symlinkSync('/dev/zero', path.join(dir, 'pipelines/zero.yaml'));
    const messages: Record<string, string> = { a: 'is a folder', b: 'is a device' };
    if (spawnSync('mkfifo', [path.join(dir, 'pipelines/fifo.yaml')]).status === 0) messages.c = 'is a named pipe (FIFO)';
    for (const [f, kind] of Object.entries(messages)) {
      // A device is outside the root only when the root is not `/`; test the read itself by
      // taking the device's own folder as the root.
      const root = f === 'b' ? '/' : dir;
      const file = path.relative(root, path.join(dir, `pipelines/${f}.yaml`));
      const [d, ...rest] = (await loadPipeline(file, root)).diagnostics;
      expect(rest).toEqual([]);
      expect(codeAt(d)).toEqual(['not-a-file', file, 1, 10]);
      expect(d!.message).toContain(kind);
    }
  });

  it('refuses a base over the size limit, naming the size, at the `extends:` value', async () => {
    const dir = project({ 'pipelines/child.yaml': child('big.yaml'), 'pipelines/big.yaml': `# ${'x'.repeat(MAX_PIPELINE_BYTES)}\nstages: {}\n` });
    const [d, ...rest] = (await loadPipeline('pipelines/child.yaml', dir)).diagnostics;
    expect(rest).toEqual([]);
    expect(codeAt(d)).toEqual(['file-too-large', 'pipelines/child.yaml', 1, 10]);
    expect(d!.message).toBe(`\`extends\`: file \`big.yaml\` is ${(MAX_PIPELINE_BYTES + 14).toLocaleString('en-US')} bytes, more than the limit of 10 MiB for a pipeline file`);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('an undefined alias in a base is reported in the base, not thrown', async () => {
    const dir = project({ 'pipelines/base.yaml': 'params:\n  x: *nope\nstages: {}\n', 'pipelines/child.yaml': child('base.yaml') });
    const l = await loadPipeline('pipelines/child.yaml', dir);
    expect(l.diagnostics.map(codeAt)).toEqual([['unknown-alias', 'pipelines/base.yaml', 2, 6]]);
  });
});
