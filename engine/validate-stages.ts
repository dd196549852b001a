/**
 * Checks one stage against the registry and the rest of the file: its step, inputs (stage,
 * `stage.output` or file), `${…}` references and, via validate-params.ts, its params.
 */
import path from 'node:path';
import type { InputRef, StageSpec } from './pipeline.js';
import type { ParsedFile } from './parse.js';
import type { StepRegistry } from './registry.js';
import type { StepDefinition } from './step.js';
import type { ValidateOptions } from './validate.js';
import type { Reporter } from './validate-report.js';
import { findRefs, itemDimension, resolveParamRefs } from './interpolate.js';
import type { RefProblem, ValuePath } from './interpolate.js';
import { didYouMean, nameList, suggest } from './suggest.js';
import { STAGE_KEYS } from './pipeline-schema.js';
import { dict } from './dict.js';
import { checkForeach } from './validate-foreach.js';
import { checkStageParams } from './validate-params.js';
import { checkProjectFile } from './confine.js';
import { checkLimits, DEFAULT_LIMITS, type TaskLimits } from './limits.js';

/** What every stage check needs to know about the file being validated. */
export interface ValidationContext {
  readonly parsed: ParsedFile;
  readonly registry: StepRegistry;
  readonly opts: ValidateOptions;
  readonly report: Reporter;
  /** The file's `params:`, ranges expanded and references resolved. */
  readonly params: Record<string, unknown>;
  /** Stage ids in declaration order. */
  readonly stageIds: readonly string[];
  /** Step of each stage, when the stage names a registered step. */
  readonly steps: ReadonlyMap<string, StepDefinition>;
  /** The file's top-level `limits:` (checked), defaults for every stage. */
  readonly limits?: Partial<TaskLimits>;
}

/** A stage that passed its checks, and the stages it depends on (for cycle detection). */
export interface StageCheck {
  readonly spec: StageSpec | undefined;
  readonly deps: { stage: string; path: ValuePath }[];
}

const STAGE_ID = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Reports unresolved `${params…}` references; true when there were any. */
export function reportRefProblems(ctx: ValidationContext, problems: readonly RefProblem[]): boolean {
  for (const p of problems) {
    const hint = p.missing !== undefined ? didYouMean(p.missing, p.candidates) ?? (p.candidates.length > 0 ? `defined names are ${nameList(p.candidates)}` : undefined) : undefined;
    ctx.report.error(p.code, p.message, ctx.parsed.locateNearest(p.path), { hint });
  }
  return problems.length > 0;
}

/**
 * Resolves a reference to an upstream stage (`panel`, or `panel.table` when `output` is not
 * given separately), reporting unknown stages and outputs.
 */
export function resolveStageRef(ctx: ValidationContext, from: string, name: string, output: string | undefined, at: ValuePath): { stage: string; output?: string } | undefined {
  let stage = name;
  if (output === undefined && !ctx.stageIds.includes(name)) {
    const dot = name.indexOf('.');
    if (dot > 0 && ctx.stageIds.includes(name.slice(0, dot))) { stage = name.slice(0, dot); output = name.slice(dot + 1); }
  }
  if (!ctx.stageIds.includes(stage)) {
    ctx.report.error('unknown-stage', `stage \`${from}\` reads from \`${stage}\`, which is not a stage in this file`, ctx.parsed.locateNearest(at), {
      hint: didYouMean(stage, ctx.stageIds) ?? `stages are ${nameList([...ctx.stageIds])}; a file path needs a \`/\` or an extension`,
    });
    return undefined;
  }
  const step = ctx.steps.get(stage);
  if (output !== undefined && step && !Object.hasOwn(step.outputs, output)) {
    const outs = Object.keys(step.outputs);
    ctx.report.error('unknown-output', `stage \`${stage}\` (step \`${step.name}\`) has no output \`${output}\``, ctx.parsed.locateNearest(at), { hint: didYouMean(output, outs) ?? `its outputs are ${nameList(outs)}` });
    return undefined;
  }
  return output === undefined ? { stage } : { stage, output };
}

/** Reports `${item.x}` references in a stage that has no such foreach dimension. */
function checkItemRefs(ctx: ValidationContext, id: string, dims: readonly string[] | undefined, value: unknown, at: ValuePath): boolean {
  let ok = true;
  for (const r of findRefs(value, at)) {
    if (!r.ref.startsWith('item')) continue;
    const dim = itemDimension(r.ref);
    const range = ctx.parsed.locateNearest(r.path);
    if (dim === undefined) {
      ctx.report.error('unknown-reference', `\`\${${r.ref}}\` is not a reference to a foreach dimension`, range, { hint: 'write `${item.DIMENSION}`' });
    } else if (dims === undefined) {
      ctx.report.error('unknown-reference', `stage \`${id}\` has no \`foreach\`, so \`\${${r.ref}}\` refers to nothing`, range, { hint: `add \`foreach: { ${dim}: [...] }\` to the stage, or write the value itself` });
    } else if (!dims.includes(dim)) {
      ctx.report.error('unknown-reference', `stage \`${id}\` has no foreach dimension \`${dim}\``, range, { hint: didYouMean(dim, dims) ?? `its dimensions are ${nameList(dims)}` });
    } else continue;
    ok = false;
  }
  return ok;
}

function checkInputs(ctx: ValidationContext, id: string, step: StepDefinition | undefined, raw: Record<string, unknown>, dims: readonly string[] | undefined, deps: StageCheck['deps']): Record<string, InputRef> | undefined {
  const base = ['stages', id, 'inputs'];
  const out = dict<InputRef>();
  let ok = true;
  for (const [name, value] of Object.entries(raw)) {
    const at = [...base, name];
    // A step declaring the input `*` takes inputs of any name (e.g. regression-table's models).
    if (step && !Object.hasOwn(step.inputs, name) && !Object.hasOwn(step.inputs, '*')) {
      const names = Object.keys(step.inputs);
      ctx.report.error('unknown-input', `step \`${step.name}\` has no input \`${name}\``, ctx.parsed.locateKey(at) ?? ctx.parsed.locateNearest(at), { hint: didYouMean(name, names) ?? `its inputs are ${nameList(names)}` });
      ok = false;
    }
    const resolved = resolveParamRefs(value, ctx.params, at);
    if (reportRefProblems(ctx, resolved.problems) || typeof resolved.value !== 'string') { ok = false; continue; }
    const ref = resolved.value;
    // The planner wires inputs once per stage, not per item, so an input cannot vary by item.
    if (ref.includes('${')) {
      ctx.report.error('bad-reference', `input \`${name}\` of stage \`${id}\` cannot depend on the item (\`${ref}\`)`, ctx.parsed.locateNearest(at), {
        hint: 'pass a per-item file as a param the step declares with `format: file-path`, e.g. `path: "data/io-${item.year}.csv"`',
      });
      ok = false;
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(ref);
    const isStageOutput = m !== null && ctx.stageIds.includes(m[1]!)
      && !(ctx.steps.get(m[1]!) && !Object.hasOwn(ctx.steps.get(m[1]!)!.outputs, m[2]!) && ctx.opts.fileExists(path.resolve(ctx.opts.root, ref)));
    if (isStageOutput || (!ref.includes('/') && !ref.includes('.'))) {
      const r = resolveStageRef(ctx, id, ref, undefined, at);
      if (!r) { ok = false; continue; }
      deps.push({ stage: r.stage, path: at });
      out[name] = { kind: 'stage', ...r };
    } else {
      if (!checkProjectFile(ctx, ref, `input \`${name}\` of stage \`${id}\` names file \`${ref}\`, which`, at)) {
        ok = false;
        continue;
      }
      out[name] = { kind: 'file', path: ref };
    }
  }
  if (step) {
    const missing = Object.entries(step.inputs).filter(([n, spec]) => n !== '*' && !spec.optional && !Object.hasOwn(raw, n)).map(([n]) => n);
    for (const n of missing) {
      const at = ctx.parsed.locateKey(base) ?? ctx.parsed.locateKey(['stages', id]) ?? ctx.parsed.locateNearest(base);
      ctx.report.error('missing-input', `stage \`${id}\` does not give step \`${step.name}\` its required input \`${n}\``, at, { hint: `add \`${n}: STAGE\` (or a file path) under \`inputs:\`; ${step.inputs[n]!.description}` });
      ok = false;
    }
  }
  return ok ? out : undefined;
}

/** Checks `stages.<id>`; `raw` has already passed the structural schema where it matters. */
export function checkStage(ctx: ValidationContext, id: string, raw: unknown): StageCheck {
  const deps: StageCheck['deps'] = [];
  const keyRange = ctx.parsed.locateKey(['stages', id]) ?? ctx.parsed.locateNearest(['stages', id]);
  let ok = true;
  if (!STAGE_ID.test(id)) {
    ctx.report.error('bad-stage-id', `stage name \`${id}\` is not an identifier`, keyRange, { hint: 'use letters, digits, `_` and `-`, starting with a letter or `_`' });
    ok = false;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { spec: undefined, deps };
  const stage = raw as Record<string, unknown>;
  const stepName = stage.step;
  const step = typeof stepName === 'string' ? ctx.steps.get(id) : undefined;
  if (typeof stepName === 'string' && !step) {
    ctx.report.error('unknown-step', `stage \`${id}\` uses step \`${stepName}\`, which is not registered`, ctx.parsed.locateNearest(['stages', id, 'step']), {
      hint: didYouMean(stepName, ctx.registry.names()) ?? 'run `agglo steps` to list the registered steps, or load the module defining it under `plugins:`',
    });
    ok = false;
  }
  const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const fe = isMap(stage.foreach) ? checkForeach(ctx, id, stage.foreach) : undefined;
  if (fe) { deps.push(...fe.deps); if (!fe.foreach) ok = false; }
  const dims = fe?.dims;
  // Sections of the wrong type, or misspelled (`parms:`), are reported by the structure check;
  // do not also call their entries missing.
  const misspelled = new Set(Object.keys(stage).filter((k) => !(STAGE_KEYS as readonly string[]).includes(k)).map((k) => suggest(k, STAGE_KEYS)));
  const wrongInputs = (stage.inputs !== undefined && stage.inputs !== null && !isMap(stage.inputs)) || misspelled.has('inputs');
  const wrongParams = (stage.params !== undefined && stage.params !== null && !isMap(stage.params)) || misspelled.has('params');
  const inputs = checkInputs(ctx, id, wrongInputs ? undefined : step, isMap(stage.inputs) ? stage.inputs : {}, dims, deps);
  if (!inputs) ok = false;

  const resolved = resolveParamRefs(isMap(stage.params) ? stage.params : {}, ctx.params, ['stages', id, 'params']);
  if (reportRefProblems(ctx, resolved.problems)) ok = false;
  const params = resolved.value as Record<string, unknown>;
  if (!checkItemRefs(ctx, id, dims, params, ['stages', id, 'params'])) ok = false;
  // Bad item references stay unresolved, so the params check skips them and reports the rest.
  if (wrongParams) ok = false;
  else if (step && !checkStageParams(ctx, id, step, params, fe?.foreach)) ok = false;

  const own = checkLimits(stage.limits, ['stages', id, 'limits'], ctx.parsed, ctx.report);
  if (!own) ok = false;

  if (!ok || typeof stepName !== 'string' || !inputs || (stage.foreach !== undefined && !fe?.foreach)) return { spec: undefined, deps };
  const isolate = stage.limits !== undefined && stage.limits !== null;
  const limits = { ...DEFAULT_LIMITS, ...ctx.limits, ...own, isolate };
  const spec: StageSpec = { id, step: stepName, params, inputs, ...(fe?.foreach ? { foreach: fe.foreach } : {}), range: keyRange, limits };
  return { spec, deps };
}
