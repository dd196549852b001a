import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyCache } from '../../engine/cache-verify.js';
import { FileHasher } from '../../engine/file-hash.js';
import { LocalStore, type RunRecord } from '../../engine/store.js';

let root: string;
let store: LocalStore;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** A whole-second mtime, exact on every file system. */
const FIXED = new Date('2020-01-01T00:00:00Z');

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-verify-'));
  store = new LocalStore(path.join(root, 'cache'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const objectFile = (h: string) => path.join(root, 'cache', 'objects', h.slice(0, 2), h);
const recordFile = (fp: string) => path.join(root, 'cache', 'runs', fp.slice(0, 2), `${fp}.json`);
const stateFile = (name: string) => path.join(root, 'cache', 'state', `${name}.json`);

function record(fp: string, outputs: Record<string, string>): RunRecord {
  return { fingerprint: fp, stage: 's', step: 'x', stepVersion: '1', outputs, files: {}, notes: [], ms: 1, createdAt: '2024-01-01T00:00:00.000Z' };
}

/**
 * A project as a run leaves it: pipeline p.yaml with one stage whose output is `value` and
 * which wrote results/out.csv (also in the cache); its run record; the memos stamped.
 */
function project(): { value: string; file: string; fp: string } {
  fs.writeFileSync(path.join(root, 'p.yaml'), 'stages: {}\n');
  const value = store.putObject('{"n":1}');
  const file = store.putObject('a,b\n1,2\n');
  fs.mkdirSync(path.join(root, 'results'));
  fs.writeFileSync(path.join(root, 'results', 'out.csv'), 'a,b\n1,2\n');
  const fp = sha('fingerprint');
  store.putRecord({ ...record(fp, { v: value }), files: { 'results/out.csv': file } });
  store.writeState('pipeline-p', {
    version: 1, file: 'p.yaml',
    stages: { s: { step: 'x', stepVersion: '1', stepSource: 'agglo@0', params: {}, items: { '': { fp, outputs: { v: value }, written: { 'results/out.csv': file } } } } },
  });
  store.flush();
  return { value, file, fp };
}

/** Changes a file's bytes keeping its size and (whole-second) mtime. */
function rot(abs: string, from: string, to: string): void {
  fs.writeFileSync(abs, fs.readFileSync(abs, 'utf8').replace(from, to));
  fs.utimesSync(abs, FIXED, FIXED);
}

describe('verifyCache', () => {
  it('finds nothing in a sound cache, and counts what it checked', () => {
    project();
    const r = verifyCache(store, root, { dryRun: false });
    expect(r).toEqual({ objects: 2, bytes: 7 + 8, records: 1, states: 1, resultsFiles: 1, findings: [] });
  });

  it('re-hashes an object the size/mtime memo trusts, and removes it when corrupt', () => {
    const { value } = project();
    fs.utimesSync(objectFile(value), FIXED, FIXED);
    const stamping = new LocalStore(store.dir);
    expect(stamping.verifyObject(value)).toBe(true); // re-read, stamped with FIXED
    stamping.flush();
    rot(objectFile(value), '1', '2');
    expect(new LocalStore(store.dir).verifyObject(value)).toBe(true); // the memo's limit
    const r = verifyCache(new LocalStore(store.dir), root, { dryRun: false });
    expect(r.findings).toEqual([{ kind: 'object', name: value, problem: 'it does not match its hash (its content changed)', removed: true }]);
    expect(fs.existsSync(objectFile(value))).toBe(false);
    // The memo holds only what was found sound.
    expect(Object.keys(store.readState('verified-objects') as object)).not.toContain(value);
  });

  it('--dry-run reports the same and changes nothing under cache/', () => {
    const { value } = project();
    fs.writeFileSync(objectFile(value), 'garbage');
    fs.writeFileSync(recordFile(sha('fingerprint')), '{');
    const before = snapshot(path.join(root, 'cache'));
    const r = verifyCache(new LocalStore(store.dir), root, { dryRun: true });
    expect(r.findings.map((f) => [f.kind, f.removed])).toEqual([['object', false], ['record', false]]);
    expect(snapshot(path.join(root, 'cache'))).toEqual(before);
  });

  it('removes a damaged run record', () => {
    const { fp } = project();
    fs.writeFileSync(recordFile(fp), JSON.stringify({ fingerprint: fp, outputs: 'no' }));
    const r = verifyCache(store, root, { dryRun: false });
    expect(r.findings).toEqual([{ kind: 'record', name: fp, problem: 'it `outputs` is not a map', removed: true }]);
    expect(fs.existsSync(recordFile(fp))).toBe(false);
  });

  it('reports a damaged pipeline state and keeps it, and everything it references', () => {
    const { value, file } = project();
    const state = JSON.parse(fs.readFileSync(stateFile('pipeline-p'), 'utf8'));
    state.stages.t = { step: 3 };
    fs.writeFileSync(stateFile('pipeline-p'), JSON.stringify(state));
    store.writeState('pipeline-q', [1, 2]);
    const r = verifyCache(store, root, { dryRun: false });
    expect(r.findings).toEqual([
      { kind: 'state', name: 'cache/state/pipeline-p.json', problem: 'it is damaged: stage `t` `step` is not a string', removed: false, pipeline: 'p.yaml' },
      { kind: 'state', name: 'cache/state/pipeline-q.json', problem: 'it holds a list, not a pipeline state', removed: false },
    ]);
    expect(fs.existsSync(stateFile('pipeline-p')) && fs.existsSync(stateFile('pipeline-q'))).toBe(true);
    expect(fs.existsSync(objectFile(value)) && fs.existsSync(objectFile(file))).toBe(true);
    expect(r.resultsFiles).toBe(1); // the sound part of a damaged state is still checked
  });

  it('reports a results file edited with size and mtime kept, and makes the memo see the edit', () => {
    const { file } = project();
    const abs = path.join(root, 'results', 'out.csv');
    fs.utimesSync(abs, FIXED, FIXED);
    const run = new FileHasher(root, store);
    expect(run.hash(abs)).toBe(sha('a,b\n1,2\n'));
    run.save();
    rot(abs, '2', '9');
    expect(new FileHasher(root, store).hash(abs)).toBe(sha('a,b\n1,2\n')); // the memo's limit
    const r = verifyCache(store, root, { dryRun: false });
    expect(r.findings).toEqual([{ kind: 'result', name: 'results/out.csv', problem: 'differs from its cached copy', removed: false, pipeline: 'p.yaml' }]);
    expect(fs.readFileSync(abs, 'utf8')).toBe('a,b\n1,9\n'); // the user's file is not touched
    expect(new FileHasher(root, store).hash(abs)).not.toBe(file); // the next run restores it
  });

  it('reports a missing results file; skips the results of a pipeline whose file is gone', () => {
    project();
    fs.rmSync(path.join(root, 'results', 'out.csv'));
    expect(verifyCache(store, root, { dryRun: false }).findings).toEqual([{ kind: 'result', name: 'results/out.csv', problem: 'is missing', removed: false, pipeline: 'p.yaml' }]);
    fs.rmSync(path.join(root, 'p.yaml'));
    expect(verifyCache(store, root, { dryRun: false })).toMatchObject({ resultsFiles: 0, findings: [] });
  });

  it('a results file shared by two pipelines is sound when it matches either', () => {
    const { file } = project();
    const other = store.putObject('other');
    fs.writeFileSync(path.join(root, 'q.yaml'), 'stages: {}\n');
    store.writeState('pipeline-q', {
      version: 1, file: 'q.yaml',
      stages: { s: { step: 'x', stepVersion: '1', stepSource: 'agglo@0', params: {}, items: { '': { fp: sha('q'), outputs: {}, written: { 'results/out.csv': other } } } } },
    });
    expect(verifyCache(store, root, { dryRun: false }).findings).toEqual([]);
    expect(file).not.toBe(other);
  });
});

/** Every path under `d` with its bytes (links as their target). */
function snapshot(d: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(d, { recursive: true }) as string[]) {
    const p = path.join(d, f);
    const st = fs.lstatSync(p);
    out[f] = st.isFile() ? fs.readFileSync(p, 'base64') : st.isSymbolicLink() ? `-> ${fs.readlinkSync(p)}` : 'dir';
  }
  return out;
}

describe('stray entries in cache/objects and cache/runs', () => {
  it('a shard that is a symbolic link is reported and removed, never followed; a stray file too', () => {
    project();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-outside-'));
    try {
      const victim = path.join(outside, 'ff'.repeat(32));
      fs.writeFileSync(victim, 'not an object: keep me');
      fs.symlinkSync(outside, path.join(root, 'cache', 'objects', 'ff'));
      fs.writeFileSync(path.join(root, 'cache', 'runs', 'README'), 'hand-written');

      const dry = verifyCache(store, root, { dryRun: true });
      expect(dry.findings.filter((f) => f.kind === 'stray')).toEqual([
        { kind: 'stray', name: 'cache/objects/ff', problem: 'is a symbolic link where only folders of cache entries belong', removed: false },
        { kind: 'stray', name: 'cache/runs/README', problem: 'is a file where only folders of cache entries belong', removed: false },
      ]);
      expect(fs.lstatSync(path.join(root, 'cache', 'objects', 'ff')).isSymbolicLink()).toBe(true);

      const r = verifyCache(store, root, { dryRun: false });
      expect(r.findings.map((f) => [f.kind, f.name, f.removed])).toEqual([['stray', 'cache/objects/ff', true], ['stray', 'cache/runs/README', true]]);
      expect(fs.existsSync(path.join(root, 'cache', 'objects', 'ff'))).toBe(false);
      expect(fs.readFileSync(victim, 'utf8')).toBe('not an object: keep me');
      expect(verifyCache(store, root, { dryRun: false }).findings).toEqual([]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
