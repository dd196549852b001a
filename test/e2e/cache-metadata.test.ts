/**
 * The cache's metadata (pipeline state, run records, memos) is a folder anyone can edit:
 * nothing read from it is trusted. Found by an adversarial run (issue 9); every test fails
 * on the engine before its fix.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agglo, makeProject, runJson, watchProcess } from './support.js';

const PIPELINE = `stages:
  a: { step: read-csv, params: { path: data/a.csv } }
  w: { step: write-csv, inputs: { data: a }, params: { path: results/a.csv } }
  r: { step: read-csv, foreach: { n: [1, 2] }, params: { path: "data/b\${item.n}.csv" } }
  wf: { step: write-csv, foreach: { n: [1, 2] }, inputs: { data: r }, params: { path: "results/b\${item.n}.csv" } }
`;

let template: string | undefined;

/** A fresh copy of a small project that has run once (timestamps kept, so its memos hold). */
function project(): string {
  if (!template) {
    template = makeProject({
      'pipelines/paper.yaml': PIPELINE,
      // Not byte for byte the results file write-csv makes of it (k,v\nx,1\ny,2\n), so that a
      // crafted entry overwriting data/a.csv with a cached results file shows.
      'data/a.csv': '"k","v"\r\n"x",1\r\n"y",2\r\n',
      'data/b1.csv': 'k,v\nb,1\n',
      'data/b2.csv': 'k,v\nb,2\n',
    });
    const r = agglo(template, 'run');
    if (r.code !== 0) throw new Error(`first run failed:\n${r.stderr}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-e2e-'));
  fs.cpSync(template, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

// Loosely typed views of the metadata, as a hand editor sees it.
type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function stateFile(dir: string): string {
  const d = path.join(dir, 'cache', 'state');
  return path.join(d, fs.readdirSync(d).find((f) => f.startsWith('pipeline-'))!);
}
const readState = (dir: string): Json => JSON.parse(fs.readFileSync(stateFile(dir), 'utf8'));
const writeState = (dir: string, s: unknown) => fs.writeFileSync(stateFile(dir), JSON.stringify(s));
const objectFile = (dir: string, h: string) => path.join(dir, 'cache', 'objects', h.slice(0, 2), h);
const recordFile = (dir: string, fp: string) => path.join(dir, 'cache', 'runs', fp.slice(0, 2), `${fp}.json`);
const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8');

/** Flips one byte of a file, keeping its mtime when asked (then the verify memo trusts it). */
function flipByte(file: string, keepMtime = false): void {
  const st = fs.statSync(file);
  const b = fs.readFileSync(file);
  b[0] = b[0]! ^ 1;
  fs.writeFileSync(file, b);
  if (keepMtime) fs.utimesSync(file, st.atime, st.mtime);
}

/** Every file under the cache (relative path → bytes), to check that nothing was deleted or changed. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'base64');
    }
  };
  walk(path.join(dir, 'cache'));
  return out;
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |TypeError|ReferenceError/);

describe('D1: a results file whose cached copy is damaged is recomputed', () => {
  it('corrupt object + deleted results file: status says it would run, run recomputes it at once', () => {
    const dir = project();
    const before = read(dir, 'results/a.csv');
    const h = readState(dir).stages.w.items[''].written['results/a.csv'];
    flipByte(objectFile(dir, h));
    fs.rmSync(path.join(dir, 'results/a.csv'));

    const st = runJson(dir, 'status');
    expect(st.stages.w!.status).toBe('would-run');
    expect(st.stages.w!.reason).toMatch(/cached copy of results\/a.csv is damaged/);
    expect(st.stages.a!.status).toBe('cached');

    const r = runJson(dir, 'run');
    expect(r.code).toBe(0);
    expect(r.stages.w!.status).toBe('ran');
    expect(r.stages.w!.reason).toBe('the cached copy of results/a.csv was damaged: recomputed');
    expect(read(dir, 'results/a.csv')).toBe(before);

    const again = runJson(dir, 'run');
    expect(Object.values(again.stages).map((s) => s.status)).toEqual(['cached', 'cached', 'cached', 'cached']);
    expect(again.stderr).toBe('');
    expect(runJson(dir, 'status').stages.w!.status).toBe('cached');
  });

  it('only the item whose file is lost reruns, also when the verify memo trusts the damaged object', () => {
    const dir = project();
    const before = read(dir, 'results/b2.csv');
    const h = readState(dir).stages.wf.items['n=2'].written['results/b2.csv'];
    runJson(dir, 'run'); // memoises the objects as verified
    flipByte(objectFile(dir, h), true); // same size and mtime
    fs.writeFileSync(path.join(dir, 'results/b2.csv'), 'edited by hand\n');

    expect(runJson(dir, 'status').stages.wf!.status).toBe('would-run');
    const r = runJson(dir, 'run');
    expect(r.code).toBe(0);
    expect(r.stages.wf!.items).toEqual({ total: 2, ran: 1, cached: 1, failed: 0 });
    expect(r.stages.wf!.reason).toBe('the cached copy of results/b2.csv was damaged: recomputed');
    expect(read(dir, 'results/b2.csv')).toBe(before);
    expect(runJson(dir, 'run').stages.wf!.status).toBe('cached');
  });

  it('a missing object behind a deleted results file is recomputed too', () => {
    const dir = project();
    const before = read(dir, 'results/a.csv');
    const h = readState(dir).stages.w.items[''].written['results/a.csv'];
    fs.rmSync(objectFile(dir, h));
    fs.rmSync(path.join(dir, 'results/a.csv'));
    const r = runJson(dir, 'run');
    expect(r.stages.w!.status).toBe('ran');
    expect(read(dir, 'results/a.csv')).toBe(before);
    expect(runJson(dir, 'run').stages.w!.status).toBe('cached');
  });
});

describe('D6: paths read from the cache are checked before anything is written', () => {
  /** Points the `written` entry of stage w at `bad`, in the state and in the run record. */
  function craft(dir: string, bad: string): void {
    const s = readState(dir);
    const item = s.stages.w.items[''];
    const h = item.written['results/a.csv'];
    item.written = { [bad]: h };
    writeState(dir, s);
    const rec = JSON.parse(fs.readFileSync(recordFile(dir, item.fp), 'utf8'));
    rec.files = { [bad]: h };
    fs.writeFileSync(recordFile(dir, item.fp), JSON.stringify(rec));
  }

  const outsideDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-outside-'));
  // `target`: a file the crafted entry would create; data/a.csv must stay as it was too.
  const cases: [string, (dir: string) => { bad: string; target: string }][] = [
    ['../outside.txt', (dir) => {
      const name = `${path.basename(dir)}-outside.txt`;
      return { bad: `../${name}`, target: path.join(dir, '..', name) };
    }],
    ['an absolute path', () => {
      const target = path.join(outsideDir(), 'x.csv');
      return { bad: target, target };
    }],
    ['results/../../x', (dir) => {
      const name = `${path.basename(dir)}-x.csv`;
      return { bad: `results/../../${name}`, target: path.join(dir, '..', name) };
    }],
    ['a path with a NUL byte', (dir) => ({ bad: 'results/a\u0000.csv', target: path.join(dir, 'results', 'a') })],
    // Cut at the NUL, it would be data/a.csv.
    ['a path with a NUL byte that ends in data/', (dir) => ({ bad: 'data/a.csv\u0000', target: path.join(dir, 'results', 'a') })],
    ['a path outside results/', (dir) => ({ bad: 'data/a.csv', target: path.join(dir, 'data', 'b.csv') })],
    ['a path through a link in results/ to data/', (dir) => {
      fs.symlinkSync('../data', path.join(dir, 'results', 'lnk'));
      return { bad: 'results/lnk/x.csv', target: path.join(dir, 'data', 'x.csv') };
    }],
  ];

  for (const [name, make] of cases) {
    it(`a written path of ${name} is a warning and a recomputation, never a write outside`, () => {
      const dir = project();
      const before = read(dir, 'results/a.csv');
      const dataBefore = read(dir, 'data/a.csv');
      const { bad, target } = make(dir);
      craft(dir, bad);
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(r.stderr).toMatch(/warning: .*(damaged|not under results|outside results)/);
      expect(fs.existsSync(target)).toBe(false);
      expect(r.stages.w!.status).toBe('ran');
      expect(read(dir, 'results/a.csv')).toBe(before);
      expect(read(dir, 'data/a.csv')).toBe(dataBefore);
      const again = runJson(dir, 'run');
      expect(again.stages.w!.status).toBe('cached');
      expect(again.stderr).toBe('');
    });
  }

  it('an output hash that points outside the cache deletes nothing there', () => {
    const dir = project();
    const name = `${path.basename(dir)}-victim.txt`;
    const victim = path.join(dir, '..', name);
    fs.writeFileSync(victim, 'keep me');
    const s = readState(dir);
    s.stages.a.items[''].outputs.table = `../../${name}`;
    writeState(dir, s);
    const r = runJson(dir, 'run');
    expect(r.code).toBe(0);
    noStack(r.stderr);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep me');
    fs.rmSync(victim);
  });

  it('a results folder that is a symlink leaving the project is never written through', () => {
    const dir = project();
    const outside = outsideDir();
    fs.rmSync(path.join(dir, 'results'), { recursive: true });
    fs.symlinkSync(outside, path.join(dir, 'results'));
    const r = agglo(dir, 'run');
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/results.* symbolic link .*outside the project/);
    noStack(r.stderr);
    // The status says why, and a results folder inside the project is fine again.
    fs.rmSync(path.join(dir, 'results'));
    const ok = runJson(dir, 'run');
    expect(ok.code).toBe(0);
    expect(read(dir, 'results/a.csv')).toBe('k,v\nx,1\ny,2\n');
  });
});

describe('file-path params read back from the state stay inside the project', () => {
  for (const other of ['/', '../outside.csv']) {
    // Outside paths are legitimate in a state (agglo.config.yaml allow_read); a crafted one
    // changes nothing: the fingerprint comes from the pipeline, and watch confines what it watches.
    it(`a \`files\` entry ${other} from the cache is not damage and changes nothing`, () => {
      const dir = project();
      const s = readState(dir);
      const item = s.stages.a.items[''];
      item.files = { [other]: item.files['data/a.csv'] };
      writeState(dir, s);
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(r.stderr).toBe('');
      expect(r.stages.a!.status).toBe('cached');
      fs.appendFileSync(path.join(dir, 'data/a.csv'), 'z,3\n');
      expect(runJson(dir, 'run').stages.a!.status).toBe('ran'); // the pipeline's own file still counts
    });
  }

  it('watch: a file outside the project listed in the state is not watched', async () => {
    const dir = project();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-outside-'));
    const secret = path.join(outside, 'secret.csv');
    fs.writeFileSync(secret, 'k,v\ns,1\n');
    const s = readState(dir);
    // Kept by the run watch starts with: w is skipped (its upstream fails), so its entry stays.
    s.stages.w.items[''].files = { [path.relative(dir, secret)]: s.stages.a.items[''].files['data/a.csv'] };
    writeState(dir, s);
    fs.writeFileSync(path.join(dir, 'data/a.csv'), 'k,v\n"never closed\n');
    const { waitFor, output, stop } = watchProcess(dir);
    try {
      const at = await waitFor(/watching for changes/, 0);
      fs.appendFileSync(secret, 't,2\n');
      await new Promise((r) => setTimeout(r, 1500));
      fs.writeFileSync(path.join(dir, 'data/a.csv'), 'k,v\nx,1\n');
      await waitFor(/data\/a.csv changed/, at);
      expect(output()).not.toContain('secret.csv');
    } finally {
      stop();
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('watch: a file it cannot watch is a clean warning, and watching goes on', async () => {
    const dir = project();
    // A link loop named by a stage that is skipped (its upstream fails), so the state keeps it.
    fs.symlinkSync('loop', path.join(dir, 'data', 'loop'));
    const s = readState(dir);
    s.stages.w.items[''].files = { 'data/loop': s.stages.a.items[''].files['data/a.csv'] };
    writeState(dir, s);
    fs.writeFileSync(path.join(dir, 'data/a.csv'), 'k,v\n"never closed\n');
    const { waitFor, stop } = watchProcess(dir);
    try {
      const at = await waitFor(/watching for changes/, 0);
      const end = await waitFor(/warning: cannot watch data\/loop: ELOOP/, 0);
      expect(end).toBeGreaterThan(0);
      fs.writeFileSync(path.join(dir, 'data/a.csv'), 'k,v\nx,1\n');
      await waitFor(/data\/a.csv changed[\s\S]*watching for changes/, at);
    } finally {
      stop();
    }
  });
});

describe('the store writes only inside cache/, and an obstruction is no crash', () => {
  it('an object shard folder that is a symbolic link out of the project is replaced by a folder', () => {
    const dir = project();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-outside-'));
    const h = readState(dir).stages.a.items[''].outputs.table;
    const shard = path.dirname(objectFile(dir, h));
    fs.rmSync(shard, { recursive: true });
    fs.symlinkSync(outside, shard);
    const r = runJson(dir, 'run');
    expect(r.code).toBe(0);
    noStack(r.stderr);
    expect(r.stderr).toMatch(/warning: cache\/objects\/[0-9a-f]{2} was a symbolic link/);
    expect(fs.readdirSync(outside)).toEqual([]);
    expect(fs.lstatSync(shard).isDirectory()).toBe(true);
    expect(fs.existsSync(objectFile(dir, h))).toBe(true);
    const again = runJson(dir, 'run');
    expect(Object.values(again.stages).every((s) => s.status === 'cached')).toBe(true);
    expect(again.stderr).toBe('');
  });

  const obstructions: [string, (dir: string) => string][] = [
    ['the pipeline state is a folder', (dir) => stateFile(dir)],
    ['verified-objects.json is a folder', (dir) => path.join(dir, 'cache', 'state', 'verified-objects.json')],
    ['file-hashes.json is a folder', (dir) => path.join(dir, 'cache', 'state', 'file-hashes.json')],
  ];
  for (const [name, where] of obstructions) {
    it(`run: ${name} is a warning, never a crash`, () => {
      const dir = project();
      const file = where(dir);
      fs.rmSync(file, { force: true });
      fs.mkdirSync(path.join(file, 'x'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'data/a.csv'), 'k,v\nz,9\n'); // so that every memo changes
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(r.stderr).toMatch(/warning: cannot write cache\/state\/.*\.json \(EISDIR\)/);
      expect(read(dir, 'results/a.csv')).toBe('k,v\nz,9\n');
      expect(fs.statSync(file).isDirectory()).toBe(true);
    });
  }

  it('run: cache/runs being a file is a warning, never a crash', () => {
    const dir = project();
    fs.rmSync(path.join(dir, 'cache', 'runs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'cache', 'runs'), 'not a folder');
    fs.writeFileSync(path.join(dir, 'data/a.csv'), 'k,v\nz,9\n');
    const r = runJson(dir, 'run');
    expect(r.code).toBe(0);
    noStack(r.stderr);
    expect(r.stderr.match(/warning: cannot write run records under cache\/runs/g)).toHaveLength(1);
    expect(read(dir, 'results/a.csv')).toBe('k,v\nz,9\n');
    expect(runJson(dir, 'run').stages.w!.status).toBe('cached');
  });
});

describe('a cache entry without every declared output is a miss', () => {
  const variants: [string, (outputs: Record<string, string>) => Record<string, string>][] = [
    ['no outputs', () => ({})],
    ['another output name', (o) => ({ other: Object.values(o)[0]! })],
  ];
  for (const [name, mutate] of variants) {
    it(`state entry with ${name}: the run record answers, downstream gets its input`, () => {
      const dir = project();
      const s = readState(dir);
      const outputs = s.stages.a.items[''].outputs;
      s.stages.a.items[''].outputs = mutate(outputs);
      writeState(dir, s);
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(r.stages.a!.status).toBe('cached');
      expect(r.stages.w!.status).toBe('cached');
      expect(readState(dir).stages.a.items[''].outputs).toEqual(outputs);
      expect(runJson(dir, 'run').stderr).toBe('');
    });

    it(`state entry and run record with ${name}: recomputed, with the reason`, () => {
      const dir = project();
      const s = readState(dir);
      const item = s.stages.a.items[''];
      item.outputs = mutate(item.outputs);
      writeState(dir, s);
      const rec = JSON.parse(fs.readFileSync(recordFile(dir, item.fp), 'utf8'));
      rec.outputs = mutate(rec.outputs);
      fs.writeFileSync(recordFile(dir, item.fp), JSON.stringify(rec));
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(r.stages.a!.status).toBe('ran');
      expect(r.stages.a!.reason).toBe('cache entry missing or damaged');
      expect(r.stages.w!.status).toBe('cached');
      const again = runJson(dir, 'run');
      expect(Object.values(again.stages).every((x) => x.status === 'cached')).toBe(true);
    });
  }
});

/** Hand edits of the pipeline state: valid JSON, wrong shape. */
const STATE_VARIANTS: [string, (s: Json, dir: string) => unknown][] = [
  ['null', () => null],
  ['an array', () => []],
  ['a number', () => 42],
  ['no stages', (s) => ({ version: 1, file: s.file })],
  ['stages: null', (s) => ({ ...s, stages: null })],
  ['a stage that is a string', (s) => ({ ...s, stages: { ...s.stages, w: 'w' } })],
  ['a stage whose params is missing and items is a number', (s) => { delete s.stages.w.params; delete s.stages.w.key; s.stages.w.items = 5; return s; }],
  ['a stage whose params is null', (s) => { s.stages.a.params = null; delete s.stages.a.key; return s; }],
  ['an item whose outputs is null', (s) => { s.stages.w.items[''].outputs = null; return s; }],
  ['an item whose fp is a number', (s) => { s.stages.w.items[''].fp = 7; delete s.stages.w.key; return s; }],
  ['a written hash that is a number', (s, dir) => { s.stages.w.items[''].written['results/a.csv'] = 5; fs.rmSync(path.join(dir, 'results/a.csv')); return s; }],
  ['an output hash that is an object', (s) => { s.stages.a.items[''].outputs.table = { h: 1 }; return s; }],
];

describe('metadata of the right JSON but the wrong shape', () => {
  for (const [name, mutate] of STATE_VARIANTS) {
    it(`run: a state file holding ${name} is a warning and a miss, never a crash`, () => {
      const dir = project();
      const before = read(dir, 'results/a.csv');
      writeState(dir, mutate(readState(dir), dir));
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(r.stderr).toMatch(/warning: the cache state .* is damaged/);
      expect(read(dir, 'results/a.csv')).toBe(before);
      const again = runJson(dir, 'run');
      expect(Object.values(again.stages).every((s) => s.status === 'cached')).toBe(true);
      expect(again.stderr).toBe('');
    });

    it(`gc: a state file holding ${name} makes gc refuse and delete nothing`, () => {
      const dir = project();
      writeState(dir, mutate(readState(dir), dir));
      const cache = snapshot(dir);
      const r = agglo(dir, 'gc');
      expect(r.code).toBe(1);
      noStack(r.stderr);
      expect(r.stderr).toMatch(/error: .*cache\/state\/pipeline-.*\.json.*\n.*deleted nothing/);
      expect(snapshot(dir)).toEqual(cache);
    });
  }

  const RECORD_VARIANTS: [string, (rec: Json) => unknown][] = [
    ['null', () => null],
    ['an array', () => []],
    ['a number', () => 42],
    ['an empty object', () => ({})],
    ['an output hash that is a number', (rec) => ({ ...rec, outputs: { file: 5 } })],
    ['an output hash that climbs out of the cache', (rec) => ({ ...rec, outputs: { file: '../../../x' } })],
    ['a files entry whose hash is a number', (rec) => ({ ...rec, files: { 'results/a.csv': 5 } })],
    ['files that is an array', (rec) => ({ ...rec, files: ['results/a.csv'] })],
  ];
  for (const [name, mutate] of RECORD_VARIANTS) {
    it(`run: a run record holding ${name} is a warning and a recomputation, never a crash`, () => {
      const dir = project();
      const before = read(dir, 'results/a.csv');
      const fp = readState(dir).stages.w.items[''].fp;
      fs.rmSync(path.join(dir, 'cache', 'state'), { recursive: true }); // so the record is read
      fs.rmSync(path.join(dir, 'results/a.csv'));
      fs.writeFileSync(recordFile(dir, fp), JSON.stringify(mutate(JSON.parse(fs.readFileSync(recordFile(dir, fp), 'utf8')))));
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(r.stderr).toMatch(/warning: cache record .* is corrupt/);
      expect(r.stages.w!.status).toBe('ran');
      expect(read(dir, 'results/a.csv')).toBe(before);
    });
  }

  it('run: memo files of the wrong shape are ignored, never a crash or a wrong result', () => {
    const dir = project();
    const st = fs.statSync(path.join(dir, 'data/a.csv'));
    const memo = path.join(dir, 'cache', 'state', 'file-hashes.json');
    const verified = path.join(dir, 'cache', 'state', 'verified-objects.json');
    for (const [m, v] of [
      [{ 'data/a.csv': { size: st.size, mtimeMs: st.mtimeMs, hash: 5 } }, { x: 5 }],
      [{ 'data/a.csv': { size: st.size, mtimeMs: st.mtimeMs, hash: '0'.repeat(64) } }, null],
      [{ 'data/a.csv': null }, []],
    ] as const) {
      fs.writeFileSync(memo, JSON.stringify(m));
      fs.writeFileSync(verified, JSON.stringify(v));
      const r = runJson(dir, 'run');
      expect(r.code).toBe(0);
      noStack(r.stderr);
      expect(read(dir, 'results/a.csv')).toBe('k,v\nx,1\ny,2\n');
    }
  });
});

describe('gc and an unreadable state file', () => {
  it('a state file that does not parse makes gc refuse and delete nothing', () => {
    const dir = project();
    fs.writeFileSync(stateFile(dir), '{"version": 1, "stag');
    const cache = snapshot(dir);
    const r = agglo(dir, 'gc');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*\n.*deleted nothing/);
    expect(snapshot(dir)).toEqual(cache);
    // --dry-run says the same
    expect(agglo(dir, 'gc', '--dry-run').code).toBe(1);
  });

  it('a state file that cannot be read (a folder in its place) makes gc refuse and delete nothing', () => {
    const dir = project();
    const file = stateFile(dir);
    fs.rmSync(file);
    fs.mkdirSync(file);
    const cache = snapshot(dir);
    const r = agglo(dir, 'gc');
    expect(r.code).toBe(1);
    noStack(r.stderr);
    expect(r.stderr).toMatch(/cannot read .*\n.*deleted nothing/);
    expect(snapshot(dir)).toEqual(cache);
  });

  it('gc still removes what no pipeline references when every state file is sound', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'data/a.csv'), 'k,v\nz,9\n');
    expect(agglo(dir, 'run').code).toBe(0);
    const r = agglo(dir, 'gc');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/removed [1-9]\d* run records/);
  });
});

describe('gc stays inside cache/', () => {
  it('does not follow a symbolic link under cache/ when it looks for temp files of dead runs', () => {
    const dir = project();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-outside-'));
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid; // exited: its pid is free
    const victim = path.join(outside, `notes.txt.tmp-${deadPid}-abc123`);
    fs.writeFileSync(victim, 'keep me');
    fs.symlinkSync(outside, path.join(dir, 'cache', 'elsewhere'));
    const r = agglo(dir, 'gc');
    expect(r.code).toBe(0);
    expect(fs.existsSync(victim)).toBe(true);
  });

  it('does not delete through a shard folder of cache/objects that is a symbolic link', () => {
    const dir = project();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'agglo-outside-'));
    const objects = path.join(dir, 'cache', 'objects');
    const shard = [...Array(256).keys()].map((i) => i.toString(16).padStart(2, '0')).find((x) => !fs.existsSync(path.join(objects, x)))!;
    const victim = path.join(outside, shard.repeat(32)); // named like an object no pipeline uses
    fs.writeFileSync(victim, 'keep me');
    fs.symlinkSync(outside, path.join(objects, shard));
    const r = agglo(dir, 'gc');
    expect(r.code).toBe(0);
    expect(fs.existsSync(victim)).toBe(true);
  });
});

describe('status tells which results files run would restore', () => {
  it('a deleted or edited results file of a cached stage is named, and run then restores it', () => {
    const dir = project();
    expect(agglo(dir, 'status').stderr).toBe('');
    fs.rmSync(path.join(dir, 'results/a.csv'));
    fs.writeFileSync(path.join(dir, 'results/b2.csv'), 'edited by hand\n');
    const st = agglo(dir, 'status');
    expect(st.code).toBe(0);
    expect(st.stderr).toContain('warning: results/a.csv is missing or edited: `agglo run` restores it from the cache');
    expect(st.stderr).toContain('warning: results/b2.csv is missing or edited: `agglo run` restores it from the cache');
    expect(fs.existsSync(path.join(dir, 'results/a.csv'))).toBe(false); // status changes nothing
    expect(agglo(dir, 'run').code).toBe(0);
    expect(read(dir, 'results/a.csv')).toBe('k,v\nx,1\ny,2\n');
    expect(read(dir, 'results/b2.csv')).toBe('k,v\nb,2\n');
    expect(agglo(dir, 'status').stderr).toBe('');
  });
});
