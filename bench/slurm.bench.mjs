#!/usr/bin/env node
// SLURM executor benchmark: what sending fan-out tasks to worker jobs through the spool
// (agglo run --executor slurm, engine/cluster/) costs against a local run, and against
// Snakemake submitting one SLURM job per item, side by side in one run on the cluster.
//
//   node bench/slurm.bench.mjs [--items 1000,10000] [--snakemake-max 1000]
//                              [--snakemake-timeout 300] [--agglo-timeout 300]
//                              [--batch 500] [--paper-batch 100]
//                              [--max-jobs 2] [--partition debug] [--jobs CORES]
//                              [--no-paper] [--no-snakemake] [--keep]
//
// 1. Fan-out of N trivial items (bench/plugins/trivial.mjs: item i -> one-row table {i²},
//    then one aggregation), items 0..N-1 in items.csv, each run cold (a fresh project under
//    os.tmpdir(), empty cache), wall clock of the whole command:
//    (a) `node bin/agglo.js run bench.yaml --json --executor local --jobs CORES`
//    (b) `node bin/agglo.js run bench.yaml --json --executor slurm`, agglo.config.yaml with
//        executor.slurm {partition, max_jobs, batch} (reported in each record)
//    (c) Snakemake (its generic cluster mode; `--slurm` needs SLURM accounting, which this
//        cluster lacks: see the shared notes) on the same items.csv with the twin Snakefile of
//        bench/snakemake/generate.mjs plus `localrules: all, total` (the aggregation runs in
//        the Snakemake process, each item is one sbatch job):
//          snakemake --cluster 'sbatch -p debug -o /dev/null -J NAME' --jobs 20
//                    --latency-wait 5 --scheduler greedy --quiet
//        (--scheduler greedy: Snakemake's cheaper scheduler, its best case with many jobs;
//        -J: a job name unique to this run, so that only our jobs are ever cancelled).
//        Only for N <= --snakemake-max: one job per item costs seconds each here, so
//        10,000 items would take hours. A Snakemake run is stopped after
//        --snakemake-timeout seconds: its record then says so, with the item jobs done, and
//        the speed-up target is judged on the lower bound timeout / agglo seconds.
//    Checks: every item ran and the aggregation ran (agglo), total.txt is right (Snakemake),
//    the SLURM run used worker jobs, and the local and SLURM runs stored the same result
//    hashes for both stages (cache/state/*.json).
//    Derived: per-item overhead of the SLURM executor = (slurm s − local s) / N, in ms.
// 2. The paper's 390 province-year GRAS fan-out: data/ and pipelines/ of the repository
//    copied into two fresh folders; `node bin/agglo.js run pipelines/paper.yaml ras --json`
//    in one with --executor local --jobs CORES, in the other with --executor slurm
//    (batch --paper-batch), both cold. Checks: both ok, the same items counts for every
//    stage, and the same ras results: in cache/state/pipeline-*.json, stage ras maps each
//    item (province, year) to its task fingerprint and its output object hashes; both
//    copies must hold the same map (390 items), and every output object it names must be
//    present in both copies' cache/objects/ with the same bytes. (Comparing all objects of
//    the two caches would also compare the other stages' objects and miss a wrong mapping of
//    item to result; the state map is what `ras` hands on.)
//
// An agglo run is stopped (SIGTERM: it cancels its worker jobs) after --agglo-timeout
// seconds and fails its check: a hung run must not hold the bench or the cluster.
//
// The cluster is shared: before each measurement the bench waits (up to 3 minutes) until
// no foreign job (one whose working folder is not one of ours) is in squeue, and samples
// squeue every second during it. A measurement during which a foreign job was queued or
// running is marked "disturbed": true and run once more (both records are printed; the
// rerun is the one used). Our own jobs left in squeue after a run are cancelled and fail
// the check "no worker jobs left". Temp folders are removed unless --keep.
//
// Prints one JSON line per measurement on stdout ({"bench":"slurm",...}), then one
// {"kind":"target",...} line per target; progress goes to stderr. Exit code 1 when a check
// failed. Needs `npm run build` first (bin/agglo.js loads dist/) and SLURM's commands.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { expectedTotal, SNAKEFILE } from './snakemake/generate.mjs';
import { round, snakemakeVersion, stageOf, timed as timedCommand } from './lib.mjs';

/** A command timed; at the timeout SIGTERM (an agglo run then cancels its worker jobs), SIGKILL 5 s later. */
const timed = (cmd, args, cwd, timeoutS = 0) => timedCommand(cmd, args, cwd, timeoutS, { graceS: 5 });

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const cli = path.join(repo, 'bin', 'agglo.js');
const plugin = path.join(here, 'plugins', 'trivial.mjs');

const { values: opt } = parseArgs({
  options: {
    items: { type: 'string', default: '1000,10000' },
    'snakemake-max': { type: 'string', default: '1000' },
    'snakemake-timeout': { type: 'string', default: '300' },
    'agglo-timeout': { type: 'string', default: '300' },
    batch: { type: 'string', default: '500' },
    'paper-batch': { type: 'string', default: '100' },
    'max-jobs': { type: 'string', default: '2' },
    partition: { type: 'string', default: 'debug' },
    jobs: { type: 'string', default: String(os.availableParallelism()) },
    'no-paper': { type: 'boolean', default: false },
    'no-snakemake': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
  },
});
const sizes = opt.items.split(',').map((s) => Number(s.trim())).filter((n) => n > 0);
const smMax = Number(opt['snakemake-max']);
const smTimeoutS = Number(opt['snakemake-timeout']);
const aggloTimeoutS = Number(opt['agglo-timeout']);
const batch = Number(opt.batch);
const paperBatch = Number(opt['paper-batch']);
const maxJobs = Number(opt['max-jobs']);
const partition = opt.partition;
const jobs = opt.jobs;

if (!fs.existsSync(path.join(repo, 'dist', 'engine', 'cli.js'))) {
  console.error('bench/slurm.bench.mjs: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const PIPELINE = `# agglo SLURM benchmark: N trivial items, one aggregation.
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
const emit = (rec) => process.stdout.write(`${JSON.stringify({ bench: 'slurm', ...rec, ...(rec.tool ? { load1: Math.round(os.loadavg()[0] * 10) / 10 } : {}) })}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failed = false;
/** Our temp folders (real paths): a job whose working folder is under one of them is ours. */
const ours = [];
const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;


function tempDir(prefix) {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  ours.push(dir);
  return dir;
}

function removeDir(dir) {
  if (!opt.keep) fs.rmSync(dir, { recursive: true, force: true });
}

function slurmConfig(b) {
  return `executor:\n  slurm:\n    partition: ${partition}\n    max_jobs: ${maxJobs}\n    batch: ${b}\n`;
}

// ---- squeue: ours and foreign jobs -------------------------------------------------------

/** Jobs in the queue: id, name, state, working folder. */
function queue() {
  const r = spawnSync('squeue', ['-h', '-o', '%i|%j|%T|%Z'], { encoding: 'utf8' });
  if (r.status !== 0) return [];
  return r.stdout.split('\n').filter(Boolean).map((l) => {
    const [id, name, state, dir] = l.split('|');
    return { id, name, state, dir };
  });
}

const isOurs = (j) => j.name.startsWith(`agglo-bench-sm-${tag}`) || ours.some((d) => j.dir === d || j.dir.startsWith(`${d}${path.sep}`));

/** Waits until no foreign job is queued (at most `maxS` seconds); returns the foreign jobs still there. */
async function waitForQuiet(maxS = 180) {
  const t0 = Date.now();
  let foreign = queue().filter((j) => !isOurs(j));
  if (foreign.length) log(`  waiting for ${foreign.length} foreign job(s) to leave squeue: ${foreign.map((j) => `${j.id} ${j.name} ${j.state}`).join(', ')}`);
  while (foreign.length && Date.now() - t0 < maxS * 1000) {
    await sleep(2000);
    foreign = queue().filter((j) => !isOurs(j));
  }
  return foreign;
}

/** Samples squeue every second until stopped; collects foreign jobs and the most of ours pending. */
function watchQueue() {
  const foreign = new Map();
  let oursMax = 0;
  let oursPendingMax = 0;
  const look = () => {
    const q = queue();
    for (const j of q) if (!isOurs(j)) foreign.set(j.id, `${j.id} ${j.name} ${j.state}`);
    const mine = q.filter(isOurs);
    oursMax = Math.max(oursMax, mine.length);
    oursPendingMax = Math.max(oursPendingMax, mine.filter((j) => j.state === 'PENDING').length);
  };
  look();
  const timer = setInterval(look, 1000);
  return () => {
    clearInterval(timer);
    look();
    return { foreign: [...foreign.values()], oursMax, oursPendingMax };
  };
}

/** Our jobs still in squeue (after a short grace for COMPLETING ones); cancels them by id. */
async function leftoverJobs() {
  for (let k = 0; k < 10; k++) {
    if (queue().filter(isOurs).length === 0) return [];
    await sleep(1000);
  }
  const left = queue().filter(isOurs);
  if (left.length) spawnSync('scancel', left.map((j) => j.id));
  return left.map((j) => `${j.id} ${j.name} ${j.state}`);
}

// ---- running commands --------------------------------------------------------------------

/** Runs a command in `cwd` as its own process group, timing its wall clock; killed after `timeoutS` (0: never). */

/**
 * One measurement, guarded against the other users of the cluster: waits for a quiet queue,
 * runs `measure()` while watching squeue, and runs it once more when a foreign job was in
 * the queue meanwhile. Returns the record used (the rerun's, if any).
 */
async function guarded(label, measure) {
  let rec;
  for (let attempt = 1; attempt <= 2; attempt++) {
    const before = await waitForQuiet();
    const stop = watchQueue();
    rec = await measure();
    const seen = stop();
    const left = await leftoverJobs();
    const foreign = [...new Set([...before.map((j) => `${j.id} ${j.name} ${j.state}`), ...seen.foreign])];
    rec = {
      ...rec,
      attempt,
      our_jobs_max: seen.oursMax,
      our_jobs_pending_max: seen.oursPendingMax,
      ...(foreign.length ? { disturbed: true, foreign_jobs: foreign } : { disturbed: false }),
      ...(left.length ? { leftover_jobs: left } : {}),
    };
    if (left.length) {
      rec.ok = false;
      rec.error = `${rec.error ? `${rec.error}; ` : ''}our jobs were still in squeue after the run (cancelled): ${left.join(', ')}`;
    }
    if (!rec.ok) failed = true;
    emit(rec);
    const how = !rec.timed_out ? `${rec.seconds} s` : rec.tool === 'agglo' ? `stopped after ${aggloTimeoutS} s: did not finish` : `timed out after ${smTimeoutS} s (${rec.jobs_done} item jobs done)`;
    log(`  ${label}: ${how}${rec.ok ? '' : '  ** CHECK FAILED **'}${foreign.length ? `  (disturbed by foreign jobs: ${foreign.join('; ')})` : ''}`);
    if (!foreign.length) break;
    if (attempt === 1) log(`  ${label}: rerunning it, the first measurement was disturbed`);
  }
  return rec;
}

// ---- agglo -------------------------------------------------------------------------------

function readState(dir) {
  const d = path.join(dir, 'cache', 'state');
  const f = fs.readdirSync(d).find((n) => n.startsWith('pipeline-') && n.endsWith('.json'));
  return JSON.parse(fs.readFileSync(path.join(d, f), 'utf8'));
}

/** Stage `id`'s items as stored in the cache state: item key -> {fp, outputs}, sorted by key. */
function stageResults(dir, id) {
  const st = readState(dir).stages[id];
  if (!st) return undefined;
  return Object.fromEntries(Object.keys(st.items).sort().map((k) => [k, { fp: st.items[k].fp, outputs: st.items[k].outputs }]));
}

function objectPath(dir, hash) {
  return path.join(dir, 'cache', 'objects', hash.slice(0, 2), hash);
}

/**
 * Whether two projects hold the same results for `stages`: the same item -> fingerprint and
 * output hashes, and the same bytes in every output object named. Returns undefined when so,
 * else what differs.
 */
function sameResults(dirA, dirB, stages) {
  for (const id of stages) {
    const a = stageResults(dirA, id);
    const b = stageResults(dirB, id);
    if (!a || !b) return `stage ${id} missing from a cache state`;
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      const diff = Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      return `stage ${id}: ${diff.length} item(s) differ, e.g. ${diff.slice(0, 3).join('; ')}`;
    }
    for (const item of Object.values(a)) {
      for (const h of Object.values(item.outputs)) {
        const pa = objectPath(dirA, h);
        const pb = objectPath(dirB, h);
        if (!fs.existsSync(pa) || !fs.existsSync(pb)) return `stage ${id}: object ${h} missing in a copy`;
        if (!fs.readFileSync(pa).equals(fs.readFileSync(pb))) return `stage ${id}: object ${h} has different bytes`;
      }
    }
  }
  return undefined;
}

function countObjects(dir, stage) {
  const r = stageResults(dir, stage);
  return r ? Object.values(r).reduce((s, it) => s + Object.keys(it.outputs).length, 0) : 0;
}

/** Runs agglo in `dir` with `executor`; returns its record (the report parsed, the checks made). */
async function runAgglo(dir, pipelineArgs, executor, check) {
  const args = [cli, 'run', ...pipelineArgs, '--json', '--executor', executor, ...(executor === 'local' ? ['--jobs', jobs] : [])];
  log(`  in ${dir}: node bin/agglo.js ${args.slice(1).join(' ')}`);
  const r = await timed(process.execPath, args, dir, aggloTimeoutS);
  let report;
  try { report = JSON.parse(r.out); } catch { report = undefined; }
  const jobsUsed = [...new Set((report?.stages ?? []).flatMap((s) => s.jobs ?? []))];
  const problem = r.timedOut ? `agglo did not finish within ${aggloTimeoutS} s (stopped with SIGTERM)` : r.code !== 0 || !report?.ok ? `agglo exited ${r.code}${report ? `, report ok=${report.ok}` : ', no JSON report'}` : check(report, jobsUsed);
  return {
    seconds: round(r.seconds),
    engine_seconds: report ? round(report.ms / 1000) : undefined,
    report,
    jobs_used: jobsUsed,
    ...(r.timedOut ? { timed_out: true } : {}),
    ok: !problem,
    ...(problem ? { error: `${problem}${r.err ? `; stderr: ${r.err.slice(-1500)}` : ''}` } : {}),
  };
}


function writeFanoutProject(dir, n, b) {
  fs.copyFileSync(plugin, path.join(dir, 'trivial.mjs'));
  fs.writeFileSync(path.join(dir, 'bench.yaml'), PIPELINE);
  fs.writeFileSync(path.join(dir, 'items.csv'), `i\n${Array.from({ length: n }, (_, i) => i).join('\n')}\n`);
  if (b !== undefined) fs.writeFileSync(path.join(dir, 'agglo.config.yaml'), slurmConfig(b));
}

async function fanoutAgglo(n, executor) {
  const label = `agglo ${executor}, ${n} items`;
  log(`${label}${executor === 'slurm' ? ` (partition ${partition}, max_jobs ${maxJobs}, batch ${batch})` : ` (--jobs ${jobs})`}`);
  let dir;
  const rec = await guarded(label, async () => {
    if (dir) removeDir(dir);
    dir = tempDir(`agglo-slurm-bench-${executor}-${n}-`);
    writeFanoutProject(dir, n, executor === 'slurm' ? batch : undefined);
    const r = await runAgglo(dir, ['bench.yaml'], executor, (report, jobsUsed) => {
      const items = stageOf(report, 'items');
      const total = stageOf(report, 'total');
      if (items?.items.ran !== n) return `stage items ran ${items?.items.ran} of ${n}`;
      if (total?.status !== 'ran') return `stage total: ${total?.status}`;
      if (executor === 'slurm' && jobsUsed.length === 0) return 'no SLURM worker job ran a task';
      if (executor === 'slurm' && jobsUsed.length > maxJobs) return `${jobsUsed.length} worker jobs ran tasks, more than max_jobs ${maxJobs}`;
      return undefined;
    });
    const { report, ...rest } = r;
    const items = report && stageOf(report, 'items');
    return {
      workload: 'fanout', tool: 'agglo', executor, items: n,
      ...(executor === 'slurm' ? { partition, max_jobs: maxJobs, batch } : { jobs: Number(jobs) }),
      ...rest, items_ran: items?.items.ran, aggregation: report && stageOf(report, 'total')?.status,
      ms_per_item: round((r.seconds * 1000) / n, 3),
      command: `node bin/agglo.js run bench.yaml --json --executor ${executor}${executor === 'local' ? ` --jobs ${jobs}` : ''}`,
    };
  });
  return { rec, dir };
}

// ---- Snakemake ---------------------------------------------------------------------------


async function fanoutSnakemake(n, version) {
  const label = `Snakemake ${version} cluster mode, ${n} items`;
  const jobName = `agglo-bench-sm-${tag}-${n}`;
  const cluster = `sbatch -p ${partition} -o /dev/null -J ${jobName}`;
  const args = ['--cluster', cluster, '--jobs', '20', '--latency-wait', '5', '--scheduler', 'greedy', '--quiet'];
  log(`${label} (timeout ${smTimeoutS} s)`);
  let dir;
  return guarded(label, async () => {
    if (dir) removeDir(dir);
    dir = tempDir(`snakemake-slurm-bench-${n}-`);
    const values = Array.from({ length: n }, (_, i) => i);
    fs.writeFileSync(path.join(dir, 'items.csv'), `i\n${values.join('\n')}\n`);
    fs.writeFileSync(path.join(dir, 'Snakefile'), `localrules: all, total\n\n${SNAKEFILE}`);
    log(`  in ${dir}: snakemake ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`);
    const r = await timed('snakemake', args, dir, smTimeoutS);
    // Whatever it left queued (a timeout): cancelled by our unique job name only.
    spawnSync('scancel', ['-n', jobName]);
    let done = 0;
    try { done = fs.readdirSync(path.join(dir, 'items')).filter((f) => f.endsWith('.txt')).length; } catch { /* none */ }
    let total = '';
    try { total = fs.readFileSync(path.join(dir, 'total.txt'), 'utf8').trim(); } catch { /* none */ }
    const ok = r.timedOut || (r.code === 0 && total === expectedTotal(values));
    return {
      workload: 'fanout', tool: 'snakemake', version, mode: 'generic cluster (--cluster sbatch), one job per item', items: n,
      ok, seconds: round(r.seconds), jobs_done: done,
      ...(r.timedOut ? {
        timed_out: true,
        note: `stopped after ${smTimeoutS} s with ${done} of ${n} item jobs done; seconds is a lower bound`,
        ...(done > 0 ? { extrapolated_seconds: round((r.seconds * n) / done, 0) } : {}),
      } : { ms_per_item: round((r.seconds * 1000) / n, 3) }),
      command: `snakemake ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`,
      ...(ok ? {} : { error: `exit ${r.code}, total.txt ${JSON.stringify(total)} (want ${JSON.stringify(expectedTotal(values))}); ${(r.err || r.out).slice(-1500)}` }),
    };
  });
}

// ---- the paper's ras fan-out -------------------------------------------------------------

async function paperAgglo(executor) {
  const label = `agglo ${executor}, paper ras (390 province-years)`;
  log(`${label}${executor === 'slurm' ? ` (partition ${partition}, max_jobs ${maxJobs}, batch ${paperBatch})` : ` (--jobs ${jobs})`}`);
  let dir;
  const rec = await guarded(label, async () => {
    if (dir) removeDir(dir);
    dir = tempDir(`agglo-slurm-bench-paper-${executor}-`);
    fs.cpSync(path.join(repo, 'data'), path.join(dir, 'data'), { recursive: true });
    fs.cpSync(path.join(repo, 'pipelines'), path.join(dir, 'pipelines'), { recursive: true });
    if (executor === 'slurm') fs.writeFileSync(path.join(dir, 'agglo.config.yaml'), slurmConfig(paperBatch));
    const r = await runAgglo(dir, ['pipelines/paper.yaml', 'ras'], executor, (report, jobsUsed) => {
      const ras = stageOf(report, 'ras');
      if (ras?.items.ran !== 390) return `stage ras ran ${ras?.items.ran} items, not 390`;
      if (executor === 'slurm' && !ras.jobs?.length) return 'stage ras ran no task in a SLURM worker job';
      if (executor === 'slurm' && jobsUsed.length > maxJobs) return `${jobsUsed.length} worker jobs ran tasks, more than max_jobs ${maxJobs}`;
      return undefined;
    });
    const { report, ...rest } = r;
    return {
      workload: 'paper-ras', tool: 'agglo', executor, items: 390,
      ...(executor === 'slurm' ? { partition, max_jobs: maxJobs, batch: paperBatch } : { jobs: Number(jobs) }),
      ...rest,
      stage_items: report ? Object.fromEntries(report.stages.map((s) => [s.id, s.items])) : undefined,
      remote_stages: report ? report.stages.filter((s) => s.jobs?.length).map((s) => s.id) : undefined,
      command: `node bin/agglo.js run pipelines/paper.yaml ras --json --executor ${executor}${executor === 'local' ? ` --jobs ${jobs}` : ''}`,
    };
  });
  return { rec, dir };
}

// ---- main --------------------------------------------------------------------------------

const sinfo = spawnSync('sinfo', ['-h', '-p', partition, '-o', '%P %a %D %c %t'], { encoding: 'utf8' });
if (sinfo.status !== 0 || !sinfo.stdout.trim()) {
  console.error(`bench/slurm.bench.mjs: SLURM partition ${partition} is not available (sinfo: ${(sinfo.stderr || sinfo.stdout).trim()}); start the cluster first`);
  process.exit(2);
}
const version = opt['no-snakemake'] ? undefined : snakemakeVersion();
emit({
  kind: 'machine', node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model,
  mem_gb: Math.round(os.totalmem() / 2 ** 30), os: `${os.type()} ${os.release()}`,
  slurm: execFileSync('sinfo', ['--version'], { encoding: 'utf8' }).trim(), partition: sinfo.stdout.trim(),
  snakemake: version ?? null, jobs: Number(jobs), max_jobs: maxJobs, batch, paper_batch: paperBatch,
  snakemake_max: smMax, snakemake_timeout_s: smTimeoutS,
});
if (!opt['no-snakemake'] && !version) log('snakemake is not installed: skipping it');

const targets = [];
const target = (t) => { targets.push(t); emit({ kind: 'target', ...t }); };

try {
  for (const n of sizes) {
    const local = await fanoutAgglo(n, 'local');
    const slurm = await fanoutAgglo(n, 'slurm');
    if (local.rec.ok && slurm.rec.ok) {
      const diff = sameResults(local.dir, slurm.dir, ['items', 'total']);
      const overhead = round(((slurm.rec.seconds - local.rec.seconds) * 1000) / n, 3);
      emit({
        kind: 'derived', workload: 'fanout', items: n, batch, max_jobs: maxJobs,
        local_seconds: local.rec.seconds, slurm_seconds: slurm.rec.seconds,
        overhead_ms_per_item: overhead, slowdown: round(slurm.rec.seconds / local.rec.seconds, 2),
        same_results: !diff, ...(diff ? { error: diff } : {}),
      });
      if (diff) { failed = true; log(`  local and SLURM results differ: ${diff}  ** CHECK FAILED **`); }
      else log(`  local and SLURM runs stored the same results (${countObjects(local.dir, 'items')} item objects); overhead ${overhead} ms per item`);
      if (n === 10000) target({ target: 'per-item overhead through SLURM < 5 ms at 10,000 items', value: `${overhead} ms`, met: overhead < 5 });
    }
    removeDir(local.dir);
    removeDir(slurm.dir);
    let sm;
    if (version && n <= smMax) sm = await fanoutSnakemake(n, version);
    else if (version) {
      log(`Snakemake, ${n} items: not run (more than --snakemake-max ${smMax}: one SLURM job per item would take hours)`);
      emit({ workload: 'fanout', tool: 'snakemake', items: n, skipped: true, note: `not run: ${n} > --snakemake-max ${smMax} (one SLURM job per item, about 2 s each on this cluster: hours)` });
    }
    if (n === 1000) {
      const t = 'agglo slurm >= 20x faster than Snakemake (cluster mode) at 1,000 items';
      if (!slurm.rec.ok) target({ target: t, value: 'agglo slurm run failed', met: false });
      else if (!sm) target({ target: t, value: 'Snakemake not run at this size', met: null });
      else if (sm.timed_out) target({ target: t, value: `>= ${round(sm.seconds / slurm.rec.seconds, 1)}x (Snakemake stopped after ${sm.seconds} s with ${sm.jobs_done} of ${n} jobs done, extrapolated ${sm.extrapolated_seconds ?? '?'} s; agglo ${slurm.rec.seconds} s)`, met: sm.seconds / slurm.rec.seconds >= 20, lower_bound: true });
      else if (sm.ok) target({ target: t, value: `${round(sm.seconds / slurm.rec.seconds, 1)}x (agglo ${slurm.rec.seconds} s, Snakemake ${sm.seconds} s)`, met: sm.seconds / slurm.rec.seconds >= 20 });
      else target({ target: t, value: 'Snakemake run failed', met: null });
    }
  }

  if (!opt['no-paper']) {
    const local = await paperAgglo('local');
    const slurm = await paperAgglo('slurm');
    if (local.rec.ok && slurm.rec.ok) {
      const countsA = JSON.stringify(local.rec.stage_items);
      const countsB = JSON.stringify(slurm.rec.stage_items);
      const diff = countsA !== countsB ? `stage items counts differ: local ${countsA}, slurm ${countsB}` : sameResults(local.dir, slurm.dir, ['ras']);
      emit({
        kind: 'derived', workload: 'paper-ras', items: 390, batch: paperBatch, max_jobs: maxJobs,
        local_seconds: local.rec.seconds, slurm_seconds: slurm.rec.seconds,
        overhead_ms_per_item: round(((slurm.rec.seconds - local.rec.seconds) * 1000) / 390, 3),
        slowdown: round(slurm.rec.seconds / local.rec.seconds, 2),
        same_results: !diff, ras_items_compared: Object.keys(stageResults(local.dir, 'ras') ?? {}).length,
        ras_objects_compared: countObjects(local.dir, 'ras'), ...(diff ? { error: diff } : {}),
      });
      if (diff) { failed = true; log(`  paper: local and SLURM ras results differ: ${diff}  ** CHECK FAILED **`); }
      else log(`  paper: same items counts for every stage and the same ras results (${countObjects(local.dir, 'ras')} objects, byte-identical)`);
    }
    removeDir(local.dir);
    removeDir(slurm.dir);
  }
} finally {
  // Nothing of ours may stay in the queue.
  const left = await leftoverJobs();
  emit({ kind: 'check', check: 'no agglo worker or Snakemake job of this bench left in squeue', ok: left.length === 0, ...(left.length ? { cancelled: left } : {}) });
  if (left.length) failed = true;
  if (opt.keep) log(`kept: ${ours.join(' ')}`);
  else for (const d of ours) fs.rmSync(d, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
