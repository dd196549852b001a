/**
 * Execution backends. The runner hands an Executor one task at a time; where the task
 * runs (this thread, a worker thread, a remote queue such as BullMQ on Redis) is the
 * executor's business, so a distributed executor does not touch the runner.
 */
import type { StepRegistry } from './registry.js';
import { runStepInProcess } from './run-step.js';
import { WorkerPool, workersAvailable } from './worker-pool.js';
import type { ItemKey, Value } from './value.js';

export interface TaskRequest {
  readonly stage: string;
  readonly item: ItemKey | undefined;
  readonly step: string;
  /** "builtin" or the absolute path / package name of the plugin module defining the step. */
  readonly source: string;
  readonly params: Record<string, unknown>;
  readonly inputs: Record<string, Value>;
  readonly root: string;
  /** The step is CPU-heavy: run it off the main thread when possible. */
  readonly heavy: boolean;
}

export type TaskOutcome =
  | {
      readonly ok: true;
      readonly outputs: Record<string, Value>;
      readonly files: { path: string; content: string | Uint8Array }[];
      readonly notes: string[];
      readonly ms: number;
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
    };

export interface Executor {
  execute(req: TaskRequest): Promise<TaskOutcome>;
  close(): Promise<void>;
}

/** Runs light steps inline and heavy steps on a pool of worker threads. */
export class LocalExecutor implements Executor {
  private readonly pool: WorkerPool | undefined;

  constructor(private readonly registry: StepRegistry, workers: number) {
    this.pool = workers > 1 && workersAvailable() ? new WorkerPool(workers) : undefined;
  }

  execute(req: TaskRequest): Promise<TaskOutcome> {
    if (req.heavy && this.pool) return this.pool.run(req);
    const reg = this.registry.get(req.step);
    if (!reg) return Promise.resolve({ ok: false, reason: 'unknown-step', message: `step \`${req.step}\` is not registered`, internal: false, ms: 0 });
    return runStepInProcess(reg.def, req);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
