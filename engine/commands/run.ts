/** `agglo run` and `agglo status` (the same walk, dry). */
import { own } from '../dict.js';
import { recordLastRun } from '../last-run.js';
import { Progress, stageLine } from '../progress.js';
import type { Loaded } from '../load.js';
import type { Plan } from '../plan.js';
import { runPipeline, type RunEvent, type RunReport } from '../run.js';
import { projectConfig } from '../project-config.js';
import type { ExecutorKind } from '../cluster/executor-kind.js';
import { loadState, stateName } from '../state.js';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK, executorKind, loadOrReport, makeExecutor, openProject, withProjectLock, type Io, type Project } from './common.js';

export interface RunFlags {
  readonly pipeline: string;
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly targets: string[];
  /** Re-hash input files even when their size and mtime did not change (`--verify-inputs`). */
  readonly verifyInputs?: boolean;
  /** Where tasks run (`--executor`); the project's default when absent. */
  readonly executor?: ExecutorKind;
}

export async function runCommand(flags: RunFlags, io: Io, dryRun = false): Promise<number> {
  return (await runWithReport(flags, io, dryRun)).code;
}

/** What {@link runWithReport} returns: the exit code and, when it got as far, what ran. */
export interface RunOutcome {
  readonly code: number;
  /** The run's report, when the pipeline was valid and the stages named exist. */
  readonly report?: RunReport;
  /** The pipeline that ran, when it was valid. */
  readonly pipeline?: LoadedPipeline;
}

/**
 * `agglo run` (dry: `status`) with its output, returning the report as well as the exit
 * code: for scripts that run a pipeline and then read its results in the same process
 * (scripts/start.mjs).
 */
export async function runWithReport(flags: RunFlags, io: Io, dryRun = false): Promise<RunOutcome> {
  const project = openProject(io);
  let outcome: RunOutcome = { code: EXIT_INVALID };
  // Locked before loading: a gc starting while the pipeline loads could delete what it uses.
  const code = await withProjectLock(project, io, async () => {
    const { loaded, plan } = await loadOrReport(flags.pipeline, project, io);
    if (!plan) return EXIT_INVALID;
    const pipeline = { project, loaded, plan };
    outcome = { ...(await runLoadedReport(flags, io, pipeline, dryRun)), pipeline };
    return outcome.code;
  });
  return { ...outcome, code };
}

/** A pipeline loaded and valid, in its project. */
export interface LoadedPipeline {
  readonly project: Project;
  readonly loaded: Loaded;
  readonly plan: Plan;
}

/** Runs (dry: checks) a loaded pipeline; the caller holds the run lock (withProjectLock). */
export async function runLoaded(flags: RunFlags, io: Io, pipeline: LoadedPipeline, dryRun = false): Promise<number> {
  return (await runLoadedReport(flags, io, pipeline, dryRun)).code;
}

async function runLoadedReport(flags: RunFlags, io: Io, { project, loaded, plan }: LoadedPipeline, dryRun: boolean): Promise<{ code: number; report?: RunReport }> {
  const unknown = flags.targets.filter((t) => !plan.stages.has(t));
  if (unknown.length) {
    io.err(`error: no stage named ${unknown.map((u) => `\`${u}\``).join(', ')} in ${plan.pipeline.displayFile}; stages are: ${plan.order.join(', ')}\n`);
    return { code: EXIT_INVALID };
  }
  const kind = executorKind(project.root, flags.executor);
  // Cached stages are one line unless --verbose (a no-op run of the paper would print 53).
  const progress = flags.json || dryRun ? undefined : new Progress(io.out, io.isTTY, flags.verbose);
  const warnings: string[] = [];
  const onEvent = (e: RunEvent) => {
    if (e.type === 'warning') warnings.push(e.message);
    if (progress) progress.onEvent(e);
    else if (e.type === 'warning') io.err(`warning: ${e.message}\n`);
  };
  const local = makeExecutor(loaded, dryRun ? 1 : flags.jobs);
  const slurm = kind === 'slurm' && !dryRun
    ? (await import('../cluster/slurm-run.js')).slurmRun(project.root, local, flags.jobs, io, { ...(progress ? { progress } : {}), warn: (m) => onEvent({ type: 'warning', message: m }) })
    : undefined;
  const executor = slurm?.executor ?? local;
  let report: RunReport;
  try {
    report = await runPipeline({ plan, store: project.store, executor, root: project.root }, {
      jobs: slurm?.jobs ?? flags.jobs, keepGoing: flags.keepGoing, dryRun, targets: flags.targets, verifyInputs: flags.verifyInputs, onEvent,
    });
  } finally {
    slurm?.release();
    progress?.stop();
    await executor.close();
  }
  if (!dryRun) recordLastRun(project.store, project.root, plan.pipeline.file);
  if (flags.json) {
    const files = dryRun ? undefined : resultFiles(project, plan, report);
    io.out(JSON.stringify(jsonReport(report, dryRun, flags.verbose, warnings, files), null, 2) + '\n');
  } else {
    printSummary(report, io, dryRun, flags.verbose);
    if (dryRun && kind === 'slurm') io.out((await import('../cluster/slurm-run.js')).clusterPlan(report, plan, projectConfig(project.root).slurm) + '\n');
  }
  return { code: report.stages.some((s) => s.status === 'failed') ? EXIT_FAILED : EXIT_OK, report };
}

/** A results/ file a stage wrote (or restored) in a run, for `run --json`. */
export interface ResultFile {
  /** Relative to the project root, as the step named it. */
  readonly path: string;
  /** sha256 of the file's bytes (the name of its cached copy in cache/objects/). */
  readonly sha256: string;
  readonly stage: string;
  /** The item that wrote it ("" for a stage without foreach). */
  readonly item: string;
}

/**
 * The results files of the stages that ran or were cached in this run, as the pipeline's state
 * now records them (the state the run just wrote), in stage order then path order.
 */
function resultFiles(project: Project, plan: Plan, r: RunReport): ResultFile[] {
  const state = loadState(project.store, stateName(project.root, plan.pipeline.file));
  const out: ResultFile[] = [];
  for (const s of r.stages) {
    if (s.status !== 'ran' && s.status !== 'cached') continue;
    const files: ResultFile[] = [];
    for (const [item, st] of Object.entries(own(state.stages, s.id)?.items ?? {})) {
      for (const [path, sha256] of Object.entries(st.written ?? {})) files.push({ path, sha256, stage: s.id, item });
    }
    out.push(...files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)));
  }
  return out;
}

function jsonReport(r: RunReport, dryRun: boolean, verbose: boolean, warnings: readonly string[], files: readonly ResultFile[] | undefined): unknown {
  return {
    pipeline: r.pipeline,
    ok: r.ok,
    ms: Math.round(r.ms),
    stages: r.stages.map((s) => ({
      id: s.id, step: s.step, status: s.status, reason: s.reason, items: s.items, ms: Math.round(s.ms),
      ...(s.errors.length ? { errors: s.errors.map((e) => (verbose ? e : { item: e.item, reason: e.reason, message: e.message })) } : {}),
      ...(dryRun || verbose ? { itemReasons: s.itemReasons } : {}),
      ...(s.notes.length ? { notes: s.notes } : {}),
      ...(s.jobs ? { jobs: s.jobs } : {}),
    })),
    ...(files ? { files } : {}),
    warnings,
  };
}

function printSummary(r: RunReport, io: Io, dryRun: boolean, verbose: boolean): void {
  if (dryRun) for (const s of r.stages) io.out(stageLine(s) + '\n');
  if (dryRun && verbose) {
    for (const s of r.stages) for (const it of s.itemReasons ?? []) if (it.item) io.out(`    ${s.id} ${it.item}: ${it.reason}\n`);
  }
  for (const s of r.stages) {
    // One note per stage unless --verbose: a fan-out of 390 items can leave 390 notes.
    for (const n of s.notes.slice(0, verbose ? Infinity : 1)) io.out(`  note ${s.id}: ${n}\n`);
    if (!verbose && s.notes.length > 1) io.out(`    (and ${s.notes.length - 1} more notes from \`${s.id}\`; --verbose shows all)\n`);
    if (verbose) {
      for (const e of s.errors) {
        io.err(`error: stage \`${s.id}\`${e.item ? ` item ${e.item}` : ''}: ${e.message}\n`);
        if (e.stack) io.err(e.stack + '\n');
      }
      continue;
    }
    // Items that failed for the same reason (a cluster that refused the jobs) are one line.
    const byMessage = new Map<string, string[]>();
    for (const e of s.errors) byMessage.set(e.message, [...(byMessage.get(e.message) ?? []), e.item]);
    const groups = [...byMessage];
    for (const [message, items] of groups.slice(0, 10)) {
      const which = items.length === 1 ? (items[0] ? ` item ${items[0]}` : '') : ` items ${items.slice(0, 3).join(', ')}${items.length > 3 ? ` and ${items.length - 3} more` : ''}`;
      io.err(`error: stage \`${s.id}\`${which}: ${message}\n`);
    }
    const rest = groups.slice(10).reduce((n, [, items]) => n + items.length, 0);
    if (rest > 0) io.err(`error: stage \`${s.id}\`: … ${rest} more failed items (--verbose shows all)\n`);
  }
  const count = (st: string) => r.stages.filter((s) => s.status === st).length;
  const parts = dryRun
    ? [`${count('would-run')} would run`, `${count('cached')} up to date`]
    : [`${count('ran')} ran`, `${count('cached')} cached`, ...(count('failed') ? [`${count('failed')} failed`] : []), ...(count('skipped') ? [`${count('skipped')} skipped`] : [])];
  io.out(`${r.pipeline}: ${parts.join(', ')} (${(r.ms / 1000).toFixed(2)}s)\n`);
  if (r.stages.some((s) => s.errors.some((e) => e.reason === 'internal-error')) && !verbose) {
    io.err('a step crashed (a bug, not your input): rerun with --verbose for the stack trace and report it\n');
  }
}
