/**
 * What a pipeline-observing step (e.g. `report`) receives as `ctx.inputs.pipeline`: every
 * other stage with its step, version, status, timing and fingerprint, the edges between
 * stages, and the content hash of every input file. Its hash, which enters the observer's
 * fingerprint, leaves out what changes from run to run without changing any result
 * (status, timings), so the observer reruns exactly when a result it shows changed.
 */
import { ABSENT_FILE_HASH } from './params-schema.js';
import path from 'node:path';
import { hashOf } from './canonical.js';
import type { Plan } from './plan.js';
import type { StageRun } from './run-types.js';
import { AGGLO_VERSION } from './version.js';

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

/**
 * What an observing stage sees of the others; undefined in a dry run while an observed
 * stage would rerun (its fingerprint is not known yet).
 */
/**
 * What an observing stage sees of the others (engine/pipeline-info.ts); undefined in a
 * dry run while an observed stage would rerun (its fingerprint is not known yet).
 */
export function buildPipelineInfo(plan: Plan, runs: ReadonlyMap<string, StageRun>, observer: string, root: string, hashFile: (relative: string) => string | undefined): PipelineInfo | undefined {
  const planned = plan.stages.get(observer)!;
  const stages: StageInfo[] = [];
  const files = new Map<string, string>();
  for (const id of plan.order) {
    if (!planned.observed.includes(id)) continue;
    const r = runs.get(id);
    if (!r?.report) continue;
    if (r.report.status === 'would-run') return undefined;
    const p = r.planned;
    for (const ref of Object.values(p.spec.inputs)) if (ref.kind === 'file') files.set(ref.path, hashFile(ref.path) ?? '');
    for (const src of Object.values(p.spec.foreach ?? {})) if (src.kind === 'file') files.set(src.path, hashFile(src.path) ?? '');
    // A file an optional-file-path param names that does not exist (yet) has no hash: ''.
    for (const t of r.tasks) for (const [f, h] of Object.entries(t.state?.files ?? {})) files.set(f, h === ABSENT_FILE_HASH ? '' : h);
    stages.push({
      id, step: p.step.def.name, stepVersion: p.step.def.version,
      source: p.step.source === 'builtin' ? 'builtin' : path.relative(root, p.step.source),
      deps: p.deps.filter((d) => !p.observed.includes(d)), dims: [...p.dims], items: r.tasks.length,
      status: r.report.status, reason: r.report.reason, ms: r.report.ms,
      fingerprint: hashOf(r.tasks.map((t) => t.fp ?? null)),
    });
  }
  return {
    kind: 'pipeline-info', agglo: AGGLO_VERSION, pipeline: path.relative(root, plan.pipeline.file),
    stages, files: [...files.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([p, hash]) => ({ path: p, hash })),
    builtAt: new Date().toISOString(),
  };
}
