/**
 * Per-task time and memory limits (issue 9, engine/limits.ts), through the compiled CLI so
 * that tasks really run in worker threads: a step past its time is stopped, a step past its
 * memory dies with its worker, each fails with its own reason; under --keep-going the rest
 * runs, nothing cached is lost, and the next run recomputes only the failed stages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agglo, makeProject, runJson } from './support.js';

const plugin = `
const def = (name, run) => ({ name, version: '1', description: name, params: { type: 'object' },
  inputs: { data: { description: 'any table' } }, outputs: { table: 'the input' }, run });
export const spin = def('spin', () => { for (;;) {} });
export const hog = def('hog', () => { const kept = []; for (;;) kept.push(Array.from({ length: 1e5 }, (_, i) => ({ i }))); });
export const pass = def('pass', (ctx) => ({ table: ctx.inputs.data }));
`;

const pipeline = (top: string, spin: string) => `plugins: [plugins/bad.mjs]
${top}
stages:
  a: { step: read-csv, params: { path: data/a.csv } }
  spin: { step: spin, inputs: { data: a }, limits: ${spin} }
  hog: { step: hog, inputs: { data: a }, limits: { memory: 64 MiB } }
  ok: { step: pass, inputs: { data: a }, limits: { time: 1m, memory: 256 MiB } }
  w: { step: write-csv, inputs: { data: ok }, params: { path: results/a.csv } }
`;

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function project(top = '', spin = '{ time: 1s }'): string {
  const dir = makeProject({ 'plugins/bad.mjs': plugin, 'data/a.csv': 'k,v\nx,1\ny,2\n', 'pipelines/paper.yaml': pipeline(top, spin) });
  dirs.push(dir);
  return dir;
}

describe('per-task limits', () => {
  it('stops a task past its time and one past its memory with clear reasons; --keep-going runs the rest', () => {
    const dir = project();
    const r = agglo(dir, 'run', '--keep-going');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ failed {2}spin \(spin\) .* — the step ran longer than its time limit of 1 s and was stopped; raise `limits.time` for this stage if it needs longer/);
    expect(r.stdout).toMatch(/✗ failed {2}hog \(hog\) .* — the step needed more memory than its limit of 64 MiB; raise `limits.memory`/);
    expect(r.stdout + r.stderr).not.toMatch(/crashed|\n\s+at /);
    expect(fs.readFileSync(path.join(dir, 'results/a.csv'), 'utf8')).toBe('k,v\nx,1\ny,2\n');

    // The next run recomputes only the two failed stages; what ran stays cached.
    const again = runJson(dir, 'run', '--keep-going');
    expect(again.code).toBe(1);
    expect(Object.fromEntries(Object.entries(again.stages).map(([id, s]) => [id, s.status]))).toEqual({ a: 'cached', ok: 'cached', w: 'cached', spin: 'failed', hog: 'failed' });
  });

  it('without --keep-going the run stops at the first failure and exits 1', () => {
    const dir = project();
    const r = agglo(dir, 'run', '--jobs', '1');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/limit of (1 s|64 MiB)/);
  });

  it('a pipeline-wide limit applies to every stage that runs in a worker; a stage\'s own limit wins', () => {
    // spin sets `limits: {}`: it runs in a worker under the pipeline's 2 s.
    const dir = project('limits: { time: 2s }', '{}');
    const r = runJson(dir, 'run', '--keep-going');
    expect(r.code).toBe(1);
    expect(r.stages.spin!.status).toBe('failed');
    expect(r.stages.spin!.reason).toContain('its time limit of 2 s');
    expect(r.stages.ok!.status).toBe('ran'); // its own 1 min
  });

  it('limits are not part of a result: changing them does not recompute a cached stage', () => {
    const dir = project();
    expect(agglo(dir, 'run', '--keep-going').code).toBe(1);
    const file = path.join(dir, 'pipelines/paper.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('{ time: 1m, memory: 256 MiB }', '{ time: 2h }'));
    const r = runJson(dir, 'status');
    expect(r.stages.ok!.status).toBe('cached');
  });
});
