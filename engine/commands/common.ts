/** What every command shares: options, loading a pipeline and printing its diagnostics. */
import os from 'node:os';
import path from 'node:path';
import { formatDiagnostics } from '../diagnostics-format.js';
import { LocalExecutor } from '../executor.js';
import { projectConfig } from '../project-config.js';
import type { ExecutorKind } from '../cluster/executor-kind.js';
import { loadPipeline, type Loaded } from '../load.js';
import { withRunLock } from '../lock.js';
import type { Plan } from '../plan.js';
import { LocalStore } from '../store.js';

export const DEFAULT_PIPELINE = 'pipelines/paper.yaml';

/** Exit codes: 0 ok, 1 a stage failed, 2 invalid pipeline or usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_INVALID = 2;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTTY: boolean;
  readonly color: boolean;
}

export const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  isTTY: process.stdout.isTTY === true,
  color: process.stderr.isTTY === true && !process.env.NO_COLOR,
};

export class UsageError extends Error {}

export interface Project {
  readonly root: string;
  readonly store: LocalStore;
}

export function openProject(io: Io): Project {
  const root = process.cwd();
  return { root, store: new LocalStore(path.join(root, 'cache'), (m) => io.err(`warning: ${m}\n`)) };
}

/** Loads and validates; prints diagnostics (warnings too). Returns the plan or undefined on errors. */
export async function loadOrReport(file: string, project: Project, io: Io): Promise<{ loaded: Loaded; plan?: Plan }> {
  const loaded = await loadPipeline(file, project.root);
  if (loaded.diagnostics.length > 0) io.err(formatDiagnostics(loaded.diagnostics, loaded.sources, { color: io.color }));
  return { loaded, plan: loaded.plan };
}

/**
 * Runs a command that reads or writes the cache (run, status, report, each rerun of watch)
 * registered as a run, from before it loads the pipeline to its end: loading takes a while
 * (plugins, input hashes), and a gc starting meanwhile could delete what the run then uses.
 * Waits for a gc in progress, saying so once; exit 1 if it has not finished in time.
 */
export async function withProjectLock(project: Project, io: Io, fn: () => Promise<number>): Promise<number> {
  const locked = await withRunLock(project.root, fn, {
    onWait: (pid) => io.err(`waiting for agglo gc (pid ${pid}) to finish…\n`),
  });
  if (locked.ok) return locked.value;
  if (locked.reason === 'cannot-lock') {
    io.err(`error: ${locked.problem}\n`);
  } else {
    io.err(`error: agglo gc (pid ${locked.pid}) is still running after ${Math.round(locked.waitedMs / 1000)} s; nothing was run. Try again when it has finished (if pid ${locked.pid} is not agglo gc, delete its lock, cache/locks/gc-${locked.pid}-….lock)\n`);
  }
  return EXIT_FAILED;
}

export function defaultJobs(): number {
  return Math.max(1, os.availableParallelism());
}

export function makeExecutor(loaded: Loaded, jobs: number): LocalExecutor {
  return new LocalExecutor(loaded.registry, jobs);
}

/** The executor a run uses: --executor, else the project's `executor.default`, else local. */
export function executorKind(root: string, flag: ExecutorKind | undefined): ExecutorKind {
  return flag ?? projectConfig(root).executor;
}

export function parseJobs(v: string | undefined): number {
  if (v === undefined) return defaultJobs();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--jobs must be a positive integer, got \`${v}\``);
  return n;
}
