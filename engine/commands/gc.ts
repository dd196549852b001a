/**
 * `agglo gc [--dry-run]`: removes cache entries that no current pipeline references. A
 * pipeline is current when its file exists; what it references is its last run's state
 * (the results `agglo show` and the next no-op run use). Refuses while a run is going on
 * (a run that starts during gc waits for it: engine/lock.ts), and when any pipeline state
 * cannot be read or is damaged: gc cannot know what that pipeline still uses, and guessing
 * "nothing" would delete its whole cache. Also removes the temp files that writers killed
 * mid-write left in cache/ and results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkPipelineState, type Checked } from '../cache-meta.js';
import { isInside } from '../confine.js';
import { itemId } from '../items.js';
import { processAlive, withGcLock } from '../lock.js';
import type { PipelineState } from '../state.js';
import { isSweepMemo, memoSweepFile } from '../sweep-memo.js';
import type { LocalStore } from '../store.js';
import { EXIT_FAILED, EXIT_OK, openProject, type Io, type Project } from './common.js';

export interface GcFlags {
  /** Say what would be removed, remove nothing. */
  readonly dryRun: boolean;
  /** Name every entry (with --dry-run: what would be removed; else what was). */
  readonly verbose?: boolean;
}

export function gcCommand(flags: GcFlags, io: Io): number {
  const project = openProject(io);
  // gc's own lock makes a run that starts meanwhile wait for it (engine/lock.ts says why
  // the two can never both go ahead).
  const locked = withGcLock(project.root, () => collect(flags, project, io));
  if (locked.ok) return locked.value;
  if (locked.reason === 'cannot-lock') io.err(`error: ${locked.problem}\n`);
  else io.err(`error: agglo run is in progress (pid ${locked.pids.join(', ')}); run gc when it has finished\n`);
  return EXIT_FAILED;
}

function collect(flags: GcFlags, project: Project, io: Io): number {
  const store = project.store;
  const keepRecords = new Set<string>();
  const keepObjects = new Set<string>();
  const staleStates: string[] = [];
  /** State name → the (deleted) pipeline file it was for. */
  const staleFiles = new Map<string, string>();
  for (const name of store.listStates().filter((n) => n.startsWith('pipeline-'))) {
    const read = readState(store, name);
    if (!read.ok) {
      io.err(`error: cannot read cache/state/${name}.json: ${read.problem}\ngc needs every pipeline's state to know which cache entries are still in use, so it deleted nothing. Run that pipeline again (\`agglo run PIPELINE\` rewrites its state), or delete that file to let gc forget the pipeline.\n`);
      return EXIT_FAILED;
    }
    const s = read.value;
    if (!fs.existsSync(path.resolve(project.root, s.file))) {
      staleStates.push(name);
      staleFiles.set(name, s.file);
      continue;
    }
    for (const stage of Object.values(s.stages)) {
      for (const item of Object.values(stage.items)) {
        keepRecords.add(item.fp);
        for (const h of Object.values(item.outputs)) keepObjects.add(h);
        for (const h of Object.values(item.written ?? {})) keepObjects.add(h);
      }
    }
  }
  // A sweep's memos (checked variants, collected models) go with their sweep file; one that
  // does not say which file it is for is only a memo, remade by the next sweep run.
  const staleMemos = store.listStates().filter(isSweepMemo).map((name) => ({ name, sweep: memoSweepFile(store.readState(name)) }))
    .filter((m) => m.sweep === undefined || !fs.existsSync(path.resolve(project.root, m.sweep)));
  const records = store.listRecords().filter((r) => !keepRecords.has(r));
  const objects = store.listObjects().filter((o) => !keepObjects.has(o));
  let bytes = 0;
  for (const o of objects) bytes += safeSize(path.join(store.dir, 'objects', o.slice(0, 2), o));
  // A set: results/ may be a link to a folder that is walked anyway.
  const temps = [...new Set([...staleTempFiles(store.dir), ...staleTempFiles(resultsDir(project.root))])];
  // Read before anything is deleted: the records say which stage each entry was for.
  const details = flags.dryRun || flags.verbose ? describeRemovals(store, project.root, { records, objects, temps, staleStates, staleFiles, staleMemos }, flags.verbose === true) : [];
  if (!flags.dryRun) {
    for (const t of temps) fs.rmSync(t, { force: true });
    for (const r of records) store.deleteRecord(r);
    for (const o of objects) store.deleteObject(o);
    for (const s of staleStates) store.deleteState(s);
    for (const m of staleMemos) store.deleteState(m.name);
  }
  const verb = flags.dryRun ? 'would remove' : 'removed';
  io.out(`${verb} ${records.length} run records and ${objects.length} objects (${(bytes / 1e6).toFixed(1)} MB)${temps.length ? ` and ${temps.length} temp files left by interrupted runs` : ''}; kept ${keepRecords.size} records referenced by current pipelines\n`);
  for (const line of details) io.out(`  ${line}\n`);
  if (flags.dryRun && !flags.verbose && records.length + objects.length + temps.length + staleStates.length + staleMemos.length > 0) io.out('  (--verbose names every entry)\n');
  return EXIT_OK;
}

/** What gc removes (or would remove), for {@link describeRemovals}. */
interface Removals {
  readonly records: readonly string[];
  readonly objects: readonly string[];
  readonly temps: readonly string[];
  readonly staleStates: readonly string[];
  readonly staleFiles: ReadonlyMap<string, string>;
  /** Memos of sweeps whose file no longer exists (or that do not say which file). */
  readonly staleMemos: readonly { readonly name: string; readonly sweep: string | undefined }[];
}

/**
 * Lines saying what gc removes: per stage, its run records and the objects they name (a record
 * says which stage and item first produced it; entries no readable record names are counted
 * apart), the states of deleted pipelines and the temp files; with `verbose`, every entry.
 */
function describeRemovals(store: LocalStore, root: string, r: Removals, verbose: boolean): string[] {
  const removed = new Set(r.objects);
  const byStage = new Map<string, { records: string[]; objects: Set<string> }>();
  const named = new Set<string>();
  const lines: string[] = [];
  const recs: { what: string; lines: string[] }[] = [];
  for (const fp of r.records) {
    const rec = store.readRecordFile(fp);
    const stage = rec.ok ? `stage \`${rec.value.stage}\`` : 'damaged records';
    const g = byStage.get(stage) ?? { records: [], objects: new Set<string>() };
    g.records.push(fp);
    byStage.set(stage, g);
    const objs = rec.ok ? [...new Set([...Object.values(rec.value.outputs), ...Object.values(rec.value.files)])].filter((h) => removed.has(h)).sort() : [];
    for (const h of objs) { g.objects.add(h); named.add(h); }
    const what = rec.ok ? `stage \`${rec.value.stage}\`${rec.value.item ? ` item ${itemId(rec.value.item)}` : ''}, step ${rec.value.step}` : 'a damaged record';
    recs.push({ what, lines: [`cache/runs/${fp.slice(0, 2)}/${fp}.json (${what})`, ...objs.map((h) => `  cache/objects/${h.slice(0, 2)}/${h}`)] });
  }
  // By stage and item, not by hash: the listing reads like the pipeline.
  const entries = recs.sort((a, b) => (a.what < b.what ? -1 : a.what > b.what ? 1 : 0)).flatMap((e) => e.lines);
  for (const [stage, g] of [...byStage].sort((a, b) => b[1].records.length - a[1].records.length || (a[0] < b[0] ? -1 : 1))) {
    lines.push(`${stage}: ${plural(g.records.length, 'run record')}, ${plural(g.objects.size, 'object')}`);
  }
  const loose = r.objects.filter((h) => !named.has(h));
  if (loose.length) {
    lines.push(`${plural(loose.length, 'object')} that no removed run record names`);
    entries.push(...loose.sort().map((h) => `cache/objects/${h.slice(0, 2)}/${h}`));
  }
  for (const s of r.staleStates) lines.push(`the state of ${r.staleFiles.get(s) || s}, a pipeline that no longer exists (cache/state/${s}.json)`);
  for (const m of r.staleMemos) lines.push(`${m.sweep ? `the memo of ${m.sweep}, a sweep that no longer exists` : 'a sweep memo that does not name its sweep file'} (cache/state/${m.name}.json)`);
  if (r.temps.length) {
    lines.push(`${plural(r.temps.length, 'temp file')} left by interrupted runs`);
    entries.push(...r.temps.map((t) => path.relative(root, t)).sort());
  }
  return verbose ? [...lines, ...entries] : lines;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** A pipeline state for gc: every entry sound, or why not (no partial state: it decides deletions). */
function readState(store: LocalStore, name: string): Checked<PipelineState> {
  const raw = store.readStateFile(name);
  // Removed since it was listed: it references nothing.
  if (!raw.ok && raw.problem === 'missing') return { ok: true, value: { version: 1, file: '', stages: {} } };
  if (!raw.ok) return { ok: false, problem: `it ${raw.problem}` };
  const checked = checkPipelineState(raw.value);
  if (!checked.ok) return { ok: false, problem: `it ${checked.problem}` };
  const first = checked.value.problems[0];
  return first === undefined ? { ok: true, value: checked.value.state } : { ok: false, problem: `it is damaged (${first.problem})` };
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function safeSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * results/, where runs write files atomically (temp file + rename), or undefined when there
 * is nothing gc may clean: results/ may be a symbolic link only to a folder inside the
 * project, as for the writers (engine/results-target.ts); anything else is not followed.
 */
function resultsDir(root: string): string | undefined {
  const dir = path.join(root, 'results');
  const st = fs.lstatSync(dir, { throwIfNoEntry: false });
  if (!st) return undefined;
  if (!st.isSymbolicLink()) return st.isDirectory() ? dir : undefined;
  try {
    const real = fs.realpathSync(dir);
    const realRoot = fs.realpathSync(root);
    return real !== realRoot && isInside(realRoot, real) && fs.statSync(real).isDirectory() ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Temp files (`name.tmp-PID-…`, engine/store.ts writeFileAtomic) of writers that are no
 * longer running (e.g. a run killed mid-write). Only regular files: a symbolic link is
 * neither followed (it could lead anywhere, or loop) nor removed, and no other file is.
 */
function staleTempFiles(dir: string | undefined): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of safeList(d)) {
      const p = path.join(d, e);
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      const m = /\.tmp-(\d+)-[0-9a-f]+$/.exec(e);
      if (m) {
        if (st?.isFile() && !processAlive(Number(m[1]))) out.push(p);
      } else if (st?.isDirectory()) walk(p);
    }
  };
  if (dir !== undefined) walk(dir);
  return out;
}
