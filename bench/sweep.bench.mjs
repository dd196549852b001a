#!/usr/bin/env node
// Sweeps at scale (issue 11, item 5): a 1,280-variant regression-only sweep, timed as
//   - `agglo sweep`, cold: an empty cache                               (target < 30 s)
//   - `agglo sweep`, cached: nothing changed, median of 3 runs          (target < 2 s)
//   - the same battery as separate `agglo run`s of `extends` files: a sample of --sample
//     variants run one after the other in a second copy of the project, on one cache of
//     their own (as a user would: the upstream is computed by the first run and cached for
//     the others), extrapolated to every variant
//     as first + (variants − 1) × median of the others — an extrapolation, said so.
// The project is written into a folder under os.tmpdir(): a CSV panel of 30 entities ×
// 13 years, read-csv → derive → panel-regression. The sweep varies only params of the
// regression (y: 2 × the regressors besides x1: 64 subsets × estimator: 4 × standard errors:
// 3, less the 128 between-model variants with clustered errors = 1,280 variants), so
// the upstream (read-csv, derive) is the same in every variant and must run once.
// Checks: every variant ok, specifications.csv has one row per variant (the term x1), the
// upstream ran once in the cold sweep and nothing ran in the cached ones, and the sampled
// separate runs give the same x1 estimates as the sweep's rows for those variants.
// Prints one JSON line per measurement and one per target.
//   node bench/sweep.bench.mjs [--sample 20] [--keep] [--cpu-prof DIR]
// --cpu-prof writes a V8 profile of one extra cached sweep (text output) into DIR; summarise it with
// `node bench/profile-summary.mjs DIR/*.cpuprofile`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '..', 'bin', 'agglo.js');
const { values } = parseArgs({ options: { sample: { type: 'string', default: '20' }, keep: { type: 'boolean' }, 'cpu-prof': { type: 'string' } } });
const sample = Math.max(2, Number(values.sample));

if (!fs.existsSync(path.resolve(here, '..', 'dist', 'engine', 'cli.js'))) {
  console.error('bench/sweep.bench.mjs: dist/ is missing; run `npm run build` first');
  process.exit(2);
}

/** The seeded generator of agglo (steps/kernels/random.ts, compiled), so the panel is the same on every machine. */
const { mulberry32: rng } = await import(pathToFileURL(path.resolve(here, '..', 'dist', 'steps', 'kernels', 'random.js')).href);

const ENTITIES = 30;
const YEARS = [2011, 2023];
const OTHERS = ['x2', 'x3', 'x4', 'x5', 'x6', 'x7'];

function panelCsv() {
  const rand = rng(2026);
  const lines = ['region,year,a,b,c,d,e,f,g,out1,out2'];
  for (let r = 0; r < ENTITIES; r++) {
    const fe = 5 * rand();
    for (let y = YEARS[0]; y <= YEARS[1]; y++) {
      const v = Array.from({ length: 7 }, () => 1 + 10 * rand());
      const out1 = fe + 0.5 * v[0] + 0.2 * v[1] - 0.1 * v[2] + rand();
      const out2 = 2 * fe + 0.3 * v[0] + 0.1 * v[3] + rand();
      lines.push([`R${r}`, y, ...v.map((x) => x.toFixed(4)), out1.toFixed(4), out2.toFixed(4)].join(','));
    }
  }
  return lines.join('\n') + '\n';
}

const STUDY = `stages:
  panel: { step: read-csv, params: { path: data/panel.csv } }
  vars:
    step: derive
    inputs: { data: panel }
    params:
      columns:
        x1: log(a)
        x2: b / 10
        x3: c * c / 100
        x4: log(d + e)
        x5: f - a
        x6: sqrt(b * c)
        x7: g / (a + 1)
        y1: out1
        y2: log(out2 + 20)
  fit:
    step: panel-regression
    inputs: { data: vars }
    params: { y: y1, x: [x1], entity: region, time: year, model: within }
`;

/** Every subset of OTHERS (64), each added to x1. */
const SUBSETS = Array.from({ length: 2 ** OTHERS.length }, (_, m) => ['x1', ...OTHERS.filter((_, i) => m & (1 << i))]);
const subsetName = (xs) => (xs.length === 1 ? 'x1' : xs.join('+'));
/** dimension → choice → the `fit` params it sets (none: the pipeline as it is). */
const DIMENSIONS = {
  y: { y1: {}, y2: { y: 'y2' } },
  x: Object.fromEntries(SUBSETS.map((xs) => [subsetName(xs), xs.length === 1 ? {} : { x: xs }])),
  model: { within: {}, random: { model: 'random' }, pooled: { model: 'pooled' }, between: { model: 'between' } },
  vcov: { classical: {}, cluster: { vcov: 'cluster' }, 'cluster-stata': { vcov: 'cluster', cluster_adjustment: 'stata' } },
};
/** The between model has one row per entity: clustering by entity makes no sense (the step refuses it). */
const EXCLUDE = [{ model: 'between', vcov: 'cluster' }, { model: 'between', vcov: 'cluster-stata' }];
const excluded = (v) => EXCLUDE.some((e) => Object.entries(e).every(([d, c]) => v[d] === c));

const overlay = (p) => (Object.keys(p).length ? `{ stages: { fit: { params: ${JSON.stringify(p)} } } }` : '{}');
const SWEEP = `sweep: ../study.yaml
dimensions:
${Object.entries(DIMENSIONS).map(([d, cs]) => `  ${d}:\n${Object.entries(cs).map(([c, p]) => `    "${c}": ${overlay(p)}`).join('\n')}`).join('\n')}
exclude:
${EXCLUDE.map((e) => `  - ${JSON.stringify(e)}`).join('\n')}
collect:
  - { stage: fit, terms: [x1] }
`;

/** The variant ids in crossing order (the first dimension varies slowest). */
function variantChoices() {
  let out = [{}];
  for (const [d, cs] of Object.entries(DIMENSIONS)) out = out.flatMap((v) => Object.keys(cs).map((c) => ({ ...v, [d]: c })));
  return out.filter((v) => !excluded(v));
}
const VARIANTS = variantChoices().length;

function run(dir, args) {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 256 * 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`agglo ${args.join(' ')} exited ${r.status}:\n${r.stdout.slice(0, 4000)}\n${r.stderr.slice(0, 4000)}`);
  return { seconds, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x) => Number(x.toFixed(3));
const load1 = () => Number(os.loadavg()[0].toFixed(2));
const rows = [];
const emit = (row) => { rows.push(row); console.log(JSON.stringify(row)); };

/** The sweep's --json report, checked: every variant ok; returns the stages that ran. */
function sweep(dir, extra = []) {
  const r = run(dir, ['sweep', 'pipelines/sweeps/battery.yaml', '--json', ...extra]);
  const report = JSON.parse(r.stdout);
  if (!report.ok || report.variants.length !== VARIANTS || report.rows !== VARIANTS) throw new Error(`sweep not ok: ${report.variants.length} variants, ${report.rows} rows, failed: ${report.variants.filter((v) => !v.ok).slice(0, 3).map((v) => `${v.id}: ${v.error}`).join('; ')}`);
  const ran = {};
  for (const v of report.variants) for (const s of v.stages) if (s.status === 'ran') ran[s.id] = (ran[s.id] ?? 0) + 1;
  return { seconds: r.seconds, engineSeconds: report.ms / 1000, ran };
}

/** specifications.csv as variant id → x1 estimate (the id is quoted: it has commas). */
function specEstimates(dir) {
  const text = fs.readFileSync(path.join(dir, 'results', 'battery', 'specifications.csv'), 'utf8').trim().split('\n');
  const header = text[0].split(',');
  const iTerm = header.indexOf('term');
  const iEst = header.indexOf('estimate');
  const out = new Map();
  for (const line of text.slice(1)) {
    const m = /^"((?:[^"]|"")*)",(.*)$/.exec(line);
    const [id, rest] = m ? [m[1], m[2].split(',')] : [line.split(',')[0], line.split(',').slice(1)];
    if (rest[iTerm - 1] === 'x1') out.set(id, Number(rest[iEst - 1]));
  }
  return out;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-sweep-bench-'));
const dirs = [dir];
try {
  fs.mkdirSync(path.join(dir, 'data'));
  fs.mkdirSync(path.join(dir, 'pipelines', 'sweeps'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'data', 'panel.csv'), panelCsv());
  fs.writeFileSync(path.join(dir, 'pipelines', 'study.yaml'), STUDY);
  fs.writeFileSync(path.join(dir, 'pipelines', 'sweeps', 'battery.yaml'), SWEEP);
  const base = { bench: 'sweep', variants: VARIANTS, panel: `${ENTITIES} entities x ${YEARS[1] - YEARS[0] + 1} years`, cpus: os.cpus().length };

  const cold = sweep(dir);
  if (cold.ran.panel !== 1 || cold.ran.vars !== 1 || cold.ran.fit !== VARIANTS) throw new Error(`cold sweep: expected panel and vars to run once and fit ${VARIANTS} times, got ${JSON.stringify(cold.ran)}`);
  emit({ ...base, what: 'agglo sweep, cold (empty cache)', seconds: r3(cold.seconds), engine_seconds: r3(cold.engineSeconds), ms_per_variant: r3((cold.seconds * 1000) / VARIANTS), ran: cold.ran, load1: load1() });
  const estimates = specEstimates(dir);
  if (estimates.size !== VARIANTS) throw new Error(`specifications.csv has ${estimates.size} x1 rows, expected ${VARIANTS}`);

  const cachedRuns = [];
  for (let i = 0; i < 3; i++) {
    const c = sweep(dir);
    if (Object.keys(c.ran).length) throw new Error(`a cached sweep ran stages: ${JSON.stringify(c.ran)}`);
    cachedRuns.push(c);
  }
  const cached = median(cachedRuns.map((c) => c.seconds));
  emit({ ...base, what: 'agglo sweep, cached (median of 3)', seconds: r3(cached), runs_seconds: cachedRuns.map((c) => r3(c.seconds)), engine_seconds: r3(median(cachedRuns.map((c) => c.engineSeconds))), ms_per_variant: r3((cached * 1000) / VARIANTS), load1: load1() });

  // The same battery as separate runs: a sample spread over the variants, each an `extends`
  // file, in a second copy of the project with its own empty cache (the sweep's cache holds
  // every variant's result already); the first run computes the upstream, the others find it.
  const sep = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-sweep-bench-separate-'));
  dirs.push(sep);
  fs.cpSync(path.join(dir, 'data'), path.join(sep, 'data'), { recursive: true });
  fs.mkdirSync(path.join(sep, 'pipelines', 'separate'), { recursive: true });
  fs.copyFileSync(path.join(dir, 'pipelines', 'study.yaml'), path.join(sep, 'pipelines', 'study.yaml'));
  const all = variantChoices();
  const picked = Array.from({ length: sample }, (_, i) => all[Math.floor((i * all.length) / sample)]);
  const separate = [];
  for (const [i, choices] of picked.entries()) {
    const params = Object.assign({}, ...Object.entries(choices).map(([d, c]) => DIMENSIONS[d][c]));
    const file = `pipelines/separate/v${i}.yaml`;
    fs.writeFileSync(path.join(sep, file), `extends: ../study.yaml\n${Object.keys(params).length ? `stages: { fit: { params: ${JSON.stringify(params)} } }\n` : ''}`);
    const r = run(sep, ['run', file, '--json']);
    const report = JSON.parse(r.stdout);
    separate.push({ seconds: r.seconds, ran: report.stages.filter((s) => s.status === 'ran').map((s) => s.id) });
    const id = Object.entries(choices).map(([d, c]) => `${d}=${c}`).join(',');
    const coef = readX1(sep, file, report);
    if (!(Math.abs(coef - estimates.get(id)) <= 1e-9 * Math.max(1, Math.abs(coef)))) throw new Error(`variant ${id}: separate run gives x1 = ${coef}, the sweep ${estimates.get(id)}`);
  }
  if (separate[0].ran.join() !== 'panel,vars,fit' || separate.slice(1).some((s) => s.ran.join() !== 'fit')) throw new Error(`separate runs: expected the first to run panel, vars and fit and the others fit only, got ${JSON.stringify(separate.map((s) => s.ran))}`);
  const rest = median(separate.slice(1).map((s) => s.seconds));
  const extrapolated = separate[0].seconds + (VARIANTS - 1) * rest;
  emit({ ...base, what: `separate agglo runs of extends files: ${sample} measured, extrapolated to ${VARIANTS}`, seconds: r3(extrapolated), extrapolated: true, first_seconds: r3(separate[0].seconds), median_other_seconds: r3(rest), sample_seconds: r3(separate.reduce((n, s) => n + s.seconds, 0)), first_ran: separate[0].ran, load1: load1() });
  emit({ bench: 'sweep', what: 'dvc exp run --queue -S', measured: false, note: 'dvc is not installed on this machine (not measured)' });

  if (values['cpu-prof']) {
    const d = path.resolve(values['cpu-prof']);
    spawnSync(process.execPath, [`--cpu-prof`, `--cpu-prof-dir=${d}`, cli, 'sweep', 'pipelines/sweeps/battery.yaml'], { cwd: dir, encoding: 'utf8' });
  }
  emit({ bench: 'sweep', kind: 'target', target: `a ${VARIANTS}-variant regression-only sweep, cold, under 30 s`, value: `${cold.seconds.toFixed(2)} s on ${os.cpus().length} cores`, met: cold.seconds < 30 });
  emit({ bench: 'sweep', kind: 'target', target: `the same sweep, cached, under 2 s`, value: `${cached.toFixed(2)} s (median of 3)`, met: cached < 2 });
} finally {
  for (const d of dirs) {
    if (!values.keep) fs.rmSync(d, { recursive: true, force: true });
    else console.error(`kept ${d}`);
  }
}

/** x1's estimate in a separate run: its `fit` stage's coefficients table, from `agglo show` (not timed). */
function readX1(dir, file, report) {
  const fit = report.stages.find((s) => s.id === 'fit');
  if (!fit || (fit.status !== 'ran' && fit.status !== 'cached')) throw new Error(`${file}: stage fit did not succeed`);
  const csv = run(dir, ['show', 'fit', '-p', file, '--output', 'coefficients', '--csv']).stdout.trim().split('\n');
  const header = csv[0].split(',');
  const line = csv.slice(1).map((l) => l.split(',')).find((c) => c[header.indexOf('term')] === 'x1');
  if (!line) throw new Error(`${file}: no x1 among the coefficients:\n${csv.join('\n')}`);
  return Number(line[header.indexOf('estimate')]);
}
