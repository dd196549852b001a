import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { liveRuns, withRunLock } from '../../engine/lock.js';

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
    expect(seen).toEqual([process.pid]);
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
      expect(after).toBe(1);
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
