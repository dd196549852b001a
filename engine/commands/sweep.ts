/** `agglo sweep FILE` and `agglo status FILE` for a sweep file. */
import path from 'node:path';
import { canonicalJson, sha256 } from '../canonical.js';
import { formatDiagnostics } from '../diagnostics-format.js';
import { LocalExecutor } from '../executor.js';
import type { Plan } from '../plan.js';
import { loadSweep, type LoadedSweep } from '../sweep-load.js';
import { memoName } from '../sweep-memo.js';
import { specificationsCsv, summaryMarkdown, sweepOutputPaths, writeSweepOutputs } from '../sweep-outputs.js';
import { runVariants, type VariantOutcome } from '../sweep-run.js';
import { isTableCollect } from '../sweep-file.js';
import { collectedCsv, collectedMarkdown, type CollectedRows } from '../sweep-tables.js';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK, executorKind, openProject, withProjectLock, type Io, type Project } from './common.js';
import type { ExecutorKind } from '../cluster/executor-kind.js';

export interface SweepFlags {
  readonly file: string;
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly json: boolean;
  readonly verifyInputs?: boolean;
  /** Where the variants' tasks run (`--executor`); the project's default when absent. */
  readonly executor?: ExecutorKind;
}

/** Loads the sweep and prints its diagnostics; the variants when it is valid. */
async function loadOrReport(flags: SweepFlags, project: Project, io: Io): Promise<LoadedSweep> {
  // The store keeps a memo of the checked variants: a sweep rerun unchanged is not re-validated.
  const loaded = await loadSweep(flags.file, project.root, { memo: project.store });
  if (loaded.diagnostics.length > 0) io.err(formatDiagnostics(loaded.diagnostics, loaded.sources, { color: io.color }));
  return loaded;
}

/** `agglo sweep FILE`: runs every variant, writes results/<sweep>/specifications.csv and summary.md. */
export async function sweepCommand(flags: SweepFlags, io: Io): Promise<number> {
  const project = openProject(io);
  return withProjectLock(project, io, async () => {
    const t0 = performance.now();
    const loaded = await loadOrReport(flags, project, io);
    if (!loaded.variants || !loaded.spec || !loaded.base) return EXIT_INVALID;
    const { spec, variants } = loaded;
    const warnings: string[] = [];
    const warn = (message: string) => {
      if (warnings.includes(message)) return;
      warnings.push(message);
      if (!flags.json) {
        progress.flush();
        io.err(`warning: ${message}\n`);
      }
    };
    const progress = new LineBuffer(io);
    const local = new LocalExecutor(loaded.base.registry, flags.jobs);
    const slurm = executorKind(project.root, flags.executor) === 'slurm' ? (await import('../cluster/slurm-run.js')).slurmRun(project.root, local, flags.jobs, io, { warn }) : undefined;
    const executor = slurm?.executor ?? local;
    let outcomes: VariantOutcome[];
    try {
      outcomes = await runVariants(variants, {
        root: project.root, store: project.store, executor, jobs: slurm?.jobs ?? flags.jobs, keepGoing: flags.keepGoing, dryRun: false,
        verifyInputs: flags.verifyInputs, collect: spec.collect, modelMemo: { name: `${memoName(project.root, spec.file)}-models`, sweep: path.relative(project.root, spec.file) },
        onEvent: (e) => {
          if (e.type === 'warning') warn(e.message);
        },
        onVariant: (o, i) => {
          if (flags.json) return;
          progress.add(`[${i + 1}/${variants.length}] ${o.variant.id}: ${variantCounts(o)}\n`);
          if (o.error && !o.notRun) {
            progress.flush();
            io.err(`error: variant \`${o.variant.id}\`: ${o.error}\n`);
          }
        },
      });
    } finally {
      slurm?.release();
      progress.flush();
      await executor.close();
    }
    const rows = outcomes.flatMap((o) => o.rows);
    const failed = outcomes.filter((o) => o.error !== undefined).map((o) => ({ id: o.variant.id, error: o.error! }));
    const notRun = outcomes.filter((o) => o.notRun).length;
    const paths = sweepOutputPaths(spec.name);
    const dims = spec.dimensions.map((d) => d.name);
    const models = spec.collect.some((c) => !isTableCollect(c));
    const tables = new Map<string, CollectedRows[]>();
    for (const t of outcomes.flatMap((o) => o.tables)) tables.set(t.key, [...(tables.get(t.key) ?? []), t]);
    const files: Record<string, string> = {};
    if (models) files[paths.csv] = specificationsCsv(rows, dims);
    for (const [key, t] of tables) files[paths.table(key)] = collectedCsv(t, dims);
    files[paths.summary] = summaryMarkdown(rows, `Sweep ${spec.name}: ${outcomes.length - failed.length} of ${outcomes.length} variants`, failed, [...tables].map(([key, t]) => collectedMarkdown(key, t, dims)), models);
    const written = writeSweepOutputs(project.root, files);
    if ('error' in written) io.err(`error: ${written.error}\n`);
    const ms = performance.now() - t0;
    if (flags.json) {
      io.out(JSON.stringify({
        sweep: spec.displayFile, ok: failed.length === 0 && 'written' in written, ms: Math.round(ms),
        variants: outcomes.map((o) => ({
          id: o.variant.id, choices: o.variant.choices, ok: o.error === undefined, ...(o.error ? { error: o.error } : {}), ...(o.notRun ? { notRun: true } : {}),
          ...(o.report ? { ms: Math.round(o.report.ms), stages: o.report.stages.map((s) => ({ id: s.id, step: s.step, status: s.status, reason: s.reason, items: s.items, ...(o.fingerprints[s.id] ? { fingerprint: o.fingerprints[s.id] } : {}), ...(s.jobs ? { jobs: s.jobs } : {}) })) } : {}),
        })),
        rows: rows.length,
        files: 'written' in written ? written.written : [],
        warnings,
      }, null, 2) + '\n');
    } else {
      const ran = outcomes.reduce((n, o) => n + count(o, 'ran'), 0);
      const cached = outcomes.reduce((n, o) => n + count(o, 'cached'), 0);
      io.out(`${spec.displayFile}: ${outcomes.length} variants, ${outcomes.length - failed.length} ok${failed.length - notRun ? `, ${failed.length - notRun} failed` : ''}${notRun ? `, ${notRun} not run` : ''}; ${ran} stages ran, ${cached} cached (${(ms / 1000).toFixed(2)}s)\n`);
      if ('written' in written) io.out(`wrote ${[...(models ? [`${paths.csv} (${rows.length} rows)`] : []), ...[...tables].map(([key, t]) => `${paths.table(key)} (${t.reduce((n, x) => n + x.rows.length, 0)} rows)`), paths.summary].join(', ')}\n`);
      const bad = outcomes.filter((o) => o.error !== undefined && !o.notRun);
      if (bad.length) io.err(`failed variants: ${bad.map((o) => `\`${o.variant.id}\``).join(', ')}${notRun ? ` (${notRun} more not run; --keep-going runs them)` : ''}\n`);
    }
    return failed.length > 0 || 'error' in written ? EXIT_FAILED : EXIT_OK;
  });
}

/**
 * Progress lines written in batches, at most every 100 ms: one write per variant costs
 * more than a cached variant itself (a write to a pipe or terminal each time).
 */
class LineBuffer {
  private text = '';
  private last = performance.now();
  constructor(private readonly io: Io) {}
  add(line: string): void {
    this.text += line;
    if (performance.now() - this.last >= 100) this.flush();
  }
  flush(): void {
    if (this.text) this.io.out(this.text);
    this.text = '';
    this.last = performance.now();
  }
}

const count = (o: VariantOutcome, status: string) => o.report?.stages.filter((s) => s.status === status).length ?? 0;

/** "2 ran, 14 cached" (and failed, skipped when any). */
function variantCounts(o: VariantOutcome): string {
  if (!o.report) return 'not run';
  const parts = [`${count(o, 'ran')} ran`, `${count(o, 'cached')} cached`];
  if (count(o, 'failed')) parts.push(`${count(o, 'failed')} failed`);
  if (count(o, 'skipped')) parts.push(`${count(o, 'skipped')} skipped`);
  return parts.join(', ');
}

/**
 * `agglo status FILE` for a sweep: how many variants, how many tasks would run and why,
 * by stage. A stage shared by several variants (the same step, params and upstream) is
 * counted once, as it would run once.
 */
export async function sweepStatusCommand(flags: SweepFlags, io: Io): Promise<number> {
  const project = openProject(io);
  return withProjectLock(project, io, async () => {
    const loaded = await loadOrReport(flags, project, io);
    if (!loaded.variants || !loaded.spec || !loaded.base) return EXIT_INVALID;
    const { spec, variants } = loaded;
    const executor = new LocalExecutor(loaded.base.registry, 1);
    let outcomes: VariantOutcome[];
    try {
      outcomes = await runVariants(variants, { root: project.root, store: project.store, executor, jobs: 1, keepGoing: true, dryRun: true, verifyInputs: flags.verifyInputs, collect: spec.collect });
    } finally {
      await executor.close();
    }
    // stage → distinct stage instances (by structural key) that would run / are up to date, with reasons.
    const byStage = new Map<string, { run: Set<string>; cached: Set<string>; reasons: Map<string, number> }>();
    for (const o of outcomes) {
      const keys = structuralKeys(o.variant.plan);
      for (const s of o.report?.stages ?? []) {
        let e = byStage.get(s.id);
        if (!e) byStage.set(s.id, (e = { run: new Set(), cached: new Set(), reasons: new Map() }));
        const key = keys.get(s.id)!;
        if (s.status === 'cached') e.cached.add(key);
        else if (!e.run.has(key)) {
          e.run.add(key);
          e.reasons.set(s.reason, (e.reasons.get(s.reason) ?? 0) + 1);
        }
      }
    }
    const wouldRun = [...byStage.values()].reduce((n, e) => n + e.run.size, 0);
    const upToDate = [...byStage.values()].reduce((n, e) => n + e.cached.size, 0);
    const variantsToRun = outcomes.filter((o) => o.report?.stages.some((s) => s.status !== 'cached')).length;
    if (flags.json) {
      io.out(JSON.stringify({
        sweep: spec.displayFile, variants: variants.length, variantsToRun, wouldRun, upToDate,
        stages: [...byStage].map(([id, e]) => ({ id, wouldRun: e.run.size, upToDate: e.cached.size, reasons: Object.fromEntries(e.reasons) })),
      }, null, 2) + '\n');
      return EXIT_OK;
    }
    io.out(`${spec.displayFile}: ${variants.length} variants (${variantsToRun} with work to do); ${wouldRun} stage runs would run, ${upToDate} up to date (a stage shared by several variants counts once)\n`);
    for (const [id, e] of byStage) {
      const why = [...e.reasons].map(([r, n]) => `${n}× ${r}`).join('; ');
      io.out(`  ${id}: ${e.run.size} would run${e.cached.size ? `, ${e.cached.size} up to date` : ''}${why ? ` — ${why}` : ''}\n`);
    }
    return EXIT_OK;
  });
}

/**
 * A key per stage that is equal for two variants' stages when they have the same step,
 * params, foreach and limits and their upstream stages have equal keys: such stages have the
 * same fingerprint and run once (a stand-in for the fingerprint, unknown before upstream ran).
 */
function structuralKeys(plan: Plan): Map<string, string> {
  const keys = new Map<string, string>();
  for (const id of plan.order) {
    const s = plan.stages.get(id)!;
    const inputs = Object.fromEntries(Object.entries(s.spec.inputs).map(([k, r]) => [k, r.kind === 'stage' ? { stage: keys.get(r.stage), output: r.output ?? null } : { file: r.path }]));
    const foreach = Object.fromEntries(Object.entries(s.spec.foreach ?? {}).map(([k, f]) => [k, f.kind === 'stage' ? { ...f, stage: keys.get(f.stage) } : f]));
    const observed = s.observed.map((o) => keys.get(o));
    keys.set(id, sha256(canonicalJson({ step: s.spec.step, params: s.spec.params, inputs, foreach, limits: s.spec.limits ?? null, observed })));
  }
  return keys;
}

/**
 * `agglo validate FILE` for a sweep: the sweep file, its base and every variant, all problems
 * at once. As for a pipeline, the base's plugins are imported only with `loadPlugins`; without
 * it, a base using plugin steps has its variants left unchecked (said so).
 */
export async function sweepValidateCommand(file: string, io: Io, loadPlugins: boolean): Promise<number> {
  const project = openProject(io);
  const loaded = await loadSweep(file, project.root, { loadPlugins });
  if (loaded.diagnostics.length > 0) io.err(formatDiagnostics(loaded.diagnostics, loaded.sources, { color: io.color }));
  if (loaded.diagnostics.some((d) => d.severity === 'error') || !loaded.spec) return EXIT_INVALID;
  if (loaded.unchecked) {
    const names = loaded.unchecked.map((s) => `\`${s}\``).join(', ');
    io.out(`${loaded.spec.displayFile}: the sweep file is ok; its variants were not checked: ${names} of the pipeline use plugin steps, and plugins are not run by validate — \`agglo validate --load-plugins\` checks them too, running the plugins' code\n`);
    return EXIT_OK;
  }
  if (!loaded.variants) return EXIT_INVALID;
  io.out(`${loaded.spec.displayFile}: ok (${loaded.variants.length} variants of ${loaded.base?.pipeline?.displayFile ?? 'its pipeline'})\n`);
  return EXIT_OK;
}
