/**
 * The pipeline last run in a project (`cache/state/last-run.json`), so that `agglo show`
 * without `-p` shows the results the user just made rather than those of the default
 * pipeline. Written by every run (`run`, `report`, `watch`) that gets as far as running.
 * It is cache metadata: a path it holds is used only when it names an existing YAML file
 * inside the project (where `agglo show -p` could read it too).
 */
import fs from 'node:fs';
import path from 'node:path';
import { outsideRoot } from './confine.js';
import type { Store } from './store.js';

const STATE = 'last-run';

/** Records `pipelineFile` (absolute or relative to `root`) as the pipeline last run here. */
export function recordLastRun(store: Store, root: string, pipelineFile: string): void {
  const file = path.relative(root, path.resolve(root, pipelineFile)).split(path.sep).join('/');
  // A no-op rerun of the same pipeline writes nothing.
  if (lastRunFile(store) === file) return;
  store.writeState(STATE, { version: 1, file });
}

/**
 * The pipeline last run here, relative to `root`, or undefined when none is recorded or the
 * record does not name an existing `.yaml`/`.yml` file inside the project.
 */
export function lastRunPipeline(store: Store, root: string): string | undefined {
  const file = lastRunFile(store);
  if (file === undefined || !/\.ya?ml$/i.test(file)) return undefined;
  const abs = path.resolve(root, file);
  if (outsideRoot(abs, root) !== undefined) return undefined;
  return fs.statSync(abs, { throwIfNoEntry: false })?.isFile() ? file : undefined;
}

function lastRunFile(store: Store): string | undefined {
  const raw = store.readState(STATE) as { file?: unknown } | undefined;
  return typeof raw === 'object' && raw !== null && typeof raw.file === 'string' && raw.file !== '' ? raw.file : undefined;
}
