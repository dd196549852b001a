/**
 * The shapes of the cache's metadata, checked on every read. cache/ is a folder anyone can
 * edit (or damage), so nothing read from it is trusted: JSON of the wrong shape, an object
 * name that is not a sha256, or a results path that would leave results/ is a problem to
 * report, and the entry is ignored (a miss: its task is recomputed), never a crash and never
 * a read, write or delete outside the project.
 */
import { dict } from './dict.js';
import type { RunRecord } from './store.js';
import type { ItemState, PipelineState, StageState } from './state.js';

/** A checked value, or what is wrong with it (said of the value, e.g. "`outputs` is not a map"). */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

/** Object names, fingerprints and content hashes are all lowercase sha256 hex. */
export function isHash(x: unknown): x is string {
  return typeof x === 'string' && /^[0-9a-f]{64}$/.test(x);
}

export function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Why the engine may not write `rel`, or undefined when it is a path it writes: relative,
 * `/`-separated, normalised, under results/. The same rule as for the paths steps ask to
 * write (engine/run-step.ts), applied again to every path that comes back from the cache.
 */
export function resultsPathProblem(rel: unknown): string | undefined {
  if (typeof rel !== 'string') return 'is not a string';
  if (rel.includes('\0')) return 'contains a NUL byte';
  if (rel.includes('\\')) return 'contains a backslash';
  if (rel.startsWith('/') || /^[A-Za-z]:/.test(rel)) return 'is absolute';
  if (rel.split('/').includes('..')) return 'contains `..`';
  if (!rel.startsWith('results/') || rel.endsWith('/')) return 'is not a file under results/';
  if (rel.split('/').some((part) => part === '' || part === '.')) return 'is not normalised';
  return undefined;
}

/**
 * Why `rel` is not a path of a file the pipeline reads, or undefined when it may be one. The
 * rule for the `files` (file-path params) read back from a pipeline state. An absolute path
 * or one with `..` may be legitimate (a folder the project allows with `allow_read`), so this
 * checks only the form; what the path names is confined where it is used (`agglo watch`
 * watches only files that engine/confine.ts lets a pipeline read).
 */
export function projectPathProblem(rel: unknown): string | undefined {
  if (typeof rel !== 'string') return 'is not a string';
  if (rel === '') return 'is empty';
  if (rel.includes('\0')) return 'contains a NUL byte';
  return undefined;
}

/** Quotes a path from the cache for a message (JSON escapes keep NUL and newlines visible). */
export function quotePath(rel: unknown): string {
  return typeof rel === 'string' ? `\`${JSON.stringify(rel).slice(1, -1)}\`` : String(JSON.stringify(rel));
}

function hashMap(x: unknown, what: string): Checked<Record<string, string>> {
  if (!isMap(x)) return { ok: false, problem: `${what} is not a map` };
  for (const [k, h] of Object.entries(x)) if (!isHash(h)) return { ok: false, problem: `${what} \`${k}\` is not a sha256 hash` };
  return { ok: true, value: x as Record<string, string> };
}

/** `written`/`files` of results paths → object hashes, every path checked. */
function writtenMap(x: unknown, what: string): Checked<Record<string, string>> {
  const m = hashMap(x, what);
  if (!m.ok) return m;
  for (const rel of Object.keys(m.value)) {
    const p = resultsPathProblem(rel);
    if (p) return { ok: false, problem: `${what} path ${quotePath(rel)} ${p}` };
  }
  return m;
}

export function checkItemState(x: unknown): Checked<ItemState> {
  if (!isMap(x)) return { ok: false, problem: 'is not a map' };
  if (!isHash(x.fp)) return { ok: false, problem: '`fp` is not a sha256 hash' };
  for (const [key, check] of [['outputs', hashMap], ['inputs', hashMap], ['files', hashMap], ['written', writtenMap]] as const) {
    if (x[key] === undefined && key !== 'outputs') continue;
    const c = check(x[key], `\`${key}\``);
    if (!c.ok) return c;
  }
  // file-path params are paths the engine only reads (and `watch` watches, after confining them).
  for (const f of Object.keys(x.files ?? {})) {
    const p = projectPathProblem(f);
    if (p) return { ok: false, problem: `\`files\` path ${quotePath(f)} ${p}` };
  }
  return { ok: true, value: x as unknown as ItemState };
}

/** One problem found in a pipeline state, and where (for "cache entry damaged" reasons). */
export interface StateProblem {
  readonly stage?: string;
  readonly item?: string;
  readonly problem: string;
}

/**
 * A pipeline state with every entry checked. A state that is not a pipeline state at all is
 * a failure; a damaged stage or item is left out and listed in `problems`, so the rest of
 * the state still answers.
 */
export function checkPipelineState(x: unknown): Checked<{ state: PipelineState; problems: StateProblem[] }> {
  if (!isMap(x)) return { ok: false, problem: `holds ${describe(x)}, not a pipeline state` };
  if (x.version !== 1) return { ok: false, problem: '`version` is not 1' };
  if (typeof x.file !== 'string' || x.file === '' || x.file.includes('\0')) return { ok: false, problem: '`file` is not a path' };
  if (!isMap(x.stages)) return { ok: false, problem: '`stages` is not a map' };
  const problems: StateProblem[] = [];
  const stages = dict<StageState>();
  for (const [id, raw] of Object.entries(x.stages)) {
    const st = checkStageHead(raw);
    if (st) {
      problems.push({ stage: id, problem: `stage \`${id}\` ${st}` });
      continue;
    }
    const s = raw as Record<string, unknown> & { items: Record<string, unknown> };
    const items = dict<ItemState>();
    for (const [itemId, it] of Object.entries(s.items)) {
      const c = checkItemState(it);
      if (c.ok) items[itemId] = c.value;
      else problems.push({ stage: id, item: itemId, problem: `stage \`${id}\`${itemId ? ` item ${itemId}` : ''}: ${c.problem}` });
    }
    stages[id] = { ...(s as unknown as StageState), items };
  }
  return { ok: true, value: { state: { version: 1, file: x.file, stages }, problems } };
}

/** What is wrong with a stage's own fields (not its items), or undefined. */
function checkStageHead(x: unknown): string | undefined {
  if (!isMap(x)) return `holds ${describe(x)}, not a stage state`;
  for (const k of ['step', 'stepVersion', 'stepSource'] as const) if (typeof x[k] !== 'string') return `\`${k}\` is not a string`;
  if (!isMap(x.params)) return '`params` is not a map';
  if (!isMap(x.items)) return '`items` is not a map';
  if (x.key !== undefined && !isHash(x.key)) return '`key` is not a sha256 hash';
  return undefined;
}

/** A run record as read from cache/runs/, checked against the fingerprint it is filed under. */
export function checkRunRecord(x: unknown, fp: string): Checked<RunRecord> {
  if (!isMap(x)) return { ok: false, problem: `holds ${describe(x)}, not a run record` };
  if (x.fingerprint !== fp) return { ok: false, problem: 'is filed under another fingerprint' };
  const outputs = hashMap(x.outputs, '`outputs`');
  if (!outputs.ok) return outputs;
  const files = writtenMap(x.files, '`files`');
  if (!files.ok) return files;
  if (x.notes !== undefined && !(Array.isArray(x.notes) && x.notes.every((n) => typeof n === 'string'))) return { ok: false, problem: '`notes` is not a list of strings' };
  return { ok: true, value: x as unknown as RunRecord };
}

/** The verify memo (object hash → "size:mtimeMs"); entries of another shape are dropped. */
export function checkVerifiedMemo(x: unknown): Record<string, string> {
  const out = dict<string>();
  if (isMap(x)) for (const [h, v] of Object.entries(x)) if (isHash(h) && typeof v === 'string') out[h] = v;
  return out;
}

/** The file-hash memo (project path → size, mtime, hash); entries of another shape are dropped. */
export function checkFileHashMemo(x: unknown): Record<string, { size: number; mtimeMs: number; hash: string }> {
  const out = dict<{ size: number; mtimeMs: number; hash: string }>();
  if (!isMap(x)) return out;
  for (const [f, v] of Object.entries(x)) {
    if (isMap(v) && typeof v.size === 'number' && typeof v.mtimeMs === 'number' && isHash(v.hash)) out[f] = { size: v.size, mtimeMs: v.mtimeMs, hash: v.hash };
  }
  return out;
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  return `a ${typeof x}`;
}
