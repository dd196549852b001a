/**
 * Loading step definitions from plugin modules listed under `plugins:`. A plugin is an ES
 * module (.js/.mjs) exporting step definitions: `export default` one definition or an
 * array, or named exports. Its source hash joins the fingerprint of stages that use it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { sha256 } from './canonical.js';
import type { StepDefinition } from './step.js';

function looksLikeStep(v: unknown): v is StepDefinition {
  return typeof v === 'object' && v !== null && typeof (v as StepDefinition).name === 'string' && typeof (v as StepDefinition).run === 'function';
}

/** Every step definition a module exports. */
export function stepsFromModule(mod: Record<string, unknown>): StepDefinition[] {
  const found: StepDefinition[] = [];
  for (const v of Object.values(mod)) {
    if (looksLikeStep(v)) found.push(v);
    else if (Array.isArray(v)) found.push(...v.filter(looksLikeStep));
  }
  return [...new Set(found)];
}

/**
 * Resolves a plugin specifier: a path (relative to the project root) when it starts with
 * "." or "/" or names an existing file, else a package name resolved from the project root.
 * Returns undefined when it cannot be found.
 */
export function resolvePlugin(spec: string, root: string): string | undefined {
  const asPath = path.resolve(root, spec);
  if (spec.startsWith('.') || spec.startsWith('/') || fs.existsSync(asPath)) return fs.existsSync(asPath) ? asPath : undefined;
  try {
    return createRequire(path.join(root, 'package.json')).resolve(spec);
  } catch {
    return undefined;
  }
}

/** Imports a resolved plugin module and returns its step definitions. */
export async function loadStepModule(resolved: string): Promise<StepDefinition[]> {
  // The content hash in the URL makes `agglo watch` load an edited plugin afresh
  // (ES modules are cached by URL for the life of the process).
  const url = `${pathToFileURL(resolved).href}?v=${fs.existsSync(resolved) ? pluginSourceHash(resolved).slice(0, 16) : '0'}`;
  const mod = (await import(url)) as Record<string, unknown>;
  return stepsFromModule(mod);
}

/** sha256 of the plugin's source text, so that editing it reruns its stages. */
export function pluginSourceHash(resolved: string): string {
  return sha256(fs.readFileSync(resolved));
}
