#!/usr/bin/env node
// Engine-overhead benchmark: one aggregation over N trivial fan-out items, run with the
// compiled CLI (node bin/agglo.js, as a user runs it) in a fresh project under os.tmpdir().
// For each N: cold run, no-op rerun, one-item-changed rerun; then the same three phases
// with Snakemake on the equivalent workflow (bench/snakemake/) when it is installed.
//
//   node bench/engine.bench.mjs [--items 10000,100000] [--snakemake-timeout 300]
//                               [--no-snakemake] [--jobs 2] [--keep] [--cpu-prof DIR]
//                               [--repeat R]
//
// Phases: `cold` (empty cache), `noop` (the first rerun right after it, nothing changed),
// `noop-again` (a second no-op rerun: steady state, once the first rerun has memoised what
// it verified), `one-changed` (the last item value n-1 in items.csv becomes n: one new item
// runs, the rest are cached, the aggregation reruns). --cpu-prof writes a V8 CPU profile of
// every agglo run into DIR (open in Chrome DevTools, or summarise it yourself).
// agglo's four phases are repeated R times, each time in a fresh project (default: 3 up to
// 10,000 items, 1 above), and the median of each phase is reported as a line with
// "run": "median" (the one used for the targets). Snakemake runs once per size.
//
// Prints one JSON line per measurement on stdout ({"bench":"engine",...}); progress and
// the commands run go to stderr. Needs `npm run build` first (bin/agglo.js loads dist/).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { expectedTotal, writeSnakemakeProject } from './snakemake/generate.mjs';
import { round, snakemakeVersion, stageOf, timed as timedCommand } from './lib.mjs';

/** A command timed with its peak memory (GNU time), killed at once at the timeout. */
const timed = (cmd, args, cwd, timeoutS) => timedCommand(cmd, args, cwd, timeoutS, { rss: true });

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const cli = path.join(repo, 'bin', 'agglo.js');
const plugin = path.join(here, 'plugins', 'trivial.mjs');

const { values: opt } = parseArgs({
  options: {
    items: { type: 'string', default: '10000,100000' },
    'snakemake-timeout': { type: 'string', default: '300' },
    'no-snakemake': { type: 'boolean', default: false },
    jobs: { type: 'string', default: String(os.availableParallelism()) },
    keep: { type: 'boolean', default: false },
    repeat: { type: 'string' },
    'cpu-prof': { type: 'string' },
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
// Measurements carry the 1-minute load average when they end: this machine is shared.
const emit = (rec) => process.stdout.write(`${JSON.stringify({ bench: 'engine', ...rec, ...(rec.tool ? { load1: Math.round(os.loadavg()[0] * 10) / 10 } : {}) })}\n`);

/**
 * Runs a command in `cwd`, timing its wall clock (and its peak RSS through /usr/bin/time
 * when available). Kills its whole process group after `timeoutS` seconds.
 */

function writeItems(dir, values) {
  fs.writeFileSync(path.join(dir, 'items.csv'), `i\n${values.join('\n')}\n`);
}

/** Item values 0..n-1; "one item changed" replaces the last value n-1 by n. */
function itemValues(n, changed) {
  const v = Array.from({ length: n }, (_, i) => i);
  if (changed) v[n - 1] = n;
  return v;
}


async function benchAgglo(n, run) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `agglo-bench-${n}-`));
  fs.copyFileSync(plugin, path.join(dir, 'trivial.mjs'));
  fs.writeFileSync(path.join(dir, 'bench.yaml'), PIPELINE);
  writeItems(dir, itemValues(n, false));
  const args = [cli, 'run', 'bench.yaml', '--json', '--jobs', jobs];
  log(`agglo, ${n} items, run ${run}, in ${dir}: node bin/agglo.js ${args.slice(1).join(' ')}`);
  const phases = [
    { phase: 'cold', before: () => {}, want: { ran: n, total: 'ran' } },
    { phase: 'noop', before: () => {}, want: { ran: 0, total: 'cached' } },
    { phase: 'noop-again', before: () => {}, want: { ran: 0, total: 'cached' } },
    { phase: 'one-changed', before: () => writeItems(dir, itemValues(n, true)), want: { ran: 1, total: 'ran' } },
  ];
  const results = {};
  for (const p of phases) {
    p.before();
    const prof = opt['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(opt['cpu-prof'], `agglo-${n}-${p.phase}-${run}`)] : [];
    const r = await timed(process.execPath, [...prof, ...args], dir, 0);
    let report;
    try { report = JSON.parse(r.out); } catch { report = undefined; }
    const items = report && stageOf(report, 'items');
    const total = report && stageOf(report, 'total');
    const ok = r.code === 0 && items?.items.ran === p.want.ran && total?.status === p.want.total;
    const rec = {
      tool: 'agglo', items: n, phase: p.phase, run, ok, seconds: round(r.seconds),
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


async function benchSnakemake(n, version) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `snakemake-bench-${n}-`));
  writeItems(dir, itemValues(n, false));
  writeSnakemakeProject(dir);
  // Snakemake's fastest local settings for many tiny jobs (see docs/performance.md):
  // --force-use-threads: run: jobs execute in threads of the Snakemake process; without it
  //   Snakemake 7 starts a whole new snakemake process per run: job (~1.8 s each here).
  // --scheduler greedy: the default ILP scheduler re-solves an ILP over all ready jobs
  //   each round (about 1 job/s at 10,000 items here).
  const args = ['--cores', jobs, '--force-use-threads', '--scheduler', 'greedy', '--quiet'];
  log(`snakemake ${version}, ${n} items, in ${dir}: snakemake ${args.join(' ')} (timeout ${smTimeoutS} s per phase)`);
  const phases = [
    { phase: 'cold', before: () => {}, values: itemValues(n, false) },
    { phase: 'noop', before: () => {}, values: itemValues(n, false) },
    { phase: 'noop-again', before: () => {}, values: itemValues(n, false) },
    { phase: 'one-changed', before: () => writeItems(dir, itemValues(n, true)), values: itemValues(n, true) },
  ];
  const results = {};
  const check = (values) => {
    try { return fs.readFileSync(path.join(dir, 'total.txt'), 'utf8').trim() === expectedTotal(values); } catch { return false; }
  };
  const record = (phase, r, ok, extra = {}) => {
    const rec = {
      tool: 'snakemake', version, items: n, phase, ok, seconds: round(r.seconds),
      max_rss_mb: r.maxRssMb,
      ...(r.timedOut ? { timed_out: true, note: `timed out after ${smTimeoutS} s`, jobs_done: countItemFiles(dir) } : {}),
      ...(phase.startsWith('cold') && ok ? { ms_per_item: round((r.seconds * 1000) / n, 3) } : {}),
      command: `snakemake ${args.join(' ')}`,
      ...extra,
      ...(ok || r.timedOut ? {} : { error: (r.err || r.out).slice(-2000) }),
    };
    results[phase] = rec;
    emit(rec);
    log(`  ${phase}: ${r.timedOut ? `timed out after ${smTimeoutS} s (${rec.jobs_done} of ${n} item jobs done)` : `${rec.seconds} s`}${ok || r.timedOut ? '' : '  ** UNEXPECTED **'}`);
    return rec;
  };
  for (const p of phases) {
    p.before();
    const r = await timed('snakemake', args, dir, smTimeoutS);
    const ok = !r.timedOut && r.code === 0 && check(p.values);
    record(p.phase, r, ok);
    if (ok) continue;
    if (p.phase !== 'cold' || !r.timedOut) break;
    // The plain cold run timed out: start again from nothing with Snakemake's own remedy
    // for large DAGs, --batch (1,000 items of the aggregation's input per batch; the last
    // batch also runs the aggregation), so that the reruns can still be measured.
    for (const f of ['.snakemake', 'items', 'total.txt']) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    const batches = Math.ceil(n / 1000);
    const t = { seconds: 0, timedOut: false, code: 0, maxRssMb: 0, err: '', out: '' };
    for (let b = 1; b <= batches && !t.timedOut && t.code === 0; b++) {
      const rb = await timed('snakemake', [...args, '--batch', `total=${b}/${batches}`], dir, Math.max(1, smTimeoutS - t.seconds));
      t.seconds += rb.seconds;
      t.timedOut = rb.timedOut;
      t.code = rb.code;
      t.maxRssMb = Math.max(t.maxRssMb, rb.maxRssMb ?? 0);
      t.err = rb.err;
      t.out = rb.out;
    }
    const okb = !t.timedOut && t.code === 0 && check(p.values);
    record('cold-batched', t, okb, { batches, command: `snakemake ${args.join(' ')} --batch total=B/${batches} for B = 1..${batches}` });
    if (!okb) break;
  }
  if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
  return results;
}

function countItemFiles(dir) {
  try { return fs.readdirSync(path.join(dir, 'items')).filter((f) => f.endsWith('.txt')).length; } catch { return 0; }
}


/**
 * Checks the issue's targets against what was measured; one JSON line per target. The
 * no-op targets are checked on the first rerun after the cold run (what a user meets) and,
 * separately, on the second (steady state).
 */
function checkTargets(n, a, s) {
  const noopLimit = n <= 10000 ? 1 : 5;
  const targets = [];
  for (const phase of ['noop', 'noop-again']) {
    const r = a[phase];
    const label = phase === 'noop' ? 'first no-op rerun' : 'second no-op rerun';
    if (!r?.ok) continue;
    targets.push({ target: `${label} < ${noopLimit} s at ${n} items`, value: `${r.seconds} s`, met: r.seconds < noopLimit });
    const sm = s?.[phase];
    const vs = `${label} ≥ 5× faster than Snakemake's at ${n} items`;
    if (sm?.timed_out) targets.push({ target: vs, value: `Snakemake timed out after ${smTimeoutS} s; agglo ${r.seconds} s`, met: r.seconds * 5 <= smTimeoutS });
    else if (sm?.ok) targets.push({ target: vs, value: `${round(sm.seconds / r.seconds, 1)}× (agglo ${r.seconds} s, Snakemake ${sm.seconds} s)`, met: sm.seconds / r.seconds >= 5 });
    else if (s) targets.push({ target: vs, value: 'not measured: an earlier Snakemake phase timed out or failed', met: null });
  }
  if (a.cold?.ok) targets.push({ target: `dispatch overhead < 1 ms per item at ${n} items (cold wall / items)`, value: `${a.cold.ms_per_item} ms`, met: a.cold.ms_per_item < 1 });
  for (const t of targets) emit({ kind: 'target', items: n, ...t });
}

const version = opt['no-snakemake'] ? undefined : snakemakeVersion();
emit({
  kind: 'machine', node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model,
  mem_gb: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`, snakemake: version ?? null, jobs: Number(jobs),
});
if (!opt['no-snakemake'] && !version) log('snakemake is not installed: skipping it (apt-get install -y snakemake)');
/** Per phase, the run with the median wall time, re-emitted as run "median" with every run's seconds. */
function medians(runs) {
  const out = {};
  for (const phase of ['cold', 'noop', 'noop-again', 'one-changed']) {
    const recs = runs.map((r) => r[phase]).filter((r) => r?.ok);
    if (recs.length === 0 || recs.length < runs.length) { out[phase] = runs.find((r) => r[phase])?.[phase]; continue; }
    const sorted = [...recs].sort((x, y) => x.seconds - y.seconds);
    const med = { ...sorted[Math.floor((sorted.length - 1) / 2)], run: 'median', runs_seconds: recs.map((r) => r.seconds) };
    out[phase] = med;
    emit(med);
  }
  return out;
}

for (const n of sizes) {
  const reps = Number(opt.repeat ?? (n <= 10000 ? 3 : 1));
  const runs = [];
  for (let k = 1; k <= reps; k++) runs.push(await benchAgglo(n, k));
  const a = medians(runs);
  const s = version ? await benchSnakemake(n, version) : undefined;
  checkTargets(n, a, s);
}
