/**
 * The no-op fast path. A stage's key is a fingerprint of the stage as a whole: everything
 * each item's fingerprint is made of. When it equals the key of the last run and every
 * item's results are intact, every task is cached as it was, with no per-item work: a
 * no-op rerun of 100,000 items costs a stat per result instead of 100,000 fingerprints.
 */
import { canonicalJson, hashOf, sha256 } from './canonical.js';
import { CACHE_FORMAT } from './fingerprint.js';
import { dict, own } from './dict.js';
import { ABSENT_FILE_HASH, filePathParams, withDefaults } from './params-schema.js';
import type { JsonSchema } from './step.js';
import type { StageRun } from './run-types.js';
import type { ItemState } from './state.js';
import type { Store } from './store.js';

export interface StageKeyEnv {
  /** Content hash of a project file (undefined when missing). */
  hashFile(relative: string): string | undefined;
  /** stageDigest of an upstream stage's output (undefined while unknown). */
  digest(stage: string, output: string | undefined): string | undefined;
}

/**
 * The stage's fingerprint as a whole: everything every item's fingerprint is made of
 * (step, version, source, params template, params schema, the items, whole upstream
 * results, files), so that an unchanged key means every item is unchanged and 100,000
 * items need no per-item work. Undefined when the stage does not qualify (per-item file
 * params, a pipeline observer, or an upstream result not known yet).
 */
export function stageKey(run: StageRun, env: StageKeyEnv): string | undefined {
  const planned = run.planned;
  const def = planned.step.def;
  if (def.observesPipeline) return undefined;
  const files = dict<string>();
  for (const f of hasFilePaths(def.params) ? filePathParams(def.params, withDefaults(def, planned.spec.params)) : []) {
    if (f.value.includes('${')) return undefined;
    const h = env.hashFile(f.value) ?? (f.optional ? ABSENT_FILE_HASH : undefined);
    if (!h) return undefined;
    files[f.value] = h;
  }
  const inputs = dict<string>();
  for (const [name, ref] of Object.entries(planned.spec.inputs)) {
    const h = ref.kind === 'file' ? env.hashFile(ref.path) : env.digest(ref.stage, ref.output);
    if (h === undefined) return undefined;
    inputs[name] = h;
  }
  return hashOf({
    cacheFormat: CACHE_FORMAT, step: def.name, stepVersion: def.version, stepSource: planned.step.sourceHash,
    params: canonicalJson(planned.spec.params, true), schema: schemaJson(def.params),
    // JSON keeps the items' types: item 1 and item "1" fill `${item.x}` params differently.
      dims: planned.dims, items: sha256(JSON.stringify(run.items)), inputs, files,
  });
}

/**
 * Whether a params schema has a `format: "file-path"` where filePathParams looks (through
 * `properties` and array `items`), once per schema object: most steps have none, and their
 * params need no defaults applied to find files.
 */
const filePathsMemo = new WeakMap<object, boolean>();
function hasFilePaths(schema: JsonSchema): boolean {
  let has = filePathsMemo.get(schema);
  if (has === undefined) filePathsMemo.set(schema, (has = findsFilePath(schema)));
  return has;
}
function findsFilePath(schema: JsonSchema): boolean {
  if (schema.format === 'file-path' || schema.format === 'optional-file-path') return true;
  const sub = (x: unknown) => typeof x === 'object' && x !== null && !Array.isArray(x) && findsFilePath(x as JsonSchema);
  const props = schema.properties;
  if (typeof props === 'object' && props !== null && Object.values(props).some(sub)) return true;
  return sub(schema.items);
}

/** A step's params schema as canonical JSON, once per schema object (a sweep keys the same step 1,000s of times). */
const schemaJsonMemo = new WeakMap<object, string>();
function schemaJson(schema: object): string {
  let s = schemaJsonMemo.get(schema);
  if (s === undefined) schemaJsonMemo.set(schema, (s = canonicalJson(schema, true)));
  return s;
}

/** sha256 over every item's hash of one output of a stage (undefined while any is unknown). */
export function stageDigest(up: StageRun, output: string | undefined): string | undefined {
  const out = output ?? Object.keys(up.planned.step.def.outputs)[0]!;
  const parts: string[] = [];
  let known = true;
  for (const t of up.tasks) {
    const h = t.outputs?.[out];
    if (h === undefined) { known = false; break; }
    parts.push(`${JSON.stringify(t.item ?? null)}\t${h}`);
  }
  return known ? sha256(parts.join('\n')) : undefined;
}

/**
 * The no-op fast path: the stage key is the one of the last run and every item's results
 * are still in the cache (checked by verifyObject's size/mtime stamp) and its results/ files
 * are in place or restorable (`filesOk`), so every task is cached as it was. Returns false
 * to fall back to the per-item decision, which says why an item reruns.
 */
export function reuseUnchangedStage(run: StageRun, store: Store, filesOk: (written: Record<string, string>) => boolean): boolean {
  const prev = run.prevStage;
  if (!run.key || prev?.key !== run.key) return false;
  const states: ItemState[] = [];
  const declared = Object.keys(run.planned.step.def.outputs);
  for (const t of run.tasks) {
    const st = own(prev.items, t.id);
    if (!st || !st.outputs) return false;
    // An entry without every output the step declares is damaged: the per-item path says so.
    if (!hasOutputs(st.outputs, declared)) return false;
    for (const h of Object.values(st.outputs)) if (!store.verifyObject(h)) return false;
    if (st.written && !filesOk(st.written)) return false;
    states.push(st);
  }
  run.tasks.forEach((t, i) => {
    const st = states[i]!;
    t.status = 'cached';
    t.fp = st.fp;
    t.outputs = st.outputs;
    t.state = st;
  });
  return true;
}

/** Whether `outputs` holds a hash for every output name in `declared`. */
export function hasOutputs(outputs: Record<string, string>, declared: readonly string[]): boolean {
  return declared.every((name) => own(outputs, name) !== undefined);
}
