/**
 * Loading a pipeline: read → parse → load plugins → validate → plan. Every problem comes
 * back as a Diagnostic (never an exception) so the CLI can print them all at once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { builtinSteps } from '../steps/index.js';
import type { Diagnostic } from './diagnostic.js';
import { parsePipelineText, readPipelineFile } from './parse.js';
import { resolveExtends } from './extends.js';
import type { Pipeline } from './pipeline.js';
import { planPipeline, type Plan } from './plan.js';
import { loadStepModule, pluginSourceFiles, pluginSourceHash, resolvePlugin } from './plugins.js';
import { StepRegistry } from './registry.js';
import { pluginSpecifiers } from './parse.js';
import { validatePipeline } from './validate.js';
import { checkColumns } from './columns.js';
import { checkStepSchema } from './params-schema.js';
import { AGGLO_VERSION } from './version.js';
import { PROJECT_CONFIG_FILE, projectConfig } from './project-config.js';

export interface Loaded {
  readonly registry: StepRegistry;
  readonly pipeline?: Pipeline;
  readonly plan?: Plan;
  readonly diagnostics: Diagnostic[];
  /** displayFile → text, for printing diagnostics. */
  readonly sources: Map<string, string>;
  /** Absolute paths of plugin modules and the local modules they import (watched by `agglo watch`). */
  readonly pluginFiles: string[];
  /** Absolute paths of the pipelines this one `extends` (watched too). */
  readonly baseFiles?: string[];
  /** Stages whose step comes from a plugin that was not loaded (`loadPlugins: false`): not checked, not planned. */
  readonly unchecked?: string[];
  /** Where the columns stop being known before running (engine/columns.ts): shown by `agglo validate`. */
  readonly columnNotes?: string[];
}

export interface LoadOptions {
  /**
   * Import the pipeline's plugins (default true). Plugins are code: `agglo validate` checks a
   * pipeline without running its plugins unless asked (docs/security.md); their stages are
   * then reported as not checked.
   */
  readonly loadPlugins?: boolean;
}

/**
 * The built-in steps. Their "source hash" is agglo's version: a built-in's results are
 * recomputed after an upgrade of agglo even where a step author forgot to bump the step's
 * own version (within one release, the step version is what counts).
 */
export function builtinRegistry(): StepRegistry {
  const reg = new StepRegistry();
  for (const def of builtinSteps) reg.add(def, 'builtin', `agglo@${AGGLO_VERSION}`);
  return reg;
}

/** Loads and validates the pipeline at `file` (relative to `root` or absolute). */
export async function loadPipeline(file: string, root: string, options: LoadOptions = {}): Promise<Loaded> {
  const loadPlugins = options.loadPlugins ?? true;
  const abs = path.resolve(root, file);
  const displayFile = path.relative(root, abs) || file;
  const registry = builtinRegistry();
  const sources = new Map<string, string>();
  const read = readPipelineFile(abs);
  if (!('text' in read)) {
    return {
      registry, sources, pluginFiles: [],
      diagnostics: [{ severity: 'error', code: read.reason, message: `pipeline file \`${displayFile}\` ${read.message}`, file: displayFile, line: 1, col: 1, endLine: 1, endCol: 1 }],
    };
  }
  const text = read.text;
  sources.set(displayFile, text);
  const first = parsePipelineText(text, abs, displayFile);
  const settings = projectConfig(root);
  if (settings.text !== undefined) sources.set(PROJECT_CONFIG_FILE, settings.text);
  const diagnostics = [...settings.diagnostics, ...first.diagnostics];
  if (!first.parsed) return { registry, sources, diagnostics, pluginFiles: [] };
  const ext = resolveExtends(first.parsed, root);
  diagnostics.push(...ext.diagnostics);
  for (const b of ext.bases) sources.set(b.displayFile, b.text);
  const baseFiles = ext.bases.map((b) => b.file);
  const parsed = ext.parsed;
  if (!parsed) return { registry, sources, diagnostics, pluginFiles: [], baseFiles };
  const pluginFiles: string[] = [];
  const pluginEntries: string[] = [];
  let pluginsListed = false;
  // A plugin that could not be loaded is reported once; the steps it would have defined are
  // then unknown, and their stages are left unchecked rather than each called unknown.
  let pluginFailed = false;
  for (const { specifier, range } of pluginSpecifiers(parsed)) {
    pluginsListed = true;
    const resolved = resolvePlugin(specifier, root);
    if (!('file' in resolved)) {
      diagnostics.push({ ...range, severity: 'error', code: resolved.code, message: `plugin \`${specifier}\` ${resolved.message}`, hint: resolved.hint });
      pluginFailed = true;
      continue;
    }
    if (!loadPlugins) continue;
    try {
      const defs = await loadStepModule(resolved.file);
      if (defs.length === 0) throw new Error('it exports no step definitions ({name, version, params, inputs, outputs, run})');
      const hash = pluginSourceHash(resolved.file);
      for (const d of defs) {
        const bad = checkStepSchema(d);
        if (bad) throw new Error(bad);
        registry.add(d, resolved.file, hash);
      }
      pluginEntries.push(resolved.file);
      pluginFiles.push(...pluginSourceFiles(resolved.file));
    } catch (e) {
      diagnostics.push({ ...range, severity: 'error', code: 'bad-plugin', message: `plugin \`${specifier}\` could not be loaded: ${(e as Error).message}` });
      pluginFailed = true;
    }
  }
  // A folder is not a file: validation reports it instead of a read crashing on it.
  const isFile = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  const skipSteps = (!loadPlugins && pluginsListed) || pluginFailed;
  const v = validatePipeline(parsed, registry, pluginEntries, { root, fileExists: isFile, readText: readForeachFile, pluginsNotLoaded: skipSteps });
  diagnostics.push(...v.diagnostics);
  // Columns are checked only on an otherwise valid pipeline: their errors would follow from the others.
  let columnNotes: string[] = [];
  if (v.pipeline && !diagnostics.some((d) => d.severity === 'error')) {
    const c = await checkColumns(v.pipeline, registry, parsed, { root, unchecked: v.unchecked, sources });
    diagnostics.push(...c.diagnostics);
    columnNotes = c.notes;
  }
  const ok = v.pipeline && !diagnostics.some((d) => d.severity === 'error') && v.unchecked.length === 0;
  return { registry, sources, diagnostics, pluginFiles, baseFiles, unchecked: v.unchecked, columnNotes, pipeline: v.pipeline, plan: ok ? planPipeline(v.pipeline!, registry) : undefined };
}

/** Largest foreach file read at validation (a list of items; a data file this large is not one). */
export const MAX_FOREACH_FILE_BYTES = 64 * 1024 * 1024;

/** A foreach file's text, read with a bound (readPipelineFile), or why not. */
function readForeachFile(abs: string): string | { problem: string } {
  const r = readPipelineFile(abs, MAX_FOREACH_FILE_BYTES, 'foreach file');
  return 'text' in r ? r.text : { problem: r.message };
}
