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
  private closing = false;

  constructor(size: number) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(workerUrl), busy: false, t0: 0 };
    slot.worker.unref();
    slot.worker.on('message', (out: TaskOutcome) => this.finish(slot, out));
    // A worker that throws outside a step, or exits (a step calling process.exit), fails the
    // task it was running; the slot gets a fresh worker *before* the next task is handed out.
    const died = (message: string, stack?: string) => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return; // already replaced (an 'error' is followed by an 'exit')
      this.slots[i] = this.spawn();
      if (slot.resolve) this.finish(slot, { ok: false, reason: 'internal-error', message, internal: true, stack, ms: performance.now() - slot.t0 });
      else this.pump();
    };
    slot.worker.on('error', (err: Error) => died(`worker crashed: ${err.message}`, err.stack));
    slot.worker.on('exit', (code) => {
      if (!this.closing) died(`worker exited with code ${code} while running a step`);
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
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
