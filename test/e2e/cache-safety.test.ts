/**
 * Ways a result could be served stale or wrong, each found by an adversarial review and
 * fixed; every test fails on the engine before its fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, edit, makeProject, runJson, writeFile } from './support.js';

const plugin = `
import fs from 'node:fs';
import path from 'node:path';
const obj = { type: 'object' };
export const tag = { name: 'tag', version: '1', description: 'label-i; fails while a file fail-<i> exists',
  params: { type: 'object', properties: { label: { type: 'string' } }, required: ['label'] }, inputs: {}, outputs: { table: 't' },
  run(ctx) {
    if (fs.existsSync(path.join(ctx.root, 'fail-' + ctx.item.i))) throw new Error('asked to fail');
    return { table: { kind: 'table', columns: [{ name: 'tag', values: [ctx.params.label + '-' + ctx.item.i] }] } };
  } };
export const readDefault = { name: 'read-default', version: '1', description: 'length of a file named by a defaulted param',
  params: { type: 'object', properties: { path: { type: 'string', format: 'file-path', default: 'data/lookup.csv' } } }, inputs: {}, outputs: { v: 'v' },
  run(ctx) { return { v: { n: fs.readFileSync(ctx.resolvePath(ctx.params.path), 'utf8').length } }; } };
export const echo = { name: 'echo', version: '1', description: 'type of x', params: { type: 'object', properties: { x: {} } }, inputs: {}, outputs: { v: 'v' },
  run(ctx) { return { v: { t: typeof ctx.params.x } }; } };
export const addcol = { name: 'addcol', version: '1', description: 'mutates its input (a plugin bug)', params: obj, inputs: { data: { description: 'd' } }, outputs: { table: 't' },
  run(ctx) { ctx.inputs.data.columns.push({ name: 'extra', values: ctx.inputs.data.columns[0].values.map(() => 1) }); return { table: ctx.inputs.data }; } };
export const bigint = { name: 'bigint', version: '1', description: 'returns what JSON cannot hold', params: obj, inputs: {}, outputs: { v: 'v' },
  run() { return { v: { o: 10n } }; } };
`;

const project = (yaml: string, files: Record<string, string> = {}) => makeProject({ 'plugins/p.mjs': plugin, 'pipelines/paper.yaml': `plugins: [plugins/p.mjs]\n${yaml}`, ...files });

describe('cache safety', () => {
  it('a run stopped by a failure does not leave a stage key that later serves old items', () => {
    const dir = project('stages:\n  s: { step: tag, foreach: { i: [1, 2, 3, 4] }, params: { label: old } }\n');
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', 'label: old', 'label: new');
    writeFile(dir, 'fail-2', '');
    const failed = runJson(dir, 'run', '--jobs', '1');
    expect(failed.code).toBe(1);
    expect(failed.stages.s!.items).toMatchObject({ ran: 1, failed: 1 }); // items 3 and 4 skipped
    fs.rmSync(path.join(dir, 'fail-2'));
    const r = runJson(dir, 'run');
    expect(r.stages.s!.items).toEqual({ total: 4, ran: 3, cached: 1, failed: 0 });
    expect(r.stages.s!.reason).toBe('param `label` changed (3 items)'); // not "never run"
    const rows = JSON.parse(agglo(dir, 'show', 's', '--json').stdout) as { tag: string }[];
    expect(rows.map((x) => x.tag).sort()).toEqual(['new-1', 'new-2', 'new-3', 'new-4']);
  });

  it('a file named by a param default is part of the stage key', () => {
    const dir = project('stages:\n  d: { step: read-default }\n', { 'data/lookup.csv': 'a,b\n1,2\n' });
    runJson(dir, 'run');
    fs.appendFileSync(path.join(dir, 'data/lookup.csv'), '3,4\n');
    const r = runJson(dir, 'run');
    expect(r.stages.d!.status).toBe('ran');
    expect(JSON.parse(agglo(dir, 'show', 'd', '--json').stdout)).toEqual({ n: 12 });
  });

  it('items 1 and "1" are different items (they fill ${item.x} params with different types)', () => {
    const dir = project('stages:\n  e: { step: echo, foreach: { v: [1, 2] }, params: { x: "${item.v}" } }\n');
    runJson(dir, 'run');
    edit(dir, 'pipelines/paper.yaml', '[1, 2]', '["1", "2"]');
    const r = runJson(dir, 'run');
    expect(r.stages.e!.items.ran).toBe(2);
    expect(JSON.parse(agglo(dir, 'show', 'e', '--item', 'v=1', '--json').stdout)).toEqual({ t: 'string' });
  });

  it('a step cannot change what another stage receives from the same upstream', () => {
    const dir = project('stages:\n  a: { step: read-csv, params: { path: data/a.csv } }\n  m: { step: addcol, inputs: { data: a } }\n  w: { step: write-csv, inputs: { data: a }, params: { path: results/a.csv } }\n', { 'data/a.csv': 'k,v\nx,1\n' });
    const r = runJson(dir, 'run', '--jobs', '1', '--keep-going');
    expect(r.stages.m!.status).toBe('failed'); // the mutation throws on the frozen input
    expect(r.stages.w!.status).toBe('ran');
    expect(fs.readFileSync(path.join(dir, 'results/a.csv'), 'utf8')).toBe('k,v\nx,1\n');
  });

  it('a result that cannot be stored fails its stage with a message, not a crash', () => {
    const dir = project('stages:\n  b: { step: bigint }\n');
    const r = agglo(dir, 'run');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be stored: .*BigInt/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a folder where a CSV file is expected is a diagnostic (exit 2), not a crash', () => {
    const dir = project('stages:\n  t: { step: tag, foreach: { i: { file: data/d.csv, column: i } }, params: { label: x } }\n');
    fs.mkdirSync(path.join(dir, 'data/d.csv'), { recursive: true });
    const r = agglo(dir, 'run');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing-file/);
    expect(r.stderr).not.toMatch(/EISDIR|\n\s+at /);
  });

  it("a plugin's fingerprint covers the local modules it imports", () => {
    const dir = makeProject({
      'plugins/helper.mjs': 'export const FACTOR = 10;\n',
      'plugins/q.mjs': "import { FACTOR } from './helper.mjs';\nexport const s = { name: 'scale', version: '1', description: 'x', params: { type: 'object' }, inputs: {}, outputs: { v: 'v' }, run: () => ({ v: { f: FACTOR } }) };\n",
      'pipelines/paper.yaml': 'plugins: [plugins/q.mjs]\nstages:\n  s: { step: scale }\n',
    });
    runJson(dir, 'run');
    writeFile(dir, 'plugins/helper.mjs', 'export const FACTOR = 100;\n');
    const r = runJson(dir, 'run');
    expect(r.stages.s!.reason).toBe('plugin source changed');
    expect(JSON.parse(agglo(dir, 'show', 's', '--json').stdout)).toEqual({ f: 100 });
  });

  it('two stages writing the same results file are reported', () => {
    const dir = project('stages:\n  a: { step: read-csv, params: { path: data/a.csv } }\n  w1: { step: write-csv, inputs: { data: a }, params: { path: results/out.csv } }\n  w2: { step: write-csv, inputs: { data: a }, params: { path: results/out.csv } }\n', { 'data/a.csv': 'k\n1\n' });
    const r = runJson(dir, 'run', '--jobs', '1');
    expect(r.stderr).toMatch(/results\/out.csv is written by both `w1` and `w2`/);
  });
});
