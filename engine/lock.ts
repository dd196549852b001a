/**
 * Locks between `agglo run` and `agglo gc`, as files in cache/locks/ named
 * `run-PID-….lock` and `gc-PID-….lock`. Concurrent runs need no lock between them: every
 * cache write is atomic and content-addressed. A run and a gc must never overlap: gc deletes
 * what no pipeline state references, and a run may be about to use (or have just written)
 * exactly such an entry.
 *
 * The protocol has two flags, and each side raises its own before it looks at the other's:
 * - a run creates its run lock, then waits while a live gc lock exists;
 * - gc creates its gc lock, then refuses (removing its lock) if a live run lock exists.
 * Whatever the order, they cannot both go ahead. If the run created its lock before gc looked,
 * gc sees it and refuses. Otherwise gc looked first, and gc's lock was there before gc
 * looked, so before the run's lock was created, so before the run looked: the run sees it and
 * waits. When both look after both locks exist, gc refuses and the run waits only until gc has
 * removed its lock. The run keeps its own lock while it waits, so no later gc can start.
 *
 * A lock whose process is gone (killed with -9) is stale: whoever sees it removes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

type LockKind = 'run' | 'gc';

/** How long a run waits for a gc to finish before giving up, and how often it looks. */
export interface GcWait {
  readonly maxWaitMs?: number;
  readonly pollMs?: number;
  /** Called once, when the run first has to wait; `pid` is the gc's. */
  readonly onWait?: (pid: number) => void;
}

/** A run that could not start because gc held its lock for the whole wait. */
export interface GcBusy {
  readonly ok: false;
  readonly reason: 'gc-running';
  readonly pid: number;
  readonly waitedMs: number;
}

/** The lock file could not be created (cache/locks is in the way, or cannot be written). */
export interface NoLock {
  readonly ok: false;
  readonly reason: 'cannot-lock';
  readonly problem: string;
}

/** gc could not start because runs are in progress (their pids). */
export interface RunsBusy {
  readonly ok: false;
  readonly reason: 'run-in-progress';
  readonly pids: number[];
}

export type Locked<T> = { readonly ok: true; readonly value: T };

/** gc is quick (it deletes files); a minute covers a large cache on a slow disk. */
export const DEFAULT_GC_WAIT_MS = 60_000;

function lockDir(root: string): string {
  return path.join(root, 'cache', 'locks');
}

/** Creates a lock file (its name is in the folder from this call on): its path, or why not. */
function createLock(root: string, kind: LockKind): { ok: true; file: string } | NoLock {
  const dir = lockDir(root);
  // The random part keeps two runs of one process (e.g. `agglo watch`) from sharing a lock.
  const file = path.join(dir, `${kind}-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.lock`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    return { ok: false, reason: 'cannot-lock', problem: `cannot create a lock file in cache/locks (${code}); remove whatever is in the way` };
  }
  return { ok: true, file };
}

function removeLock(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Not a file any more (someone put a folder there): nothing of ours to remove.
  }
}

/**
 * Runs `fn` registered as a run. Before `fn` starts, waits (up to `maxWaitMs`) while a gc
 * is going on; if it still is, `fn` does not run and the answer says which gc.
 */
export async function withRunLock<T>(root: string, fn: () => Promise<T>, wait: GcWait = {}): Promise<Locked<T> | GcBusy | NoLock> {
  const lock = createLock(root, 'run');
  if (!lock.ok) return lock;
  try {
    const t0 = Date.now();
    let announced = false;
    for (;;) {
      const gc = liveGcs(root)[0];
      if (gc === undefined) break;
      if (!announced) wait.onWait?.(gc);
      announced = true;
      const waitedMs = Date.now() - t0;
      if (waitedMs >= (wait.maxWaitMs ?? DEFAULT_GC_WAIT_MS)) return { ok: false, reason: 'gc-running', pid: gc, waitedMs };
      await sleep(wait.pollMs ?? 200);
    }
    return { ok: true, value: await fn() };
  } finally {
    removeLock(lock.file);
  }
}

/** Runs `fn` registered as a gc, unless a run is in progress (then `fn` does not run). */
export function withGcLock<T>(root: string, fn: () => T): Locked<T> | RunsBusy | NoLock {
  const lock = createLock(root, 'gc');
  if (!lock.ok) return lock;
  try {
    const pids = liveRuns(root);
    if (pids.length > 0) return { ok: false, reason: 'run-in-progress', pids };
    return { ok: true, value: fn() };
  } finally {
    removeLock(lock.file);
  }
}

/** Pids of runs in progress (stale locks of dead processes are removed). */
export function liveRuns(root: string): number[] {
  return liveLocks(root, 'run');
}

/** Pids of gcs in progress (stale locks of dead processes are removed). */
export function liveGcs(root: string): number[] {
  return liveLocks(root, 'gc');
}

function liveLocks(root: string, kind: LockKind): number[] {
  const dir = lockDir(root);
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const pattern = new RegExp(`^${kind}-(\\d+)-`);
  const pids: number[] = [];
  for (const f of files) {
    const pid = Number(pattern.exec(f)?.[1]);
    if (!pid) continue;
    if (processAlive(pid)) pids.push(pid);
    else removeLock(path.join(dir, f));
  }
  return [...new Set(pids)];
}

/** Whether a process with this pid is running (EPERM: it exists but belongs to another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
