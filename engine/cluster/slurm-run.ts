/**
 * What `agglo run --executor slurm` (and `sweep`, `status`) add to a run: the executor made
 * from the project's settings with its progress and warnings wired to the run's output,
 * cancelling the submitted jobs on Ctrl-C or SIGTERM, and the list of stages a dry run would
 * send to the cluster. Imported only when the executor is SLURM (a local run's start-up does
 * not load it).
 */
import type { Executor } from '../executor.js';
import type { Plan } from '../plan.js';
import type { Progress } from '../progress.js';
import { projectConfig } from '../project-config.js';
import type { RunReport } from '../run.js';
import type { Io } from '../commands/common.js';
import type { SlurmSettings } from './slurm-config.js';
import { runsRemotely, SlurmExecutor } from './slurm-executor.js';

/**
 * The SLURM executor of a run (`agglo run` or `agglo sweep` with --executor slurm) around the
 * local one, its progress and warnings wired to the run's output, cancelling its jobs on
 * Ctrl-C or SIGTERM until `release`; `jobs` is the runner's concurrency, enough tasks in
 * flight to fill a batch for every worker job.
 */
export function slurmRun(root: string, local: Executor, jobs: number, io: Io, hooks: { progress?: Progress; warn(message: string): void }): { executor: SlurmExecutor; jobs: number; release(): void } {
  const { progress } = hooks;
  const executor = new SlurmExecutor({
    settings: projectConfig(root).slurm, local, onWarning: hooks.warn,
    ...(progress ? { onProgress: (stages, alive) => progress.cluster(stages, alive) } : {}),
  });
  return { executor, jobs: Math.max(jobs, executor.capacity), release: cancelOnSignal(executor, io) };
}

/**
 * Until the returned function is called: Ctrl-C or SIGTERM cancels the executor's jobs (and
 * removes its spool), then ends the process with 130 / 143. Tasks finished before are in the
 * cache: the next run takes them from there.
 */
function cancelOnSignal(executor: SlurmExecutor, io: Io): () => void {
  const on = (signal: NodeJS.Signals, code: number) => () => {
    io.err(`\ninterrupted (${signal}): cancelling the SLURM jobs of this run…\n`);
    void executor.cancel().finally(() => {
      io.err('cancelled; finished tasks are cached, `agglo run` goes on from there\n');
      process.exit(code);
    });
  };
  const int = on('SIGINT', 130);
  const term = on('SIGTERM', 143);
  process.once('SIGINT', int);
  process.once('SIGTERM', term);
  return () => {
    process.off('SIGINT', int);
    process.off('SIGTERM', term);
  };
}

/** For `status --executor slurm`: which stages that would run go to the cluster, which run here. */
export function clusterPlan(report: RunReport, plan: Plan, settings: SlurmSettings): string {
  const remote: string[] = [];
  const here: string[] = [];
  for (const s of report.stages) {
    if (s.status !== 'would-run') continue;
    const planned = plan.stages.get(s.id)!;
    const heavy = planned.step.def.heavy === true;
    const n = s.items.total - s.items.cached - s.items.failed;
    const item = planned.dims.length > 0 ? {} : undefined;
    const label = `${s.id}${n > 1 ? ` (${n} tasks)` : ''}`;
    if (runsRemotely(settings, { item: item as never, heavy, isolate: planned.spec.limits?.isolate === true })) remote.push(label);
    else here.push(label);
  }
  if (remote.length === 0 && here.length === 0) return 'with --executor slurm: nothing would run';
  return [
    `with --executor slurm (remote: ${settings.remote}): ${remote.length ? `to the cluster: ${remote.join(', ')}` : 'nothing goes to the cluster'}`,
    ...(here.length ? [`  here: ${here.join(', ')}`] : []),
  ].join('\n');
}
