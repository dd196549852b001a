/**
 * Sweep files: a pipeline varied along named dimensions, each choice an overlay merged over
 * the pipeline like `extends` (engine/extends.ts). This module checks the sweep file's own
 * shape (keys, dimensions, choices, exclude/include, collect) and returns it as data; the
 * checks that need the base pipeline are in engine/sweep-load.ts.
 *
 *   sweep: ../paper.yaml
 *   dimensions:
 *     years: { 2011..2023: {}, 2013..2023: { params: { years: 2013..2023 } } }
 *   exclude: [{ years: 2013..2023 }]
 *   include: []
 *   collect: [{ stage: within, terms: [gdp] }, { stage: comparison, output: summary, columns: [spearman] }]
 */
import path from 'node:path';
import { isMap, isScalar } from 'yaml';
import type { SourceRange } from './diagnostic.js';
import { toPlain, type NodePath, type ParsedFile } from './parse.js';
import { Reporter } from './validate-report.js';
import { didYouMean, nameList } from './suggest.js';
import { outsideRoot } from './confine.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The top-level keys of a sweep file. */
export const SWEEP_KEYS = ['sweep', 'dimensions', 'exclude', 'include', 'collect'] as const;
/** The keys of one choice's overlay. */
export const OVERLAY_KEYS = ['params', 'stages'] as const;
/** Keys of one `collect:` entry. */
export const COLLECT_KEYS = ['stage', 'terms', 'output', 'columns'] as const;
/**
 * Column names of specifications.csv besides the dimensions: a dimension may not take one
 * (its column would be ambiguous).
 */
export const SPEC_COLUMNS = ['variant', 'stage', 'term', 'estimate', 'std_error', 'statistic', 'p_value', 'nobs', 'r2'] as const;

/** One choice of a dimension: its overlay (params and stages merged over the base). */
export interface SweepChoice {
  readonly name: string;
  readonly params?: Obj;
  readonly stages?: Obj;
}

export interface SweepDimension {
  readonly name: string;
  readonly choices: readonly SweepChoice[];
}

/** A combination named in `exclude:` (partial) or `include:` (full): dimension → choice. */
export interface ChoiceMap {
  readonly choices: Readonly<Record<string, string>>;
  /** Where it is written, for diagnostics. */
  readonly at: SourceRange;
}

/**
 * One `collect:` entry. Without `output` and `columns` it takes a panel model's coefficients
 * (rows of specifications.csv); with either, it takes an output as a table (a table's rows,
 * or an object's scalar fields as one row) into results/<sweep>/<stage>.<output>.csv.
 */
export interface CollectSpec {
  readonly stage: string;
  /** The coefficient names to gather; undefined = every term of the model. */
  readonly terms?: readonly string[];
  /** A table collect: the output to take (undefined: the step's first output). */
  readonly output?: string;
  /** A table collect: the columns (or fields) to keep; undefined = all. */
  readonly columns?: readonly string[];
  /** Path of the entry in the sweep file. */
  readonly path: NodePath;
}

export interface SweepSpec {
  /** Absolute path of the sweep file. */
  readonly file: string;
  readonly displayFile: string;
  /** The sweep's name: the file's base name without extension (results/<name>/). */
  readonly name: string;
  /** Absolute path of the pipeline it varies. */
  readonly base: string;
  readonly dimensions: readonly SweepDimension[];
  readonly exclude: readonly ChoiceMap[];
  readonly include: readonly ChoiceMap[];
  readonly collect: readonly CollectSpec[];
}

/** Whether a collect entry takes an output as a table rather than a panel model's coefficients. */
export function isTableCollect(c: CollectSpec): boolean {
  return c.output !== undefined || c.columns !== undefined;
}

/** Whether a parsed YAML file is a sweep file (it has a top-level `sweep:` key). */
export function isSweepData(plain: unknown): boolean {
  return isObj(plain) && Object.hasOwn(plain, 'sweep');
}

/** The sweep file's name for results/: its base name without the extension. */
export function sweepName(file: string): string {
  return path.basename(file).replace(/\.ya?ml$/, '');
}

/**
 * Checks a parsed sweep file's shape; every problem goes to `report`. Returns what could be
 * read (parts with errors left out) so that the checks against the base can still run and
 * report in the same pass; undefined when the base pipeline is not named. The sweep is
 * valid only when `report` has no errors.
 */
export function checkSweepFile(parsed: ParsedFile, root: string, report: Reporter): SweepSpec | undefined {
  const data = toPlain(parsed);
  const at = (p: NodePath) => parsed.locateNearest(p);
  if (!isObj(data)) {
    report.error('wrong-type', 'a sweep file must be a map with `sweep:`, `dimensions:` and `collect:`', at([]));
    return undefined;
  }
  for (const k of Object.keys(data)) {
    if ((SWEEP_KEYS as readonly string[]).includes(k)) continue;
    report.error('unknown-key', `unknown key \`${k}\` in a sweep file`, parsed.locateKey([k]) ?? at([k]), { hint: didYouMean(k, SWEEP_KEYS) ?? `a sweep file has ${nameList([...SWEEP_KEYS])}` });
  }
  let base: string | undefined;
  if (typeof data.sweep !== 'string' || data.sweep === '') {
    report.error('wrong-type', '`sweep` must be the path of the pipeline file to vary (relative to this file)', at(['sweep']));
  } else {
    const abs = path.resolve(path.dirname(parsed.file), data.sweep);
    const outside = outsideRoot(abs, root);
    if (outside) report.error('outside-root', `\`sweep\`: \`${data.sweep}\` ${outside}`, at(['sweep']), { hint: 'a sweep can only vary a pipeline inside the project root (the folder agglo runs in)' });
    else base = abs;
  }
  const dimensions = checkDimensions(parsed, data.dimensions, report);
  const exclude = checkChoiceMaps(parsed, 'exclude', data.exclude, dimensions, false, report);
  const include = checkChoiceMaps(parsed, 'include', data.include, dimensions, true, report);
  const collect = checkCollect(parsed, data.collect, report);
  if (!base) return undefined;
  return { file: parsed.file, displayFile: parsed.displayFile, name: sweepName(parsed.file), base, dimensions, exclude, include, collect };
}

/**
 * A map's entries in the order the file writes them: a JavaScript object puts integer-like
 * keys (a choice named `2007`) first, but the first choice of a dimension is its baseline.
 */
function entriesInOrder(parsed: ParsedFile, at: NodePath, plain: Obj): [string, unknown][] {
  const node = parsed.doc.getIn(at, true);
  if (!isMap(node)) return Object.entries(plain);
  const keys = node.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key)).filter((k) => Object.hasOwn(plain, k));
  return new Set(keys).size === Object.keys(plain).length ? keys.map((k) => [k, plain[k]]) : Object.entries(plain);
}

function checkDimensions(parsed: ParsedFile, raw: unknown, report: Reporter): SweepDimension[] {
  const at = (p: NodePath) => parsed.locateNearest(p);
  if (!isObj(raw) || Object.keys(raw).length === 0) {
    report.error(raw === undefined ? 'missing-key' : 'wrong-type', '`dimensions` must be a map of dimension name → its choices (each choice an overlay: `{}`, `{ params: … }`, `{ stages: … }`)', at(['dimensions']));
    return [];
  }
  const out: SweepDimension[] = [];
  for (const [dim, choicesRaw] of entriesInOrder(parsed, ['dimensions'], raw)) {
    const p = ['dimensions', dim];
    if ((SPEC_COLUMNS as readonly string[]).includes(dim)) {
      report.error('reserved-name', `dimension \`${dim}\` has the name of a column of specifications.csv`, parsed.locateKey(p) ?? at(p), { hint: `rename it; ${nameList([...SPEC_COLUMNS])} are taken` });
    }
    if (/[,=]/.test(dim)) report.error('bad-name', `dimension \`${dim}\`: a dimension name cannot contain \`,\` or \`=\` (they separate the parts of a variant id)`, parsed.locateKey(p) ?? at(p));
    if (!isObj(choicesRaw) || Object.keys(choicesRaw).length === 0) {
      report.error('wrong-type', `dimension \`${dim}\` must be a map of choice name → overlay, with at least one choice`, at(p));
      continue;
    }
    const choices: SweepChoice[] = [];
    for (const [name, overlay] of entriesInOrder(parsed, p, choicesRaw)) {
      const cp = [...p, name];
      if (/[,=]/.test(name)) report.error('bad-name', `choice \`${name}\` of dimension \`${dim}\`: a choice name cannot contain \`,\` or \`=\` (they separate the parts of a variant id)`, parsed.locateKey(cp) ?? at(cp));
      if (overlay === null || (isObj(overlay) && Object.keys(overlay).length === 0)) {
        choices.push({ name });
        continue;
      }
      if (!isObj(overlay)) {
        report.error('wrong-type', `choice \`${name}\` of dimension \`${dim}\` must be an overlay: \`{}\` (the pipeline as it is), \`{ params: … }\` or \`{ stages: … }\``, at(cp));
        continue;
      }
      let ok = true;
      for (const k of Object.keys(overlay)) {
        if ((OVERLAY_KEYS as readonly string[]).includes(k)) continue;
        ok = false;
        report.error('unknown-key', `unknown key \`${k}\` in choice \`${name}\` of dimension \`${dim}\``, parsed.locateKey([...cp, k]) ?? at([...cp, k]), { hint: didYouMean(k, OVERLAY_KEYS) ?? 'an overlay has `params` (pipeline params) and `stages` (merged over the stages)' });
      }
      for (const k of OVERLAY_KEYS) {
        if (overlay[k] !== undefined && !isObj(overlay[k])) {
          ok = false;
          report.error('wrong-type', `\`${k}\` of choice \`${name}\` must be a map`, at([...cp, k]));
        }
      }
      if (ok) choices.push({ name, ...(isObj(overlay.params) ? { params: overlay.params } : {}), ...(isObj(overlay.stages) ? { stages: overlay.stages } : {}) });
    }
    out.push({ name: dim, choices });
  }
  return out;
}

/** `exclude:` (partial maps) or `include:` (full maps) of dimension → choice. */
function checkChoiceMaps(parsed: ParsedFile, key: 'exclude' | 'include', raw: unknown, dims: readonly SweepDimension[], full: boolean, report: Reporter): ChoiceMap[] {
  if (raw === undefined || raw === null) return [];
  const at = (p: NodePath) => parsed.locateNearest(p);
  if (!Array.isArray(raw)) {
    report.error('wrong-type', `\`${key}\` must be a list of maps dimension: choice`, at([key]));
    return [];
  }
  const out: ChoiceMap[] = [];
  raw.forEach((entry, i) => {
    const p = [key, i];
    if (!isObj(entry) || Object.keys(entry).length === 0) {
      report.error('wrong-type', `each entry of \`${key}\` must be a map dimension: choice, e.g. \`{ ${dims[0]?.name ?? 'years'}: ${dims[0]?.choices[0]?.name ?? '2013..2023'} }\``, at(p));
      return;
    }
    const choices: Record<string, string> = {};
    let ok = true;
    for (const [dim, v] of Object.entries(entry)) {
      const d = dims.find((x) => x.name === dim);
      if (!d) {
        ok = false;
        report.error('unknown-dimension', `\`${key}\` names dimension \`${dim}\`, which the sweep does not have`, parsed.locateKey([...p, dim]) ?? at([...p, dim]), { hint: didYouMean(dim, dims.map((x) => x.name)) ?? `the dimensions are ${nameList(dims.map((x) => x.name))}` });
        continue;
      }
      const choice = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
      const names = d.choices.map((c) => c.name);
      if (choice === undefined || !names.includes(choice)) {
        ok = false;
        report.error('unknown-choice', `dimension \`${dim}\` has no choice \`${choice ?? JSON.stringify(v)}\``, at([...p, dim]), { hint: (choice !== undefined ? didYouMean(choice, names) : undefined) ?? `its choices are ${nameList(names)}` });
        continue;
      }
      choices[dim] = choice;
    }
    if (full && ok) {
      const missing = dims.map((d) => d.name).filter((d) => !Object.hasOwn(choices, d));
      if (missing.length) {
        ok = false;
        report.error('incomplete-variant', `an \`include\` entry must choose in every dimension; it misses ${nameList(missing)}`, at(p));
      }
    }
    if (ok) out.push({ choices, at: at(p) });
  });
  return out;
}

function checkCollect(parsed: ParsedFile, raw: unknown, report: Reporter): CollectSpec[] {
  const at = (p: NodePath) => parsed.locateNearest(p);
  if (!Array.isArray(raw) || raw.length === 0) {
    report.error(raw === undefined ? 'missing-key' : 'wrong-type', '`collect` must be a list of what to gather from each variant, e.g. `- { stage: within, terms: [gdp] }`', at(['collect']));
    return [];
  }
  const out: CollectSpec[] = [];
  raw.forEach((entry, i) => {
    const p = ['collect', i];
    if (!isObj(entry)) {
      report.error('wrong-type', 'each entry of `collect` must be a map `{ stage: NAME, terms: [TERM, …] }` (a model) or `{ stage: NAME, output: OUTPUT, columns: [COLUMN, …] }` (a table)', at(p));
      return;
    }
    let ok = true;
    for (const k of Object.keys(entry)) {
      if ((COLLECT_KEYS as readonly string[]).includes(k)) continue;
      ok = false;
      report.error('unknown-key', `unknown key \`${k}\` in a \`collect\` entry`, parsed.locateKey([...p, k]) ?? at([...p, k]), { hint: didYouMean(k, COLLECT_KEYS) ?? 'an entry has `stage` and (optionally) `terms`, or `output` and `columns`' });
    }
    if (typeof entry.stage !== 'string' || entry.stage === '') {
      ok = false;
      report.error(entry.stage === undefined ? 'missing-key' : 'wrong-type', 'a `collect` entry needs `stage`: the name of the stage to collect from', at(entry.stage === undefined ? p : [...p, 'stage']));
    }
    const names = (key: 'terms' | 'columns', what: string): string[] | undefined => {
      const v = entry[key];
      if (v === undefined) return undefined;
      if (Array.isArray(v) && v.length > 0 && v.every((t) => typeof t === 'string' && t !== '')) return v as string[];
      ok = false;
      report.error('wrong-type', `\`${key}\` must be a non-empty list of ${what} (leave it out for all of them)`, at([...p, key]));
      return undefined;
    };
    const terms = names('terms', 'coefficient names');
    const columns = names('columns', 'column names');
    let output: string | undefined;
    if (entry.output !== undefined) {
      if (typeof entry.output === 'string' && entry.output !== '') output = entry.output;
      else {
        ok = false;
        report.error('wrong-type', '`output` must be the name of one of the stage\'s outputs', at([...p, 'output']));
      }
    }
    if (entry.terms !== undefined && (entry.output !== undefined || entry.columns !== undefined)) {
      ok = false;
      report.error('conflicting-keys', 'a `collect` entry takes either a model\'s `terms` or an output\'s `columns`, not both', at([...p, 'terms']), { hint: 'write two entries: `{ stage: S, terms: [...] }` for coefficients, `{ stage: S, output: O, columns: [...] }` for a table' });
    }
    if (ok) out.push({ stage: entry.stage as string, ...(terms ? { terms } : {}), ...(output ? { output } : {}), ...(columns ? { columns } : {}), path: p });
  });
  return out;
}
