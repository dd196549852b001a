/**
 * Columns known before running: after validation, the stages are walked in dependency order
 * and each step's `columns` declaration (engine/step.ts) gets its input columns and params,
 * reports every param that names a column its input lacks, and gives its output columns to
 * the stages after it. So a misspelt regressor is a located `unknown-column` error from
 * `agglo validate`, `status` and `run` (which load the pipeline the same way), not a failure
 * minutes into a run.
 *
 * What is known: a file input ending in `.csv` and read-csv's file give their header (read
 * with a bound, engine/csv-header.ts); an output of a fanned-out stage that a consumer gathers
 * gets the foreach dimensions in front (engine/inputs.ts). What is not: an output whose step
 * has no declaration (or `columns: false`), one it says is known only at run time (pivot-wider,
 * read-xlsx), a stage of a plugin that `agglo validate` did not load, a param or file name that
 * depends on an item whose values come from a file or a stage. The columns after those are
 * not checked, and each such place is named once in a note (`agglo validate` prints them) —
 * only when some later stage wanted its columns.
 *
 * A param using `${item.x}` is checked for every value of `x` written in the YAML (up to
 * {@link MAX_INSTANCES} combinations).
 */
import path from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { outsideRoot } from './confine.js';
import { readCsvHeader } from './csv-header.js';
import { columnDiagnostics, type ColumnProblem } from './columns-report.js';
import { dict, own } from './dict.js';
import { findRefs, itemDimension, substituteSample, type ValuePath } from './interpolate.js';
import { alignment } from './items.js';
import { checkParams } from './params-schema.js';
import type { ParsedFile } from './parse.js';
import type { InputRef, Pipeline, StageSpec } from './pipeline.js';
import { nodePathOf } from './pipeline-schema.js';
import type { StepRegistry } from './registry.js';
import type { ColumnsContext, ColumnsResult, StepDefinition } from './step.js';

/** Where an unknown began (a stage's output or a file) and why; `silent` ones are reported elsewhere. */
interface Origin { readonly where: string; readonly why: string; readonly silent?: boolean }

/** What is known about one output (or input) before running. */
type Known =
  | { readonly kind: 'columns'; readonly columns: readonly string[] }
  | { readonly kind: 'unknown'; readonly origin: Origin }
  | { readonly kind: 'none' };

const NONE: Known = { kind: 'none' };

/** Most item-value combinations for which a stage's params are checked. */
export const MAX_INSTANCES = 64;

export interface ColumnsCheckOptions {
  /** Project root: file paths in the YAML are relative to it. */
  readonly root: string;
  /** Stages left out of the pipeline because their plugin was not loaded. */
  readonly unchecked?: readonly string[];
  /** Text of each file (display path) of the pipeline, for narrowing a location to a name. */
  readonly sources?: ReadonlyMap<string, string>;
}

export interface ColumnsCheck {
  readonly diagnostics: Diagnostic[];
  /** "columns not checked after stage `x` (…)", once per place where knowledge stops. */
  readonly notes: string[];
}

/** Checks every column the stages' params name (see the module comment). */
export async function checkColumns(pipeline: Pipeline, registry: StepRegistry, parsed: ParsedFile, opts: ColumnsCheckOptions): Promise<ColumnsCheck> {
  const known = new Map<string, Map<string, Known>>();
  const dimsOf = new Map(pipeline.stages.map((s) => [s.id, Object.keys(s.foreach ?? {})]));
  const problems: ColumnProblem[] = [];
  const noted = new Map<string, Origin>();
  const note = (o: Origin) => { if (!o.silent) noted.set(`${o.where}\u0000${o.why}`, o); };
  const csvHeader = (rel: string): readonly string[] | undefined => {
    const abs = path.resolve(opts.root, rel);
    return outsideRoot(abs, opts.root) ? undefined : readCsvHeader(abs);
  };
  const unchecked = new Set(opts.unchecked ?? []);

  const inputKnown = (ref: InputRef, consumerDims: readonly string[]): Known => {
    if (ref.kind === 'file') {
      if (!/\.csv$/i.test(ref.path)) return NONE;
      const h = csvHeader(ref.path);
      return h ? { kind: 'columns', columns: h } : { kind: 'unknown', origin: { where: `file \`${ref.path}\``, why: 'its header could not be read before running' } };
    }
    const outs = known.get(ref.stage);
    if (!outs) {
      const step = parsed.doc.getIn(['stages', ref.stage, 'step']);
      const why = unchecked.has(ref.stage) ? `step \`${String(step)}\` comes from a plugin, which \`agglo validate\` does not load without --load-plugins` : 'it was not checked';
      return { kind: 'unknown', origin: { where: `stage \`${ref.stage}\``, why } };
    }
    const k = ref.output !== undefined ? outs.get(ref.output) : outs.values().next().value;
    if (!k || k.kind !== 'columns') return k ?? NONE;
    const upDims = dimsOf.get(ref.stage) ?? [];
    if (upDims.length === 0 || alignment(upDims, consumerDims).mode === 'one') return k;
    // Gathered: the item keys come first, as columns, unless the tables have them (engine/inputs.ts gather).
    return { kind: 'columns', columns: [...upDims.filter((d) => !k.columns.includes(d)), ...k.columns] };
  };

  for (const spec of order(pipeline)) {
    const def = registry.get(spec.step)?.def;
    if (!def) continue;
    const dims = dimsOf.get(spec.id) ?? [];
    const inputs = new Map<string, Known>();
    for (const [name, ref] of Object.entries(spec.inputs)) inputs.set(name, inputKnown(ref, dims));
    known.set(spec.id, await stageOutputs(spec, def, inputs, dims, { csvHeader, note, problems }));
  }
  const textOf = (file: string) => opts.sources?.get(file) ?? (file === parsed.displayFile ? parsed.text : undefined);
  return { diagnostics: columnDiagnostics(problems, parsed, textOf), notes: [...noted.values()].map((o) => `columns not checked after ${o.where} (${o.why})`) };
}

interface Env {
  csvHeader(rel: string): readonly string[] | undefined;
  note(o: Origin): void;
  readonly problems: ColumnProblem[];
}

/** The known outputs of one stage, calling its declaration once per item instance. */
async function stageOutputs(spec: StageSpec, def: StepDefinition, inputs: Map<string, Known>, dims: readonly string[], env: Env): Promise<Map<string, Known>> {
  const outputs = Object.keys(def.outputs);
  const where = (o: string) => (outputs.length > 1 ? `output \`${o}\` of stage \`${spec.id}\`` : `stage \`${spec.id}\``);
  if (typeof def.columns !== 'function') {
    const why = def.columns === false ? `step \`${def.name}\` knows its columns only when it runs` : `step \`${def.name}\` does not declare its output columns`;
    const origin: Origin = { where: `stage \`${spec.id}\``, why };
    return new Map(outputs.map((o) => [o, { kind: 'unknown', origin }]));
  }
  const results: Map<string, Known>[] = [];
  for (const sample of instances(spec)) {
    const sub = substituteSample(spec.params, sample);
    const inside = (p: ValuePath) => sub.unresolved.some((u) => u.every((s, i) => s === p[i]));
    const check = checkParams(def, sub.value as Record<string, unknown>);
    if (check.schemaError || check.errors.some((e) => !inside(nodePathOf(e.instancePath, sub.value)))) {
      // Validation (first item) or planning (every item) reports these params.
      const origin: Origin = { where: `stage \`${spec.id}\``, why: 'its params are invalid', silent: true };
      results.push(new Map(outputs.map((o) => [o, { kind: 'unknown', origin }])));
      continue;
    }
    const accessed: Known[] = [];
    const view = Object.create(null) as Record<string, readonly string[] | undefined>;
    for (const [name, k] of inputs) {
      Object.defineProperty(view, name, {
        enumerable: true,
        get: () => {
          accessed.push(k);
          if (k.kind === 'unknown') env.note(k.origin);
          return k.kind === 'columns' ? k.columns : undefined;
        },
      });
    }
    const ctx: ColumnsContext = {
      params: check.params,
      inputs: view,
      dims,
      csvHeader: env.csvHeader,
      unknownColumn: (p) => {
        // A report about a value known only at run time is dropped; a map key is written as is.
        if (p.name.includes('${') || (p.key !== true && inside([...p.at]))) return;
        // An expression is quoted as written (`year == ${item.year}`), so the items' reports are one.
        const written = p.expression !== undefined ? valueAt(spec.params, p.at) : undefined;
        env.problems.push({
          ...p,
          ...(typeof written === 'string' ? { expression: written } : {}),
          stage: spec.id,
          ...(p.input !== undefined && own(spec.inputs, p.input) ? { ref: spec.inputs[p.input] } : {}),
        });
      },
    };
    let result: ColumnsResult;
    try {
      result = await def.columns(ctx);
    } catch (e) {
      const origin: Origin = { where: `stage \`${spec.id}\``, why: `the \`columns\` declaration of step \`${def.name}\` failed: ${(e as Error)?.message ?? String(e)}` };
      results.push(new Map(outputs.map((o) => [o, { kind: 'unknown', origin }])));
      continue;
    }
    const inherited = accessed.find((k): k is Extract<Known, { kind: 'unknown' }> => k.kind === 'unknown');
    results.push(new Map(outputs.map((o) => [o, outputKnown(own(result ?? {}, o), where(o), inherited)])));
  }
  return new Map(outputs.map((o) => [o, combine(results.map((r) => r.get(o)!), where(o))]));
}

/** The value at `at` in `v` (plain objects and arrays), or undefined. */
function valueAt(v: unknown, at: readonly (string | number)[]): unknown {
  let cur = v;
  for (const seg of at) cur = typeof cur === 'object' && cur !== null ? own(cur as Record<string, unknown>, String(seg)) : undefined;
  return cur;
}

function outputKnown(r: unknown, where: string, inherited: Extract<Known, { kind: 'unknown' }> | undefined): Known {
  if (Array.isArray(r)) {
    if (!r.every((n) => typeof n === 'string')) return { kind: 'unknown', origin: { where, why: 'its `columns` declaration gave a name that is not text' } };
    if (r.some((n: string) => n.includes('${'))) return { kind: 'unknown', origin: { where, why: 'its column names depend on the item' } };
    return { kind: 'columns', columns: Object.freeze([...r]) };
  }
  if (typeof r === 'object' && r !== null && typeof (r as { unknown?: unknown }).unknown === 'string') {
    return { kind: 'unknown', origin: { where, why: (r as { unknown: string }).unknown } };
  }
  return inherited ?? NONE;
}

/** One value for all instances: the same columns, else the first unknown, else "differ". */
function combine(ks: readonly Known[], where: string): Known {
  const first = ks[0] ?? NONE;
  const same = ks.every((k) => k.kind === first.kind && (k.kind !== 'columns' || k.columns.join('\u0000') === (first as { columns: readonly string[] }).columns.join('\u0000')));
  if (same) return first;
  return ks.find((k) => k.kind === 'unknown') ?? { kind: 'unknown', origin: { where, why: 'its columns differ between items' } };
}

/** Item samples to check a stage's params with: the combinations of the item values written in the YAML that its params use. */
function instances(spec: StageSpec): Record<string, string | number>[] {
  const used = new Set(findRefs(spec.params).map((r) => itemDimension(r.ref)));
  let out: Record<string, string | number>[] = [dict()];
  for (const [dim, src] of Object.entries(spec.foreach ?? {})) {
    if (!used.has(dim) || src.kind !== 'values') continue;
    const next: Record<string, string | number>[] = [];
    for (const s of out) for (const v of src.values) if (next.length < MAX_INSTANCES) next.push({ ...s, [dim]: v });
    out = next;
  }
  return out;
}

/** Stages with every stage they read from first (validation has rejected cycles); ties keep file order. */
function order(pipeline: Pipeline): StageSpec[] {
  const byId = new Map(pipeline.stages.map((s) => [s.id, s]));
  const done = new Set<string>();
  const out: StageSpec[] = [];
  for (const start of pipeline.stages) {
    const stack: { spec: StageSpec; next: number; deps: string[] }[] = [];
    const push = (s: StageSpec) => stack.push({ spec: s, next: 0, deps: Object.values(s.inputs).flatMap((r) => (r.kind === 'stage' && byId.has(r.stage) ? [r.stage] : [])) });
    if (done.has(start.id)) continue;
    done.add(start.id);
    push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const dep = top.deps[top.next++];
      if (dep === undefined) { out.push(top.spec); stack.pop(); continue; }
      if (done.has(dep)) continue;
      done.add(dep);
      push(byId.get(dep)!);
    }
  }
  return out;
}
