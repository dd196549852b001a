/**
 * The SLURM executor (`agglo run --executor slurm`, docs/distributed.md). The coordinator
 * plans, caches and explains exactly as in a local run; this executor only decides where a
 * task runs. Tasks of fan-out stages (foreach) and heavy steps (or every task, with
 * `remote: all`) go to worker jobs on the cluster, the others run here.
 *
 * Design: long-lived worker jobs, not a job per task. The executor collects the tasks handed
 * to it within a few milliseconds into batches (at most `batch` tasks, and spread over the
 * workers), writes each batch into the spool (engine/cluster/spool.ts) on the shared
 * filesystem, and keeps up to `max_jobs` worker jobs (engine/cluster/worker-main.ts) that
 * take batches, run them, and write the outcomes back. SLURM's second of scheduling is paid
 * once per worker job, not per task.
 *
 * Faults: every `monitor_ms` the executor asks `squeue` about its jobs. A job that left the
 * queue (scancel, time limit, node failure) while holding a batch has the batch put back
 * for another worker, at most `retries` times; then its tasks fail with the job id and how
 * it ended (`scontrol show job`). A task that fails by itself (its step's error) is an
 * outcome like any other and is not retried. close() stops the workers (a `stop` file, then
 * scancel) and removes the spool; cancel() does so at once (Ctrl-C).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Executor, TaskOutcome, TaskRequest } from '../executor.js';
import type { SlurmSettings } from './slurm-config.js';
import { jobState, sbatch, scancel, SlurmError, squeue } from './slurm-commands.js';
import { dropBatch, makeSpool, requeueBatch, runningBatches, takeDone, writeBatch, writeValue, writeWhole, type SpoolOutcome, type SpoolTask } from './spool.js';
import type { WorkerSettings } from './worker-main.js';

/** Where each stage's remote tasks are (for progress lines). */
export interface ClusterCounts { queued: number; running: number; done: number }

export interface SlurmExecutorOptions {
  readonly settings: SlurmSettings;
  /** Runs the tasks that stay on this machine. */
  readonly local: Executor;
  /** Progress of the remote tasks, by stage, with the worker jobs alive. */
  onProgress?(stages: ReadonlyMap<string, ClusterCounts>, jobs: readonly string[]): void;
  onWarning?(message: string): void;
}

interface Pending { id: string; req: TaskRequest; resolve: (o: TaskOutcome) => void }
interface Batch { tasks: Pending[]; attempts: number }

const workerScript = fileURLToPath(new URL('./worker-main.js', import.meta.url));

/** Whether a task goes to the cluster under `remote` (fanout: a foreach stage's task or a heavy step). */
export function runsRemotely(settings: Pick<SlurmSettings, 'remote'>, req: Pick<TaskRequest, 'item' | 'heavy' | 'isolate'>): boolean {
  return settings.remote === 'all' || req.item !== undefined || req.heavy || req.isolate === true;
}

export class SlurmExecutor implements Executor {
  private readonly s: SlurmSettings;
  private readonly dir: string;
  private pending: Pending[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly batches = new Map<string, Batch>();
  private seq = 0;
  /** Jobs submitted and not yet seen gone. */
  private readonly jobs = new Set<string>();
  /** Jobs seen taking a batch; a job that ends without ever taking one while batches wait is useless. */
  private readonly productive = new Set<string>();
  private useless = 0;
  private started = false;
  private failure: string | undefined;
  private timers: NodeJS.Timeout[] = [];
  private monitoring = false;
  /** Remote tasks finished, by stage (queued and running are read from the batches when reported). */
  private readonly done = new Map<string, number>();
  /** The ids of the jobs that ran each task's batch (for the run report). */
  readonly jobsUsed = new Set<string>();
  private closed = false;
  /** Outcomes by task fingerprint, from the spools of coordinators that died. */
  private readonly salvaged = new Map<string, SpoolOutcome>();

  constructor(private readonly opts: SlurmExecutorOptions) {
    this.s = opts.settings;
    this.dir = path.join(this.s.spool, `run-${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}`);
  }

  execute(req: TaskRequest): Promise<TaskOutcome> {
    if (!runsRemotely(this.s, req)) return this.opts.local.execute(req);
    if (this.failure) return Promise.resolve(this.failed(this.failure));
    if (!this.started) {
      try {
        this.start();
      } catch (e) {
        this.fail((e as Error).message);
        return Promise.resolve(this.failed(this.failure!));
      }
    }
    const found = req.fp ? this.salvaged.get(req.fp) : undefined;
    if (found) {
      this.salvaged.delete(req.fp!);
      return Promise.resolve({ ...found.outcome, job: found.job });
    }
    return new Promise((resolve) => {
      this.pending.push({ id: `t${++this.seq}`, req, resolve });
      if (!this.done.has(req.stage)) this.done.set(req.stage, 0);
      if (this.pending.length >= this.s.batch * this.s.maxJobs) this.flush();
      else this.flushTimer ??= setTimeout(() => this.flush(), 5);
    });
  }

  /** How many remote tasks fill a batch for every worker job (the runner keeps this many in flight). */
  get capacity(): number {
    return this.s.batch * this.s.maxJobs;
  }

  /** The spool folder (for messages and tests). */
  get spool(): string {
    return this.dir;
  }

  private finished(stage: string): void {
    this.done.set(stage, (this.done.get(stage) ?? 0) + 1);
  }

  private failed(message: string): TaskOutcome {
    return { ok: false, reason: 'cluster-unavailable', message, internal: false, ms: 0 };
  }

  /** Writes the waiting tasks as batches, spread over the workers; starts the cluster side first. */
  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pending.length === 0 || this.closed) return;
    try {
      this.start();
    } catch (e) {
      this.fail((e as Error).message);
      return;
    }
    const tasks = this.pending;
    this.pending = [];
    const size = Math.max(1, Math.min(this.s.batch, Math.ceil(tasks.length / this.s.maxJobs)));
    try {
      for (let i = 0; i < tasks.length; i += size) {
        const part = tasks.slice(i, i + size);
        // Names never reused in a run (batches finish in any order), in the order written.
        const name = `b${String(++this.batchSeq).padStart(8, '0')}`;
        this.batches.set(name, { tasks: part, attempts: 0 });
        writeBatch(this.dir, name, part.map((p): SpoolTask => ({ id: p.id, req: p.req })), (v) => this.valueFile(v));
      }
    } catch (e) {
      this.fail(`could not write tasks into the spool ${this.dir}: ${(e as Error).message}`);
      return;
    }
    void this.ensureWorkers();
  }

  private batchSeq = 0;
  /** Input values written to the spool, by the (frozen, shared) object the runner handed over. */
  private readonly valueIds = new WeakMap<object, string>();
  private valueFile(v: object): string {
    let h = this.valueIds.get(v);
    if (h === undefined) this.valueIds.set(v, (h = writeValue(this.dir, v)));
    return h;
  }

  /** The spool, the heartbeat, the pollers (once). */
  private start(): void {
    if (this.started) return;
    this.started = true;
    this.reapOrphans();
    makeSpool(this.dir);
    writeWhole(path.join(this.dir, 'coordinator.json'), JSON.stringify({ pid: process.pid, host: os.hostname(), started: new Date().toISOString() }));
    const worker: WorkerSettings = { pollMs: this.s.pollMs, idleMs: 120_000, staleMs: 60_000, cpus: this.s.cpusPerTask };
    writeWhole(path.join(this.dir, 'worker.json'), JSON.stringify(worker));
    this.beat();
    const node = this.s.node;
    const script = ['#!/bin/sh', ...this.s.setup, `exec ${shellWord(node)} ${shellWord(workerScript)} ${shellWord(this.dir)}`, ''].join('\n');
    writeWhole(path.join(this.dir, 'worker.sh'), script);
    fs.chmodSync(path.join(this.dir, 'worker.sh'), 0o755);
    this.timers.push(setInterval(() => this.beat(), 1000));
    this.timers.push(setInterval(() => this.collect(), this.s.pollMs));
    this.timers.push(setInterval(() => void this.monitor(), this.s.monitorMs));
    // Not unref'd: they are what the run waits on; close() clears them.
  }

  /**
   * The spools of coordinators that died (killed with -9, or their machine went down): their
   * worker jobs are cancelled (they would hold the cluster until their heartbeat check gives
   * up) and the folders removed, except one kept for its logs (a job failed in it).
   */
  private reapOrphans(): void {
    let entries: string[];
    try {
      entries = fs.readdirSync(this.s.spool).filter((n) => n.startsWith('run-'));
    } catch {
      return;
    }
    for (const name of entries) {
      const dir = path.join(this.s.spool, name);
      if (dir === this.dir || fs.existsSync(path.join(dir, 'kept'))) continue;
      if (!coordinatorDead(dir, 60_000)) continue;
      // Outcomes its workers finished that it never read: the same task (by fingerprint) in this run takes them.
      try {
        for (const { outcomes } of takeDone(dir)) for (const o of outcomes) if (o.fp && o.outcome.ok) this.salvaged.set(o.fp, o);
      } catch {
        /* a damaged spool: nothing to take */
      }
      const jobs = (fs.existsSync(path.join(dir, 'jobs')) ? fs.readFileSync(path.join(dir, 'jobs'), 'utf8') : '').split('\n').filter((l) => /^\d+$/.test(l));
      if (jobs.length) void scancel(jobs).catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  private beat(): void {
    const f = path.join(this.dir, 'alive');
    try {
      const now = new Date();
      if (fs.existsSync(f)) fs.utimesSync(f, now, now);
      else fs.writeFileSync(f, '');
    } catch {
      /* the spool went away: close() or a user; the pollers say so */
    }
  }

  /** Submits worker jobs up to max_jobs while batches wait. */
  private async ensureWorkers(): Promise<void> {
    const want = Math.min(this.s.maxJobs, this.batches.size);
    while (this.jobs.size + this.submitting < want && !this.closed && !this.failure) {
      this.submitting++;
      try {
        const submission = sbatch(this.sbatchArgs(), path.join(this.dir, 'worker.sh'));
        this.submissions.add(submission);
        const id = await submission.finally(() => this.submissions.delete(submission));
        this.jobs.add(id);
        // Recorded, so that a later run can cancel them if this coordinator is killed.
        try {
          fs.appendFileSync(path.join(this.dir, 'jobs'), `${id}\n`);
        } catch {
          /* the run is closing: close() cancels the job */
        }
      } catch (e) {
        this.fail(e instanceof SlurmError ? e.message : `could not submit a worker job: ${(e as Error).message}`);
        return;
      } finally {
        this.submitting--;
      }
    }
  }

  private submitting = 0;
  /** sbatch calls under way: close() waits for them, so that no job it did not know of is left. */
  private readonly submissions = new Set<Promise<string>>();

  private sbatchArgs(): string[] {
    const s = this.s;
    return [
      '--job-name=agglo-worker', `--output=${path.join(this.dir, 'logs', '%j.log')}`, `--chdir=${process.cwd()}`,
      `--time=${s.time}`, `--cpus-per-task=${s.cpusPerTask}`,
      ...(s.partition ? [`--partition=${s.partition}`] : []), ...(s.account ? [`--account=${s.account}`] : []), ...(s.memory ? [`--mem=${s.memory}`] : []),
      ...s.sbatchArgs,
    ];
  }

  /** Reads the finished batches: each task's promise is resolved with its outcome. */
  private collect(): void {
    // Nothing out: no need to list the spool (every poll_ms, on a network filesystem).
    if (this.batches.size === 0) return;
    let got: ReturnType<typeof takeDone>;
    try {
      got = takeDone(this.dir);
    } catch (e) {
      if (!this.closed) this.fail(`the spool ${this.dir} could not be read: ${(e as Error).message}`);
      return;
    }
    for (const { batch, outcomes } of got) {
      const b = this.batches.get(batch);
      if (!b) continue;
      this.batches.delete(batch);
      const byId = new Map(outcomes.map((o) => [o.id, o]));
      for (const p of b.tasks) {
        const o = byId.get(p.id);
        this.finished(p.req.stage);
        if (o) this.jobsUsed.add(o.job);
        p.resolve(o ? { ...o.outcome, job: o.job } : { ok: false, reason: 'internal-error', message: `the worker's outcomes of batch ${batch} lack task ${p.id}`, internal: true, ms: 0 });
      }
    }
    this.report();
  }

  private lastProgress = '';
  private report(): void {
    // queued vs running from the spool: a batch in running/ is being worked on.
    let running = new Map<string, string[]>();
    try {
      running = runningBatches(this.dir);
    } catch {
      return;
    }
    for (const job of running.keys()) this.productive.add(job);
    const inRunning = new Set([...running.values()].flat());
    // Every stage that sent a task has an entry in `done` (set when the task came).
    const counts = new Map<string, ClusterCounts>([...this.done].map(([stage, done]) => [stage, { queued: 0, running: 0, done }]));
    for (const [name, b] of this.batches) for (const p of b.tasks) counts.get(p.req.stage)![inRunning.has(name) ? 'running' : 'queued']++;
    for (const p of this.pending) counts.get(p.req.stage)!.queued++;
    const key = JSON.stringify([...counts, [...this.jobs]]);
    if (key === this.lastProgress) return;
    this.lastProgress = key;
    this.opts.onProgress?.(counts, [...this.jobs]);
  }

  /** Asks SLURM which worker jobs are gone; their batches go back to the queue, or fail. */
  private async monitor(): Promise<void> {
    if (this.monitoring || this.closed || this.jobs.size === 0) return;
    this.monitoring = true;
    try {
      const alive = await squeue([...this.jobs]);
      const gone = [...this.jobs].filter((id) => !alive.has(id) || /^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY)/.test(alive.get(id)!));
      if (gone.length === 0) return;
      this.collect(); // outcomes a job wrote just before it left are not lost
      const held = runningBatches(this.dir);
      for (const id of gone) {
        this.jobs.delete(id);
        const batches = held.get(id) ?? [];
        if (batches.length === 0) {
          // A job that never took a task while tasks waited cannot run them: the same failure
          // would repeat with every job submitted, so after a few the run says why.
          if (!this.productive.has(id) && !this.jobsUsed.has(id) && this.batches.size > 0 && ++this.useless > this.s.maxJobs + 1) {
            this.keepSpool = true;
            this.fail(`SLURM worker jobs end without running a task (the last, job ${id}, ${await jobState(id)}); its output is in ${path.join(this.dir, 'logs', `${id}.log`)}. Is Node.js available on the compute nodes (settings \`node\` and \`setup\` in agglo.config.yaml, docs/distributed.md), and the project folder shared with them?`);
            return;
          }
          continue;
        }
        this.productive.add(id);
        const how = await jobState(id);
        for (const name of batches) this.jobDied(name, id, how);
      }
      await this.ensureWorkers();
    } catch (e) {
      if (!this.closed) this.fail(e instanceof SlurmError ? e.message : (e as Error).message);
    } finally {
      this.monitoring = false;
    }
  }

  private jobDied(name: string, job: string, how: string): void {
    const b = this.batches.get(name);
    if (!b) return;
    b.attempts++;
    const log = path.join(this.dir, 'logs', `${job}.log`);
    if (b.attempts <= this.s.retries && requeueBatch(this.dir, name, job)) {
      this.opts.onWarning?.(`SLURM job ${job} ended (${how}) while running ${b.tasks.length} task${b.tasks.length === 1 ? '' : 's'} (${stageNames(b.tasks)}); they run again (retry ${b.attempts} of ${this.s.retries})`);
      return;
    }
    dropBatch(this.dir, name, job);
    this.batches.delete(name);
    this.keepSpool = true;
    for (const p of b.tasks) {
      this.finished(p.req.stage);
      p.resolve({ ok: false, reason: 'cluster-job-failed', message: `SLURM job ${job} ended (${how}) while running this task, ${b.attempts} time${b.attempts === 1 ? '' : 's'} (retries: ${this.s.retries}); the job's output is in ${log}`, internal: false, ms: 0, job });
    }
  }

  private keepSpool = false;

  /** The cluster cannot take tasks: every waiting and future remote task fails with why. */
  private fail(message: string): void {
    if (this.failure) return;
    this.failure = message;
    for (const p of this.pending) p.resolve(this.failed(message));
    this.pending = [];
    for (const b of this.batches.values()) for (const p of b.tasks) p.resolve(this.failed(message));
    this.batches.clear();
  }

  /** The reason remote tasks failed without running, if the cluster could not be used. */
  get unavailable(): string | undefined {
    return this.failure;
  }

  /** Stops the workers and removes the spool (its logs stay when a job failed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const t of this.timers) clearInterval(t);
    if (this.started) {
      try {
        fs.writeFileSync(path.join(this.dir, 'stop'), '');
      } catch {
        /* gone already */
      }
      await Promise.allSettled([...this.submissions]);
      await new Promise((r) => setImmediate(r)); // their job ids are added to this.jobs
      await scancel([...this.jobs]).catch(() => undefined);
      this.jobs.clear();
      if (!this.keepSpool) fs.rmSync(this.dir, { recursive: true, force: true });
      else fs.writeFileSync(path.join(this.dir, 'kept'), 'kept for the logs of a failed worker job; delete this folder when read\n');
    }
    await this.opts.local.close();
  }

  /** Ctrl-C or SIGTERM of the coordinator: cancels every submitted job now. */
  async cancel(): Promise<void> {
    await this.close();
  }
}

/** Whether the coordinator of a spool is gone: its process is not alive on this host, or its heartbeat is older than `staleMs`. */
export function coordinatorDead(dir: string, staleMs: number): boolean {
  try {
    const c = JSON.parse(fs.readFileSync(path.join(dir, 'coordinator.json'), 'utf8')) as { pid?: number; host?: string };
    if (c.host === os.hostname() && typeof c.pid === 'number' && !pidAlive(c.pid)) return true;
  } catch {
    /* no record: judged by its heartbeat */
  }
  const alive = fs.statSync(path.join(dir, 'alive'), { throwIfNoEntry: false }) ?? fs.statSync(dir, { throwIfNoEntry: false });
  return !alive || Date.now() - alive.mtimeMs > staleMs;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stageNames(tasks: readonly Pending[]): string {
  return [...new Set(tasks.map((t) => `\`${t.req.stage}\``))].join(', ');
}

/** A word for /bin/sh, quoted. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}
