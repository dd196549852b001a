/**
 * Labels made from what a value says about itself, so that a title or heading can never
 * disagree with the numbers under it: the estimator of a fitted model (the `model`, `effect`
 * and `vcov` fields of panel-regression's `model` output, docs/steps/panel.md) and the span
 * of a time column ("2011–2023").
 */
import type { Cell, Json } from '../../engine/value.js';

type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: Json | undefined): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What a label needs to know about a fitted model; every field is optional (a plugin's model may lack them). */
export interface ModelFacts {
  /** Dependent variable. */
  y?: string;
  /** Estimator: pooled, within, random, between, or a plugin's own name. */
  model?: string;
  /** individual, time or twoways. */
  effect?: string;
  /** classical, cluster-hc0 or cluster-stata. */
  vcov?: string;
  /** t or normal: the reference distribution of the statistics. */
  distribution?: string;
}

/** The label-making fields of a model value (anything else yields an empty record). */
export function modelFacts(model: unknown): ModelFacts {
  if (!isObj(model)) return {};
  const out: ModelFacts = {};
  for (const k of ['y', 'model', 'effect', 'vcov', 'distribution'] as const) {
    const v = str(model[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const EFFECT: Record<string, string> = { individual: 'individual', time: 'time', twoways: 'two-way' };

/**
 * The estimator as a noun phrase: "pooled OLS", "individual fixed effects", "two-way fixed
 * effects", "individual random effects", "between (group means)"; a model kind this file
 * does not know is given as it is, and a model with no `model` field as undefined.
 */
export function estimatorName(f: ModelFacts): string | undefined {
  const effect = f.effect !== undefined ? EFFECT[f.effect] ?? f.effect : 'individual';
  switch (f.model) {
    case undefined: return undefined;
    case 'pooled': return 'pooled OLS';
    case 'within': return `${effect} fixed effects`;
    case 'random': return `${effect} random effects`;
    case 'between': return f.effect === 'time' ? 'between (period means)' : 'between (group means)';
    default: return f.model;
  }
}

/**
 * The estimator as a modifier of "regression"/"coefficients": "pooled OLS", "individual
 * fixed-effects", "individual random-effects", "between".
 */
export function estimatorAdjective(f: ModelFacts): string | undefined {
  if (f.model === 'within' || f.model === 'random') return estimatorName(f)!.replace(/ effects$/, '-effects');
  if (f.model === 'between') return 'between';
  return estimatorName(f);
}

/** A short column tag: OLS, FE, time FE, two-way FE, RE, time RE, BE; undefined for an unknown model. */
export function estimatorTag(f: ModelFacts): string | undefined {
  const prefix = f.effect === 'time' ? 'time ' : f.effect === 'twoways' ? 'two-way ' : '';
  switch (f.model) {
    case 'pooled': return 'OLS';
    case 'within': return `${prefix}FE`;
    case 'random': return `${prefix}RE`;
    case 'between': return `${prefix}BE`;
    default: return f.model;
  }
}

/** How the standard errors were computed, or undefined for classical ones (the unremarked default). */
export function vcovPhrase(f: ModelFacts): string | undefined {
  const v = f.vcov;
  if (v === undefined || v === 'classical') return undefined;
  const unit = (by: string | undefined) => (by === 'time' ? 'period' : by === 'twoway' ? 'entity and period (two-way)' : 'entity');
  const cluster = /^cluster-(?:(time|twoway)-)?(hc0|stata)$/.exec(v);
  if (cluster) return `standard errors clustered by ${unit(cluster[1])} (${cluster[2] === 'hc0' ? 'HC0' : "Stata's small-sample factor"})`;
  const hc = /^hc-(white1|white2|arellano)-(HC\d)(-time)?$/.exec(v);
  if (hc) {
    const within = hc[3] ? 'period' : 'entity';
    if (hc[1] === 'white1') return `heteroskedasticity-robust standard errors (White, ${hc[2]})`;
    if (hc[1] === 'white2') return `heteroskedasticity-robust standard errors with a common variance within each ${within} (white2, ${hc[2]})`;
    return `standard errors robust to heteroskedasticity and correlation within each ${within} (Arellano, ${hc[2]})`;
  }
  const dk = /^driscoll-kraay-(HC\d)-lag(\d+)$/.exec(v);
  if (dk) return `Driscoll–Kraay standard errors (lag ${dk[2]}, ${dk[1]})`;
  const bk = /^beck-katz-(HC\d)(-time)?$/.exec(v);
  if (bk) return `Beck–Katz panel-corrected standard errors (${bk[1]}${bk[2] ? ', by period' : ''})`;
  if (v === 'cr2') return 'CR2 standard errors clustered by entity, with Satterthwaite degrees of freedom';
  if (v === 'windmeijer') return 'two-step standard errors with the Windmeijer correction';
  if (v === 'robust') return 'robust standard errors';
  if (v === 'information-matrix') return 'standard errors from the information matrix (quasi-maximum likelihood)';
  // steps/wild-bootstrap.ts: the standard errors are CR1; only the p values are bootstrapped.
  if (v.startsWith('wild cluster bootstrap')) return `cluster-robust standard errors (CR1, Stata's small-sample factor) and p values from a ${v}`;
  return `${v} standard errors`;
}

/** Upper-cases the first letter. */
export const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * The span of a time column: whole-number periods as runs ("2011–2023", "2011–2014,
 * 2016–2023", "2015"), other periods first–last in sorted order; undefined when there are none.
 */
export function periodSpan(values: readonly Cell[]): string | undefined {
  const present = values.filter((v): v is string | number | boolean => v !== null && v !== '');
  if (present.length === 0) return undefined;
  if (present.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    const years = [...new Set(present as number[])].sort((a, b) => a - b);
    const runs: string[] = [];
    let start = years[0]!;
    for (let i = 1; i <= years.length; i++) {
      if (i < years.length && years[i] === years[i - 1]! + 1) continue;
      const end = years[i - 1]!;
      runs.push(start === end ? String(start) : `${start}–${end}`);
      start = years[i]!;
    }
    return runs.join(', ');
  }
  const sorted = [...new Set(present.map(String))].sort();
  return sorted.length === 1 ? sorted[0] : `${sorted[0]}–${sorted[sorted.length - 1]}`;
}

/** Estimator words a hand-written label may contain, by the `model` they name. */
const MENTIONS: [string, RegExp][] = [
  ['within', /\bfixed[- ]effects?\b/i],
  ['within', /\bFE\b/],
  ['random', /\brandom[- ]effects?\b/i],
  ['random', /\bRE\b/],
  ['pooled', /\bpooled\b/i],
  ['pooled', /\bOLS\b/],
];

/**
 * The estimator words of a hand-written label (as written) that fit none of `models`, e.g.
 * "fixed-effects" in a title over a random-effects model; empty when the label names no
 * estimator or one of the models' own.
 */
export function staleEstimators(label: string, models: readonly ModelFacts[]): string[] {
  const found = MENTIONS.map(([kind, re]) => [kind, re.exec(label)?.[0]] as const).filter((m): m is readonly [string, string] => m[1] !== undefined);
  if (found.length === 0 || found.some(([kind]) => models.some((m) => m.model === kind))) return [];
  return found.map(([, text]) => text);
}
