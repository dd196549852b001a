import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileHasher } from '../../engine/file-hash.js';
import { LocalStore } from '../../engine/store.js';

let root: string;
let store: LocalStore;
const FIXED = new Date('2020-01-01T00:00:00Z');
const sha = (s: string) => createHash('sha256').update(s).digest('hex');

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-fh-'));
  store = new LocalStore(path.join(root, 'cache'));
  fs.mkdirSync(path.join(root, 'data'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function write(rel: string, text: string, mtime = FIXED): string {
  const abs = path.join(root, rel);
  fs.writeFileSync(abs, text);
  fs.utimesSync(abs, mtime, mtime);
  return abs;
}

describe('FileHasher', () => {
  it('hashes the bytes with sha256', () => {
    const abs = write('data/a.csv', 'x,y\n1,2\n');
    expect(new FileHasher(root, store).hash(abs)).toBe(sha('x,y\n1,2\n'));
  });

  it('gives undefined for a missing file or a folder', () => {
    const h = new FileHasher(root, store);
    expect(h.hash(path.join(root, 'data/none.csv'))).toBeUndefined();
    expect(h.hash(path.join(root, 'data'))).toBeUndefined();
  });

  it('saves its memo keyed by project-relative path, only when something changed', () => {
    const abs = write('data/a.csv', 'abc');
    const h = new FileHasher(root, store);
    h.hash(abs);
    expect(store.readState('file-hashes')).toBeUndefined();
    h.save();
    expect(store.readState('file-hashes')).toEqual({ [path.join('data', 'a.csv')]: { size: 3, mtimeMs: FIXED.getTime(), hash: sha('abc') } });
    const stateFile = path.join(root, 'cache', 'state', 'file-hashes.json');
    fs.rmSync(stateFile);
    h.save(); // nothing new since the last save
    expect(fs.existsSync(stateFile)).toBe(false);
  });

  it('trusts the memo of a later run while size and mtime are unchanged (no re-read)', () => {
    const abs = write('data/a.csv', 'abc');
    const first = new FileHasher(root, store);
    first.hash(abs);
    first.save();
    write('data/a.csv', 'xyz'); // same size, mtime put back: the memo answers
    expect(new FileHasher(root, store).hash(abs)).toBe(sha('abc'));
  });

  it('re-hashes when the mtime or the size changes', () => {
    const abs = write('data/a.csv', 'abc');
    const first = new FileHasher(root, store);
    first.hash(abs);
    first.save();
    write('data/a.csv', 'xyz', new Date(FIXED.getTime() + 1000));
    expect(new FileHasher(root, store).hash(abs)).toBe(sha('xyz'));
    write('data/a.csv', 'abcd');
    expect(new FileHasher(root, store).hash(abs)).toBe(sha('abcd'));
  });

  it('remember() records a hash for a file the engine just wrote', () => {
    const abs = write('data/out.txt', 'written');
    const h = new FileHasher(root, store);
    const claimed = 'c'.repeat(64); // a sha256 in form: the memo drops entries that are not
    h.remember(abs, claimed);
    expect(h.hash(abs)).toBe(claimed);
    h.save();
    expect(new FileHasher(root, store).hash(abs)).toBe(claimed);
  });

  it('rehash: re-reads a file whose size and mtime kept, refreshes the memo, then trusts it', () => {
    const abs = write('data/a.csv', 'abc');
    const first = new FileHasher(root, store);
    first.hash(abs);
    first.save();
    write('data/a.csv', 'xyz'); // same size, mtime put back
    const verifying = new FileHasher(root, store, { rehash: true });
    expect(verifying.hash(abs)).toBe(sha('xyz'));
    verifying.save();
    // The memo now holds what was read: a plain hasher of a later run sees the edit too.
    expect(new FileHasher(root, store).hash(abs)).toBe(sha('xyz'));
    // Within one rehashing hasher a file is read once: what it just read is trusted.
    write('data/a.csv', 'abc');
    expect(verifying.hash(abs)).toBe(sha('xyz'));
  });

  it('rehash trusts what the engine wrote in the same run (remember)', () => {
    const abs = write('data/out.txt', 'written');
    const h = new FileHasher(root, store, { rehash: true });
    const claimed = 'c'.repeat(64);
    h.remember(abs, claimed);
    expect(h.hash(abs)).toBe(claimed);
  });

  it('rehash writes nothing on save when every file was as memoised', () => {
    const abs = write('data/a.csv', 'abc');
    const first = new FileHasher(root, store);
    first.hash(abs);
    first.save();
    const verifying = new FileHasher(root, store, { rehash: true });
    const stateFile = path.join(root, 'cache', 'state', 'file-hashes.json');
    fs.rmSync(stateFile); // the memo was read: a save would write it again
    verifying.hash(abs);
    verifying.save();
    expect(fs.existsSync(stateFile)).toBe(false);
  });

  it('ignores a memo state that is not an object', () => {
    store.writeState('file-hashes', 'garbage');
    const abs = write('data/a.csv', 'abc');
    expect(new FileHasher(root, store).hash(abs)).toBe(sha('abc'));
  });
});

describe('FileHasher.recorded (what the memo held when the run began)', () => {
  it('keeps the hash from before this hasher re-hashed or remembered the file', () => {
    const abs = write('data/a.csv', 'first');
    const one = new FileHasher(root, store);
    one.hash(abs);
    one.save();
    const two = new FileHasher(root, store);
    expect(two.recorded(abs)).toBe(sha('first'));
    write('data/a.csv', 'edited', new Date('2021-01-01T00:00:00Z'));
    expect(two.hash(abs)).toBe(sha('edited'));
    expect(two.recorded(abs)).toBe(sha('first'));
    write('data/a.csv', 'rewritten', new Date('2022-01-01T00:00:00Z'));
    two.remember(abs, sha('rewritten'));
    expect(two.recorded(abs)).toBe(sha('first'));
    expect(two.recorded(path.join(root, 'data/none.csv'))).toBeUndefined();
  });
});
