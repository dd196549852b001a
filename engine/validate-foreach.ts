/**
 * Checks a stage's `foreach:` dimensions: a literal list, a `${params…}` list or range, the
 * distinct values of a column of a CSV file, or of an upstream stage's table.
 */
import path from 'node:path';
import { splitCsv } from './csv.js';
import type { ForeachSource } from './pipeline.js';
import { findRefs, itemDimension, parseRange, resolveParamRefs } from './interpolate.js';
import type { ValidationContext } from './validate-stages.js';
import { reportRefProblems, resolveStageRef } from './validate-stages.js';
import { checkProjectFile } from './confine.js';
import { didYouMean, nameList } from './suggest.js';
import { describeType } from './pipeline-schema.js';
import { MAX_ITEMS_PER_STAGE, describeItemCount, itemCount } from './items.js';
import { dict } from './dict.js';

const DIMENSION = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SOURCE_KEYS = ['file', 'stage', 'column', 'output'];

/** Result of checking one stage's foreach. */
export interface ForeachCheck {
  /** Sources of the dimensions that are valid; undefined when any is not. */
  readonly foreach: Record<string, ForeachSource> | undefined;
  /** Every declared dimension name, valid or not (to check `${item.x}` without cascades). */
  readonly dims: string[];
  /** Upstream stages whose results the items depend on, with where each is named. */
  readonly deps: { stage: string; path: (string | number)[] }[];
}

/** Checks `stages.<id>.foreach`. */
export function checkForeach(ctx: ValidationContext, id: string, raw: Record<string, unknown>): ForeachCheck {
  const dims = Object.keys(raw);
  const deps: { stage: string; path: (string | number)[] }[] = [];
  const out = dict<ForeachSource>();
  const sizes = new Map<string, number>();
  let ok = true;
  const base = ['stages', id, 'foreach'];
  for (const [dim, spec] of Object.entries(raw)) {
    const at = [...base, dim];
    if (!DIMENSION.test(dim)) {
      ctx.report.error('bad-dimension', `foreach dimension \`${dim}\` of stage \`${id}\` is not a valid name`, ctx.parsed.locateKey(at) ?? ctx.parsed.locateNearest(at), { hint: 'use letters, digits and `_`, starting with a letter, so it can be referred to as `${item.NAME}`' });
      ok = false;
    }
    for (const r of findRefs(spec, at)) {
      if (itemDimension(r.ref) !== undefined || r.ref.startsWith('item')) {
        ctx.report.error('unknown-reference', `\`\${${r.ref}}\` cannot be used in \`foreach\`: items are made from it`, ctx.parsed.locateNearest(r.path));
        ok = false;
      }
    }
    const src = typeof spec === 'object' && spec !== null && !Array.isArray(spec)
      ? fromObject(ctx, id, dim, spec as Record<string, unknown>, deps, sizes)
      : fromValues(ctx, id, dim, spec);
    if (src) out[dim] = src;
    else ok = false;
    if (src?.kind === 'values') sizes.set(dim, src.values.length);
  }
  checkItemCount(ctx, id, sizes, dims.filter((d) => out[d]?.kind === 'stage'));
  return { foreach: ok ? out : undefined, dims, deps };
}

/**
 * Bounds the product of the dimensions whose sizes are known now (lists, ranges, CSV
 * columns) by {@link MAX_ITEMS_PER_STAGE}, before anything is expanded. Dimensions from an
 * upstream stage are counted when the stage runs (expand.ts).
 */
function checkItemCount(ctx: ValidationContext, id: string, sizes: ReadonlyMap<string, number>, unknown: readonly string[]): void {
  const known = [...sizes].map(([name, size]) => ({ name, size }));
  if (itemCount(known.map((d) => d.size)) <= MAX_ITEMS_PER_STAGE) return;
  const later = unknown.length > 0 ? `, before counting ${nameList(unknown)}` : '';
  ctx.report.error('too-many-items', `stage \`${id}\` fans out to ${describeItemCount(known)}${later}, more than the limit of ${MAX_ITEMS_PER_STAGE.toLocaleString('en-US')} items per stage`, ctx.parsed.locateKey(['stages', id, 'foreach']) ?? ctx.parsed.locateNearest(['stages', id, 'foreach']), {
    hint: 'each item is a separate task; narrow the dimensions or split the stage, or pass a list as a param and let the step loop over it',
  });
}

function fromValues(ctx: ValidationContext, id: string, dim: string, spec: unknown): ForeachSource | undefined {
  const at = ['stages', id, 'foreach', dim];
  const resolved = resolveParamRefs(spec, ctx.params, at);
  if (reportRefProblems(ctx, resolved.problems)) return undefined;
  let value = resolved.value;
  if (typeof value === 'string') {
    const r = parseRange(value);
    if (r.kind === 'bad') { ctx.report.error('bad-range', r.message, ctx.parsed.locateNearest(at)); return undefined; }
    if (r.kind === 'range') value = r.values;
  }
  const shown = typeof spec === 'string' ? ` (\`${spec}\`)` : '';
  if (!Array.isArray(value)) {
    ctx.report.error('wrong-type', `foreach dimension \`${dim}\` of stage \`${id}\` must be a list of values, not ${describeType(value)}${shown}`, ctx.parsed.locateNearest(at), {
      hint: 'write a list `[a, b]`, a range `2011..2023`, `${params.NAME}` naming a list, `{file: PATH, column: NAME}` or `{stage: STAGE, column: NAME}`',
    });
    return undefined;
  }
  if (value.length === 0) {
    ctx.report.error('empty-foreach', `foreach dimension \`${dim}\` of stage \`${id}\` has no values${shown}`, ctx.parsed.locateNearest(at), {
      hint: 'a stage fanned out over no items computes nothing; give at least one value or remove the dimension',
    });
    return undefined;
  }
  const bad = value.findIndex((v) => typeof v !== 'string' && typeof v !== 'number');
  if (bad >= 0) {
    ctx.report.error('wrong-type', `value ${bad + 1} of foreach dimension \`${dim}\` of stage \`${id}\` is ${describeType(value[bad])}; items must be strings or numbers`, ctx.parsed.locateNearest(Array.isArray(spec) ? [...at, bad] : at));
    return undefined;
  }
  return { kind: 'values', values: value as (string | number)[] };
}

function fromObject(ctx: ValidationContext, id: string, dim: string, spec: Record<string, unknown>, deps: ForeachCheck['deps'], sizes: Map<string, number>): ForeachSource | undefined {
  const at = ['stages', id, 'foreach', dim];
  let ok = true;
  for (const key of Object.keys(spec)) {
    if (!SOURCE_KEYS.includes(key)) {
      ctx.report.error('unknown-key', `foreach dimension \`${dim}\` of stage \`${id}\` has unknown key \`${key}\``, ctx.parsed.locateKey([...at, key]) ?? ctx.parsed.locateNearest([...at, key]), { hint: didYouMean(key, SOURCE_KEYS) ?? 'use `{file: PATH, column: NAME}` or `{stage: STAGE, column: NAME}`' });
      ok = false;
    }
  }
  const hasFile = spec.file !== undefined;
  const hasStage = spec.stage !== undefined;
  if (hasFile === hasStage || typeof spec.column !== 'string') {
    const what = hasFile && hasStage ? 'has both `file` and `stage`' : typeof spec.column !== 'string' && (hasFile || hasStage) ? 'needs a `column:` name' : 'needs `file:` or `stage:` and `column:`';
    ctx.report.error('missing-key', `foreach dimension \`${dim}\` of stage \`${id}\` ${what}`, ctx.parsed.locateNearest(at), { hint: 'write `{file: data/x.csv, column: NAME}` or `{stage: STAGE, column: NAME}`' });
    return undefined;
  }
  const column = spec.column;
  if (hasStage) {
    if (typeof spec.stage !== 'string') { ctx.report.error('wrong-type', `\`stage\` of foreach dimension \`${dim}\` must be a stage name`, ctx.parsed.locateNearest([...at, 'stage'])); return undefined; }
    const ref = resolveStageRef(ctx, id, spec.stage, typeof spec.output === 'string' ? spec.output : undefined, [...at, 'stage']);
    if (!ref || !ok) return undefined;
    deps.push({ stage: ref.stage, path: [...at, 'stage'] });
    return { kind: 'stage', stage: ref.stage, column, ...(ref.output !== undefined ? { output: ref.output } : {}) };
  }
  const resolved = resolveParamRefs(spec.file, ctx.params, [...at, 'file']);
  if (reportRefProblems(ctx, resolved.problems) || !ok) return undefined;
  if (typeof resolved.value !== 'string') { ctx.report.error('wrong-type', `\`file\` of foreach dimension \`${dim}\` must be a path`, ctx.parsed.locateNearest([...at, 'file'])); return undefined; }
  const file = resolved.value;
  if (!checkProjectFile(ctx, file, `file \`${file}\` for foreach dimension \`${dim}\` of stage \`${id}\``, [...at, 'file'])) return undefined;
  const abs = path.resolve(ctx.opts.root, file);
  if (ctx.opts.readText) {
    const text = ctx.opts.readText(abs);
    if (typeof text !== 'string') {
      ctx.report.error('file-too-large', `file \`${file}\` for foreach dimension \`${dim}\` ${text.problem}`, ctx.parsed.locateNearest([...at, 'file']), { hint: 'a foreach file lists items: keep them in a small file of their own' });
      return undefined;
    }
    const split = splitCsv(text);
    if (!split.ok) {
      ctx.report.error('bad-csv', `file \`${file}\` for foreach dimension \`${dim}\` is not valid CSV: line ${split.error.line}: ${split.error.message}`, ctx.parsed.locateNearest([...at, 'file']));
      return undefined;
    }
    const header = split.value.header;
    const col = header.indexOf(column);
    if (col < 0) {
      ctx.report.error('unknown-column', `file \`${file}\` has no column \`${column}\``, ctx.parsed.locateNearest([...at, 'column']), { hint: didYouMean(column, header) ?? `its columns are ${nameList(header)}` });
      return undefined;
    }
    const count = distinctCount(split.value.rows, col);
    if (count === 0) {
      ctx.report.error('empty-foreach', `column \`${column}\` of \`${file}\` has no values, so foreach dimension \`${dim}\` of stage \`${id}\` is empty`, ctx.parsed.locateNearest([...at, 'column']));
      return undefined;
    }
    sizes.set(dim, count);
  }
  return { kind: 'file', path: file, column };
}

/**
 * Distinct non-empty values of column `col`, memoised per split (csv.ts splitCsv returns the
 * same rows for the same text, and several stages often fan out over one file's column).
 */
const distinctCounts = new WeakMap<readonly (readonly string[])[], Map<number, number>>();
function distinctCount(rows: readonly (readonly string[])[], col: number): number {
  let byCol = distinctCounts.get(rows);
  if (!byCol) distinctCounts.set(rows, (byCol = new Map()));
  let n = byCol.get(col);
  if (n === undefined) {
    const seen = new Set<string>();
    for (const r of rows) {
      const v = r[col] ?? '';
      if (v !== '') seen.add(v);
    }
    byCol.set(col, (n = seen.size));
  }
  return n;
}
