/**
 * What a pipeline-observing step (e.g. `report`) receives as `ctx.inputs.pipeline`: every
 * other stage with its step, version, status, timing and fingerprint, the edges between
 * stages, and the content hash of every input file. Its hash, which enters the observer's
 * fingerprint, leaves out what changes from run to run without changing any result
 * (status, timings), so the observer reruns exactly when a result it shows changed.
 */
import { hashOf } from './canonical.js';

export interface StageInfo {
  readonly id: string;
  readonly step: string;
  readonly stepVersion: string;
  /** "builtin" or the plugin file relative to the project root. */
  readonly source: string;
  /** Upstream stage ids (data dependencies only). */
  readonly deps: string[];
  /** foreach dimensions and the number of items ([] and 1 without foreach). */
  readonly dims: string[];
  readonly items: number;
  /** In the run that built the observer: ran, cached, failed or skipped. */
  readonly status: string;
  /** Why it ran, in that run ("up to date" when cached). */
  readonly reason: string;
  /** Wall time of the stage in that run, ms. */
  readonly ms: number;
  /** sha256 over the fingerprints of the stage's items. */
  readonly fingerprint: string;
}

export interface PipelineInfo {
  readonly kind: 'pipeline-info';
  /** agglo's version (package.json). */
  readonly agglo: string;
  /** The pipeline file relative to the project root. */
  readonly pipeline: string;
  readonly stages: StageInfo[];
  /** Every input file of the pipeline (file inputs, file-path params, foreach files) and its sha256. */
  readonly files: { path: string; hash: string }[];
  /** When the observer was built (ISO time). */
  readonly builtAt: string;
}

/** The hash that enters the observer's fingerprint: results and inputs, not run metadata. */
export function pipelineInfoHash(info: PipelineInfo): string {
  return hashOf({
    agglo: info.agglo,
    pipeline: info.pipeline,
    stages: info.stages.map(({ id, step, stepVersion, source, deps, dims, items, fingerprint }) => ({ id, step, stepVersion, source, deps, dims, items, fingerprint })),
    files: info.files,
  });
}
