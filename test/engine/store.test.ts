import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStore, writeFileAtomic, type RunRecord } from '../../engine/store.js';

let dir: string;
let warnings: string[];
let store: LocalStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-store-'));
  warnings = [];
  store = new LocalStore(dir, (m) => warnings.push(m));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every file under `d`, recursively, relative to it. */
function allFiles(d: string): string[] {
  return (fs.readdirSync(d, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(d, f)).isFile()).sort();
}

const objectFile = (h: string) => path.join(dir, 'objects', h.slice(0, 2), h);
const recordFile = (fp: string) => path.join(dir, 'runs', fp.slice(0, 2), `${fp}.json`);

function record(fp: string, outputs: Record<string, string> = {}): RunRecord {
  return { fingerprint: fp, stage: 's', step: 'x', stepVersion: '1', outputs, files: {}, notes: [], ms: 1, createdAt: '2024-01-01T00:00:00.000Z' };
}

/** A fixed mtime (whole seconds, so the stat value is exact on every file system). */
const FIXED = new Date('2020-01-01T00:00:00Z');

describe('writeFileAtomic', () => {
  it('creates parent folders, replaces existing content and leaves no temp file', () => {
    const file = path.join(dir, 'a', 'b', 'c.txt');
    writeFileAtomic(file, 'one');
    writeFileAtomic(file, 'two');
    writeFileAtomic(file, new Uint8Array([0x74, 0x68, 0x72, 0x65, 0x65]));
    expect(fs.readFileSync(file, 'utf8')).toBe('three');
    expect(allFiles(dir)).toEqual([path.join('a', 'b', 'c.txt')]);
  });
});

describe('LocalStore objects', () => {
  it('names an object by the sha256 of its bytes, sharded by the first two hex digits', () => {
    const h = store.putObject('hello');
    expect(h).toBe(createHash('sha256').update('hello').digest('hex'));
    expect(fs.readFileSync(objectFile(h), 'utf8')).toBe('hello');
    expect(Buffer.from(store.getObject(h)!).toString('utf8')).toBe('hello');
    expect(store.hasObject(h)).toBe(true);
    expect(store.listObjects()).toEqual([h]);
  });

  it('writes atomically: after many puts (and repeats) there is no temp file anywhere', () => {
    const hashes = new Set<string>();
    for (let i = 0; i < 50; i++) hashes.add(store.putObject(`value ${i % 20}`));
    store.putRecord(record('ab'.repeat(32)));
    store.writeState('x', { a: 1 });
    store.writeState('x', { a: 2 });
    expect(hashes.size).toBe(20);
    const files = allFiles(dir);
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    expect(files).toHaveLength(20 + 1 + 1);
    expect(new Set(store.listObjects())).toEqual(hashes);
  });

  it('does not list a temp file left by a crashed writer as an object', () => {
    const h = store.putObject('x');
    fs.writeFileSync(`${objectFile(h)}.tmp-123-abcd`, 'partial');
    expect(store.listObjects()).toEqual([h]);
  });

  it('reports a missing object as undefined without a warning', () => {
    expect(store.getObject('00'.repeat(32))).toBeUndefined();
    expect(store.verifyObject('00'.repeat(32))).toBe(false);
    expect(warnings).toEqual([]);
  });

  it('treats a corrupt object as missing and warns, naming the object', () => {
    const h = store.putObject('the right bytes');
    fs.writeFileSync(objectFile(h), 'the wrong bytes');
    expect(store.getObject(h)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(h.slice(0, 12));
    expect(warnings[0]).toMatch(/corrupt/);
    expect(store.verifyObject(h)).toBe(false);
  });

  it('repairs a corrupt object when the same content is put again', () => {
    const h = store.putObject('payload');
    fs.writeFileSync(objectFile(h), 'garbage');
    expect(store.putObject('payload')).toBe(h);
    expect(Buffer.from(store.getObject(h)!).toString()).toBe('payload');
  });

  it('deletes objects', () => {
    const h = store.putObject('gone');
    store.deleteObject(h);
    expect(store.hasObject(h)).toBe(false);
    expect(store.listObjects()).toEqual([]);
    store.deleteObject(h); // deleting twice is fine
  });

  it('never turns a name that is not a sha256 into a path (names come from editable metadata)', () => {
    // `../../x` from objects/ would be a file beside the cache folder.
    const outside = path.join(dir, '..', `${path.basename(dir)}-victim`);
    fs.writeFileSync(outside, 'keep me');
    const name = `../../${path.basename(outside)}`;
    expect(store.getObject(name)).toBeUndefined();
    expect(store.verifyObject(name)).toBe(false);
    expect(store.hasObject(name)).toBe(false);
    store.deleteObject(name);
    store.deleteRecord(name);
    expect(store.getRecord(name)).toBeUndefined();
    expect(fs.readFileSync(outside, 'utf8')).toBe('keep me');
    fs.rmSync(outside);
  });
});

describe('LocalStore.verifyObject memo', () => {
  it('verifies by content the first time and remembers size:mtime in state on flush', () => {
    const h = store.putObject('abc');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    expect(store.verifyObject(h)).toBe(true);
    expect(store.readState('verified-objects')).toBeUndefined(); // not persisted until flush
    store.flush();
    expect(store.readState('verified-objects')).toEqual({ [h]: `3:${FIXED.getTime()}` });
  });

  it('trusts an unchanged file (same size and mtime) without re-reading it, across store instances', () => {
    const h = store.putObject('abc');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    expect(store.verifyObject(h)).toBe(true);
    store.flush();
    // Same-size corruption that keeps the mtime: the memo is trusted (the documented trade-off).
    fs.writeFileSync(objectFile(h), 'xyz');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    const again = new LocalStore(dir, (m) => warnings.push(m));
    expect(again.verifyObject(h)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('re-verifies when the mtime changes and then reports the corruption', () => {
    const h = store.putObject('abc');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    expect(store.verifyObject(h)).toBe(true);
    store.flush();
    fs.writeFileSync(objectFile(h), 'xyz');
    fs.utimesSync(objectFile(h), new Date(FIXED.getTime() + 2000), new Date(FIXED.getTime() + 2000));
    const again = new LocalStore(dir, (m) => warnings.push(m));
    expect(again.verifyObject(h)).toBe(false);
    expect(warnings.join('\n')).toMatch(/corrupt/);
  });

  it('re-verifies when the size changes', () => {
    const h = store.putObject('abc');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    expect(store.verifyObject(h)).toBe(true);
    fs.writeFileSync(objectFile(h), 'abcd');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    expect(store.verifyObject(h)).toBe(false);
  });

  it('stamps what putObject wrote, and does not write state on flush when nothing new was verified', () => {
    const h = store.putObject('abc');
    store.flush(); // putObject stamped the object it wrote (the next run need not re-read it)
    expect(fs.existsSync(path.join(dir, 'state', 'verified-objects.json'))).toBe(true);
    store.verifyObject(h);
    store.flush();
    const file = path.join(dir, 'state', 'verified-objects.json');
    fs.utimesSync(file, FIXED, FIXED);
    store.verifyObject(h); // memo hit: nothing new
    store.flush();
    expect(fs.statSync(file).mtimeMs).toBe(FIXED.getTime());
  });

  it('survives a damaged memo file (unparseable JSON is an empty memo)', () => {
    const h = store.putObject('abc');
    fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'state', 'verified-objects.json'), '{"trunc');
    expect(new LocalStore(dir).verifyObject(h)).toBe(true);
  });

  it('survives a memo file that holds valid JSON of the wrong type', () => {
    // "The cache survives anything": a memo holding e.g. a JSON string must be ignored like
    // an unparseable one, not crash verifyObject (assigning a property to a string throws).
    const h = store.putObject('abc');
    fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'state', 'verified-objects.json'), '"oops"');
    expect(() => new LocalStore(dir).verifyObject(h)).not.toThrow();
  });
});

describe('LocalStore records', () => {
  const fp = 'cd'.repeat(32);

  it('stores and reads back a record, sharded by fingerprint', () => {
    const rec = record(fp, { out: 'ef'.repeat(32) });
    store.putRecord(rec);
    expect(fs.existsSync(recordFile(fp))).toBe(true);
    expect(store.getRecord(fp)).toEqual(rec);
    expect(store.listRecords()).toEqual([fp]);
    store.deleteRecord(fp);
    expect(store.getRecord(fp)).toBeUndefined();
    expect(store.listRecords()).toEqual([]);
  });

  it('reports a missing record as undefined without a warning', () => {
    expect(store.getRecord(fp)).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('treats an unparseable record as missing and warns', () => {
    store.putRecord(record(fp));
    fs.writeFileSync(recordFile(fp), '{"fingerprint": "cdcd');
    expect(store.getRecord(fp)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(fp.slice(0, 12));
    expect(warnings[0]).toMatch(/corrupt/);
  });

  it('treats a record filed under the wrong fingerprint as corrupt', () => {
    store.putRecord(record(fp));
    fs.writeFileSync(recordFile(fp), JSON.stringify(record('ee'.repeat(32))));
    expect(store.getRecord(fp)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('treats a record without an outputs map as corrupt', () => {
    fs.mkdirSync(path.dirname(recordFile(fp)), { recursive: true });
    fs.writeFileSync(recordFile(fp), JSON.stringify({ fingerprint: fp }));
    expect(store.getRecord(fp)).toBeUndefined();
    expect(warnings).toHaveLength(1);
  });

  it('treats a record whose outputs is null as corrupt (the runner calls Object.values on it)', () => {
    fs.mkdirSync(path.dirname(recordFile(fp)), { recursive: true });
    fs.writeFileSync(recordFile(fp), JSON.stringify({ ...record(fp), outputs: null }));
    expect(store.getRecord(fp)).toBeUndefined();
  });
});

describe('LocalStore state', () => {
  it('reads back what was written and gives undefined for missing or unparseable state', () => {
    expect(store.readState('p')).toBeUndefined();
    store.writeState('p', { stages: { a: 1 } });
    expect(store.readState('p')).toEqual({ stages: { a: 1 } });
    fs.writeFileSync(path.join(dir, 'state', 'p.json'), '{');
    expect(store.readState('p')).toBeUndefined();
  });
});

describe('LocalStore.recheckObject (agglo verify)', () => {
  it('re-reads an object the memo trusts (bit rot that kept size and mtime) and forgets it', () => {
    const h = store.putObject('hello world');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    expect(store.verifyObject(h)).toBe(true);
    store.flush();
    fs.writeFileSync(objectFile(h), 'hello wxrld');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    const fresh = new LocalStore(dir, (m) => warnings.push(m));
    expect(fresh.verifyObject(h)).toBe(true); // the memo's documented limit
    expect(fresh.recheckObject(h)).toEqual({ ok: false, problem: 'does not match its hash (its content changed)' });
    expect(fs.existsSync(objectFile(h))).toBe(true); // reported, not removed
    expect(fresh.verifyObject(h, true)).toBe(false); // forgotten by the memo
  });

  it('gives the size of a sound object and stamps it', () => {
    const h = store.putObject('abc');
    fs.utimesSync(objectFile(h), FIXED, FIXED);
    expect(store.recheckObject(h)).toEqual({ ok: true, value: 3 });
    store.flush();
    expect((store.readState('verified-objects') as Record<string, string>)[h]).toBe(`3:${FIXED.getTime()}`);
  });

  it('reports a folder, a symbolic link or a FIFO where an object should be, and never reads through them', () => {
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const [folder, link, fifo] = [sha('f'), sha('l'), sha('p')];
    fs.mkdirSync(objectFile(folder), { recursive: true });
    fs.mkdirSync(path.dirname(objectFile(link)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'elsewhere'), 'l');
    fs.symlinkSync(path.join(dir, 'elsewhere'), objectFile(link)); // right content, wrong kind
    expect(store.recheckObject(folder)).toEqual({ ok: false, problem: 'is a folder' });
    expect(store.recheckObject(link)).toEqual({ ok: false, problem: 'is a symbolic link' });
    if (process.platform !== 'win32') {
      fs.mkdirSync(path.dirname(objectFile(fifo)), { recursive: true });
      spawnSync('mkfifo', [objectFile(fifo)]);
      expect(store.recheckObject(fifo)).toEqual({ ok: false, problem: 'is not a regular file' });
    }
  });

  it('deleteObject removes a folder or a link where an object should be (not what the link points to)', () => {
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    fs.mkdirSync(path.join(objectFile(sha('f')), 'inner'), { recursive: true });
    fs.mkdirSync(path.dirname(objectFile(sha('l'))), { recursive: true });
    fs.writeFileSync(path.join(dir, 'target'), 'keep me');
    fs.symlinkSync(path.join(dir, 'target'), objectFile(sha('l')));
    store.deleteObject(sha('f'));
    store.deleteObject(sha('l'));
    expect(fs.existsSync(objectFile(sha('f')))).toBe(false);
    expect(fs.lstatSync(objectFile(sha('l')), { throwIfNoEntry: false })).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, 'target'), 'utf8')).toBe('keep me');
  });

  it('retainVerified forgets the memo of every object not listed', () => {
    const a = store.putObject('a');
    const b = store.putObject('b');
    store.retainVerified(new Set([a]));
    store.flush();
    expect(Object.keys(store.readState('verified-objects') as object)).toEqual([a]);
    expect(b).not.toBe(a);
  });
});

describe('LocalStore.readRecordFile', () => {
  const fp = 'cd'.repeat(32);

  it('gives the record, or why not, without a warning', () => {
    expect(store.readRecordFile(fp)).toEqual({ ok: false, problem: 'missing' });
    store.putRecord(record(fp));
    expect(store.readRecordFile(fp)).toEqual({ ok: true, value: record(fp) });
    fs.writeFileSync(recordFile(fp), '{');
    expect(store.readRecordFile(fp)).toEqual({ ok: false, problem: 'is not JSON' });
    fs.writeFileSync(recordFile(fp), JSON.stringify({ ...record(fp), outputs: null }));
    expect(store.readRecordFile(fp)).toEqual({ ok: false, problem: '`outputs` is not a map' });
    expect(warnings).toEqual([]);
  });

  it('a folder in place of a record is damaged, a miss for getRecord, and deleteRecord removes it', () => {
    fs.mkdirSync(recordFile(fp), { recursive: true });
    expect(store.readRecordFile(fp)).toEqual({ ok: false, problem: 'is a folder' });
    expect(store.getRecord(fp)).toBeUndefined();
    store.deleteRecord(fp);
    expect(fs.existsSync(recordFile(fp))).toBe(false);
  });
});
