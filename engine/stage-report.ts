/** A stage's line in the run report: status, counts, the reason it ran, errors and notes. */
import { summarizeReasons } from './explain.js';
import type { StageReport, StageRun, StageStatus, TaskStatus } from './run-types.js';

/** Sums up a stage's tasks after the run (or the dry run) decided and executed them. */
export function stageReport(run: StageRun, ms: number, dryRun: boolean): StageReport {
  const count = (s: TaskStatus) => run.tasks.filter((t) => t.status === s).length;
  const failed = run.tasks.filter((t) => t.status === 'failed');
  const ranOrWould = run.tasks.filter((t) => t.status === 'ran' || t.status === 'would-run');
  const items = { total: run.tasks.length, ran: count('ran'), cached: count('cached'), failed: failed.length };
  const errors = failed.map((t) => {
    const e = t.error!;
    return { item: t.id, reason: e.reason, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  });
  const notes = run.tasks.flatMap((t) => (t.notes ?? []).map((n) => (t.id ? `${t.id}: ${n}` : n)));
  let status: StageStatus;
  let reason: string;
  if (failed.length > 0) {
    status = 'failed';
    const first = errors[0]!;
    reason = `${first.item ? `item ${first.item}: ` : ''}${first.message}${failed.length > 1 ? ` (and ${failed.length - 1} more failed item${failed.length > 2 ? 's' : ''})` : ''}`;
  } else if (count('skipped') > 0) {
    status = 'skipped';
    reason = 'not run: an earlier stage failed';
  } else if (ranOrWould.length > 0) {
    status = dryRun ? 'would-run' : 'ran';
    reason = summarizeReasons(ranOrWould.map((t) => t.reason ?? 'unknown'));
  } else {
    status = 'cached';
    reason = 'up to date';
  }
  const itemReasons = ranOrWould.map((t) => ({ item: t.id, reason: t.reason ?? '' }));
  const jobs = [...new Set(run.tasks.flatMap((t) => (t.job ? [t.job] : [])))].sort((a, b) => Number(a) - Number(b));
  return { id: run.id, step: run.planned.spec.step, status, reason, items, ms, errors, notes, itemReasons, ...(jobs.length ? { jobs } : {}) };
}
