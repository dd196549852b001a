#!/usr/bin/env node
// The paper's robustness battery (issue 11, item 5): pipelines/sweeps/robustness.yaml, 99
// variants of pipelines/paper.yaml, timed
//   - cold: a copy of the project (data/, pipelines/, agglo.config.yaml if any) with an
//     empty cache, so every input-output chain the variants need is built once;
//   - cached: the same sweep again, nothing to run (median of --repeat runs);
//   - the report with its specification curves (pipelines/sweeps/robustness-report.yaml).
// Checks: every variant ok, nothing ran in the cached sweeps, specifications.csv has a row
// per variant × term. Prints one JSON line per measurement.
//   node bench/robustness.bench.mjs [--repeat 3] [--keep]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const cli = path.join(repo, 'bin', 'agglo.js');
const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' }, keep: { type: 'boolean' } } });
const repeat = Math.max(1, Number(values.repeat));
if (!fs.existsSync(path.join(repo, 'dist', 'engine', 'cli.js'))) {
  console.error('bench/robustness.bench.mjs: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-robustness-'));
for (const sub of ['data', 'pipelines']) fs.cpSync(path.join(repo, sub), path.join(dir, sub), { recursive: true });
if (fs.existsSync(path.join(repo, 'agglo.config.yaml'))) fs.copyFileSync(path.join(repo, 'agglo.config.yaml'), path.join(dir, 'agglo.config.yaml'));

/** Runs agglo in the copy; returns seconds and the parsed --json report (sweep) or undefined. */
function agglo(args, json) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [cli, ...args, ...(json ? ['--json'] : [])], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`agglo ${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(-2000)}`);
  return { seconds: Math.round(seconds * 100) / 100, report: json ? JSON.parse(r.stdout) : undefined };
}
const ran = (report) => report.variants.reduce((n, v) => n + (v.stages ?? []).filter((s) => s.status === 'ran').length, 0);
const emit = (row) => console.log(JSON.stringify({ bench: 'robustness', load: Math.round(os.loadavg()[0] * 100) / 100, ...row }));

try {
  const cold = agglo(['sweep', 'pipelines/sweeps/robustness.yaml'], true);
  if (!cold.report.ok || cold.report.variants.length !== 99) throw new Error(`cold sweep: expected 99 ok variants, got ${cold.report.variants.length} (ok: ${cold.report.ok})`);
  emit({ phase: 'cold', variants: cold.report.variants.length, stage_runs: ran(cold.report), seconds: cold.seconds });
  const cached = [];
  for (let i = 0; i < repeat; i++) {
    const c = agglo(['sweep', 'pipelines/sweeps/robustness.yaml'], true);
    if (ran(c.report) !== 0) throw new Error(`a cached sweep ran ${ran(c.report)} stages`);
    cached.push(c.seconds);
  }
  const sorted = [...cached].sort((a, b) => a - b);
  emit({ phase: 'cached', variants: 99, runs_seconds: cached, seconds: sorted[Math.floor(sorted.length / 2)] });
  const rows = fs.readFileSync(path.join(dir, 'results/robustness/specifications.csv'), 'utf8').trim().split('\n').length - 1;
  const report = agglo(['report', 'pipelines/sweeps/robustness-report.yaml'], false);
  emit({ phase: 'report', specification_rows: rows, seconds: report.seconds });
} finally {
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.error(`kept ${dir}`);
}
