/**
 * The sweep's memo of its checked variants: checking 1,000 variants (validator, columns)
 * costs about a millisecond each, every time the sweep runs. When nothing the check read
 * has changed since the last time, the variants' checked pipelines are taken from the memo
 * and only planned (cheap). The memo lives in cache/state/sweep-….json, one per sweep file,
 * and is used only when all of these are as they were:
 *   - agglo itself (its version and the stamp of every file of its engine),
 *   - the sweep file's text and the text of every file of its base (the `extends` chain),
 *   - the steps (name, version, source hash: a plugin edited is a plugin changed),
 *   - every file the check looked at (exists? its header? a foreach file), by size,
 *     modification time, inode and real path, and the project's agglo.config.yaml.
 * Only a sweep whose variants were all valid is memoised, with its warnings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeValue, encodeValue, sha256 } from './canonical.js';
import type { Diagnostic } from './diagnostic.js';
import type { Pipeline } from './pipeline.js';
import { PROJECT_CONFIG_FILE } from './project-config.js';
import type { StepRegistry } from './registry.js';
import type { Store } from './store.js';
import { AGGLO_VERSION } from './version.js';

/** Bump when what the memo holds changes shape. */
const MEMO_FORMAT = 1;

/** A variant's checked pipeline without what is rebuilt on load (its file names and locator). */
export type MemoPipeline = Pick<Pipeline, 'params' | 'plugins' | 'stages'>;

export interface SweepMemoData {
  readonly variants: readonly { readonly id: string; readonly pipeline: MemoPipeline }[];
  readonly diagnostics: readonly Diagnostic[];
}

interface Stored {
  /** The sweep file (relative to the root): gc removes the memo once it is gone. */
  readonly sweep: string;
  readonly key: string;
  readonly files: readonly (readonly [string, string])[];
  readonly data: string;
}

/** What the memo key is made of, besides the files the check reads. */
export interface MemoInputs {
  readonly root: string;
  readonly sweepFile: string;
  /** displayFile → text of the sweep file and every file of its base. */
  readonly sources: ReadonlyMap<string, string>;
  readonly registry: StepRegistry;
}

/** Whether a state name is one of a sweep's memos (this one's, or sweep-models.ts's). */
export const isSweepMemo = (name: string): boolean => name.startsWith('sweep-');

/**
 * The sweep file a memo state is for (relative to the root), read from the state itself;
 * undefined when it does not say (a damaged memo, or one from before it did).
 */
export function memoSweepFile(raw: unknown): string | undefined {
  const s = (raw as { sweep?: unknown } | null | undefined)?.sweep;
  return typeof s === 'string' && s !== '' ? s : undefined;
}

/** The state name of a sweep file's memo. */
export function memoName(root: string, sweepFile: string): string {
  const rel = path.relative(root, sweepFile);
  return `sweep-${rel.replace(/[^A-Za-z0-9._-]+/g, '_')}-${sha256(rel).slice(0, 8)}`;
}

/** size:mtime:inode:realpath of a file, or `absent` (also for a folder: the check wants files). */
export function fileStamp(abs: string): string {
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st) return 'absent';
  let real = abs;
  try {
    real = fs.realpathSync(abs);
  } catch {
    /* a link that vanished in between: the stamp without it still differs from a file's */
  }
  return `${st.isFile() ? 'file' : 'other'}:${st.size}:${st.mtimeMs}:${st.ino}:${real}`;
}

/** Stamps of agglo's own engine and step files: a rebuilt agglo is a new checker. */
function engineStamp(): string {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const files: string[] = [];
  for (const d of [dir, path.join(dir, '..', 'steps')]) {
    for (const n of fs.readdirSync(d, { recursive: true, encoding: 'utf8' })) if (/\.(js|ts)$/.test(n)) files.push(path.join(d, n));
  }
  return sha256(files.sort().map((f) => `${f} ${fileStamp(f)}`).join('\n'));
}

export function memoKey(inputs: MemoInputs): string {
  const steps = inputs.registry.names().map((n) => {
    const s = inputs.registry.get(n)!;
    return [n, s.def.version, s.sourceHash];
  });
  return sha256(JSON.stringify({
    format: MEMO_FORMAT, agglo: AGGLO_VERSION, engine: engineStamp(), root: inputs.root, sweep: path.relative(inputs.root, inputs.sweepFile),
    sources: [...inputs.sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), steps,
    config: fileStamp(path.join(inputs.root, PROJECT_CONFIG_FILE)),
  }));
}

/** The memoised variants when the key and every recorded file are as they were. */
export function readMemo(store: Store, name: string, key: string): SweepMemoData | undefined {
  const raw = store.readState(name) as Partial<Stored> | undefined;
  if (!raw || raw.key !== key || !Array.isArray(raw.files) || typeof raw.data !== 'string') return undefined;
  for (const f of raw.files) {
    if (!Array.isArray(f) || typeof f[0] !== 'string' || fileStamp(f[0]) !== f[1]) return undefined;
  }
  try {
    const data = decodeValue(raw.data) as SweepMemoData;
    return Array.isArray(data?.variants) && Array.isArray(data.diagnostics) ? data : undefined;
  } catch {
    return undefined;
  }
}

/** Records the checked variants with the stamps of the files the check read (`files`: absolute paths). */
export function writeMemo(store: Store, name: string, key: string, files: Iterable<string>, data: SweepMemoData, sweep: string): void {
  const stored: Stored = { sweep, key, files: [...new Set(files)].sort().map((f) => [f, fileStamp(f)] as const), data: encodeValue(data) };
  store.writeState(name, stored);
}
