/** The checks applied to everything read back from cache/ (engine/cache-meta.ts, results-target.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPipelineState, checkRunRecord, isHash, quotePath, resultsPathProblem } from '../../engine/cache-meta.js';
import { resultsTarget } from '../../engine/results-target.js';

const H = 'a'.repeat(64);

describe('resultsPathProblem', () => {
  it('accepts normalised paths under results/', () => {
    for (const p of ['results/a.csv', 'results/examples/x/t.md', 'results/.hidden']) expect(resultsPathProblem(p)).toBeUndefined();
  });

  it('rejects everything else, saying why', () => {
    expect(resultsPathProblem('../outside.txt')).toBe('contains `..`');
    expect(resultsPathProblem('results/../../x')).toBe('contains `..`');
    expect(resultsPathProblem('/tmp/x')).toBe('is absolute');
    expect(resultsPathProblem('C:/x')).toBe('is absolute');
    expect(resultsPathProblem('results\\..\\x')).toBe('contains a backslash');
    expect(resultsPathProblem('results/a\0.csv')).toBe('contains a NUL byte');
    expect(resultsPathProblem('data/a.csv')).toBe('is not a file under results/');
    expect(resultsPathProblem('results/')).toBe('is not a file under results/');
    expect(resultsPathProblem('results//a.csv')).toBe('is not normalised');
    expect(resultsPathProblem('results/./a.csv')).toBe('is not normalised');
    expect(resultsPathProblem(5)).toBe('is not a string');
  });
});

describe('checkPipelineState', () => {
  const item = { fp: H, outputs: { table: H }, written: { 'results/a.csv': H } };
  const stage = { step: 's', stepVersion: '1', stepSource: 'agglo@0', params: {}, items: { '': item } };

  it('keeps a sound state as it is', () => {
    const r = checkPipelineState({ version: 1, file: 'p.yaml', stages: { a: stage } });
    expect(r.ok && r.value.problems).toEqual([]);
    expect(r.ok && r.value.state.stages.a!.items['']).toEqual(item);
  });

  it('fails on what is not a state, and leaves out damaged stages and items', () => {
    for (const bad of [null, [], 42, 'x', {}, { version: 1, file: 'p.yaml' }, { version: 1, file: 'p.yaml', stages: [] }]) {
      expect(checkPipelineState(bad).ok).toBe(false);
    }
    const r = checkPipelineState({
      version: 1, file: 'p.yaml',
      stages: { a: stage, b: 'b', c: { ...stage, items: { '': { ...item, written: { '../x': H } }, 'k=1': item } } },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.keys(r.value.state.stages)).toEqual(['a', 'c']);
    expect(Object.keys(r.value.state.stages.c!.items)).toEqual(['k=1']);
    expect(r.value.problems).toEqual([
      { stage: 'b', problem: 'stage `b` holds a string, not a stage state' },
      { stage: 'c', item: '', problem: 'stage `c`: `written` path `../x` contains `..`' },
    ]);
  });

  it('leaves out an item whose `files` names no path; one outside the project is confined where it is used', () => {
    for (const [f, why] of [['', 'is empty'], ['a\u0000b', 'contains a NUL byte']]) {
      const r = checkPipelineState({ version: 1, file: 'p.yaml', stages: { a: { ...stage, items: { '': { ...item, files: { [f!]: H } } } } } });
      expect(r.ok && r.value.problems.map((p) => p.problem)).toEqual([`stage \`a\`: \`files\` path ${quotePath(f)} ${why}`]);
    }
    // A folder the project allows (agglo.config.yaml allow_read) is named by an absolute or `..` path.
    const ok = checkPipelineState({ version: 1, file: 'p.yaml', stages: { a: { ...stage, items: { '': { ...item, files: { 'data/a.csv': H, './x..y': H, '/srv/data/x.csv': H, '../shared/y.csv': H } } } } } });
    expect(ok.ok && ok.value.problems).toEqual([]);
  });

  it('a stage named __proto__ is a stage, not a prototype', () => {
    const r = checkPipelineState(JSON.parse(`{"version":1,"file":"p.yaml","stages":{"__proto__":${JSON.stringify(stage)}}}`));
    expect(r.ok && Object.hasOwn(r.value.state.stages, '__proto__')).toBe(true);
  });
});

describe('checkRunRecord', () => {
  const rec = { fingerprint: H, stage: 's', step: 's', stepVersion: '1', outputs: { t: H }, files: {}, notes: [], ms: 1, createdAt: 'x' };
  it('accepts a record filed under its fingerprint and rejects hashes that are not sha256', () => {
    expect(checkRunRecord(rec, H).ok).toBe(true);
    expect(checkRunRecord(rec, 'b'.repeat(64)).ok).toBe(false);
    expect(checkRunRecord({ ...rec, outputs: { t: '../../x' } }, H).ok).toBe(false);
    expect(checkRunRecord({ ...rec, files: { '/etc/x': H } }, H).ok).toBe(false);
    expect(isHash(H.toUpperCase())).toBe(false);
  });
});

describe('resultsTarget', () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-target-'));

  it('allows a new path, and a results folder that links inside the project', () => {
    const root = tmp();
    expect(resultsTarget(root, 'results/a/b.csv')).toEqual({ ok: true, value: path.join(root, 'results/a/b.csv') });
    fs.mkdirSync(path.join(root, 'out'));
    fs.symlinkSync(path.join(root, 'out'), path.join(root, 'results'));
    expect(resultsTarget(root, 'results/a.csv').ok).toBe(true);
  });

  it('refuses a folder on the way that links out of the project, or a dangling link', () => {
    const root = tmp();
    const outside = tmp();
    fs.mkdirSync(path.join(root, 'results'));
    fs.symlinkSync(outside, path.join(root, 'results', 'sub'));
    const r = resultsTarget(root, 'results/sub/a.csv');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/^`results\/sub` is a symbolic link to a folder outside the project/);
    fs.symlinkSync(path.join(root, 'nowhere'), path.join(root, 'results', 'gone'));
    expect(resultsTarget(root, 'results/gone/a.csv').ok).toBe(false);
  });

  it('refuses a link below results/ that leads elsewhere in the project, allows one that stays in results/', () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'results', 'real'), { recursive: true });
    fs.mkdirSync(path.join(root, 'data'));
    fs.symlinkSync('../data', path.join(root, 'results', 'lnk'));
    const r = resultsTarget(root, 'results/lnk/x.csv');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem).toMatch(/^`results\/lnk` is a symbolic link to a folder outside results\//);
    // also when results/ is itself a link inside the project
    const root2 = tmp();
    fs.mkdirSync(path.join(root2, 'out', 'real'), { recursive: true });
    fs.mkdirSync(path.join(root2, 'data'));
    fs.symlinkSync('out', path.join(root2, 'results'));
    fs.symlinkSync('../data', path.join(root2, 'out', 'lnk'));
    fs.symlinkSync('real', path.join(root2, 'out', 'ok'));
    expect(resultsTarget(root2, 'results/lnk/x.csv').ok).toBe(false);
    expect(resultsTarget(root2, 'results/ok/x.csv').ok).toBe(true);
    fs.symlinkSync('real', path.join(root, 'results', 'ok'));
    expect(resultsTarget(root, 'results/ok/x.csv').ok).toBe(true);
    // results/ linked to the project folder itself would make results/data/x.csv data/x.csv
    const root3 = tmp();
    fs.symlinkSync('.', path.join(root3, 'results'));
    expect(resultsTarget(root3, 'results/data/x.csv').ok).toBe(false);
  });

  it('refuses a folder where the file belongs', () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'results', 'a.csv'), { recursive: true });
    expect(resultsTarget(root, 'results/a.csv')).toEqual({ ok: false, problem: '`results/a.csv` is a folder' });
  });
});
