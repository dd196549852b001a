#!/usr/bin/env node
// `npm start`: runs the paper's study (pipelines/paper.yaml) with live progress, then prints
// a short summary: where the results are, the top provinces, the Spearman correlation with
// the paper's Table 2, and whether this was a cold or a cached run.
//
// All in this one process: agglo is compiled (tsc) only when a source file is newer than its
// compiled output (a fresh clone after `npm ci` has it compiled already), then the run and
// the summary use the engine directly instead of starting the CLI once per question.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pipeline = 'pipelines/paper.yaml';
const baseTablesSweep = 'pipelines/sweeps/base-tables.yaml';

/**
 * Whether dist/ is older than the sources it is compiled from (tsconfig.build.json compiles
 * engine/ and steps/): a .ts file without its .js, or any source or tsconfig newer than the
 * oldest output (tsc rewrites every output on each build).
 */
export function buildIsStale(dir = root) {
  const sources = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(path.join(dir, d), { withFileTypes: true })) {
      const rel = path.join(d, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) sources.push(rel);
    }
  };
  walk('engine');
  walk('steps');
  let oldestOutput = Infinity;
  for (const rel of sources) {
    const out = fs.statSync(path.join(dir, 'dist', rel.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
    if (!out) return true;
    oldestOutput = Math.min(oldestOutput, out.mtimeMs);
  }
  const inputs = [...sources, 'tsconfig.json', 'tsconfig.build.json'];
  return inputs.some((rel) => (fs.statSync(path.join(dir, rel), { throwIfNoEntry: false })?.mtimeMs ?? 0) > oldestOutput);
}

function build() {
  process.stderr.write('agglo\'s sources changed since it was compiled: building (tsc -p tsconfig.build.json)…\n');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** "2011–2023" for consecutive years, else the years listed; undefined without numeric years. */
export function yearSpan(years) {
  const ys = (Array.isArray(years) ? years : [years]).filter((y) => Number.isInteger(y)).sort((a, b) => a - b);
  if (ys.length === 0) return undefined;
  const consecutive = ys.every((y, i) => i === 0 || y === ys[i - 1] + 1);
  return ys.length === 1 ? String(ys[0]) : consecutive ? `${ys[0]}–${ys.at(-1)}` : ys.join(', ');
}

async function main() {
  if (buildIsStale()) build();
  // The engine takes the folder it runs in as the project root.
  process.chdir(root);
  const dist = (rel) => import(pathToFileURL(path.join(root, 'dist', rel)).href);
  const [{ runWithReport }, { readStageResult }, { processIo }, { tableRows }, { isTable }, { sweepCommand }, { currentVariant }] = await Promise.all([
    dist('engine/commands/run.js'), dist('engine/commands/show.js'), dist('engine/commands/common.js'), dist('engine/table.js'), dist('engine/value.js'),
    dist('engine/commands/sweep.js'), dist('steps/lib/comparison-variants.js'),
  ]);
  const os = await import('node:os');
  const jobs = Math.max(1, os.availableParallelism());
  const flags = { pipeline, jobs, keepGoing: false, json: false, verbose: false, targets: [] };
  let run = await runWithReport(flags, processIo);
  if (run.code !== 0 || !run.report || !run.pipeline) process.exit(run.code || 1);
  // Whether the study was cold or cached is said of its first run (a second one, below, only
  // brings in the variants).
  const stages = run.report.stages;

  /** A stage's result as row objects (a table) or plain data; undefined when there is none. */
  const result = (stage, output) => {
    const { project, plan } = run.pipeline;
    if (!plan.stages.has(stage)) return undefined;
    const r = readStageResult(project, plan, stage, output ?? Object.keys(plan.stages.get(stage).step.def.outputs)[0]);
    if ('error' in r) return undefined;
    return isTable(r.value) ? tableRows(r.value) : r.value;
  };
  // results/comparison.md shows the base-table variants as pipelines/sweeps/base-tables.yaml
  // collected them: when they are not there yet, or are from an earlier version of the
  // study, the sweep runs (what it shares with the study is cached) and the study again.
  const variantsStale = () => {
    const summary = result('comparison', 'summary');
    const rows = result('base_tables');
    return summary !== undefined && rows !== undefined && currentVariant(rows, summary) < 0;
  };
  if (variantsStale()) {
    process.stderr.write(`\nresults/comparison.md compares the study's base tables: collecting them (${baseTablesSweep})…\n`);
    const code = await sweepCommand({ file: baseTablesSweep, jobs, keepGoing: true, json: false }, processIo);
    if (code !== 0) process.exit(code);
    run = await runWithReport(flags, processIo);
    if (run.code !== 0 || !run.report || !run.pipeline) process.exit(run.code || 1);
  }

  const { plan } = run.pipeline;
  const ranking = result('ranking', 'ranking') ?? [];
  const names = new Map((result('provinces') ?? []).map((p) => [p.code, p.name_en]));
  const summary = result('comparison', 'summary');
  const variants = (result('base_tables') ?? []).filter((v) => v.base !== undefined);
  const estimated = (result('cell_flags', 'summary') ?? []).filter((e) => e.estimated > 0);
  const resultsDir = path.join(root, 'results');
  const files = fs.existsSync(resultsDir) ? fs.readdirSync(resultsDir).filter((f) => !fs.statSync(path.join(resultsDir, f)).isDirectory()) : [];
  const span = yearSpan(plan.pipeline.params.years);
  const ran = stages.filter((s) => s.status !== 'cached').length;

  const lines = [
    '',
    `Results are in results/: ${files.join(', ')}`,
    `Top provinces by average agglomeration${span ? ` (${span})` : ''}: ${ranking.slice(0, 5).map((r) => `${names.get(r.province) ?? r.province} ${r.mean.toFixed(2)}`).join(', ')}`,
    summary ? `Spearman rank correlation with the paper's Table 2: ${summary.spearman.toFixed(3)} (${summary.n} provinces); Table 5 signs agree for ${summary.same_sign} of ${summary.coefficients_compared} terms (see results/comparison.md)` : '',
    variants.length ? `The same for each base-table variant (Spearman; same signs): ${variants.map((v) => `${v.base} ${typeof v.spearman === 'number' ? v.spearman.toFixed(3) : 'NA'}; ${v.same_sign ?? 'NA'} of ${v.coefficients_compared ?? 'NA'}`).join(', ')}` : '',
    ran === 0 ? `This run was cached: all ${stages.length} stages were up to date, nothing was recomputed.` : ran === stages.length ? `This was a cold run: all ${stages.length} stages were computed; a rerun is cached.` : `${ran} of ${stages.length} stages were recomputed; the rest came from the cache.`,
    estimated.length ? `Estimated cells (no published value; flagged in data/tidy/flags.csv, listed in results/estimated_cells.csv): ${estimated.map((e) => `${e.variable} ${e.estimated} of ${e.cells}`).join(', ')}.` : 'Every cell of the model variables is real or derived from real data.',
  ];
  console.log(lines.filter(Boolean).join('\n'));
}

// Imported by tests for buildIsStale and yearSpan; run as `npm start`.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
