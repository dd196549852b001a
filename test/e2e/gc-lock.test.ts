/**
 * gc cannot hurt a run (issue 9): a run registers itself before it loads the pipeline and
 * waits while a gc holds its lock; gc refuses while a run is registered; gc removes the temp
 * files that killed writers left in results/ (and only those, and never through a link that
 * leaves the project). The protocol itself is tested in test/engine/lock.test.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agglo, makeProject, repo } from './support.js';

const cli = path.join(repo, 'bin', 'agglo.js');
const dirs: string[] = [];
let sleeper: ChildProcess | undefined;
afterEach(() => {
  sleeper?.kill('SIGKILL');
  sleeper = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function project(): string {
  const dir = makeProject({
    'data/a.csv': 'k,v\nx,1\ny,2\n',
    'pipelines/paper.yaml': `stages:
  a: { step: read-csv, params: { path: data/a.csv } }
  w: { step: write-csv, inputs: { data: a }, params: { path: results/a.csv } }
`,
  });
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;

describe('gc cleans results/ of temp files left by killed writers', () => {
  it('removes a dead writer\'s temp file, keeps a live writer\'s and every other file', () => {
    const dir = project();
    expect(agglo(dir, 'run').code).toBe(0);
    const dead = path.join(dir, 'results', `a.csv.tmp-${deadPid()}-0badc0de`);
    const live = path.join(dir, 'results', `b.csv.tmp-${process.pid}-0badc0de`);
    const other = path.join(dir, 'results', 'notes.tmp-old');
    for (const f of [dead, live, other]) fs.writeFileSync(f, 'half');
    const r = agglo(dir, 'gc');
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(dead)).toBe(false);
    expect(fs.existsSync(live)).toBe(true);
    expect(fs.existsSync(other)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'results/a.csv'), 'utf8')).toBe('k,v\nx,1\ny,2\n');
  });

  it('--dry-run removes nothing', () => {
    const dir = project();
    expect(agglo(dir, 'run').code).toBe(0);
    const dead = path.join(dir, 'results', `a.csv.tmp-${deadPid()}-0badc0de`);
    fs.writeFileSync(dead, 'half');
    expect(agglo(dir, 'gc', '--dry-run').code).toBe(0);
    expect(fs.existsSync(dead)).toBe(true);
  });

  it('does not follow results/ when it is a link out of the project', () => {
    const dir = project();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-outside-'));
    dirs.push(outside);
    const victim = path.join(outside, `x.csv.tmp-${deadPid()}-0badc0de`);
    fs.writeFileSync(victim, 'keep me');
    fs.symlinkSync(outside, path.join(dir, 'results'));
    expect(agglo(dir, 'gc').code).toBe(0);
    expect(fs.existsSync(victim)).toBe(true);
  });
});

describe('a run and a gc never overlap', () => {
  it('a run started while gc holds its lock registers itself, waits, and runs once the gc ends', async () => {
    const dir = project();
    // A live process stands in for a gc that is still deleting.
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const gcLock = path.join(dir, 'cache', 'locks', `gc-${sleeper.pid}-1-aa.lock`);
    fs.mkdirSync(path.dirname(gcLock), { recursive: true });
    fs.writeFileSync(gcLock, String(sleeper.pid));

    const run = spawn(process.execPath, [cli, 'run'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    let stdout = '';
    run.stdout.on('data', (d) => (stdout += d));
    const waiting = new Promise<void>((resolve) => run.stderr.on('data', (d) => { stderr += d; if (/waiting for agglo gc/.test(stderr)) resolve(); }));
    const ended = new Promise<number>((resolve) => run.on('close', (code) => resolve(code ?? -1)));
    await waiting;
    expect(stderr).toContain(`waiting for agglo gc (pid ${sleeper.pid}) to finish`);
    expect(stdout).toBe(''); // nothing ran yet
    // The waiting run holds its lock, so a second gc refuses instead of deleting under it.
    const locks = fs.readdirSync(path.dirname(gcLock));
    expect(locks.filter((f) => f.startsWith('run-'))).toHaveLength(1);
    const gc = agglo(dir, 'gc');
    expect(gc.code).toBe(1);
    expect(gc.stderr).toMatch(/agglo run is in progress \(pid \d+\); run gc when it has finished/);

    fs.rmSync(gcLock); // the gc ends
    expect(await ended).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'results/a.csv'), 'utf8')).toBe('k,v\nx,1\ny,2\n');
    expect(fs.readdirSync(path.dirname(gcLock))).toEqual([]);
  });

  it('gc refuses while a run (here, status) holds its lock', () => {
    const dir = project();
    expect(agglo(dir, 'run').code).toBe(0);
    sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    fs.writeFileSync(path.join(dir, 'cache', 'locks', `run-${sleeper.pid}-1-aa.lock`), String(sleeper.pid));
    const before = fs.readdirSync(path.join(dir, 'cache', 'objects'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'pipelines/paper.yaml'), 'stages: {}\n'); // now nothing is referenced
    const r = agglo(dir, 'gc');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`agglo run is in progress (pid ${sleeper.pid})`);
    expect(fs.readdirSync(path.join(dir, 'cache', 'objects'), { recursive: true })).toEqual(before);
  });
});
