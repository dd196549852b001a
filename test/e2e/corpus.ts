/**
 * What the exact-output corpora (test/fixtures/broken-runs, test/fixtures/cli-output) share:
 * the transcript a case's expected.txt holds, and a cap on CLI processes run at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { agglo } from './support.js';

/**
 * The exit code, stdout and stderr, normalized: `places` (temp folders) replaced, elapsed
 * times, `"ms"` fields, sha256 hashes (and their shard folders) and clock times masked.
 */
export function transcript(code: number, stdout: string, stderr: string, places: [string, string][]): string {
  const norm = (text: string) => {
    let t = text;
    for (const [from, to] of places) t = t.split(from).join(to);
    return t
      .replace(/\b\d+\.\d+s\b/g, '#.##s')
      .replace(/"ms": \d+/g, '"ms": #')
      .replace(/\/[0-9a-f]{2}\/([0-9a-f]{64})/g, '/../$1')
      .replace(/\b[0-9a-f]{64}\b/g, '<hash>')
      .replace(/^\[[^\]\n]*\d:\d\d:\d\d[^\]\n]*\]/gm, '[time]');
  };
  return `exit ${code}\n--- stdout\n${norm(stdout)}--- stderr\n${norm(stderr)}`;
}

/** Runs at most `n` of the functions given to it at once (the machine has few cores). */
export function concurrencyLimit(n: number): <T>(f: () => Promise<T>) => Promise<T> {
  let free = n;
  const waiting: (() => void)[] = [];
  return async <T>(f: () => Promise<T>): Promise<T> => {
    if (free === 0) await new Promise<void>((r) => waiting.push(r));
    else free--;
    try {
      return await f();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

/** The case folders of a corpus (every folder but `_base`), sorted. */
export function caseNames(corpus: string): string[] {
  return fs.readdirSync(corpus, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort();
}

/**
 * Registers hooks that copy the corpus's `_base/` project into a temp folder and run it once
 * (cache/ and results/ filled) before the file's tests, and remove every folder listed in
 * `made` after them. `prepared()` is that folder; `caseProject(caseDir, prefix)` copies it (timestamps kept) into
 * `<top>/project` of a new temp folder and lays the case's files over it.
 */
export function ranBase(corpus: string, prefix: string): { prepared(): string; made: string[]; caseProject(caseDir: string, tmpPrefix: string): { top: string; dir: string } } {
  let dir = '';
  const made: string[] = [];
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(dir);
    fs.cpSync(path.join(corpus, '_base'), dir, { recursive: true });
    const r = agglo(dir, 'run');
    if (r.code !== 0) throw new Error(`the base project does not run:\n${r.stdout}\n${r.stderr}`);
  });
  afterAll(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });
  const caseProject = (caseDir: string, tmpPrefix: string): { top: string; dir: string } => {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
    made.push(top);
    const project = path.join(top, 'project');
    fs.cpSync(dir, project, { recursive: true, preserveTimestamps: true });
    for (const rel of fs.readdirSync(caseDir, { recursive: true, encoding: 'utf8' })) {
      const from = path.join(caseDir, rel);
      if (CASE_FILES.has(rel) || fs.statSync(from).isDirectory()) continue;
      fs.mkdirSync(path.dirname(path.join(project, rel)), { recursive: true });
      fs.copyFileSync(from, path.join(project, rel));
    }
    return { top, dir: project };
  };
  return { prepared: () => dir, made, caseProject };
}

/** A case folder's own files, which are not laid over the project. */
const CASE_FILES = new Set(['case.json', 'expected.txt']);
