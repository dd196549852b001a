/**
 * Running a sweep: every variant, one after the other, through the normal runner on the
 * shared store, with `targets` = the collected stages (so writer stages do not run) and
 * without writing results/ files (a collected stage may write one; variants would write the
 * same file, and the base pipeline's own run owns it). A stage whose inputs are those of a stage
 * of an earlier variant has the same fingerprint, so it is found cached: what the variants
 * share is computed once. Then each variant's collected models become rows of the sweep's
 * specifications table.
 */
import { own } from './dict.js';
import type { Executor } from './executor.js';
import { runPipeline, type RunEvent, type RunReport } from './run.js';
import { loadState, stateName, type PipelineState } from './state.js';
import type { Store } from './store.js';
import type { LoadedVariant } from './sweep-load.js';
import { isTableCollect, type CollectSpec } from './sweep-file.js';
import { ModelMemo, type CoefficientNumbers } from './sweep-models.js';
import { collectedOutput, collectKey, readCollectedRows, type CollectedRows } from './sweep-tables.js';

/** One row of specifications.csv (the columns of the shared contract, dimensions in `choices`). */
export interface SpecificationRow {
  readonly variant: string;
  readonly choices: Readonly<Record<string, string>>;
  readonly stage: string;
  readonly term: string;
  readonly estimate: number;
  readonly std_error: number;
  readonly statistic: number;
  readonly p_value: number;
  readonly nobs: number;
  readonly r2: number;
}

/** What happened to one variant. */
export interface VariantOutcome {
  readonly variant: LoadedVariant;
  /** Undefined when the variant was not run (an earlier one failed, without --keep-going). */
  readonly report?: RunReport;
  /** Stage → fingerprint of its task, as the variant's state records it (stages without foreach). */
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly rows: readonly SpecificationRow[];
  /** Its rows of each table collect (sweep-tables.ts). */
  readonly tables: readonly CollectedRows[];
  /** Why the variant failed (a stage's error, or a collected model that could not be read), or was not run. */
  readonly error?: string;
  /** The variant was not run: an earlier one failed (without keepGoing). */
  readonly notRun?: boolean;
}

export interface SweepRunOptions {
  readonly root: string;
  readonly store: Store;
  readonly executor: Executor;
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly dryRun: boolean;
  readonly verifyInputs?: boolean;
  readonly collect: readonly CollectSpec[];
  /** The state file remembering the collected models' numbers between runs (sweep-models.ts); none: not remembered. */
  readonly modelMemo?: { readonly name: string; readonly sweep: string };
  /** After each variant (progress). */
  onVariant?(o: VariantOutcome, index: number): void;
  onEvent?(e: RunEvent): void;
}

/** Runs (dry: checks) every variant in order; stops after a failed one unless keepGoing. */
export async function runVariants(variants: readonly LoadedVariant[], opts: SweepRunOptions): Promise<VariantOutcome[]> {
  const out: VariantOutcome[] = [];
  const targets = [...new Set(opts.collect.map((c) => c.stage))];
  const store = sweepStore(opts.store);
  const models = new ModelMemo(store, opts.modelMemo?.name, opts.modelMemo?.sweep);
  let stop = false;
  for (const [i, variant] of variants.entries()) {
    if (stop) {
      const o: VariantOutcome = { variant, fingerprints: {}, rows: [], tables: [], notRun: true, error: 'not run: an earlier variant failed (--keep-going runs the others)' };
      out.push(o);
      opts.onVariant?.(o, i);
      continue;
    }
    const report = await runPipeline({ plan: variant.plan, store, executor: opts.executor, root: opts.root }, {
      jobs: opts.jobs, keepGoing: opts.keepGoing, dryRun: opts.dryRun, targets, verifyInputs: opts.verifyInputs, writeFiles: false, onEvent: opts.onEvent,
    });
    const failed = report.stages.find((s) => s.status === 'failed');
    // The variant's state, just written by its run, read once for its fingerprints and models.
    const state = opts.dryRun ? undefined : loadState(store, stateName(opts.root, variant.plan.pipeline.file));
    let o: VariantOutcome;
    if (failed) {
      const e = failed.errors[0];
      o = { variant, report, fingerprints: state ? fingerprints(state) : {}, rows: [], tables: [], error: `stage \`${failed.id}\`${e?.item ? ` item ${e.item}` : ''}: ${e?.message ?? failed.reason}` };
    } else if (!state) {
      o = { variant, report, fingerprints: {}, rows: [], tables: [] };
    } else {
      const collected = collectRows(models, opts.collect.filter((c) => !isTableCollect(c)), variant, state);
      const tables = collectTables(store, opts.collect.filter(isTableCollect), variant, state);
      o = { variant, report, fingerprints: fingerprints(state), rows: collected.rows, tables: tables.tables, ...(collected.error || tables.error ? { error: (collected.error ?? tables.error)! } : {}) };
    }
    if (o.error && !opts.keepGoing && !opts.dryRun) stop = true;
    out.push(o);
    opts.onVariant?.(o, i);
  }
  if (!opts.dryRun) models.save();
  return out;
}

/**
 * The store as a sweep uses it, remembering what it read during the sweep:
 *   - `verifyObject`: the objects found sound; the upstream results shared by 1,000
 *     variants are checked once, not once per variant (objects are named by their content,
 *     and the sweep holds the project lock, so no gc meanwhile; one deleted is forgotten);
 *   - state files: each as last read or written (written: as its JSON reads back), so a
 *     variant's state read by its run is not read again to collect its rows, and the file
 *     hashes' memo is read once. Only this process writes them while it holds the lock.
 */
export function sweepStore(store: Store): Store {
  const sound = new Set<string>();
  const states = new Map<string, unknown>();
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const known = bound.get(prop);
      if (known !== undefined) return known;
      let v: unknown = Reflect.get(target, prop, target);
      if (prop === 'readStateFile') {
        v = (name: string): ReturnType<Store['readStateFile']> => {
          if (states.has(name)) return { ok: true, value: states.get(name) };
          const r = target.readStateFile(name);
          if (r.ok) states.set(name, r.value);
          return r;
        };
      } else if (prop === 'readState') {
        v = (name: string): unknown => {
          if (states.has(name)) return states.get(name);
          const r = target.readStateFile(name);
          if (!r.ok) return undefined;
          states.set(name, r.value);
          return r.value;
        };
      } else if (prop === 'writeState') {
        v = (name: string, data: unknown): void => {
          target.writeState(name, data);
          states.set(name, JSON.parse(JSON.stringify(data)));
        };
      } else if (prop === 'verifyObject') {
        v = (hash: string, quiet?: boolean): boolean => {
          if (sound.has(hash)) return true;
          const ok = target.verifyObject(hash, quiet);
          if (ok) sound.add(hash);
          return ok;
        };
      } else if (prop === 'deleteObject') {
        v = (hash: string): void => {
          sound.delete(hash);
          target.deleteObject(hash);
        };
      } else if (typeof v === 'function') {
        v = (v as (...a: unknown[]) => unknown).bind(target);
      } else {
        return v;
      }
      bound.set(prop, v);
      return v;
    },
  });
}

/** The fingerprint of each stage without foreach, from the variant's state (just written by its run). */
function fingerprints(state: PipelineState): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, st] of Object.entries(state.stages)) {
    const item = own(st.items, '');
    if (item) out[id] = item.fp;
  }
  return out;
}

/** The rows of the variant's collected models (read from the cache through its state). */
function collectRows(models: ModelMemo, collect: readonly CollectSpec[], v: LoadedVariant, state: PipelineState): { rows: SpecificationRow[]; error?: string } {
  const rows: SpecificationRow[] = [];
  for (const c of collect) {
    const hash = own(own(own(state.stages, c.stage)?.items, '')?.outputs, 'model');
    const read = hash ? models.read(hash) : ({ ok: false, problem: 'missing' } as const);
    if (!read.ok) return { rows, error: read.problem === 'missing' ? `the model of \`${c.stage}\` is missing from the cache; run the sweep again` : `the result of \`${c.stage}\` is not a panel model` };
    const model = read.model;
    const coefs = new Map<string, Omit<CoefficientNumbers, 'term'>>(model.coefficients.map((k) => [k.term, k]));
    if (model.constant && !coefs.has('(Intercept)')) coefs.set('(Intercept)', model.constant);
    // A listed term that is not among this variant's regressors (a dimension drops it) is not
    // collected from it; one the model dropped as collinear is a row without numbers.
    const x = v.plan.stages.get(c.stage)?.spec.params.x;
    const regressors = Array.isArray(x) ? new Set(x.filter((t): t is string => typeof t === 'string')) : undefined;
    for (const term of c.terms ?? [...coefs.keys()]) {
      if (c.terms && regressors && term !== '(Intercept)' && !regressors.has(term)) continue;
      const k = coefs.get(term);
      // A term the model dropped (collinear) is a row without numbers.
      rows.push({
        variant: v.id, choices: v.choices, stage: c.stage, term,
        estimate: num(k?.estimate), std_error: num(k?.std_error), statistic: num(k?.statistic), p_value: num(k?.p_value),
        nobs: num(model.nobs), r2: num(model.r2),
      });
    }
  }
  return { rows };
}

/** The variant's rows of each table collect. */
function collectTables(store: Store, collect: readonly CollectSpec[], v: LoadedVariant, state: PipelineState): { tables: CollectedRows[]; error?: string } {
  const tables: CollectedRows[] = [];
  for (const c of collect) {
    const output = collectedOutput(c, Object.keys(v.plan.stages.get(c.stage)?.step.def.outputs ?? {}));
    const read = readCollectedRows(store, state, c, output);
    if ('error' in read) return { tables, error: read.error };
    tables.push({ key: collectKey(c.stage, output), variant: v.id, choices: v.choices, rows: read.rows });
  }
  return { tables };
}

const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);
