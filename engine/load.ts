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
import { checkStepSchema } from './params-schema.js';
import { AGGLO_VERSION } from './version.js';

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
export async function loadPipeline(file: string, root: string): Promise<Loaded> {
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
  const diagnostics = first.diagnostics;
  if (!first.parsed) return { registry, sources, diagnostics, pluginFiles: [] };
  const ext = resolveExtends(first.parsed, root);
  diagnostics.push(...ext.diagnostics);
  for (const b of ext.bases) sources.set(b.displayFile, b.text);
  const baseFiles = ext.bases.map((b) => b.file);
  const parsed = ext.parsed;
  if (!parsed) return { registry, sources, diagnostics, pluginFiles: [], baseFiles };
  const pluginFiles: string[] = [];
  const pluginEntries: string[] = [];
  for (const { specifier, range } of pluginSpecifiers(parsed)) {
    const resolved = resolvePlugin(specifier, root);
    if (!resolved) {
      diagnostics.push({ ...range, severity: 'error', code: 'missing-plugin', message: `plugin \`${specifier}\` not found (a path relative to the project root, or an installed package name)` });
      continue;
    }
    try {
      const defs = await loadStepModule(resolved);
      if (defs.length === 0) throw new Error('it exports no step definitions ({name, version, params, inputs, outputs, run})');
      const hash = pluginSourceHash(resolved);
      for (const d of defs) {
        const bad = checkStepSchema(d);
        if (bad) throw new Error(bad);
        registry.add(d, resolved, hash);
      }
      pluginEntries.push(resolved);
      pluginFiles.push(...pluginSourceFiles(resolved));
    } catch (e) {
      diagnostics.push({ ...range, severity: 'error', code: 'bad-plugin', message: `plugin \`${specifier}\` could not be loaded: ${(e as Error).message}` });
    }
  }
  // A folder is not a file: validation reports it instead of a read crashing on it.
  const isFile = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  const v = validatePipeline(parsed, registry, pluginEntries, { root, fileExists: isFile, readText: (p) => fs.readFileSync(p, 'utf8') });
  diagnostics.push(...v.diagnostics);
  const ok = v.pipeline && !diagnostics.some((d) => d.severity === 'error');
  return { registry, sources, diagnostics, pluginFiles, baseFiles, pipeline: v.pipeline, plan: ok ? planPipeline(v.pipeline!, registry) : undefined };
}
