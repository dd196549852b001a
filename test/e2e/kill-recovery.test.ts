/**
 * kill -9 at seeded moments of a cold run (once, or twice: kill, restart, kill again), then a
 * run to completion: the results are byte-identical to an undisturbed run's, nothing is left
 * to run, every cache object hashes to its name, and gc removes any temp file a killed writer
 * left. A failing trial names its seed: `npx vitest run test/e2e/kill-recovery.test.ts -t "seed 7"`
 * replays the same delays (the moment a delay lands in the run still depends on the machine).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agglo, repo, runJson } from './support.js';
import { cacheProblems, mulberry32, snapshot, STACK_FRAME, tempFiles } from './seeded.js';
import { makeWorkProject, WORK_STAGES } from './work-project.js';

const cli = path.join(repo, 'bin', 'agglo.js');
const ROUNDS = 3e6;
const JOBS = ['--jobs', '2'];

interface Timed { killed: boolean; code: number | null; stderr: string; started: number; ended: number }

/**
 * `agglo run`, killed with SIGKILL `ms` after its first stage (`base`) is reported, that is
 * once it is writing to the cache (undefined: never killed). Times are from the spawn.
 */
function runKilledAfter(dir: string, ms: number | undefined): Promise<Timed> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const p = spawn(process.execPath, [cli, 'run', ...JOBS], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    let stderr = '';
    let started = NaN;
    p.stdout.on('data', (d) => {
      out += d;
      if (!Number.isNaN(started) || !/ base \(read-csv\)/.test(out)) return;
      started = performance.now() - t0;
      if (ms !== undefined) setTimeout(() => p.kill('SIGKILL'), ms);
    });
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code, signal) => resolve({ killed: signal === 'SIGKILL', code, stderr, started, ended: performance.now() - t0 }));
  });
}

/** Seed and number of kills per trial; two trials kill the restarted run too. */
const TRIALS = [
  { seed: 11, kills: 1 },
  { seed: 23, kills: 1 },
  { seed: 37, kills: 1 },
  { seed: 41, kills: 1 },
  { seed: 59, kills: 2 },
  { seed: 73, kills: 2 },
];

describe('kill -9 during a run', () => {
  let reference: Record<string, string>;
  /** ms from the first stage's report to the end of an undisturbed run: where kills land. */
  let window: number;
  let kills = 0;
  let landed = 0;
  const dirs: string[] = [];

  beforeAll(async () => {
    const dir = makeWorkProject(ROUNDS);
    dirs.push(dir);
    const r = await runKilledAfter(dir, undefined);
    expect(r.code, r.stderr).toBe(0);
    reference = snapshot(dir, 'results');
    // The pipeline writes what the trials compare: 8 item files, the table and the stats.
    expect(Object.keys(reference)).toHaveLength(10);
    // A second clean run times the window (the first pays for cold file caches) and shows
    // that two undisturbed runs agree byte for byte, which the trials rely on.
    const again = makeWorkProject(ROUNDS);
    dirs.push(again);
    const timed = await runKilledAfter(again, undefined);
    expect(timed.code, timed.stderr).toBe(0);
    expect(snapshot(again, 'results')).toEqual(reference);
    window = timed.ended - timed.started;
  });

  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it.each(TRIALS)('seed $seed: $kills kill(s), then a run recovers byte-identical results', async ({ seed, kills: n }) => {
    const rand = mulberry32(seed);
    const dir = makeWorkProject(ROUNDS);
    dirs.push(dir);
    for (let k = 0; k < n; k++) {
      // Anywhere in the work (tasks, results writes, state); a restarted run has less to do.
      // A run that beats its delay just finishes.
      const r = await runKilledAfter(dir, Math.round((window * rand()) / (k + 1)));
      kills++;
      if (r.killed) landed++;
      else expect(r.code, r.stderr).toBe(0);
    }

    const r = agglo(dir, 'run', ...JOBS);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(STACK_FRAME);
    // A writer killed between writing its temp file and renaming it leaves the temp file
    // (`name.tmp-PID-…`) beside the result: garbage that gc removes (checked below), never a
    // result. Every result itself is byte-identical already.
    const isTemp = (f: string) => /\.tmp-\d+-[0-9a-f]+$/.test(f);
    expect(Object.fromEntries(Object.entries(snapshot(dir, 'results')).filter(([f]) => !isTemp(f)))).toEqual(reference);
    expect(cacheProblems(dir)).toEqual([]);

    const gc = agglo(dir, 'gc');
    expect(gc.code, gc.stderr).toBe(0);
    expect(tempFiles(dir)).toEqual([]);
    // After gc too: nothing to run, and the results are still all there.
    const status = runJson(dir, 'status');
    expect(status.code).toBe(0);
    expect(WORK_STAGES.map((id) => `${id}: ${status.stages[id]?.status}`)).toEqual(WORK_STAGES.map((id) => `${id}: cached`));
    expect(snapshot(dir, 'results')).toEqual(reference);
  });

  // Runs after the trials: if most runs finished before their kill, the trials above tested
  // little (a much faster machine than the reference run suggested).
  it('most kills landed during a run', () => {
    expect(kills).toBe(8);
    expect(landed).toBeGreaterThanOrEqual(kills / 2);
  });
});
