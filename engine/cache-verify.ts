/**
 * `agglo verify`: the whole cache checked by content, whatever the size/mtime memos say (bit
 * rot that keeps both is invisible to them). Every object is re-hashed, every run record and
 * pipeline state is checked against its schema (engine/cache-meta.ts), and every results/
 * file a current pipeline wrote is compared with the object its state records for it.
 *
 * What is removed (unless dry): corrupt objects and damaged run records. Each is only a
 * cache entry; the runner already treats one as a miss, so removing it loses nothing and
 * the next run recomputes what needs it. What is kept: damaged pipeline states. A state is
 * what gc keeps by, and what `status` explains by: removed, gc would take its pipeline's
 * whole cache for unused. The next run of its pipeline ignores the damaged entries and
 * rewrites it. results/ files that differ are only reported (a results file is the user's),
 * and forgotten by the file-hash memo, so that the next run sees the difference and rewrites
 * the file even when its size and mtime are what they were.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkPipelineState } from './cache-meta.js';
import { FileHasher } from './file-hash.js';
import { resultsTarget } from './results-target.js';
import type { LocalStore } from './store.js';

/** One thing found wrong. */
export interface VerifyFinding {
  readonly kind: 'object' | 'record' | 'state' | 'result' | 'stray';
  /** Object hash, record fingerprint, `cache/state/NAME.json`, a results/ path, or a stray `cache/objects/NAME`. */
  readonly name: string;
  /** What is wrong, said of the entry ("its content does not match its hash"). */
  readonly problem: string;
  /** Whether verify removed it (never in a dry run; never a state or a results file). */
  readonly removed: boolean;
  /** For a state or a results file: the pipeline whose next run repairs it, when known. */
  readonly pipeline?: string;
}

export interface VerifyReport {
  /** Objects re-hashed, and their bytes on disk (sound ones). */
  readonly objects: number;
  readonly bytes: number;
  readonly records: number;
  /** Pipeline states checked. */
  readonly states: number;
  /** results/ files compared with their cached copies. */
  readonly resultsFiles: number;
  readonly findings: VerifyFinding[];
}

export interface VerifyOptions {
  /** Report only: remove nothing and write nothing (not even the memos). */
  readonly dryRun: boolean;
}

/** Checks (and, unless dry, repairs) the cache of the project at `root`. */
export function verifyCache(store: LocalStore, root: string, opts: VerifyOptions): VerifyReport {
  const findings: VerifyFinding[] = [...strayEntries(store, opts)];
  const objects = store.listObjects();
  const sound = new Set<string>();
  let bytes = 0;
  for (const h of objects) {
    const r = store.recheckObject(h);
    if (r.ok) {
      sound.add(h);
      bytes += r.value;
      continue;
    }
    // Removed since it was listed (by hand, or by a gc at the same time): nothing to check.
    if (r.problem === 'missing') continue;
    if (!opts.dryRun) store.deleteObject(h);
    findings.push({ kind: 'object', name: h, problem: `it ${r.problem}`, removed: !opts.dryRun });
  }
  const records = store.listRecords();
  for (const fp of records) {
    const r = store.readRecordFile(fp);
    // Removed since it was listed: nothing to check.
    if (r.ok || r.problem === 'missing') continue;
    if (!opts.dryRun) store.deleteRecord(fp);
    findings.push({ kind: 'record', name: fp, problem: `it ${r.problem}`, removed: !opts.dryRun });
  }
  const states = store.listStates().filter((n) => n.startsWith('pipeline-'));
  const written = new Map<string, { hashes: Set<string>; pipeline: string }>();
  for (const name of states) {
    const shown = `cache/state/${name}.json`;
    const raw = store.readStateFile(name);
    if (!raw.ok) {
      if (raw.problem !== 'missing') findings.push({ kind: 'state', name: shown, problem: `it ${raw.problem}`, removed: false });
      continue;
    }
    const checked = checkPipelineState(raw.value);
    if (!checked.ok) {
      findings.push({ kind: 'state', name: shown, problem: `it ${checked.problem}`, removed: false });
      continue;
    }
    const { state, problems } = checked.value;
    // A pipeline whose file is gone has no next run to rewrite its results (gc forgets it).
    const current = fs.existsSync(path.resolve(root, state.file));
    if (problems.length > 0) {
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
      findings.push({ kind: 'state', name: shown, problem: `it is damaged: ${problems[0]!.problem}${more}`, removed: false, ...(current ? { pipeline: state.file } : {}) });
    }
    if (!current) continue;
    for (const stage of Object.values(state.stages)) {
      for (const item of Object.values(stage.items)) {
        for (const [rel, h] of Object.entries(item.written ?? {})) {
          const w = written.get(rel) ?? { hashes: new Set<string>(), pipeline: state.file };
          w.hashes.add(h);
          written.set(rel, w);
        }
      }
    }
  }
  // Files of two pipelines may share a path (the one run last wrote it): either copy is sound.
  const hasher = new FileHasher(root, store, { rehash: true });
  for (const [rel, w] of [...written.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const target = resultsTarget(root, rel);
    const h = target.ok ? hasher.hash(target.value) : undefined;
    if (h !== undefined && w.hashes.has(h)) continue;
    const problem = !target.ok ? `cannot be restored: ${target.problem}` : h === undefined ? 'is missing' : 'differs from its cached copy';
    findings.push({ kind: 'result', name: rel, problem, removed: false, pipeline: w.pipeline });
  }
  if (!opts.dryRun) {
    // The memo now holds exactly the objects just found sound.
    store.retainVerified(sound);
    store.flush();
    hasher.save();
  }
  return { objects: objects.length, bytes, records: records.length, states: states.length, resultsFiles: written.size, findings };
}

/**
 * Entries of cache/objects and cache/runs that are not folders of entries: a symbolic link
 * (never followed, by the store or here: it could lead anywhere), a stray file. The store
 * cannot use them; removed (a link, not what it points to) unless dry.
 */
function strayEntries(store: LocalStore, opts: VerifyOptions): VerifyFinding[] {
  const out: VerifyFinding[] = [];
  for (const sub of ['objects', 'runs']) {
    const dir = path.join(store.dir, sub);
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const n of names) {
      const st = fs.lstatSync(path.join(dir, n), { throwIfNoEntry: false });
      if (!st || st.isDirectory()) continue;
      const what = st.isSymbolicLink() ? 'a symbolic link' : st.isFile() ? 'a file' : 'not a folder';
      if (!opts.dryRun) fs.rmSync(path.join(dir, n), { force: true });
      out.push({ kind: 'stray', name: `cache/${sub}/${n}`, problem: `is ${what} where only folders of cache entries belong`, removed: !opts.dryRun });
    }
  }
  return out;
}
