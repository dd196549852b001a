/**
 * `agglo validate [PIPELINE] [--load-plugins]`: every problem in one go; exit 2 when there
 * are errors. Validating must be safe on a pipeline from someone else, so the pipeline's
 * plugins (code) are not imported unless --load-plugins asks: their stages are then listed
 * as not checked (docs/security.md). The columns that params name are checked too
 * (engine/columns.ts); where they cannot be known before running, a `note:` line says so.
 */
import { formatDiagnostics } from '../diagnostics-format.js';
import { loadPipeline } from '../load.js';
import { EXIT_INVALID, EXIT_OK, openProject, type Io } from './common.js';

export async function validateCommand(pipeline: string, io: Io, loadPlugins = false): Promise<number> {
  const project = openProject(io);
  const loaded = await loadPipeline(pipeline, project.root, { loadPlugins });
  if (loaded.diagnostics.length > 0) io.err(formatDiagnostics(loaded.diagnostics, loaded.sources, { color: io.color }));
  if (loaded.diagnostics.some((d) => d.severity === 'error') || !loaded.pipeline) return EXIT_INVALID;
  const unchecked = loaded.unchecked ?? [];
  const total = loaded.pipeline.stages.length + unchecked.length;
  // Where columns could not be checked before running (engine/columns.ts): said once each, not an error.
  const notes = (loaded.columnNotes ?? []).map((n) => `note: ${n}\n`).join('');
  if (unchecked.length === 0) {
    io.out(`${loaded.pipeline.displayFile}: ok (${total} stages)\n${notes}`);
    return EXIT_OK;
  }
  const names = unchecked.map((s) => `\`${s}\``).join(', ');
  io.out(`${loaded.pipeline.displayFile}: ok (${total} stages; ${unchecked.length} not checked: ${names} use${unchecked.length === 1 ? 's' : ''} plugin steps, and plugins are not run by validate — \`agglo validate --load-plugins\` checks them too, running the plugins' code)\n${notes}`);
  return EXIT_OK;
}
