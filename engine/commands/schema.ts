/**
 * `agglo schema [-p PIPELINE] [-o FILE]`: the JSON Schema of the pipeline language with the
 * params of every registered step (engine/pipeline-json-schema.ts), for editors. With `-p`,
 * the pipeline's plugins are loaded (their code runs, as for `agglo steps -p`) and their
 * steps are in the schema too. Printed, or written to FILE inside the project.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatDiagnostics } from '../diagnostics-format.js';
import type { Diagnostic } from '../diagnostic.js';
import { builtinRegistry, loadPipeline } from '../load.js';
import { isInside } from '../confine.js';
import { pipelineJsonSchema } from '../pipeline-json-schema.js';
import { sweepJsonSchema } from '../sweep-json-schema.js';
import type { StepRegistry } from '../registry.js';
import { EXIT_FAILED, EXIT_INVALID, EXIT_OK, type Io } from './common.js';

/** Problems that leave the registry without the pipeline's plugin steps: the schema would lack them. */
const PLUGIN_CODES = new Set(['missing-plugin', 'bad-plugin']);

export async function schemaCommand(flags: { pipeline?: string; output?: string; sweep?: boolean }, io: Io): Promise<number> {
  const root = process.cwd();
  if (flags.sweep) {
    if (flags.pipeline !== undefined) {
      io.err('error: --sweep takes no pipeline: the sweep schema is the same for every pipeline (`agglo validate SWEEP_FILE` checks the overlays against the pipeline)\n');
      return EXIT_INVALID;
    }
    const text = `${JSON.stringify(sweepJsonSchema(), null, 2)}\n`;
    if (flags.output === undefined) {
      io.out(text);
      return EXIT_OK;
    }
    return writeInsideProject(flags.output, text, root, 'the sweep schema', io);
  }
  let registry: StepRegistry;
  if (flags.pipeline === undefined) {
    registry = builtinRegistry();
  } else {
    const loaded = await loadPipeline(flags.pipeline, root);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    // `unchecked` is set once the file was read, parsed, merged with its bases and its
    // plugins loaded; without it, or with a plugin that failed, the plugin steps are unknown.
    const unread = loaded.unchecked === undefined;
    const blocking: Diagnostic[] = unread ? errors : errors.filter((d) => PLUGIN_CODES.has(d.code) || d.message.startsWith('plugin `'));
    if (blocking.length > 0) {
      io.err(formatDiagnostics(blocking, loaded.sources, { color: io.color }));
      const why = unread ? `\`${flags.pipeline}\` could not be read as a pipeline, so its plugins are unknown` : `the schema needs the steps of \`${flags.pipeline}\`'s plugins, and they could not be loaded`;
      io.err(`error: ${why}; fix the problems above (or leave out -p for the built-in steps only)\n`);
      return EXIT_INVALID;
    }
    if (errors.length > 0) io.err(`note: \`${flags.pipeline}\` has ${errors.length} problem${errors.length === 1 ? '' : 's'} (\`agglo validate ${flags.pipeline}\` lists them); the schema is complete without fixing them\n`);
    registry = loaded.registry;
  }
  const defs = registry.names().map((n) => registry.get(n)!.def);
  const text = `${JSON.stringify(pipelineJsonSchema(defs), null, 2)}\n`;
  if (flags.output === undefined) {
    io.out(text);
    return EXIT_OK;
  }
  return writeInsideProject(flags.output, text, root, `the pipeline schema with ${defs.length} steps`, io);
}

/** Writes `text` to `file` (relative to the project root), refusing places outside the project. */
function writeInsideProject(file: string, text: string, root: string, what: string, io: Io): number {
  const abs = path.resolve(root, file);
  const outside = `error: --output \`${file}\` is outside the project (the folder agglo runs in); write the schema inside it, e.g. \`-o schema/my-pipeline.schema.json\`, and point the modeline at it\n`;
  if (!isInside(root, abs)) {
    io.err(outside);
    return EXIT_INVALID;
  }
  if (fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) {
    io.err(`error: --output \`${file}\` is a folder; give a file name, e.g. \`${path.join(file, 'pipeline.schema.json')}\`\n`);
    return EXIT_INVALID;
  }
  const dir = path.dirname(abs);
  const tmp = path.join(dir, `.${path.basename(abs)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    // A folder on the way may be a link out of the project: compare real paths.
    if (!isInside(fs.realpathSync(root), fs.realpathSync(dir))) {
      io.err(outside);
      return EXIT_INVALID;
    }
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, abs);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    io.err(`error: could not write \`${file}\`: ${(e as Error).message}\n`);
    return EXIT_FAILED;
  }
  io.out(`${path.relative(root, abs)}: ${what}\n`);
  return EXIT_OK;
}
