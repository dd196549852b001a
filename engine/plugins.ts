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
import { outsideRoot } from './confine.js';
import { PROJECT_CONFIG_FILE } from './project-config.js';

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

/** Where a plugin specifier leads, or why it cannot be loaded (`message` completes "plugin `x` …"). */
export type ResolvedPlugin =
  | { readonly file: string }
  | { readonly code: 'missing-plugin' | 'outside-root'; readonly message: string; readonly hint: string };

/**
 * Resolves a plugin specifier: a path (relative to the project root) when it starts with
 * "." or "/" or names an existing file, else a package name resolved from the project root.
 * Plugins are code: like the files a pipeline reads, they must lie inside the project root
 * (a package in the project's node_modules) or in a folder the project allows
 * (`allow_read`); a path or package that leads elsewhere is refused before it is imported.
 */
export function resolvePlugin(spec: string, root: string): ResolvedPlugin {
  const asPath = path.resolve(root, spec);
  let file: string | undefined;
  if (spec.startsWith('.') || spec.startsWith('/') || fs.existsSync(asPath)) {
    file = fs.existsSync(asPath) ? asPath : undefined;
  } else {
    try {
      file = createRequire(path.join(root, 'package.json')).resolve(spec);
    } catch {
      file = undefined;
    }
  }
  if (!file) return { code: 'missing-plugin', message: 'not found', hint: 'a path relative to the project root, or the name of a package installed in the project (`npm install NAME`)' };
  const why = outsideRoot(file, root);
  if (why) {
    const message = file === asPath ? why : 'is a package installed outside the project (Node found it in a node_modules folder above the project root)';
    return { code: 'outside-root', message, hint: `plugins are code: agglo loads them only from inside the project (a package from the project's own node_modules) or from a folder listed under \`allow_read\` in ${PROJECT_CONFIG_FILE} (docs/security.md)` };
  }
  return { file };
}

/** Imports a resolved plugin module and returns its step definitions. */
export async function loadStepModule(resolved: string): Promise<StepDefinition[]> {
  // The content hash in the URL makes `agglo watch` load an edited plugin afresh
  // (ES modules are cached by URL for the life of the process).
  const url = `${pathToFileURL(resolved).href}?v=${fs.existsSync(resolved) ? pluginSourceHash(resolved).slice(0, 16) : '0'}`;
  const mod = (await import(url)) as Record<string, unknown>;
  return stepsFromModule(mod);
}

/**
 * The plugin's own source files: the entry module and, transitively, the modules it imports
 * by a relative path (`import … from './helpers.mjs'`, `import('./x.js')`). Found by reading
 * the import statements, so an import built at run time is not seen; packages in
 * node_modules are not followed (their version is what changes them).
 */
export function pluginSourceFiles(resolved: string): string[] {
  const seen = new Set<string>();
  const stack = [resolved];
  const spec = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  while (stack.length > 0 && seen.size < 500) {
    const file = stack.pop()!;
    if (seen.has(file) || !fs.existsSync(file)) continue;
    seen.add(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(spec)) stack.push(path.resolve(path.dirname(file), m[1]!));
  }
  return [...seen].sort();
}

/** sha256 over the plugin's source files (pluginSourceFiles), so editing any of them reruns its stages. */
export function pluginSourceHash(resolved: string): string {
  const files = pluginSourceFiles(resolved);
  if (files.length === 1) return sha256(fs.readFileSync(resolved));
  return sha256(files.map((f) => `${path.relative(path.dirname(resolved), f)}\0${sha256(fs.readFileSync(f))}`).join('\n'));
}
