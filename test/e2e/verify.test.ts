/**
 * `agglo verify` and `--verify-inputs`: damage that keeps a file's size and mtime, which the
 * size/mtime memos (engine/store.ts for objects, engine/file-hash.ts for project files)
 * cannot see by design.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, makeProject, runJson } from './support.js';

/** A whole-second mtime, exact on every file system, to put back after an edit. */
const FIXED = new Date('2020-01-01T00:00:00Z');

const PIPELINE = `stages:
  a: { step: read-csv, params: { path: data/a.csv } }
  w: { step: write-csv, inputs: { data: a }, params: { path: results/a.csv } }
`;
const DATA = 'k,v\nx,1\ny,2\n';

/** A project run once, then run again after every file of interest got the mtime FIXED, so the memos hold FIXED. */
function ranProject(): string {
  const dir = makeProject({ 'pipelines/paper.yaml': PIPELINE, 'data/a.csv': DATA });
  expect(agglo(dir, 'run').code).toBe(0);
  const objects = path.join(dir, 'cache', 'objects');
  for (const f of fs.readdirSync(objects, { recursive: true }) as string[]) fs.utimesSync(path.join(objects, f), FIXED, FIXED);
  for (const f of ['data/a.csv', 'results/a.csv']) fs.utimesSync(path.join(dir, f), FIXED, FIXED);
  expect(agglo(dir, 'run').code).toBe(0); // a no-op that re-verifies and re-stamps them
  return dir;
}

/** Replaces text in a file keeping its size and putting its mtime back to FIXED. */
function rot(abs: string, from: string, to: string): void {
  const text = fs.readFileSync(abs, 'latin1');
  expect(to.length).toBe(from.length);
  expect(text.includes(from)).toBe(true);
  fs.writeFileSync(abs, text.replace(from, to), 'latin1');
  fs.utimesSync(abs, FIXED, FIXED);
}

function stageOutput(dir: string, stage: string): string {
  const stateDir = path.join(dir, 'cache', 'state');
  const name = fs.readdirSync(stateDir).find((f) => f.startsWith('pipeline-'))!;
  const state = JSON.parse(fs.readFileSync(path.join(stateDir, name), 'utf8'));
  return Object.values(state.stages[stage].items[''].outputs)[0] as string;
}

const objectFile = (dir: string, h: string) => path.join(dir, 'cache', 'objects', h.slice(0, 2), h);

describe('agglo verify', () => {
  it('finds and removes an object whose bytes rotted with size and mtime kept; the next run recomputes it', () => {
    const dir = ranProject();
    const h = stageOutput(dir, 'a');
    rot(objectFile(dir, h), '"v"', '"V"');
    // The documented limit of the memo: the damage is trusted until verified.
    expect(Object.values(runJson(dir, 'status').stages).map((s) => s.status)).toEqual(['cached', 'cached']);

    const dry = agglo(dir, 'verify', '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.stdout).toContain(`corrupt object ${h.slice(0, 12)}: it does not match its hash (its content changed); not removed (--dry-run)`);
    expect(fs.existsSync(objectFile(dir, h))).toBe(true);

    const r = agglo(dir, 'verify');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^verified 3 objects \(0\.0 MB\), 2 run records, 1 pipeline state, 1 results file: 1 corrupt object removed \(the stages that used it will recompute on the next run\)$/m);
    expect(fs.existsSync(objectFile(dir, h))).toBe(false);
    const clean = agglo(dir, 'verify', '--json');
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, objects: 2, records: 2, states: 1, resultsFiles: 1, findings: [] });

    const rerun = runJson(dir, 'run');
    expect([rerun.stages.a!.status, rerun.stages.w!.status]).toEqual(['ran', 'cached']);
    const again = fs.readFileSync(objectFile(dir, h));
    expect(createHash('sha256').update(again).digest('hex')).toBe(h);
    expect(JSON.parse(again.toString('utf8')).columns[1].name).toBe('v');
    expect(fs.readFileSync(path.join(dir, 'results/a.csv'), 'utf8')).toBe(DATA);
  });

  it('reports a results file edited with size and mtime kept (the next run restores it) and a damaged state (kept)', () => {
    const dir = ranProject();
    const file = path.join(dir, 'results/a.csv');
    rot(file, 'y,2', 'y,9');
    const r = agglo(dir, 'verify');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('results/a.csv differs from its cached copy; the next `agglo run pipelines/paper.yaml` rewrites it\n');
    expect(r.stdout).toMatch(/: 1 results file missing or not as cached \(the next run restores it\)\n$/);
    const run = agglo(dir, 'run');
    expect(run.stdout + run.stderr).toContain('restored results/a.csv from the cache');
    expect(fs.readFileSync(file, 'utf8')).toBe(DATA);

    const stateDir = path.join(dir, 'cache', 'state');
    const name = fs.readdirSync(stateDir).find((f) => f.startsWith('pipeline-'))!;
    fs.writeFileSync(path.join(stateDir, name), '{"version":1');
    const damaged = agglo(dir, 'verify');
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain(`damaged pipeline state cache/state/${name}: it is not JSON; kept, the next run of its pipeline rewrites it`);
    expect(damaged.stdout).toMatch(/^verified 3 objects .*: 1 damaged pipeline state kept/m);

    // A run lock of a live process (this one): verify must not remove what a run may use.
    fs.writeFileSync(path.join(dir, 'cache', 'locks', `run-${process.pid}-0-test.lock`), String(process.pid));
    const busy = agglo(dir, 'verify');
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`agglo run is in progress (pid ${process.pid})`);
    expect(fs.readFileSync(path.join(stateDir, name), 'utf8')).toBe('{"version":1');
  });

  it('usage errors exit 2', () => {
    const dir = makeProject({});
    expect(agglo(dir, 'verify', 'pipelines/paper.yaml')).toMatchObject({ code: 2, stderr: expect.stringContaining('takes no arguments') });
    expect(agglo(dir, 'gc', '--verify-inputs')).toMatchObject({ code: 2, stderr: expect.stringContaining('--verify-inputs applies to run and status') });
  });
});

describe('--verify-inputs', () => {
  it('notices an input edited with size and mtime kept, which plain status does not', () => {
    const dir = ranProject();
    rot(path.join(dir, 'data/a.csv'), 'y,2', 'y,3');
    // The documented limit: size and mtime are as memoised, so the file is taken as unchanged.
    expect(runJson(dir, 'status').stages.a!.status).toBe('cached');
    const s = runJson(dir, 'status', '--verify-inputs');
    expect(s.stages.a).toMatchObject({ status: 'would-run', reason: 'file `data/a.csv` changed' });
    expect(s.stages.w!.status).toBe('would-run');
    const r = runJson(dir, 'run', '--verify-inputs');
    expect(r.stages.a!.status).toBe('ran');
    expect(fs.readFileSync(path.join(dir, 'results/a.csv'), 'utf8')).toBe('k,v\nx,1\ny,3\n');
    // The memo was refreshed: a plain status now agrees.
    expect(runJson(dir, 'status').stages.a!.status).toBe('cached');
  });
});
