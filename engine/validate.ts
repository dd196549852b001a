/**
 * Phase 2: parsed YAML → a validated {@link Pipeline}, or every problem in the file as
 * diagnostics. Structure is checked against a JSON Schema (pipeline-schema.ts); `params:`
 * here; stages in validate-stages.ts; dependency cycles last, over the stages' references.
 */
import { isAlias, isMap, isScalar } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import type { Pipeline, StageSpec } from './pipeline.js';
import type { ParsedFile } from './parse.js';
import { toPlain } from './parse.js';
import type { StepRegistry } from './registry.js';
import type { StepDefinition } from './step.js';
import { findCycles } from './cycles.js';
import type { DependencyEdge } from './cycles.js';
import { findRefs, parseRange, resolveParams } from './interpolate.js';
import type { ValuePath } from './interpolate.js';
import { checkStructure } from './pipeline-schema.js';
import { Reporter, sortDiagnostics } from './validate-report.js';
import { checkStage, reportRefProblems } from './validate-stages.js';
import type { ValidationContext } from './validate-stages.js';
import { dict } from './dict.js';
import { checkLimits } from './limits.js';

export { applyParamsSchema } from './params-schema.js';

/** How validation reaches the file system (injected, so tests need no files). */
export interface ValidateOptions {
  /** Project root: file paths in the YAML are relative to it. */
  readonly root: string;
  fileExists(absPath: string): boolean;
  /**
   * Reads a CSV named by `foreach: {file, column}` to check the column (skipped if absent):
   * its text, or why it cannot be read (e.g. over the size limit).
   */
  readText?(absPath: string): string | { problem: string };
  /**
   * The pipeline's plugins were not imported (`agglo validate` without --load-plugins): a
   * stage whose step is not built in is left unchecked (listed in `unchecked`), not an error.
   */
  readonly pluginsNotLoaded?: boolean;
}

/**
 * Expands ranges and resolves references between entries of `params:`. Also returns the
 * params whose value cannot be known because of a reported cycle.
 */
function resolveFileParams(parsed: ParsedFile, raw: unknown, report: Reporter): { params: Record<string, unknown>; unresolved: Set<string> } {
  const params = dict<unknown>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { params, unresolved: new Set() };
  for (const [k, v] of Object.entries(raw)) {
    const r = typeof v === 'string' ? parseRange(v) : { kind: 'not-range' as const };
    if (r.kind === 'bad') report.error('bad-range', r.message, parsed.locateNearest(['params', k]));
    params[k] = r.kind === 'range' ? r.values : v;
  }
  for (const ref of findRefs(params, ['params'])) {
    if (ref.ref.startsWith('item')) report.error('unknown-reference', `\`\${${ref.ref}}\` cannot be used in \`params:\``, parsed.locateNearest(ref.path), { hint: 'items exist only inside a stage with `foreach`' });
  }
  // A param may name another, in chains of any length, but not in a loop.
  const resolved = resolveParams(params, ['params']);
  for (const cycle of resolved.cycles) {
    const first = cycle[0]!;
    const names = cycle.map((e) => `\`${e.from}\``);
    report.error('cycle', cycle.length === 1 ? `param \`${first.from}\` refers to itself` : `params ${names.join(', ')} refer to each other in a loop: ${cycle.map((e) => `\`${e.from}\` uses \`${e.to}\``).join(', ')}`, parsed.locateNearest(first.where), {
      hint: 'a param can only use params that do not depend on it; write the value itself in one of them',
      related: cycle.slice(1).map((e) => ({ ...parsed.locateNearest(e.where), message: `\`${e.from}\` uses \`${e.to}\` here` })),
    });
  }
  reportRefProblems({ parsed, report } as ValidationContext, resolved.problems.filter((p) => !p.ref.startsWith('item')));
  return { params: resolved.value, unresolved: new Set(resolved.unresolved) };
}

/** Stage ids in the order they are written (plain objects would put `2011`-like keys first). */
function stageOrder(parsed: ParsedFile): string[] {
  const node = parsed.doc.get('stages', true);
  // `stages: *all` is the anchored map (parsePipelineText has checked the alias resolves).
  const stages = isAlias(node) ? node.resolve(parsed.doc) : node;
  if (!isMap(stages)) return [];
  return stages.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
}

/**
 * Validates a parsed pipeline file against the step registry. Collects every diagnostic;
 * returns the pipeline only when there are no errors (warnings are allowed).
 */
export function validatePipeline(parsed: ParsedFile, registry: StepRegistry, plugins: string[], opts: ValidateOptions): { pipeline?: Pipeline; diagnostics: Diagnostic[]; unchecked: string[] } {
  const report = new Reporter();
  const data = toPlain(parsed);
  const unchecked: string[] = [];
  if (!checkStructure(parsed, data, report)) return { diagnostics: sortDiagnostics(report.diagnostics), unchecked };
  const doc = data as Record<string, unknown>;
  const { params, unresolved } = resolveFileParams(parsed, doc.params, report);
  // A stage using a param on a cycle is not checked: its values are unknown, and checking
  // it with the unresolved text would only add errors that follow from the cycle.
  const usesUnresolved = (stage: unknown) => unresolved.size > 0 && findRefs(stage).some((r) => r.ref.startsWith('params.') && unresolved.has(r.ref.split('.')[1]!));

  const rawStages = (typeof doc.stages === 'object' && doc.stages !== null && !Array.isArray(doc.stages) ? doc.stages : {}) as Record<string, unknown>;
  const stageIds = stageOrder(parsed);
  const steps = new Map<string, StepDefinition>();
  for (const id of stageIds) {
    const s = rawStages[id] as { step?: unknown } | null | undefined;
    const found = typeof s?.step === 'string' ? registry.get(s.step) : undefined;
    if (found) steps.set(id, found.def);
  }
  const limits = checkLimits(doc.limits, ['limits'], parsed, report) ?? {};
  const ctx: ValidationContext = { parsed, registry, opts, report, params, stageIds, steps, limits };

  const specs: StageSpec[] = [];
  const edges: DependencyEdge<ValuePath>[] = [];
  for (const id of stageIds) {
    if (usesUnresolved(rawStages[id])) continue;
    const step = (rawStages[id] as { step?: unknown } | null | undefined)?.step;
    if (opts.pluginsNotLoaded && typeof step === 'string' && !steps.has(id)) {
      unchecked.push(id);
      continue;
    }
    const r = checkStage(ctx, id, rawStages[id]);
    if (r.spec) specs.push(r.spec);
    for (const d of r.deps) edges.push({ from: id, to: d.stage, where: d.path });
  }

  for (const cycle of findCycles(stageIds, edges)) {
    const names = cycle.map((e) => `\`${e.from}\``);
    const walk = cycle.map((e) => `\`${e.from}\` needs \`${e.to}\``).join(', ');
    report.error('cycle', cycle.length === 1 ? `stage \`${cycle[0]!.from}\` needs its own result` : `stages ${names.join(', ')} form a cycle: ${walk}`, parsed.locateNearest(cycle[0]!.where), {
      hint: 'a stage can only use results of stages that do not depend on it; remove one of these references',
      related: cycle.slice(1).map((e) => ({ ...parsed.locateNearest(e.where), message: `\`${e.from}\` needs \`${e.to}\` here` })),
    });
  }

  const diagnostics = sortDiagnostics(report.diagnostics);
  if (report.errorCount > 0) return { diagnostics, unchecked };
  const pipeline: Pipeline = {
    file: parsed.file,
    displayFile: parsed.displayFile,
    root: opts.root,
    params,
    plugins,
    stages: specs,
    locate: (p) => parsed.locate(p),
  };
  return { pipeline, diagnostics, unchecked };
}
