/**
 * Running a sweep: every variant, one after the other, through the normal runner on the
 * shared store, with `targets` = the collected stages (so writer stages do not run and
 * variants never write the same results/ file). A stage whose inputs are those of a stage
 * of an earlier variant has the same fingerprint, so it is found cached: what the variants
 * share is computed once. Then each variant's collected models become rows of the sweep's
 * specifications table.
 */
import { own } from './dict.js';
import type { Executor } from './executor.js';
import { runPipeline, type RunEvent, type RunReport } from './run.js';
import { loadState, stateName } from './state.js';
import type { Store } from './store.js';
import type { LoadedVariant } from './sweep-load.js';
import type { CollectSpec } from './sweep-file.js';
import { decodeValue } from './canonical.js';

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
  /** After each variant (progress). */
  onVariant?(o: VariantOutcome, index: number): void;
  onEvent?(e: RunEvent): void;
}

/** Runs (dry: checks) every variant in order; stops after a failed one unless keepGoing. */
export async function runVariants(variants: readonly LoadedVariant[], opts: SweepRunOptions): Promise<VariantOutcome[]> {
  const out: VariantOutcome[] = [];
  const targets = [...new Set(opts.collect.map((c) => c.stage))];
  let stop = false;
  for (const [i, variant] of variants.entries()) {
    if (stop) {
      const o: VariantOutcome = { variant, fingerprints: {}, rows: [], notRun: true, error: 'not run: an earlier variant failed (--keep-going runs the others)' };
      out.push(o);
      opts.onVariant?.(o, i);
      continue;
    }
    const report = await runPipeline({ plan: variant.plan, store: opts.store, executor: opts.executor, root: opts.root }, {
      jobs: opts.jobs, keepGoing: opts.keepGoing, dryRun: opts.dryRun, targets, verifyInputs: opts.verifyInputs, onEvent: opts.onEvent,
    });
    const failed = report.stages.find((s) => s.status === 'failed');
    let o: VariantOutcome;
    if (failed) {
      const e = failed.errors[0];
      o = { variant, report, fingerprints: fingerprints(opts, variant), rows: [], error: `stage \`${failed.id}\`${e?.item ? ` item ${e.item}` : ''}: ${e?.message ?? failed.reason}` };
    } else if (opts.dryRun) {
      o = { variant, report, fingerprints: {}, rows: [] };
    } else {
      const collected = collectRows(opts, variant);
      o = { variant, report, fingerprints: fingerprints(opts, variant), ...collected };
    }
    if (o.error && !opts.keepGoing && !opts.dryRun) stop = true;
    out.push(o);
    opts.onVariant?.(o, i);
  }
  return out;
}

/** The fingerprint of each stage without foreach, from the variant's state (just written by its run). */
function fingerprints(opts: Pick<SweepRunOptions, 'root' | 'store'>, v: LoadedVariant): Record<string, string> {
  const state = loadState(opts.store, stateName(opts.root, v.plan.pipeline.file));
  const out: Record<string, string> = {};
  for (const [id, st] of Object.entries(state.stages)) {
    const item = own(st.items, '');
    if (item) out[id] = item.fp;
  }
  return out;
}

/** The rows of the variant's collected models (read from the cache through its state). */
function collectRows(opts: Pick<SweepRunOptions, 'root' | 'store' | 'collect'>, v: LoadedVariant): { rows: SpecificationRow[]; error?: string } {
  const state = loadState(opts.store, stateName(opts.root, v.plan.pipeline.file));
  const rows: SpecificationRow[] = [];
  for (const c of opts.collect) {
    const hash = own(own(own(state.stages, c.stage)?.items, '')?.outputs, 'model');
    const bytes = hash ? opts.store.getObject(hash) : undefined;
    if (!bytes) return { rows, error: `the model of \`${c.stage}\` is missing from the cache; run the sweep again` };
    const model = decodeValue(Buffer.from(bytes).toString('utf8')) as PanelModelJson;
    if (model?.kind !== 'panel-model' || !Array.isArray(model.coefficients)) return { rows, error: `the result of \`${c.stage}\` is not a panel model` };
    const coefs = new Map(model.coefficients.map((k) => [k.term, k]));
    if (model.constant && !coefs.has('(Intercept)')) coefs.set('(Intercept)', { term: '(Intercept)', ...model.constant });
    for (const term of c.terms ?? [...coefs.keys()]) {
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

interface CoefficientJson { term: string; estimate: number; std_error: number; statistic: number; p_value: number }
interface PanelModelJson {
  kind: string;
  coefficients: CoefficientJson[];
  constant?: Omit<CoefficientJson, 'term'>;
  nobs: number;
  r2: number;
}

const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);
