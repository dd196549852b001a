/**
 * A fixed pool of worker threads for CPU-heavy steps, so that two cores give close to 2×
 * on a fan-out of heavy items, and for tasks that run under limits (engine/limits.ts). Each
 * worker runs one task at a time; a crashed worker fails its task (not the run) and is
 * replaced. A task past its time limit is stopped by terminating its worker; a task past
 * its memory limit dies with its worker's heap (`resourceLimits`). Both fail with a reason
 * of their own, not as a crash.
 */
import { Worker } from 'node:worker_threads';
import type { TaskOutcome, TaskRequest } from './executor.js';
import { DEFAULT_LIMITS, formatDuration, formatMemory, type TaskLimits } from './limits.js';

const workerUrl = new URL('./worker.js', import.meta.url);

/** Workers need the compiled worker.js (not available when running from TypeScript sources in tests). */
export function workersAvailable(): boolean {
  return import.meta.url.endsWith('.js');
}

interface Slot {
  worker: Worker;
  /** The heap limit the worker was started with (a worker's limit is fixed at its start). */
  memoryMb: number;
  busy: boolean;
  resolve?: (o: TaskOutcome) => void;
  limits?: TaskLimits;
  timer?: NodeJS.Timeout;
  t0: number;
}
interface Queued { req: TaskRequest; resolve: (o: TaskOutcome) => void }

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private closing = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn(DEFAULT_LIMITS.memoryMb));
  }

  private spawn(memoryMb: number): Slot {
    const worker = new Worker(workerUrl, { resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
    const slot: Slot = { worker, memoryMb, busy: false, t0: 0 };
    worker.unref();
    worker.on('message', (out: TaskOutcome) => this.finish(slot, out));
    // A worker that throws outside a step, runs out of its heap, or exits (a step calling
    // process.exit) fails the task it was running; the slot gets a fresh worker *before*
    // the next task is handed out.
    const died = (out: { reason: string; message: string; internal: boolean; stack?: string }) => {
      if (!this.retire(slot)) return; // already replaced (an 'error' is followed by an 'exit')
      if (slot.resolve) this.finish(slot, { ok: false, ...out, ms: performance.now() - slot.t0 });
      else this.pump();
    };
    worker.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        const limit = slot.limits?.memoryMb ?? slot.memoryMb;
        died({ reason: 'memory-limit', message: `the step needed more memory than its limit of ${formatMemory(limit)}; raise \`limits.memory\` for this stage if the data is that large, or make the step use less`, internal: false });
      } else died({ reason: 'internal-error', message: `worker crashed: ${err.message}`, internal: true, stack: err.stack });
    });
    worker.on('exit', (code) => {
      if (!this.closing) died({ reason: 'internal-error', message: `worker exited with code ${code} while running a step`, internal: true });
    });
    return slot;
  }

  /** Takes `slot` out of the pool, putting a fresh worker in its place; false if it was already out. */
  private retire(slot: Slot, memoryMb = slot.memoryMb): boolean {
    const i = this.slots.indexOf(slot);
    if (i < 0) return false;
    clearTimeout(slot.timer);
    this.slots[i] = this.closing ? slot : this.spawn(memoryMb);
    return true;
  }

  private finish(slot: Slot, out: TaskOutcome): void {
    const resolve = slot.resolve;
    clearTimeout(slot.timer);
    slot.busy = false;
    slot.resolve = undefined;
    slot.limits = undefined;
    resolve?.(out);
    this.pump();
  }

  private pump(): void {
    for (let i = 0; i < this.slots.length; i++) {
      let slot = this.slots[i]!;
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      const limits = next.req.limits ?? DEFAULT_LIMITS;
      if (slot.memoryMb !== limits.memoryMb) {
        // A worker's heap limit is set when it starts: this task needs a worker of its own size.
        this.retire(slot, limits.memoryMb);
        void slot.worker.terminate();
        slot = this.slots[i]!;
      }
      slot.busy = true;
      slot.resolve = next.resolve;
      slot.limits = limits;
      slot.t0 = performance.now();
      slot.timer = setTimeout(() => this.stop(slot, limits), limits.timeMs);
      slot.timer.unref();
      slot.worker.postMessage(next.req);
    }
  }

  /** A task ran past its time: its worker is terminated (the only way to stop running JavaScript) and replaced. */
  private stop(slot: Slot, limits: TaskLimits): void {
    if (!slot.busy || !this.retire(slot)) return;
    void slot.worker.terminate();
    this.finish(slot, {
      ok: false, reason: 'time-limit', internal: false, ms: performance.now() - slot.t0,
      message: `the step ran longer than its time limit of ${formatDuration(limits.timeMs)} and was stopped; raise \`limits.time\` for this stage if it needs longer`,
    });
  }

  run(req: TaskRequest): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const s of this.slots) clearTimeout(s.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
