/**
 * `${params.a.b}` and `${item.dim}` references, and `A..B` year ranges.
 *
 * A string that is exactly one reference is replaced by the referenced value itself, keeping
 * its type (a list stays a list, a number a number); a reference inside longer text is
 * substituted as text. `${params…}` is resolved at validation time; `${item.dim}` stays in
 * the validated pipeline and the planner resolves it per item with {@link interpolateItem}.
 */

import { findCycles, type DependencyEdge } from './cycles.js';
import { dict } from './dict.js';

/** A path into a YAML value, e.g. `['years', 0]`. */
export type ValuePath = (string | number)[];

/** A reference found in a string value. */
export interface FoundRef {
  /** Where the string holding the reference sits, relative to the walked value. */
  readonly path: ValuePath;
  /** Text between `${` and `}`, trimmed, e.g. `params.years` or `item.year`. */
  readonly ref: string;
}

/** A reference that could not be resolved. */
export interface RefProblem extends FoundRef {
  readonly code: 'unknown-reference' | 'wrong-type' | 'too-large';
  readonly message: string;
  /** Names available at the point of failure (for "did you mean"). */
  readonly candidates: readonly string[];
  /** The segment that failed (for "did you mean"). */
  readonly missing?: string;
}

/**
 * At most this many characters (and list/map entries) may be produced by expanding
 * `${params…}` references in one pipeline: params that each repeat the one before ten times
 * grow tenfold per line, so a 2 kB file could otherwise ask for terabytes.
 */
export const MAX_EXPANSION = 16 * 1024 * 1024;

/**
 * The expansion budget travels with the params object it expands (one per pipeline,
 * created by {@link resolveParams}), so every stage that uses those params draws on it.
 */
const budgets = new WeakMap<object, { left: number }>();

/** Characters and entries in `v`, counting no further than `cap`. */
function sizeOf(v: unknown, cap: number): number {
  let n = 0;
  const walk = (x: unknown): void => {
    if (n > cap) return;
    if (typeof x === 'string') n += x.length;
    else if (Array.isArray(x)) { n += 1; for (const e of x) walk(e); }
    else if (isPlainObject(x)) { for (const [k, e] of Object.entries(x)) { n += k.length + 1; walk(e); } }
    else n += 1;
  };
  walk(v);
  return n;
}

const REF = /\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([^}]*)\}$/;

/** Every `${…}` reference in `value` (strings inside lists and maps included). */
export function findRefs(value: unknown, path: ValuePath = []): FoundRef[] {
  const out: FoundRef[] = [];
  walkStrings(value, path, (s, p) => {
    for (const m of s.matchAll(REF)) out.push({ path: p, ref: m[1]!.trim() });
  });
  return out;
}

function walkStrings(value: unknown, path: ValuePath, f: (s: string, p: ValuePath) => void): void {
  if (typeof value === 'string') f(value, path);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...path, i], f));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) walkStrings(v, [...path, k], f);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeWord(v: unknown): string {
  return Array.isArray(v) ? 'a list' : isPlainObject(v) ? 'a map' : v === null ? 'empty' : `a ${typeof v}`;
}

/** Rewrites every string in `value` with `f`, which may return a non-string for whole refs. */
function mapStrings(value: unknown, path: ValuePath, f: (s: string, p: ValuePath) => unknown): unknown {
  if (typeof value === 'string') return f(value, path);
  if (Array.isArray(value)) return value.map((v, i) => mapStrings(v, [...path, i], f));
  if (isPlainObject(value)) {
    const out = dict<unknown>();
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, [...path, k], f);
    return out;
  }
  return value;
}

/** Looks up `a.b.0` in `root`; on failure says which segment and what was available. */
function lookup(root: unknown, segments: readonly string[]): { ok: true; value: unknown } | { ok: false; missing: string; candidates: string[] } {
  let cur: unknown = root;
  for (const seg of segments) {
    if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isPlainObject(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return { ok: false, missing: seg, candidates: isPlainObject(cur) ? Object.keys(cur) : [] };
  }
  return { ok: true, value: cur };
}

/**
 * Replaces `${params.…}` references in `value` by values from `params`. `${item.…}` is left
 * as written; any other root (e.g. `${parms.x}`) is a problem. Problems are collected, and
 * the offending string is left unchanged.
 */
export function resolveParamRefs(value: unknown, params: Record<string, unknown>, path: ValuePath = []): { value: unknown; problems: RefProblem[] } {
  const problems: RefProblem[] = [];
  const budget = budgets.get(params) ?? { left: MAX_EXPANSION };
  /** Takes `v`'s size from the budget, or reports that the expansion is too large. */
  const afford = (ref: string, v: unknown, p: ValuePath): boolean => {
    const cost = sizeOf(v, budget.left);
    if (cost <= budget.left) {
      budget.left -= cost;
      return true;
    }
    if (problems.some((q) => q.code === 'too-large')) return false; // reported once per value
    problems.push({ path: p, ref, code: 'too-large', message: `expanding \`\${${ref}}\` here makes the pipeline's params larger than the limit of ${MAX_EXPANSION.toLocaleString('en-US')} characters once references are substituted (params that repeat other params grow with every step)`, candidates: [] });
    return false;
  };
  const resolveOne = (ref: string, p: ValuePath): { ok: boolean; value?: unknown } => {
    const [root, ...rest] = ref.split('.');
    if (root === 'item') return { ok: false };
    if (root !== 'params' || rest.length === 0) {
      problems.push({ path: p, ref, code: 'unknown-reference', message: `\`\${${ref}}\` is not a reference to \`params.NAME\` or \`item.DIMENSION\``, candidates: ['params', 'item'], missing: root ?? '' });
      return { ok: false };
    }
    const found = lookup(params, rest);
    if (!found.ok) {
      problems.push({ path: p, ref, code: 'unknown-reference', message: `\`\${${ref}}\` refers to \`${found.missing}\`, which is not defined in \`params\``, candidates: found.candidates, missing: found.missing });
      return { ok: false };
    }
    return { ok: true, value: found.value };
  };
  const out = mapStrings(value, path, (s, p) => {
    const whole = WHOLE.exec(s);
    if (whole) {
      const r = resolveOne(whole[1]!.trim(), p);
      return r.ok && afford(whole[1]!.trim(), r.value, p) ? structuredClone(r.value) : s;
    }
    let overBudget = false;
    const out = s.replace(REF, (text, inner: string) => {
      const r = resolveOne(inner.trim(), p);
      if (!r.ok || overBudget) return text;
      if (typeof r.value === 'object' && r.value !== null) {
        problems.push({ path: p, ref: inner.trim(), code: 'wrong-type', message: `\`\${${inner.trim()}}\` is ${typeWord(r.value)} and cannot be substituted into the text \`${s}\``, candidates: [] });
        return text;
      }
      if (afford(inner.trim(), String(r.value), p)) return String(r.value);
      overBudget = true;
      return text;
    });
    return overBudget ? s : out;
  });
  return { value: out, problems };
}

/** Entries of `params:` resolved together, in dependency order. */
export interface ResolvedParams {
  /** Every param; those on or behind a cycle are left as written. */
  readonly value: Record<string, unknown>;
  readonly problems: RefProblem[];
  /** Each loop of params that refer to each other (or one to itself), as edges in walk order. */
  readonly cycles: DependencyEdge<ValuePath>[][];
  /** Params whose value cannot be known: those on a cycle, those too large to expand, and those that use one of them. */
  readonly unresolved: string[];
}

/**
 * Resolves references between the entries of `params:` (`b: "${params.a}/x"`). Each param is
 * resolved once, after every param it uses (Kahn's order), so chains of any length resolve
 * and nothing is substituted twice. A param that refers to itself, or params that refer to
 * each other in a loop, have no such order: they are returned as cycles and left as written,
 * as is every param that uses one of them (its value cannot be known).
 */
export function resolveParams(raw: Readonly<Record<string, unknown>>, path: ValuePath = ['params']): ResolvedParams {
  const names = Object.keys(raw);
  const edges: DependencyEdge<ValuePath>[] = [];
  const needs = new Map<string, Set<string>>(names.map((n) => [n, new Set<string>()]));
  const usedBy = new Map<string, string[]>();
  for (const name of names) {
    for (const r of findRefs(raw[name], [...path, name])) {
      const [root, target] = r.ref.split('.');
      if (root !== 'params' || target === undefined || !Object.hasOwn(raw, target)) continue;
      edges.push({ from: name, to: target, where: r.path });
      const needed = needs.get(name)!;
      if (needed.has(target)) continue;
      needed.add(target);
      const users = usedBy.get(target);
      if (users) users.push(name);
      else usedBy.set(target, [name]);
    }
  }
  const value: Record<string, unknown> = { ...raw };
  budgets.set(value, { left: MAX_EXPANSION });
  const problems: RefProblem[] = [];
  const waiting = new Map(names.map((n) => [n, needs.get(n)!.size]));
  const ready = names.filter((n) => waiting.get(n) === 0);
  // A param too large to expand, and every param that uses it, is left unknown (reported once).
  const tooLarge = new Set<string>();
  for (let i = 0; i < ready.length; i++) {
    const name = ready[i]!;
    if ([...needs.get(name)!].some((n) => tooLarge.has(n))) tooLarge.add(name);
    else {
      const r = resolveParamRefs(raw[name], value, [...path, name]);
      if (r.problems.some((p) => p.code === 'too-large')) tooLarge.add(name);
      else value[name] = r.value;
      problems.push(...r.problems);
    }
    for (const user of usedBy.get(name) ?? []) {
      const left = waiting.get(user)! - 1;
      waiting.set(user, left);
      if (left === 0) ready.push(user);
    }
  }
  if (ready.length === names.length) return { value, problems, cycles: [], unresolved: [...tooLarge] };
  const done = new Set(ready.filter((n) => !tooLarge.has(n)));
  return { value, problems, cycles: findCycles(names, edges), unresolved: names.filter((n) => !done.has(n)) };
}

/** `item.year` → `year`; undefined for references that are not to an item dimension. */
export function itemDimension(ref: string): string | undefined {
  const m = /^item\.([^.]+)$/.exec(ref);
  return m ? m[1] : undefined;
}

/**
 * Replaces `${item.dim}` references by the item's values: a string that is exactly one
 * reference becomes the value itself (a year stays a number). Validation has checked every
 * dimension exists, so an unknown one here is a bug and throws.
 */
export function interpolateItem<T>(value: T, item: Readonly<Record<string, string | number>>): T {
  const get = (ref: string): string | number => {
    const dim = itemDimension(ref);
    if (dim === undefined || !Object.hasOwn(item, dim)) throw new Error(`interpolateItem: unresolvable reference \${${ref}} for item ${JSON.stringify(item)}`);
    return item[dim]!;
  };
  return mapStrings(value, [], (s) => {
    if (!s.includes('${')) return s;
    const whole = WHOLE.exec(s);
    if (whole) return get(whole[1]!.trim());
    return s.replace(REF, (_t, inner: string) => String(get(inner.trim())));
  }) as T;
}

/** Result of reading a string as an `A..B` range. */
export type RangeParse =
  | { readonly kind: 'not-range' }
  | { readonly kind: 'range'; readonly values: number[] }
  | { readonly kind: 'bad'; readonly message: string };

/** Ranges longer than this are almost certainly typos (`2011..20111`). */
const MAX_RANGE = 100_000;

/**
 * Reads `"2011..2023"` as the integer list 2011, 2012, …, 2023 (both ends included). A
 * string that looks like an attempted range (digits next to `..`, no `/`) but is not a valid
 * ascending integer range is `bad`, so `2011..20l3` is reported instead of kept as text.
 */
export function parseRange(s: string): RangeParse {
  if (s.includes('/') || !s.includes('..')) return { kind: 'not-range' };
  const looksLikeRange = /^\s*-?\d+\s*\.\.(?!\.)/.test(s) || /\.\.\s*-?\d+\s*$/.test(s);
  if (!looksLikeRange) return { kind: 'not-range' };
  const m = /^\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*$/.exec(s);
  if (!m) return { kind: 'bad', message: `\`${s}\` is not a valid range; write two whole numbers as \`FIRST..LAST\`, e.g. \`2011..2023\`` };
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return { kind: 'bad', message: `range \`${s}\` has an end too large to count exactly; ends must be between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}` };
  if (a > b) return { kind: 'bad', message: `range \`${s}\` is empty because ${a} > ${b}; write the smaller number first` };
  // Counted before anything is allocated, so `1..1000000000000` costs nothing.
  if (b - a + 1 > MAX_RANGE) return { kind: 'bad', message: `range \`${s}\` has ${b - a + 1} values, more than the limit of ${MAX_RANGE}` };
  return { kind: 'range', values: Array.from({ length: b - a + 1 }, (_, i) => a + i) };
}

/**
 * Substitutes the `${item.dim}` references whose dimension has a value in `sample` (used by
 * validation to type-check params with the first item's values). Paths of strings that keep
 * a reference, because its dimension's values are only known at run time, are returned.
 */
export function substituteSample(value: unknown, sample: Readonly<Record<string, string | number>>): { value: unknown; unresolved: ValuePath[]; substituted: ValuePath[] } {
  const unresolved: ValuePath[] = [];
  const substituted: ValuePath[] = [];
  const out = mapStrings(value, [], (s, p) => {
    if (!s.includes('${')) return s;
    const dims = [...s.matchAll(REF)].map((m) => itemDimension(m[1]!.trim()));
    if (dims.some((d) => d === undefined || !Object.hasOwn(sample, d))) {
      unresolved.push(p);
      return s;
    }
    substituted.push(p);
    return interpolateItem(s, sample);
  });
  return { value: out, unresolved, substituted };
}
