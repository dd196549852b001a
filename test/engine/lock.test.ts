import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { liveGcs, liveRuns, withGcLock, withRunLock } from '../../engine/lock.js';

let root: string;
const locks = () => path.join(root, 'cache', 'locks');
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-lock-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('withRunLock', () => {
  it('registers this process while the run is going and removes its lock afterwards', async () => {
    const seen = await withRunLock(root, async () => {
      expect(fs.readdirSync(locks())).toHaveLength(1);
      return liveRuns(root);
    });
    expect(seen).toEqual({ ok: true, value: [process.pid] });
    expect(fs.readdirSync(locks())).toEqual([]);
    expect(liveRuns(root)).toEqual([]);
  });

  it('removes its lock when the run throws, and passes the error on', async () => {
    await expect(withRunLock(root, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(fs.readdirSync(locks())).toEqual([]);
  });

  it('keeps an outer run registered after an inner run of the same process ends (same millisecond)', async () => {
    // Two runs in one process (e.g. the library API running two pipelines at once) that
    // start in the same millisecond must not share one lock file: when the first ends, the
    // second must still be registered, or `agglo gc` may delete entries under it.
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
    try {
      const after = await withRunLock(root, async () => {
        await withRunLock(root, async () => {});
        return fs.readdirSync(locks()).length;
      });
      expect(after).toEqual({ ok: true, value: 1 });
    } finally {
      vi.restoreAllMocks();
    }
  });
});

describe('liveRuns', () => {
  it('is empty when there is no lock folder', () => {
    expect(liveRuns(root)).toEqual([]);
  });

  it('removes the stale lock of a dead process and keeps live ones and foreign files', () => {
    fs.mkdirSync(locks(), { recursive: true });
    const dead = deadPid();
    fs.writeFileSync(path.join(locks(), `run-${dead}-1.lock`), String(dead));
    fs.writeFileSync(path.join(locks(), `run-${process.pid}-2.lock`), String(process.pid));
    fs.writeFileSync(path.join(locks(), 'README'), 'not a lock');
    expect(liveRuns(root)).toEqual([process.pid]);
    expect(fs.readdirSync(locks()).sort()).toEqual(['README', `run-${process.pid}-2.lock`]);
  });
});

/** A process that lives until killed: a stand-in for another agglo holding a lock. */
function sleeper(): ChildProcess {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
}

describe('run and gc never overlap (the two-flag protocol of engine/lock.ts)', () => {
  let other: ChildProcess | undefined;
  afterEach(() => {
    other?.kill('SIGKILL');
    other = undefined;
  });

  it('gc refuses while a run holds its lock, runs nothing and leaves no lock of its own', async () => {
    let ran = false;
    const inner = await withRunLock(root, async () => withGcLock(root, () => { ran = true; }));
    expect(inner).toEqual({ ok: true, value: { ok: false, reason: 'run-in-progress', pids: [process.pid] } });
    expect(ran).toBe(false);
    expect(fs.readdirSync(locks())).toEqual([]);
  });

  it('gc goes ahead when no run is registered, and holds its lock while it works', () => {
    const r = withGcLock(root, () => liveGcs(root));
    expect(r).toEqual({ ok: true, value: [process.pid] });
    expect(fs.readdirSync(locks())).toEqual([]);
  });

  it('a run waits while a live gc holds its lock, keeping its own lock meanwhile, and starts when the gc ends', async () => {
    other = sleeper();
    const gcPid = other.pid!;
    fs.mkdirSync(locks(), { recursive: true });
    fs.writeFileSync(path.join(locks(), `gc-${gcPid}-1-aa.lock`), String(gcPid));
    const waited: number[] = [];
    let started = false;
    const run = withRunLock(root, async () => { started = true; return 'done'; }, { pollMs: 10, onWait: (pid) => waited.push(pid) });
    await new Promise((r) => setTimeout(r, 100));
    expect(started).toBe(false);
    expect(waited).toEqual([gcPid]);
    // The waiting run is registered: a gc starting now refuses.
    expect(liveRuns(root)).toEqual([process.pid]);
    expect(withGcLock(root, () => 'collected')).toMatchObject({ ok: false, reason: 'run-in-progress' });
    fs.rmSync(path.join(locks(), `gc-${gcPid}-1-aa.lock`));
    expect(await run).toEqual({ ok: true, value: 'done' });
    expect(waited).toEqual([gcPid]);
  });

  it('a run gives up, running nothing, when the gc outlasts the wait', async () => {
    other = sleeper();
    const gcPid = other.pid!;
    fs.mkdirSync(locks(), { recursive: true });
    fs.writeFileSync(path.join(locks(), `gc-${gcPid}-1-aa.lock`), String(gcPid));
    let started = false;
    const r = await withRunLock(root, async () => { started = true; }, { pollMs: 10, maxWaitMs: 50 });
    expect(r).toMatchObject({ ok: false, reason: 'gc-running', pid: gcPid });
    expect(started).toBe(false);
    // Its own lock is gone; the gc's is not its to remove.
    expect(fs.readdirSync(locks())).toEqual([`gc-${gcPid}-1-aa.lock`]);
  });

  it('the lock of a gc killed with -9 is stale: a run removes it and starts at once', async () => {
    const dead = deadPid();
    fs.mkdirSync(locks(), { recursive: true });
    fs.writeFileSync(path.join(locks(), `gc-${dead}-1-aa.lock`), String(dead));
    const waited: number[] = [];
    expect(await withRunLock(root, async () => 1, { onWait: (pid) => waited.push(pid) })).toEqual({ ok: true, value: 1 });
    expect(waited).toEqual([]);
    expect(fs.readdirSync(locks())).toEqual([]);
  });

  it('a lock that cannot be created is a clear answer, not a throw', async () => {
    fs.mkdirSync(path.join(root, 'cache'), { recursive: true });
    fs.writeFileSync(locks(), 'a file where the lock folder should be');
    const r = await withRunLock(root, async () => 1);
    expect(r).toMatchObject({ ok: false, reason: 'cannot-lock' });
    expect((r as { problem: string }).problem).toMatch(/cannot create a lock file in cache\/locks/);
    expect(withGcLock(root, () => 1)).toMatchObject({ ok: false, reason: 'cannot-lock' });
  });
});
