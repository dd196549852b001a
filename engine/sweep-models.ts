/**
 * What a sweep takes from each collected panel model (its coefficients, N, R²), remembered
 * by the model's content hash in cache/state/<sweep memo>-models.json: a rerun of 1,000
 * cached variants reads one small file instead of decoding 1,000 model objects (each with
 * its vcov matrix). A model is named by its content, so an entry never goes stale; the
 * file keeps the models of the sweep's last run only.
 */
import { decodeValue, encodeValue } from './canonical.js';
import type { Store } from './store.js';

export interface CoefficientNumbers { term: string; estimate: number; std_error: number; statistic: number; p_value: number }

/** The numbers of a panel model that specifications.csv reports (see docs/steps/panel.md). */
export interface ModelNumbers {
  readonly coefficients: readonly CoefficientNumbers[];
  readonly constant?: Omit<CoefficientNumbers, 'term'>;
  readonly nobs: unknown;
  readonly r2: unknown;
}

/** A model object's numbers, or why there are none. */
export type ModelRead = { readonly ok: true; readonly model: ModelNumbers } | { readonly ok: false; readonly problem: 'missing' | 'not-a-model' };

export class ModelMemo {
  private readonly known: Map<string, ModelNumbers>;
  private readonly used = new Set<string>();
  private added = false;

  /**
   * `name` undefined: nothing is remembered between runs (each model is read from the store).
   * `sweep`: the sweep file (relative to the root), recorded for gc.
   */
  constructor(private readonly store: Store, private readonly name?: string, private readonly sweep = '') {
    this.known = new Map();
    const raw = name ? (store.readState(name) as { data?: unknown } | undefined)?.data : undefined;
    if (typeof raw === 'string') {
      try {
        const entries = decodeValue(raw);
        if (Array.isArray(entries)) for (const e of entries) if (Array.isArray(e) && typeof e[0] === 'string' && isNumbers(e[1])) this.known.set(e[0], e[1]);
      } catch {
        /* a damaged memo is a memo with nothing in it */
      }
    }
  }

  read(hash: string): ModelRead {
    this.used.add(hash);
    const hit = this.known.get(hash);
    if (hit) return { ok: true, model: hit };
    const bytes = this.store.getObject(hash);
    if (!bytes) return { ok: false, problem: 'missing' };
    const m = decodeValue(Buffer.from(bytes).toString('utf8')) as { kind?: unknown; coefficients?: unknown; constant?: unknown; nobs?: unknown; r2?: unknown } | null;
    if (m?.kind !== 'panel-model' || !Array.isArray(m.coefficients)) return { ok: false, problem: 'not-a-model' };
    const model: ModelNumbers = {
      coefficients: (m.coefficients as CoefficientNumbers[]).map(({ term, estimate, std_error, statistic, p_value }) => ({ term, estimate, std_error, statistic, p_value })),
      ...(m.constant ? { constant: m.constant as ModelNumbers['constant'] } : {}),
      nobs: m.nobs, r2: m.r2,
    };
    this.known.set(hash, model);
    this.added = true;
    return { ok: true, model };
  }

  /** Writes the memo when it gained or should lose entries: the models read in this run. */
  save(): void {
    if (!this.name) return;
    if (!this.added && this.used.size === this.known.size) return;
    this.store.writeState(this.name, { sweep: this.sweep, data: encodeValue([...this.used].filter((h) => this.known.has(h)).map((h) => [h, this.known.get(h)])) });
  }
}

function isNumbers(x: unknown): x is ModelNumbers {
  return typeof x === 'object' && x !== null && Array.isArray((x as ModelNumbers).coefficients);
}
