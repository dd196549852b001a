/**
 * Per-pipeline state: what each stage and item looked like when it last ran or was found
 * cached. Records in the store are shared by every pipeline (keyed by fingerprint); this
 * state is what lets `status` and `run` say *why* something reruns (targets' meta, wireit's
 * previous fingerprint). Losing it loses explanations, never results.
 */
import path from 'node:path';
import { checkPipelineState } from './cache-meta.js';
import { sha256 } from './canonical.js';
import type { Store } from './store.js';

export interface ItemState {
  /** Fingerprint at the last run. */
  readonly fp: string;
  /** Input name → content hash, as in the fingerprint (omitted when none). */
  readonly inputs?: Record<string, string>;
  /** file-path param → content hash (omitted when none). */
  readonly files?: Record<string, string>;
  /** Output name → object hash. */
  readonly outputs: Record<string, string>;
  /** results/ files the task wrote → object hash (restored on a cache hit when missing). */
  readonly written?: Record<string, string>;
}

export interface StageState {
  readonly step: string;
  readonly stepVersion: string;
  readonly stepSource: string;
  /** The stage's params as written (after `${params}` substitution), for "which param changed". */
  readonly params: Record<string, unknown>;
  /** itemId ('' for a stage without foreach) → item state. */
  readonly items: Record<string, ItemState>;
  /** The stage key of the run that recorded this state (engine/run.ts stageKey): equal key, nothing to do. */
  readonly key?: string;
}

export interface PipelineState {
  readonly version: 1;
  /** The pipeline file relative to the project root (gc drops the state of deleted pipelines). */
  readonly file: string;
  readonly stages: Record<string, StageState>;
}

/**
 * State name for a pipeline file: its path relative to the project root, made file-safe,
 * plus a short hash of the exact path (so `a b.yaml` and `a_b.yaml` do not share a state).
 */
export function stateName(root: string, pipelineFile: string): string {
  const rel = path.relative(root, pipelineFile);
  return `pipeline-${rel.replace(/[^A-Za-z0-9._-]+/g, '_')}-${sha256(rel).slice(0, 8)}`;
}

/**
 * A sweep variant's pipeline file is its sweep file with this mark and a hash of the variant
 * id appended (engine/sweep-load.ts): each variant keeps its own state, recorded under the
 * sweep file, so `agglo gc` keeps a variant's entries while the sweep file exists.
 */
export const VARIANT_MARK = '#variant-';

/** The file a pipeline state belongs to (relative path): a sweep variant's is its sweep file. */
export function stateFile(rel: string): string {
  const i = rel.lastIndexOf(VARIANT_MARK);
  return i >= 0 && /^[0-9a-f]{12}$/.test(rel.slice(i + VARIANT_MARK.length)) ? rel.slice(0, i) : rel;
}

/** A pipeline state as read, with what was wrong with it. */
export interface LoadedState {
  /** The sound part of the state (empty when the file is missing or unusable). */
  readonly state: PipelineState;
  /** What was wrong, one phrase each ("it is not JSON", "stage `x` …"; empty when sound or missing). */
  readonly problems: readonly string[];
  /** Whether this stage's (or item's) entry was left out because it was damaged. */
  damaged(stage: string, item: string): boolean;
}

/**
 * Reads a pipeline state and checks its shape (cache-meta.ts): a file that is not a state
 * at all counts as empty, a damaged stage or item is left out. Either way the problems are
 * returned, for a warning, and what was left out is recomputed.
 */
export function readPipelineState(store: Store, name: string, file = ''): LoadedState {
  const empty: PipelineState = { version: 1, file, stages: {} };
  const raw = store.readStateFile(name);
  if (!raw.ok) {
    if (raw.problem === 'missing') return { state: empty, problems: [], damaged: () => false };
    return { state: empty, problems: [`it ${raw.problem}`], damaged: () => true };
  }
  const checked = checkPipelineState(raw.value);
  if (!checked.ok) return { state: empty, problems: [`it ${checked.problem}`], damaged: () => true };
  const { state, problems } = checked.value;
  const stages = new Set(problems.filter((p) => p.item === undefined).map((p) => p.stage));
  const items = new Set(problems.filter((p) => p.item !== undefined).map((p) => `${p.stage}\0${p.item}`));
  return {
    state,
    problems: problems.map((p) => p.problem),
    damaged: (stage, item) => stages.has(stage) || items.has(`${stage}\0${item}`),
  };
}

/** The sound part of a pipeline state (see readPipelineState), without the problems. */
export function loadState(store: Store, name: string, file = ''): PipelineState {
  return readPipelineState(store, name, file).state;
}
