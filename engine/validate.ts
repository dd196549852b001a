/**
 * Phase 2: parsed YAML → a validated {@link Pipeline}, or every problem in the file as
 * diagnostics. Structure is checked against a JSON Schema (pipeline-schema.ts); `params:`
 * here; stages in validate-stages.ts; dependency cycles last, over the stages' references.
 */
import { isMap, isScalar } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import type { Pipeline, StageSpec } from './pipeline.js';
import type { ParsedFile } from './parse.js';
import { toPlain } from './parse.js';
import type { StepRegistry } from './registry.js';
import type { StepDefinition } from './step.js';
import { findCycles } from './cycles.js';
import type { DependencyEdge } from './cycles.js';
import { findRefs, parseRange, resolveParamRefs } from './interpolate.js';
import type { ValuePath } from './interpolate.js';
import { checkStructure } from './pipeline-schema.js';
import { Reporter, sortDiagnostics } from './validate-report.js';
import { checkStage, reportRefProblems } from './validate-stages.js';
import type { ValidationContext } from './validate-stages.js';

export { applyParamsSchema } from './params-schema.js';

/** How validation reaches the file system (injected, so tests need no files). */
export interface ValidateOptions {
  /** Project root: file paths in the YAML are relative to it. */
  readonly root: string;
  fileExists(absPath: string): boolean;
  /** Reads a CSV named by `foreach: {file, column}` to check the column; skipped if absent. */
  readText?(absPath: string): string;
}

/** Expands ranges and resolves references between entries of `params:`. */
function resolveFileParams(parsed: ParsedFile, raw: unknown, report: Reporter): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return params;
  for (const [k, v] of Object.entries(raw)) {
    const r = typeof v === 'string' ? parseRange(v) : { kind: 'not-range' as const };
    if (r.kind === 'bad') report.error('bad-range', r.message, parsed.locateNearest(['params', k]));
    params[k] = r.kind === 'range' ? r.values : v;
  }
  for (const ref of findRefs(params, ['params'])) {
    if (ref.ref.startsWith('item')) report.error('unknown-reference', `\`\${${ref.ref}}\` cannot be used in \`params:\``, parsed.locateNearest(ref.path), { hint: 'items exist only inside a stage with `foreach`' });
  }
  // A param may name another; a few passes resolve chains, and what remains is reported.
  let cur = params;
  for (let pass = 0; pass < 8 && findRefs(cur).some((r) => r.ref.startsWith('params.')); pass++) {
    cur = resolveParamRefs(cur, cur).value as Record<string, unknown>;
  }
  const last = resolveParamRefs(cur, cur, ['params']);
  reportRefProblems({ parsed, report } as ValidationContext, last.problems.filter((p) => !p.ref.startsWith('item')));
  return last.value as Record<string, unknown>;
}

/** Stage ids in the order they are written (plain objects would put `2011`-like keys first). */
function stageOrder(parsed: ParsedFile): string[] {
  const stages = parsed.doc.get('stages', true);
  if (!isMap(stages)) return [];
  return stages.items.map((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)));
}

/**
 * Validates a parsed pipeline file against the step registry. Collects every diagnostic;
 * returns the pipeline only when there are no errors (warnings are allowed).
 */
export function validatePipeline(parsed: ParsedFile, registry: StepRegistry, plugins: string[], opts: ValidateOptions): { pipeline?: Pipeline; diagnostics: Diagnostic[] } {
  const report = new Reporter();
  const data = toPlain(parsed);
  if (!checkStructure(parsed, data, report)) return { diagnostics: sortDiagnostics(report.diagnostics) };
  const doc = data as Record<string, unknown>;
  const params = resolveFileParams(parsed, doc.params, report);

  const rawStages = (typeof doc.stages === 'object' && doc.stages !== null && !Array.isArray(doc.stages) ? doc.stages : {}) as Record<string, unknown>;
  const stageIds = stageOrder(parsed);
  const steps = new Map<string, StepDefinition>();
  for (const id of stageIds) {
    const s = rawStages[id] as { step?: unknown } | null | undefined;
    const found = typeof s?.step === 'string' ? registry.get(s.step) : undefined;
    if (found) steps.set(id, found.def);
  }
  const ctx: ValidationContext = { parsed, registry, opts, report, params, stageIds, steps };

  const specs: StageSpec[] = [];
  const edges: DependencyEdge<ValuePath>[] = [];
  for (const id of stageIds) {
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
  if (report.errorCount > 0) return { diagnostics };
  const pipeline: Pipeline = {
    file: parsed.file,
    displayFile: parsed.displayFile,
    root: opts.root,
    params,
    plugins,
    stages: specs,
    locate: (p) => parsed.locate(p),
  };
  return { pipeline, diagnostics };
}
