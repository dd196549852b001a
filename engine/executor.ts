/**
 * Execution backends. The runner hands an Executor one task at a time; where the task
 * runs (this thread, a worker thread, a remote queue such as BullMQ on Redis) is the
 * executor's business, so a distributed executor does not touch the runner.
 */
import type { StepRegistry } from './registry.js';
import { runStepInProcess } from './run-step.js';
import { WorkerPool, workersAvailable } from './worker-pool.js';
import type { ItemKey, Value } from './value.js';
import type { TaskLimits } from './limits.js';

export interface TaskRequest {
  readonly stage: string;
  readonly item: ItemKey | undefined;
  readonly step: string;
  /** "builtin" or the absolute path / package name of the plugin module defining the step. */
  readonly source: string;
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, Value>;
  readonly root: string;
  /** The step is CPU-heavy: run it off the main thread when there are workers (more than one job). */
  readonly heavy: boolean;
  /** Its stage set `limits:`, which only a worker thread can enforce: always run it in one. */
  readonly isolate?: boolean;
  /** Time and memory limits of the task (engine/limits.ts); the defaults when absent. */
  readonly limits?: TaskLimits;
  /** The task's fingerprint: a remote outcome found for it after a coordinator crash is reused. */
  readonly fp?: string;
}

export type TaskOutcome =
  | {
      readonly ok: true;
      readonly outputs: Record<string, Value>;
      readonly files: { path: string; content: string | Uint8Array }[];
      readonly notes: string[];
      readonly ms: number;
      /** The SLURM job that ran the task (engine/cluster/slurm-executor.ts). */
      readonly job?: string;
    }
  | {
      readonly ok: false;
      /** kebab-case reason from StepError, or "internal-error" for a bug in the step. */
      readonly reason: string;
      readonly message: string;
      /** True for an unexpected exception (a bug): the stack is kept for `--verbose`. */
      readonly internal: boolean;
      readonly stack?: string;
      readonly ms: number;
      readonly job?: string;
    };

export interface Executor {
  execute(req: TaskRequest): Promise<TaskOutcome>;
  close(): Promise<void>;
}

/**
 * Runs light steps inline and heavy steps on a pool of worker threads (with one job there is
 * no pool: a worker would only add its start-up), started when the first such task comes.
 * A task whose stage set `limits:` always runs in a worker, where the limits are enforced.
 */
export class LocalExecutor implements Executor {
  private pool: WorkerPool | undefined;

  constructor(private readonly registry: StepRegistry, private readonly workers: number) {}

  execute(req: TaskRequest): Promise<TaskOutcome> {
    if (workersAvailable() && (req.isolate === true || (req.heavy && this.workers > 1))) return (this.pool ??= new WorkerPool(Math.max(1, this.workers))).run(req);
    const reg = this.registry.get(req.step);
    if (!reg) return Promise.resolve({ ok: false, reason: 'unknown-step', message: `step \`${req.step}\` is not registered`, internal: false, ms: 0 });
    return runStepInProcess(reg.def, req);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
