/**
 * `wild-bootstrap`: restricted wild cluster bootstrap (WCR) p values and test-inversion
 * confidence intervals for the cluster-robust t tests of a pooled or fixed-effects panel
 * model (Cameron, Gelbach & Miller 2008; Roodman, MacKinnon, Nielsen & Webb 2019, boottest).
 * The model is fitted as panel-regression fits it; the numeric work is in
 * steps/kernels/wild-bootstrap.ts. See docs/steps/wild-bootstrap.md.
 */
import { defineStep, StepError, type StepContext } from '../engine/step.js';
import { tableFromColumns } from '../engine/table.js';
import type { Json } from '../engine/value.js';
import { olsFit } from './kernels/ols.js';
import { withinTransformer, type PanelEffect } from './kernels/panel.js';
import { drawWeights, invertTest, testFromPieces, WEIGHT_POINTS, wildPieces, wildTest, type WildDesign, type WildPieces, type WildWeights } from './kernels/wild-bootstrap.js';
import { tableInput } from './lib/table-input.js';
import { column, numericColumn } from '../engine/table.js';
import type { Table } from '../engine/value.js';
import { fitFromParams, modelJson, panelVariableSchema, readPanel, requirePanelColumns, type PanelData, type PanelRegressionParams } from './panel-regression.js';

/** Params of wild-bootstrap (snake_case as in the YAML). */
export interface WildBootstrapParams {
  y: string;
  x: string[];
  entity: string;
  time: string;
  model: 'pooled' | 'within';
  effect: PanelEffect;
  /** The clusters of the bootstrap and of the CR1 standard errors. */
  cluster: 'entity' | 'time';
  /** Coefficients to test; unset = every estimated coefficient (with `(Intercept)` for pooled). */
  terms?: string[];
  /** The hypothesised value r of H0: β = r. */
  null: number;
  /** Bootstrap replications. */
  B: number;
  weights: WildWeights;
  seed: number;
  level: number;
  ci: boolean;
  /** List every weight vector once instead of drawing (also when B ≥ m^G). */
  enumerate: boolean;
}

/** The smallest number of clusters accepted (below it even full enumeration is too coarse). */
export const MIN_CLUSTERS = 5;
/** The largest full enumeration (m^G weight vectors) accepted. */
export const MAX_ENUMERATION = 2 ** 20;

const WEIGHT_LABEL: Record<WildWeights, string> = { rademacher: 'Rademacher', webb: 'Webb' };

/** The transformed design of the fit, restricted to the estimated terms, and its CR1 factor. */
function design(panel: PanelData, p: WildBootstrapParams, terms: string[], clusterCodes: Int32Array, G: number): WildDesign {
  const n = panel.y.length;
  let cols: Float64Array[];
  let yt: Float64Array;
  if (p.model === 'pooled') {
    cols = terms.map((t) => (t === '(Intercept)' ? new Float64Array(n).fill(1) : panel.x[p.x.indexOf(t)]!));
    yt = panel.y;
  } else {
    const tr = withinTransformer(panel.index, p.effect);
    cols = terms.map((t) => tr(panel.x[p.x.indexOf(t)]!));
    yt = tr(panel.y);
  }
  const fit = olsFit(cols, yt, 0);
  // Stata / boottest CR1: K = slopes + 1 (the constant; absorbed effects nested in the clusters
  // are not counted), as panel-regression's cluster_adjustment: stata.
  const K = terms.filter((t) => t !== '(Intercept)').length + 1;
  const factor = (G / (G - 1)) * ((n - 1) / (n - K));
  return { cols, y: yt, xtxInv: fit.xtxInv, coef: fit.coef, residuals: fit.residuals, cluster: clusterCodes, G, factor };
}

/** What both the bootstrap and its chunks start from: the fit, the design, the terms and the draws' plan. */
export function wildSetup(ctx: StepContext<WildBootstrapParams>, p: WildBootstrapParams) {
    const panel = readPanel(ctx.inputs.data, p);
    if (panel.droppedRows > 0) ctx.note(`wild-bootstrap: dropped ${panel.droppedRows} row(s) with a missing ${[p.y, ...p.x, p.entity, p.time].join('/')}`);
    const byTime = p.cluster === 'time';
    const G = byTime ? panel.index.nPeriods : panel.index.nEntities;
    const what = byTime ? `periods (\`${p.time}\`)` : `entities (\`${p.entity}\`)`;
    if (G < MIN_CLUSTERS) {
      throw new StepError('too-few-clusters', `the wild cluster bootstrap needs at least ${MIN_CLUSTERS} clusters, but the data have ${G} ${what}; with G clusters there are only 2^G Rademacher draws and the smallest attainable p value is 2/2^G. Use more clusters or cluster: ${byTime ? 'entity' : 'time'}`);
    }
    const reg: PanelRegressionParams = {
      y: p.y, x: p.x, entity: p.entity, time: p.time, model: p.model, effect: p.model === 'pooled' ? 'individual' : p.effect,
      vcov: 'cluster', cluster_adjustment: 'stata', ...(byTime ? { cluster: 'time' as const } : {}), random_method: 'swar', random_unbalanced: 'plm',
    };
    const fit = fitFromParams(panel, reg);
    if (fit.droppedTerms.length > 0) ctx.note(`wild-bootstrap: dropped collinear regressor(s) ${fit.droppedTerms.join(', ')}`);
    const estimated = fit.coefficients.map((c) => c.term);
    const terms = p.terms ?? estimated;
    for (const [i, t] of terms.entries()) {
      if (estimated.includes(t)) continue;
      const why = fit.droppedTerms.includes(t) ? 'was dropped as collinear' : p.x.includes(t) ? 'is not estimated by this model' : 'is not one of the regressors';
      throw new StepError('unknown-term', `terms[${i}] \`${t}\` ${why}; the coefficients are: ${estimated.join(', ')}`);
    }
    const m = WEIGHT_POINTS[p.weights].length;
    const total = m ** G;
    const enumerate = p.enumerate || p.B >= total;
    if (enumerate && total > MAX_ENUMERATION) {
      throw new StepError('enumeration-too-large', `enumerate: true would list ${m}^${G} = ${total.toExponential(2)} weight vectors (at most 2^20 are allowed); set enumerate: false and choose B`);
    }
    const draws = { B: enumerate ? total : p.B };
    if (enumerate) ctx.note(`wild-bootstrap: full enumeration of the ${draws.B} ${WEIGHT_LABEL[p.weights]} weight vectors of ${G} clusters (exact; B and seed not used)`);
    const codes = byTime ? panel.index.time : panel.index.entity;
    const d = design(panel, p, estimated, codes, G);
  return { panel, reg, fit, estimated, terms, G, byTime, enumerate, draws, d };
}

/** Columns of wild-bootstrap-chunk's `pieces` (per term and replication; steps/kernels/wild-bootstrap.ts WildPieces). */
export const PIECE_COLUMNS = ['term', 'replication', 'num0', 'num1', 's00', 's01', 's11', 'estimate', 'se', 'factor', 'weights', 'seed'] as const;

/**
 * The pieces of every tested term from the chunks' tables: each replication 0…B−1 exactly
 * once, from a fit equal to this one (β̂ and its standard error to 1e-10 relative: chunks of
 * another model, another sample or other params are refused, not mixed in).
 */
function piecesFromChunks(t: Table, terms: readonly string[], B: number, d: WildDesign, estimated: readonly string[], p: WildBootstrapParams, enumerate: boolean): Map<string, WildPieces> {
  const where = 'input `chunks` (the `pieces` of wild-bootstrap-chunk)';
  // Draws of other weights or another seed are valid draws too, but not this run's.
  const weights = new Set(column(t, 'weights', where));
  const seeds = new Set(column(t, 'seed', where));
  if (weights.size !== 1 || !weights.has(p.weights)) throw new StepError('bad-chunks', `input \`chunks\` was drawn with weights ${[...weights].join(', ')}, this step has weights: ${p.weights}; give the chunk stages the same params`);
  if (!enumerate && (seeds.size !== 1 || !seeds.has(p.seed))) throw new StepError('bad-chunks', `input \`chunks\` was drawn with seed ${[...seeds].join(', ')}, this step has seed: ${p.seed}; give the chunk stages the same params`);
  const term = column(t, 'term', where);
  const rep = numericColumn(t, 'replication', where);
  const cols = Object.fromEntries((['num0', 'num1', 's00', 's01', 's11', 'estimate', 'se', 'factor'] as const).map((c) => [c, numericColumn(t, c, where)]));
  const out = new Map<string, WildPieces>();
  for (const name of terms) {
    const rows = term.flatMap((x, i) => (x === name ? [i] : []));
    const seen = new Uint8Array(B);
    for (const i of rows) {
      const r = rep[i]!;
      if (!Number.isInteger(r) || r < 0 || r >= B) throw new StepError('bad-chunks', `input \`chunks\` has replication ${r} of \`${name}\`, outside 0…${B - 1}: the chunks were made with another B`);
      if (seen[r]) throw new StepError('bad-chunks', `input \`chunks\` has replication ${r} of \`${name}\` twice: two chunks overlap (give every chunk stage the same \`chunks\` and a different \`chunk\`)`);
      seen[r] = 1;
    }
    const missing = seen.indexOf(0);
    if (missing >= 0) throw new StepError('bad-chunks', `input \`chunks\` lacks replication ${missing} of \`${name}\` (${B - rows.length} of ${B} missing): every chunk 0…chunks−1 must be gathered`);
    const j = estimated.indexOf(name);
    const first = rows[0]!;
    const same = (a: number, b: number) => Math.abs(a - b) <= 1e-10 * Math.max(1, Math.abs(b));
    if (!same(cols.estimate![first]!, d.coef[j]!)) throw new StepError('bad-chunks', `input \`chunks\` comes from another model: its estimate of \`${name}\` is ${cols.estimate![first]}, this fit's ${d.coef[j]}; give the chunk stages the same data and params`);
    const order = [...rows].sort((a, b) => rep[a]! - rep[b]!);
    const pick = (c: string) => Float64Array.from(order, (i) => cols[c]![i]!);
    out.set(name, { estimate: d.coef[j]!, se: cols.se![first]!, factor: cols.factor![first]!, num0: pick('num0'), num1: pick('num1'), s00: pick('s00'), s01: pick('s01'), s11: pick('s11') });
  }
  return out;
}

/** The rows of `pieces` for one chunk (replications `first`…): see {@link PIECE_COLUMNS}. */
export function piecesRows(terms: readonly string[], estimated: readonly string[], d: WildDesign, draws: ReturnType<typeof drawWeights>, first: number, p: WildBootstrapParams): Table {
  const cols: Record<string, (string | number)[]> = Object.fromEntries(PIECE_COLUMNS.map((c) => [c, []]));
  for (const name of terms) {
    const pc = wildPieces(d, estimated.indexOf(name), draws);
    for (let b = 0; b < pc.num0.length; b++) {
      cols.term!.push(name); cols.replication!.push(first + b);
      cols.num0!.push(pc.num0[b]!); cols.num1!.push(pc.num1[b]!); cols.s00!.push(pc.s00[b]!); cols.s01!.push(pc.s01[b]!); cols.s11!.push(pc.s11[b]!);
      cols.estimate!.push(pc.estimate); cols.se!.push(pc.se); cols.factor!.push(pc.factor); cols.weights!.push(p.weights); cols.seed!.push(p.seed);
    }
  }
  return tableFromColumns(cols);
}

/** The wild-bootstrap step. */
export const wildBootstrap = defineStep<WildBootstrapParams>({
  name: 'wild-bootstrap',
  version: '1.0.0',
  description: 'Wild cluster bootstrap (restricted, WCR; Rademacher or Webb weights) p values and test-inversion confidence intervals for the cluster-robust (CR1) t tests of a pooled or fixed-effects panel model, as Stata boottest.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['y', 'x', 'entity', 'time'],
    properties: {
      ...panelVariableSchema,
      model: { enum: ['pooled', 'within'], default: 'within', description: 'Estimator, as panel-regression: pooled OLS or within (fixed effects).' },
      effect: { enum: ['individual', 'time', 'twoways'], default: 'individual', description: 'Effects swept out by model: within (ignored for pooled).' },
      cluster: { enum: ['entity', 'time'], default: 'entity', description: 'Clusters of the bootstrap weights and of the CR1 standard errors.' },
      terms: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true, description: 'Coefficients to test (names from x, or (Intercept) for pooled); unset = all.' },
      null: { type: 'number', default: 0, description: 'Hypothesised value r of H0: coefficient = r (imposed on the bootstrap DGP).' },
      B: { type: 'integer', minimum: 1, default: 9999, description: 'Bootstrap replications. With Rademacher weights and B ≥ 2^G (Webb: 6^G) every weight vector is used once instead (full enumeration, as boottest).' },
      weights: { enum: ['rademacher', 'webb'], default: 'rademacher', description: 'Auxiliary weights per cluster: rademacher (±1) or webb (six points ±√0.5, ±1, ±√1.5; better with few clusters).' },
      seed: { type: 'integer', minimum: 0, maximum: 4294967295, default: 1, description: 'Seed of the mulberry32 stream of the weights: replication b, cluster g uses draw b·G + g, so a seed gives the same draws on every machine.' },
      level: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.95, description: 'Confidence level of the interval (found where the bootstrap p value crosses 1 − level).' },
      ci: { type: 'boolean', default: true, description: 'Compute the confidence interval by test inversion (false: conf_low/conf_high are empty).' },
      enumerate: { type: 'boolean', default: false, description: 'Use every one of the 2^G (Rademacher) or 6^G (Webb) weight vectors once instead of B draws; exact, for few clusters (at most 2^20 vectors).' },
    },
  },
  inputs: {
    data: { description: 'Long panel table: one row per entity and period.' },
    chunks: { description: 'The `pieces` of wild-bootstrap-chunk stages with the same params (a foreach over `chunk`, gathered): the replications are taken from them instead of computed here. Every replication 0…B−1 must be there once.', optional: true },
  },
  outputs: {
    tests: 'One row per tested term: term, estimate, t (CR1 cluster-robust, of H0: term = null), p_value (bootstrap), conf_low, conf_high, B, weights, clusters.',
    model: 'The panel model (JSON, as panel-regression) with the bootstrap p values in its coefficients and vcov "wild cluster bootstrap (WCR, …, B = …)".',
  },
  columns(ctx) {
    requirePanelColumns(ctx);
    return { tests: ['term', 'estimate', 't', 'p_value', 'conf_low', 'conf_high', 'B', 'weights', 'clusters'] };
  },
  run(ctx) {
    const p = ctx.params;
    const { panel, reg, fit, estimated, terms, G, byTime, enumerate, draws, d } = wildSetup(ctx, p);
    // The replications computed by wild-bootstrap-chunk stages (a foreach over chunks), or all here.
    const pieces = ctx.inputs.chunks === undefined ? undefined : piecesFromChunks(tableInput(ctx, 'chunks', 'wild-bootstrap'), terms, draws.B, d, estimated, p, enumerate);
    const full = pieces ? undefined : drawWeights(G, draws.B, p.weights, p.seed, enumerate);
    const rows = terms.map((term) => {
      const j = estimated.indexOf(term);
      const test = pieces ? testFromPieces(pieces.get(term)!) : wildTest(d, j, full!);
      const ci = p.ci ? invertTest(test, p.level) : { low: null, high: null };
      if (p.ci && (ci.low === null || ci.high === null)) {
        ctx.note(`wild-bootstrap: the ${p.level * 100}% interval of ${term} is unbounded ${ci.low === null && ci.high === null ? 'on both sides' : ci.low === null ? 'below' : 'above'}: the bootstrap p value never falls below ${+(1 - p.level).toPrecision(6)} (with ${draws.B} draws of ${G} clusters); its bound is left empty`);
      }
      return { term, estimate: test.estimate, t: test.t(p.null), p_value: test.p(p.null), conf_low: ci.low, conf_high: ci.high };
    });
    const label = `wild cluster bootstrap (WCR, ${WEIGHT_LABEL[p.weights]}, ${enumerate ? `full enumeration, B = ${draws.B}` : `B = ${draws.B}`})`;
    const tests = tableFromColumns({
      term: rows.map((r) => r.term),
      estimate: rows.map((r) => r.estimate),
      t: rows.map((r) => r.t),
      p_value: rows.map((r) => r.p_value),
      conf_low: rows.map((r) => r.conf_low),
      conf_high: rows.map((r) => r.conf_high),
      B: rows.map(() => draws.B),
      weights: rows.map(() => p.weights),
      clusters: rows.map(() => G),
    });
    const model = modelJson(fit, reg, panel.droppedRows);
    const byTerm = new Map(rows.map((r) => [r.term, r]));
    model.coefficients = (model.coefficients as { [k: string]: Json }[]).map((c) => {
      const r = byTerm.get(c.term as string);
      return r ? { ...c, p_value: r.p_value, conf_low: r.conf_low, conf_high: r.conf_high } : c;
    });
    // The within model's constant (Stata's xtreg, fe) is not part of the transformed regression
    // the bootstrap draws from, so it has no bootstrap p value: left out rather than mixed in.
    delete model.constant;
    model.vcov = label;
    const untested = estimated.filter((t) => !byTerm.has(t));
    model.note = `p values from a ${label}, clustered by ${byTime ? 'period' : 'entity'} (${G} clusters), H0: coefficient = ${p.null}; standard errors CR1 (Stata's small-sample factor)${untested.length ? `; ${untested.join(', ')} not bootstrapped (CR1 t p values)` : ''}`;
    model.bootstrap = {
      method: 'WCR', weights: p.weights, B: draws.B, enumerated: enumerate, seed: enumerate ? null : p.seed,
      cluster: p.cluster, clusters: G, null: p.null, level: p.level, terms: rows.map((r) => r.term),
    };
    return { tests, model };
  },
});
