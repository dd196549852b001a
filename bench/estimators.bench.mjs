#!/usr/bin/env node
// Issue 13's bootstrap targets on the paper's panel (30 provinces × 13 years, Table 5's nine
// regressors), each under 10 s on 2 cores:
//   - the wild cluster bootstrap, B = 9,999, every coefficient with its confidence interval
//     (stages `boot_chunks`, 4 chunks of replications, and `within_boot`, which combines them,
//     of pipelines/examples/robust-inference.yaml: the two stages' times added);
//   - the panel threshold model's bootstrap, B = 300 over a grid of 382 candidate thresholds
//     (stages `threshold_chunks`, 3 chunks, and `threshold` of
//     pipelines/examples/threshold-gdp.yaml: the two stages' times added).
// A fresh copy of data/ and pipelines/ under os.tmpdir(); the study runs first (not timed),
// then each variation; the time is the stage's own (the run report's `ms`: the step, not the
// process start), and the whole command's wall clock beside it. One JSON line per
// measurement. Needs `npm run build` first.
//   node bench/estimators.bench.mjs [--keep]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'bin', 'agglo.js');
const keep = process.argv.includes('--keep');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-estimators-'));
for (const sub of ['data', 'pipelines']) fs.cpSync(path.join(repo, sub), path.join(dir, sub), { recursive: true });

function run(file) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, 'run', file, '--json'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`agglo run ${file} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return { seconds, report: JSON.parse(r.stdout) };
}

try {
  run('pipelines/paper.yaml');
  for (const [file, stage, what, target] of [
    ['pipelines/examples/robust-inference.yaml', 'boot_chunks+within_boot', 'wild cluster bootstrap, B = 9,999, 9 coefficients with CIs', 10],
    ['pipelines/examples/threshold-gdp.yaml', 'threshold_chunks+threshold', 'panel threshold model, B = 300 in 3 chunks, grid 382', 10],
  ]) {
    const { seconds, report } = run(file);
    let ms = 0;
    for (const id of stage.split('+')) {
      const s = report.stages.find((x) => x.id === id);
      if (!s || s.status !== 'ran') throw new Error(`${id} did not run (${s?.status})`);
      ms += s.ms;
    }
    const row = { bench: 'estimators', stage, what, stage_seconds: Math.round(ms) / 1000, command_seconds: Math.round(seconds * 100) / 100, cpus: os.availableParallelism(), load1: Math.round(os.loadavg()[0] * 100) / 100 };
    console.log(JSON.stringify(row));
    console.log(JSON.stringify({ bench: 'estimators', kind: 'target', target: `${what} under ${target} s`, value: `${row.stage_seconds} s`, met: row.stage_seconds < target }));
  }
} finally {
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}
