/**
 * Seeded cache corruption (issue 9): after a clean run, each trial damages the cache or
 * results/ in a way chosen by its seed (bit flips, truncation, deletion, an object swapped
 * for another, garbage or wrong-shape metadata, a results file deleted while the object
 * behind it is corrupt — D1 —, bit rot that keeps size and mtime) and then checks that no
 * wrong number is ever served: `run` exits 0 without a stack trace and results/ is
 * byte-identical to an undisturbed run's; `verify` then removes whatever the run did not need
 * to read; a second run and verify leave a clean cache and nothing to run.
 * A failing trial names its seed: `npx vitest run test/e2e/corruption.test.ts -t "seed 7"`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agglo, runJson } from './support.js';
import { cacheProblems, listFiles, mulberry32, objectFiles, pick, snapshot, STACK_FRAME } from './seeded.js';
import { makeWorkProject, WORK_STAGES } from './work-project.js';

const ROUNDS = 1e5;
const FIXED = new Date('2020-01-01T00:00:00Z');

type Corruption = (dir: string, rand: () => number) => string;

const objectsOf = (dir: string) => objectFiles(dir).map((f) => path.join(dir, 'cache/objects', f));
const recordsOf = (dir: string) => listFiles(path.join(dir, 'cache/runs')).map((f) => path.join(dir, 'cache/runs', f));
const stateOf = (dir: string) => path.join(dir, 'cache/state', fs.readdirSync(path.join(dir, 'cache/state')).find((f) => f.startsWith('pipeline-'))!);
const resultsOf = (dir: string) => listFiles(path.join(dir, 'results')).map((f) => path.join(dir, 'results', f));
const rel = (dir: string, f: string) => path.relative(dir, f);

/** Flips one bit of a file; with `keepTime`, puts the old mtime back (bit rot the memo cannot see). */
function flip(file: string, rand: () => number, keepTime: boolean): void {
  const st = fs.statSync(file);
  const bytes = fs.readFileSync(file);
  const i = Math.floor(rand() * bytes.length);
  bytes[i] = bytes[i]! ^ (1 << Math.floor(rand() * 8));
  fs.writeFileSync(file, bytes);
  if (keepTime) fs.utimesSync(file, st.atime, st.mtime);
}

/** The object a results file was restored from: the object with the same bytes. */
function objectBehind(dir: string, result: string): string | undefined {
  const bytes = fs.readFileSync(result);
  return objectsOf(dir).find((o) => fs.readFileSync(o).equals(bytes));
}

const CORRUPTIONS: Record<string, Corruption> = {
  'flip a bit of an object': (dir, rand) => { const o = pick(rand, objectsOf(dir)); flip(o, rand, false); return rel(dir, o); },
  'flip a bit of an object, size and mtime kept': (dir, rand) => { const o = pick(rand, objectsOf(dir)); flip(o, rand, true); return rel(dir, o); },
  'truncate an object': (dir, rand) => { const o = pick(rand, objectsOf(dir)); fs.truncateSync(o, Math.floor(fs.statSync(o).size * rand())); return rel(dir, o); },
  'delete an object': (dir, rand) => { const o = pick(rand, objectsOf(dir)); fs.rmSync(o); return rel(dir, o); },
  'replace an object by another': (dir, rand) => {
    const all = objectsOf(dir);
    const o = pick(rand, all);
    fs.copyFileSync(pick(rand, all.filter((x) => x !== o)), o);
    return rel(dir, o);
  },
  'garbage in a run record': (dir, rand) => { const r = pick(rand, recordsOf(dir)); fs.writeFileSync(r, pick(rand, ['', '{', 'null', '[]', '{"fingerprint": 5}', '\u0000\u0001'])); return rel(dir, r); },
  'wrong-shape outputs in a run record': (dir, rand) => {
    const r = pick(rand, recordsOf(dir));
    const doc = JSON.parse(fs.readFileSync(r, 'utf8'));
    doc.outputs = pick(rand, [[1, 2], 'x', { table: 'not-a-hash' }, { table: { h: 1 } }]);
    fs.writeFileSync(r, JSON.stringify(doc));
    return rel(dir, r);
  },
  'garbage in the pipeline state': (dir, rand) => { const s = stateOf(dir); fs.writeFileSync(s, pick(rand, ['', '{"version": 1, "stag', '[]', '{"version": 1, "file": "p", "stages": {"grown": 5}}'])); return rel(dir, s); },
  'flip a bit of the pipeline state': (dir, rand) => { const s = stateOf(dir); flip(s, rand, false); return rel(dir, s); },
  'delete a results file whose object is corrupt (D1)': (dir, rand) => {
    const f = pick(rand, resultsOf(dir));
    const o = objectBehind(dir, f);
    if (o) flip(o, rand, false);
    fs.rmSync(f);
    return `${rel(dir, f)} (and ${o ? rel(dir, o) : 'no object'})`;
  },
  'edit a results file': (dir, rand) => { const f = pick(rand, resultsOf(dir)); flip(f, rand, false); return rel(dir, f); },
  'the memos hold garbage': (dir) => {
    fs.writeFileSync(path.join(dir, 'cache/state/verified-objects.json'), '{"x": 5');
    fs.writeFileSync(path.join(dir, 'cache/state/file-hashes.json'), '{"data/base.csv": {"size": "big", "hash": 7}}');
    return 'cache/state memos';
  },
};
const KINDS = Object.keys(CORRUPTIONS);

/** One trial per kind, each with its own seed, plus mixed trials (two damages at once). */
const TRIALS = [
  ...KINDS.map((kind, i) => ({ seed: 101 + i, kinds: [kind], label: kind })),
  ...[7, 31].map((seed) => {
    const r = mulberry32(seed);
    const kinds = [pick(r, KINDS), pick(r, KINDS)];
    return { seed, kinds, label: kinds.join(' + ') };
  }),
];

describe('seeded cache corruption', () => {
  let prepared: string;
  let reference: Record<string, string>;
  const dirs: string[] = [];

  beforeAll(() => {
    prepared = makeWorkProject(ROUNDS);
    dirs.push(prepared);
    const r = agglo(prepared, 'run', '--jobs', '2');
    expect(r.code, r.stderr).toBe(0);
    reference = snapshot(prepared, 'results');
    expect(Object.keys(reference)).toHaveLength(10);
    // Every cached file gets one old mtime, so "size and mtime kept" is exact on any file system.
    for (const f of listFiles(prepared)) if (!f.startsWith('cache/locks')) fs.utimesSync(path.join(prepared, f), FIXED, FIXED);
    expect(agglo(prepared, 'run').code).toBe(0); // re-stamps the memos with those mtimes
  });

  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it.each(TRIALS)('seed $seed: $label', ({ seed, kinds }) => {
    const rand = mulberry32(seed);
    const dir = `${prepared}-trial-${seed}`;
    dirs.push(dir);
    fs.cpSync(prepared, dir, { recursive: true, preserveTimestamps: true });
    const what = kinds.map((k) => `${k}: ${CORRUPTIONS[k]!(dir, rand)}`);

    const run = agglo(dir, 'run', '--jobs', '2');
    expect(run.code, `${what.join('; ')}\n${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout + run.stderr).not.toMatch(STACK_FRAME);
    expect(snapshot(dir, 'results'), what.join('; ')).toEqual(reference);

    // What the run did not need to read may still be damaged: verify finds and removes it.
    const verify = agglo(dir, 'verify');
    expect([0, 1], `${what.join('; ')}\n${verify.stdout}${verify.stderr}`).toContain(verify.code);
    expect(verify.stdout + verify.stderr).not.toMatch(STACK_FRAME);

    const again = agglo(dir, 'run', '--jobs', '2');
    expect(again.code, again.stderr).toBe(0);
    expect(snapshot(dir, 'results')).toEqual(reference);
    const clean = agglo(dir, 'verify');
    expect(clean.code, `${what.join('; ')}\n${clean.stdout}`).toBe(0);
    expect(cacheProblems(dir)).toEqual([]);
    const status = runJson(dir, 'status');
    expect(WORK_STAGES.map((id) => `${id}: ${status.stages[id]?.status}`)).toEqual(WORK_STAGES.map((id) => `${id}: cached`));
  });
});
