/**
 * The runner: walks the plan, decides per task whether the cache answers (and why not),
 * executes what must run with bounded concurrency, stores results, restores results/ files,
 * and reports. The same walk with `dryRun` is `agglo status`.
 */
import path from 'node:path';
import pLimit from 'p-limit';
import { decodeValue, encodeValue, hashOf, deepFreeze } from './canonical.js';
import { explainMiss, type CurrentParts } from './explain.js';
import { FileHasher } from './file-hash.js';
import { CACHE_FORMAT, fingerprint } from './fingerprint.js';
import { dict, own } from './dict.js';
import { gather, InputSelector, selectionHash } from './inputs.js';
import { interpolateItem } from './interpolate.js';
import { itemId } from './items.js';
import { ABSENT_FILE_HASH, applyParamsSchema, filePathParams } from './params-schema.js';
import type { PlannedStage } from './plan.js';
import type { EngineContext, RunEvent, RunOptions, RunReport, StageReport, StageRun, StageStatus, Task } from './run-types.js';
import { buildPipelineInfo, pipelineInfoHash } from './pipeline-info.js';
import { hasOutputs, reuseUnchangedStage, stageDigest, stageKey } from './stage-key.js';
import { stageReport } from './stage-report.js';
import { resultsPathProblem, quotePath } from './cache-meta.js';
import { resultsTarget } from './results-target.js';
import { readPipelineState, stateFile, stateName, type ItemState, type LoadedState, type PipelineState } from './state.js';
import { writeFileAtomic } from './store.js';
import { expandStageItems } from './expand.js';
import { StepError, type StepDefinition } from './step.js';
import type { ItemKey, Value } from './value.js';
import { OUTSIDE_ROOT_HINT, outsideRoot } from './confine.js';

export type { EngineContext, RunEvent, RunOptions, RunReport, StageReport, StageStatus, TaskStatus } from './run-types.js';

/** RunOptions, plus how far the run trusts the file-hash memo (engine/file-hash.ts). */
export interface RunPipelineOptions extends RunOptions {
  /** Re-hash every input file even when its size and mtime did not change (`--verify-inputs`). */
  readonly verifyInputs?: boolean;
  /**
   * false: results/ files are stored with the task (a later run restores them) but not
   * written or restored now (a sweep's variants: each would write its base's files).
   */
  readonly writeFiles?: boolean;
}

export async function runPipeline(ctx: EngineContext, opts: RunPipelineOptions): Promise<RunReport> {
  return new Runner(ctx, opts).run();
}

class Runner {
  private readonly runs = new Map<string, StageRun>();
  private readonly memory = new Map<string, Value>();
  private readonly hasher: FileHasher;
  private readonly limit;
  private readonly prev: PipelineState;
  private readonly next: PipelineState;
  private readonly stateKey: string;
  private readonly prevExists: boolean;
  /** Whether a stage's (or item's) entry in the previous state was left out as damaged. */
  private readonly damaged: LoadedState['damaged'];
  private aborted = false;
  /** Whether the pipeline state changed (a no-op run does not rewrite it). */
  private dirty = false;
  private readonly digests = new Map<string, string | undefined>();
  /** results/ path → the task that wrote or restored it in this run. */
  private readonly writers = new Map<string, string>();

  constructor(private readonly ctx: EngineContext, private readonly opts: RunPipelineOptions) {
    this.hasher = new FileHasher(ctx.root, ctx.store, { rehash: opts.verifyInputs === true });
    this.limit = pLimit(Math.max(1, opts.jobs));
    this.stateKey = stateName(ctx.root, ctx.plan.pipeline.file);
    const rel = stateFile(path.relative(ctx.root, ctx.plan.pipeline.file));
    const loaded = readPipelineState(ctx.store, this.stateKey, rel);
    this.prev = loaded.state;
    this.damaged = loaded.damaged;
    // A damaged state is rewritten by the next run, whatever else it does.
    this.prevExists = Object.keys(this.prev.stages).length > 0 && loaded.problems.length === 0;
    if (loaded.problems.length > 0) {
      const more = loaded.problems.length > 1 ? `; and ${loaded.problems.length - 1} more` : '';
      this.warn(`the cache state cache/state/${this.stateKey}.json is damaged (${loaded.problems[0]}${more}); what it held for those entries is ignored and recomputed`);
    }
    // Stages deleted from the pipeline drop out of its state (gc may then collect them).
    const kept = Object.entries(this.prev.stages).filter(([id]) => ctx.plan.stages.has(id));
    this.next = { version: 1, file: rel, stages: dict(kept) };
  }

  private emit(e: RunEvent): void {
    this.opts.onEvent?.(e);
  }

  private warn(message: string): void {
    this.emit({ type: 'warning', message });
  }

  async run(): Promise<RunReport> {
    const t0 = performance.now();
    const wanted = this.wantedStages();
    const done = new Map<string, Promise<void>>();
    for (const id of this.ctx.plan.order) {
      if (!wanted.has(id)) continue;
      const planned = this.ctx.plan.stages.get(id)!;
      const deps = planned.deps.map((d) => done.get(d)!);
      done.set(id, Promise.all(deps).then(() => this.runStage(planned)));
    }
    await Promise.all(done.values());
    if (!this.opts.dryRun) {
      const removed = Object.keys(this.prev.stages).some((id) => !Object.hasOwn(this.next.stages, id));
      if (this.dirty || removed || !this.prevExists) this.ctx.store.writeState(this.stateKey, this.next);
      this.hasher.save();
      this.ctx.store.flush();
    }
    const stages = this.ctx.plan.order.filter((id) => wanted.has(id)).map((id) => this.runs.get(id)!.report!);
    return { ok: stages.every((s) => s.status !== 'failed' && s.status !== 'skipped'), pipeline: this.ctx.plan.pipeline.displayFile, ms: performance.now() - t0, stages };
  }

  private wantedStages(): Set<string> {
    const targets = this.opts.targets ?? [];
    if (targets.length === 0) return new Set(this.ctx.plan.order);
    const out = new Set<string>();
    const stack = [...targets];
    while (stack.length) {
      const id = stack.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      stack.push(...(this.ctx.plan.stages.get(id)?.deps ?? []));
    }
    return out;
  }

  private finishStage(run: StageRun, report: StageReport): void {
    run.report = report;
    this.emit({ type: 'stage-done', report });
  }

  private skeleton(planned: PlannedStage, status: StageStatus, reason: string): StageReport {
    return { id: planned.spec.id, step: planned.spec.step, status, reason, items: { total: 0, ran: 0, cached: 0, failed: 0 }, ms: 0, errors: [], notes: [] };
  }

  private async runStage(planned: PlannedStage): Promise<void> {
    const t0 = performance.now();
    const id = planned.spec.id;
    const run: StageRun = {
      planned, id, dims: planned.dims, items: [], tasks: [],
      outputHash: (t, o) => run.tasks[t]?.outputs?.[o],
    };
    this.runs.set(id, run);
    const badDep = planned.deps.find((d) => ['failed', 'skipped'].includes(this.runs.get(d)?.report?.status ?? ''));
    if (badDep) return this.finishStage(run, this.skeleton(planned, 'skipped', `upstream \`${badDep}\` ${this.runs.get(badDep)!.report!.status}`));
    if (this.aborted) return this.finishStage(run, this.skeleton(planned, 'skipped', 'not run: an earlier stage failed'));

    const expanded = await expandStageItems(planned, {
      root: this.ctx.root,
      loadUpstream: (stage, output) => this.loadWhole(stage, output),
      upstreamKnown: (stage) => this.runs.get(stage)?.report?.status !== 'would-run',
    });
    if ('error' in expanded) {
      const rep = this.skeleton(planned, expanded.unknown ? 'would-run' : 'failed', expanded.error);
      if (!expanded.unknown) rep.errors.push({ item: '', reason: 'foreach', message: expanded.error });
      if (!expanded.unknown) this.fail();
      return this.finishStage(run, rep);
    }
    run.items = expanded.items;
    const keys: (ItemKey | undefined)[] = planned.dims.length ? run.items : [undefined];
    run.tasks = keys.map((item) => ({ item, id: itemId(item, planned.dims) }));

    const prevStage = own(this.prev.stages, id);
    run.prevStage = prevStage;
    run.selectors = new Map();
    for (const [name, ref] of Object.entries(planned.spec.inputs)) {
      if (ref.kind === 'stage') run.selectors.set(name, new InputSelector(this.runs.get(ref.stage)!, planned.dims));
    }
    run.key = stageKey(run, { hashFile: (rel) => this.hashFile(rel), digest: (st, out) => this.digest(st, out) });
    if (!reuseUnchangedStage(run, this.ctx.store, (written) => this.unrestorable(written, true) === undefined)) {
      this.dirty = true;
      for (const task of run.tasks) this.decide(run, task);
    }

    const cached = run.tasks.filter((t) => t.status === 'cached').length;
    this.emit({ type: 'stage-start', id, total: run.tasks.length, cached });
    const toRun = run.tasks.filter((t) => t.status === undefined);
    if (!this.opts.dryRun) {
      await Promise.all(toRun.map((t) => this.limit(() => this.execute(run, t))));
      if (this.opts.writeFiles !== false) for (const t of run.tasks) if (t.status === 'cached') await this.restoreFiles(run, t);
    } else {
      for (const t of toRun) t.status = 'would-run';
      for (const t of run.tasks) if (t.status === 'cached') this.wouldRestore(t);
    }
    this.recordState(run);
    this.finishStage(run, stageReport(run, performance.now() - t0, this.opts.dryRun));
  }

  /** Computes the task's params and fingerprint and decides cached / to run. */
  private decide(run: StageRun, task: Task): void {
    const cur = this.prepare(run, task);
    if (!cur) return;
    const prevItem = own(run.prevStage?.items, task.id);
    const found = this.lookup(task.fp!, prevItem, Object.keys(run.planned.step.def.outputs));
    if ('outputs' in found) {
      task.status = 'cached';
      task.outputs = found.outputs;
      task.state = { ...task.state!, outputs: found.outputs, ...(Object.keys(found.written).length ? { written: found.written } : {}) };
      return;
    }
    task.reason = found.reason
      ?? (!prevItem && this.damaged(run.id, task.id) ? 'cache entry missing or damaged' : explainMiss(run.prevStage, prevItem, cur, task.item !== undefined));
  }

  /**
   * A task's params (interpolated, defaults applied), input hashes, input loaders and
   * fingerprint. Returns what explainMiss needs, or undefined when the task failed or an
   * upstream result is not known yet (dry run); then `task.status`/`task.reason` say so.
   */
  private prepare(run: StageRun, task: Task): CurrentParts | undefined {
    const selectors = run.selectors!;
    const planned = run.planned;
    const spec = planned.spec;
    const def = planned.step.def;
    const rawParams = task.item ? interpolateItem(spec.params, task.item) : spec.params;
    const checked = applyParamsSchema(def, rawParams);
    if (checked.errors.length > 0) {
      return this.failTask(task, 'invalid-params', checked.errors.map((e) => `param ${e.path}: ${e.message}`).join('; '));
    }
    task.params = checked.params;
    const files = dict<string>();
    const checks: { path: string; abs: string; hash: string }[] = [];
    for (const f of filePathParams(def.params, checked.params)) {
      const abs = path.resolve(this.ctx.root, f.value);
      // A path made from ${item.…} is known only now: it is confined like any other.
      const why = outsideRoot(abs, this.ctx.root);
      if (why) return this.failTask(task, 'outside-root', `file \`${f.value}\` (param ${f.path.join('.')}) ${why}; ${OUTSIDE_ROOT_HINT}`);
      const h = this.hasher.hash(abs);
      if (!h && f.optional) {
        files[f.value] = ABSENT_FILE_HASH;
        continue;
      }
      if (!h) return this.failTask(task, 'missing-file', `file \`${f.value}\` (param ${f.path.join('.')}) does not exist`);
      files[f.value] = h;
      checks.push({ path: f.value, abs, hash: h });
    }
    const inputs = dict<string>();
    const labels = dict<string>();
    const loaders = dict<() => Promise<Value>>();
    let unknownUpstream: string | undefined;
    for (const [name, ref] of Object.entries(spec.inputs)) {
      if (ref.kind === 'file') {
        const abs = path.resolve(this.ctx.root, ref.path);
        const h = this.hasher.hash(abs);
        if (!h) return this.failTask(task, 'missing-file', `input \`${name}\`: file \`${ref.path}\` does not exist`);
        inputs[name] = h;
        checks.push({ path: ref.path, abs, hash: h });
        labels[name] = `file \`${ref.path}\``;
        loaders[name] = async () => ({ kind: 'file', path: abs, hash: h });
        continue;
      }
      const up = this.runs.get(ref.stage)!;
      const output = ref.output ?? Object.keys(up.planned.step.def.outputs)[0]!;
      const sel = selectors.get(name)!.select(task.item);
      if ('error' in sel) return this.failTask(task, 'missing-item', sel.error);
      const h = selectionHash(up, sel, output);
      labels[name] = `\`${ref.stage}\``;
      if (h === undefined) { unknownUpstream ??= ref.stage; continue; }
      inputs[name] = h;
      loaders[name] = async () => {
        if (sel.mode !== 'gather') return this.loadOutput(up, sel.tasks[0]!, output);
        const vals = [];
        for (const t of sel.tasks) vals.push(await this.loadOutput(up, t, output));
        return gather(sel.tasks.map((t) => up.items[t]!), vals, up.dims);
      };
    }
    if (def.observesPipeline) {
      const info = buildPipelineInfo(this.ctx.plan, this.runs, run.id, this.ctx.root, (rel) => this.hashFile(rel));
      if (!info) unknownUpstream ??= run.planned.observed.find((d) => this.runs.get(d)?.report?.status === 'would-run') ?? 'a stage';
      else {
        inputs.pipeline = pipelineInfoHash(info);
        labels.pipeline = 'the pipeline';
        loaders.pipeline = async () => info as unknown as Value;
      }
    }
    task.loaders = loaders;
    task.fileChecks = checks;
    const cur: CurrentParts = { step: def.name, stepVersion: def.version, stepSource: planned.step.sourceHash, params: spec.params, inputs, files, inputLabels: labels };
    if (unknownUpstream !== undefined) {
      task.reason = `upstream \`${unknownUpstream}\` will rerun`;
      return undefined;
    }
    task.fp = fingerprint({ cacheFormat: CACHE_FORMAT, step: def.name, stepVersion: def.version, stepSource: planned.step.sourceHash, params: checked.params, item: task.item ?? null, inputs, files });
    task.state = { fp: task.fp, outputs: {}, ...(Object.keys(inputs).length ? { inputs } : {}), ...(Object.keys(files).length ? { files } : {}) };
    return cur;
  }

  /**
   * Records that a task writes `rel`; warns (once per file) when another task of this run
   * already did: with two writers the file holds whichever came last. False on a conflict.
   */
  private claim(rel: string, stage: string, item: string): boolean {
    const who = `\`${stage}\`${item ? ` (${item})` : ''}`;
    const prev = this.writers.get(rel);
    if (prev === undefined || prev === who) {
      this.writers.set(rel, who);
      return true;
    }
    this.warn(`${rel} is written by both ${prev} and ${who}: give each its own path`);
    return false;
  }

  /** Content hash of a project file given relative to the root (undefined when missing). */
  private hashFile(rel: string): string | undefined {
    return this.hasher.hash(path.resolve(this.ctx.root, rel));
  }

  /** stageDigest of an upstream output, computed once per run. */
  private digest(stage: string, output: string | undefined): string | undefined {
    const key = `${stage}\0${output ?? ''}`;
    if (!this.digests.has(key)) this.digests.set(key, stageDigest(this.runs.get(stage)!, output));
    return this.digests.get(key);
  }

  /**
   * The outputs (and written files) for a fingerprint if the cache has them intact; else
   * the reason for the miss when explainMiss cannot know it (a results file lost for good).
   */
  private lookup(fp: string, prevItem: ItemState | undefined, declared: readonly string[]): { outputs: Record<string, string>; written: Record<string, string> } | { reason?: string } {
    const store = this.ctx.store;
    // Fast path for no-op reruns: the pipeline state already knows this fingerprint, so
    // 100,000 cached items cost no record reads. An entry without every output the step
    // declares is damaged (downstream would miss an input): the run record may still answer.
    let hit: { outputs: Record<string, string>; written: Record<string, string> } | undefined;
    let incomplete = false;
    if (prevItem?.fp === fp && hasOutputs(prevItem.outputs, declared)) hit = { outputs: prevItem.outputs, written: prevItem.written ?? {} };
    else {
      incomplete = prevItem?.fp === fp;
      const rec = store.getRecord(fp);
      if (rec && hasOutputs(rec.outputs, declared)) hit = { outputs: rec.outputs, written: rec.files };
      else if (rec) incomplete = true;
    }
    if (!hit) return incomplete ? { reason: 'cache entry missing or damaged' } : {};
    for (const h of Object.values(hit.outputs)) if (!store.verifyObject(h)) return {};
    const lost = this.unrestorable(hit.written);
    return lost === undefined ? hit : { reason: lost };
  }

  /**
   * Why a cached task's results/ files cannot all be there after this run, or undefined when
   * each is in place or can be restored from an intact cached copy. A file that is neither
   * would be lost for good, so its task is a miss and recomputed in this run. The bytes of a
   * file to restore are read and verified now (not trusted on the size/mtime memo), so that
   * `status` can tell. Paths were checked when the metadata was read; checked again here,
   * with the folders on the way, before anything is written.
   */
  private unrestorable(written: Record<string, string>, quiet = false): string | undefined {
    // A run that writes no files (a sweep's variant) needs none of them: the run that does restores them.
    if (this.opts.writeFiles === false) return undefined;
    for (const [rel, h] of Object.entries(written)) {
      const bad = resultsPathProblem(rel);
      if (bad) {
        if (!quiet) this.warn(`the cache lists a results file ${quotePath(rel)} that ${bad}; ignored, its task is recomputed`);
        return 'cache entry missing or damaged';
      }
      if (this.hasher.hash(path.resolve(this.ctx.root, rel)) === h) continue;
      const target = resultsTarget(this.ctx.root, rel);
      if (!target.ok) {
        if (!quiet && !this.opts.dryRun) this.warn(`cannot restore ${rel}: ${target.problem}`);
        return `${rel} cannot be restored: ${target.problem}`;
      }
      if (!this.ctx.store.getObject(h)) {
        return this.opts.dryRun ? `the cached copy of ${rel} is damaged and the file is missing or edited` : `the cached copy of ${rel} was damaged: recomputed`;
      }
    }
    return undefined;
  }

  /** Marks a task failed; without --keep-going (and outside a dry run) nothing new starts. */
  private failTask(task: Task, reason: string, message: string): undefined {
    if (!this.opts.dryRun) this.fail();
    task.status = 'failed';
    task.reason = reason;
    task.outputs = undefined;
    task.error = { reason, message };
    return undefined;
  }

  private fail(): void {
    if (!this.opts.keepGoing) this.aborted = true;
  }

  /** Runs one task (or marks it skipped after a failure without --keep-going). */
  private async execute(run: StageRun, task: Task): Promise<void> {
    if (this.aborted) { task.status = 'skipped'; return; }
    const planned = run.planned;
    // A task taken from the stage fast path has no loaders yet (it is being repaired).
    if (!task.loaders && !this.prepare(run, task)) {
      if (task.status !== 'failed') this.failTask(task, 'input-unavailable', task.reason ?? 'its inputs are not available');
      this.fail();
      return;
    }
    let inputs: Record<string, Value>;
    try {
      inputs = dict();
      for (const [name, load] of Object.entries(task.loaders ?? {})) inputs[name] = await load();
    } catch (e) {
      this.failTask(task, 'input-unavailable', (e as Error).message);
      this.fail();
      return;
    }
    const out = await this.ctx.executor.execute({
      stage: planned.spec.id, item: task.item, step: planned.step.def.name, source: planned.step.source,
      params: task.params!, inputs, root: this.ctx.root, ...(task.fp ? { fp: task.fp } : {}),
      heavy: isHeavy(planned.step.def, task.params!, inputs), isolate: planned.spec.limits?.isolate === true,
      ...(planned.spec.limits ? { limits: { timeMs: planned.spec.limits.timeMs, memoryMb: planned.spec.limits.memoryMb } } : {}),
    });
    if (out.job) task.job = out.job;
    if (!out.ok) {
      this.failTask(task, out.reason, out.message);
      if (out.stack) task.error!.stack = out.stack;
      this.fail();
      this.emit({ type: 'task-done', id: planned.spec.id, status: 'failed' });
      return;
    }
    // A file edited while the step read it: its result belongs to neither version.
    const changed = (task.fileChecks ?? []).find((c) => this.hasher.hash(c.abs) !== c.hash);
    if (changed) {
      this.failTask(task, 'input-changed', `file \`${changed.path}\` changed while the step ran; its result was not stored: run again`);
      this.emit({ type: 'task-done', id: planned.spec.id, status: 'failed' });
      return;
    }
    const store = this.ctx.store;
    const outputs = dict<string>();
    const files = dict<string>();
    try {
      for (const [name, value] of Object.entries(out.outputs)) {
        const text = encodeValue(value);
        if (text === undefined) throw new Error(`output \`${name}\` is undefined`);
        const h = store.putObject(text);
        outputs[name] = h;
        // Consumers get the value as it reads back from the cache (plain JSON data), frozen:
        // the same on a cold and a warm run, and no consumer can change what another sees.
        this.memory.set(h, deepFreeze(decodeValue(text)) as Value);
      }
      for (const f of out.files) {
        if (typeof f.content !== 'string' && !(f.content instanceof Uint8Array)) throw new Error(`file \`${f.path}\` content must be a string or bytes`);
        // Never through a link out of the project, whatever the step asked for.
        const target = resultsTarget(this.ctx.root, f.path);
        const write = this.opts.writeFiles !== false;
        const problem = !target.ok ? target.problem : write ? writeProblem(target.value, f.content) : undefined;
        if (problem !== undefined) {
          this.failTask(task, 'bad-output-path', `cannot write ${f.path}: ${problem}`);
          this.emit({ type: 'task-done', id: planned.spec.id, status: 'failed' });
          return;
        }
        this.claim(f.path, planned.spec.id, task.id);
        const abs = path.resolve(this.ctx.root, f.path);
        const h = store.putObject(f.content);
        files[f.path] = h;
        if (write) this.hasher.remember(abs, h);
      }
    } catch (e) {
      this.failTask(task, 'unstorable-output', `step \`${planned.step.def.name}\` returned a result that cannot be stored: ${(e as Error).message} (results must be plain data: tables, numbers, strings, booleans, null, arrays and objects)`);
      this.emit({ type: 'task-done', id: planned.spec.id, status: 'failed' });
      return;
    }
    store.putRecord({ fingerprint: task.fp!, stage: planned.spec.id, item: task.item, step: planned.step.def.name, stepVersion: planned.step.def.version, outputs, files, notes: out.notes, ms: out.ms, createdAt: new Date().toISOString() });
    task.notes = out.notes;
    task.outputs = outputs;
    task.state = { ...task.state!, outputs, written: files };
    task.status = 'ran';
    this.emit({ type: 'task-done', id: planned.spec.id, status: 'ran' });
  }

  /** A stored output value; a missing or corrupt object is recomputed by rerunning its task. */
  private async loadOutput(run: StageRun, t: number, output: string): Promise<Value> {
    const task = run.tasks[t]!;
    const h = task.outputs?.[output];
    if (h === undefined) throw new Error(`stage \`${run.id}\` has no result for ${task.id || 'its task'}`);
    const mem = this.memory.get(h);
    if (mem !== undefined) return mem;
    const bytes = this.ctx.store.getObject(h);
    if (bytes) {
      const v = deepFreeze(decodeValue(Buffer.from(bytes).toString('utf8'))) as Value;
      this.memory.set(h, v);
      return v;
    }
    if (this.opts.dryRun) {
      // status never runs a step: it reports what run would have to do.
      throw new StepError('cache-damaged', `the cached result of \`${run.id}\`${task.id ? ` (${task.id})` : ''} is missing or damaged; \`agglo run\` recomputes it`);
    }
    this.warn(`result of stage \`${run.id}\`${task.id ? ` (${task.id})` : ''} is missing or damaged in the cache; recomputing it`);
    await this.execute(run, task);
    if (task.status !== 'ran') throw new Error(`could not recompute stage \`${run.id}\`${task.id ? ` item ${task.id}` : ''}`);
    const again = task.outputs![output]!;
    if (again !== h) this.warn(`stage \`${run.id}\` gave a different result when recomputed: its step is not deterministic`);
    return this.memory.get(again)!;
  }

  /** Whole output of a stage (for foreach over an upstream column). */
  private async loadWhole(stage: string, output: string | undefined): Promise<Value> {
    const up = this.runs.get(stage)!;
    const out = output ?? Object.keys(up.planned.step.def.outputs)[0]!;
    if (up.dims.length === 0) return this.loadOutput(up, 0, out);
    const vals = [];
    for (let t = 0; t < up.tasks.length; t++) vals.push(await this.loadOutput(up, t, out));
    return gather(up.items, vals, up.dims);
  }

  /**
   * On a cache hit, puts back results/ files that were deleted or edited (DVC checkout).
   * lookup made sure each can be; should one still fail (its cached copy damaged since),
   * the task is recomputed now rather than leaving the file lost.
   */
  private async restoreFiles(run: StageRun, task: Task): Promise<void> {
    for (const [rel, h] of Object.entries(task.state?.written ?? {})) {
      if (!this.claim(rel, run.id, task.id)) continue;
      const abs = path.resolve(this.ctx.root, rel);
      const onDisk = this.hasher.hash(abs);
      if (onDisk === h) continue;
      const target = resultsTarget(this.ctx.root, rel);
      const bytes = target.ok ? this.ctx.store.getObject(h) : undefined;
      const problem = !target.ok ? target.problem : !bytes ? 'its cached copy is damaged' : writeProblem(target.value, bytes);
      if (problem !== undefined) {
        this.warn(`cannot restore ${rel}: ${problem}; recomputing it`);
        task.reason = `the cached copy of ${rel} was damaged: recomputed`;
        await this.execute(run, task);
        return;
      }
      this.hasher.remember(abs, h);
      // Only a file missing or changed outside agglo is worth a warning, not one that another
      // configuration of the pipeline wrote: switching back rewrites it from the cache.
      if (!this.writtenByAgglo(abs, onDisk)) this.warn(`restored ${rel} from the cache (it was missing or edited)`);
    }
  }

  /**
   * Whether a results file's content now (`onDisk`, its hash) is what agglo last wrote there:
   * the file-hash memo held that hash at the start of the run, and the cache holds those bytes
   * (the memo alone could also hold a hand edit that was only hashed, e.g. by `agglo verify`).
   * Overwriting such a file loses nothing.
   */
  private writtenByAgglo(abs: string, onDisk: string | undefined): boolean {
    return onDisk !== undefined && onDisk === this.hasher.recorded(abs) && this.ctx.store.verifyObject(onDisk, true);
  }

  /** `status`: says which results/ files of a cached task `run` would restore (missing or edited). */
  private wouldRestore(task: Task): void {
    for (const [rel, h] of Object.entries(task.state?.written ?? {})) {
      const abs = path.resolve(this.ctx.root, rel);
      const onDisk = this.hasher.hash(abs);
      // As restoreFiles: a file another configuration wrote is rewritten without a word.
      if (onDisk !== h && !this.writtenByAgglo(abs, onDisk)) this.warn(`${rel} is missing or edited: \`agglo run\` restores it from the cache`);
    }
  }

  private recordState(run: StageRun): void {
    const prevStage = run.prevStage;
    if (this.opts.dryRun) return;
    const def = run.planned.step.def;
    const items: Record<string, ItemState> = {};
    for (const t of run.tasks) {
      if (t.status === 'ran' || t.status === 'cached') items[t.id] = t.state!;
      else if (prevStage?.items[t.id] && t.status !== 'failed') items[t.id] = prevStage.items[t.id]!;
    }
    // The stage key may only be kept when every task now holds a result of this key: a task
    // skipped or failed keeps an older result, which the next run must not take as current.
    const complete = run.tasks.every((t) => t.status === 'ran' || t.status === 'cached');
    // After a failure the stage-level description stays that of the last complete run, so
    // the next run can still say which param (or version) changed for the items left over.
    const described = complete || !prevStage
      ? { step: def.name, stepVersion: def.version, stepSource: run.planned.step.sourceHash, params: run.planned.spec.params }
      : { step: prevStage.step, stepVersion: prevStage.stepVersion, stepSource: prevStage.stepSource, params: prevStage.params };
    this.next.stages[run.id] = { ...described, items, ...(run.key && complete ? { key: run.key } : {}) };
  }
}

/** Writes a results file (atomically); what went wrong, or undefined. */
function writeProblem(abs: string, bytes: Uint8Array | string): string | undefined {
  try {
    writeFileAtomic(abs, bytes);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function isHeavy(def: StepDefinition, params: Record<string, unknown>, inputs: Record<string, Value>): boolean {
  return typeof def.heavy === 'function' ? def.heavy(params, inputs) : def.heavy === true;
}

/** Hash helper re-exported for tests that compute expected fingerprints. */
export { hashOf };
