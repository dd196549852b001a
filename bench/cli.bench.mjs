#!/usr/bin/env node
// How quick the command line is (issue 10, "a quick, quiet CLI"), in one run, each time as
// the wall clock of the whole command and as a ratio to `node -e 0` measured alongside:
//   - `node -e 0`                         Node's own start, the unit of the ratios
//   - `agglo --version`                   start-up of the CLI alone          (target < 300 ms)
//   - `agglo run pipelines/paper.yaml`    a no-op run of the paper          (target < 1 s)
//   - `npm start`, cold                   the whole study on an empty cache (no compile)
//   - `npm start`, cached                 the same again: nothing recomputed
//   - `npm start` after a source edit     compile (tsc), then the cached run
// Everything runs in a copy of this checkout under os.tmpdir() (dist/ copied with its times,
// node_modules linked), so the repository's cache/ and results/ are not touched.
// Prints one JSON line per measurement and one per target.
//   node bench/cli.bench.mjs [--repeat 5] [--no-npm] [--keep] [--cpu-prof DIR]
// --cpu-prof writes a V8 profile of one extra no-op run into DIR; summarise it with
// `node bench/profile-summary.mjs DIR/*.cpuprofile`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' }, 'no-npm': { type: 'boolean' }, keep: { type: 'boolean' }, 'cpu-prof': { type: 'string' } } });
const repeat = Math.max(1, Number(values.repeat));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!fs.existsSync(path.join(repo, 'dist', 'engine', 'cli.js'))) {
  console.error('bench/cli.bench.mjs: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

/** A copy of the checkout to run in: sources, data, pipelines, dist/ (times kept), node_modules linked. */
function copyCheckout() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-cli-bench-'));
  for (const e of ['bin', 'dist', 'engine', 'steps', 'scripts', 'data', 'pipelines', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    if (fs.existsSync(path.join(repo, e))) fs.cpSync(path.join(repo, e), path.join(dir, e), { recursive: true, preserveTimestamps: true });
  }
  fs.symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}

/** Wall-clock seconds of one command in `cwd`; fails the bench when it does not exit 0. */
function time(cwd, cmd, args, env = {}) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = copyCheckout();
const node = (args) => time(dir, process.execPath, args);
const agglo = (args) => node(['bin/agglo.js', ...args]);
const rows = [];
/** Records a measurement: its runs, their median, and the ratio to node -e 0 (known after the first). */
function record(what, runs, extra = {}) {
  const seconds = median(runs);
  const row = { bench: 'cli', what, seconds: Number(seconds.toFixed(3)), runs_seconds: runs.map((s) => Number(s.toFixed(3))), ...extra, load1: Number(os.loadavg()[0].toFixed(2)) };
  rows.push(row);
  return row;
}

try {
  // Interleaved, so that a change of the machine's load hits every command alike.
  const base = [];
  const version = [];
  const noop = [];
  let engineMs = [];
  let cold;
  if (!values['no-npm']) {
    // Cold: the first `npm start` of the copy (its dist/ is current, its cache empty).
    cold = time(dir, npm, ['start', '--silent']);
    if (!/This was a cold run/.test(cold.stdout)) throw new Error(`npm start was not a cold run:\n${cold.stdout}`);
  } else {
    agglo(['run', 'pipelines/paper.yaml']);
  }
  const cached = [];
  for (let i = 0; i < repeat; i++) {
    base.push(node(['-e', '0']).seconds);
    version.push(agglo(['--version']).seconds);
    const r = agglo(['run', 'pipelines/paper.yaml', '--json']);
    const report = JSON.parse(r.stdout);
    if (report.stages.some((s) => s.status !== 'cached')) throw new Error('the no-op run ran stages');
    noop.push(r.seconds);
    engineMs.push(report.ms);
    if (!values['no-npm']) {
      const c = time(dir, npm, ['start', '--silent']);
      if (!/This run was cached/.test(c.stdout)) throw new Error(`npm start was not cached:\n${c.stdout}`);
      cached.push(c.seconds);
    }
  }
  const unit = median(base);
  const ratio = (s) => Number((s / unit).toFixed(1));
  record('node -e 0', base, { ratio: 1 });
  const v = record('agglo --version', version);
  v.ratio = ratio(v.seconds);
  const n = record('agglo run pipelines/paper.yaml (no-op)', noop, { engine_seconds: Number((median(engineMs) / 1000).toFixed(3)) });
  n.ratio = ratio(n.seconds);
  if (cold) {
    const c = record('npm start, cold (empty cache, dist current)', [cold.seconds]);
    c.ratio = ratio(c.seconds);
    const w = record('npm start, cached', cached);
    w.ratio = ratio(w.seconds);
    // A source saved after the build: npm start compiles first (then the run is cached).
    const src = path.join(dir, 'engine', 'version.ts');
    const later = new Date(Date.now() + 1000);
    fs.utimesSync(src, later, later);
    const edited = time(dir, npm, ['start', '--silent']);
    if (!/This run was cached/.test(edited.stdout)) throw new Error(`npm start after a source edit was not cached:\n${edited.stdout}`);
    const e = record('npm start after a source edit (tsc, then cached)', [edited.seconds]);
    e.ratio = ratio(e.seconds);
  }
  if (values['cpu-prof']) node([`--cpu-prof`, `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`, 'bin/agglo.js', 'run', 'pipelines/paper.yaml']);
  for (const r of rows) console.log(JSON.stringify(r));
  console.log(JSON.stringify({ bench: 'cli', kind: 'target', target: 'agglo --version under 300 ms', value: `${(v.seconds * 1000).toFixed(0)} ms (${v.ratio}× node -e 0)`, met: v.seconds < 0.3 }));
  console.log(JSON.stringify({ bench: 'cli', kind: 'target', target: 'a no-op agglo run of the paper under 1 s', value: `${n.seconds.toFixed(2)} s (${n.ratio}× node -e 0; the engine's own time ${n.engine_seconds} s)`, met: n.seconds < 1 }));
} finally {
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
