/**
 * A SLURM worker job: `node dist/engine/cluster/worker-main.js SPOOL`, started by the SLURM
 * executor's job script. It takes batches of tasks from the spool (engine/cluster/spool.ts),
 * runs them as the local executor would (light steps inline, heavy ones and those with
 * `limits:` in worker threads, up to the job's CPUs at once), and writes their outcomes back.
 * It leaves when the run writes `stop`, when the coordinator's heartbeat is stale (the
 * coordinator was killed), or after being idle for the configured time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { deepFreeze } from '../canonical.js';
import type { TaskOutcome, TaskRequest } from '../executor.js';
import { runStepInProcess } from '../run-step.js';
import { lookupStep } from '../step-lookup.js';
import { WorkerPool, workersAvailable } from '../worker-pool.js';
import { claimBatch, finishBatch, type SpoolOutcome } from './spool.js';

/** What the coordinator tells its workers (<spool>/worker.json). */
export interface WorkerSettings {
  readonly pollMs: number;
  /** Leave after this long without a task. */
  readonly idleMs: number;
  /** Leave when the coordinator's heartbeat is older than this. */
  readonly staleMs: number;
  readonly cpus: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(spool: string): Promise<number> {
  const job = process.env.SLURM_JOB_ID ?? `pid-${process.pid}`;
  const settings = JSON.parse(fs.readFileSync(path.join(spool, 'worker.json'), 'utf8')) as WorkerSettings;
  let pool: WorkerPool | undefined;
  const runOne = async (req: TaskRequest): Promise<TaskOutcome> => {
    if (workersAvailable() && (req.isolate === true || (req.heavy && settings.cpus > 1))) return (pool ??= new WorkerPool(settings.cpus)).run(req);
    const def = await lookupStep(req.source, req.step);
    if (!def) return { ok: false, reason: 'unknown-step', message: `step \`${req.step}\` not found in ${req.source} on the compute node`, internal: false, ms: 0 };
    // As in a local run, a step gets frozen inputs (claimBatch froze the shared ones).
    return runStepInProcess(def, { ...req, inputs: deepFreeze(req.inputs) });
  };
  /** Input values by hash, read once (engine/cluster/spool.ts). */
  const values = new Map<string, unknown>();
  let idleSince = Date.now();
  let wait = 1;
  try {
    for (;;) {
      if (fs.existsSync(path.join(spool, 'stop'))) return 0;
      const alive = fs.statSync(path.join(spool, 'alive'), { throwIfNoEntry: false });
      if (!alive || Date.now() - alive.mtimeMs > settings.staleMs) {
        process.stderr.write(`agglo worker ${job}: the coordinator's heartbeat is stale; leaving\n`);
        return 0;
      }
      const got = claimBatch(spool, job, values);
      if (!got) {
        if (Date.now() - idleSince > settings.idleMs) return 0;
        await sleep(wait);
        wait = Math.min(settings.pollMs, wait * 2);
        continue;
      }
      wait = 1;
      const outcomes: SpoolOutcome[] = new Array(got.tasks.length);
      let next = 0;
      const lane = async () => {
        for (let i = next++; i < got.tasks.length; i = next++) {
          const t = got.tasks[i]!;
          outcomes[i] = { id: t.id, outcome: await runOne(t.req), job, ...(t.req.fp ? { fp: t.req.fp } : {}) };
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, settings.cpus) }, lane));
      finishBatch(spool, got.batch, job, outcomes);
      idleSince = Date.now();
    }
  } finally {
    await pool?.close();
  }
}

const spool = process.argv[2];
if (!spool) {
  process.stderr.write('usage: worker-main.js SPOOL_FOLDER (started by agglo run --executor slurm)\n');
  process.exitCode = 2;
} else {
  main(path.resolve(spool)).then((code) => { process.exitCode = code; }, (e: Error) => {
    process.stderr.write(`agglo worker: ${e.stack ?? e.message}\n`);
    process.exitCode = 1;
  });
}
