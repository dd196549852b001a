/**
 * The SLURM executor (issue 12) against a real cluster: the single-node cluster of
 * scripts/slurm-cluster.sh, which .ci/run starts. Where SLURM is not installed the tests are
 * skipped with a message, unless AGGLO_REQUIRE_SLURM=1 (CI sets it): then they fail.
 *
 * Each test makes its own project; the comparisons are with the same project run locally.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agglo, makeProject, repo } from './support.js';

const hasSlurm = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 }).status === 0;
if (!hasSlurm && process.env.AGGLO_REQUIRE_SLURM === '1') throw new Error('AGGLO_REQUIRE_SLURM=1 but no SLURM cluster answers `sinfo`: start one with scripts/slurm-cluster.sh start (as root)');
if (!hasSlurm) console.warn('test/e2e/slurm.test.ts: skipped, no SLURM cluster answers `sinfo` (scripts/slurm-cluster.sh start; CI sets AGGLO_REQUIRE_SLURM=1)');

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

/** A step that sleeps `ms`, then returns its item and the item squared. */
const SLOW = `export default {
  name: 'slow', version: '1', description: 'Sleeps, then returns its item.',
  params: { type: 'object', properties: { ms: { type: 'number' }, k: { type: 'number' } }, required: ['ms', 'k'], additionalProperties: false },
  inputs: {}, outputs: { value: 'the item' },
  run(ctx) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ctx.params.ms);
    return { value: { k: ctx.params.k, square: ctx.params.k * ctx.params.k } };
  },
};
`;
const items = (n: number) => `k\n${Array.from({ length: n }, (_, i) => i + 1).join('\n')}\n`;
/** A fan-out of `n` slow items gathered into one table written to results/. */
const pipeline = (ms: number) => `plugins: [plugins/slow.mjs]
stages:
  items: { step: read-csv, params: { path: data/items.csv } }
  s:
    step: slow
    foreach: { k: { file: data/items.csv, column: k } }
    params: { ms: ${ms}, k: "\${item.k}" }
  sq:
    step: derive
    foreach: { k: { file: data/items.csv, column: k } }
    inputs: { data: items }
    params: { columns: { v: "k * \${item.k}", w: "sqrt(k) / \${item.k}" } }
  all: { step: bind-rows, inputs: { tables: sq } }
  out: { step: write-csv, inputs: { data: all }, params: { path: results/all.csv } }
`;
const config = (extra = '') => `executor:\n  slurm:\n    partition: debug\n    max_jobs: 2\n    batch: 4\n    monitor_ms: 300\n    poll_ms: 10\n${extra}`;

function project(n: number, ms: number, extra = ''): string {
  const dir = makeProject({ 'plugins/slow.mjs': SLOW, 'data/items.csv': items(n), 'pipelines/p.yaml': pipeline(ms), 'agglo.config.yaml': config(extra) });
  dirs.push(dir);
  return dir;
}

/** Every file under results/, path → bytes (base64). */
function resultsOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else out[r] = fs.readFileSync(path.join(dir, r)).toString('base64');
    }
  };
  if (fs.existsSync(path.join(dir, 'results'))) walk('results');
  return out;
}

/** Every run record of the cache without its timings: fingerprint → stage, item, outputs, files, notes. */
function recordsOf(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const runs = path.join(dir, 'cache', 'runs');
  for (const shard of fs.existsSync(runs) ? fs.readdirSync(runs) : []) {
    for (const f of fs.readdirSync(path.join(runs, shard))) {
      const { ms: _ms, createdAt: _c, ...rec } = JSON.parse(fs.readFileSync(path.join(runs, shard, f), 'utf8')) as Record<string, unknown>;
      out[f] = rec;
    }
  }
  return out;
}

/** The agglo worker jobs SLURM still knows (queued, running or completing). */
const ourJobs = (ids: readonly string[]) => {
  if (ids.length === 0) return [];
  const r = spawnSync('squeue', ['-h', '-o', '%i', '-j', ids.join(',')], { encoding: 'utf8' });
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
};
const jobsIn = (dir: string) => fs.readdirSync(path.join(dir, 'cache', 'cluster'), { withFileTypes: true }).filter((e) => e.isDirectory())
  .flatMap((e) => (fs.existsSync(path.join(dir, 'cache', 'cluster', e.name, 'jobs')) ? fs.readFileSync(path.join(dir, 'cache', 'cluster', e.name, 'jobs'), 'utf8').split('\n').filter(Boolean) : []));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** `agglo run` in the background, its pid known (for signals). */
function background(dir: string, ...args: string[]) {
  const p = spawn(process.execPath, [path.join(repo, 'bin', 'agglo.js'), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => p.on('close', (code, signal) => resolve({ code, signal })));
  return { p, done, out: () => stdout, err: () => stderr };
}

/** Tasks of stage `s` whose results are in the cache (one run record each). */
const finishedTasks = (dir: string) => Object.values(recordsOf(dir)).filter((r) => (r as { stage: string }).stage === 's').length;

describe.skipIf(!hasSlurm)('agglo run --executor slurm on a real cluster', () => {
  it('gives the local run\'s results/, cache entries and run report, the job ids added', async () => {
    const local = project(12, 0, '    remote: all\n');
    const remote = project(12, 0, '    remote: all\n');
    const a = agglo(local, 'run', 'pipelines/p.yaml', '--json');
    const b = agglo(remote, 'run', 'pipelines/p.yaml', '--executor', 'slurm', '--json');
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(resultsOf(remote)).toEqual(resultsOf(local));
    expect(Object.keys(resultsOf(remote))).toEqual(['results/all.csv']);
    expect(recordsOf(remote)).toEqual(recordsOf(local));
    const strip = (r: string) => (JSON.parse(r) as { stages: Record<string, unknown>[] }).stages.map(({ ms: _m, jobs: _j, ...s }) => s);
    expect(strip(b.stdout)).toEqual(strip(a.stdout));
    const jobs = (JSON.parse(b.stdout) as { stages: { id: string; jobs?: string[] }[] }).stages;
    // remote: all: every stage's tasks ran in worker jobs, whose ids the report names.
    for (const s of jobs) expect(s.jobs?.every((j) => /^\d+$/.test(j)), s.id).toBe(true);
    // The spool is gone, and no worker job is left (scancel'd jobs leave the queue within seconds).
    expect(fs.readdirSync(path.join(remote, 'cache', 'cluster'))).toEqual([]);
    const ids = jobs.flatMap((s) => s.jobs ?? []);
    await until(() => ourJobs(ids).length === 0, 30_000, `jobs ${ids.join(', ')} to leave the queue`);
  }, 120_000);

  it('the paper pipeline through SLURM writes results/ byte for byte as the local run', () => {
    const copy = () => {
      const dir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'agglo-slurm-paper-'));
      dirs.push(dir);
      for (const sub of ['data', 'pipelines']) fs.cpSync(path.join(repo, sub), path.join(dir, sub), { recursive: true });
      fs.writeFileSync(path.join(dir, 'agglo.config.yaml'), 'executor:\n  slurm:\n    partition: debug\n    max_jobs: 2\n    batch: 100\n');
      return dir;
    };
    const local = copy();
    const remote = copy();
    const a = agglo(local, 'run', 'pipelines/paper.yaml');
    expect(a.code, a.stderr).toBe(0);
    const b = agglo(remote, 'run', 'pipelines/paper.yaml', '--executor', 'slurm', '--json');
    expect(b.code, b.stderr).toBe(0);
    const ras = (JSON.parse(b.stdout) as { stages: { id: string; items: { ran: number }; jobs?: string[] }[] }).stages.find((s) => s.id === 'ras')!;
    expect(ras.items.ran).toBe(390);
    expect(ras.jobs!.length).toBeGreaterThan(0);
    // report.html says when it was built and how long each stage took: not comparable byte
    // for byte between any two runs; every other file is.
    const files = resultsOf(local);
    delete files['results/report.html'];
    expect(Object.keys(files).length).toBeGreaterThanOrEqual(10);
    const got = resultsOf(remote);
    expect(Object.keys(got)).toContain('results/report.html');
    delete got['results/report.html'];
    expect(got).toEqual(files);
  }, 400_000);

  it('a worker job scancelled mid-run has its tasks run again, and the run completes as the local one', async () => {
    const local = project(16, 0);
    expect(agglo(local, 'run', 'pipelines/p.yaml').code).toBe(0);
    const dir = project(16, 700);
    fs.writeFileSync(path.join(dir, 'pipelines/p.yaml'), pipeline(700));
    const run = background(dir, 'run', 'pipelines/p.yaml', '--executor', 'slurm');
    // Wait until a worker job holds a batch, then cancel that job.
    let victim = '';
    await until(() => {
      const spools = fs.existsSync(path.join(dir, 'cache/cluster')) ? fs.readdirSync(path.join(dir, 'cache/cluster')) : [];
      for (const s of spools) {
        const held = fs.existsSync(path.join(dir, 'cache/cluster', s, 'running')) ? fs.readdirSync(path.join(dir, 'cache/cluster', s, 'running')).filter((f) => /@\d+$/.test(f)) : [];
        if (held.length) victim = held[0]!.split('@')[1]!;
      }
      return victim !== '';
    }, 60_000, 'a worker job to take a batch');
    expect(spawnSync('scancel', [victim]).status).toBe(0);
    const { code } = await run.done;
    expect(code, run.err()).toBe(0);
    // Warnings go with the progress lines (stdout) when it is not a terminal.
    expect(run.out() + run.err()).toMatch(new RegExp(`warning: SLURM job ${victim} ended \\(CANCELLED[^)]*\\)?\\)? while running \\d+ tasks? \\(\`s\`\\); they run again \\(retry 1 of 2\\)`));
    // The slow stage's values do not depend on the sleep, so the results equal a local run's.
    expect(resultsOf(dir)).toEqual(resultsOf(local));
  }, 180_000);

  it('Ctrl-C cancels the submitted jobs (squeue has none of them afterwards)', async () => {
    const dir = project(12, 1500);
    const run = background(dir, 'run', 'pipelines/p.yaml', '--executor', 'slurm');
    await until(() => fs.existsSync(path.join(dir, 'cache/cluster')) && jobsIn(dir).length > 0 && /running/.test(run.out()), 60_000, 'worker jobs to run');
    const jobs = jobsIn(dir);
    run.p.kill('SIGINT');
    const { code } = await run.done;
    expect(code).toBe(130);
    expect(run.err()).toContain('interrupted (SIGINT): cancelling the SLURM jobs of this run');
    // scancel is asynchronous: the jobs leave the queue within seconds.
    await until(() => ourJobs(jobs).length === 0, 30_000, `jobs ${jobs.join(', ')} to leave the queue`);
  }, 120_000);

  it('a coordinator killed with -9: the rerun recomputes none of the tasks that finished, and cancels the orphaned jobs', async () => {
    const dir = project(12, 800);
    const run = background(dir, 'run', 'pipelines/p.yaml', '--executor', 'slurm');
    await until(() => finishedTasks(dir) >= 3, 90_000, 'three tasks to finish');
    const jobs = jobsIn(dir);
    run.p.kill('SIGKILL');
    await run.done;
    const finished = finishedTasks(dir);
    const again = agglo(dir, 'run', 'pipelines/p.yaml', '--executor', 'slurm', '--json');
    expect(again.code, again.stderr).toBe(0);
    const s = (JSON.parse(again.stdout) as { stages: { id: string; items: { total: number; ran: number; cached: number } }[] }).stages.find((x) => x.id === 's')!;
    expect(s.items.total).toBe(12);
    expect(s.items.cached).toBeGreaterThanOrEqual(finished);
    expect(s.items.ran).toBe(12 - s.items.cached);
    await until(() => ourJobs(jobs).length === 0, 30_000, `the orphaned jobs ${jobs.join(', ')} to be cancelled`);
  }, 180_000);

  it('a sweep with --executor slurm collects what the same sweep collects locally', () => {
    const sweep = 'sweep: p.yaml\ndimensions:\n  speed:\n    fast: {}\n    slow: { stages: { s: { params: { ms: 5 } } } }\ncollect:\n  - { stage: all, output: table }\n';
    const local = project(6, 0);
    const remote = project(6, 0);
    for (const d of [local, remote]) fs.writeFileSync(path.join(d, 'pipelines/s.yaml'), sweep);
    const a = agglo(local, 'sweep', 'pipelines/s.yaml');
    const b = agglo(remote, 'sweep', 'pipelines/s.yaml', '--executor', 'slurm', '--json');
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(fs.readFileSync(path.join(remote, 'results/s/all.table.csv'), 'utf8')).toBe(fs.readFileSync(path.join(local, 'results/s/all.table.csv'), 'utf8'));
    // The fan-out stages ran in worker jobs.
    const stages = (JSON.parse(b.stdout) as { variants: { stages: { id: string; status: string; jobs?: string[] }[] }[] }).variants.flatMap((v) => v.stages);
    const sq = stages.filter((st) => st.id === 'sq' && st.status === 'ran');
    expect(sq.length).toBe(1); // shared by the two variants: computed once
    expect(sq[0]!.jobs!.length).toBeGreaterThan(0);
  }, 120_000);

  it('a bad partition and a missing sbatch: one clear message, exit 1, nothing lost', () => {
    const dir = project(6, 0);
    fs.writeFileSync(path.join(dir, 'agglo.config.yaml'), 'executor:\n  slurm:\n    partition: nope\n');
    const bad = agglo(dir, 'run', 'pipelines/p.yaml', '--executor', 'slurm');
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toContain('error: stage `s` items k=1, k=2, k=3 and 3 more: sbatch refused the worker job: sbatch: error: invalid partition specified: nope');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    // What ran before stays cached: the local run only does the rest.
    const local = agglo(dir, 'run', 'pipelines/p.yaml', '--json');
    expect(local.code, local.stderr).toBe(0);
    const stages = (JSON.parse(local.stdout) as { stages: { id: string; status: string }[] }).stages;
    expect(stages.find((x) => x.id === 'items')!.status).toBe('cached');

    const fresh = project(6, 0);
    const emptyBin = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'agglo-nobin-'));
    dirs.push(emptyBin);
    const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'agglo.js'), 'run', 'pipelines/p.yaml', '--executor', 'slurm'], { cwd: fresh, encoding: 'utf8', env: { ...process.env, PATH: emptyBin, NO_COLOR: '1' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error: stage `s` items k=1, k=2, k=3 and 3 more: `sbatch` was not found: the SLURM executor needs SLURM\'s commands (sbatch, squeue, scancel, scontrol) on the PATH of the machine running agglo');
    // One error line per failed stage, not one per item.
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length).toBeLessThanOrEqual(2);
  }, 120_000);
});
