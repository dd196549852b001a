/**
 * Run locks: `agglo run` registers itself in cache/locks/ so that `agglo gc` never deletes
 * entries under a running pipeline. Concurrent runs need no lock between them: every cache
 * write is atomic and content-addressed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

function lockDir(root: string): string {
  return path.join(root, 'cache', 'locks');
}

export async function withRunLock<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const dir = lockDir(root);
  fs.mkdirSync(dir, { recursive: true });
  // The random part keeps two runs of one process (e.g. `agglo watch`) from sharing a lock.
  const file = path.join(dir, `run-${process.pid}-${Date.now()}-${randomBytes(4).toString('hex')}.lock`);
  fs.writeFileSync(file, String(process.pid));
  try {
    return await fn();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Pids of runs in progress (stale locks of dead processes are removed). */
export function liveRuns(root: string): number[] {
  const dir = lockDir(root);
  let files: string[];
  try {
    files = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const f of files) {
    const pid = Number(/^run-(\d+)-/.exec(f)?.[1]);
    if (!pid) continue;
    if (processAlive(pid)) pids.push(pid);
    else fs.rmSync(path.join(dir, f), { force: true });
  }
  return pids;
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
