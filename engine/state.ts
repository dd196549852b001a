/**
 * Per-pipeline state: what each stage and item looked like when it last ran or was found
 * cached. Records in the store are shared by every pipeline (keyed by fingerprint); this
 * state is what lets `status` and `run` say *why* something reruns (targets' meta, wireit's
 * previous fingerprint). Losing it loses explanations, never results.
 */
import path from 'node:path';
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

export function loadState(store: Store, name: string, file = ''): PipelineState {
  const s = store.readState(name) as PipelineState | undefined;
  return s && s.version === 1 && typeof s.stages === 'object' ? s : { version: 1, file, stages: {} };
}
