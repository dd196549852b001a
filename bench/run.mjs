#!/usr/bin/env node
// `npm run bench`: runs every side-by-side benchmark in a child process and summarises the
// JSON lines they print. Never part of `npm test`. Expects `npm run build` to have run.
//
//   node bench/run.mjs [engine-bench options…]      e.g. --items 10000 --no-snakemake
//
// 1. bench/engine.bench.mjs (engine overhead, agglo against Snakemake); extra command-line
//    options are passed to it. Then bench/parallel.bench.mjs (worker threads),
//    bench/cli.bench.mjs (start-up, a no-op run of the paper, npm start cold and cached),
//    bench/sweep.bench.mjs (a 1,280-variant sweep cold and cached, beside separate runs) and
//    bench/robustness.bench.mjs (the paper's 99-variant battery cold and cached, its report),
//    bench/estimators.bench.mjs (the wild cluster bootstrap and the threshold bootstrap)
//    and, when a SLURM cluster answers, bench/slurm.bench.mjs (--executor slurm vs local vs
//    Snakemake's cluster mode).
// 2. bench/ras.bench.* and bench/panel.bench.* when present (written by others): a .mjs/.js
//    file runs with node; a .ts file is first compiled with tsc into dist/ (git-ignored).
//    A missing one is skipped with a message.
// Each child's stderr streams through; stdout lines that parse as JSON objects are
// collected (other lines are echoed). Raw lines are also written to bench-results.jsonl in
// os.tmpdir(). Exit code 1 when a benchmark process failed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const passArgs = process.argv.slice(2);

/** Runs `cmd args` from the repo root; resolves with its exit code and JSON lines. */
function runChild(label, cmd, args) {
  process.stderr.write(`\n=== ${label}: ${[cmd === process.execPath ? 'node' : cmd, ...args].join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
    const records = [];
    let buf = '';
    const line = (l) => {
      const t = l.trim();
      if (!t) return;
      try {
        const v = JSON.parse(t);
        if (v && typeof v === 'object' && !Array.isArray(v)) { records.push(v); process.stderr.write(`  ${t}\n`); return; }
      } catch { /* not JSON: echo it */ }
      process.stderr.write(`  | ${l}\n`);
    };
    child.stdout.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) { line(buf.slice(0, i)); buf = buf.slice(i + 1); }
    });
    child.on('close', (code) => { line(buf); resolve({ label, code, records }); });
    child.on('error', (e) => { process.stderr.write(`  could not start: ${e.message}\n`); resolve({ label, code: -1, records }); });
  });
}

/** The bench file for `name` (ras, panel) if one exists, preferring runnable JS. */
function findBench(name) {
  for (const ext of ['mjs', 'js', 'ts']) {
    const f = path.join(here, `${name}.bench.${ext}`);
    if (fs.existsSync(f)) return f;
  }
  return undefined;
}

/** Compiles a TypeScript bench (and what it imports) into dist/; returns the .js path. */
async function compileTs(file) {
  const rel = path.relative(repo, file);
  const tsc = path.join(repo, 'node_modules', '.bin', 'tsc');
  const args = [rel, '--ignoreConfig', '--outDir', 'dist', '--rootDir', '.', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
  const r = await runChild(`compile ${rel}`, tsc, args);
  const out = path.join(repo, 'dist', rel.replace(/\.ts$/, '.js'));
  // tsc still emits on type errors; only a missing output is fatal.
  return fs.existsSync(out) ? out : (process.stderr.write(`  tsc did not produce ${path.relative(repo, out)} (exit ${r.code})\n`), undefined);
}

const results = [];
results.push(await runChild('engine', process.execPath, [path.join(here, 'engine.bench.mjs'), ...passArgs]));
results.push(await runChild('parallel', process.execPath, [path.join(here, 'parallel.bench.mjs')]));
results.push(await runChild('cli', process.execPath, [path.join(here, 'cli.bench.mjs')]));
results.push(await runChild('sweep', process.execPath, [path.join(here, 'sweep.bench.mjs')]));
results.push(await runChild('robustness', process.execPath, [path.join(here, 'robustness.bench.mjs')]));
results.push(await runChild('estimators', process.execPath, [path.join(here, 'estimators.bench.mjs')]));
// The SLURM executor needs a cluster (scripts/slurm-cluster.sh start): skipped without one.
if (spawnSync('sinfo', ['-h'], { timeout: 10_000 }).status === 0) results.push(await runChild('slurm', process.execPath, [path.join(here, 'slurm.bench.mjs')]));
else process.stderr.write('\n=== slurm: skipped (no SLURM cluster answers `sinfo`; scripts/slurm-cluster.sh start)\n');
for (const name of ['ras', 'panel']) {
  const file = findBench(name);
  if (!file) {
    process.stderr.write(`\n=== ${name}: skipped (no bench/${name}.bench.mjs, .js or .ts)\n`);
    continue;
  }
  const js = file.endsWith('.ts') ? await compileTs(file) : file;
  if (!js) { results.push({ label: name, code: -1, records: [] }); continue; }
  results.push(await runChild(name, process.execPath, [js]));
}

const all = results.flatMap((r) => r.records);
const jsonl = path.join(os.tmpdir(), 'bench-results.jsonl');
fs.writeFileSync(jsonl, all.map((r) => JSON.stringify(r)).join('\n') + '\n');

// Summary: the engine's measurements as a table, its targets, then every other record.
const out = [];
const machine = all.find((r) => r.bench === 'engine' && r.kind === 'machine');
out.push('', '==== benchmark summary ====');
if (machine) out.push(`machine: ${machine.cpus} cores (${machine.cpu}), ${machine.mem_gb} GB, ${machine.os}, Node ${machine.node}, snakemake ${machine.snakemake ?? 'not installed'}, --jobs ${machine.jobs}`);
// agglo's repeated runs are summarised by their "median" lines; Snakemake runs once.
const meas = all.filter((r) => r.bench === 'engine' && r.tool && (r.run === undefined || r.run === 'median'));
if (meas.length) {
  out.push('', 'engine overhead (wall-clock seconds of the whole command; agglo: median of its runs):');
  const phases = [['cold', 'cold'], ['cold-batched', 'cold (--batch)'], ['noop', 'no-op (1st)'], ['noop-again', 'no-op (2nd)'], ['one-changed', 'one changed']]
    .filter(([p]) => meas.some((m) => m.phase === p));
  out.push(`  ${'tool'.padEnd(10)} ${'items'.padStart(7)}${phases.map(([, h]) => `  ${h.padStart(22)}`).join('')}`);
  const keys = [...new Set(meas.map((r) => `${r.tool}|${r.items}`))];
  for (const k of keys) {
    const [tool, items] = k.split('|');
    const cell = (phase) => {
      const r = meas.find((m) => m.tool === tool && String(m.items) === items && m.phase === phase);
      if (!r) return '—';
      if (r.timed_out) return `>${r.note?.match(/\d+/)?.[0] ?? '?'} s (timeout)`;
      const per = r.ms_per_item !== undefined ? ` (${r.ms_per_item} ms/it)` : '';
      return `${r.seconds} s${per}${r.ok ? '' : ' FAILED'}`;
    };
    out.push(`  ${tool.padEnd(10)} ${items.padStart(7)}${phases.map(([p]) => `  ${cell(p).padStart(22)}`).join('')}`);
  }
  for (const r of meas.filter((m) => m.runs_seconds?.length > 1)) out.push(`  agglo ${r.items} ${r.phase}: runs ${r.runs_seconds.join(', ')} s`);
}
const targets = all.filter((r) => r.bench === 'engine' && r.kind === 'target');
if (targets.length) {
  out.push('', 'targets:');
  for (const t of targets) out.push(`  [${t.met === true ? 'met' : t.met === false ? 'NOT met' : 'n/a'}] ${t.target}: ${t.value}`);
}
const others = all.filter((r) => r.bench !== 'engine');
if (others.length) {
  out.push('', 'other benchmarks:');
  for (const r of others) out.push(`  ${Object.entries(r).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join(' ')}`);
}
const failed = results.filter((r) => r.code !== 0);
out.push('', failed.length ? `failed: ${failed.map((r) => `${r.label} (exit ${r.code})`).join(', ')}` : 'all benchmark processes exited 0', `raw JSON lines: ${jsonl}`, '');
process.stdout.write(out.join('\n'));
process.exitCode = failed.length ? 1 : 0;
