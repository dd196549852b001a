/**
 * The spool: how the coordinator (`agglo run --executor slurm`) and its worker jobs exchange
 * tasks and outcomes, through a folder on the filesystem they share (docs/distributed.md).
 *
 *   <spool>/alive                    touched by the coordinator every second (workers leave when it is stale)
 *   <spool>/stop                     written when the run ends: workers leave
 *   <spool>/values/<sha256>.json     an input value, once however many tasks read it
 *   <spool>/todo/<batch>.json        a batch of tasks (inputs by value hash), written whole (temp file, then rename)
 *   <spool>/running/<batch>@<job>    a batch a worker job took: renamed from todo/, so only one takes it
 *   <spool>/done/<batch>.json        the batch's outcomes, written whole by the worker
 *   <spool>/logs/<job>.log           each worker job's output (sbatch -o)
 *
 * Only renames within one folder tree and whole-file writes are used: a rename is atomic on
 * a local or network filesystem (NFS, Lustre, GPFS), and a reader never sees half a file.
 * Values travel as the cache stores them (engine/canonical.ts), so a task's inputs and
 * outputs are the same bytes as in a local run; file contents in bytes go as base64.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeValue, deepFreeze, encodeValue, sha256 } from '../canonical.js';
import type { TaskOutcome, TaskRequest } from '../executor.js';

export const SPOOL_DIRS = ['values', 'todo', 'running', 'done', 'logs'] as const;

/** One task in a batch file: the request and an id unique in the run. */
export interface SpoolTask { readonly id: string; readonly req: TaskRequest }
/** A task as a batch file holds it: inputs that are tables or objects by the hash of their value file. */
interface StoredTask { readonly id: string; readonly req: Omit<TaskRequest, 'inputs'> & { inputs: Record<string, unknown> }; readonly refs: Record<string, string> }
/** One outcome in a done file. */
export interface SpoolOutcome { readonly id: string; readonly outcome: TaskOutcome; readonly job: string; readonly fp?: string }

export function makeSpool(dir: string): void {
  for (const d of SPOOL_DIRS) fs.mkdirSync(path.join(dir, d), { recursive: true });
}

/** Writes a file whole: readers see the old state or the complete new file. */
export function writeWhole(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Writes a batch. Input values that are tables or objects go to values/ once each (named by
 * the hash of their encoding, `valueFile` remembering which are written): the 390 tasks of a
 * stage that all read the same upstream table carry its hash, not 390 copies.
 */
export function writeBatch(dir: string, batch: string, tasks: readonly SpoolTask[], valueFile: (v: object) => string): void {
  const stored: StoredTask[] = tasks.map((t) => {
    const inputs: Record<string, unknown> = {};
    const refs: Record<string, string> = {};
    for (const [name, v] of Object.entries(t.req.inputs)) {
      if (typeof v === 'object' && v !== null) refs[name] = valueFile(v);
      else inputs[name] = v;
    }
    return { id: t.id, req: { ...t.req, inputs }, refs };
  });
  writeWhole(path.join(dir, 'todo', `${batch}.json`), encodeValue(stored));
}

/** Writes an input value's file unless it is there; returns its name (the hash of its text). */
export function writeValue(dir: string, v: unknown): string {
  const text = encodeValue(v);
  const h = sha256(text);
  const file = path.join(dir, 'values', `${h}.json`);
  if (!fs.existsSync(file)) writeWhole(file, text);
  return h;
}

/**
 * Takes the oldest batch waiting in todo/ for `job`: renames it into running/ (one worker
 * wins a race; the others get ENOENT and try the next). Undefined when none is waiting.
 */
export function claimBatch(dir: string, job: string, values: Map<string, unknown>): { batch: string; tasks: SpoolTask[] } | undefined {
  const waiting = fs.readdirSync(path.join(dir, 'todo')).filter((f) => f.endsWith('.json')).sort();
  for (const f of waiting) {
    const batch = f.slice(0, -'.json'.length);
    const to = path.join(dir, 'running', `${batch}@${job}`);
    try {
      fs.renameSync(path.join(dir, 'todo', f), to);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    const stored = decodeValue(fs.readFileSync(to, 'utf8')) as StoredTask[];
    // Each value file is read once per worker; tasks get it frozen, as a local step does.
    const value = (h: string) => {
      let v = values.get(h);
      if (v === undefined) values.set(h, (v = deepFreeze(decodeValue(fs.readFileSync(path.join(dir, 'values', `${h}.json`), 'utf8')))));
      return v;
    };
    const tasks = stored.map((t): SpoolTask => {
      const inputs: Record<string, unknown> = { ...t.req.inputs };
      for (const [name, h] of Object.entries(t.refs)) inputs[name] = value(h);
      return { id: t.id, req: { ...t.req, inputs: inputs as TaskRequest['inputs'] } };
    });
    return { batch, tasks };
  }
  return undefined;
}

/** Records a batch's outcomes and lets go of it. */
export function finishBatch(dir: string, batch: string, job: string, outcomes: readonly SpoolOutcome[]): void {
  writeWhole(path.join(dir, 'done', `${batch}.json`), encodeValue(outcomes.map(encodeOutcome)));
  fs.rmSync(path.join(dir, 'running', `${batch}@${job}`), { force: true });
}

/** The batches finished since the last look, each read and removed. */
export function takeDone(dir: string): { batch: string; outcomes: SpoolOutcome[] }[] {
  const out: { batch: string; outcomes: SpoolOutcome[] }[] = [];
  for (const f of fs.readdirSync(path.join(dir, 'done')).filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, 'done', f);
    const outcomes = (decodeValue(fs.readFileSync(file, 'utf8')) as unknown[]).map(decodeOutcome);
    fs.rmSync(file, { force: true });
    out.push({ batch: f.slice(0, -'.json'.length), outcomes });
  }
  return out;
}

/** Batches a job holds (running/<batch>@<job>), by job. */
export function runningBatches(dir: string): Map<string, string[]> {
  const byJob = new Map<string, string[]>();
  for (const f of fs.readdirSync(path.join(dir, 'running'))) {
    const at = f.lastIndexOf('@');
    if (at < 0 || f.includes('.tmp-')) continue;
    const job = f.slice(at + 1);
    byJob.set(job, [...(byJob.get(job) ?? []), f.slice(0, at)]);
  }
  return byJob;
}

/** Puts a batch a dead job held back into todo/ (its tasks run again); false when it is not there. */
export function requeueBatch(dir: string, batch: string, job: string): boolean {
  try {
    fs.renameSync(path.join(dir, 'running', `${batch}@${job}`), path.join(dir, 'todo', `${batch}.json`));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Removes a batch a dead job held, for good (its tasks failed too often). */
export function dropBatch(dir: string, batch: string, job: string): void {
  fs.rmSync(path.join(dir, 'running', `${batch}@${job}`), { force: true });
}

/** Byte contents of files go as base64 (JSON has no bytes). */
function encodeOutcome(o: SpoolOutcome): unknown {
  if (!o.outcome.ok) return o;
  const files = o.outcome.files.map((f) => (typeof f.content === 'string' ? f : { path: f.path, base64: Buffer.from(f.content).toString('base64') }));
  return { ...o, outcome: { ...o.outcome, files } };
}

function decodeOutcome(x: unknown): SpoolOutcome {
  const o = x as SpoolOutcome;
  if (!o.outcome.ok) return o;
  const files = (o.outcome.files as ({ path: string; content: string } | { path: string; base64: string })[]).map((f) =>
    'base64' in f ? { path: f.path, content: new Uint8Array(Buffer.from(f.base64, 'base64')) } : f);
  return { ...o, outcome: { ...o.outcome, files } };
}
