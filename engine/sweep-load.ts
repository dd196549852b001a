/**
 * Loading a sweep: read and check the sweep file, load its base pipeline once (plugins,
 * validation), then build each variant in memory — the base's data with the variant's
 * overlays merged over it as `extends` merges (engine/extends.ts mergePipelines) — and
 * validate and plan it with the normal validator and planner. Nothing is read again per
 * variant, and a sweep checked before with nothing changed is only planned (sweep-memo.ts).
 * A variant's diagnostics point into the sweep file where its overlay wrote the value, else
 * into the base, and name the variant; one problem shared by many variants is reported once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Document } from 'yaml';
import { sha256 } from './canonical.js';
import { dict, own } from './dict.js';
import { checkColumns } from './columns.js';
import type { Diagnostic } from './diagnostic.js';
import { mergePipelines, resolveExtends } from './extends.js';
import { loadPipeline, MAX_FOREACH_FILE_BYTES, type Loaded, type LoadOptions } from './load.js';
import { parsePipelineText, readPipelineFile, toPlain, type NodePath, type ParsedFile } from './parse.js';
import { planPipeline, type Plan } from './plan.js';
import type { StepRegistry } from './registry.js';
import { VARIANT_MARK } from './state.js';
import { didYouMean, nameList } from './suggest.js';
import { checkSweepFile, isTableCollect, type SweepSpec } from './sweep-file.js';
import { memoKey, memoName, readMemo, writeMemo, type MemoPipeline } from './sweep-memo.js';
import type { Pipeline } from './pipeline.js';
import type { Store } from './store.js';
import { crossSize, expandVariants, MAX_SWEEP_VARIANTS, type Variant } from './sweep-expand.js';
import { validatePipeline } from './validate.js';
import { Reporter, sortDiagnostics } from './validate-report.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The steps whose `model` output a sweep can collect (a panel-model JSON: docs/steps/panel.md). */
export const COLLECTABLE_STEPS = ['panel-regression'];

/** A variant, validated and planned. */
export interface LoadedVariant extends Variant {
  readonly plan: Plan;
}

export interface LoadedSweep {
  readonly spec?: SweepSpec;
  /** Every variant, when the sweep and all its variants are valid. */
  readonly variants?: readonly LoadedVariant[];
  readonly diagnostics: Diagnostic[];
  /** displayFile → text, for printing diagnostics. */
  readonly sources: Map<string, string>;
  /** The base pipeline as loaded (its registry holds its plugins' steps). */
  readonly base?: Loaded;
  /**
   * Stages of the base whose plugin steps were not loaded (`loadPlugins: false`): the sweep
   * file was checked, its variants were not.
   */
  readonly unchecked?: readonly string[];
}

/** Whether `file` (relative to `root`) is a sweep file: a YAML map with a top-level `sweep:` key. */
export function isSweepFile(file: string, root: string): boolean {
  const read = readPipelineFile(path.resolve(root, file));
  return 'text' in read && /^sweep[ \t]*:/m.test(read.text);
}

/** The pipeline file name a variant is planned under (its state's name derives from it: engine/state.ts). */
export function variantFile(sweepFile: string, id: string): string {
  return `${sweepFile}${VARIANT_MARK}${sha256(id).slice(0, 12)}`;
}

/**
 * Loads the sweep at `file` and every variant of it. With `loadPlugins: false` (agglo
 * validate) a base using plugin steps is not planned, and the variants are not checked.
 * With `memo` (the project's store), the variants' checked pipelines are taken from the
 * last check when nothing it read has changed, and recorded after a check that found every
 * variant valid (engine/sweep-memo.ts).
 */
export async function loadSweep(file: string, root: string, options: LoadOptions & { readonly memo?: Store } = {}): Promise<LoadedSweep> {
  const abs = path.resolve(root, file);
  const displayFile = path.relative(root, abs) || file;
  const sources = new Map<string, string>();
  const read = readPipelineFile(abs, undefined, 'sweep file');
  if (!('text' in read)) {
    return { sources, diagnostics: [{ severity: 'error', code: read.reason, message: `sweep file \`${displayFile}\` ${read.message}`, file: displayFile, line: 1, col: 1, endLine: 1, endCol: 1 }] };
  }
  sources.set(displayFile, read.text);
  const first = parsePipelineText(read.text, abs, displayFile);
  if (!first.parsed) return { sources, diagnostics: first.diagnostics };
  const sweepParsed = first.parsed;
  const report = new Reporter();
  const spec = checkSweepFile(sweepParsed, root, report);
  if (!spec) return { sources, diagnostics: sortDiagnostics(report.diagnostics) };

  // The base, loaded once: its own diagnostics, plugins and registry.
  const baseRel = path.relative(root, spec.base);
  const base = await loadPipeline(baseRel, root, options);
  for (const [k, v] of base.sources) sources.set(k, v);
  if (!base.plan || !base.pipeline) {
    // The base could not be read: say so where the sweep file names it.
    const unread = !base.sources.has(baseRel) ? base.diagnostics.find((d) => d.file === baseRel) : undefined;
    if (unread) {
      const where = unread.code === 'missing-file' ? ' (paths are relative to this file)' : '';
      report.error(unread.code, `\`sweep\`: ${unread.message}${where}`, sweepParsed.locateNearest(['sweep']));
      return { spec, sources, diagnostics: sortDiagnostics(report.diagnostics) };
    }
    const diagnostics = sortDiagnostics([...base.diagnostics, ...report.diagnostics]);
    const unchecked = base.unchecked ?? [];
    if (base.pipeline && unchecked.length > 0 && !diagnostics.some((d) => d.severity === 'error')) return { spec, sources, base, diagnostics, unchecked };
    return { spec, sources, base, diagnostics };
  }
  const baseParsed = parseBase(spec.base, root);
  if (!baseParsed) throw new Error(`bug: ${baseRel} loaded but does not parse again`);
  const basePlain = toPlain(baseParsed) as Obj;
  checkOverlays(spec, sweepParsed, basePlain, base.registry, report);
  const total = crossSize(spec.dimensions);
  if (total > MAX_SWEEP_VARIANTS) {
    report.error('too-many-variants', `the dimensions cross to ${total.toLocaleString('en-US')} variants; a sweep may have at most ${MAX_SWEEP_VARIANTS.toLocaleString('en-US')}`, sweepParsed.locateKey(['dimensions']) ?? sweepParsed.locateNearest(['dimensions']), { hint: 'split it into several sweeps, or drop choices that do not matter' });
  }
  if (report.errorCount > 0) return { spec, sources, base, diagnostics: sortDiagnostics([...base.diagnostics, ...report.diagnostics]) };

  const shared = new Map<string, { d: Diagnostic; variants: string[] }>();
  const variants: LoadedVariant[] = [];
  const expanded = expandVariants(spec);
  const plugins = [...base.pipeline.plugins];
  // The memo of the last check, when nothing it read has changed (engine/sweep-memo.ts).
  const memo = options.memo ? { store: options.memo, name: memoName(root, abs), key: memoKey({ root, sweepFile: abs, sources, registry: base.registry }) } : undefined;
  const hit = memo && readMemo(memo.store, memo.name, memo.key);
  if (hit && hit.variants.length === expanded.length && hit.variants.every((m, i) => m.id === expanded[i]!.id)) {
    const fromMemo = expanded.map((v, i): LoadedVariant => {
      const locate = variantLocate(overlayPrefixes(spec, v), sweepParsed, baseParsed);
      const pipeline: Pipeline = { ...hit.variants[i]!.pipeline, file: variantFile(spec.file, v.id), displayFile: `${displayFile} [${v.id}]`, root, locate: (p) => locate(p) };
      return { ...v, plan: planPipeline(pipeline, base.registry) };
    });
    return { spec, sources, base, diagnostics: [...hit.diagnostics], variants: fromMemo };
  }
  const checkedPipelines: MemoPipeline[] = [];
  // Every file the check looks at, for the memo.
  const consulted = new Set<string>();
  const isFile = (p: string) => {
    consulted.add(p);
    return fs.statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  };
  const readText = (p: string) => {
    consulted.add(p);
    const r = readPipelineFile(p, MAX_FOREACH_FILE_BYTES, 'foreach file');
    return 'text' in r ? r.text : { problem: r.message };
  };
  const nodes = new StageNodes(basePlain);
  /** Collected terms (by `collect` index) that are a regressor in at least one variant. */
  const termsSeen = new Map<number, Set<string>>();
  for (const v of expanded) {
    const parsed = variantParsed(spec, v, sweepParsed, baseParsed, basePlain, nodes);
    const found: Diagnostic[] = [];
    const checked = validatePipeline(parsed, base.registry, plugins, { root, fileExists: isFile, readText });
    found.push(...checked.diagnostics);
    if (checked.pipeline && !found.some((d) => d.severity === 'error')) {
      found.push(...(await checkColumns(checked.pipeline, base.registry, parsed, { root, sources })).diagnostics);
      found.push(...checkCollectedTerms(spec, sweepParsed, checked.pipeline.stages, termsSeen));
    }
    for (const d of found) {
      const key = JSON.stringify([d.file, d.line, d.col, d.code, d.message, d.severity]);
      const s = shared.get(key);
      if (s) s.variants.push(v.id);
      else shared.set(key, { d, variants: [v.id] });
    }
    if (checked.pipeline && !found.some((d) => d.severity === 'error')) {
      const pipeline = { ...checked.pipeline, displayFile: `${displayFile} [${v.id}]` };
      variants.push({ ...v, plan: planPipeline(pipeline, base.registry) });
      checkedPipelines.push({ params: pipeline.params, plugins: pipeline.plugins, stages: pipeline.stages });
    }
  }
  // A collected term that no variant has is a mistake (a typo); one that some variants drop
  // (a dimension leaving out a control) is simply not collected from those variants.
  // Judged over the variants that got as far as the check (a term may be in an invalid one).
  if (termsSeen.size > 0) {
    spec.collect.forEach((c, ci) => (c.terms ?? []).forEach((t, i) => {
      if (t === '(Intercept)' || termsSeen.get(ci)?.has(t)) return;
      const xs = xsOf(spec, ci, expanded.length > 0 ? basePlain : undefined);
      shared.set(`term:${ci}:${i}`, { d: { ...sweepParsed.locateNearest([...c.path, 'terms', i]), severity: 'error', code: 'unknown-term', message: `\`collect\`: \`${t}\` is not a regressor of stage \`${c.stage}\` in any variant checked${xs ? ` (its \`x\` is ${nameList(xs)})` : ''}`, ...(xs && didYouMean(t, xs) ? { hint: didYouMean(t, xs) } : {}) }, variants: [...expanded.map((e) => e.id)] });
    }));
  }
  const all = expanded.length;
  const diagnostics = [...base.diagnostics.filter((d) => d.severity === 'warning'), ...[...shared.values()].map(({ d, variants: vs }) => ({
    ...d, message: `${vs.length > 1 && vs.length === all ? `all ${all} variants` : `variant \`${vs[0]}\`${vs.length > 1 ? ` (and ${vs.length - 1} more)` : ''}`}: ${d.message}`,
  }))];
  const ok = !diagnostics.some((d) => d.severity === 'error');
  const sorted = sortDiagnostics(diagnostics);
  if (ok && memo) {
    for (const p of checkedPipelines) {
      for (const st of p.stages) {
        for (const ref of Object.values(st.inputs)) if (ref.kind === 'file') consulted.add(path.resolve(root, ref.path));
        for (const src of Object.values(st.foreach ?? {})) if (src.kind === 'file') consulted.add(path.resolve(root, src.path));
      }
    }
    writeMemo(memo.store, memo.name, memo.key, consulted, { variants: variants.map((v, i) => ({ id: v.id, pipeline: checkedPipelines[i]! })), diagnostics: sorted }, path.relative(root, abs));
  }
  return { spec, sources, base, diagnostics: sorted, ...(ok ? { variants } : {}) };
}

/** The base pipeline parsed with its own `extends:` resolved (it was loaded once already, so it parses). */
function parseBase(abs: string, root: string): ParsedFile | undefined {
  const read = readPipelineFile(abs);
  if (!('text' in read)) return undefined;
  const r = parsePipelineText(read.text, abs, path.relative(root, abs));
  return r.parsed ? resolveExtends(r.parsed, root).parsed : undefined;
}

/** Checks each choice's overlay against the base, and `collect:` against the base's stages. */
function checkOverlays(spec: SweepSpec, sweep: ParsedFile, base: Obj, registry: StepRegistry, report: Reporter): void {
  const params = isObj(base.params) ? Object.keys(base.params) : [];
  const stages = isObj(base.stages) ? (base.stages as Obj) : {};
  const stageIds = Object.keys(stages);
  const keyAt = (p: NodePath) => sweep.locateKey(p) ?? sweep.locateNearest(p);
  for (const dim of spec.dimensions) {
    for (const c of dim.choices) {
      const p = ['dimensions', dim.name, c.name];
      for (const k of Object.keys(c.params ?? {})) {
        if (params.includes(k)) continue;
        report.error('unknown-param', `choice \`${c.name}\` of dimension \`${dim.name}\` sets param \`${k}\`, which the pipeline does not have`, keyAt([...p, 'params', k]), { hint: didYouMean(k, params) ?? `an overlay can only change the pipeline's params: ${nameList(params)}` });
      }
      for (const k of Object.keys(c.stages ?? {})) {
        if (stageIds.includes(k)) continue;
        report.error('unknown-stage', `choice \`${c.name}\` of dimension \`${dim.name}\` changes stage \`${k}\`, which the pipeline does not have`, keyAt([...p, 'stages', k]), { hint: didYouMean(k, stageIds) ?? `the pipeline's stages are ${nameList(stageIds)}` });
      }
    }
  }
  for (const c of spec.collect) {
    const st = stages[c.stage];
    const at = sweep.locateNearest([...c.path, 'stage']);
    if (!isObj(st)) {
      report.error('unknown-stage', `\`collect\` names stage \`${c.stage}\`, which the pipeline does not have`, at, { hint: didYouMean(c.stage, stageIds) ?? `collect takes the model of a stage of step ${nameList(COLLECTABLE_STEPS)}` });
      continue;
    }
    const step = typeof st.step === 'string' ? st.step : '';
    if (isTableCollect(c)) {
      const outputs = Object.keys(registry.get(step)?.def.outputs ?? {});
      if (c.output !== undefined && outputs.length > 0 && !outputs.includes(c.output)) {
        report.error('unknown-output', `\`collect\`: stage \`${c.stage}\` (step \`${step}\`) has no output \`${c.output}\``, sweep.locateNearest([...c.path, 'output']), { hint: didYouMean(c.output, outputs) ?? `its outputs are ${nameList(outputs)}` });
      }
    } else if (!COLLECTABLE_STEPS.includes(step) || !registry.get(step)?.def.outputs.model) {
      report.error('not-collectable', `\`collect\`: stage \`${c.stage}\` runs \`${step}\`, which produces no model to collect`, at, { hint: `collect takes the coefficients of a stage of step ${nameList(COLLECTABLE_STEPS)} (${nameList(stageIds.filter((id) => isObj(stages[id]) && COLLECTABLE_STEPS.includes(String((stages[id] as Obj).step))))} in this pipeline); to collect one of its outputs as a table, name it: \`output: ${Object.keys(registry.get(step)?.def.outputs ?? { NAME: 1 })[0]}\`` });
      continue;
    }
    if (st.foreach !== undefined) {
      report.error('not-collectable', `\`collect\`: stage \`${c.stage}\` fans out with \`foreach\`; a sweep collects one result per variant`, at, { hint: 'make the fan-out a dimension of the sweep instead' });
    }
  }
}

/** A collected term the variant's model cannot have (not among the stage's regressors `x`). */
function checkCollectedTerms(spec: SweepSpec, sweep: ParsedFile, stages: readonly { id: string; params: Record<string, unknown> }[], seen: Map<number, Set<string>>): Diagnostic[] {
  const report = new Reporter();
  spec.collect.forEach((c, ci) => {
    const st = stages.find((s) => s.id === c.stage);
    if (!st) {
      report.error('unknown-stage', `\`collect\` names stage \`${c.stage}\`, which this variant removes`, sweep.locateNearest([...c.path, 'stage']));
      return;
    }
    const x = st.params.x;
    if (isTableCollect(c) || !Array.isArray(x)) return;
    const set = seen.get(ci) ?? new Set<string>();
    for (const t of x) if (typeof t === 'string') set.add(t);
    seen.set(ci, set);
  });
  return report.diagnostics;
}

/** The base pipeline's `x` of a collected stage, for messages (undefined when not a plain list). */
function xsOf(spec: SweepSpec, ci: number, basePlain: unknown): string[] | undefined {
  const stage = spec.collect[ci]!.stage;
  const params = (basePlain as { params?: Record<string, unknown>; stages?: Record<string, { params?: Record<string, unknown> }> } | undefined);
  let x = params?.stages?.[stage]?.params?.x;
  const ref = typeof x === 'string' ? /^\$\{params\.([A-Za-z_][\w-]*)\}$/.exec(x) : null;
  if (ref) x = params?.params?.[ref[1]!];
  return Array.isArray(x) && x.every((t) => typeof t === 'string') ? (x as string[]) : undefined;
}

/**
 * The YAML documents of the variants, sharing the nodes of the base's stages that a
 * variant's overlays leave as they are (mergePipelines keeps those objects): a sweep of
 * 1,000 variants that changes one stage converts only that stage into YAML nodes per
 * variant. The nodes are only read (toJS, get) by the validator. No aliases are made, so a
 * shared node never points at an anchor of another document.
 */
class StageNodes {
  private readonly nodes = new Map<unknown, unknown>();
  private readonly baseStages: Obj;
  constructor(basePlain: Obj) {
    this.baseStages = isObj(basePlain.stages) ? basePlain.stages : {};
  }
  document(merged: Obj): Document {
    const top: Obj = {};
    for (const [k, v] of Object.entries(merged)) {
      top[k] = k === 'stages' && isObj(v) ? dict(Object.entries(v).map(([id, st]) => [id, this.node(id, st)])) : v;
    }
    return new Document(top, { aliasDuplicateObjects: false });
  }
  /** The base's node for a stage the variant did not change, else its plain value. */
  private node(id: string, st: unknown): unknown {
    if (!isObj(st) || st !== own(this.baseStages, id)) return st;
    let n = this.nodes.get(st);
    if (n === undefined) this.nodes.set(st, (n = new Document(st, { aliasDuplicateObjects: false }).contents));
    return n;
  }
}

/** The choices of a variant that change something, in dimension order. */
function chosen(spec: SweepSpec, v: Variant) {
  return spec.dimensions.map((dim) => dim.choices.find((x) => x.name === v.choices[dim.name])!).filter((c) => c.params || c.stages);
}

/** The sweep-file paths of a variant's overlays, the last applied first. */
function overlayPrefixes(spec: SweepSpec, v: Variant): NodePath[] {
  const prefixes: NodePath[] = [];
  for (const dim of spec.dimensions) {
    const c = dim.choices.find((x) => x.name === v.choices[dim.name])!;
    if (c.params || c.stages) prefixes.unshift(['dimensions', dim.name, c.name]);
  }
  return prefixes;
}

/** Where a node of the variant is written: in the last overlay that writes it, else in the base. */
function variantLocate(prefixes: readonly NodePath[], sweep: ParsedFile, base: ParsedFile): ParsedFile['locate'] {
  return (p) => {
    if (p.length >= 2) {
      for (const pre of prefixes) {
        const r = sweep.locate([...pre, ...p]);
        if (r) return r;
      }
    }
    return base.locate(p);
  };
}

/**
 * The variant as a ParsedFile: the base's data with the overlays merged over it, each node
 * located where the last overlay that writes it does (in the sweep file), else in the base.
 */
function variantParsed(spec: SweepSpec, v: Variant, sweep: ParsedFile, base: ParsedFile, basePlain: Obj, nodes: StageNodes): ParsedFile {
  let merged: Obj = basePlain;
  for (const c of chosen(spec, v)) {
    // mergePipelines keeps only what a pipeline has (params, plugins, stages, limits).
    merged = mergePipelines(merged, { ...(c.params ? { params: c.params } : {}), ...(c.stages ? { stages: c.stages } : {}) });
  }
  const prefixes = overlayPrefixes(spec, v);
  const locate = variantLocate(prefixes, sweep, base);
  return {
    file: variantFile(spec.file, v.id),
    displayFile: base.displayFile,
    text: base.text,
    doc: nodes.document(merged) as unknown as ParsedFile['doc'],
    locate,
    locateKey: (p) => {
      if (p.length >= 2) {
        for (const pre of prefixes) {
          const r = sweep.locateKey([...pre, ...p]);
          if (r) return r;
        }
      }
      return base.locateKey(p);
    },
    locateNearest: (p) => {
      for (let n = p.length; n > 0; n--) {
        const r = locate(p.slice(0, n));
        if (r) return r;
      }
      return base.locateNearest([]);
    },
  };
}
