/**
 * The broken-input corpus run through the compiled CLI (issue 9). Each folder
 * test/fixtures/broken-runs/NAME/ is one case: the files it lays over a copy of the shared
 * project _base/ (already run once, so its cache/ and results/ are full), a case.json
 * ({args, exit, note, setup?}) and expected.txt, the exit code, stdout and stderr exactly as
 * printed (elapsed times and the temp folder normalized). Each case must print no stack trace
 * and leave every file that was in cache/objects/ and results/ before the command byte for
 * byte as it was.
 *
 * Setup steps in case.json (applied after the overlay, in this order) make what git cannot
 * hold or what depends on the prepared cache: `remove` [paths], `mkdir` [paths], `write`
 * {path: text}, `bytes` {path: hex}, `truncate` {path: bytes kept}, `json` {path: {dotted.key:
 * value}} (null deletes the key), `symlink` {path: target}, `outside` {name: text} (files
 * beside the project folder, i.e. `../name` from it). A path may be `@state` (the pipeline's
 * state file) or `@record:STAGE` (the run record of STAGE's cached result). cache/ and
 * results/ are git-ignored, so anything there is made by setup.
 *
 * To regenerate after an intended change to messages, run with UPDATE_DIAGNOSTICS=1 and
 * review the diff of the expected.txt files line by line before committing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { aggloAsync, repo } from './support.js';
import { caseNames, concurrencyLimit, ranBase, transcript } from './corpus.js';

const corpus = path.join(repo, 'test/fixtures/broken-runs');
const brokenValidate = path.join(repo, 'test/fixtures/broken');

interface Setup {
  remove?: string[];
  mkdir?: string[];
  write?: Record<string, string>;
  bytes?: Record<string, string>;
  truncate?: Record<string, number>;
  json?: Record<string, Record<string, unknown>>;
  symlink?: Record<string, string>;
  outside?: Record<string, string>;
}
interface Case { args: string[]; exit: number; note: string; setup?: Setup }

const cases = caseNames(corpus);

/** The base project after one successful run (cache/ and results/ filled). */
const base = ranBase(corpus, 'agglo-broken-base-');

/** Resolves `@state` and `@record:STAGE` to files of the prepared cache. */
function resolve(dir: string, p: string): string {
  const stateDir = path.join(dir, 'cache', 'state');
  const state = () => path.join(stateDir, fs.readdirSync(stateDir).find((f) => f.startsWith('pipeline-pipelines_paper.yaml-'))!);
  if (p === '@state') return state();
  const m = /^@record:(.+)$/.exec(p);
  if (m) {
    const fp: string = JSON.parse(fs.readFileSync(state(), 'utf8')).stages[m[1]!].items[''].fp;
    return path.join(dir, 'cache', 'runs', fp.slice(0, 2), `${fp}.json`);
  }
  return path.join(dir, p);
}

function setJson(file: string, edits: Record<string, unknown>): void {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [key, value] of Object.entries(edits)) {
    const parts = key.split('.');
    let at = doc;
    for (const k of parts.slice(0, -1)) at = at[k];
    if (value === null) delete at[parts.at(-1)!];
    else at[parts.at(-1)!] = value;
  }
  fs.writeFileSync(file, JSON.stringify(doc));
}

function applySetup(dir: string, s: Setup): void {
  // Resolved before anything changes: a case may remove the state that `@record:` reads.
  const tokens = new Map<string, string>();
  for (const group of [s.remove, s.mkdir, ...[s.write, s.bytes, s.truncate, s.json, s.symlink].map((m) => Object.keys(m ?? {}))]) {
    for (const p of group ?? []) if (p.startsWith('@')) tokens.set(p, resolve(dir, p));
  }
  const abs = (p: string) => tokens.get(p) ?? path.join(dir, p);
  const parent = (p: string) => fs.mkdirSync(path.dirname(p), { recursive: true });
  for (const p of s.remove ?? []) fs.rmSync(abs(p), { recursive: true, force: true });
  for (const p of s.mkdir ?? []) fs.mkdirSync(abs(p), { recursive: true });
  for (const [p, text] of Object.entries(s.write ?? {})) { parent(abs(p)); fs.writeFileSync(abs(p), text); }
  for (const [p, hex] of Object.entries(s.bytes ?? {})) { parent(abs(p)); fs.writeFileSync(abs(p), Buffer.from(hex, 'hex')); }
  for (const [p, n] of Object.entries(s.truncate ?? {})) fs.truncateSync(abs(p), n);
  for (const [p, edits] of Object.entries(s.json ?? {})) setJson(abs(p), edits);
  for (const [p, target] of Object.entries(s.symlink ?? {})) { parent(abs(p)); fs.rmSync(abs(p), { force: true }); fs.symlinkSync(target, abs(p)); }
  for (const [name, text] of Object.entries(s.outside ?? {})) fs.writeFileSync(path.join(dir, '..', name), text);
}

/** Every file under cache/objects/ and results/ (relative path → content); links are not followed. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    const st = fs.lstatSync(d);
    if (st.isSymbolicLink()) return; // made by a case's setup, not a cached file
    if (!st.isDirectory()) { out.set(path.relative(dir, d), fs.readFileSync(d, 'base64')); return; }
    for (const e of fs.readdirSync(d)) walk(path.join(d, e));
  };
  walk(path.join(dir, 'cache', 'objects'));
  walk(path.join(dir, 'results'));
  return out;
}


// At most this many CLI processes at once: the machine has few cores.
const limit = concurrencyLimit(3);

describe('the broken-input corpus through the CLI', () => {
  test('broken/ and broken-runs/ hold at least 60 cases together', () => {
    const validateOnly = fs.readdirSync(brokenValidate).filter((f) => f.endsWith('.yaml')).length;
    expect(validateOnly + cases.length).toBeGreaterThanOrEqual(60);
  });

  test.concurrent.for(cases)('%s', async (name, { expect }) => {
    const caseDir = path.join(corpus, name);
    const spec: Case = JSON.parse(fs.readFileSync(path.join(caseDir, 'case.json'), 'utf8'));
    const { top, dir } = base.caseProject(caseDir, 'agglo-broken-');
    applySetup(dir, spec.setup ?? {});
    const before = snapshot(dir);

    const r = await limit(() => aggloAsync(dir, ...spec.args));

    const places: [string, string][] = [[fs.realpathSync(dir), '<project>'], [dir, '<project>'], [fs.realpathSync(top), '<tmp>'], [top, '<tmp>']];
    const actual = transcript(r.code, r.stdout, r.stderr, places);
    const expectedFile = path.join(caseDir, 'expected.txt');
    if (process.env.UPDATE_DIAGNOSTICS === '1') fs.writeFileSync(expectedFile, actual);
    expect(actual).toBe(fs.readFileSync(expectedFile, 'utf8'));
    expect(r.code).toBe(spec.exit);
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at |TypeError|ReferenceError/m);
    const after = snapshot(dir);
    for (const [file, content] of before) {
      expect(after.get(file), `${file} changed or vanished`).toBe(content);
    }
    for (const [name, text] of Object.entries(spec.setup?.outside ?? {})) {
      expect(fs.readFileSync(path.join(top, name), 'utf8'), `../${name} was written`).toBe(text);
    }
  });
});
