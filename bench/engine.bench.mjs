#!/usr/bin/env node
// Engine-overhead benchmark: one aggregation over N trivial fan-out items, run with the
// compiled CLI (node bin/agglo.js, as a user runs it) in a fresh project under os.tmpdir().
// For each N: cold run, no-op rerun, one-item-changed rerun; then the same three phases
// with Snakemake on the equivalent workflow (bench/snakemake/) when it is installed.
//
//   node bench/engine.bench.mjs [--items 10000,100000] [--snakemake-timeout 600]
//                               [--no-snakemake] [--jobs 2] [--keep]
//
// Prints one JSON line per measurement on stdout ({"bench":"engine",...}); progress and
// the commands run go to stderr. Needs `npm run build` first (bin/agglo.js loads dist/).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { expectedTotal, writeSnakemakeProject } from './snakemake/generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const cli = path.join(repo, 'bin', 'agglo.js');
const plugin = path.join(here, 'plugins', 'trivial.mjs');

const { values: opt } = parseArgs({
  options: {
    items: { type: 'string', default: '10000,100000' },
    'snakemake-timeout': { type: 'string', default: '600' },
    'no-snakemake': { type: 'boolean', default: false },
    jobs: { type: 'string', default: String(os.availableParallelism()) },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = opt.items.split(',').map((s) => Number(s.trim()));
const smTimeoutS = Number(opt['snakemake-timeout']);
const jobs = opt.jobs;

const PIPELINE = `# agglo engine benchmark: N trivial items, one aggregation.
plugins: [trivial.mjs]
stages:
  items:
    step: bench-item
    foreach:
      i: {file: items.csv, column: i}
    params:
      i: \${item.i}
  total:
    step: bench-sum
    inputs:
      parts: items
`;

const log = (m) => process.stderr.write(`${m}\n`);
const emit = (rec) => process.stdout.write(`${JSON.stringify({ bench: 'engine', ...rec })}\n`);
const hasTime = fs.existsSync('/usr/bin/time');

/**
 * Runs a command in `cwd`, timing its wall clock (and its peak RSS through /usr/bin/time
 * when available). Kills its whole process group after `timeoutS` seconds.
 */
function timed(cmd, args, cwd, timeoutS) {
  const full = hasTime ? ['/usr/bin/time', ['-f', 'BENCH_MAXRSS_KB=%M', cmd, ...args]] : [cmd, args];
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(full[0], full[1], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    let timedOut = false;
    const timer = timeoutS > 0 ? setTimeout(() => { timedOut = true; try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ } }, timeoutS * 1000) : undefined;
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const m = /BENCH_MAXRSS_KB=(\d+)/.exec(err);
      resolve({ code, seconds, timedOut, out, err, maxRssMb: m ? Math.round(Number(m[1]) / 1024) : undefined });
    });
  });
}

function writeItems(dir, values) {
  fs.writeFileSync(path.join(dir, 'items.csv'), `i\n${values.join('\n')}\n`);
}

/** Item values 0..n-1; "one item changed" replaces the last value n-1 by n. */
function itemValues(n, changed) {
  const v = Array.from({ length: n }, (_, i) => i);
  if (changed) v[n - 1] = n;
  return v;
}

function stageOf(report, id) {
  return report.stages.find((s) => s.id === id);
}

async function benchAgglo(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `agglo-bench-${n}-`));
  fs.copyFileSync(plugin, path.join(dir, 'trivial.mjs'));
  fs.writeFileSync(path.join(dir, 'bench.yaml'), PIPELINE);
  writeItems(dir, itemValues(n, false));
  const args = [cli, 'run', 'bench.yaml', '--json', '--jobs', jobs];
  log(`agglo, ${n} items, in ${dir}: node bin/agglo.js ${args.slice(1).join(' ')}`);
  const phases = [
    { phase: 'cold', before: () => {}, want: { ran: n, total: 'ran' } },
    { phase: 'noop', before: () => {}, want: { ran: 0, total: 'cached' } },
    { phase: 'one-changed', before: () => writeItems(dir, itemValues(n, true)), want: { ran: 1, total: 'ran' } },
  ];
  const results = {};
  for (const p of phases) {
    p.before();
    const r = await timed(process.execPath, args, dir, 0);
    let report;
    try { report = JSON.parse(r.out); } catch { report = undefined; }
    const items = report && stageOf(report, 'items');
    const total = report && stageOf(report, 'total');
    const ok = r.code === 0 && items?.items.ran === p.want.ran && total?.status === p.want.total;
    const rec = {
      tool: 'agglo', items: n, phase: p.phase, ok, seconds: round(r.seconds),
      engine_seconds: report ? round(report.ms / 1000) : undefined,
      items_ran: items?.items.ran, items_cached: items?.items.cached, aggregation: total?.status,
      max_rss_mb: r.maxRssMb,
      ...(p.phase === 'cold' ? { ms_per_item: round((r.seconds * 1000) / n, 3) } : {}),
      command: `node bin/agglo.js ${args.slice(1).join(' ')}`,
      ...(ok ? {} : { error: (r.err || r.out).slice(-2000) }),
    };
    results[p.phase] = rec;
    emit(rec);
    log(`  ${p.phase}: ${rec.seconds} s wall (engine ${rec.engine_seconds} s), ran ${rec.items_ran}, cached ${rec.items_cached}, aggregation ${rec.aggregation}${ok ? '' : '  ** UNEXPECTED **'}`);
    if (!ok) break;
  }
  if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
  return results;
}

function snakemakeVersion() {
  const r = spawnSync('snakemake', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function benchSnakemake(n, version) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `snakemake-bench-${n}-`));
  writeItems(dir, itemValues(n, false));
  writeSnakemakeProject(dir);
  const args = ['--cores', jobs, '--quiet'];
  log(`snakemake ${version}, ${n} items, in ${dir}: snakemake ${args.join(' ')} (timeout ${smTimeoutS} s per phase)`);
  const phases = [
    { phase: 'cold', before: () => {}, values: itemValues(n, false) },
    { phase: 'noop', before: () => {}, values: itemValues(n, false) },
    { phase: 'one-changed', before: () => writeItems(dir, itemValues(n, true)), values: itemValues(n, true) },
  ];
  const results = {};
  for (const p of phases) {
    p.before();
    const r = await timed('snakemake', args, dir, smTimeoutS);
    let got;
    try { got = fs.readFileSync(path.join(dir, 'total.txt'), 'utf8').trim(); } catch { got = undefined; }
    const ok = !r.timedOut && r.code === 0 && got === expectedTotal(p.values);
    const rec = {
      tool: 'snakemake', version, items: n, phase: p.phase, ok, seconds: round(r.seconds),
      max_rss_mb: r.maxRssMb,
      ...(r.timedOut ? { timed_out: true, note: `timed out after ${smTimeoutS} s` } : {}),
      ...(p.phase === 'cold' && !r.timedOut ? { ms_per_item: round((r.seconds * 1000) / n, 3) } : {}),
      command: `snakemake ${args.join(' ')}`,
      ...(ok || r.timedOut ? {} : { error: (r.err || r.out).slice(-2000) }),
    };
    results[p.phase] = rec;
    emit(rec);
    log(`  ${p.phase}: ${r.timedOut ? `timed out after ${smTimeoutS} s` : `${rec.seconds} s`}${ok || r.timedOut ? '' : '  ** UNEXPECTED **'}`);
    if (!ok) break;
  }
  if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
  return results;
}

function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Checks the issue's targets against what was measured; one JSON line per target. */
function checkTargets(n, a, s) {
  const noopLimit = n <= 10000 ? 1 : 5;
  const targets = [];
  if (a.noop?.ok) targets.push({ target: `no-op rerun < ${noopLimit} s at ${n} items`, value: `${a.noop.seconds} s`, met: a.noop.seconds < noopLimit });
  if (a.cold?.ok) targets.push({ target: `dispatch overhead < 1 ms per item at ${n} items (cold wall / items)`, value: `${a.cold.ms_per_item} ms`, met: a.cold.ms_per_item < 1 });
  if (a.noop?.ok && s?.noop) {
    if (s.noop.timed_out) targets.push({ target: `no-op ≥ 5× faster than Snakemake's at ${n} items`, value: `Snakemake no-op timed out after ${smTimeoutS} s`, met: a.noop.seconds * 5 <= smTimeoutS });
    else if (s.noop.ok) targets.push({ target: `no-op ≥ 5× faster than Snakemake's at ${n} items`, value: `${round(s.noop.seconds / a.noop.seconds, 1)}× (${a.noop.seconds} s vs ${s.noop.seconds} s)`, met: s.noop.seconds / a.noop.seconds >= 5 });
  } else if (a.noop?.ok && s?.cold?.timed_out) {
    targets.push({ target: `no-op ≥ 5× faster than Snakemake's at ${n} items`, value: `not measured: Snakemake's cold run timed out after ${smTimeoutS} s`, met: null });
  }
  for (const t of targets) emit({ kind: 'target', items: n, ...t });
}

const version = opt['no-snakemake'] ? undefined : snakemakeVersion();
emit({
  kind: 'machine', node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model,
  mem_gb: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, snakemake: version ?? null, jobs: Number(jobs),
});
if (!opt['no-snakemake'] && !version) log('snakemake is not installed: skipping it (apt-get install -y snakemake)');
for (const n of sizes) {
  const a = await benchAgglo(n);
  const s = version ? await benchSnakemake(n, version) : undefined;
  checkTargets(n, a, s);
}
