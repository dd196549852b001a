#!/usr/bin/env node
// Worker-thread speed-up on a fan-out of CPU-heavy items (issue: "two cores really give
// close to 2x"): the same cold run of 8 heavy items with --jobs 1 (inline, one core) and
// --jobs 2 (two worker threads). Prints one JSON line per run and one with the speed-up.
//   node bench/parallel.bench.mjs [--items 8] [--work 200]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'bin', 'agglo.js');
const { values } = parseArgs({ options: { items: { type: 'string', default: '8' }, work: { type: 'string', default: '200' } } });
const items = Number(values.items);
const work = Number(values.work);

function coldRun(jobs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-parallel-'));
  fs.copyFileSync(path.join(here, 'plugins', 'busy.mjs'), path.join(dir, 'busy.mjs'));
  fs.writeFileSync(path.join(dir, 'bench.yaml'), `plugins: [busy.mjs]\nstages:\n  busy:\n    step: bench-busy\n    foreach: { i: [${Array.from({ length: items }, (_, i) => i).join(', ')}] }\n    params: { i: "\${item.i}", work: ${work} }\n`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, 'run', 'bench.yaml', '--json', '--jobs', String(jobs)], { cwd: dir, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(dir, { recursive: true, force: true });
  const report = JSON.parse(r.stdout);
  const ok = r.status === 0 && report.stages[0].items.ran === items;
  const line = { bench: 'parallel', items, work_millions: work, jobs, ok, seconds: Number(seconds.toFixed(2)), engine_seconds: Number((report.ms / 1000).toFixed(2)), load1: Number(os.loadavg()[0].toFixed(2)) };
  console.log(JSON.stringify(line));
  return line;
}

const one = coldRun(1);
const two = coldRun(2);
const speedup = one.engine_seconds / two.engine_seconds;
console.log(JSON.stringify({ bench: 'parallel', kind: 'target', target: 'two cores give close to 2x on a fan-out of heavy items', value: `${speedup.toFixed(2)}x (engine ${one.engine_seconds} s with 1 job, ${two.engine_seconds} s with 2)`, met: speedup >= 1.7 }));
