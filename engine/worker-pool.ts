/**
 * A fixed pool of worker threads for CPU-heavy steps, so that two cores give close to 2×
 * on a fan-out of heavy items. Each worker runs one task at a time; a crashed worker fails
 * its task (not the run) and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { TaskOutcome, TaskRequest } from './executor.js';

const workerUrl = new URL('./worker.js', import.meta.url);

/** Workers need the compiled worker.js (not available when running from TypeScript sources in tests). */
export function workersAvailable(): boolean {
  return import.meta.url.endsWith('.js');
}

interface Slot { worker: Worker; busy: boolean; resolve?: (o: TaskOutcome) => void; t0: number }
interface Queued { req: TaskRequest; resolve: (o: TaskOutcome) => void }

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(workerUrl), busy: false, t0: 0 };
    slot.worker.unref();
    slot.worker.on('message', (out: TaskOutcome) => this.finish(slot, out));
    slot.worker.on('error', (err: Error) => {
      this.finish(slot, { ok: false, reason: 'internal-error', message: `worker crashed: ${err.message}`, internal: true, stack: err.stack, ms: performance.now() - slot.t0 });
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.pump();
    });
    return slot;
  }

  private finish(slot: Slot, out: TaskOutcome): void {
    const resolve = slot.resolve;
    slot.busy = false;
    slot.resolve = undefined;
    resolve?.(out);
    this.pump();
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.busy) continue;
      const next = this.queue.shift();
      if (!next) return;
      slot.busy = true;
      slot.resolve = next.resolve;
      slot.t0 = performance.now();
      slot.worker.postMessage(next.req);
    }
  }

  run(req: TaskRequest): Promise<TaskOutcome> {
    return new Promise((resolve) => {
      this.queue.push({ req, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
