/**
 * sweepStore (engine/sweep-run.ts): the store a sweep runs its variants on remembers the
 * objects it verified and the state files it read or wrote, and nothing else changes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { LocalStore } from '../../engine/store.js';
import { sweepStore } from '../../engine/sweep-run.js';

const dirs: string[] = [];
function tempStore(): LocalStore {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-sweep-store-'));
  dirs.push(dir);
  return new LocalStore(path.join(dir, 'cache'));
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('sweepStore', () => {
  test('an object found sound is verified once; one deleted through it is checked again', () => {
    const store = tempStore();
    const hash = store.putObject('a model');
    const verify = vi.spyOn(store, 'verifyObject');
    const s = sweepStore(store);
    expect([s.verifyObject(hash), s.verifyObject(hash), s.verifyObject(hash)]).toEqual([true, true, true]);
    expect(verify).toHaveBeenCalledTimes(1);
    s.deleteObject(hash);
    expect(s.verifyObject(hash)).toBe(false);
    expect(verify).toHaveBeenCalledTimes(2);
    // A missing object is not remembered as missing: put back, it is found.
    expect(s.verifyObject(s.putObject('a model'))).toBe(true);
  });

  test('a state file is read from disk once, and reads back what was written as its JSON', () => {
    const store = tempStore();
    store.writeState('pipeline-x', { version: 1, n: 1 });
    const read = vi.spyOn(store, 'readStateFile');
    const s = sweepStore(store);
    expect(s.readStateFile('pipeline-x')).toEqual({ ok: true, value: { version: 1, n: 1 } });
    expect(s.readState('pipeline-x')).toEqual({ version: 1, n: 1 });
    expect(read).toHaveBeenCalledTimes(1);
    // Written: on disk, and read back as JSON reads it (undefined dropped, a Date as text).
    s.writeState('pipeline-x', { version: 1, n: 2, gone: undefined, at: new Date(0) });
    const expected = { version: 1, n: 2, at: '1970-01-01T00:00:00.000Z' };
    expect(s.readStateFile('pipeline-x')).toEqual({ ok: true, value: expected });
    expect(read).toHaveBeenCalledTimes(1);
    expect(store.readState('pipeline-x')).toEqual(expected);
    // A missing state stays a miss (and is asked again).
    expect(s.readStateFile('pipeline-none')).toEqual({ ok: false, problem: 'missing' });
    expect(s.readState('pipeline-none')).toBeUndefined();
  });

  test('everything else is the store itself', () => {
    const store = tempStore();
    const s = sweepStore(store);
    const hash = s.putObject('bytes');
    expect(Buffer.from(store.getObject(hash)!).toString('utf8')).toBe('bytes');
    expect(s.listObjects()).toEqual([hash]);
  });
});
